import path from 'node:path';
import type { Socket } from 'socket.io-client';
import type { Logger } from '../../logger.ts';
import { fail, ok } from '../../protocol/envelope.ts';
import type {
  WorkerClientToServerEvents,
  WorkerServerToClientEvents,
} from '../../protocol/events.ts';
import type { EngineStatus } from '../../protocol/workers.ts';
import type { EngineLocation } from '../engine-probe.ts';
import { AudioSource } from './audio-source.ts';
import { DEFAULT_IDLE_UNLOAD_MS, InferencePool } from './pool.ts';

export interface InferenceAttachOptions {
  workerId: string;
  serverUrl: string;
  token: string | null;
  workDir: string;
  engine: EngineLocation;
  engineStatus: () => EngineStatus;
  logger: Logger;
  /** Unload an idle model server after this long; default `AUDIO_BOARD_INFERENCE_IDLE_SECONDS`. */
  idleUnloadMs?: number;
}

/**
 * Serves the board's playground commands on a worker socket: `inference:generate`,
 * `inference:cancel` and `inference:unload`, reporting back with `inference:*` events.
 */
export function attachInference(
  socket: Socket<WorkerServerToClientEvents, WorkerClientToServerEvents>,
  options: InferenceAttachOptions,
): { stop(): Promise<void> } {
  const logger = options.logger.child({ workerId: options.workerId, component: 'inference' });
  const pool = new InferencePool({
    workDir: options.workDir,
    engine: options.engine,
    logger,
    audio: new AudioSource(
      options.serverUrl,
      options.token,
      path.join(options.workDir, 'inference', 'media'),
    ),
    idleUnloadMs: options.idleUnloadMs ?? idleFromEnv(),
    report: {
      state: (report) => socket.emit('inference:state', report),
      delta: (delta) => socket.emit('inference:delta', delta),
      done: (done) => {
        socket.timeout(10_000).emit('inference:done', done, (error: unknown) => {
          if (error) {
            logger.warn({ requestId: done.requestId }, 'board did not acknowledge an answer');
          }
        });
      },
      servers: (servers) => socket.emit('inference:servers', { servers }),
    },
  });

  socket.on('connect', () => {
    socket.emit('inference:servers', { servers: pool.statuses() });
  });

  socket.on('inference:generate', (command, ack) => {
    const reply = typeof ack === 'function' ? ack : () => {};
    const engine = options.engineStatus();
    if (engine.state !== 'ready') {
      reply(fail('engine_not_ready', `Engine not ready: ${engine.reason} ${engine.fix}`));
      return;
    }
    logger.info(
      {
        requestId: command.requestId,
        model: command.model.model_name_or_path,
        adapter: command.adapter_name_or_path,
      },
      'inference request received',
    );
    reply(ok(null));
    void pool.generate(command);
  });

  socket.on('inference:cancel', (command, ack) => {
    const reply = typeof ack === 'function' ? ack : () => {};
    pool.cancel(command.requestId);
    reply(ok(null));
  });

  socket.on('inference:unload', (command, ack) => {
    const reply = typeof ack === 'function' ? ack : () => {};
    pool.unload(command.key).then(
      (found) =>
        reply(
          found ? ok(null) : fail('not_found', `No model server "${command.key}" on this worker.`),
        ),
      (error: unknown) => {
        logger.error({ key: command.key, err: error }, 'unload failed');
        reply(fail('internal', 'Unloading the model server failed; see the worker log.'));
      },
    );
  });

  return { stop: () => pool.stopAll() };
}

function idleFromEnv(): number {
  const seconds = Number(process.env.AUDIO_BOARD_INFERENCE_IDLE_SECONDS);
  return Number.isFinite(seconds) && seconds > 0 ? seconds * 1000 : DEFAULT_IDLE_UNLOAD_MS;
}
