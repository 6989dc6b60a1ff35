import fs from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBoard, type TestBoard, tempDir } from '../helpers/board.ts';
import { assertBuilt, DIST_DIR, launchBrowser } from '../helpers/browser.ts';
import { shareGptAudioEntry, writeDatasetInfo } from '../helpers/datasets.ts';
import { makeWav } from '../unit/datasets/wav.ts';

const DEMO_DATASET = path.resolve('tests/fixtures/out/demo-dataset');

let board: TestBoard;
let browser: Browser;

beforeAll(async () => {
  assertBuilt();
  board = await startTestBoard({ staticDir: DIST_DIR });
  browser = await launchBrowser();
});

afterAll(async () => {
  await browser?.close();
  await board?.server.close();
});

/** Writes a dataset `broken` whose second sample names a clip that does not exist. */
function writeBrokenDataset(): string {
  const dir = tempDir('datasets-tab');
  fs.writeFileSync(path.join(dir, 'present.wav'), makeWav(1));
  const records = ['present.wav', 'missing.wav'].map((clip) => ({
    messages: [
      { role: 'user', content: '<audio>Which word?' },
      { role: 'assistant', content: 'red' },
    ],
    audios: [clip],
  }));
  fs.writeFileSync(path.join(dir, 'broken.json'), JSON.stringify(records));
  writeDatasetInfo(dir, { broken: shareGptAudioEntry('broken.json') });
  return dir;
}

async function loadDatasetDir(page: import('playwright-core').Page, dir: string): Promise<void> {
  await page.getByTestId('tab-datasets').click();
  await page.getByTestId('dataset-dir').fill(dir);
  await page.getByTestId('dataset-load').click();
}

describe('Datasets tab', () => {
  it.skipIf(!fs.existsSync(path.join(DEMO_DATASET, 'dataset_info.json')))(
    'lists the demo datasets',
    async () => {
      const page = await browser.newPage();
      await page.goto(board.url);
      await loadDatasetDir(page, DEMO_DATASET);
      const row = page.getByTestId('dataset-row-demo_train');
      await row.waitFor();
      expect(await row.textContent()).toContain('sharegpt');
      await page.close();
    },
  );

  it('shows a missing clip as a translated finding', async () => {
    const dir = writeBrokenDataset();
    const page = await browser.newPage();
    await page.goto(board.url);
    await loadDatasetDir(page, dir);
    // The row's centre falls on the table's cell spacing, so click a cell.
    await page.getByTestId('dataset-row-broken').locator('td').first().click();

    const finding = page.getByTestId('dataset-finding');
    await finding.waitFor();
    expect(await finding.getAttribute('data-code')).toBe('audio_missing');
    expect(await finding.textContent()).toBe(
      'Sample 1: Clip missing.wav does not exist. Fix: Fix the path (relative to dataset_dir) or add the file.',
    );

    await page.getByTestId('language-select').selectOption('zh-CN');
    expect(await finding.textContent()).toBe(
      '样本 1: 音频 missing.wav 不存在。 修复方法: 修正路径（相对于 dataset_dir）或补上文件。',
    );
    await page.close();
  });
});
