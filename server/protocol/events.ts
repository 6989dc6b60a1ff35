import type { AckCallback } from './envelope.ts';
import type { MetricPoint, RunAbortCommand, RunStartCommand, RunSummary } from './runs.ts';
import type { WorkerSummary } from './workers.ts';

/** socket.io namespace for browsers. */
export const UI_NAMESPACE = '/ui';
/** socket.io namespace for GPU workers. */
export const WORKER_NAMESPACE = '/worker';

// Payloads arrive as `unknown` on the receiving side: every handler validates them with zod.

export interface UiClientToServerEvents {
  'workers:list': (payload: unknown, ack: AckCallback<WorkerSummary[]>) => void;
  'run:subscribe': (
    payload: unknown,
    ack: AckCallback<{ run: RunSummary; points: MetricPoint[]; logLines: LogLine[] }>,
  ) => void;
  'run:unsubscribe': (payload: unknown, ack: AckCallback<null>) => void;
}

export interface LogLine {
  seq: number;
  line: string;
}

export interface UiServerToClientEvents {
  'workers:changed': (workers: WorkerSummary[]) => void;
  'run:changed': (run: RunSummary) => void;
  'run:metrics': (payload: { runId: string; points: MetricPoint[] }) => void;
  'run:log': (payload: { runId: string; lines: LogLine[] }) => void;
}

export interface WorkerClientToServerEvents {
  'worker:register': (payload: unknown, ack: AckCallback<{ workerId: string }>) => void;
  'worker:heartbeat': (payload: unknown, ack: AckCallback<null>) => void;
  'run:metrics': (payload: unknown, ack: AckCallback<{ lastSeq: number }>) => void;
  'run:log': (payload: unknown, ack: AckCallback<{ lastSeq: number }>) => void;
  'run:state': (payload: unknown, ack: AckCallback<null>) => void;
}

export interface WorkerServerToClientEvents {
  'run:start': (command: RunStartCommand, ack: AckCallback<null>) => void;
  'run:abort': (command: RunAbortCommand, ack: AckCallback<null>) => void;
}
