import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { fail, ok, parsePayload } from '../protocol/envelope.ts';
import { engineConfigSchema } from '../protocol/runs.ts';
import type { RouteDeps } from './index.ts';

const createRunBodySchema = z.object({
  name: z.string().max(200).optional(),
  config: engineConfigSchema,
  resumeFrom: z.string().nullable().optional(),
});

const afterSeqQuerySchema = z.object({
  afterSeq: z.coerce.number().int().min(0).default(0),
});

export function registerRunRoutes(app: FastifyInstance, deps: RouteDeps): void {
  app.get('/api/runs', async () => ok(deps.runs.list()));

  app.post('/api/runs', async (request, reply) => {
    const body = parsePayload(createRunBodySchema, request.body, 'run request');
    if (!body.ok) {
      return reply.code(400).send(body);
    }
    if (typeof body.data.config.output_dir !== 'string' || body.data.config.output_dir === '') {
      return reply.code(400).send(
        fail('invalid_payload', 'Invalid run request: config.output_dir is required.', {
          issues: [{ path: 'config.output_dir', message: 'required' }],
        }),
      );
    }
    const run = deps.runs.create(body.data);
    return reply.code(201).send(ok(run));
  });

  app.get<{ Params: { id: string } }>('/api/runs/:id', async (request, reply) => {
    const run = deps.runs.get(request.params.id);
    if (!run) {
      return reply.code(404).send(fail('not_found', `Run "${request.params.id}" not found.`));
    }
    return ok(run);
  });

  app.get<{ Params: { id: string } }>('/api/runs/:id/metrics', async (request, reply) => {
    const query = parsePayload(afterSeqQuerySchema, request.query, 'query');
    if (!query.ok) {
      return reply.code(400).send(query);
    }
    const snapshot = deps.runs.snapshot(
      request.params.id,
      query.data.afterSeq,
      Number.MAX_SAFE_INTEGER,
    );
    if (!snapshot) {
      return reply.code(404).send(fail('not_found', `Run "${request.params.id}" not found.`));
    }
    return ok(snapshot.points);
  });
}
