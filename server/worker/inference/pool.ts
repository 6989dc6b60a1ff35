import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from '../../logger.ts';
import type {
  AnswerMetrics,
  FinishReason,
  InferenceDelta,
  InferenceDone,
  InferenceError,
  InferenceGenerateCommand,
  InferenceStateReport,
  ModelServerStatus,
} from '../../protocol/playground.ts';
import type { EngineLocation } from '../engine-probe.ts';
import type { AudioSource } from './audio-source.ts';
import { buildChatCompletionBody, parseStreamChunk } from './chat-request.ts';
import { classifyEngineError } from './engine-errors.ts';
import { ModelServer, type ModelServerSpec, modelServerKey } from './model-server.ts';
import { SseParser } from './sse.ts';

export interface InferenceReporter {
  state(report: InferenceStateReport): void;
  delta(delta: InferenceDelta): void;
  done(done: InferenceDone): void;
  servers(servers: ModelServerStatus[]): void;
}

export interface InferencePoolOptions {
  workDir: string;
  engine: EngineLocation;
  logger: Logger;
  audio: AudioSource;
  report: InferenceReporter;
  /** Unload a model server after this long without requests. */
  idleUnloadMs?: number;
  /** Give up waiting for a model to load after this long. */
  loadTimeoutMs?: number;
  /** Crashed servers are restarted at once up to this many times in a row. */
  maxAutoRestarts?: number;
}

interface ActiveRequest {
  requestId: string;
  controller: AbortController;
  serverKey: string;
}

/** Default idle time before a model server is unloaded; `AUDIO_BOARD_INFERENCE_IDLE_SECONDS`. */
export const DEFAULT_IDLE_UNLOAD_MS = 15 * 60_000;
const DEFAULT_LOAD_TIMEOUT_MS = 15 * 60_000;
const STATUS_INTERVAL_MS = 5_000;
/** Time for the engine to write its traceback after a broken stream, before the log is read. */
const LOG_SETTLE_MS = 300;

/**
 * Keeps one `llamafactory-cli api` server per model and adapter on this worker, runs chat
 * requests against them with streaming, cancels them on request, unloads idle servers and
 * restarts crashed ones.
 */
export class InferencePool {
  private readonly servers = new Map<string, ModelServer>();
  private readonly requests = new Map<string, ActiveRequest>();
  private readonly timer: NodeJS.Timeout;
  private changeQueued = false;

  constructor(private readonly options: InferencePoolOptions) {
    this.timer = setInterval(() => this.tick(), Math.min(STATUS_INTERVAL_MS, this.idleMs()));
    this.timer.unref();
  }

  statuses(): ModelServerStatus[] {
    return [...this.servers.values()].map((server) => server.status());
  }

  /** Runs one chat request to its end; every outcome is reported through `done`. */
  async generate(command: InferenceGenerateCommand): Promise<void> {
    const { report, logger } = this.options;
    const controller = new AbortController();
    const spec: ModelServerSpec = {
      model: {
        ...command.model,
        model_name_or_path: this.resolveLocal(command.model.model_name_or_path),
      },
      adapter_name_or_path:
        command.adapter_name_or_path === null
          ? null
          : this.resolveLocal(command.adapter_name_or_path),
    };
    const server = this.serverFor(spec);
    this.requests.set(command.requestId, {
      requestId: command.requestId,
      controller,
      serverKey: server.key,
    });
    server.activeRequests += 1;
    server.lastUsedAt = Date.now();

    let text = '';
    const finish = (
      finishReason: FinishReason,
      error: InferenceError | null,
      metrics: AnswerMetrics,
    ) => {
      report.done({ requestId: command.requestId, finishReason, text, error, metrics });
    };
    const noMetrics: AnswerMetrics = {
      ttftMs: null,
      streamedChunks: 0,
      tokensPerSecond: null,
      durationMs: null,
    };

    try {
      const preflight = this.checkPaths(spec);
      if (preflight) {
        finish('error', preflight, noMetrics);
        return;
      }

      if (server.state !== 'ready') {
        report.state({ requestId: command.requestId, state: 'loading' });
      }
      const clips = [...new Set(command.messages.flatMap((message) => message.clips))];
      const [audioUrls] = await Promise.all([
        this.options.audio.localPaths(clips, controller.signal),
        server.ensureReady(this.options.loadTimeoutMs ?? DEFAULT_LOAD_TIMEOUT_MS),
      ]);
      if (controller.signal.aborted) {
        finish('aborted', null, noMetrics);
        return;
      }

      const body = buildChatCompletionBody(command.messages, command.settings, (sha) => {
        const url = audioUrls.get(sha);
        if (!url) {
          throw new Error(`clip ${sha} was not fetched`);
        }
        return url;
      });
      report.state({ requestId: command.requestId, state: 'streaming' });
      const result = await this.stream(server, body, controller.signal, command, (chunk) => {
        text += chunk;
      });
      text = result.text;
      finish(result.finishReason, result.error, result.metrics);
    } catch (error) {
      if (controller.signal.aborted) {
        finish('aborted', null, noMetrics);
        return;
      }
      const inferenceError = toInferenceError(error);
      logger.warn(
        { requestId: command.requestId, error: inferenceError },
        'inference request failed',
      );
      finish('error', inferenceError, noMetrics);
    } finally {
      this.requests.delete(command.requestId);
      server.activeRequests -= 1;
      server.lastUsedAt = Date.now();
    }
  }

  /** Aborts the HTTP request to the engine; the request then reports `aborted`. */
  cancel(requestId: string): boolean {
    const request = this.requests.get(requestId);
    if (!request) {
      return false;
    }
    this.options.logger.info({ requestId }, 'inference request cancelled');
    request.controller.abort();
    return true;
  }

  async unload(key: string): Promise<boolean> {
    const server = this.servers.get(key);
    if (!server) {
      return false;
    }
    for (const request of this.requests.values()) {
      if (request.serverKey === key) {
        request.controller.abort();
      }
    }
    await server.stop();
    this.servers.delete(key);
    this.changed();
    return true;
  }

  async stopAll(): Promise<void> {
    clearInterval(this.timer);
    for (const request of this.requests.values()) {
      request.controller.abort();
    }
    await Promise.all([...this.servers.values()].map((server) => server.stop()));
    this.servers.clear();
  }

  private async stream(
    server: ModelServer,
    body: ReturnType<typeof buildChatCompletionBody>,
    signal: AbortSignal,
    command: InferenceGenerateCommand,
    onText: (chunk: string) => void,
  ): Promise<{
    text: string;
    finishReason: FinishReason;
    error: InferenceError | null;
    metrics: AnswerMetrics;
  }> {
    const started = performance.now();
    const startedAt = Date.now();
    const logOffset = server.logSize();
    // A crash during the request has the best explanation; otherwise the log lines it caused.
    const explain = async (fallback: string): Promise<InferenceError> => {
      await delay(LOG_SETTLE_MS);
      if (server.lastCrash && server.lastCrash.at >= startedAt) {
        return server.lastCrash.error;
      }
      return classifyEngineError(server.logTail(logOffset), 'request', fallback);
    };
    let firstChunkAt: number | null = null;
    let chunks = 0;
    let text = '';
    let engineFinish: string | null = null;
    let sawDone = false;
    const metrics = (): AnswerMetrics => {
      const now = performance.now();
      const ttftMs = firstChunkAt === null ? null : Math.round(firstChunkAt - started);
      const streamSeconds = firstChunkAt === null ? 0 : (now - firstChunkAt) / 1000;
      return {
        ttftMs,
        streamedChunks: chunks,
        tokensPerSecond:
          chunks >= 2 && streamSeconds > 0
            ? Math.round(((chunks - 1) / streamSeconds) * 10) / 10
            : null,
        durationMs: Math.round(now - started),
      };
    };

    try {
      const response = await fetch(`${server.baseUrl}/v1/chat/completions`, {
        method: 'POST',
        headers: {
          Authorization: `Bearer ${server.apiKey}`,
          'Content-Type': 'application/json',
          Accept: 'text/event-stream',
        },
        body: JSON.stringify(body),
        signal,
      });
      if (!response.ok || !response.body) {
        const detail = (await response.text().catch(() => '')).slice(0, 1000);
        const error = await explain(`The engine answered HTTP ${response.status}: ${detail}`);
        return { text, finishReason: 'error', error, metrics: metrics() };
      }

      const parser = new SseParser();
      const decoder = new TextDecoder();
      const handle = (data: string) => {
        const chunk = parseStreamChunk(data);
        if (chunk === 'done') {
          sawDone = true;
          return;
        }
        if (!chunk) {
          return;
        }
        if (chunk.content !== '') {
          firstChunkAt ??= performance.now();
          chunks += 1;
          text += chunk.content;
          onText(chunk.content);
          this.options.report.delta({
            requestId: command.requestId,
            seq: chunks,
            text: chunk.content,
          });
        }
        if (chunk.finishReason) {
          engineFinish = chunk.finishReason;
        }
      };
      const reader = response.body.getReader();
      for (;;) {
        const { done, value } = await reader.read();
        if (done) {
          break;
        }
        for (const data of parser.push(decoder.decode(value, { stream: true }))) {
          handle(data);
        }
      }
      for (const data of parser.end()) {
        handle(data);
      }
    } catch (error) {
      if (signal.aborted) {
        return { text, finishReason: 'aborted', error: null, metrics: metrics() };
      }
      const inferenceError = await explain(
        `The request to the engine failed: ${error instanceof Error ? error.message : String(error)}`,
      );
      return { text, finishReason: 'error', error: inferenceError, metrics: metrics() };
    }

    if (!sawDone && engineFinish === null) {
      // LLaMA-Factory raises request errors (such as unreadable audio) inside the event stream,
      // after the 200 status: the connection closes without a finish reason.
      const error = await explain('The engine closed the stream before the answer finished.');
      return { text, finishReason: 'error', error, metrics: metrics() };
    }
    return {
      text,
      finishReason: finishReasonOf(engineFinish, chunks, command),
      error: null,
      metrics: metrics(),
    };
  }

  private serverFor(spec: ModelServerSpec): ModelServer {
    const key = modelServerKey(spec);
    const existing = this.servers.get(key);
    if (existing) {
      return existing;
    }
    const server: ModelServer = new ModelServer({
      spec,
      engine: this.options.engine,
      dir: path.join(this.options.workDir, 'inference', key),
      logger: this.options.logger.child({ modelServer: key }),
      mediaDir: this.options.audio.mediaDir,
      onChange: () => this.serverChanged(server),
    });
    this.servers.set(key, server);
    return server;
  }

  private serverChanged(server: ModelServer): void {
    const maxRestarts = this.options.maxAutoRestarts ?? 3;
    if (server.state === 'failed' && server.crashedAfterReady && server.restarts < maxRestarts) {
      server.restarts += 1;
      server.crashedAfterReady = false;
      this.options.logger.warn(
        { key: server.key, restarts: server.restarts },
        'model server crashed; restarting it',
      );
      server
        .ensureReady(this.options.loadTimeoutMs ?? DEFAULT_LOAD_TIMEOUT_MS)
        .catch((error: unknown) => {
          this.options.logger.error({ key: server.key, error }, 'model server restart failed');
        });
    }
    this.changed();
  }

  /** Reports server states once per tick of the event loop, however many changed. */
  private changed(): void {
    if (this.changeQueued) {
      return;
    }
    this.changeQueued = true;
    queueMicrotask(() => {
      this.changeQueued = false;
      this.options.report.servers(this.statuses());
    });
  }

  private tick(): void {
    const now = Date.now();
    for (const server of [...this.servers.values()]) {
      const idle = now - server.lastUsedAt;
      if (server.activeRequests === 0 && server.state !== 'stopped' && idle >= this.idleMs()) {
        this.options.logger.info({ key: server.key, idleMs: idle }, 'unloading idle model server');
        void this.unload(server.key);
      }
    }
    if (this.servers.size > 0) {
      // Memory changes while a server runs; send it even without a state change.
      this.changed();
    }
  }

  private idleMs(): number {
    return this.options.idleUnloadMs ?? DEFAULT_IDLE_UNLOAD_MS;
  }

  /**
   * Resolves a relative path against the worker's work folder, where training runs with relative
   * output folders write their adapters. A bare hub id such as `Qwen/Qwen2-Audio-7B` stays as is.
   */
  private resolveLocal(nameOrPath: string): string {
    if (path.isAbsolute(nameOrPath)) {
      return nameOrPath;
    }
    const local = path.resolve(this.options.workDir, nameOrPath);
    return nameOrPath.startsWith('.') || fs.existsSync(local) ? local : nameOrPath;
  }

  /** Rejects local paths that do not exist before paying for a model load. */
  private checkPaths(spec: ModelServerSpec): InferenceError | null {
    const adapter = spec.adapter_name_or_path;
    if (adapter !== null && !fs.existsSync(path.join(adapter, 'adapter_config.json'))) {
      return {
        code: 'adapter_not_found',
        message: `No adapter_config.json in ${adapter} on this worker.`,
      };
    }
    const model = spec.model.model_name_or_path;
    if ((path.isAbsolute(model) || model.startsWith('.')) && !fs.existsSync(model)) {
      return { code: 'model_failed', message: `Model folder ${model} not found on this worker.` };
    }
    return null;
  }
}

/**
 * LLaMA-Factory 0.9.5 ends every stream with finish_reason "stop", even when max_new_tokens cut
 * the answer. A stream that used the whole budget is reported as "length". The HF engine sends at
 * most one chunk per generated token, so this catches only cuts where every token made a chunk.
 */
function finishReasonOf(
  engineFinish: string | null,
  chunks: number,
  command: InferenceGenerateCommand,
): FinishReason {
  if (engineFinish === 'length' || chunks >= command.settings.max_new_tokens) {
    return 'length';
  }
  return 'stop';
}

function toInferenceError(error: unknown): InferenceError {
  if (error && typeof error === 'object' && 'code' in error && 'message' in error) {
    const candidate = error as InferenceError;
    if (typeof candidate.code === 'string' && typeof candidate.message === 'string') {
      return candidate;
    }
  }
  return {
    code: 'engine_error',
    message: error instanceof Error ? error.message : String(error),
  };
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
