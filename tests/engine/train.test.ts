import fs from 'node:fs';
import path from 'node:path';
import { io } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoTrainingArgs } from '../../server/engine/demo-recipe.ts';
import type { MetricPoint, RunStatus, RunSummary } from '../../server/protocol/runs.ts';
import { tempDir } from '../helpers/board.ts';
import { DEMO_ADAPTER_DIR, writeDemoAdapterKey } from './demo-adapter.ts';
import {
  adapterFiles,
  type EngineBoard,
  engineLogTail,
  postJson,
  startEngineBoard,
  waitForRun,
} from './engine-helpers.ts';

let engine: EngineBoard;

beforeAll(async () => {
  engine = await startEngineBoard();
});

afterAll(async () => {
  await engine?.agent.stop();
  await engine?.board.server.close();
});

function mean(values: number[]): number {
  return values.reduce((sum, value) => sum + value, 0) / values.length;
}

describe('LoRA training with the real engine', () => {
  it('streams trainer_log lines while training, the loss falls and the adapter is saved', async () => {
    const { board, fixtures } = engine;
    const outputDir = path.join(tempDir('engine-train'), 'lora');
    const config = demoTrainingArgs({
      modelDir: fixtures.modelDir,
      datasetDir: fixtures.datasetDir,
      outputDir,
    });

    // The browser's view: every point, and the run's status when each arrived.
    const browser = io(`${board.url}/ui`, { transports: ['websocket'] });
    const statuses = new Map<string, RunStatus>();
    const arrivals: { point: MetricPoint; status: RunStatus | undefined }[] = [];
    let runId = '';
    browser.on('run:changed', (run: RunSummary) => statuses.set(run.id, run.status));
    browser.on('run:metrics', ({ points }: { points: MetricPoint[] }) => {
      for (const point of points) {
        arrivals.push({ point, status: statuses.get(runId) });
      }
    });
    await new Promise<void>((resolve) => browser.on('connect', () => resolve()));

    const created = await postJson<RunSummary>(`${board.url}/api/runs`, {
      name: 'engine tier',
      config,
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    if (!created.body.ok) return;
    runId = created.body.data.id;
    await browser.emitWithAck('run:subscribe', { runId, afterSeq: 0, afterLogSeq: 0 });

    const done = await waitForRun(board, runId, ['completed', 'failed', 'aborted'], 15 * 60_000);
    browser.close();
    expect(done.status, engineLogTail(board, runId)).toBe('completed');

    const stored = board.server.runs.snapshot(runId, 0, 0)?.points ?? [];
    const losses = stored
      .map((point) => point.loss)
      .filter((loss): loss is number => loss !== null);
    const liveWhileRunning = arrivals.filter((entry) => entry.status === 'running').length;
    console.log(
      `engine tier: ${stored.length} trainer_log points, ${liveWhileRunning} reached the browser while running; ` +
        `loss ${losses[0]?.toFixed(3)} → ${losses.at(-1)?.toFixed(3)}`,
    );

    expect(stored.length).toBeGreaterThanOrEqual(100);
    expect(liveWhileRunning).toBeGreaterThan(10);
    expect(mean(losses.slice(-10))).toBeLessThan(mean(losses.slice(0, 10)) / 5);
    expect(adapterFiles(outputDir)).toEqual(
      expect.arrayContaining(['adapter_config.json', 'adapter_model.safetensors']),
    );
    expect(fs.existsSync(path.join(outputDir, 'trainer_log.jsonl'))).toBe(true);
    expect(fs.existsSync(path.join(outputDir, 'running_log.txt'))).toBe(true);

    // Later engine tests serve and export this adapter instead of training their own.
    fs.rmSync(DEMO_ADAPTER_DIR, { recursive: true, force: true });
    fs.cpSync(outputDir, DEMO_ADAPTER_DIR, { recursive: true });
    writeDemoAdapterKey(fixtures);
  });

  it('trains 4-bit QLoRA where bitsandbytes runs, here on the CPU', async () => {
    const { board, fixtures, agent } = engine;
    const worker = board.server.registry.list().find((entry) => entry.workerId === agent.workerId);
    // The pinned bitsandbytes quantizes on the CPU; a worker without it gets the
    // quantization_needs_gpu message before the start (tests/integration/train-runs.test.ts).
    expect(worker?.engine.state === 'ready' && worker.engine.cpuQuantization).toBe(true);

    const outputDir = path.join(tempDir('engine-qlora'), 'qlora');
    const config = {
      ...demoTrainingArgs({
        modelDir: fixtures.modelDir,
        datasetDir: fixtures.datasetDir,
        outputDir,
      }),
      quantization_bit: 4,
      quantization_method: 'bnb',
      double_quantization: true,
      num_train_epochs: 3,
    };

    const created = await postJson<RunSummary>(`${board.url}/api/runs`, {
      name: 'engine tier qlora',
      config,
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    if (!created.body.ok) return;
    const done = await waitForRun(
      board,
      created.body.data.id,
      ['completed', 'failed', 'aborted'],
      15 * 60_000,
    );
    expect(done.status, engineLogTail(board, done.id)).toBe('completed');

    const snapshot = board.server.runs.snapshot(done.id, 0, 0);
    const losses = (snapshot?.points ?? [])
      .map((point) => point.loss)
      .filter((loss): loss is number => loss !== null);
    const log = (snapshot?.logLines ?? []).map((entry) => entry.line).join('\n');
    console.log(
      `engine tier QLoRA: ${losses.length} points, loss ${losses[0]?.toFixed(3)} → ${losses.at(-1)?.toFixed(3)}`,
    );
    expect(log).toMatch(/Quantizing model to 4 bit/);
    expect(mean(losses.slice(-5))).toBeLessThan(mean(losses.slice(0, 5)) / 2);
    expect(adapterFiles(outputDir)).toContain('adapter_model.safetensors');
  });
});
