import { afterEach, describe, expect, it } from 'vitest';
import type { Ack } from '../../server/protocol/envelope.ts';
import type { WorkerSummary } from '../../server/protocol/workers.ts';
import type { WorkerAgent } from '../../server/worker/agent.ts';
import { startTestBoard, type TestBoard, waitFor } from '../helpers/board.ts';
import { startMissingEngineWorker } from '../helpers/fake-engine.ts';

let board: TestBoard | null = null;
let agent: WorkerAgent | null = null;

afterEach(async () => {
  await agent?.stop();
  agent = null;
  await board?.server.close();
  board = null;
});

async function onlineWorkers(url: string): Promise<WorkerSummary[]> {
  try {
    const response = await fetch(`${url}/api/health`);
    const body = (await response.json()) as Ack<{ workers: WorkerSummary[] }>;
    return body.ok ? body.data.workers : [];
  } catch {
    return [];
  }
}

describe('server restart', () => {
  it('keeps stored rows and the worker re-registers by itself', async () => {
    board = await startTestBoard();
    const { dataDir } = board;
    const port = Number(new URL(board.url).port);

    await fetch(`${board.url}/api/presets/kept`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ config: { lora_rank: 16, cutoff_len: 1024 } }),
    });
    const run = await fetch(`${board.url}/api/runs`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        config: {
          model_name_or_path: 'Qwen/Qwen2-Audio-7B-Instruct',
          template: 'qwen2_audio',
          dataset_dir: 'data',
          dataset: 'demo',
          output_dir: 'saves/kept-run',
          quantization_bit: 4,
        },
      }),
    });
    expect(run.status).toBe(201);

    // A worker whose engine is missing still registers, reporting "not ready".
    agent = await startMissingEngineWorker(board.url);
    await agent.registered;
    const before = await waitFor(async () => {
      const workers = await onlineWorkers(board?.url ?? '');
      return workers.length === 1 ? workers : undefined;
    });
    expect(before[0]?.engine.state).toBe('not_ready');

    await board.server.close();
    board = await startTestBoard({ dataDir, port });

    const presets = (await (await fetch(`${board.url}/api/presets`)).json()) as Ack<
      { name: string }[]
    >;
    expect(presets.ok && presets.data.map((p) => p.name)).toEqual(['kept']);
    const runs = (await (await fetch(`${board.url}/api/runs`)).json()) as Ack<
      { outputDir: string }[]
    >;
    expect(runs.ok && runs.data.map((r) => r.outputDir)).toEqual(['saves/kept-run']);

    const after = await waitFor(
      async () => {
        const workers = await onlineWorkers(board?.url ?? '');
        return workers.length === 1 ? workers : undefined;
      },
      20_000,
      'worker to re-register',
    );
    expect(after[0]?.workerId).toBe(agent.workerId);
  });
});

describe('worker connection', () => {
  it('reconnects after the board closes its connection on purpose', async () => {
    board = await startTestBoard();
    agent = await startMissingEngineWorker(board.url);
    await agent.registered;

    board.server.registry.socketOf(agent.workerId)?.disconnect(true);
    await waitFor(
      () => (board?.server.registry.connectedIds().length === 0 ? true : undefined),
      5_000,
      'worker to drop',
    );
    const ids = await waitFor(
      () => {
        const connected = board?.server.registry.connectedIds() ?? [];
        return connected.length === 1 ? connected : undefined;
      },
      10_000,
      'worker to reconnect',
    );
    expect(ids).toEqual([agent.workerId]);
  });
});
