import { z } from 'zod';

/**
 * Contract of the audio playground: uploads, sessions and turns (REST), chat requests from
 * browsers (socket `/ui`) and the inference commands and reports between board and workers
 * (socket `/worker`).
 */

/** Qwen2-Audio's feature extractor keeps at most 3000 mel frames (10 ms each): 30 s of audio. */
export const MODEL_AUDIO_LIMIT_SECONDS = 30;
/** Sample rate that the browser resamples every clip to before upload. */
export const PLAYGROUND_SAMPLE_RATE = 16_000;
/** Upload size limit; 16 kHz mono 16-bit WAV uses 1.92 MB per minute. */
export const UPLOAD_LIMIT_BYTES = 50 * 1024 * 1024;
export const MAX_CLIPS_PER_TURN = 8;

export const sha256Schema = z.string().regex(/^[0-9a-f]{64}$/, 'expected a lowercase SHA-256 hex');

/** One stored clip as `POST /api/uploads` and `GET /api/uploads/:sha/info` return it. */
export interface UploadInfo {
  sha256: string;
  sizeBytes: number;
  mediaType: 'audio/wav';
  originalName: string;
  durationSeconds: number;
  sampleRate: number;
  channels: number;
  bitsPerSample: number;
  /** True when the clip is longer than the model hears (`MODEL_AUDIO_LIMIT_SECONDS`). */
  longerThanModelLimit: boolean;
  /** False when the same bytes were already stored and this upload reused them. */
  created: boolean;
  createdAt: string;
}

// Generation settings, named as LLaMA-Factory's generating arguments name them.

export const generationSettingsSchema = z.object({
  max_new_tokens: z.number().int().min(1).max(8192).default(512),
  temperature: z.number().min(0).max(2).default(0.95),
  top_p: z.number().gt(0).max(1).default(0.7),
  /** Sent with each request; LLaMA-Factory 0.9.5's API server ignores it (see the UI help). */
  seed: z
    .number()
    .int()
    .min(0)
    .max(2 ** 32 - 1)
    .nullable()
    .default(null),
  /** False is greedy decoding: temperature and top_p no longer matter. */
  do_sample: z.boolean().default(true),
});
export type GenerationSettings = z.infer<typeof generationSettingsSchema>;

export const modelSpecSchema = z.object({
  model_name_or_path: z.string().min(1).max(1000),
  template: z.string().min(1).max(100),
});
export type ModelSpec = z.infer<typeof modelSpecSchema>;

/** Target key: `base`, a run id, or `custom` for a free adapter path. */
export const targetKeySchema = z.string().regex(/^[A-Za-z0-9_.-]{1,100}$/, 'invalid target key');

export const chatTargetSchema = z.object({
  key: targetKeySchema,
  label: z.string().max(300),
  /** LoRA adapter folder on the worker host; null selects the base model. */
  adapter_name_or_path: z.string().min(1).max(1000).nullable(),
  /** Run that produced the adapter; its worker is preferred because the adapter lives there. */
  runId: z.string().min(1).nullable(),
});
export type ChatTarget = z.infer<typeof chatTargetSchema>;

// Sessions and turns (REST and socket acks).

export const FINISH_REASONS = ['stop', 'length', 'aborted', 'error'] as const;
export type FinishReason = (typeof FINISH_REASONS)[number];

export const ANSWER_STATES = ['queued', 'loading', 'streaming', 'done'] as const;
export type AnswerState = (typeof ANSWER_STATES)[number];

/** Why an answer failed; browsers translate each code into a message with its fix. */
export const INFERENCE_ERROR_CODES = [
  'no_worker',
  'engine_not_ready',
  'model_loading',
  'model_failed',
  'out_of_memory',
  'audio_unreadable',
  'adapter_not_found',
  'worker_lost',
  'engine_error',
  'interrupted',
] as const;
export const inferenceErrorCodeSchema = z.enum(INFERENCE_ERROR_CODES);
export type InferenceErrorCode = z.infer<typeof inferenceErrorCodeSchema>;

export const inferenceErrorSchema = z.object({
  code: inferenceErrorCodeSchema,
  /** English detail from the engine or the worker, shown under the translated message. */
  message: z.string().max(4000),
});
export type InferenceError = z.infer<typeof inferenceErrorSchema>;

export const answerMetricsSchema = z.object({
  /** From the request leaving the worker to the first non-empty chunk, model loading excluded. */
  ttftMs: z.number().min(0).nullable(),
  /** Non-empty streamed chunks; the HF engine sends about one per decoded token or word. */
  streamedChunks: z.number().int().min(0),
  /** `streamedChunks` per second after the first chunk; null below two chunks. */
  tokensPerSecond: z.number().min(0).nullable(),
  durationMs: z.number().min(0).nullable(),
});
export type AnswerMetrics = z.infer<typeof answerMetricsSchema>;

export interface PlaygroundAnswer {
  turnId: string;
  target: ChatTarget;
  state: AnswerState;
  text: string;
  finishReason: FinishReason | null;
  error: InferenceError | null;
  metrics: AnswerMetrics;
  workerId: string | null;
}

export interface PlaygroundTurn {
  id: string;
  sessionId: string;
  position: number;
  prompt: string;
  clips: string[];
  settings: GenerationSettings;
  model: ModelSpec;
  answers: PlaygroundAnswer[];
  createdAt: string;
}

export interface PlaygroundSessionSummary {
  id: string;
  title: string;
  systemPrompt: string;
  turnCount: number;
  createdAt: string;
  updatedAt: string;
}

export interface PlaygroundSession extends PlaygroundSessionSummary {
  turns: PlaygroundTurn[];
}

export const createSessionSchema = z.object({
  title: z.string().max(200).optional(),
  systemPrompt: z.string().max(20_000).default(''),
});

export const updateSessionSchema = z.object({
  title: z.string().min(1).max(200).optional(),
  systemPrompt: z.string().max(20_000).optional(),
});

// Browser → server socket requests.

export const playgroundSendSchema = z
  .object({
    sessionId: z.string().min(1),
    prompt: z.string().max(20_000),
    clips: z.array(sha256Schema).max(MAX_CLIPS_PER_TURN),
    model: modelSpecSchema,
    targets: z.array(chatTargetSchema).min(1).max(8),
    settings: generationSettingsSchema,
  })
  .refine((value) => value.prompt.trim() !== '' || value.clips.length > 0, {
    message: 'a turn needs a text prompt or at least one clip',
    path: ['prompt'],
  })
  .refine(
    (value) => new Set(value.targets.map((target) => target.key)).size === value.targets.length,
    {
      message: 'each target key may appear once',
      path: ['targets'],
    },
  );
export type PlaygroundSend = z.infer<typeof playgroundSendSchema>;

export const playgroundStopSchema = z.object({
  turnId: z.string().min(1),
  /** Stops one answer only; all of the turn's answers when absent. */
  targetKey: targetKeySchema.optional(),
});

export const playgroundWatchSchema = z.object({ sessionId: z.string().min(1) });

export const modelServerUnloadSchema = z.object({
  workerId: z.string().min(1),
  key: z.string().min(1),
});

// Model servers (`llamafactory-cli api`) on workers.

export const MODEL_SERVER_STATES = ['starting', 'loading', 'ready', 'failed', 'stopped'] as const;
export type ModelServerState = (typeof MODEL_SERVER_STATES)[number];

export const modelServerStatusSchema = z.object({
  /** Stable key of model, template and adapter. */
  key: z.string().min(1),
  model: modelSpecSchema,
  adapter_name_or_path: z.string().nullable(),
  state: z.enum(MODEL_SERVER_STATES),
  pid: z.number().int().nullable(),
  port: z.number().int().nullable(),
  /** Resident memory of the engine process in bytes; null where /proc is unavailable. */
  rssBytes: z.number().int().min(0).nullable(),
  startedAt: z.string().nullable(),
  lastUsedAt: z.string().nullable(),
  restarts: z.number().int().min(0),
  error: inferenceErrorSchema.nullable(),
  /** The engine log's last line, to show what a loading model is doing. */
  lastLogLine: z.string().max(2000).nullable(),
});
export type ModelServerStatus = z.infer<typeof modelServerStatusSchema>;

export interface WorkerModelServers {
  workerId: string;
  servers: ModelServerStatus[];
}

// Server → worker inference commands.

export interface InferenceMessage {
  role: 'system' | 'user' | 'assistant';
  text: string;
  /** Clips in the order they precede the text; each becomes one `audio_url` item. */
  clips: string[];
}

export interface InferenceGenerateCommand {
  requestId: string;
  model: ModelSpec;
  adapter_name_or_path: string | null;
  messages: InferenceMessage[];
  settings: GenerationSettings;
}

export interface InferenceCancelCommand {
  requestId: string;
}

export interface InferenceUnloadCommand {
  key: string;
}

// Worker → server inference reports.

export const inferenceStateReportSchema = z.object({
  requestId: z.string().min(1),
  state: z.enum(['loading', 'streaming']),
});
export type InferenceStateReport = z.infer<typeof inferenceStateReportSchema>;

export const inferenceDeltaSchema = z.object({
  requestId: z.string().min(1),
  /** Chunk number, from 1; the board drops a chunk it already has. */
  seq: z.number().int().min(1),
  text: z.string().max(65_536),
});
export type InferenceDelta = z.infer<typeof inferenceDeltaSchema>;

export const inferenceDoneSchema = z.object({
  requestId: z.string().min(1),
  finishReason: z.enum(FINISH_REASONS),
  /** Full answer text, so a lost delta cannot corrupt the stored answer. */
  text: z.string().max(1_000_000),
  error: inferenceErrorSchema.nullable(),
  metrics: answerMetricsSchema,
});
export type InferenceDone = z.infer<typeof inferenceDoneSchema>;

export const modelServersReportSchema = z.object({
  servers: z.array(modelServerStatusSchema).max(100),
});

// Server → browser broadcasts.

export interface PlaygroundDeltaEvent {
  turnId: string;
  targetKey: string;
  text: string;
}
