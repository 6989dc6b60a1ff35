import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { listModelModules, ModelModulesError } from '../models/modules.ts';
import { fail, ok, parsePayload } from '../protocol/envelope.ts';
import type { RouteDeps } from './index.ts';

const modulesQuerySchema = z.object({ path: z.string().trim().min(1, 'path must not be empty') });

/** Model inspection: the Linear modules a `lora_target` can name. */
export function registerModelRoutes(app: FastifyInstance, _deps: RouteDeps): void {
  app.get('/api/models/modules', async (request, reply) => {
    const query = parsePayload(modulesQuerySchema, request.query, 'query');
    if (!query.ok) {
      return reply.code(400).send(query);
    }
    try {
      return ok(await listModelModules(query.data.path));
    } catch (error) {
      if (error instanceof ModelModulesError) {
        return reply
          .code(error.code === 'not_found' ? 404 : 400)
          .send(fail(error.code, error.message));
      }
      throw error;
    }
  });
}
