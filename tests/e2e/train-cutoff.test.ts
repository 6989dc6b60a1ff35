import fs from 'node:fs';
import path from 'node:path';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestBoard, type TestBoard, tempDir } from '../helpers/board.ts';
import { assertBuilt, DIST_DIR, launchBrowser } from '../helpers/browser.ts';
import { shareGptAudioEntry, writeDatasetInfo } from '../helpers/datasets.ts';
import { makeWav } from '../unit/datasets/wav.ts';

const TINY_MODEL = path.resolve('tests/fixtures/out/tiny-qwen2-audio');

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

/** Writes a dataset `d` with a 1 s and a 10 s clip: 55 and 280 tokens with the tiny tokenizer. */
function writeDataset(): string {
  const dir = tempDir('train-cutoff');
  const records = [1, 10].map((seconds, index) => {
    fs.writeFileSync(path.join(dir, `clip-${index}.wav`), makeWav(seconds));
    return {
      messages: [
        { role: 'user', content: '<audio>Which word?' },
        { role: 'assistant', content: 'red' },
      ],
      audios: [`clip-${index}.wav`],
    };
  });
  fs.writeFileSync(path.join(dir, 'data.json'), JSON.stringify(records));
  writeDatasetInfo(dir, { d: shareGptAudioEntry('data.json') });
  return dir;
}

describe.skipIf(!fs.existsSync(path.join(TINY_MODEL, 'tokenizer.json')))(
  'Train tab cutoff_len advice',
  () => {
    it('blocks Start while audio would be cut and applies the recommended value', async () => {
      const dir = writeDataset();
      const page = await browser.newPage();
      await page.goto(board.url);
      await page.getByTestId('tab-train').waitFor();

      await page.getByTestId('field-model_name_or_path').fill(TINY_MODEL);
      await page.getByTestId('field-dataset_dir').fill(dir);
      await page.locator('[data-testid="field-dataset"] option[value="d"]').waitFor({
        state: 'attached',
      });
      await page.getByTestId('field-dataset').selectOption('d');
      await page.getByTestId('field-cutoff_len').fill('100');

      const advice = page.getByTestId('cutoff-advice');
      await expect.poll(() => advice.getAttribute('data-verdict')).toBe('cuts_audio');
      expect(await advice.getAttribute('data-recommended')).toBe('280');
      expect(await advice.textContent()).toContain('1 sample would lose audio tokens at 100');
      expect(await page.getByTestId('train-start').isDisabled()).toBe(true);
      expect(await page.getByTestId('train-blocked-cutoff').textContent()).toContain('use 280');

      await page.getByTestId('language-select').selectOption('zh-CN');
      expect(await advice.textContent()).toContain('丢失音频 token');
      await page.getByTestId('language-select').selectOption('en');

      await page.getByTestId('cutoff-fix').click();
      expect(await page.getByTestId('field-cutoff_len').inputValue()).toBe('280');
      await expect.poll(() => advice.getAttribute('data-verdict')).toBe('ok');
      expect(await page.getByTestId('cutoff-fix').count()).toBe(0);
      expect(await page.getByTestId('train-blocked-cutoff').count()).toBe(0);
      expect(await page.getByTestId('train-start').isDisabled()).toBe(false);
      await page.close();
    });

    it('says the check is skipped for a hub model', async () => {
      const dir = writeDataset();
      const page = await browser.newPage();
      await page.goto(board.url);
      await page.getByTestId('tab-train').waitFor();
      await page.getByTestId('field-model_name_or_path').fill('Qwen/Qwen2-Audio-7B-Instruct');
      await page.getByTestId('field-dataset_dir').fill(dir);
      await page.locator('[data-testid="field-dataset"] option[value="d"]').waitFor({
        state: 'attached',
      });
      await page.getByTestId('field-dataset').selectOption('d');

      const advice = page.getByTestId('cutoff-advice');
      await expect.poll(() => advice.getAttribute('data-verdict')).toBe('skipped');
      expect(await advice.textContent()).toContain('not hub ids');
      await page.close();
    });
  },
);
