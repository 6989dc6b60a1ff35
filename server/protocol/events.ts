import type { AckCallback } from './envelope.ts';
import type {
  InferenceCancelCommand,
  InferenceGenerateCommand,
  InferenceUnloadCommand,
  PlaygroundAnswer,
  PlaygroundDeltaEvent,
  PlaygroundTurn,
  WorkerModelServers,
} from './playground.ts';
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
  // Playground: ask models about audio, stream the answers, manage loaded models.
  'playground:send': (payload: unknown, ack: AckCallback<PlaygroundTurn>) => void;
  'playground:stop': (payload: unknown, ack: AckCallback<null>) => void;
  'playground:watch': (payload: unknown, ack: AckCallback<null>) => void;
  'playground:models': (payload: unknown, ack: AckCallback<WorkerModelServers[]>) => void;
  'playground:unload': (payload: unknown, ack: AckCallback<null>) => void;
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
  'playground:delta': (payload: PlaygroundDeltaEvent) => void;
  'playground:answer': (answer: PlaygroundAnswer) => void;
  'playground:models': (payload: WorkerModelServers[]) => void;
}

export interface WorkerClientToServerEvents {
  'worker:register': (payload: unknown, ack: AckCallback<{ workerId: string }>) => void;
  'worker:heartbeat': (payload: unknown, ack: AckCallback<null>) => void;
  'run:metrics': (payload: unknown, ack: AckCallback<{ lastSeq: number }>) => void;
  'run:log': (payload: unknown, ack: AckCallback<{ lastSeq: number }>) => void;
  'run:state': (payload: unknown, ack: AckCallback<null>) => void;
  // Playground inference reports; deltas and state changes are sent without acknowledgement.
  'inference:state': (payload: unknown) => void;
  'inference:delta': (payload: unknown) => void;
  'inference:done': (payload: unknown, ack: AckCallback<null>) => void;
  'inference:servers': (payload: unknown) => void;
}

export interface WorkerServerToClientEvents {
  'run:start': (command: RunStartCommand, ack: AckCallback<null>) => void;
  'run:abort': (command: RunAbortCommand, ack: AckCallback<null>) => void;
  'inference:generate': (command: InferenceGenerateCommand, ack: AckCallback<null>) => void;
  'inference:cancel': (command: InferenceCancelCommand, ack: AckCallback<null>) => void;
  'inference:unload': (command: InferenceUnloadCommand, ack: AckCallback<null>) => void;
}
