import type { FastifyInstance } from 'fastify';
import { ok } from '../protocol/envelope.ts';
import type { RouteDeps } from './index.ts';

function statusFor(code: string): number {
  return code === 'not_found' ? 404 : 409;
}

/** Abort and resume; both act on an existing run. */
export function registerRunActionRoutes(app: FastifyInstance, deps: RouteDeps): void {
  app.post<{ Params: { id: string } }>('/api/runs/:id/abort', async (request, reply) => {
    const result = deps.runs.abort(request.params.id);
    if (!result.ok) {
      return reply.code(statusFor(result.error.code)).send(result);
    }
    return ok(result.data);
  });

  app.post<{ Params: { id: string } }>('/api/runs/:id/resume', async (request, reply) => {
    const result = deps.runs.resume(request.params.id);
    if (!result.ok) {
      return reply.code(statusFor(result.error.code)).send(result);
    }
    return reply.code(201).send(ok(result.data));
  });
}
