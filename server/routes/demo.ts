import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { FastifyInstance } from 'fastify';
import { DEMO_TRAINING_ARGS } from '../engine/demo-recipe.ts';
import { ok } from '../protocol/envelope.ts';
import type { DemoInfo } from '../protocol/models.ts';
import type { RouteDeps } from './index.ts';

/** Folder where `npm run fixtures` (tests/fixtures/ensure.ts) writes the tiny model and the demo data. */
const FIXTURES_OUT = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '..',
  '..',
  'tests',
  'fixtures',
  'out',
);

export const DEMO_MODEL_DIR = path.join(FIXTURES_OUT, 'tiny-qwen2-audio');
export const DEMO_DATASET_DIR = path.join(FIXTURES_OUT, 'demo-dataset');

export function demoInfo(): DemoInfo {
  const available =
    fs.existsSync(path.join(DEMO_MODEL_DIR, 'config.json')) &&
    fs.existsSync(path.join(DEMO_DATASET_DIR, 'dataset_info.json'));
  return {
    available,
    modelDir: DEMO_MODEL_DIR,
    datasetDir: DEMO_DATASET_DIR,
    trainDataset: 'demo_train',
    heldOutDataset: 'demo_heldout',
    config: {
      ...DEMO_TRAINING_ARGS,
      model_name_or_path: DEMO_MODEL_DIR,
      dataset_dir: DEMO_DATASET_DIR,
    },
  };
}

/** Describes the built-in CPU demo: the tiny model, its audio data and the known-good recipe. */
export function registerDemoRoutes(app: FastifyInstance, _deps: RouteDeps): void {
  app.get('/api/demo', async () => ok(demoInfo()));
}
