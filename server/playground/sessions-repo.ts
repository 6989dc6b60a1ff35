import type { Db } from '../db/database.ts';
import {
  type AnswerMetrics,
  type AnswerState,
  answerMetricsSchema,
  type ChatTarget,
  chatTargetSchema,
  type FinishReason,
  type GenerationSettings,
  generationSettingsSchema,
  type InferenceError,
  inferenceErrorSchema,
  type ModelSpec,
  modelSpecSchema,
  type PlaygroundAnswer,
  type PlaygroundSession,
  type PlaygroundSessionSummary,
  type PlaygroundTurn,
} from '../protocol/playground.ts';

interface SessionRow {
  id: string;
  title: string;
  system_prompt: string;
  created_at: string;
  updated_at: string;
  turn_count: number;
}

interface TurnRow {
  id: string;
  session_id: string;
  position: number;
  prompt: string;
  clips: string;
  settings: string;
  model: string;
  created_at: string;
}

interface AnswerRow {
  turn_id: string;
  target_key: string;
  ordinal: number;
  target: string;
  state: string;
  text: string;
  finish_reason: string | null;
  error: string | null;
  metrics: string;
  worker_id: string | null;
}

export const EMPTY_METRICS: AnswerMetrics = {
  ttftMs: null,
  streamedChunks: 0,
  tokensPerSecond: null,
  durationMs: null,
};

/** Stores playground sessions, their turns and one answer per asked model. */
export class PlaygroundRepo {
  constructor(private readonly db: Db) {}

  createSession(input: { id: string; title: string; systemPrompt: string; now: string }): void {
    this.db
      .prepare(
        `INSERT INTO playground_sessions (id, title, system_prompt, created_at, updated_at)
         VALUES (?, ?, ?, ?, ?)`,
      )
      .run(input.id, input.title, input.systemPrompt, input.now, input.now);
  }

  updateSession(
    id: string,
    update: { title?: string | undefined; systemPrompt?: string | undefined },
    now: string,
  ): boolean {
    const current = this.summary(id);
    if (!current) {
      return false;
    }
    this.db
      .prepare(
        'UPDATE playground_sessions SET title = ?, system_prompt = ?, updated_at = ? WHERE id = ?',
      )
      .run(update.title ?? current.title, update.systemPrompt ?? current.systemPrompt, now, id);
    return true;
  }

  deleteSession(id: string): boolean {
    return this.db.prepare('DELETE FROM playground_sessions WHERE id = ?').run(id).changes > 0;
  }

  listSessions(): PlaygroundSessionSummary[] {
    const rows = this.db
      .prepare(
        `SELECT s.*, (SELECT COUNT(*) FROM playground_turns t WHERE t.session_id = s.id) AS turn_count
         FROM playground_sessions s ORDER BY s.updated_at DESC, s.id DESC`,
      )
      .all() as SessionRow[];
    return rows.map(toSummary);
  }

  summary(id: string): PlaygroundSessionSummary | null {
    const row = this.db
      .prepare(
        `SELECT s.*, (SELECT COUNT(*) FROM playground_turns t WHERE t.session_id = s.id) AS turn_count
         FROM playground_sessions s WHERE s.id = ?`,
      )
      .get(id) as SessionRow | undefined;
    return row ? toSummary(row) : null;
  }

  session(id: string): PlaygroundSession | null {
    const summary = this.summary(id);
    if (!summary) {
      return null;
    }
    const turns = this.db
      .prepare('SELECT * FROM playground_turns WHERE session_id = ? ORDER BY position')
      .all(id) as TurnRow[];
    const answers = this.db
      .prepare(
        `SELECT a.* FROM playground_answers a JOIN playground_turns t ON t.id = a.turn_id
         WHERE t.session_id = ? ORDER BY a.ordinal`,
      )
      .all(id) as AnswerRow[];
    const byTurn = new Map<string, PlaygroundAnswer[]>();
    for (const row of answers) {
      const list = byTurn.get(row.turn_id) ?? [];
      list.push(toAnswer(row));
      byTurn.set(row.turn_id, list);
    }
    return { ...summary, turns: turns.map((row) => toTurn(row, byTurn.get(row.id) ?? [])) };
  }

  turn(id: string): PlaygroundTurn | null {
    const row = this.db.prepare('SELECT * FROM playground_turns WHERE id = ?').get(id) as
      | TurnRow
      | undefined;
    if (!row) {
      return null;
    }
    const answers = this.db
      .prepare('SELECT * FROM playground_answers WHERE turn_id = ? ORDER BY ordinal')
      .all(id) as AnswerRow[];
    return toTurn(row, answers.map(toAnswer));
  }

  /** Appends a turn with a queued answer per target, in one transaction. */
  addTurn(input: {
    id: string;
    sessionId: string;
    prompt: string;
    clips: string[];
    settings: GenerationSettings;
    model: ModelSpec;
    targets: ChatTarget[];
    now: string;
  }): PlaygroundTurn {
    this.db.transaction(() => {
      const { next } = this.db
        .prepare(
          'SELECT COALESCE(MAX(position), 0) + 1 AS next FROM playground_turns WHERE session_id = ?',
        )
        .get(input.sessionId) as { next: number };
      this.db
        .prepare(
          `INSERT INTO playground_turns (id, session_id, position, prompt, clips, settings, model, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          input.id,
          input.sessionId,
          next,
          input.prompt,
          JSON.stringify(input.clips),
          JSON.stringify(input.settings),
          JSON.stringify(input.model),
          input.now,
        );
      const insertAnswer = this.db.prepare(
        `INSERT INTO playground_answers (turn_id, target_key, ordinal, target, state, text, metrics)
         VALUES (?, ?, ?, ?, 'queued', '', ?)`,
      );
      input.targets.forEach((target, ordinal) => {
        insertAnswer.run(
          input.id,
          target.key,
          ordinal,
          JSON.stringify(target),
          JSON.stringify(EMPTY_METRICS),
        );
      });
      this.db
        .prepare('UPDATE playground_sessions SET updated_at = ? WHERE id = ?')
        .run(input.now, input.sessionId);
    })();
    const turn = this.turn(input.id);
    if (!turn) {
      throw new Error(`turn ${input.id} vanished right after it was stored`);
    }
    return turn;
  }

  saveAnswer(answer: {
    turnId: string;
    targetKey: string;
    state: AnswerState;
    text: string;
    finishReason: FinishReason | null;
    error: InferenceError | null;
    metrics: AnswerMetrics;
    workerId: string | null;
  }): void {
    this.db
      .prepare(
        `UPDATE playground_answers
         SET state = ?, text = ?, finish_reason = ?, error = ?, metrics = ?, worker_id = ?
         WHERE turn_id = ? AND target_key = ?`,
      )
      .run(
        answer.state,
        answer.text,
        answer.finishReason,
        answer.error ? JSON.stringify(answer.error) : null,
        JSON.stringify(answer.metrics),
        answer.workerId,
        answer.turnId,
        answer.targetKey,
      );
  }

  /** Ends answers that a previous board process left unfinished; returns how many. */
  interruptUnfinished(message: string): number {
    return this.db
      .prepare(
        `UPDATE playground_answers SET state = 'done', finish_reason = 'error', error = ?
         WHERE state != 'done'`,
      )
      .run(JSON.stringify({ code: 'interrupted', message })).changes;
  }
}

function toSummary(row: SessionRow): PlaygroundSessionSummary {
  return {
    id: row.id,
    title: row.title,
    systemPrompt: row.system_prompt,
    turnCount: row.turn_count,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

function toTurn(row: TurnRow, answers: PlaygroundAnswer[]): PlaygroundTurn {
  return {
    id: row.id,
    sessionId: row.session_id,
    position: row.position,
    prompt: row.prompt,
    clips: JSON.parse(row.clips) as string[],
    settings: generationSettingsSchema.parse(JSON.parse(row.settings)),
    model: modelSpecSchema.parse(JSON.parse(row.model)),
    answers,
    createdAt: row.created_at,
  };
}

function toAnswer(row: AnswerRow): PlaygroundAnswer {
  return {
    turnId: row.turn_id,
    target: chatTargetSchema.parse(JSON.parse(row.target)),
    state: row.state as AnswerState,
    text: row.text,
    finishReason: row.finish_reason as FinishReason | null,
    error: row.error ? inferenceErrorSchema.parse(JSON.parse(row.error)) : null,
    metrics: answerMetricsSchema.parse(JSON.parse(row.metrics)),
    workerId: row.worker_id,
  };
}
