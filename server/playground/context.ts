import type { FastifyInstance } from 'fastify';
import type { Db } from '../db/database.ts';
import type { RunService } from '../runs/service.ts';
import { UploadStore } from '../uploads/store.ts';
import type { WorkerRegistry } from '../workers/registry.ts';
import { PlaygroundService } from './service.ts';
import { PlaygroundRepo } from './sessions-repo.ts';

export interface PlaygroundContext {
  uploads: UploadStore;
  service: PlaygroundService;
}

export interface PlaygroundDeps {
  db: Db;
  dataDir: string;
  runs: RunService;
  registry: WorkerRegistry;
  now: () => string;
}

const contexts = new WeakMap<FastifyInstance, PlaygroundContext>();

/**
 * Returns the board's upload store and playground service, creating them on the first call with
 * `deps`. The upload and playground routes share them, and the socket relay reads them later.
 */
export function playgroundContext(app: FastifyInstance, deps?: PlaygroundDeps): PlaygroundContext {
  const existing = contexts.get(app);
  if (existing) {
    return existing;
  }
  if (!deps) {
    throw new Error('playground context requested before the playground routes were registered');
  }
  const logger = app.log.child({ component: 'playground' });
  const uploads = new UploadStore(deps.db, deps.dataDir, deps.now);
  const service = new PlaygroundService(
    new PlaygroundRepo(deps.db),
    uploads,
    deps.registry,
    deps.runs,
    logger,
    deps.now,
  );
  const context = { uploads, service };
  contexts.set(app, context);
  return context;
}
