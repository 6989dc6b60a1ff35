import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { WorkerAgent } from '../../server/worker/agent.ts';
import { startTestBoard, type TestBoard } from '../helpers/board.ts';
import { assertBuilt, DIST_DIR, launchBrowser } from '../helpers/browser.ts';
import { startMissingEngineWorker } from '../helpers/fake-engine.ts';

let board: TestBoard;
let browser: Browser;
let agent: WorkerAgent | null = null;

beforeAll(async () => {
  assertBuilt();
  board = await startTestBoard({ staticDir: DIST_DIR });
  browser = await launchBrowser();
});

afterAll(async () => {
  await agent?.stop();
  await browser?.close();
  await board?.server.close();
});

describe('app shell', () => {
  it('switches to Chinese, remembers it, and shows the worker come online', async () => {
    const page = await browser.newPage();
    await page.goto(board.url);
    await page.getByTestId('tab-train').waitFor();
    await expect
      .poll(() => page.getByTestId('connection-status').getAttribute('data-status'))
      .toBe('connected');
    expect(await page.getByTestId('worker-status').textContent()).toContain('No worker online');

    await page.getByTestId('language-select').selectOption('zh-CN');
    expect(await page.getByTestId('tab-train').textContent()).toBe('训练');

    agent = await startMissingEngineWorker(board.url);
    await expect
      .poll(() => page.getByTestId('worker-status').getAttribute('data-online'), {
        timeout: 10_000,
      })
      .toBe('1');
    expect(await page.getByTestId('worker-status').textContent()).toContain('1 个工作节点在线');

    // The broken engine is explained with its fix, in the chosen language.
    await page.getByTestId('worker-status').click();
    const problem = await page.getByTestId('engine-not-ready').textContent();
    expect(problem).toContain('引擎未就绪');
    expect(problem).toContain('npm run setup:engine');

    await page.reload();
    await page.getByTestId('tab-train').waitFor();
    expect(await page.getByTestId('tab-train').textContent()).toBe('训练');
    await page.close();
  });

  it('reconnects by itself after the board restarts', async () => {
    const page = await browser.newPage();
    await page.goto(board.url);
    await expect
      .poll(() => page.getByTestId('connection-status').getAttribute('data-status'))
      .toBe('connected');

    const port = Number(new URL(board.url).port);
    await board.server.close();
    await expect
      .poll(() => page.getByTestId('connection-status').getAttribute('data-status'), {
        timeout: 10_000,
      })
      .toBe('disconnected');

    board = await startTestBoard({ staticDir: DIST_DIR, dataDir: board.dataDir, port });
    await expect
      .poll(() => page.getByTestId('connection-status').getAttribute('data-status'), {
        timeout: 20_000,
      })
      .toBe('connected');
    await page.close();
  });
});
