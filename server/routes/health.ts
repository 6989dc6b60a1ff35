import type { FastifyInstance } from 'fastify';
import { databaseState } from '../db/database.ts';
import { ok } from '../protocol/envelope.ts';
import { BOARD_VERSION } from '../version.ts';
import type { RouteDeps } from './index.ts';

export function registerHealthRoutes(app: FastifyInstance, deps: RouteDeps): void {
  app.get('/api/health', async () => {
    let database: {
      state: 'ok' | 'error';
      schemaVersion?: number;
      journalMode?: string;
      error?: string;
    };
    try {
      const state = databaseState(deps.db);
      deps.db.prepare('SELECT 1').get();
      database = {
        state: 'ok',
        schemaVersion: state.schemaVersion,
        journalMode: state.journalMode,
      };
    } catch (error) {
      database = { state: 'error', error: error instanceof Error ? error.message : String(error) };
    }

    const workers = deps.registry.list();
    return ok({
      version: BOARD_VERSION,
      database,
      workers: workers.filter((worker) => worker.status === 'online'),
      knownWorkers: workers.length,
    });
  });

  app.get('/api/workers', async () => ok(deps.registry.list()));
}
