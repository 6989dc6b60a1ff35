import { z } from 'zod';

export const RUN_STATUSES = [
  'queued',
  'starting',
  'running',
  'aborting',
  'completed',
  'failed',
  'aborted',
] as const;
export const runStatusSchema = z.enum(RUN_STATUSES);
export type RunStatus = z.infer<typeof runStatusSchema>;

export const TERMINAL_RUN_STATUSES: ReadonlySet<RunStatus> = new Set([
  'completed',
  'failed',
  'aborted',
]);

const nullableNumber = z.number().nullable();

/** One `trainer_log.jsonl` line, normalized; `seq` is its 1-based line number in the file. */
export const metricPointSchema = z.object({
  seq: z.number().int().min(1),
  step: z.number().int().min(0),
  totalSteps: nullableNumber,
  loss: nullableNumber,
  evalLoss: nullableNumber,
  learningRate: nullableNumber,
  epoch: nullableNumber,
  percentage: nullableNumber,
  elapsedSeconds: nullableNumber,
  remainingSeconds: nullableNumber,
  throughput: nullableNumber,
  totalTokens: nullableNumber,
  vramAllocatedGiB: nullableNumber,
  /**
   * Metrics the engine wrote as NaN or Infinity. JSON has no such numbers, so they travel as
   * null plus their key here, which lets browsers raise the NaN alarm.
   */
  nonFiniteKeys: z.array(z.string()).default([]),
});
export type MetricPoint = z.infer<typeof metricPointSchema>;

export const FAILURE_KINDS = [
  'out_of_memory',
  'audio_token_mismatch',
  'missing_file',
  'engine_error',
  'worker_lost',
  'spawn_failed',
] as const;
export const failureKindSchema = z.enum(FAILURE_KINDS);
export type FailureKind = z.infer<typeof failureKindSchema>;

export const runFailureSchema = z.object({
  kind: failureKindSchema,
  /** The engine's own error line, when one was found. */
  message: z.string(),
  exitCode: z.number().int().nullable(),
  signal: z.string().nullable(),
  logTail: z.array(z.string()),
});
export type RunFailure = z.infer<typeof runFailureSchema>;

/** Engine config: LLaMA-Factory keys exactly as `llamafactory-cli train` reads them. */
export const engineConfigSchema = z.record(z.string(), z.unknown());
export type EngineConfig = z.infer<typeof engineConfigSchema>;

/** The engine command a run executes: `llamafactory-cli train` or `llamafactory-cli export`. */
export const RUN_KINDS = ['train', 'export'] as const;
export const runKindSchema = z.enum(RUN_KINDS);
export type RunKind = z.infer<typeof runKindSchema>;

export interface RunSummary {
  id: string;
  kind: RunKind;
  name: string;
  status: RunStatus;
  config: EngineConfig;
  workerId: string | null;
  /** Folder on the worker host that holds `training_args.yaml`, logs and the adapter. */
  outputDir: string;
  createdAt: string;
  startedAt: string | null;
  endedAt: string | null;
  failure: RunFailure | null;
  lastSeq: number;
  lastPoint: MetricPoint | null;
  resumeFrom: string | null;
  /** GPU indices to expose to the engine; null exposes all of the worker's GPUs. */
  cudaVisibleDevices: number[] | null;
}

// Worker → server run events.

export const runMetricsBatchSchema = z.object({
  runId: z.string().min(1),
  points: z.array(metricPointSchema).min(1).max(5000),
});
export type RunMetricsBatch = z.infer<typeof runMetricsBatchSchema>;

export const runLogBatchSchema = z.object({
  runId: z.string().min(1),
  /** Lines of the engine's combined stdout/stderr log; `firstSeq` numbers the first of them. */
  firstSeq: z.number().int().min(1),
  lines: z.array(z.string().max(16_384)).min(1).max(5000),
});
export type RunLogBatch = z.infer<typeof runLogBatchSchema>;

export const runStateReportSchema = z.discriminatedUnion('status', [
  z.object({ runId: z.string().min(1), status: z.literal('running'), pid: z.number().int() }),
  z.object({ runId: z.string().min(1), status: z.literal('completed') }),
  z.object({ runId: z.string().min(1), status: z.literal('aborted') }),
  z.object({ runId: z.string().min(1), status: z.literal('failed'), failure: runFailureSchema }),
]);
export type RunStateReport = z.infer<typeof runStateReportSchema>;

// Server → worker run commands.

export interface RunStartCommand {
  runId: string;
  kind: RunKind;
  outputDir: string;
  config: EngineConfig;
  /** Continue in an existing output folder: keep its checkpoints and `trainer_log.jsonl`. */
  resume: boolean;
  cudaVisibleDevices: number[] | null;
}

export interface RunAbortCommand {
  runId: string;
}

// Browser → server run requests.

export const runSubscribeSchema = z.object({
  runId: z.string().min(1),
  /** Points with `seq` above this are sent back; 0 replays the whole run. */
  afterSeq: z.number().int().min(0).default(0),
  afterLogSeq: z.number().int().min(0).default(0),
});
export type RunSubscribe = z.infer<typeof runSubscribeSchema>;

export const runIdSchema = z.object({ runId: z.string().min(1) });
