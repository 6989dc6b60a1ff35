import fs from 'node:fs';
import path from 'node:path';
import { io } from 'socket.io-client';
import type { MetricPoint } from '../server/protocol/runs.ts';
import { startTestBoard, tempDir, waitFor } from '../tests/helpers/board.ts';
import { startFakeEngineWorker } from '../tests/helpers/fake-engine.ts';

export interface LatencyResult {
  lines: number;
  p50Ms: number;
  p99Ms: number;
  maxMs: number;
  /** LLaMA Board polls every 2 s, so a line waits uniformly 0–2 s before it is even read. */
  pollingP50Ms: number;
  pollingP99Ms: number;
}

const POLL_INTERVAL_MS = 2_000;

function percentile(sorted: number[], p: number): number {
  const index = Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1);
  return sorted[Math.max(0, index)] ?? Number.NaN;
}

/**
 * Measures the time from appending a line to `trainer_log.jsonl` to its arrival at a browser
 * socket, through the real worker follower, outbox, board server, SQLite and broadcast.
 */
export async function measureMetricLatency(lines = 400, gapMs = 15): Promise<LatencyResult> {
  const board = await startTestBoard();
  const agent = await startFakeEngineWorker(board.url);
  const outputDir = path.join(tempDir('bench'), 'out');

  // The scripted engine sleeps ("hang" with one very slow step); the bench writes the lines.
  const run = board.server.runs.create({
    config: {
      output_dir: outputDir,
      fake_mode: 'hang',
      fake_steps: 1_000_000,
      fake_interval_ms: 3_600_000,
    },
  });
  await waitFor(
    () => (board.server.runs.get(run.id)?.status === 'running' ? true : undefined),
    20_000,
  );

  const browser = io(`${board.url}/ui`, { transports: ['websocket'] });
  const arrivals = new Map<number, number>();
  browser.on('run:metrics', ({ points }: { points: MetricPoint[] }) => {
    const now = performance.now();
    for (const point of points) {
      arrivals.set(point.seq, now);
    }
  });
  await new Promise<void>((resolve) => browser.on('connect', () => resolve()));
  await browser.emitWithAck('run:subscribe', { runId: run.id, afterSeq: 0, afterLogSeq: 0 });

  const file = path.join(outputDir, 'trainer_log.jsonl');
  const written = new Map<number, number>();
  for (let seq = 1; seq <= lines; seq += 1) {
    const line = JSON.stringify({
      current_steps: seq,
      total_steps: lines,
      loss: 2 / seq,
      lr: 1e-4,
      epoch: seq / lines,
      percentage: (100 * seq) / lines,
      elapsed_time: '0:00:01',
      remaining_time: '0:00:01',
    });
    written.set(seq, performance.now());
    fs.appendFileSync(file, `${line}\n`);
    await new Promise((resolve) => setTimeout(resolve, gapMs * (0.5 + Math.random())));
  }
  await waitFor(() => (arrivals.size >= lines ? true : undefined), 30_000, 'all lines to arrive');

  const latencies = [...written.entries()]
    .map(([seq, at]) => (arrivals.get(seq) ?? Number.NaN) - at)
    .sort((a, b) => a - b);

  browser.close();
  board.server.runs.abort(run.id);
  await agent.stop();
  await board.server.close();

  return {
    lines,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
    maxMs: latencies.at(-1) ?? Number.NaN,
    pollingP50Ms: POLL_INTERVAL_MS * 0.5,
    pollingP99Ms: POLL_INTERVAL_MS * 0.99,
  };
}
