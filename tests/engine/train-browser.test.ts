import { execFileSync } from 'node:child_process';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunSummary } from '../../server/protocol/runs.ts';
import { tempDir, waitFor } from '../helpers/board.ts';
import { assertBuilt, DIST_DIR, launchBrowser } from '../helpers/browser.ts';
import { type EngineBoard, engineLogTail, startEngineBoard } from './engine-helpers.ts';

let engine: EngineBoard;
let browser: Browser;

beforeAll(async () => {
  assertBuilt();
  engine = await startEngineBoard({ staticDir: DIST_DIR });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await engine?.agent.stop();
  await engine?.board.server.close();
});

/** Engine processes whose command line names the folder; an aborted run must leave none. */
function engineProcessesFor(outputDir: string): string[] {
  try {
    return execFileSync('pgrep', ['-af', outputDir], { encoding: 'utf8' })
      .split('\n')
      .filter((line) => line.includes('llamafactory'));
  } catch {
    return [];
  }
}

async function fillDemoForm(page: Page, outputDir: string): Promise<void> {
  await page.getByTestId('tab-train').click();
  await page.getByTestId('train-model').selectOption('cpu-demo');
  await expect
    .poll(() => page.getByTestId('field-model_name_or_path').inputValue())
    .toBe(engine.fixtures.modelDir);
  await page.getByTestId('train-method').selectOption('lora');
  await page.getByTestId('field-lora_rank').fill('8');
  await page.getByTestId('field-cutoff_len').fill('192');
  await page.getByTestId('field-num_train_epochs').fill('4');
  await page.getByTestId('field-output_dir').fill(outputDir);
  await expect
    .poll(() => page.getByTestId('cutoff-advice').getAttribute('data-verdict'))
    .toBe('ok');
}

async function startedRun(page: Page, before: Set<string>): Promise<RunSummary> {
  await page.getByTestId('train-start').click();
  const run = await waitFor(
    () => engine.board.server.runs.list().find((candidate) => !before.has(candidate.id)),
    30_000,
    'the new run',
  );
  await page.getByTestId(`run-row-${run.id}`).waitFor();
  return run;
}

function pointCount(page: Page): Promise<number> {
  return page
    .getByTestId('loss-chart')
    .getAttribute('data-point-count')
    .then((value) => Number(value ?? 0));
}

describe('training from the browser with the real engine', () => {
  it('previews the YAML, charts the run live, survives a reload and aborts a second run', async () => {
    const page = await browser.newPage();
    await page.goto(engine.board.url);
    const firstDir = path.join(tempDir('browser-train'), 'lora');
    await fillDemoForm(page, firstDir);

    const yaml = await page.getByTestId('config-yaml').textContent();
    expect(yaml).toContain('lora_rank: 8');
    expect(yaml).toContain('cutoff_len: 192');
    expect(yaml).toContain('finetuning_type: lora');
    expect(await page.getByTestId('config-command').textContent()).toContain(
      'llamafactory-cli train',
    );

    const first = await startedRun(page, new Set());
    expect(first.config.lora_rank).toBe(8);
    expect(first.config.cutoff_len).toBe(192);

    // The chart gains points while the run is still running.
    await expect
      .poll(() => page.getByTestId('run-status').getAttribute('data-status'), { timeout: 300_000 })
      .toBe('running');
    await expect
      .poll(() => pointCount(page), { timeout: 300_000, interval: 250 })
      .toBeGreaterThanOrEqual(3);
    const early = await pointCount(page);
    await expect
      .poll(() => pointCount(page), { timeout: 300_000, interval: 250 })
      .toBeGreaterThan(early);
    expect(await page.getByTestId('run-status').getAttribute('data-status')).toBe('running');

    // A reload mid-run shows the whole history so far and keeps following.
    const beforeReload = await pointCount(page);
    await page.reload();
    await page.getByTestId('tab-monitor').click();
    await page.getByTestId(`run-row-${first.id}`).click();
    await expect
      .poll(() => pointCount(page), { timeout: 30_000 })
      .toBeGreaterThanOrEqual(beforeReload);

    const done = await waitFor(
      () => {
        const run = engine.board.server.runs.get(first.id);
        return run && ['completed', 'failed', 'aborted'].includes(run.status) ? run : undefined;
      },
      15 * 60_000,
      'the first run to end',
    );
    expect(done.status, engineLogTail(engine.board, first.id)).toBe('completed');
    const losses = (engine.board.server.runs.snapshot(first.id, 0, 0)?.points ?? [])
      .map((point) => point.loss)
      .filter((loss): loss is number => loss !== null);
    await expect.poll(() => pointCount(page), { timeout: 10_000 }).toBe(losses.length);
    console.log(`browser run: ${losses.length} points, loss ${losses[0]} → ${losses.at(-1)}`);
    expect(losses.at(-1)).toBeLessThan((losses[0] ?? 0) / 5);

    // A second run is aborted from the Monitor tab and leaves no engine process behind.
    const secondDir = path.join(tempDir('browser-abort'), 'lora');
    await fillDemoForm(page, secondDir);
    const second = await startedRun(page, new Set([first.id]));
    await page.getByTestId(`run-row-${second.id}`).click();
    await expect
      .poll(() => page.getByTestId('run-status').getAttribute('data-status'), { timeout: 300_000 })
      .toBe('running');
    await page.getByTestId('run-abort').click();
    await page.getByTestId('run-abort-confirm').click();
    await expect
      .poll(() => page.getByTestId(`run-row-${second.id}`).getAttribute('data-status'), {
        timeout: 60_000,
      })
      .toBe('aborted');
    await expect.poll(() => engineProcessesFor(secondDir), { timeout: 20_000 }).toEqual([]);
    await page.close();
  });
});
