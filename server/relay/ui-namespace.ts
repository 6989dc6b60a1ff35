import type { Namespace } from 'socket.io';
import type { Logger } from '../logger.ts';
import { fail, ok, parsePayload } from '../protocol/envelope.ts';
import type { UiClientToServerEvents, UiServerToClientEvents } from '../protocol/events.ts';
import { runIdSchema, runSubscribeSchema } from '../protocol/runs.ts';
import type { RunService } from '../runs/service.ts';
import type { WorkerRegistry } from '../workers/registry.ts';
import { tokenMiddleware } from './auth.ts';
import { safeAck } from './worker-namespace.ts';

export type UiNamespace = Namespace<UiClientToServerEvents, UiServerToClientEvents>;

/** Room that receives one run's live metrics and log lines. */
export function runRoom(runId: string): string {
  return `run:${runId}`;
}

/** Wires the `/ui` namespace that browsers use for live data. */
export function attachUiNamespace(
  namespace: UiNamespace,
  deps: { registry: WorkerRegistry; runs: RunService; token: string | null; logger: Logger },
): void {
  const { registry, runs, logger } = deps;

  namespace.use(tokenMiddleware(deps.token, logger, 'browser', 'unauthorized'));

  registry.onChange((workers) => {
    namespace.emit('workers:changed', workers);
  });

  namespace.on('connection', (socket) => {
    socket.on('workers:list', (_payload, ack) => {
      safeAck(ack)(ok(registry.list()));
    });

    socket.on('run:subscribe', (payload, ack) => {
      const reply = safeAck(ack);
      const parsed = parsePayload(runSubscribeSchema, payload, 'run subscription');
      if (!parsed.ok) {
        reply(parsed);
        return;
      }
      const snapshot = runs.snapshot(
        parsed.data.runId,
        parsed.data.afterSeq,
        parsed.data.afterLogSeq,
      );
      if (!snapshot) {
        reply(fail('not_found', `Run "${parsed.data.runId}" not found.`));
        return;
      }

      // Join before replying so no point written between the snapshot and the join is lost;
      // the browser drops duplicates by `seq`.
      void socket.join(runRoom(parsed.data.runId));
      reply(ok(snapshot));
    });

    socket.on('run:unsubscribe', (payload, ack) => {
      const reply = safeAck(ack);
      const parsed = parsePayload(runIdSchema, payload, 'run unsubscription');
      if (!parsed.ok) {
        reply(parsed);
        return;
      }
      void socket.leave(runRoom(parsed.data.runId));
      reply(ok(null));
    });
  });
}
