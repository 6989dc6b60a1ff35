import fs from 'node:fs';
import path from 'node:path';
import { silentLogger } from '../../server/logger.ts';
import { startWorker, type WorkerAgent } from '../../server/worker/agent.ts';
import { tempDir } from './board.ts';

/** The scripted `llamafactory-cli` double that writes trainer_log.jsonl like the real engine. */
export const FAKE_ENGINE = {
  python: path.resolve('tests/fixtures/fake-engine/bin/python'),
  cli: path.resolve('tests/fixtures/fake-engine/bin/llamafactory-cli'),
};

export async function startFakeEngineWorker(
  serverUrl: string,
  token: string | null = null,
  workDir = tempDir('worker'),
): Promise<WorkerAgent> {
  const agent = await startWorker({
    serverUrl,
    token,
    workDir,
    engine: FAKE_ENGINE,
    logger: silentLogger(),
    heartbeatMs: 500,
  });
  await agent.registered;
  return agent;
}

/** Returns true while a process with this pid exists. */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export function readPid(file: string): number {
  return Number(fs.readFileSync(file, 'utf8').trim());
}

/** Starts a worker whose engine is missing, so it registers with a "not ready" engine. */
export function startMissingEngineWorker(serverUrl: string): Promise<WorkerAgent> {
  return startWorker({
    serverUrl,
    token: null,
    workDir: tempDir('worker'),
    engine: { python: '/nonexistent/python', cli: '/nonexistent/llamafactory-cli' },
    logger: silentLogger(),
    heartbeatMs: 200,
  });
}
