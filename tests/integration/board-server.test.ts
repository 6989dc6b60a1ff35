import { io, type Socket } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import type { Ack } from '../../server/protocol/envelope.ts';
import type { WorkerSummary } from '../../server/protocol/workers.ts';
import { startTestBoard, type TestBoard, waitFor } from '../helpers/board.ts';

const validRegistration = {
  workerId: 'worker-test-1',
  hostname: 'gpu-host-1',
  version: '0.1.0',
  platform: 'linux-x64',
  cpuCount: 2,
  memoryMiB: 1024,
  gpus: [],
  engine: {
    state: 'not_ready',
    code: 'cli_missing',
    reason: 'missing',
    fix: 'npm run setup:engine',
  },
  activeRunIds: [],
};

let board: TestBoard | null = null;
const sockets: Socket[] = [];

function connect(namespace: '/ui' | '/worker', token?: string): Socket {
  if (!board) {
    throw new Error('board not started');
  }
  const socket = io(`${board.url}${namespace}`, {
    auth: token === undefined ? {} : { token },
    transports: ['websocket'],
    reconnection: false,
  });
  sockets.push(socket);
  return socket;
}

async function connected(socket: Socket): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', (error) => reject(error));
  });
}

afterEach(async () => {
  for (const socket of sockets.splice(0)) {
    socket.close();
  }
  await board?.server.close();
  board = null;
});

describe('board server', () => {
  it('reports version, database and online workers in /api/health', async () => {
    board = await startTestBoard();
    const worker = connect('/worker');
    await connected(worker);
    const ack = (await worker.emitWithAck('worker:register', validRegistration)) as Ack<{
      workerId: string;
    }>;
    expect(ack).toEqual({ ok: true, data: { workerId: 'worker-test-1' } });

    const response = await fetch(`${board.url}/api/health`);
    const body = (await response.json()) as Ack<{
      version: string;
      database: { state: string; schemaVersion: number; journalMode: string };
      workers: WorkerSummary[];
    }>;
    expect(response.status).toBe(200);
    if (!body.ok) throw new Error('health failed');
    expect(body.data.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(body.data.database.state).toBe('ok');
    expect(body.data.database.journalMode).toBe('wal');
    expect(body.data.workers.map((w) => w.workerId)).toEqual(['worker-test-1']);
    expect(body.data.workers[0]?.status).toBe('online');
  });

  it('answers a malformed socket payload with an error naming the field', async () => {
    board = await startTestBoard();
    const worker = connect('/worker');
    await connected(worker);

    const ack = (await worker.emitWithAck('worker:register', {
      ...validRegistration,
      cpuCount: 'two',
    })) as Ack<unknown>;
    expect(ack.ok).toBe(false);
    if (ack.ok) return;
    expect(ack.error.code).toBe('invalid_payload');
    expect(ack.error.message).toContain('cpuCount');
    expect(ack.error.details?.issues?.[0]?.path).toBe('cpuCount');

    // Not JSON-shaped at all.
    const garbage = (await worker.emitWithAck('worker:register', 'garbage')) as Ack<unknown>;
    expect(garbage.ok).toBe(false);

    // The server keeps serving: the same socket can still register correctly.
    const retry = (await worker.emitWithAck('worker:register', validRegistration)) as Ack<unknown>;
    expect(retry.ok).toBe(true);
    const health = await fetch(`${board.url}/api/health`);
    expect(health.status).toBe(200);
  });

  it('answers a malformed REST body with an error naming the field', async () => {
    board = await startTestBoard();
    const wrongType = await fetch(`${board.url}/api/presets/demo`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ config: 'not an object' }),
    });
    const wrongTypeBody = (await wrongType.json()) as Ack<unknown>;
    expect(wrongType.status).toBe(400);
    expect(wrongTypeBody.ok).toBe(false);
    if (wrongTypeBody.ok) return;
    expect(wrongTypeBody.error.code).toBe('invalid_payload');
    expect(wrongTypeBody.error.message).toContain('config');

    const brokenJson = await fetch(`${board.url}/api/presets/demo`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json' },
      body: '{"config": {',
    });
    const brokenBody = (await brokenJson.json()) as Ack<unknown>;
    expect(brokenJson.status).toBe(400);
    expect(brokenBody.ok).toBe(false);

    const good = await fetch(`${board.url}/api/presets/demo`, {
      method: 'PUT',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ config: { lora_rank: 8 } }),
    });
    expect(good.status).toBe(200);
  });

  it('pushes worker changes to browsers and marks a vanished worker offline', async () => {
    board = await startTestBoard();
    const browser = connect('/ui');
    await connected(browser);
    const updates: WorkerSummary[][] = [];
    browser.on('workers:changed', (workers: WorkerSummary[]) => updates.push(workers));

    const worker = connect('/worker');
    await connected(worker);
    await worker.emitWithAck('worker:register', validRegistration);
    await waitFor(
      () => (updates.at(-1)?.[0]?.status === 'online' ? true : undefined),
      5_000,
      'online',
    );

    worker.close();
    await waitFor(
      () => (updates.at(-1)?.[0]?.status === 'offline' ? true : undefined),
      5_000,
      'offline',
    );
  });
});

describe('token authentication', () => {
  it('rejects workers and browsers without the token', async () => {
    board = await startTestBoard({ token: 's3cret' });

    const worker = connect('/worker');
    await expect(connected(worker)).rejects.toThrow(/unauthorized/);
    const browser = connect('/ui', 'wrong');
    await expect(connected(browser)).rejects.toThrow(/unauthorized/);

    const rest = await fetch(`${board.url}/api/health`);
    expect(rest.status).toBe(401);
    const restBody = (await rest.json()) as Ack<unknown>;
    expect(restBody.ok).toBe(false);
  });

  it('accepts workers, browsers and REST calls that present the token', async () => {
    board = await startTestBoard({ token: 's3cret' });

    const worker = connect('/worker', 's3cret');
    await connected(worker);
    const ack = (await worker.emitWithAck('worker:register', validRegistration)) as Ack<unknown>;
    expect(ack.ok).toBe(true);
    const browser = connect('/ui', 's3cret');
    await connected(browser);

    const rest = await fetch(`${board.url}/api/health`, {
      headers: { Authorization: 'Bearer s3cret' },
    });
    expect(rest.status).toBe(200);
  });
});
