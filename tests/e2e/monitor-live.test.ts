import type { Browser, Page } from 'playwright-core';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Ack } from '../../server/protocol/envelope.ts';
import type { MetricPoint, RunStartCommand } from '../../server/protocol/runs.ts';
import { startTestBoard, type TestBoard, waitFor } from '../helpers/board.ts';
import { assertBuilt, DIST_DIR, launchBrowser } from '../helpers/browser.ts';

const TOTAL_STEPS = 300;

const registration = {
  workerId: 'worker-monitor-1',
  hostname: 'monitor-host',
  version: '0.1.0',
  platform: 'linux-x64',
  cpuCount: 2,
  memoryMiB: 1024,
  gpus: [],
  engine: { state: 'ready', version: '0.9.5', python: '/x', cli: '/x' },
  activeRunIds: [],
};

let board: TestBoard;
let browser: Browser;
let worker: Socket;
const started: RunStartCommand[] = [];

function metricPoint(step: number, fields: Partial<MetricPoint> = {}): MetricPoint {
  return {
    seq: step,
    step,
    totalSteps: TOTAL_STEPS,
    loss: 3 * Math.exp(-step / 60) + 0.2,
    evalLoss: null,
    learningRate: 5e-5 * (1 - step / TOTAL_STEPS),
    epoch: (3 * step) / TOTAL_STEPS,
    percentage: (100 * step) / TOTAL_STEPS,
    elapsedSeconds: step * 0.5,
    remainingSeconds: (TOTAL_STEPS - step) * 0.5,
    throughput: 1500,
    totalTokens: step * 750,
    vramAllocatedGiB: null,
    nonFiniteKeys: [],
    ...fields,
  };
}

async function sendPoints(runId: string, points: MetricPoint[]): Promise<void> {
  const ack = (await worker.emitWithAck('run:metrics', { runId, points })) as Ack<unknown>;
  expect(ack.ok).toBe(true);
}

async function openMonitor(): Promise<Page> {
  const page = await browser.newPage();
  await page.goto(`${board.url}/#/monitor`);
  await page.getByTestId('loss-chart').waitFor();
  return page;
}

async function pointCount(page: Page): Promise<number> {
  return Number(await page.getByTestId('loss-chart').getAttribute('data-point-count'));
}

/** Reads the y pixel of the first and last drawn loss vertex. SVG y grows downward. */
async function lossLineEnds(page: Page): Promise<{ first: number; last: number }> {
  return page.getByTestId('loss-chart').evaluate((element) => {
    const path = element.querySelector('.recharts-line path.recharts-curve');
    const d = path?.getAttribute('d') ?? '';
    const ys = [...d.matchAll(/[ML]\s*[-\d.e]+[ ,]([-\d.e]+)/g)].map((match) => Number(match[1]));
    return { first: ys[0] ?? Number.NaN, last: ys[ys.length - 1] ?? Number.NaN };
  });
}

beforeAll(async () => {
  assertBuilt();
  board = await startTestBoard({ staticDir: DIST_DIR });
  browser = await launchBrowser();

  worker = io(`${board.url}/worker`, { transports: ['websocket'], reconnection: false });
  worker.on('run:start', (command: RunStartCommand, ack: (reply: Ack<null>) => void) => {
    started.push(command);
    ack({ ok: true, data: null });
  });
  await new Promise<void>((resolve, reject) => {
    worker.once('connect', () => resolve());
    worker.once('connect_error', reject);
  });
  const ack = (await worker.emitWithAck('worker:register', registration)) as Ack<unknown>;
  expect(ack.ok).toBe(true);
});

afterAll(async () => {
  worker?.close();
  await browser?.close();
  await board?.server.close();
});

describe('monitor tab', () => {
  it('charts live points, survives a reload and raises the NaN alarm', async () => {
    const run = board.server.runs.create({ config: { output_dir: 'saves/monitor-live' } });
    await waitFor(
      () => (started.some((command) => command.runId === run.id) ? true : undefined),
      10_000,
      'run:start',
    );
    const stateAck = (await worker.emitWithAck('run:state', {
      runId: run.id,
      status: 'running',
      pid: 1,
    })) as Ack<unknown>;
    expect(stateAck.ok).toBe(true);

    const page = await openMonitor();
    const row = page.getByTestId(`run-row-${run.id}`);
    await expect.poll(() => row.getAttribute('data-status')).toBe('running');
    await expect
      .poll(() => page.getByTestId('run-status').getAttribute('data-status'))
      .toBe('running');
    expect(await row.textContent()).toContain('Running');

    // Points arrive in batches while the page watches.
    let sent = 0;
    const seen: number[] = [];
    for (let batch = 0; batch < 5; batch += 1) {
      const points = Array.from({ length: 40 }, (_, index) => metricPoint(sent + index + 1));
      await sendPoints(run.id, points);
      sent += points.length;
      await expect.poll(() => pointCount(page)).toBe(sent);
      seen.push(await pointCount(page));
    }
    expect(seen).toEqual([40, 80, 120, 160, 200]);

    const progress = page.getByTestId('run-progress');
    expect(await progress.getAttribute('data-step')).toBe('200');
    expect(await progress.getAttribute('data-total')).toBe(String(TOTAL_STEPS));

    // The loss falls, so the line ends lower on the chart (a larger SVG y) than it starts.
    await page.getByTestId('chart-smoothing').fill('0');
    const ends = await lossLineEnds(page);
    expect(ends.last).toBeGreaterThan(ends.first);

    await worker.emitWithAck('run:log', {
      runId: run.id,
      firstSeq: 1,
      lines: ['[INFO] loading model', '[INFO] step 200 done'],
    });
    await expect.poll(() => page.getByTestId('run-log').textContent()).toContain('step 200 done');

    // A reload replays the whole history.
    await page.reload();
    await page.getByTestId('loss-chart').waitFor();
    await expect.poll(() => pointCount(page)).toBe(sent);

    // A second page shows the same run and points, and both pages receive the next batch.
    const second = await openMonitor();
    await expect.poll(() => pointCount(second)).toBe(sent);
    expect(await second.getByTestId('run-status').getAttribute('data-status')).toBe('running');
    await sendPoints(run.id, [metricPoint(sent + 1)]);
    sent += 1;
    await expect.poll(() => pointCount(page)).toBe(sent);
    await expect.poll(() => pointCount(second)).toBe(sent);
    expect(await page.getByTestId('run-alarm').count()).toBe(0);

    // A NaN loss raises the alarm with its step on both pages.
    await sendPoints(run.id, [metricPoint(sent + 1, { loss: null, nonFiniteKeys: ['loss'] })]);
    sent += 1;
    for (const watcher of [page, second]) {
      const alarm = watcher.getByTestId('run-alarm').first();
      await alarm.waitFor();
      expect(await alarm.getAttribute('data-kind')).toBe('nan');
      expect(await alarm.getAttribute('data-step')).toBe(String(sent));
      expect(await alarm.textContent()).toContain(`step ${sent}`);
    }
    expect(await pointCount(page)).toBe(sent);

    // The worker takes one run at a time, so the next test needs this one ended.
    await worker.emitWithAck('run:state', { runId: run.id, status: 'completed' });
    await expect
      .poll(() => page.getByTestId('run-status').getAttribute('data-status'))
      .toBe('completed');
    await second.close();
    await page.close();
  });

  it('aborts a running run after confirmation and resumes it', async () => {
    const run = board.server.runs.create({ config: { output_dir: 'saves/monitor-abort' } });
    await waitFor(
      () => (started.some((command) => command.runId === run.id) ? true : undefined),
      10_000,
      'run:start',
    );
    await worker.emitWithAck('run:state', { runId: run.id, status: 'running', pid: 2 });
    const aborts: string[] = [];
    worker.on('run:abort', (command: { runId: string }, ack: (reply: Ack<null>) => void) => {
      aborts.push(command.runId);
      ack({ ok: true, data: null });
    });

    const page = await openMonitor();
    // The newest run is watched by default.
    await expect
      .poll(() => page.getByTestId(`run-row-${run.id}`).getAttribute('aria-selected'))
      .toBe('true');
    await expect
      .poll(() => page.getByTestId('run-status').getAttribute('data-status'))
      .toBe('running');

    await page.getByTestId('run-abort').click();
    await page.getByTestId('run-abort-confirm').click();
    await expect
      .poll(() => page.getByTestId('run-status').getAttribute('data-status'))
      .toBe('aborting');
    await waitFor(() => (aborts.includes(run.id) ? true : undefined), 5_000, 'run:abort');

    await worker.emitWithAck('run:state', { runId: run.id, status: 'aborted' });
    await expect
      .poll(() => page.getByTestId(`run-row-${run.id}`).getAttribute('data-status'))
      .toBe('aborted');

    await page.getByTestId('run-resume').click();
    // The resumed run is a new run that the monitor watches at once.
    await expect
      .poll(() => page.getByTestId('run-status').getAttribute('data-status'))
      .not.toBe('aborted');
    const resumed = board.server.runs.list().find((entry) => entry.resumeFrom === run.id);
    expect(resumed).toBeDefined();
    if (resumed) {
      await expect
        .poll(() => page.getByTestId(`run-row-${resumed.id}`).getAttribute('aria-selected'))
        .toBe('true');
      await waitFor(
        () => (started.some((command) => command.runId === resumed.id) ? true : undefined),
        10_000,
        'run:start of the resumed run',
      );
      expect(started.find((command) => command.runId === resumed.id)?.resume).toBe(true);
      await worker.emitWithAck('run:state', { runId: resumed.id, status: 'completed' });
    }
    await page.close();
  });

  it('explains a failed run with its fix and log tail', async () => {
    const run = board.server.runs.create({ config: { output_dir: 'saves/monitor-oom' } });
    await waitFor(
      () => (started.some((command) => command.runId === run.id) ? true : undefined),
      10_000,
      'run:start',
    );
    await worker.emitWithAck('run:state', {
      runId: run.id,
      status: 'failed',
      failure: {
        kind: 'out_of_memory',
        message: 'torch.OutOfMemoryError: CUDA out of memory. Tried to allocate 2.00 GiB',
        exitCode: 1,
        signal: null,
        logTail: [
          'Traceback (most recent call last):',
          'torch.OutOfMemoryError: CUDA out of memory',
        ],
      },
    });

    const page = await openMonitor();
    await page.getByTestId(`run-row-${run.id}`).click();
    const failure = page.getByTestId('run-failure');
    await failure.waitFor();
    expect(await failure.getAttribute('data-kind')).toBe('out_of_memory');
    const text = await failure.textContent();
    expect(text).toContain('QLoRA');
    expect(text).toContain('per_device_train_batch_size');
    expect(text).toContain('Tried to allocate 2.00 GiB');
    expect(text).toContain('Traceback');
    expect(await page.getByTestId('run-resume').isVisible()).toBe(true);
    expect(await page.getByTestId('run-abort').count()).toBe(0);
    await page.close();
  });
});
