import fs from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PlaygroundSession } from '../../server/protocol/playground.ts';
import type { RunSummary } from '../../server/protocol/runs.ts';
import type { WorkerAgent } from '../../server/worker/agent.ts';
import { encodeWav16 } from '../../src/features/playground/audio-dsp.ts';
import { startTestBoard, type TestBoard, tempDir, waitFor } from '../helpers/board.ts';
import { assertBuilt, DIST_DIR, launchBrowser } from '../helpers/browser.ts';
import { startFakeEngineWorker } from '../helpers/fake-engine.ts';

let board: TestBoard;
let browser: Browser;
let agent: WorkerAgent;
let run: RunSummary;
const files = tempDir('playground-e2e');

function writeTone(name: string, seconds: number, sampleRate = 16_000): string {
  const samples = Float32Array.from(
    { length: Math.round(seconds * sampleRate) },
    (_, i) => 0.3 * Math.sin((2 * Math.PI * 440 * i) / sampleRate),
  );
  const file = path.join(files, name);
  fs.writeFileSync(file, encodeWav16(samples, sampleRate));
  return file;
}

/** Sends the composer's prompt and returns the time the click happened. */
async function send(page: Page, prompt: string): Promise<number> {
  await page.getByTestId('playground-prompt').fill(prompt);
  const clicked = Date.now();
  await page.getByTestId('playground-send').click();
  return clicked;
}

async function openPlayground(page: Page): Promise<void> {
  await page.goto(`${board.url}/#/playground`);
  await expect
    .poll(() => page.getByTestId('connection-status').getAttribute('data-status'))
    .toBe('connected');
  await page.getByTestId('playground-prompt').waitFor();
}

beforeAll(async () => {
  assertBuilt();
  board = await startTestBoard({ staticDir: DIST_DIR });
  agent = await startFakeEngineWorker(board.url);

  // A finished training run: its output folder is the adapter the playground compares.
  const outputDir = path.join(tempDir('run'), 'lora');
  run = board.server.runs.create({
    name: 'colour-lora',
    config: {
      output_dir: outputDir,
      model_name_or_path: 'fake/tiny-qwen2-audio',
      template: 'qwen2_audio',
      fake_steps: 2,
      fake_interval_ms: 20,
    },
  });
  await waitFor(
    () => (board.server.runs.get(run.id)?.status === 'completed' ? true : undefined),
    20_000,
    'training run to complete',
  );
  fs.writeFileSync(path.join(outputDir, 'adapter_config.json'), '{"peft_type": "LORA"}');
  browser = await launchBrowser([
    '--use-fake-ui-for-media-stream',
    '--use-fake-device-for-media-stream',
    `--use-file-for-fake-audio-capture=${writeTone('mic.wav', 3, 48_000)}`,
  ]);
});

afterAll(async () => {
  await browser?.close();
  await agent?.stop();
  await board?.server.close();
});

describe('playground in the browser', () => {
  it('uploads a file and streams base and adapter answers side by side', async () => {
    const page = await browser.newPage();
    await openPlayground(page);

    await page.getByTestId('playground-file-input').setInputFiles(writeTone('question.wav', 2));
    await expect
      .poll(() => page.getByTestId('playground-clip').getAttribute('data-duration'))
      .toBe('2.00');

    await expect
      .poll(() => page.getByTestId('playground-model-path').inputValue())
      .toBe('fake/tiny-qwen2-audio');
    await page.getByTestId(`playground-target-${run.id}`).check();
    expect(await page.getByTestId('playground-target-base').isChecked()).toBe(true);
    await send(page, 'Which colour is named?');

    const base = page.getByTestId('playground-answer-base');
    const tuned = page.getByTestId(`playground-answer-${run.id}`);
    await expect
      .poll(() => base.getAttribute('data-finish-reason'), { timeout: 20_000 })
      .toBe('stop');
    await expect
      .poll(() => tuned.getAttribute('data-finish-reason'), { timeout: 20_000 })
      .toBe('stop');

    // The adapter's label is derived from the exact bytes the browser uploaded.
    const sessions = (await (await fetch(`${board.url}/api/playground/sessions`)).json()) as {
      data: PlaygroundSession[];
    };
    const sessionId = sessions.data[0]?.id ?? '';
    const session = (await (
      await fetch(`${board.url}/api/playground/sessions/${sessionId}`)
    ).json()) as {
      data: PlaygroundSession;
    };
    const clipSha = session.data.turns[0]?.clips[0] ?? '';
    expect(await tuned.getByTestId(`playground-answer-text-${run.id}`).textContent()).toBe(
      `label:${clipSha.slice(0, 8)} [turn 1]`,
    );
    expect(await base.getByTestId('playground-answer-text-base').textContent()).toBe(
      'base model heard 1 clip(s) [turn 1]',
    );
    expect(await page.getByTestId('playground-ttft-base').getAttribute('data-ms')).toMatch(/^\d+$/);
    expect(await page.getByTestId(`playground-ttft-${run.id}`).isVisible()).toBe(true);

    const info = (await (await fetch(`${board.url}/api/uploads/${clipSha}/info`)).json()) as {
      data: { sampleRate: number; channels: number; durationSeconds: number };
    };
    expect(info.data.sampleRate).toBe(16_000);
    expect(info.data.channels).toBe(1);
    expect(info.data.durationSeconds).toBeCloseTo(2, 2);
    await page.close();
  });

  it('warns about a clip over 30 s and trims it in one click', async () => {
    const page = await browser.newPage();
    await openPlayground(page);
    await page.getByTestId('playground-file-input').setInputFiles(writeTone('long.wav', 35));
    await page.getByTestId('playground-long-warning').waitFor();
    await page.getByTestId('playground-trim-30').click();
    await expect
      .poll(() => page.getByTestId('playground-clip').getAttribute('data-trimmed-duration'))
      .toBe('30.00');
    expect(await page.getByTestId('playground-long-warning').count()).toBe(0);
    await page.close();
  });

  it('records from the microphone into a clip', async () => {
    const page = await browser.newPage();
    await openPlayground(page);
    await page.getByTestId('playground-record').click();
    await expect
      .poll(() => page.getByTestId('playground-record').getAttribute('data-recording'))
      .toBe('1');
    await page.waitForTimeout(1_500);
    await page.getByTestId('playground-record').click();
    const duration = await waitFor(
      async () => {
        const value = await page
          .getByTestId('playground-clip')
          .getAttribute('data-duration', { timeout: 200 })
          .catch(() => null);
        return value === null ? undefined : Number(value);
      },
      10_000,
      'recorded clip',
    );
    expect(duration).toBeGreaterThan(0.8);
    await page.close();
  });

  it('stops mid-stream and starts the next prompt within a second', async () => {
    const page = await browser.newPage();
    await openPlayground(page);
    await page.getByTestId('playground-new-session').click();

    await send(page, 'slow answer please');
    const text = page.getByTestId('playground-answer-text-base');
    await expect
      .poll(async () => ((await text.textContent()) ?? '').length, { timeout: 20_000 })
      .toBeGreaterThan(0);
    await page.getByTestId('playground-stop').click();
    await expect
      .poll(() => page.getByTestId('playground-answer-base').getAttribute('data-finish-reason'))
      .toBe('aborted');

    const clicked = await send(page, 'and now quickly');
    const started = await waitFor(
      async () => {
        const state = await page.getByTestId('playground-answer-base').getAttribute('data-state');
        const content = (await text.textContent()) ?? '';
        return state !== 'queued' && content.startsWith('base model') ? Date.now() : undefined;
      },
      10_000,
      'next answer to start',
    );
    expect(started - clicked).toBeLessThan(1_000);
    await page.close();
  });
});
