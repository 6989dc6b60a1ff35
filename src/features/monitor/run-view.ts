/**
 * Pure functions that derive what the monitor shows about runs: ordering, durations, progress,
 * the final loss and config differences.
 */
import type { EngineConfig, MetricPoint, RunStatus, RunSummary } from '@protocol/runs.ts';
import { computeEta } from './chart-math.ts';

/** Statuses in which a run occupies or waits for a worker, so it can be aborted. */
const ACTIVE_STATUSES: ReadonlySet<RunStatus> = new Set([
  'queued',
  'starting',
  'running',
  'aborting',
]);

export function isActive(status: RunStatus): boolean {
  return ACTIVE_STATUSES.has(status);
}

export function canAbort(status: RunStatus): boolean {
  return status !== 'aborting' && isActive(status);
}

export function canResume(status: RunStatus): boolean {
  return status === 'failed' || status === 'aborted';
}

/** Sorts runs newest first by `createdAt`, then by id so equal times keep a stable order. */
export function sortRunsNewestFirst(runs: Iterable<RunSummary>): RunSummary[] {
  return [...runs].sort((a, b) => {
    const byTime = Date.parse(b.createdAt) - Date.parse(a.createdAt);
    return byTime !== 0 ? byTime : b.id.localeCompare(a.id);
  });
}

/**
 * Returns the seconds a run has trained: from `startedAt` to `endedAt`, or to `nowMs` while it
 * has not ended. Null before it starts.
 */
export function runDurationSeconds(run: RunSummary, nowMs: number): number | null {
  if (run.startedAt === null) {
    return null;
  }
  const start = Date.parse(run.startedAt);
  const end = run.endedAt === null ? nowMs : Date.parse(run.endedAt);
  if (!Number.isFinite(start) || !Number.isFinite(end)) {
    return null;
  }
  return Math.max(0, (end - start) / 1000);
}

/** Formats seconds as H:MM:SS, the form LLaMA-Factory logs, with days as "Nd H:MM:SS". */
export function formatDuration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds) || seconds < 0) {
    return '—';
  }
  const total = Math.round(seconds);
  const days = Math.floor(total / 86_400);
  const hours = Math.floor((total % 86_400) / 3600);
  const minutes = Math.floor((total % 3600) / 60);
  const secs = total % 60;
  const clock = `${hours}:${String(minutes).padStart(2, '0')}:${String(secs).padStart(2, '0')}`;
  return days > 0 ? `${days}d ${clock}` : clock;
}

/** Formats a metric with 4 significant digits, small or large values in exponent form. */
export function formatMetric(value: number | null | undefined): string {
  if (value === null || value === undefined) {
    return '—';
  }
  if (!Number.isFinite(value)) {
    return String(value);
  }
  const magnitude = Math.abs(value);
  if (magnitude !== 0 && (magnitude < 1e-3 || magnitude >= 1e6)) {
    return value.toExponential(2);
  }
  return String(Number(value.toPrecision(4)));
}

/** Returns the newest finite training loss, looking at live points first and then `lastPoint`. */
export function finalLoss(run: RunSummary, points: readonly MetricPoint[] = []): number | null {
  for (let index = points.length - 1; index >= 0; index -= 1) {
    const loss = points[index]?.loss;
    if (loss !== null && loss !== undefined && Number.isFinite(loss)) {
      return loss;
    }
  }
  const last = run.lastPoint?.loss;
  return last !== null && last !== undefined && Number.isFinite(last) ? last : null;
}

export interface RunProgress {
  step: number;
  totalSteps: number | null;
  /** Percent done in [0, 100], or null when the total is unknown. */
  percentage: number | null;
  elapsedSeconds: number | null;
  remainingSeconds: number | null;
  /** True when `remainingSeconds` is the board's estimate rather than the engine's. */
  remainingEstimated: boolean;
  /** Input tokens per second, as LLaMA-Factory logs `throughput`. */
  throughput: number | null;
  epoch: number | null;
  vramAllocatedGiB: number | null;
}

/**
 * Summarizes the progress of a run from its points, or from `lastPoint` when no points are
 * loaded. Each field comes from the newest point that has it, because LLaMA-Factory's final
 * and eval lines leave some metrics out.
 */
export function progressOf(
  points: readonly MetricPoint[],
  lastPoint: MetricPoint | null,
): RunProgress | null {
  let source: readonly MetricPoint[] = points;
  if (source.length === 0) {
    source = lastPoint === null ? [] : [lastPoint];
  }
  const newest = source[source.length - 1];
  if (newest === undefined) {
    return null;
  }
  const latest = <K extends keyof MetricPoint>(key: K): MetricPoint[K] | null => {
    for (let index = source.length - 1; index >= 0; index -= 1) {
      const value = source[index]?.[key];
      if (value !== null && value !== undefined) {
        return value;
      }
    }
    return null;
  };

  const totalSteps = latest('totalSteps');
  const step = newest.step;
  const percentage =
    latest('percentage') ??
    (totalSteps !== null && totalSteps > 0 ? Math.min(100, (100 * step) / totalSteps) : null);
  const engineRemaining = newest.remainingSeconds;
  const estimate =
    engineRemaining === null
      ? computeEta(
          source.map((point) => ({
            step: point.step,
            totalSteps: point.totalSteps ?? totalSteps,
            elapsedSeconds: point.elapsedSeconds,
          })),
        ).remainingSeconds
      : null;

  return {
    step,
    totalSteps,
    percentage: percentage === null ? null : Math.max(0, Math.min(100, percentage)),
    elapsedSeconds: latest('elapsedSeconds'),
    remainingSeconds: engineRemaining ?? estimate,
    remainingEstimated: engineRemaining === null && estimate !== null,
    throughput: latest('throughput'),
    epoch: latest('epoch'),
    vramAllocatedGiB: latest('vramAllocatedGiB'),
  };
}

export interface ConfigDifference {
  key: string;
  /** The value in each config, in the order given; undefined where the key is not set. */
  values: unknown[];
}

/** Lists the keys whose values differ between the configs, sorted by key. */
export function diffConfigs(configs: readonly EngineConfig[]): ConfigDifference[] {
  const keys = new Set<string>();
  for (const config of configs) {
    for (const key of Object.keys(config)) {
      keys.add(key);
    }
  }
  const differences: ConfigDifference[] = [];
  for (const key of [...keys].sort()) {
    const values = configs.map((config) => config[key]);
    // JSON keeps 8 and "8" apart; an unset key compares as its own marker.
    const compared = values.map((value) =>
      value === undefined ? '\u0000unset' : JSON.stringify(value),
    );
    if (compared.some((value) => value !== compared[0])) {
      differences.push({ key, values });
    }
  }
  return differences;
}

/** Formats a config value the way a YAML reader expects; undefined (not set) becomes "—". */
export function formatConfigValue(value: unknown): string {
  if (value === undefined) {
    return '—';
  }
  if (typeof value === 'string') {
    return value;
  }
  return JSON.stringify(value) ?? String(value);
}
