import fs from 'node:fs';
import path from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoExportArgs } from '../../server/engine/demo-recipe.ts';
import type { Ack } from '../../server/protocol/envelope.ts';
import type {
  ChatTarget,
  PlaygroundAnswer,
  PlaygroundSessionSummary,
  PlaygroundTurn,
  UploadInfo,
} from '../../server/protocol/playground.ts';
import type { RunSummary } from '../../server/protocol/runs.ts';
import { tempDir, waitFor } from '../helpers/board.ts';
import { ensureDemoAdapter } from './demo-adapter.ts';
import {
  type EngineBoard,
  engineLogTail,
  heldOutRecords,
  postJson,
  startEngineBoard,
  waitForRun,
} from './engine-helpers.ts';

let engine: EngineBoard;
let browser: Socket;
let adapterDir: string;
const answers = new Map<string, PlaygroundAnswer>();

beforeAll(async () => {
  engine = await startEngineBoard();
  adapterDir = await ensureDemoAdapter(engine);

  browser = io(`${engine.board.url}/ui`, { transports: ['websocket'] });
  await new Promise<void>((resolve) => browser.on('connect', () => resolve()));
  browser.on('playground:answer', (answer: PlaygroundAnswer) => {
    if (answer.state === 'done') {
      answers.set(`${answer.turnId}/${answer.target.key}`, answer);
    }
  });
});

afterAll(async () => {
  browser?.close();
  await engine?.agent.stop();
  await engine?.board.server.close();
});

/** Opens a new playground session, so each question is asked without earlier turns as history. */
async function newSession(title: string): Promise<string> {
  const session = await postJson<PlaygroundSessionSummary>(
    `${engine.board.url}/api/playground/sessions`,
    { title },
  );
  if (!session.body.ok) {
    throw new Error(`session not created: ${JSON.stringify(session.body)}`);
  }
  await browser.emitWithAck('playground:watch', { sessionId: session.body.data.id });
  return session.body.data.id;
}

async function upload(file: string): Promise<string> {
  const response = await fetch(
    `${engine.board.url}/api/uploads?name=${encodeURIComponent(path.basename(file))}`,
    {
      method: 'POST',
      headers: { 'Content-Type': 'audio/wav' },
      body: fs.readFileSync(file),
    },
  );
  const body = (await response.json()) as Ack<UploadInfo>;
  if (!body.ok) {
    throw new Error(`upload of ${file} failed: ${body.error.message}`);
  }
  return body.data.sha256;
}

/** Asks every held-out clip once, greedily, and returns each target's answers in clip order. */
async function askHeldOut(modelDir: string, targets: ChatTarget[]): Promise<Map<string, string[]>> {
  const results = new Map<string, string[]>(targets.map((target) => [target.key, []]));
  for (const record of heldOutRecords(engine.fixtures)) {
    const clip = await upload(record.audio);
    const sessionId = await newSession(path.basename(record.audio));
    const ack = (await browser.timeout(600_000).emitWithAck('playground:send', {
      sessionId,
      prompt: record.prompt,
      clips: [clip],
      model: { model_name_or_path: modelDir, template: 'qwen2_audio' },
      targets,
      settings: { max_new_tokens: 8, temperature: 0, top_p: 1, seed: null, do_sample: false },
    })) as Ack<PlaygroundTurn>;
    if (!ack.ok) {
      throw new Error(`playground:send failed: ${ack.error.message}`);
    }
    const turnId = ack.data.id;
    for (const target of targets) {
      const answer = await waitFor(
        () => answers.get(`${turnId}/${target.key}`),
        600_000,
        `${target.key} answer`,
      );
      expect(answer.error, JSON.stringify(answer.error)).toBeNull();
      results.get(target.key)?.push(answer.text.trim());
    }
  }
  return results;
}

function accuracy(answered: string[], expected: string[]): number {
  return answered.filter((answer, index) => answer === expected[index]).length / expected.length;
}

describe('serving, accuracy and export with the real engine', () => {
  let adapterAnswers: string[] = [];

  it('streams answers from base and adapter; the adapter is right on at least 90% of held-out clips', async () => {
    const { fixtures } = engine;
    const expected = heldOutRecords(fixtures).map((record) => record.expected);
    const results = await askHeldOut(fixtures.modelDir, [
      { key: 'base', label: 'base', adapter_name_or_path: null, runId: null },
      { key: 'adapter', label: 'adapter', adapter_name_or_path: adapterDir, runId: null },
    ]);
    const base = results.get('base') ?? [];
    adapterAnswers = results.get('adapter') ?? [];

    const baseAccuracy = accuracy(base, expected);
    const adapterAccuracy = accuracy(adapterAnswers, expected);
    console.log(
      `held-out accuracy over ${expected.length} clips: base ${(100 * baseAccuracy).toFixed(1)}%, ` +
        `adapter ${(100 * adapterAccuracy).toFixed(1)}%`,
    );
    expect(adapterAccuracy).toBeGreaterThanOrEqual(0.9);
    expect(baseAccuracy).toBeLessThan(0.5);

    // Every answer arrived as a stream: the engine sent at least one non-empty chunk.
    const streamed = [...answers.values()].filter((answer) => answer.metrics.streamedChunks > 0);
    expect(streamed.length).toBe(answers.size);
  });

  it('merges the adapter with llamafactory-cli export; the merged model answers exactly as the adapter', async () => {
    const { board, fixtures } = engine;
    expect(adapterAnswers.length).toBeGreaterThan(0);
    const exportDir = path.join(tempDir('engine-export'), 'merged');

    const created = await postJson<RunSummary>(`${board.url}/api/exports`, {
      name: 'engine tier export',
      config: demoExportArgs(fixtures.modelDir, adapterDir, exportDir),
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    if (!created.body.ok) return;
    const done = await waitForRun(
      board,
      created.body.data.id,
      ['completed', 'failed'],
      10 * 60_000,
    );
    expect(done.status, engineLogTail(board, done.id)).toBe('completed');
    expect(fs.existsSync(path.join(exportDir, 'config.json'))).toBe(true);

    const merged = await askHeldOut(exportDir, [
      { key: 'merged', label: 'merged', adapter_name_or_path: null, runId: null },
    ]);
    const mergedAnswers = merged.get('merged') ?? [];
    const same = mergedAnswers.filter((answer, index) => answer === adapterAnswers[index]).length;
    console.log(`merged model: ${same}/${adapterAnswers.length} answers equal the adapter's`);
    expect(mergedAnswers).toEqual(adapterAnswers);
  });
});
