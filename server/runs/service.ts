import crypto from 'node:crypto';
import type { RunsRepo } from '../db/runs-repo.ts';
import type { Logger } from '../logger.ts';
import { type Ack, fail, ok } from '../protocol/envelope.ts';
import type { LogLine } from '../protocol/events.ts';
import {
  type EngineConfig,
  type MetricPoint,
  type RunKind,
  type RunLogBatch,
  type RunMetricsBatch,
  type RunStateReport,
  type RunSummary,
  TERMINAL_RUN_STATUSES,
} from '../protocol/runs.ts';
import type { WorkerRegistry } from '../workers/registry.ts';
import { workerCanRun } from './placement.ts';

export interface RunBroadcaster {
  runChanged(run: RunSummary): void;
  metrics(runId: string, points: MetricPoint[]): void;
  logs(runId: string, lines: LogLine[]): void;
}

export interface CreateRunInput {
  kind?: RunKind | undefined;
  name?: string | undefined;
  config: EngineConfig;
  resumeFrom?: string | null | undefined;
  cudaVisibleDevices?: number[] | null | undefined;
}

/** How long a reconnected worker has to replay a finished run's final state. */
const LOST_RUN_GRACE_MS = 10_000;
const START_ACK_TIMEOUT_MS = 15_000;
const SUMMARY_THROTTLE_MS = 1_000;

/**
 * Owns the run lifecycle: the queue, placement on workers, and the metric, log and state
 * reports that workers send back. Every report is stored before it is broadcast.
 */
export class RunService {
  private broadcaster: RunBroadcaster | null = null;
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly summaryTimers = new Map<string, NodeJS.Timeout>();

  constructor(
    private readonly repo: RunsRepo,
    private readonly registry: WorkerRegistry,
    private readonly logger: Logger,
    private readonly now: () => string,
  ) {
    registry.onOnline(() => this.schedule());
  }

  setBroadcaster(broadcaster: RunBroadcaster): void {
    this.broadcaster = broadcaster;
  }

  create(input: CreateRunInput): RunSummary {
    const id = `run-${Date.now().toString(36)}-${crypto.randomBytes(3).toString('hex')}`;
    const outputDir = String(input.config.output_dir ?? input.config.export_dir);
    const run = this.repo.create({
      id,
      kind: input.kind ?? 'train',
      name: input.name?.trim() || outputDir.split('/').filter(Boolean).pop() || id,
      config: input.config,
      outputDir,
      resumeFrom: input.resumeFrom ?? null,
      cudaVisibleDevices: input.cudaVisibleDevices ?? null,
      createdAt: this.now(),
    });
    this.logger.info({ runId: id, outputDir }, 'run queued');
    this.changed(run.id);
    this.schedule();
    return this.repo.get(id) ?? run;
  }

  /**
   * Queues a new run that continues a failed or aborted one in the same output folder.
   * LLaMA-Factory resumes from the folder's last checkpoint by itself when
   * `overwrite_output_dir` is off.
   */
  resume(runId: string): Ack<RunSummary> {
    const previous = this.repo.get(runId);
    if (!previous) {
      return fail('not_found', `Run "${runId}" not found.`);
    }
    if (previous.status !== 'failed' && previous.status !== 'aborted') {
      return fail(
        'conflict',
        `Run "${runId}" is ${previous.status}; only failed or aborted runs can resume.`,
      );
    }
    const { overwrite_output_dir: _dropped, ...config } = previous.config;
    return ok(
      this.create({
        kind: previous.kind,
        name: `${previous.name} (resumed)`,
        config,
        resumeFrom: runId,
        cudaVisibleDevices: previous.cudaVisibleDevices,
      }),
    );
  }

  get(id: string): RunSummary | null {
    return this.repo.get(id);
  }

  list(): RunSummary[] {
    return this.repo.list();
  }

  snapshot(
    runId: string,
    afterSeq: number,
    afterLogSeq: number,
  ): { run: RunSummary; points: MetricPoint[]; logLines: LogLine[] } | null {
    const run = this.repo.get(runId);
    if (!run) {
      return null;
    }
    return {
      run,
      points: this.repo.metricsAfter(runId, afterSeq),
      logLines: this.repo.logsAfter(runId, afterLogSeq),
    };
  }

  /** Places queued runs, oldest first, on online workers that are idle and able to run them. */
  schedule(): void {
    const queued = this.repo.listByStatus(['queued']);
    if (queued.length === 0) {
      return;
    }
    const busy = new Set(
      this.repo
        .listByStatus(['starting', 'running', 'aborting'])
        .map((run) => run.workerId)
        .filter((id): id is string => id !== null),
    );

    for (const run of queued) {
      const workerId = this.registry.connectedIds().find((id) => {
        const registration = this.registry.registrationOf(id);
        return !busy.has(id) && registration !== null && workerCanRun(registration, run.config).ok;
      });
      if (!workerId) {
        continue;
      }
      busy.add(workerId);
      this.dispatch(run, workerId);
    }
  }

  private dispatch(run: RunSummary, workerId: string): void {
    const socket = this.registry.socketOf(workerId);
    if (!socket) {
      return;
    }
    this.repo.assign(run.id, workerId, this.now());
    this.logger.info({ runId: run.id, workerId }, 'run dispatched');
    this.changed(run.id);

    socket.timeout(START_ACK_TIMEOUT_MS).emit(
      'run:start',
      {
        runId: run.id,
        kind: run.kind,
        outputDir: run.outputDir,
        config: run.config,
        resume: run.resumeFrom !== null,
        cudaVisibleDevices: run.cudaVisibleDevices,
      },
      (error, ack) => {
        if (error || !ack.ok) {
          let reason = '';
          if (error) {
            reason = error.message;
          } else if (!ack.ok) {
            reason = ack.error.message;
          }
          this.logger.error({ runId: run.id, workerId, reason }, 'worker did not start run');
          const current = this.repo.get(run.id);
          if (current?.status === 'starting') {
            this.repo.setStatus(run.id, 'failed', this.now(), {
              kind: 'spawn_failed',
              message: reason,
              exitCode: null,
              signal: null,
              logTail: [],
            });
            this.changed(run.id);
          }
          this.schedule();
        }
      },
    );
  }

  abort(runId: string): Ack<RunSummary> {
    const run = this.repo.get(runId);
    if (!run) {
      return fail('not_found', `Run "${runId}" not found.`);
    }
    if (TERMINAL_RUN_STATUSES.has(run.status)) {
      return fail('conflict', `Run "${runId}" already ended as ${run.status}.`);
    }

    if (run.status === 'queued') {
      this.repo.setStatus(runId, 'aborted', this.now());
      this.logger.info({ runId }, 'queued run aborted');
      return ok(this.changed(runId));
    }

    const socket = run.workerId ? this.registry.socketOf(run.workerId) : null;
    if (!socket) {
      return fail(
        'worker_unavailable',
        `The worker running "${runId}" is offline; the abort is sent when it reconnects.`,
      );
    }
    this.repo.setStatus(runId, 'aborting', this.now());
    socket.emit('run:abort', { runId }, () => {});
    this.logger.info({ runId, workerId: run.workerId }, 'abort requested');
    return ok(this.changed(runId));
  }

  recordMetrics(workerId: string | null, batch: RunMetricsBatch): Ack<{ lastSeq: number }> {
    const run = this.repo.get(batch.runId);
    if (!run) {
      return fail('not_found', `Run "${batch.runId}" not found.`);
    }
    const fresh = this.repo.appendMetrics(batch.runId, batch.points);
    if (fresh.length > 0) {
      this.broadcaster?.metrics(batch.runId, fresh);
      this.summaryChangedThrottled(batch.runId);
    }
    this.logger.debug({ runId: batch.runId, workerId, fresh: fresh.length }, 'metrics stored');
    return ok({ lastSeq: this.repo.lastMetricSeq(batch.runId) });
  }

  recordLog(workerId: string | null, batch: RunLogBatch): Ack<{ lastSeq: number }> {
    const run = this.repo.get(batch.runId);
    if (!run) {
      return fail('not_found', `Run "${batch.runId}" not found.`);
    }
    const lines = batch.lines.map((line, index) => ({ seq: batch.firstSeq + index, line }));
    const fresh = this.repo.appendLogs(batch.runId, lines);
    if (fresh.length > 0) {
      this.broadcaster?.logs(batch.runId, fresh);
    }
    this.logger.trace({ runId: batch.runId, workerId, fresh: fresh.length }, 'log lines stored');
    return ok({ lastSeq: this.repo.lastLogSeq(batch.runId) });
  }

  recordState(workerId: string | null, report: RunStateReport): Ack<null> {
    const run = this.repo.get(report.runId);
    if (!run) {
      return fail('not_found', `Run "${report.runId}" not found.`);
    }
    if (TERMINAL_RUN_STATUSES.has(run.status)) {
      // A replayed final state after a reconnect; the first one stored wins.
      return ok(null);
    }

    const failure = report.status === 'failed' ? report.failure : null;
    const status =
      report.status === 'running' && run.status === 'aborting' ? 'aborting' : report.status;
    this.repo.setStatus(report.runId, status, this.now(), failure);
    this.logger.info(
      { runId: report.runId, workerId, status, failure: failure?.kind },
      'run state',
    );
    this.changed(report.runId);
    if (TERMINAL_RUN_STATUSES.has(status)) {
      this.schedule();
    }
    return ok(null);
  }

  /**
   * Called when a worker (re)registers. Runs that the server thinks are on it but that it no
   * longer runs are failed as lost, after a grace period for it to replay their final state.
   */
  onWorkerRegistered(workerId: string, activeRunIds: string[]): void {
    const active = new Set(activeRunIds);
    const orphaned = this.repo
      .listByStatus(['starting', 'running', 'aborting'])
      .filter((run) => run.workerId === workerId && !active.has(run.id));

    // An abort requested while the worker was away is delivered now.
    for (const run of this.repo.listByStatus(['aborting'])) {
      if (run.workerId === workerId && active.has(run.id)) {
        this.registry.socketOf(workerId)?.emit('run:abort', { runId: run.id }, () => {});
      }
    }

    if (orphaned.length > 0) {
      const timer = setTimeout(() => {
        this.timers.delete(timer);
        for (const run of orphaned) {
          const current = this.repo.get(run.id);
          if (current && !TERMINAL_RUN_STATUSES.has(current.status)) {
            this.repo.setStatus(run.id, 'failed', this.now(), {
              kind: 'worker_lost',
              message: `Worker ${workerId} restarted and no longer runs this run.`,
              exitCode: null,
              signal: null,
              logTail: this.repo.logsAfter(run.id, 0, 20).map((entry) => entry.line),
            });
            this.logger.warn({ runId: run.id, workerId }, 'run lost by its worker');
            this.changed(run.id);
          }
        }
        this.schedule();
      }, LOST_RUN_GRACE_MS);
      this.timers.add(timer);
    }
    this.schedule();
  }

  close(): void {
    for (const timer of this.timers) {
      clearTimeout(timer);
    }
    this.timers.clear();
    this.summaryTimers.clear();
  }

  /**
   * Sends the run's summary (with its newest point) at most once a second, so run lists show
   * progress for runs that no browser is subscribed to.
   */
  private summaryChangedThrottled(runId: string): void {
    if (this.summaryTimers.has(runId)) {
      return;
    }
    const timer = setTimeout(() => {
      this.summaryTimers.delete(runId);
      this.timers.delete(timer);
      this.changed(runId);
    }, SUMMARY_THROTTLE_MS);
    this.summaryTimers.set(runId, timer);
    this.timers.add(timer);
  }

  private changed(runId: string): RunSummary {
    const run = this.repo.get(runId) as RunSummary;
    this.broadcaster?.runChanged(run);
    return run;
  }
}
