import fs from 'node:fs';
import path from 'node:path';
import { defaultEnginePython } from '../../server/engine/paths.ts';
import { silentLogger } from '../../server/logger.ts';
import type { Ack } from '../../server/protocol/envelope.ts';
import type { RunStatus, RunSummary } from '../../server/protocol/runs.ts';
import type { WorkerSummary } from '../../server/protocol/workers.ts';
import { startWorker, type WorkerAgent } from '../../server/worker/agent.ts';
import { engineLocation } from '../../server/worker/engine-probe.ts';
import { ensureFixtures, type Fixtures } from '../fixtures/ensure.ts';
import { startTestBoard, type TestBoard, tempDir, waitFor } from '../helpers/board.ts';

export interface EngineBoard {
  board: TestBoard;
  agent: WorkerAgent;
  fixtures: Fixtures;
  workDir: string;
}

/**
 * Starts a board and a worker that drives the real engine environment (the one
 * `npm run setup:engine` builds), with the demo fixtures built when missing. `staticDir`
 * makes the board serve the built UI for browser tests.
 */
export async function startEngineBoard(options: { staticDir?: string } = {}): Promise<EngineBoard> {
  const fixtures = await ensureFixtures({ log: (line) => console.log(`[fixtures] ${line}`) });
  const python = process.env.AUDIO_BOARD_ENGINE_PYTHON ?? defaultEnginePython();
  if (!fs.existsSync(python)) {
    throw new Error(`Engine Python not found at ${python}: run \`npm run setup:engine\` first.`);
  }

  // The tiny model and the demo data are local; nothing may try to reach a model hub.
  process.env.HF_HUB_OFFLINE = '1';
  process.env.HF_DATASETS_OFFLINE = '1';
  process.env.TRANSFORMERS_OFFLINE = '1';
  process.env.CUDA_VISIBLE_DEVICES = '';

  const board = await startTestBoard({ staticDir: options.staticDir ?? null });
  const workDir = tempDir('engine-worker');
  const agent = await startWorker({
    serverUrl: board.url,
    token: null,
    workDir,
    engine: engineLocation(python),
    logger: silentLogger(),
  });
  await agent.registered;
  const worker = await waitFor(
    () =>
      board.server.registry
        .list()
        .find((entry: WorkerSummary) => entry.workerId === agent.workerId),
    30_000,
    'worker to register',
  );
  if (worker.engine.state !== 'ready') {
    throw new Error(`Engine not ready: ${worker.engine.reason} (${worker.engine.fix})`);
  }
  return { board, agent, fixtures, workDir };
}

export async function postJson<T>(
  url: string,
  body: unknown,
): Promise<{ status: number; body: Ack<T> }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, body: (await response.json()) as Ack<T> };
}

export async function waitForRun(
  board: TestBoard,
  runId: string,
  statuses: RunStatus[],
  timeoutMs: number,
): Promise<RunSummary> {
  return waitFor(
    () => {
      const run = board.server.runs.get(runId);
      return run && statuses.includes(run.status) ? run : undefined;
    },
    timeoutMs,
    `run ${runId} to reach ${statuses.join('/')}`,
  );
}

export function engineLogTail(board: TestBoard, runId: string, lines = 30): string {
  return (board.server.runs.snapshot(runId, 0, 0)?.logLines ?? [])
    .slice(-lines)
    .map((entry) => entry.line)
    .join('\n');
}

export function adapterFiles(outputDir: string): string[] {
  return fs.existsSync(outputDir)
    ? fs.readdirSync(outputDir).filter((name) => name.startsWith('adapter_'))
    : [];
}

export function heldOutRecords(
  fixtures: Fixtures,
): { audio: string; prompt: string; expected: string }[] {
  const info = JSON.parse(
    fs.readFileSync(path.join(fixtures.datasetDir, 'dataset_info.json'), 'utf8'),
  ) as Record<string, { file_name: string }>;
  const file = info[fixtures.heldOutName]?.file_name;
  if (!file) {
    throw new Error(`${fixtures.heldOutName} missing from dataset_info.json`);
  }
  const records = JSON.parse(fs.readFileSync(path.join(fixtures.datasetDir, file), 'utf8')) as {
    messages: { role: string; content: string }[];
    audios: string[];
  }[];
  return records.map((record) => ({
    audio: path.join(fixtures.datasetDir, record.audios[0] ?? ''),
    prompt: (record.messages[0]?.content ?? '').replace('<audio>', ''),
    expected: (record.messages.at(-1)?.content ?? '').trim(),
  }));
}
