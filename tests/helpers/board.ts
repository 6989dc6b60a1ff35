import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { type BoardServer, createBoardServer } from '../../server/app.ts';
import { silentLogger } from '../../server/logger.ts';

export interface TestBoard {
  server: BoardServer;
  url: string;
  dataDir: string;
}

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `audio-board-${prefix}-`));
}

/** Starts a real board on a free loopback port with its own SQLite database. */
export async function startTestBoard(
  options: {
    token?: string | null;
    dataDir?: string;
    port?: number;
    staticDir?: string | null;
  } = {},
): Promise<TestBoard> {
  const dataDir = options.dataDir ?? tempDir('board');
  const server = await createBoardServer({
    host: '127.0.0.1',
    port: options.port ?? 0,
    dataDir,
    token: options.token ?? null,
    logger: silentLogger(),
    staticDir: options.staticDir ?? null,
  });
  const url = await server.listen();
  return { server, url, dataDir };
}

/** Polls `check` until it returns a value other than undefined, or fails after `timeoutMs`. */
export async function waitFor<T>(
  check: () => T | undefined | Promise<T | undefined>,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) {
      return value;
    }
    if (Date.now() > deadline) {
      throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
