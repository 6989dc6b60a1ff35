import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { io, type Socket } from 'socket.io-client';
import type { Logger } from '../logger.ts';
import type { Ack } from '../protocol/envelope.ts';
import { fail, ok } from '../protocol/envelope.ts';
import {
  WORKER_NAMESPACE,
  type WorkerClientToServerEvents,
  type WorkerServerToClientEvents,
} from '../protocol/events.ts';
import type { RunLogBatch, RunMetricsBatch, RunStateReport } from '../protocol/runs.ts';
import type { EngineStatus, Gpu, WorkerRegistration } from '../protocol/workers.ts';
import { BOARD_VERSION } from '../version.ts';
import { type EngineLocation, probeEngine } from './engine-probe.ts';
import { attachInference } from './inference/attach.ts';
import { Outbox } from './outbox.ts';
import { probeGpus, systemInfo } from './system-probe.ts';
import { TrainManager } from './train-manager.ts';

export interface WorkerOptions {
  serverUrl: string;
  token: string | null;
  /** Folder for the worker's id file and for run outputs given as relative paths. */
  workDir: string;
  engine: EngineLocation;
  logger: Logger;
  heartbeatMs?: number;
  /** Playground: unload a model server after this long without requests. */
  inferenceIdleMs?: number;
}

export interface WorkerAgent {
  workerId: string;
  /** Resolves after the first successful registration. */
  registered: Promise<void>;
  stop(): Promise<void>;
}

type WorkerClientSocket = Socket<WorkerServerToClientEvents, WorkerClientToServerEvents>;

const ACK_TIMEOUT_MS = 10_000;
const ENGINE_REPROBE_MS = 30_000;
const SERVER_DISCONNECT_RETRY_MS = 1_000;

/** Starts a worker: registers with the board, heartbeats, runs the engine and reports back. */
export async function startWorker(options: WorkerOptions): Promise<WorkerAgent> {
  const logger = options.logger;
  fs.mkdirSync(options.workDir, { recursive: true });
  const workerId = loadWorkerId(options.workDir);

  const [gpus, engine] = await Promise.all([probeGpus(), probeEngine(options.engine)]);
  logEngine(logger, workerId, engine, gpus);

  const socket: WorkerClientSocket = io(`${options.serverUrl}${WORKER_NAMESPACE}`, {
    auth: { token: options.token ?? undefined },
    reconnection: true,
    reconnectionDelay: 500,
    reconnectionDelayMax: 10_000,
    randomizationFactor: 0.5,
    transports: ['websocket'],
  });

  const send =
    <T>(event: 'run:metrics' | 'run:log' | 'run:state') =>
    (message: T) =>
      socket.timeout(ACK_TIMEOUT_MS).emitWithAck(event, message) as Promise<Ack<unknown>>;
  const rejected = (kind: string) => (message: { runId: string }, error: string) =>
    logger.error({ workerId, runId: message.runId, error }, `server rejected ${kind} report`);
  const metricsOutbox = new Outbox<RunMetricsBatch>(send('run:metrics'), rejected('metrics'));
  const logOutbox = new Outbox<RunLogBatch>(send('run:log'), rejected('log'));
  const stateOutbox = new Outbox<RunStateReport>(send('run:state'), rejected('state'));
  const outboxes = [metricsOutbox, logOutbox, stateOutbox];

  const trains = new TrainManager({
    workDir: options.workDir,
    engine: options.engine,
    logger: logger.child({ workerId }),
    report: {
      metrics: (batch) => metricsOutbox.push(batch),
      logs: (batch) => logOutbox.push(batch),
      // State reports wait behind the metrics and log lines already queued for the same run.
      state: (report) => stateOutbox.push(report),
    },
  });

  let currentEngine = engine;
  const registration = (): WorkerRegistration => ({
    workerId,
    ...systemInfo(),
    version: BOARD_VERSION,
    gpus,
    engine: currentEngine,
    activeRunIds: trains.activeRunIds(),
  });

  let markRegistered: () => void = () => {};
  const registered = new Promise<void>((resolve) => {
    markRegistered = resolve;
  });

  socket.on('connect', async () => {
    try {
      const ack = (await socket
        .timeout(ACK_TIMEOUT_MS)
        .emitWithAck('worker:register', registration())) as Ack<{ workerId: string }>;
      if (!ack.ok) {
        logger.error({ workerId, error: ack.error }, 'registration rejected');
        return;
      }
      logger.info({ workerId, server: options.serverUrl }, 'registered with the board');
      for (const outbox of outboxes) {
        outbox.setOnline(true);
      }
      markRegistered();
    } catch (error) {
      logger.warn({ workerId, err: error }, 'registration timed out; retrying on the next connect');
      socket.disconnect().connect();
    }
  });

  let stopping = false;
  socket.on('disconnect', (reason) => {
    for (const outbox of outboxes) {
      outbox.setOnline(false);
    }
    logger.warn({ workerId, reason }, 'disconnected from the board; reconnecting');

    // socket.io-client retries by itself after network errors, but not after the server closed
    // the connection on purpose, for example when a restarted board replaced it.
    if (reason === 'io server disconnect' && !stopping) {
      setTimeout(() => {
        if (!stopping) {
          socket.connect();
        }
      }, SERVER_DISCONNECT_RETRY_MS);
    }
  });

  socket.on('connect_error', (error) => {
    logger.warn({ workerId, error: error.message }, 'cannot reach the board; retrying');
  });

  socket.on('run:start', (command, ack) => {
    const reply = typeof ack === 'function' ? ack : () => {};
    if (currentEngine.state !== 'ready') {
      reply(
        fail('engine_not_ready', `Engine not ready: ${currentEngine.reason} ${currentEngine.fix}`),
      );
      return;
    }
    trains.start(command).then(
      () => reply(ok(null)),
      (error: unknown) => {
        const message = error instanceof Error ? error.message : String(error);
        logger.error({ workerId, runId: command.runId, err: error }, 'run did not start');
        reply(fail('internal', message));
      },
    );
  });

  socket.on('run:abort', (command, ack) => {
    const reply = typeof ack === 'function' ? ack : () => {};
    trains.abort(command.runId);
    reply(ok(null));
  });

  // Playground inference (server/worker/inference/): model servers that answer chat requests.
  const inference = attachInference(socket, {
    workerId,
    serverUrl: options.serverUrl,
    token: options.token,
    workDir: options.workDir,
    engine: options.engine,
    engineStatus: () => currentEngine,
    logger,
    ...(options.inferenceIdleMs === undefined ? {} : { idleUnloadMs: options.inferenceIdleMs }),
  });
  // End of the playground inference hook.

  const heartbeat = setInterval(() => {
    if (socket.connected) {
      socket.emit(
        'worker:heartbeat',
        { activeRunIds: trains.activeRunIds(), engine: currentEngine },
        () => {},
      );
    }
  }, options.heartbeatMs ?? 5_000);

  // An engine that was not ready may be set up while the worker runs; notice it without a restart.
  const reprobe = setInterval(async () => {
    if (currentEngine.state === 'ready') {
      return;
    }
    currentEngine = await probeEngine(options.engine);
    if (currentEngine.state === 'ready') {
      logEngine(logger, workerId, currentEngine, gpus);
    }
  }, ENGINE_REPROBE_MS);

  return {
    workerId,
    registered,
    async stop() {
      stopping = true;
      clearInterval(heartbeat);
      clearInterval(reprobe);
      await Promise.all([trains.abortAll(), inference.stop()]);
      socket.close();
    },
  };
}

/** Reads the worker's stable id, creating one on first start, so a restart keeps its identity. */
export function loadWorkerId(workDir: string): string {
  const file = path.join(workDir, 'worker-id');
  try {
    const id = fs.readFileSync(file, 'utf8').trim();
    if (id) {
      return id;
    }
  } catch {
    // First start: no id yet.
  }
  const id = `worker-${crypto.randomBytes(4).toString('hex')}`;
  fs.writeFileSync(file, `${id}\n`);
  return id;
}

function logEngine(logger: Logger, workerId: string, engine: EngineStatus, gpus: Gpu[]): void {
  if (engine.state === 'ready') {
    logger.info(
      { workerId, engine: engine.version, python: engine.python, gpus: gpus.length },
      'engine ready',
    );
  } else {
    logger.warn({ workerId, reason: engine.reason, fix: engine.fix }, 'engine not ready');
  }
}
