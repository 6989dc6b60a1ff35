import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { RunStatus, RunSummary } from '../../server/protocol/runs.ts';
import type { WorkerAgent } from '../../server/worker/agent.ts';
import { startTestBoard, type TestBoard, tempDir, waitFor } from '../helpers/board.ts';
import { processAlive, readPid, startFakeEngineWorker } from '../helpers/fake-engine.ts';

let board: TestBoard | null = null;
let agent: WorkerAgent | null = null;

afterEach(async () => {
  await agent?.stop();
  agent = null;
  await board?.server.close();
  board = null;
});

function fakeConfig(
  extra: Record<string, unknown>,
): { output_dir: string } & Record<string, unknown> {
  return { output_dir: path.join(tempDir('run'), 'out'), fake_interval_ms: 30, ...extra };
}

async function waitForStatus(
  runId: string,
  statuses: RunStatus[],
  timeoutMs = 20_000,
): Promise<RunSummary> {
  return waitFor(
    () => {
      const run = board?.server.runs.get(runId);
      return run && statuses.includes(run.status) ? run : undefined;
    },
    timeoutMs,
    `run ${runId} to reach ${statuses.join('/')}`,
  );
}

describe('run lifecycle with the scripted engine', () => {
  it('streams every trainer_log line once and completes', async () => {
    board = await startTestBoard();
    agent = await startFakeEngineWorker(board.url);

    const run = board.server.runs.create({ config: fakeConfig({ fake_steps: 12 }) });
    const done = await waitForStatus(run.id, ['completed', 'failed']);
    expect(done.status).toBe('completed');

    const snapshot = board.server.runs.snapshot(run.id, 0, 0);
    expect(snapshot?.points.map((p) => p.seq)).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    expect(snapshot?.points.at(-1)?.loss).toBeLessThan(snapshot?.points[0]?.loss ?? 0);
    expect(snapshot?.logLines.some((entry) => entry.line.includes('training finished'))).toBe(true);
  });

  it('stores a replayed metrics batch only once', async () => {
    board = await startTestBoard();
    const run = board.server.runs.create({ config: { output_dir: 'saves/replay' } });
    const point = {
      seq: 1,
      step: 1,
      totalSteps: 2,
      loss: 1,
      evalLoss: null,
      learningRate: 1e-4,
      epoch: 0.5,
      percentage: 50,
      elapsedSeconds: 1,
      remainingSeconds: 1,
      throughput: null,
      totalTokens: null,
      vramAllocatedGiB: null,
      nonFiniteKeys: [],
    };
    board.server.runs.recordMetrics('w', { runId: run.id, points: [point] });
    const again = board.server.runs.recordMetrics('w', {
      runId: run.id,
      points: [point, { ...point, seq: 2, step: 2 }],
    });
    expect(again).toEqual({ ok: true, data: { lastSeq: 2 } });
    expect(board.server.runs.snapshot(run.id, 0, 0)?.points).toHaveLength(2);
  });

  it('aborts the whole process tree and ends as aborted', async () => {
    board = await startTestBoard();
    agent = await startFakeEngineWorker(board.url);

    const config = fakeConfig({ fake_steps: 100_000, fake_mode: 'hang' });
    const run = board.server.runs.create({ config });
    await waitFor(
      () => ((board?.server.runs.get(run.id)?.lastSeq ?? 0) >= 3 ? true : undefined),
      20_000,
      'points',
    );
    const rankPid = readPid(path.join(config.output_dir, 'fake-rank.pid'));
    expect(processAlive(rankPid)).toBe(true);

    const ack = board.server.runs.abort(run.id);
    expect(ack.ok).toBe(true);
    const ended = await waitForStatus(run.id, ['aborted', 'failed', 'completed']);
    expect(ended.status).toBe('aborted');
    await waitFor(() => (processAlive(rankPid) ? undefined : true), 5_000, 'rank process to exit');
  });

  it.each([
    ['oom', 'out_of_memory', 'CUDA out of memory'],
    ['audio_mismatch', 'audio_token_mismatch', 'Audio features and audio tokens do not match'],
    ['missing_file', 'missing_file', 'No such file or directory'],
  ])('classifies a %s crash as %s', async (mode, kind, message) => {
    board = await startTestBoard();
    agent = await startFakeEngineWorker(board.url);

    const run = board.server.runs.create({
      config: fakeConfig({ fake_steps: 10, fake_mode: mode }),
    });
    const ended = await waitForStatus(run.id, ['failed', 'completed']);
    expect(ended.status).toBe('failed');
    expect(ended.failure?.kind).toBe(kind);
    expect(ended.failure?.message).toContain(message);
    expect(ended.failure?.logTail.length).toBeGreaterThan(0);
  });

  it('queues a second run until the worker is free', async () => {
    board = await startTestBoard();
    agent = await startFakeEngineWorker(board.url);

    const first = board.server.runs.create({ config: fakeConfig({ fake_steps: 15 }) });
    const second = board.server.runs.create({ config: fakeConfig({ fake_steps: 3 }) });
    await waitForStatus(first.id, ['running']);
    expect(board.server.runs.get(second.id)?.status).toBe('queued');

    await waitForStatus(first.id, ['completed']);
    const done = await waitForStatus(second.id, ['completed']);
    expect(done.lastSeq).toBe(3);
  });

  it('loses no point when the board restarts mid-run', async () => {
    board = await startTestBoard();
    const { dataDir } = board;
    const port = Number(new URL(board.url).port);
    agent = await startFakeEngineWorker(board.url);

    const run = board.server.runs.create({
      config: fakeConfig({ fake_steps: 60, fake_interval_ms: 40 }),
    });
    await waitFor(
      () => ((board?.server.runs.get(run.id)?.lastSeq ?? 0) >= 5 ? true : undefined),
      20_000,
      'points',
    );

    await board.server.close();
    await new Promise((resolve) => setTimeout(resolve, 800));
    board = await startTestBoard({ dataDir, port });

    const done = await waitForStatus(run.id, ['completed', 'failed'], 30_000);
    expect(done.status).toBe('completed');
    const seqs = board.server.runs.snapshot(run.id, 0, 0)?.points.map((p) => p.seq);
    expect(seqs).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
  });

  it('resumes a failed run in the same output folder', async () => {
    board = await startTestBoard();
    agent = await startFakeEngineWorker(board.url);

    const config = fakeConfig({ fake_steps: 10, fake_mode: 'oom', overwrite_output_dir: true });
    const run = board.server.runs.create({ config });
    await waitForStatus(run.id, ['failed']);

    const resumed = board.server.runs.resume(run.id);
    expect(resumed.ok).toBe(true);
    if (!resumed.ok) return;
    expect(resumed.data.resumeFrom).toBe(run.id);
    expect(resumed.data.outputDir).toBe(config.output_dir);
    expect(resumed.data.config.overwrite_output_dir).toBeUndefined();
  });
});

describe('export runs', () => {
  it('merges through llamafactory-cli export without the quantization keys', async () => {
    board = await startTestBoard();
    agent = await startFakeEngineWorker(board.url);
    const exportDir = path.join(tempDir('export'), 'merged');

    const response = await fetch(`${board.url}/api/exports`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        config: {
          model_name_or_path: '/models/base',
          adapter_name_or_path: '/runs/adapter',
          template: 'qwen2_audio',
          export_dir: exportDir,
          quantization_bit: 4,
        },
      }),
    });
    expect(response.status).toBe(201);
    const body = (await response.json()) as { ok: true; data: RunSummary };
    expect(body.data.kind).toBe('export');
    expect(body.data.config.quantization_bit).toBeUndefined();

    const done = await waitForStatus(body.data.id, ['completed', 'failed']);
    expect(done.status).toBe('completed');
    const yaml = fs.readFileSync(path.join(exportDir, 'export_args.yaml'), 'utf8');
    expect(yaml).toContain(`export_dir: ${exportDir}`);
    expect(yaml).not.toContain('quantization_bit');
    expect(fs.existsSync(path.join(exportDir, 'model.safetensors'))).toBe(true);
  });

  it('rejects an export request without an adapter, naming the field', async () => {
    board = await startTestBoard();
    const response = await fetch(`${board.url}/api/exports`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        config: { model_name_or_path: '/m', template: 'qwen2_audio', export_dir: '/x' },
      }),
    });
    expect(response.status).toBe(400);
    const body = (await response.json()) as { ok: false; error: { message: string } };
    expect(body.error.message).toContain('config.adapter_name_or_path');
  });
});
