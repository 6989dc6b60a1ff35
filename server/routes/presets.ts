import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { fail, ok, parsePayload } from '../protocol/envelope.ts';
import { engineConfigSchema } from '../protocol/runs.ts';
import type { RouteDeps } from './index.ts';

const presetNameSchema = z
  .string()
  .trim()
  .min(1, 'preset name must not be empty')
  .max(100, 'preset name must be at most 100 characters');

const presetBodySchema = z.object({ config: engineConfigSchema });

export function registerPresetRoutes(app: FastifyInstance, deps: RouteDeps): void {
  app.get('/api/presets', async () => ok(deps.presets.list()));

  app.put<{ Params: { name: string } }>('/api/presets/:name', async (request, reply) => {
    const name = parsePayload(presetNameSchema, request.params.name, 'preset name');
    if (!name.ok) {
      return reply.code(400).send(name);
    }
    const body = parsePayload(presetBodySchema, request.body, 'preset');
    if (!body.ok) {
      return reply.code(400).send(body);
    }
    return ok(deps.presets.put(name.data, body.data.config, deps.now()));
  });

  app.delete<{ Params: { name: string } }>('/api/presets/:name', async (request, reply) => {
    if (!deps.presets.delete(request.params.name)) {
      return reply.code(404).send(fail('not_found', `Preset "${request.params.name}" not found.`));
    }
    return ok(null);
  });
}
