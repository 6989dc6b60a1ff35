import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { DatasetInfoError, listDatasets } from '../datasets/dataset-info.ts';
import { fail, ok, parsePayload } from '../protocol/envelope.ts';
import type { RouteDeps } from './index.ts';

const listQuerySchema = z.object({ dataset_dir: z.string().min(1) });

export function registerDatasetRoutes(app: FastifyInstance, _deps: RouteDeps): void {
  app.get('/api/datasets', async (request, reply) => {
    const query = parsePayload(listQuerySchema, request.query, 'query');
    if (!query.ok) {
      return reply.code(400).send(query);
    }
    try {
      return ok(listDatasets(path.resolve(query.data.dataset_dir)));
    } catch (error) {
      if (error instanceof DatasetInfoError) {
        return reply.code(404).send(fail('not_found', error.message));
      }
      throw error;
    }
  });
}
