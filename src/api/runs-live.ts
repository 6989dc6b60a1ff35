import type { Ack } from '@protocol/envelope.ts';
import type { LogLine } from '@protocol/events.ts';
import type { MetricPoint, RunSummary } from '@protocol/runs.ts';
import { create } from 'zustand';
import { api } from './rest.ts';
import { uiSocket } from './socket.ts';

export interface RunLiveData {
  points: MetricPoint[];
  logLines: LogLine[];
  lastSeq: number;
  lastLogSeq: number;
}

interface RunsState {
  runs: Record<string, RunSummary>;
  live: Record<string, RunLiveData>;
  loaded: boolean;
}

/** Run summaries and the live data of subscribed runs; written only by this module. */
export const useRuns = create<RunsState>(() => ({ runs: {}, live: {}, loaded: false }));

const EMPTY_LIVE: RunLiveData = { points: [], logLines: [], lastSeq: 0, lastLogSeq: 0 };
const MAX_LOG_LINES = 5000;

const subscriptions = new Map<string, number>();
let pendingPoints = new Map<string, MetricPoint[]>();
let pendingLogs = new Map<string, LogLine[]>();
let frameRequested = false;
let wired = false;

/** Appends buffered chunks once per animation frame, so a burst of points renders once. */
function scheduleFlush(): void {
  if (frameRequested) {
    return;
  }
  frameRequested = true;
  const flush = () => {
    frameRequested = false;
    const points = pendingPoints;
    const logs = pendingLogs;
    pendingPoints = new Map();
    pendingLogs = new Map();
    useRuns.setState((state) => {
      const live = { ...state.live };
      for (const [runId, chunk] of points) {
        live[runId] = appendPoints(live[runId] ?? EMPTY_LIVE, chunk);
      }
      for (const [runId, chunk] of logs) {
        live[runId] = appendLogs(live[runId] ?? EMPTY_LIVE, chunk);
      }
      return { live };
    });
  };
  if (typeof requestAnimationFrame === 'function' && document.visibilityState === 'visible') {
    requestAnimationFrame(flush);
  } else {
    setTimeout(flush, 50);
  }
}

/** Adds points in `seq` order, dropping any already held (replays after a reconnect). */
export function appendPoints(live: RunLiveData, chunk: readonly MetricPoint[]): RunLiveData {
  const fresh = freshInOrder(chunk, live.lastSeq);
  if (fresh.length === 0) {
    return live;
  }
  return {
    ...live,
    points: [...live.points, ...fresh],
    lastSeq: fresh.at(-1)?.seq ?? live.lastSeq,
  };
}

export function appendLogs(live: RunLiveData, chunk: readonly LogLine[]): RunLiveData {
  const fresh = freshInOrder(chunk, live.lastLogSeq);
  if (fresh.length === 0) {
    return live;
  }
  const logLines = [...live.logLines, ...fresh].slice(-MAX_LOG_LINES);
  return { ...live, logLines, lastLogSeq: fresh.at(-1)?.seq ?? live.lastLogSeq };
}

/**
 * Returns the items after `lastSeq` in `seq` order, each once: a snapshot reply and a live
 * broadcast can both carry the same item, even within one chunk.
 */
function freshInOrder<T extends { seq: number }>(chunk: readonly T[], lastSeq: number): T[] {
  const fresh: T[] = [];
  let last = lastSeq;
  for (const item of [...chunk].sort((a, b) => a.seq - b.seq)) {
    if (item.seq > last) {
      fresh.push(item);
      last = item.seq;
    }
  }
  return fresh;
}

function queue<T>(target: Map<string, T[]>, runId: string, items: readonly T[]): void {
  const list = target.get(runId) ?? [];
  list.push(...items);
  target.set(runId, list);
  scheduleFlush();
}

function requestSnapshot(runId: string): void {
  const live = useRuns.getState().live[runId] ?? EMPTY_LIVE;
  uiSocket().emit(
    'run:subscribe',
    { runId, afterSeq: live.lastSeq, afterLogSeq: live.lastLogSeq },
    (ack: Ack<{ run: RunSummary; points: MetricPoint[]; logLines: LogLine[] }>) => {
      if (!ack.ok) {
        return;
      }
      useRuns.setState((state) => ({ runs: { ...state.runs, [runId]: ack.data.run } }));
      queue(pendingPoints, runId, ack.data.points);
      queue(pendingLogs, runId, ack.data.logLines);
    },
  );
}

export async function refreshRuns(): Promise<void> {
  const list = await api<RunSummary[]>('/api/runs');
  useRuns.setState((state) => {
    const runs = { ...state.runs };
    for (const run of list) {
      runs[run.id] = run;
    }
    return { runs, loaded: true };
  });
}

/** Connects the run events to the store once per page. */
export function wireRunEvents(): void {
  if (wired) {
    return;
  }
  wired = true;
  const socket = uiSocket();
  socket.on('run:changed', (run) => {
    useRuns.setState((state) => ({ runs: { ...state.runs, [run.id]: run } }));
  });
  socket.on('run:metrics', ({ runId, points }) => queue(pendingPoints, runId, points));
  socket.on('run:log', ({ runId, lines }) => queue(pendingLogs, runId, lines));
  socket.on('connect', () => {
    // After a reconnect, fetch what was missed: each subscription resumes from its last seq.
    void refreshRuns().catch(() => {});
    for (const runId of subscriptions.keys()) {
      requestSnapshot(runId);
    }
  });
  if (socket.connected) {
    void refreshRuns().catch(() => {});
  }
}

/** Follows one run's metrics and log live; returns the function that stops following. */
export function subscribeRun(runId: string): () => void {
  wireRunEvents();
  const count = subscriptions.get(runId) ?? 0;
  subscriptions.set(runId, count + 1);
  if (count === 0) {
    requestSnapshot(runId);
  }
  return () => {
    const remaining = (subscriptions.get(runId) ?? 1) - 1;
    if (remaining > 0) {
      subscriptions.set(runId, remaining);
      return;
    }
    subscriptions.delete(runId);
    uiSocket().emit('run:unsubscribe', { runId }, () => {});
  };
}
