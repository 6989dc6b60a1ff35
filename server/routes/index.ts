import type { FastifyInstance } from 'fastify';
import type { Db } from '../db/database.ts';
import type { PresetsRepo } from '../db/presets-repo.ts';
import type { RunService } from '../runs/service.ts';
import type { WorkerRegistry } from '../workers/registry.ts';
import { registerDatasetRoutes } from './datasets.ts';
import { registerDemoRoutes } from './demo.ts';
import { registerHealthRoutes } from './health.ts';
import { registerModelRoutes } from './models.ts';
import { registerPlaygroundRoutes } from './playground.ts';
import { registerPresetRoutes } from './presets.ts';
import { registerExportRoutes, registerRunActionRoutes } from './run-actions.ts';
import { registerRunRoutes } from './runs.ts';
import { registerUploadRoutes } from './uploads.ts';

export interface RouteDeps {
  db: Db;
  runs: RunService;
  registry: WorkerRegistry;
  presets: PresetsRepo;
  now: () => string;
  dataDir: string;
}

export function registerRoutes(app: FastifyInstance, deps: RouteDeps): void {
  registerHealthRoutes(app, deps);
  registerPresetRoutes(app, deps);
  registerRunRoutes(app, deps);
  registerRunActionRoutes(app, deps);
  registerExportRoutes(app, deps);
  registerDatasetRoutes(app, deps);
  registerModelRoutes(app, deps);
  registerDemoRoutes(app, deps);
  registerUploadRoutes(app, deps);
  registerPlaygroundRoutes(app, deps);
}
