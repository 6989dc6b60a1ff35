import crypto from 'node:crypto';
import { type Ack, fail, ok } from '../protocol/envelope.ts';
import type {
  ChatTarget,
  InferenceDelta,
  InferenceDone,
  InferenceError,
  InferenceGenerateCommand,
  InferenceMessage,
  InferenceStateReport,
  ModelServerStatus,
  PlaygroundAnswer,
  PlaygroundDeltaEvent,
  PlaygroundSend,
  PlaygroundSession,
  PlaygroundSessionSummary,
  PlaygroundTurn,
  WorkerModelServers,
} from '../protocol/playground.ts';
import type { RunService } from '../runs/service.ts';
import type { UploadStore } from '../uploads/store.ts';
import type { WorkerRegistry } from '../workers/registry.ts';
import { EMPTY_METRICS, type PlaygroundRepo } from './sessions-repo.ts';

export interface PlaygroundBroadcaster {
  delta(sessionId: string, event: PlaygroundDeltaEvent): void;
  answer(sessionId: string, answer: PlaygroundAnswer): void;
  models(servers: WorkerModelServers[]): void;
}

/** One answer being generated on a worker. */
interface PendingRequest {
  requestId: string;
  sessionId: string;
  turnId: string;
  target: ChatTarget;
  workerId: string;
  text: string;
  lastSeq: number;
  stopRequested: boolean;
}

const GENERATE_ACK_TIMEOUT_MS = 15_000;

/** The logging calls the service makes; both pino and Fastify's logger provide them. */
export type PlaygroundLogger = {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
  error(details: object, message: string): void;
};

/**
 * Runs playground turns: stores each turn, sends one inference request per asked model to a
 * worker, relays the streamed chunks to the session's browsers and stores the final answers.
 */
export class PlaygroundService {
  private broadcaster: PlaygroundBroadcaster | null = null;
  private readonly pending = new Map<string, PendingRequest>();
  private readonly modelServers = new Map<string, ModelServerStatus[]>();

  constructor(
    private readonly repo: PlaygroundRepo,
    private readonly uploads: UploadStore,
    private readonly registry: WorkerRegistry,
    private readonly runs: RunService,
    private readonly logger: PlaygroundLogger,
    private readonly now: () => string,
  ) {
    const interrupted = repo.interruptUnfinished(
      'The board restarted while this answer was being generated.',
    );
    if (interrupted > 0) {
      logger.warn({ answers: interrupted }, 'marked answers left unfinished by a restart');
    }
    registry.onOffline((workerId) => this.workerLost(workerId));
  }

  setBroadcaster(broadcaster: PlaygroundBroadcaster): void {
    this.broadcaster = broadcaster;
  }

  // Sessions.

  createSession(input: { title?: string | undefined; systemPrompt: string }): PlaygroundSession {
    const id = `pg-${Date.now().toString(36)}-${crypto.randomBytes(3).toString('hex')}`;
    const now = this.now();
    const title = input.title?.trim() || `Session ${now.slice(0, 16).replace('T', ' ')}`;
    this.repo.createSession({ id, title, systemPrompt: input.systemPrompt, now });
    return this.repo.session(id) as PlaygroundSession;
  }

  listSessions(): PlaygroundSessionSummary[] {
    return this.repo.listSessions();
  }

  session(id: string): PlaygroundSession | null {
    const session = this.repo.session(id);
    if (!session) {
      return null;
    }
    // Answers still streaming carry their text so far, so a reopened session shows it.
    for (const turn of session.turns) {
      for (const answer of turn.answers) {
        const live = this.pendingFor(turn.id, answer.target.key);
        if (live) {
          answer.text = live.text;
        }
      }
    }
    return session;
  }

  updateSession(
    id: string,
    update: { title?: string | undefined; systemPrompt?: string | undefined },
  ): PlaygroundSession | null {
    return this.repo.updateSession(id, update, this.now()) ? this.repo.session(id) : null;
  }

  deleteSession(id: string): boolean {
    for (const request of this.pending.values()) {
      if (request.sessionId === id) {
        this.cancelRequest(request);
      }
    }
    return this.repo.deleteSession(id);
  }

  // Turns.

  /** Stores a turn and starts one request per target; answers stream to the session's room. */
  send(input: PlaygroundSend): Ack<PlaygroundTurn> {
    const session = this.repo.session(input.sessionId);
    if (!session) {
      return fail('not_found', `Playground session "${input.sessionId}" not found.`);
    }
    const missing = input.clips.filter((sha) => !this.uploads.exists(sha));
    if (missing.length > 0) {
      return fail(
        'not_found',
        `Clip ${missing.join(', ')} is not in the upload store: upload it again with POST /api/uploads.`,
        { missing },
      );
    }

    const turnId = `turn-${Date.now().toString(36)}-${crypto.randomBytes(3).toString('hex')}`;
    const turn = this.repo.addTurn({
      id: turnId,
      sessionId: session.id,
      prompt: input.prompt,
      clips: input.clips,
      settings: input.settings,
      model: input.model,
      targets: input.targets,
      now: this.now(),
    });
    this.logger.info(
      { sessionId: session.id, turnId, targets: input.targets.map((target) => target.key) },
      'playground turn sent',
    );

    for (const target of input.targets) {
      this.dispatch(session, turn, target);
    }
    return ok(this.repo.turn(turnId) ?? turn);
  }

  /** Cancels the turn's running answers; each ends as `aborted` with the text so far. */
  stop(turnId: string, targetKey?: string): Ack<null> {
    if (!this.repo.turn(turnId)) {
      return fail('not_found', `Playground turn "${turnId}" not found.`);
    }
    for (const request of this.pending.values()) {
      if (
        request.turnId === turnId &&
        (targetKey === undefined || request.target.key === targetKey)
      ) {
        this.cancelRequest(request);
      }
    }
    return ok(null);
  }

  // Worker reports.

  recordState(workerId: string | null, report: InferenceStateReport): void {
    const request = this.pending.get(report.requestId);
    if (!request || request.workerId !== workerId) {
      return;
    }
    this.saveAndBroadcast(request, { state: report.state });
  }

  recordDelta(workerId: string | null, delta: InferenceDelta): void {
    const request = this.pending.get(delta.requestId);
    if (!request || request.workerId !== workerId || delta.seq <= request.lastSeq) {
      return;
    }
    request.lastSeq = delta.seq;
    request.text += delta.text;
    this.broadcaster?.delta(request.sessionId, {
      turnId: request.turnId,
      targetKey: request.target.key,
      text: delta.text,
    });
  }

  recordDone(workerId: string | null, done: InferenceDone): Ack<null> {
    const request = this.pending.get(done.requestId);
    if (!request || request.workerId !== workerId) {
      // A replay after a reconnect, or a request already ended as worker_lost.
      return ok(null);
    }
    this.pending.delete(done.requestId);
    request.text = done.text;
    this.logger.info(
      {
        requestId: done.requestId,
        turnId: request.turnId,
        target: request.target.key,
        finishReason: done.finishReason,
        error: done.error?.code,
      },
      'playground answer finished',
    );
    this.finishAnswer(request, {
      finishReason: done.finishReason,
      error: done.error,
      metrics: done.metrics,
    });
    return ok(null);
  }

  recordModelServers(workerId: string | null, servers: ModelServerStatus[]): void {
    if (!workerId) {
      return;
    }
    this.modelServers.set(workerId, servers);
    this.broadcaster?.models(this.listModelServers());
  }

  listModelServers(): WorkerModelServers[] {
    const connected = new Set(this.registry.connectedIds());
    return [...this.modelServers.entries()]
      .filter(([workerId]) => connected.has(workerId))
      .map(([workerId, servers]) => ({ workerId, servers }));
  }

  async unloadModelServer(workerId: string, key: string): Promise<Ack<null>> {
    const socket = this.registry.socketOf(workerId);
    if (!socket) {
      return fail('worker_unavailable', `Worker "${workerId}" is not connected.`);
    }
    try {
      return (await socket
        .timeout(GENERATE_ACK_TIMEOUT_MS)
        .emitWithAck('inference:unload', { key })) as Ack<null>;
    } catch {
      return fail('worker_unavailable', `Worker "${workerId}" did not answer the unload request.`);
    }
  }

  // Internals.

  private dispatch(session: PlaygroundSession, turn: PlaygroundTurn, target: ChatTarget): void {
    const requestId = `req-${crypto.randomBytes(6).toString('hex')}`;
    const placement = this.pickWorker(target);
    if (!placement.ok) {
      this.finishDetached(session.id, turn.id, target, placement.error);
      return;
    }

    const request: PendingRequest = {
      requestId,
      sessionId: session.id,
      turnId: turn.id,
      target,
      workerId: placement.workerId,
      text: '',
      lastSeq: 0,
      stopRequested: false,
    };
    this.pending.set(requestId, request);

    const command: InferenceGenerateCommand = {
      requestId,
      model: turn.model,
      adapter_name_or_path: target.adapter_name_or_path,
      messages: this.buildMessages(session, turn, target),
      settings: turn.settings,
    };
    const socket = this.registry.socketOf(placement.workerId);
    if (!socket) {
      this.finishPending(request, { code: 'worker_lost', message: 'The worker disconnected.' });
      return;
    }
    socket
      .timeout(GENERATE_ACK_TIMEOUT_MS)
      .emitWithAck('inference:generate', command)
      .then(
        (ack) => {
          const reply = ack as Ack<null>;
          if (!reply.ok && this.pending.has(requestId)) {
            this.finishPending(request, {
              code: reply.error.code === 'engine_not_ready' ? 'engine_not_ready' : 'engine_error',
              message: reply.error.message,
            });
          }
        },
        () => {
          if (this.pending.has(requestId)) {
            this.finishPending(request, {
              code: 'worker_lost',
              message: `Worker "${placement.workerId}" did not accept the request within ${GENERATE_ACK_TIMEOUT_MS / 1000} s.`,
            });
          }
        },
      );
  }

  /** Prefers the worker that trained the adapter, because the adapter folder is on its disk. */
  private pickWorker(
    target: ChatTarget,
  ): { ok: true; workerId: string } | { ok: false; error: InferenceError } {
    const connected = this.registry.connectedIds();
    if (connected.length === 0) {
      return {
        ok: false,
        error: { code: 'no_worker', message: 'No worker is connected to the board.' },
      };
    }
    const ready = connected.filter(
      (workerId) => this.registry.registrationOf(workerId)?.engine.state === 'ready',
    );
    const runWorker = target.runId ? this.runs.get(target.runId)?.workerId : null;
    if (runWorker && ready.includes(runWorker)) {
      return { ok: true, workerId: runWorker };
    }
    const chosen = ready[0];
    if (!chosen) {
      const engine = this.registry.registrationOf(connected[0] ?? '')?.engine;
      const detail =
        engine && engine.state === 'not_ready' ? `${engine.reason} ${engine.fix}` : 'not ready';
      return { ok: false, error: { code: 'engine_not_ready', message: detail } };
    }
    return { ok: true, workerId: chosen };
  }

  /**
   * Builds the conversation for one target: the system prompt, then every earlier turn that this
   * target answered (user, assistant), then the new turn. LLaMA-Factory's API requires strictly
   * alternating user and assistant messages, so turns the target did not answer are left out.
   */
  private buildMessages(
    session: PlaygroundSession,
    turn: PlaygroundTurn,
    target: ChatTarget,
  ): InferenceMessage[] {
    const messages: InferenceMessage[] = [];
    if (session.systemPrompt.trim() !== '') {
      messages.push({ role: 'system', text: session.systemPrompt, clips: [] });
    }
    for (const earlier of session.turns) {
      if (earlier.position >= turn.position) {
        continue;
      }
      const answer = earlier.answers.find((candidate) => candidate.target.key === target.key);
      const usable =
        answer?.state === 'done' &&
        (answer.finishReason === 'stop' || answer.finishReason === 'length') &&
        answer.text !== '';
      if (!answer || !usable) {
        continue;
      }
      messages.push({ role: 'user', text: earlier.prompt, clips: earlier.clips });
      messages.push({ role: 'assistant', text: answer.text, clips: [] });
    }
    messages.push({ role: 'user', text: turn.prompt, clips: turn.clips });
    return messages;
  }

  private cancelRequest(request: PendingRequest): void {
    if (request.stopRequested) {
      return;
    }
    request.stopRequested = true;
    const socket = this.registry.socketOf(request.workerId);
    if (!socket) {
      this.finishPending(request, null, 'aborted');
      return;
    }
    socket.emit('inference:cancel', { requestId: request.requestId }, () => {});
  }

  private workerLost(workerId: string): void {
    for (const request of [...this.pending.values()]) {
      if (request.workerId === workerId) {
        this.finishPending(request, {
          code: 'worker_lost',
          message: `Worker "${workerId}" disconnected while answering.`,
        });
      }
    }
    if (this.modelServers.delete(workerId)) {
      this.broadcaster?.models(this.listModelServers());
    }
  }

  private finishPending(
    request: PendingRequest,
    error: InferenceError | null,
    finishReason: 'aborted' | 'error' = 'error',
  ): void {
    this.pending.delete(request.requestId);
    if (error) {
      this.logger.warn(
        { requestId: request.requestId, turnId: request.turnId, error },
        'playground answer failed',
      );
    }
    this.finishAnswer(request, {
      finishReason: error ? 'error' : finishReason,
      error,
      metrics: EMPTY_METRICS,
    });
  }

  private finishAnswer(
    request: PendingRequest,
    end: Pick<InferenceDone, 'finishReason' | 'error' | 'metrics'>,
  ): void {
    const answer: PlaygroundAnswer = {
      turnId: request.turnId,
      target: request.target,
      state: 'done',
      text: request.text,
      finishReason: end.finishReason,
      error: end.error,
      metrics: end.metrics,
      workerId: request.workerId,
    };
    this.repo.saveAnswer({ ...answer, targetKey: request.target.key });
    this.broadcaster?.answer(request.sessionId, answer);
  }

  /** Ends an answer that never reached a worker. */
  private finishDetached(
    sessionId: string,
    turnId: string,
    target: ChatTarget,
    error: InferenceError,
  ): void {
    const answer: PlaygroundAnswer = {
      turnId,
      target,
      state: 'done',
      text: '',
      finishReason: 'error',
      error,
      metrics: EMPTY_METRICS,
      workerId: null,
    };
    this.repo.saveAnswer({ ...answer, targetKey: target.key });
    this.broadcaster?.answer(sessionId, answer);
  }

  private saveAndBroadcast(
    request: PendingRequest,
    update: { state: 'loading' | 'streaming' },
  ): void {
    const answer: PlaygroundAnswer = {
      turnId: request.turnId,
      target: request.target,
      state: update.state,
      text: request.text,
      finishReason: null,
      error: null,
      metrics: EMPTY_METRICS,
      workerId: request.workerId,
    };
    this.repo.saveAnswer({ ...answer, targetKey: request.target.key });
    this.broadcaster?.answer(request.sessionId, answer);
  }

  private pendingFor(turnId: string, targetKey: string): PendingRequest | null {
    for (const request of this.pending.values()) {
      if (request.turnId === turnId && request.target.key === targetKey) {
        return request;
      }
    }
    return null;
  }
}
