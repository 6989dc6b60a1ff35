import type { Namespace } from 'socket.io';
import type { Logger } from '../logger.ts';
import { fail, ok, parsePayload } from '../protocol/envelope.ts';
import type {
  UiClientToServerEvents,
  UiServerToClientEvents,
  WorkerClientToServerEvents,
  WorkerServerToClientEvents,
} from '../protocol/events.ts';
import {
  inferenceDeltaSchema,
  inferenceDoneSchema,
  inferenceStateReportSchema,
  modelServersReportSchema,
  modelServerUnloadSchema,
  playgroundSendSchema,
  playgroundStopSchema,
  playgroundWatchSchema,
} from '../protocol/playground.ts';
import { safeAck } from '../relay/worker-namespace.ts';
import type { PlaygroundService } from './service.ts';

/** Room of the browsers that show one playground session. */
export function playgroundRoom(sessionId: string): string {
  return `playground:${sessionId}`;
}

/**
 * Adds the playground events to the `/ui` and `/worker` namespaces. The namespaces' own
 * middleware has already checked the token; worker sockets carry `data.workerId` once registered.
 */
export function attachPlaygroundRelay(
  ui: Namespace<UiClientToServerEvents, UiServerToClientEvents>,
  workers: Namespace<WorkerClientToServerEvents, WorkerServerToClientEvents>,
  service: PlaygroundService,
  logger: Logger,
): void {
  service.setBroadcaster({
    delta: (sessionId, event) => ui.to(playgroundRoom(sessionId)).emit('playground:delta', event),
    answer: (sessionId, answer) =>
      ui.to(playgroundRoom(sessionId)).emit('playground:answer', answer),
    models: (servers) => ui.emit('playground:models', servers),
  });

  ui.on('connection', (socket) => {
    socket.on('playground:send', (payload, ack) => {
      const reply = safeAck(ack);
      const parsed = parsePayload(playgroundSendSchema, payload, 'playground turn');
      if (!parsed.ok) {
        reply(parsed);
        return;
      }
      // Join before sending, so the first streamed chunk already reaches this browser.
      void socket.join(playgroundRoom(parsed.data.sessionId));
      reply(service.send(parsed.data));
    });

    socket.on('playground:stop', (payload, ack) => {
      const reply = safeAck(ack);
      const parsed = parsePayload(playgroundStopSchema, payload, 'stop request');
      if (!parsed.ok) {
        reply(parsed);
        return;
      }
      reply(service.stop(parsed.data.turnId, parsed.data.targetKey));
    });

    socket.on('playground:watch', (payload, ack) => {
      const reply = safeAck(ack);
      const parsed = parsePayload(playgroundWatchSchema, payload, 'session watch');
      if (!parsed.ok) {
        reply(parsed);
        return;
      }
      for (const room of socket.rooms) {
        if (room.startsWith('playground:')) {
          void socket.leave(room);
        }
      }
      void socket.join(playgroundRoom(parsed.data.sessionId));
      reply(ok(null));
    });

    socket.on('playground:models', (_payload, ack) => {
      safeAck(ack)(ok(service.listModelServers()));
    });

    socket.on('playground:unload', (payload, ack) => {
      const reply = safeAck(ack);
      const parsed = parsePayload(modelServerUnloadSchema, payload, 'unload request');
      if (!parsed.ok) {
        reply(parsed);
        return;
      }
      service.unloadModelServer(parsed.data.workerId, parsed.data.key).then(reply, (error) => {
        logger.error({ err: error }, 'unload request failed');
        reply(fail('internal', 'Unload failed; see the board log.'));
      });
    });
  });

  workers.on('connection', (socket) => {
    const workerId = () => (socket.data as { workerId?: string }).workerId ?? null;

    socket.on('inference:state', (payload) => {
      const parsed = inferenceStateReportSchema.safeParse(payload);
      if (parsed.success) {
        service.recordState(workerId(), parsed.data);
      } else {
        logger.warn({ workerId: workerId() }, 'invalid inference state report dropped');
      }
    });

    socket.on('inference:delta', (payload) => {
      const parsed = inferenceDeltaSchema.safeParse(payload);
      if (parsed.success) {
        service.recordDelta(workerId(), parsed.data);
      } else {
        logger.warn({ workerId: workerId() }, 'invalid inference delta dropped');
      }
    });

    socket.on('inference:done', (payload, ack) => {
      const reply = safeAck(ack);
      const parsed = parsePayload(inferenceDoneSchema, payload, 'inference result');
      if (!parsed.ok) {
        logger.warn({ workerId: workerId(), error: parsed.error }, 'invalid inference result');
        reply(parsed);
        return;
      }
      reply(service.recordDone(workerId(), parsed.data));
    });

    socket.on('inference:servers', (payload) => {
      const parsed = modelServersReportSchema.safeParse(payload);
      if (parsed.success) {
        service.recordModelServers(workerId(), parsed.data.servers);
      } else {
        logger.warn({ workerId: workerId() }, 'invalid model server report dropped');
      }
    });
  });
}
