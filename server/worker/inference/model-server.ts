import { type ChildProcess, spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { stringify } from 'yaml';
import type { Logger } from '../../logger.ts';
import type {
  InferenceError,
  ModelServerState,
  ModelServerStatus,
  ModelSpec,
} from '../../protocol/playground.ts';
import type { EngineLocation } from '../engine-probe.ts';
import { groupAlive, signalGroup } from '../process-tree.ts';
import { classifyEngineError } from './engine-errors.ts';

export interface ModelServerSpec {
  model: ModelSpec;
  adapter_name_or_path: string | null;
}

export interface ModelServerOptions {
  spec: ModelServerSpec;
  engine: EngineLocation;
  /** Folder for this server's YAML and log. */
  dir: string;
  /** Folder of the clips that requests name by path; the engine reads only under it. */
  mediaDir: string;
  logger: Logger;
  onChange: () => void;
  /** How often the health endpoint is polled while the model loads. */
  pollMs?: number;
  stopGraceMs?: number;
}

export const ENGINE_API_LOG_FILE = 'engine-api.log';
const LOG_TAIL_BYTES = 64 * 1024;

/** Returns the key of a model server: the same model, template and adapter share one server. */
export function modelServerKey(spec: ModelServerSpec): string {
  return crypto
    .createHash('sha256')
    .update(
      JSON.stringify([
        spec.model.model_name_or_path,
        spec.model.template,
        spec.adapter_name_or_path ?? '',
      ]),
    )
    .digest('hex')
    .slice(0, 16);
}

/**
 * One `llamafactory-cli api` process serving one model (with or without a LoRA adapter) on a
 * loopback port with a random API key. It is `starting` until the engine writes output,
 * `loading` until `GET /v1/models` returns 200 (LLaMA-Factory loads the model before it starts
 * listening), then `ready`.
 */
export class ModelServer {
  readonly key: string;
  readonly apiKey = crypto.randomBytes(24).toString('hex');
  state: ModelServerState = 'stopped';
  port: number | null = null;
  error: InferenceError | null = null;
  restarts = 0;
  startedAt: string | null = null;
  lastUsedAt: number = Date.now();
  activeRequests = 0;
  /** True when the last failure was a crash of a server that had been ready. */
  crashedAfterReady = false;
  /** When the process last exited without being asked to, and the error its log shows. */
  lastCrash: { at: number; error: InferenceError } | null = null;

  private child: ChildProcess | null = null;
  private readyWaiters: Array<{ resolve: () => void; reject: (error: InferenceError) => void }> =
    [];
  private pollTimer: NodeJS.Timeout | null = null;
  private stopping = false;
  private lastLogLine: string | null = null;
  /** Log size when the current process started; earlier bytes belong to earlier processes. */
  private processLogOffset = 0;
  private readonly logFile: string;

  constructor(private readonly options: ModelServerOptions) {
    this.key = modelServerKey(options.spec);
    this.logFile = path.join(options.dir, ENGINE_API_LOG_FILE);
  }

  get baseUrl(): string {
    return `http://127.0.0.1:${this.port ?? 0}`;
  }

  get pid(): number | null {
    return this.child?.pid ?? null;
  }

  /** Starts the process if it is not running; resolves once the model serves requests. */
  async ensureReady(timeoutMs: number): Promise<void> {
    if (this.state === 'ready') {
      return;
    }
    if (this.state === 'stopped' || this.state === 'failed') {
      await this.start();
    }
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.readyWaiters = this.readyWaiters.filter((waiter) => waiter.resolve !== done);
        reject({
          code: 'model_loading',
          message: `The model was still loading after ${Math.round(timeoutMs / 1000)} s.`,
        } satisfies InferenceError);
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        resolve();
      };
      this.readyWaiters.push({
        resolve: done,
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
    });
  }

  private async start(): Promise<void> {
    const { spec, engine, logger } = this.options;
    fs.mkdirSync(this.options.dir, { recursive: true });
    this.error = null;
    this.stopping = false;
    this.lastLogLine = null;
    this.port = await freePort();

    const config: Record<string, unknown> = {
      model_name_or_path: spec.model.model_name_or_path,
      template: spec.model.template,
      infer_backend: 'huggingface',
      trust_remote_code: true,
    };
    if (spec.adapter_name_or_path) {
      config.adapter_name_or_path = spec.adapter_name_or_path;
      config.finetuning_type = 'lora';
    }
    const argsFile = path.join(this.options.dir, 'infer_args.yaml');
    fs.writeFileSync(argsFile, stringify(config));

    // Engine output goes to a file, never a pipe: an undrained pipe would stall the engine.
    // Restarts append, so the log of a crashed process stays readable.
    const logFd = fs.openSync(this.logFile, 'a');
    fs.writeSync(
      logFd,
      `--- audio-board: starting llamafactory-cli api at ${new Date().toISOString()}\n`,
    );
    this.processLogOffset = this.logSize();
    const child = spawn(engine.cli, ['api', argsFile], {
      cwd: this.options.dir,
      detached: true,
      stdio: ['ignore', logFd, logFd],
      env: {
        ...process.env,
        API_HOST: '127.0.0.1',
        API_PORT: String(this.port),
        API_KEY: this.apiKey,
        // API_VERBOSE (default on) logs every request, base64 audio included.
        API_VERBOSE: '0',
        SAFE_MEDIA_PATH: this.options.mediaDir,
        ALLOW_LOCAL_FILES: '1',
        DISABLE_VERSION_CHECK: '1',
        PYTHONUNBUFFERED: '1',
      },
    });
    fs.closeSync(logFd);
    this.child = child;
    this.startedAt = new Date().toISOString();
    this.setState('starting');
    logger.info(
      {
        key: this.key,
        pid: child.pid,
        port: this.port,
        model: spec.model.model_name_or_path,
        adapter: spec.adapter_name_or_path,
      },
      'model server starting',
    );

    child.once('error', (error) => {
      this.fail({
        code: 'model_failed',
        message: `Could not start ${engine.cli}: ${error.message}`,
      });
    });
    child.once('exit', (code, signal) => this.exited(child, code, signal));
    this.poll();
  }

  /** Stops the process group: SIGTERM, then SIGKILL after the grace period. */
  async stop(): Promise<void> {
    const child = this.child;
    this.stopping = true;
    this.clearPoll();
    this.rejectWaiters({ code: 'model_failed', message: 'The model server was unloaded.' });
    if (!child || child.exitCode !== null || child.signalCode !== null) {
      this.child = null;
      this.setState('stopped');
      return;
    }
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    signalGroup(child, 'SIGTERM');
    const timer = setTimeout(() => {
      if (child.pid !== undefined && groupAlive(child.pid)) {
        signalGroup(child, 'SIGKILL');
      }
    }, this.options.stopGraceMs ?? 5_000);
    await exited;
    clearTimeout(timer);
  }

  /** Current size of the engine log in bytes; pass it to `logTail` to read only newer lines. */
  logSize(): number {
    try {
      return fs.statSync(this.logFile).size;
    } catch {
      return 0;
    }
  }

  /** Reads the end of the engine log after byte `fromOffset`, for errors and the status line. */
  logTail(fromOffset = this.processLogOffset, maxLines = 80): string[] {
    try {
      const fd = fs.openSync(this.logFile, 'r');
      try {
        const size = fs.fstatSync(fd).size;
        const length = Math.max(0, Math.min(size - fromOffset, LOG_TAIL_BYTES));
        const buffer = Buffer.alloc(length);
        fs.readSync(fd, buffer, 0, length, size - length);
        return buffer
          .toString('utf8')
          .split(/\r?\n|\r/)
          .filter((line) => line.trim() !== '')
          .slice(-maxLines);
      } finally {
        fs.closeSync(fd);
      }
    } catch {
      return [];
    }
  }

  status(): ModelServerStatus {
    return {
      key: this.key,
      model: this.options.spec.model,
      adapter_name_or_path: this.options.spec.adapter_name_or_path,
      state: this.state,
      pid: this.state === 'stopped' ? null : this.pid,
      port: this.state === 'stopped' ? null : this.port,
      rssBytes: this.state === 'stopped' ? null : residentBytes(this.pid),
      startedAt: this.startedAt,
      lastUsedAt: new Date(this.lastUsedAt).toISOString(),
      restarts: this.restarts,
      error: this.error,
      lastLogLine: this.lastLogLine?.slice(0, 2000) ?? null,
    };
  }

  private poll(): void {
    this.clearPoll();
    this.pollTimer = setTimeout(async () => {
      this.pollTimer = null;
      if (this.state !== 'starting' && this.state !== 'loading') {
        return;
      }
      const tail = this.logTail(this.processLogOffset, 1);
      const last = tail[tail.length - 1] ?? null;
      if (last !== null && last !== this.lastLogLine) {
        this.lastLogLine = last;
        if (this.state === 'starting') {
          this.setState('loading');
        } else {
          this.options.onChange();
        }
      }
      if (await this.healthy()) {
        if (this.state === 'starting' || this.state === 'loading') {
          this.options.logger.info({ key: this.key, port: this.port }, 'model server ready');
          this.setState('ready');
          const waiters = this.readyWaiters;
          this.readyWaiters = [];
          for (const waiter of waiters) {
            waiter.resolve();
          }
        }
        return;
      }
      this.poll();
    }, this.options.pollMs ?? 300);
  }

  private async healthy(): Promise<boolean> {
    try {
      const response = await fetch(`${this.baseUrl}/v1/models`, {
        headers: { Authorization: `Bearer ${this.apiKey}` },
        signal: AbortSignal.timeout(2_000),
      });
      await response.body?.cancel();
      return response.ok;
    } catch {
      return false;
    }
  }

  private exited(child: ChildProcess, code: number | null, signal: NodeJS.Signals | null): void {
    if (this.child !== child) {
      return;
    }
    this.clearPoll();
    this.child = null;
    // Make sure no helper process of the engine keeps memory.
    if (child.pid !== undefined && groupAlive(child.pid)) {
      signalGroup(child, 'SIGKILL');
    }
    if (this.stopping) {
      this.options.logger.info({ key: this.key }, 'model server stopped');
      this.setState('stopped');
      return;
    }
    const wasReady = this.state === 'ready';
    this.crashedAfterReady = wasReady;
    let error = classifyEngineError(
      this.logTail(),
      wasReady ? 'request' : 'load',
      `llamafactory-cli api exited (code ${code ?? 'none'}, signal ${signal ?? 'none'})`,
    );
    // The kernel's out-of-memory killer sends SIGKILL and leaves nothing in the engine log.
    if (signal === 'SIGKILL' && (error.code === 'model_failed' || error.code === 'engine_error')) {
      error = {
        code: 'out_of_memory',
        message:
          'llamafactory-cli api was killed by SIGKILL, most likely by the kernel out-of-memory killer.',
      };
    }
    this.lastCrash = { at: Date.now(), error };
    this.options.logger.error({ key: this.key, code, signal, error }, 'model server exited');
    this.fail(error);
  }

  private fail(error: InferenceError): void {
    this.error = error;
    this.setState('failed');
    this.rejectWaiters(error);
  }

  private rejectWaiters(error: InferenceError): void {
    const waiters = this.readyWaiters;
    this.readyWaiters = [];
    for (const waiter of waiters) {
      waiter.reject(error);
    }
  }

  private setState(state: ModelServerState): void {
    this.state = state;
    this.options.onChange();
  }

  private clearPoll(): void {
    if (this.pollTimer) {
      clearTimeout(this.pollTimer);
      this.pollTimer = null;
    }
  }
}

/** Asks the OS for a free loopback port. Another process could take it before the engine binds. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** Reads a process's resident set size from /proc; null elsewhere or once it has exited. */
export function residentBytes(pid: number | null): number | null {
  if (pid === null) {
    return null;
  }
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    return match ? Number(match[1]) * 1024 : null;
  } catch {
    return null;
  }
}
