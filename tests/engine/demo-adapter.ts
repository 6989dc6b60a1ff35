import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { DEMO_TRAINING_ARGS, demoTrainingArgs } from '../../server/engine/demo-recipe.ts';
import type { RunSummary } from '../../server/protocol/runs.ts';
import type { Fixtures } from '../fixtures/ensure.ts';
import { type EngineBoard, engineLogTail, postJson, waitForRun } from './engine-helpers.ts';

/** Where the engine tier keeps the demo LoRA adapter between test files and test runs. */
export const DEMO_ADAPTER_DIR = fileURLToPath(
  new URL('../fixtures/out/engine-tier/demo-lora', import.meta.url),
);
export const DEMO_ADAPTER_KEY_FILE = '.recipe-key';
const FIXTURE_KEY_FILE = '.fixture-key';
/** 200 steps take about 70 s on 2 idle CPU cores and a few minutes on busy ones. */
const TRAINING_TIMEOUT_MS = 20 * 60_000;

/**
 * Returns the key of the demo adapter: a hash of the training arguments and of the fixture
 * folders' keys, so a change of the recipe, the tiny model or the clips invalidates it.
 */
export function demoAdapterKey(fixtures: Fixtures): string {
  const hash = createHash('sha256');
  hash.update(JSON.stringify(DEMO_TRAINING_ARGS));
  for (const folder of [fixtures.modelDir, fixtures.datasetDir]) {
    hash.update(fs.readFileSync(path.join(folder, FIXTURE_KEY_FILE), 'utf8').trim());
  }
  return hash.digest('hex').slice(0, 16);
}

/** True when `dir` contains a trained adapter whose key file matches the current recipe and fixtures. */
export function isDemoAdapterCurrent(fixtures: Fixtures, dir = DEMO_ADAPTER_DIR): boolean {
  const keyFile = path.join(dir, DEMO_ADAPTER_KEY_FILE);
  return (
    fs.existsSync(path.join(dir, 'adapter_model.safetensors')) &&
    fs.existsSync(keyFile) &&
    fs.readFileSync(keyFile, 'utf8').trim() === demoAdapterKey(fixtures)
  );
}

/** Marks `dir` as the adapter of the current recipe; call it only after training completed. */
export function writeDemoAdapterKey(fixtures: Fixtures, dir = DEMO_ADAPTER_DIR): void {
  fs.writeFileSync(path.join(dir, DEMO_ADAPTER_KEY_FILE), `${demoAdapterKey(fixtures)}\n`);
}

/**
 * Returns the folder of a trained demo LoRA adapter, training it through the board when the
 * cached one is missing or stale. Training writes to a temporary sibling folder that is renamed
 * into place after the key is written, so an interrupted run is never reused.
 */
export async function ensureDemoAdapter(engine: EngineBoard): Promise<string> {
  const { board, fixtures } = engine;
  if (isDemoAdapterCurrent(fixtures)) {
    console.log(`[demo-adapter] reusing ${DEMO_ADAPTER_DIR}`);
    return DEMO_ADAPTER_DIR;
  }

  fs.mkdirSync(path.dirname(DEMO_ADAPTER_DIR), { recursive: true });
  const temporaryDir = `${DEMO_ADAPTER_DIR}.tmp-${process.pid}-${Date.now()}`;
  const started = performance.now();
  console.log(`[demo-adapter] training the demo adapter into ${temporaryDir}`);
  try {
    const created = await postJson<RunSummary>(`${board.url}/api/runs`, {
      name: 'demo adapter',
      config: demoTrainingArgs({
        modelDir: fixtures.modelDir,
        datasetDir: fixtures.datasetDir,
        outputDir: temporaryDir,
      }),
    });
    if (!created.body.ok) {
      throw new Error(`The board rejected the demo run: ${JSON.stringify(created.body.error)}`);
    }
    const runId = created.body.data.id;
    const done = await waitForRun(
      board,
      runId,
      ['completed', 'failed', 'aborted'],
      TRAINING_TIMEOUT_MS,
    );
    if (done.status !== 'completed') {
      throw new Error(
        `Demo adapter training ended as ${done.status}:\n${engineLogTail(board, runId)}`,
      );
    }
    writeDemoAdapterKey(fixtures, temporaryDir);
    fs.rmSync(DEMO_ADAPTER_DIR, { recursive: true, force: true });
    fs.renameSync(temporaryDir, DEMO_ADAPTER_DIR);
  } catch (error) {
    fs.rmSync(temporaryDir, { recursive: true, force: true });
    throw error;
  }
  console.log(
    `[demo-adapter] trained in ${((performance.now() - started) / 1000).toFixed(1)} s: ${DEMO_ADAPTER_DIR}`,
  );
  return DEMO_ADAPTER_DIR;
}
