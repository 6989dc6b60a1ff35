import type { Namespace } from 'socket.io';
import type { Logger } from '../logger.ts';
import { fail, ok, parsePayload } from '../protocol/envelope.ts';
import type { WorkerClientToServerEvents, WorkerServerToClientEvents } from '../protocol/events.ts';
import {
  runLogBatchSchema,
  runMetricsBatchSchema,
  runStateReportSchema,
} from '../protocol/runs.ts';
import { workerHeartbeatSchema, workerRegistrationSchema } from '../protocol/workers.ts';
import type { RunService } from '../runs/service.ts';
import type { WorkerRegistry, WorkerSocket } from '../workers/registry.ts';
import { tokenMiddleware } from './auth.ts';

interface WorkerSocketData {
  workerId?: string;
}

/** Wires the `/worker` namespace: registration, heartbeats and run reports from GPU hosts. */
export function attachWorkerNamespace(
  namespace: Namespace<WorkerClientToServerEvents, WorkerServerToClientEvents>,
  deps: { registry: WorkerRegistry; runs: RunService; token: string | null; logger: Logger },
): void {
  const { registry, runs, logger } = deps;

  namespace.use(
    tokenMiddleware(
      deps.token,
      logger,
      'worker',
      'unauthorized: start the worker with --token <the board token>',
    ),
  );

  namespace.on('connection', (rawSocket) => {
    const socket = rawSocket as WorkerSocket & { data: WorkerSocketData };

    socket.on('worker:register', (payload, ack) => {
      const reply = safeAck(ack);
      const parsed = parsePayload(workerRegistrationSchema, payload, 'worker registration');
      if (!parsed.ok) {
        logger.warn({ error: parsed.error }, 'invalid worker registration');
        reply(parsed);
        return;
      }

      socket.data.workerId = parsed.data.workerId;
      registry.register(socket, parsed.data);
      reply(ok({ workerId: parsed.data.workerId }));
      runs.onWorkerRegistered(parsed.data.workerId, parsed.data.activeRunIds);
    });

    socket.on('worker:heartbeat', (payload, ack) => {
      const reply = safeAck(ack);
      const workerId = socket.data.workerId;
      if (!workerId) {
        reply(fail('unauthorized', 'Send worker:register before worker:heartbeat.'));
        return;
      }
      const parsed = parsePayload(workerHeartbeatSchema, payload, 'heartbeat');
      if (!parsed.ok) {
        reply(parsed);
        return;
      }
      registry.heartbeat(
        workerId,
        parsed.data.engine === undefined
          ? { activeRunIds: parsed.data.activeRunIds }
          : { activeRunIds: parsed.data.activeRunIds, engine: parsed.data.engine },
      );
      reply(ok(null));
    });

    socket.on('run:metrics', (payload, ack) => {
      const reply = safeAck(ack);
      const parsed = parsePayload(runMetricsBatchSchema, payload, 'metrics batch');
      if (!parsed.ok) {
        reply(parsed);
        return;
      }
      reply(runs.recordMetrics(socket.data.workerId ?? null, parsed.data));
    });

    socket.on('run:log', (payload, ack) => {
      const reply = safeAck(ack);
      const parsed = parsePayload(runLogBatchSchema, payload, 'log batch');
      if (!parsed.ok) {
        reply(parsed);
        return;
      }
      reply(runs.recordLog(socket.data.workerId ?? null, parsed.data));
    });

    socket.on('run:state', (payload, ack) => {
      const reply = safeAck(ack);
      const parsed = parsePayload(runStateReportSchema, payload, 'run state');
      if (!parsed.ok) {
        reply(parsed);
        return;
      }
      reply(runs.recordState(socket.data.workerId ?? null, parsed.data));
    });

    socket.on('disconnect', (reason) => {
      if (socket.data.workerId) {
        registry.disconnect(socket.data.workerId, socket.id, reason);
      }
    });
  });
}

/** Returns a callback that tolerates clients that emit without an acknowledgement function. */
export function safeAck<T>(ack: unknown): (value: T) => void {
  return typeof ack === 'function' ? (ack as (value: T) => void) : () => {};
}
