import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import type { Ack } from '../../server/protocol/envelope.ts';
import {
  UI_NAMESPACE,
  type UiClientToServerEvents,
  type UiServerToClientEvents,
} from '../../server/protocol/events.ts';
import type {
  ChatTarget,
  PlaygroundAnswer,
  PlaygroundSession,
  PlaygroundTurn,
  UploadInfo,
  WorkerModelServers,
} from '../../server/protocol/playground.ts';
import type { WorkerAgent } from '../../server/worker/agent.ts';
import { encodeWav16 } from '../../src/features/playground/audio-dsp.ts';
import { startTestBoard, type TestBoard, tempDir, waitFor } from '../helpers/board.ts';
import { startFakeEngineWorker } from '../helpers/fake-engine.ts';

type UiSocket = Socket<UiServerToClientEvents, UiClientToServerEvents>;

let board: TestBoard | null = null;
let agent: WorkerAgent | null = null;
let socket: UiSocket | null = null;

afterEach(async () => {
  socket?.close();
  socket = null;
  await agent?.stop();
  agent = null;
  await board?.server.close();
  board = null;
});

const SETTINGS = { max_new_tokens: 64, temperature: 0.95, top_p: 0.7, seed: null, do_sample: true };
const MODEL = { model_name_or_path: 'fake/tiny-qwen2-audio', template: 'qwen2_audio' };
const BASE: ChatTarget = { key: 'base', label: 'Base', adapter_name_or_path: null, runId: null };

function adapterTarget(): ChatTarget {
  const dir = tempDir('adapter');
  fs.writeFileSync(path.join(dir, 'adapter_config.json'), '{}');
  return { key: 'custom', label: 'Adapter', adapter_name_or_path: dir, runId: null };
}

async function connect(url: string): Promise<UiSocket> {
  const client: UiSocket = io(`${url}${UI_NAMESPACE}`, { transports: ['websocket'] });
  await new Promise<void>((resolve) => client.once('connect', () => resolve()));
  return client;
}

async function createSession(systemPrompt = ''): Promise<PlaygroundSession> {
  const response = await fetch(`${board?.url}/api/playground/sessions`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ systemPrompt }),
  });
  return ((await response.json()) as { data: PlaygroundSession }).data;
}

async function uploadTone(frequency: number): Promise<UploadInfo> {
  const samples = Float32Array.from(
    { length: 16_000 },
    (_, i) => 0.3 * Math.sin((2 * Math.PI * frequency * i) / 16_000),
  );
  const response = await fetch(`${board?.url}/api/uploads?name=tone.wav`, {
    method: 'POST',
    headers: { 'Content-Type': 'audio/wav' },
    body: encodeWav16(samples, 16_000),
  });
  return ((await response.json()) as { data: UploadInfo }).data;
}

/** Collects final answers broadcast to the socket, by `turnId/targetKey`. */
function collectAnswers(client: UiSocket): Map<string, PlaygroundAnswer> {
  const answers = new Map<string, PlaygroundAnswer>();
  client.on('playground:answer', (answer) => {
    answers.set(`${answer.turnId}/${answer.target.key}`, answer);
  });
  return answers;
}

async function send(
  client: UiSocket,
  payload: Record<string, unknown>,
): Promise<Ack<PlaygroundTurn>> {
  return (await client.emitWithAck('playground:send', payload)) as Ack<PlaygroundTurn>;
}

async function finished(
  answers: Map<string, PlaygroundAnswer>,
  turnId: string,
  key: string,
  timeoutMs = 15_000,
): Promise<PlaygroundAnswer> {
  return waitFor(
    () => {
      const answer = answers.get(`${turnId}/${key}`);
      return answer?.state === 'done' ? answer : undefined;
    },
    timeoutMs,
    `answer ${key} of ${turnId}`,
  );
}

describe('playground chat with the scripted engine', () => {
  it('streams base and adapter answers side by side and stores them', async () => {
    board = await startTestBoard();
    agent = await startFakeEngineWorker(board.url);
    socket = await connect(board.url);
    const answers = collectAnswers(socket);
    const deltas: string[] = [];
    socket.on('playground:delta', (event) => deltas.push(`${event.targetKey}:${event.text}`));

    const session = await createSession('Answer with the label.');
    const clip = await uploadTone(440);
    const adapter = adapterTarget();
    const ack = await send(socket, {
      sessionId: session.id,
      prompt: 'Which colour is this?',
      clips: [clip.sha256],
      model: MODEL,
      targets: [BASE, adapter],
      settings: SETTINGS,
    });
    expect(ack.ok).toBe(true);
    if (!ack.ok) return;

    const base = await finished(answers, ack.data.id, 'base');
    const tuned = await finished(answers, ack.data.id, 'custom');
    expect(base.finishReason).toBe('stop');
    expect(base.text).toBe('base model heard 1 clip(s) [turn 1]');
    expect(tuned.text).toBe(`label:${clip.sha256.slice(0, 8)} [turn 1]`);
    expect(tuned.metrics.ttftMs).not.toBeNull();
    expect(tuned.metrics.streamedChunks).toBe(3);
    expect(deltas.some((delta) => delta.startsWith('custom:label:'))).toBe(true);

    const stored = await fetch(`${board.url}/api/playground/sessions/${session.id}`);
    const reopened = ((await stored.json()) as { data: PlaygroundSession }).data;
    expect(reopened.turns).toHaveLength(1);
    expect(reopened.turns[0]?.clips).toEqual([clip.sha256]);
    expect(reopened.turns[0]?.answers.map((answer) => answer.text)).toEqual([
      base.text,
      tuned.text,
    ]);

    const servers = (await socket.emitWithAck('playground:models', null)) as Ack<
      WorkerModelServers[]
    >;
    expect(servers.ok && servers.data[0]?.servers.map((server) => server.state)).toEqual([
      'ready',
      'ready',
    ]);
  });

  it('sends earlier turns as history', async () => {
    board = await startTestBoard();
    agent = await startFakeEngineWorker(board.url);
    socket = await connect(board.url);
    const answers = collectAnswers(socket);
    const session = await createSession();
    const clip = await uploadTone(300);
    const turn = {
      sessionId: session.id,
      clips: [clip.sha256],
      model: MODEL,
      targets: [BASE],
      settings: SETTINGS,
    };

    const first = await send(socket, { ...turn, prompt: 'first' });
    if (!first.ok) throw new Error(first.error.message);
    await finished(answers, first.data.id, 'base');
    const second = await send(socket, { ...turn, prompt: 'second' });
    if (!second.ok) throw new Error(second.error.message);
    const answer = await finished(answers, second.data.id, 'base');
    expect(answer.text).toContain('[turn 2]');
  });

  it('stops a slow answer and serves the next prompt at once', async () => {
    board = await startTestBoard();
    agent = await startFakeEngineWorker(board.url);
    socket = await connect(board.url);
    const answers = collectAnswers(socket);
    const firstChunk = new Map<string, number>();
    socket.on('playground:delta', (event) => {
      if (!firstChunk.has(event.turnId)) firstChunk.set(event.turnId, Date.now());
    });
    const session = await createSession();
    const clip = await uploadTone(500);
    const turn = { sessionId: session.id, clips: [clip.sha256], model: MODEL, targets: [BASE] };

    const slow = await send(socket, {
      ...turn,
      prompt: 'be slow',
      settings: { ...SETTINGS, max_new_tokens: 400 },
    });
    if (!slow.ok) throw new Error(slow.error.message);
    await waitFor(() => firstChunk.get(slow.data.id), 15_000, 'first chunk');
    await new Promise((resolve) => setTimeout(resolve, 600));

    const stopped = await socket.emitWithAck('playground:stop', { turnId: slow.data.id });
    expect(stopped).toEqual({ ok: true, data: null });
    const aborted = await finished(answers, slow.data.id, 'base', 5_000);
    expect(aborted.finishReason).toBe('aborted');
    expect(aborted.text.startsWith('w1')).toBe(true);

    const sentAt = Date.now();
    const next = await send(socket, { ...turn, prompt: 'again', settings: SETTINGS });
    if (!next.ok) throw new Error(next.error.message);
    const started = await waitFor(() => firstChunk.get(next.data.id), 5_000, 'next first chunk');
    expect(started - sentAt).toBeLessThan(1_000);
  });

  it('reports length when max_new_tokens cuts the answer', async () => {
    board = await startTestBoard();
    agent = await startFakeEngineWorker(board.url);
    socket = await connect(board.url);
    const answers = collectAnswers(socket);
    const session = await createSession();
    const ack = await send(socket, {
      sessionId: session.id,
      prompt: 'slow',
      clips: [],
      model: MODEL,
      targets: [BASE],
      settings: { ...SETTINGS, max_new_tokens: 3 },
    });
    if (!ack.ok) throw new Error(ack.error.message);
    const answer = await finished(answers, ack.data.id, 'base');
    expect(answer.finishReason).toBe('length');
    expect(answer.text).toBe('w1 w2 w3');
  });

  it('explains a missing adapter, a crash and no worker', async () => {
    board = await startTestBoard();
    socket = await connect(board.url);
    const answers = collectAnswers(socket);
    const session = await createSession();
    const base = { sessionId: session.id, clips: [], model: MODEL, settings: SETTINGS };

    const lonely = await send(socket, { ...base, prompt: 'hello', targets: [BASE] });
    if (!lonely.ok) throw new Error(lonely.error.message);
    expect(lonely.data.answers[0]?.error?.code).toBe('no_worker');

    agent = await startFakeEngineWorker(board.url);
    const missing = await send(socket, {
      ...base,
      prompt: 'hello',
      targets: [
        { key: 'custom', label: 'x', adapter_name_or_path: '/nonexistent/adapter', runId: null },
      ],
    });
    if (!missing.ok) throw new Error(missing.error.message);
    expect((await finished(answers, missing.data.id, 'custom')).error?.code).toBe(
      'adapter_not_found',
    );

    const crash = await send(socket, { ...base, prompt: 'please crash', targets: [BASE] });
    if (!crash.ok) throw new Error(crash.error.message);
    expect((await finished(answers, crash.data.id, 'base')).error?.code).toBe('out_of_memory');

    // The crashed server restarts by itself and answers the next prompt.
    const after = await send(socket, { ...base, prompt: 'hello', targets: [BASE] });
    if (!after.ok) throw new Error(after.error.message);
    expect((await finished(answers, after.data.id, 'base')).finishReason).toBe('stop');
  });

  it('finds a run adapter given relative to the worker folder', async () => {
    board = await startTestBoard();
    socket = await connect(board.url);
    const answers = collectAnswers(socket);
    const session = await createSession();

    // Training runs with relative output folders write their adapters under the work folder.
    const workDir = tempDir('relative-worker');
    fs.mkdirSync(path.join(workDir, 'saves/demo/lora/train_1'), { recursive: true });
    fs.writeFileSync(path.join(workDir, 'saves/demo/lora/train_1/adapter_config.json'), '{}');
    agent = await startFakeEngineWorker(board.url, null, workDir);

    const ack = await send(socket, {
      sessionId: session.id,
      clips: [],
      model: MODEL,
      settings: SETTINGS,
      prompt: 'hello',
      targets: [
        { key: 'run', label: 'run', adapter_name_or_path: 'saves/demo/lora/train_1', runId: null },
      ],
    });
    if (!ack.ok) throw new Error(ack.error.message);
    const answer = await finished(answers, ack.data.id, 'run');
    expect(answer.error).toBeNull();
    expect(answer.finishReason).toBe('stop');
  });

  it('rejects a turn whose clip was never uploaded', async () => {
    board = await startTestBoard();
    socket = await connect(board.url);
    const session = await createSession();
    const ack = await send(socket, {
      sessionId: session.id,
      prompt: 'x',
      clips: [crypto.createHash('sha256').update('nothing').digest('hex')],
      model: MODEL,
      targets: [BASE],
      settings: SETTINGS,
    });
    expect(ack.ok).toBe(false);
    if (ack.ok) return;
    expect(ack.error.code).toBe('not_found');
    expect(ack.error.message).toContain('upload it again');
  });
});
