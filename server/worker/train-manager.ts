import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import type { Logger } from '../logger.ts';
import type {
  MetricPoint,
  RunLogBatch,
  RunMetricsBatch,
  RunStartCommand,
  RunStateReport,
} from '../protocol/runs.ts';
import type { EngineLocation } from './engine-probe.ts';
import { classifyFailure } from './failure.ts';
import { followFile } from './file-follower.ts';
import { groupAlive, signalGroup } from './process-tree.ts';
import { parseTrainerLogLine } from './trainer-log.ts';

export interface RunReporter {
  metrics(batch: RunMetricsBatch): void;
  logs(batch: RunLogBatch): void;
  state(report: RunStateReport): void;
}

export interface TrainManagerOptions {
  workDir: string;
  engine: EngineLocation;
  logger: Logger;
  report: RunReporter;
  /** Time between the graceful SIGABRT and the SIGKILL of the process group. */
  abortGraceMs?: number;
}

interface ActiveRun {
  runId: string;
  outputDir: string;
  child: ChildProcess;
  aborted: boolean;
  stopFollowers: () => Promise<void>;
  logTail: string[];
  killTimer?: NodeJS.Timeout;
  exited: Promise<void>;
}

export const ENGINE_LOG_FILE = 'engine.log';
export const TRAINER_LOG_FILE = 'trainer_log.jsonl';
export const TRAINING_ARGS_FILE = 'training_args.yaml';
export const EXPORT_ARGS_FILE = 'export_args.yaml';

const LOG_TAIL_LINES = 60;
const BATCH_DELAY_MS = 5;

/**
 * Runs `llamafactory-cli train` (or `export`) for each started run, streams its `trainer_log.jsonl` and its
 * console log back line by line, and reports how it ended.
 */
export class TrainManager {
  private readonly runs = new Map<string, ActiveRun>();

  constructor(private readonly options: TrainManagerOptions) {}

  activeRunIds(): string[] {
    return [...this.runs.keys()];
  }

  /** Resolves an output folder from a run config against the worker's work folder. */
  resolveOutputDir(outputDir: string): string {
    return path.resolve(this.options.workDir, outputDir);
  }

  async start(command: RunStartCommand): Promise<void> {
    if (this.runs.has(command.runId)) {
      return;
    }
    const { logger } = this.options;
    const outputDir = this.resolveOutputDir(command.outputDir);
    fs.mkdirSync(outputDir, { recursive: true });

    // A fresh (non-resumed) run must not read metric lines left by an earlier run in the folder.
    const trainerLog = path.join(outputDir, TRAINER_LOG_FILE);
    const engineLog = path.join(outputDir, ENGINE_LOG_FILE);
    if (!command.resume && !command.config.resume_from_checkpoint) {
      fs.rmSync(trainerLog, { force: true });
    }
    fs.rmSync(engineLog, { force: true });

    // Export runs write their merged model to `export_dir`; training runs to `output_dir`.
    const config =
      command.kind === 'export'
        ? { ...command.config, export_dir: outputDir }
        : { ...command.config, output_dir: outputDir };
    const argsFile = path.join(
      outputDir,
      command.kind === 'export' ? EXPORT_ARGS_FILE : TRAINING_ARGS_FILE,
    );
    fs.writeFileSync(argsFile, stringify(config));

    // Engine output goes to a file, never a pipe: an undrained pipe stalls training.
    const logFd = fs.openSync(engineLog, 'a');
    const child = spawn(this.options.engine.cli, [command.kind, argsFile], {
      cwd: this.options.workDir,
      detached: true,
      stdio: ['ignore', logFd, logFd],
      env: {
        ...process.env,
        LLAMABOARD_ENABLED: '1',
        LLAMABOARD_WORKDIR: outputDir,
        DISABLE_VERSION_CHECK: '1',
        PYTHONUNBUFFERED: '1',
        ...(command.cudaVisibleDevices
          ? { CUDA_VISIBLE_DEVICES: command.cudaVisibleDevices.join(',') }
          : {}),
      },
    });
    fs.closeSync(logFd);

    const run: ActiveRun = {
      runId: command.runId,
      outputDir,
      child,
      aborted: false,
      logTail: [],
      stopFollowers: async () => {},
      exited: Promise.resolve(),
    };
    run.stopFollowers = this.followOutputs(run, trainerLog, engineLog);
    run.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        void this.finish(run, code, signal).finally(resolve);
      });
    });

    const spawned = await new Promise<Error | null>((resolve) => {
      child.once('spawn', () => resolve(null));
      child.once('error', (error) => resolve(error));
    });
    if (spawned) {
      await run.stopFollowers();
      throw new Error(`Could not start ${this.options.engine.cli}: ${spawned.message}`);
    }

    this.runs.set(command.runId, run);
    logger.info({ runId: command.runId, pid: child.pid, outputDir }, 'engine started');
    this.options.report.state({ runId: command.runId, status: 'running', pid: child.pid ?? -1 });
  }

  abort(runId: string): void {
    const run = this.runs.get(runId);
    if (!run || run.aborted) {
      return;
    }
    run.aborted = true;
    this.options.logger.info({ runId }, 'aborting: SIGABRT to the engine process group');

    // LLaMA-Factory's LogCallback treats SIGABRT as "stop and save" when LLAMABOARD_ENABLED is set.
    signalGroup(run.child, 'SIGABRT');
    run.killTimer = setTimeout(() => {
      if (run.child.pid !== undefined && groupAlive(run.child.pid)) {
        this.options.logger.warn({ runId }, 'engine still alive after the grace period: SIGKILL');
        signalGroup(run.child, 'SIGKILL');
      }
    }, this.options.abortGraceMs ?? 10_000);
  }

  async abortAll(): Promise<void> {
    const runs = [...this.runs.values()];
    for (const run of runs) {
      this.abort(run.runId);
    }
    await Promise.all(runs.map((run) => run.exited));
  }

  private followOutputs(
    run: ActiveRun,
    trainerLog: string,
    engineLog: string,
  ): () => Promise<void> {
    const report = this.options.report;
    const logger = this.options.logger;

    let points: MetricPoint[] = [];
    let lines: string[] = [];
    let firstLineSeq = 1;
    let timer: NodeJS.Timeout | null = null;
    // LLaMA-Factory deletes trainer_log.jsonl itself when `overwrite_output_dir` is set; numbering
    // continues after the points already sent so the server does not drop new ones as duplicates.
    let seqBase = 0;
    let lastSeq = 0;

    const flush = () => {
      timer = null;
      if (points.length > 0) {
        report.metrics({ runId: run.runId, points });
        points = [];
      }
      if (lines.length > 0) {
        report.logs({ runId: run.runId, firstSeq: firstLineSeq, lines });
        firstLineSeq += lines.length;
        lines = [];
      }
    };
    const schedule = () => {
      timer ??= setTimeout(flush, BATCH_DELAY_MS);
    };

    const metricsFollower = followFile(trainerLog, {
      onLine: (line, lineNumber) => {
        const parsed = parseTrainerLogLine(line);
        if (!parsed.ok) {
          logger.warn(
            { runId: run.runId, lineNumber, reason: parsed.reason },
            'skipped trainer_log line',
          );
          return;
        }
        const { point } = parsed;
        lastSeq = seqBase + lineNumber;
        points.push({
          seq: seqBase + lineNumber,
          step: point.step,
          totalSteps: point.totalSteps,
          loss: point.loss,
          evalLoss: point.evalLoss,
          learningRate: point.learningRate,
          epoch: point.epoch,
          percentage: point.percentage,
          elapsedSeconds: point.elapsedSeconds,
          remainingSeconds: point.remainingSeconds,
          throughput: point.throughput,
          totalTokens: point.totalTokens,
          vramAllocatedGiB: point.vramAllocatedGiB,
          nonFiniteKeys: point.nonFiniteKeys,
        });
        schedule();
      },
      onReset: () => {
        seqBase = lastSeq;
      },
      onError: (error) => logger.warn({ runId: run.runId, err: error }, 'trainer_log follow error'),
    });

    const logFollower = followFile(engineLog, {
      onLine: (line) => {
        // Progress bars redraw with carriage returns; keep the last state of the line.
        const text = line.includes('\r') ? (line.split('\r').filter(Boolean).pop() ?? '') : line;
        lines.push(text.slice(0, 16_000));
        run.logTail.push(text);
        if (run.logTail.length > LOG_TAIL_LINES) {
          run.logTail.shift();
        }
        schedule();
      },
      onError: (error) => logger.warn({ runId: run.runId, err: error }, 'engine log follow error'),
    });

    return async () => {
      await Promise.all([metricsFollower.stop({ drain: true }), logFollower.stop({ drain: true })]);
      if (timer) {
        clearTimeout(timer);
      }
      flush();
    };
  }

  private async finish(
    run: ActiveRun,
    code: number | null,
    signal: NodeJS.Signals | null,
  ): Promise<void> {
    if (run.killTimer) {
      clearTimeout(run.killTimer);
    }
    // Make sure no rank outlives the launcher and keeps memory.
    if (run.child.pid !== undefined && groupAlive(run.child.pid)) {
      signalGroup(run.child, 'SIGKILL');
    }
    await run.stopFollowers();
    this.runs.delete(run.runId);

    const { logger, report } = this.options;
    if (run.aborted) {
      logger.info({ runId: run.runId, code, signal }, 'engine aborted');
      report.state({ runId: run.runId, status: 'aborted' });
      return;
    }
    if (code === 0) {
      logger.info({ runId: run.runId }, 'engine finished');
      report.state({ runId: run.runId, status: 'completed' });
      return;
    }

    const { kind, message } = classifyFailure(run.logTail, code, signal);
    logger.error({ runId: run.runId, code, signal, kind, message }, 'engine failed');
    report.state({
      runId: run.runId,
      status: 'failed',
      failure: { kind, message, exitCode: code, signal, logTail: run.logTail.slice(-40) },
    });
  }
}
