import type { LogLine } from '../protocol/events.ts';
import type {
  EngineConfig,
  MetricPoint,
  RunFailure,
  RunKind,
  RunStatus,
  RunSummary,
} from '../protocol/runs.ts';
import type { Db } from './database.ts';

interface RunRow {
  id: string;
  kind: RunKind;
  name: string;
  status: RunStatus;
  config: string;
  worker_id: string | null;
  output_dir: string;
  resume_from: string | null;
  cuda_visible_devices: string | null;
  failure: string | null;
  created_at: string;
  started_at: string | null;
  ended_at: string | null;
}

export interface NewRun {
  id: string;
  kind: RunKind;
  name: string;
  config: EngineConfig;
  outputDir: string;
  resumeFrom: string | null;
  cudaVisibleDevices: number[] | null;
  createdAt: string;
}

export class RunsRepo {
  constructor(private readonly db: Db) {}

  create(run: NewRun): RunSummary {
    this.db
      .prepare(
        `INSERT INTO runs (id, kind, name, status, config, output_dir, resume_from, cuda_visible_devices, created_at)
         VALUES (?, ?, ?, 'queued', ?, ?, ?, ?, ?)`,
      )
      .run(
        run.id,
        run.kind,
        run.name,
        JSON.stringify(run.config),
        run.outputDir,
        run.resumeFrom,
        run.cudaVisibleDevices ? JSON.stringify(run.cudaVisibleDevices) : null,
        run.createdAt,
      );
    return this.get(run.id) as RunSummary;
  }

  get(id: string): RunSummary | null {
    const row = this.db.prepare('SELECT * FROM runs WHERE id = ?').get(id) as RunRow | undefined;
    return row ? this.toSummary(row) : null;
  }

  list(limit = 200): RunSummary[] {
    const rows = this.db
      .prepare('SELECT * FROM runs ORDER BY created_at DESC LIMIT ?')
      .all(limit) as RunRow[];
    return rows.map((row) => this.toSummary(row));
  }

  listByStatus(statuses: readonly RunStatus[]): RunSummary[] {
    const placeholders = statuses.map(() => '?').join(', ');
    const rows = this.db
      .prepare(`SELECT * FROM runs WHERE status IN (${placeholders}) ORDER BY created_at`)
      .all(...statuses) as RunRow[];
    return rows.map((row) => this.toSummary(row));
  }

  /** Returns true when a run with this output folder exists, so two runs never share one. */
  outputDirInUse(outputDir: string): RunSummary | null {
    const row = this.db
      .prepare('SELECT * FROM runs WHERE output_dir = ? ORDER BY created_at DESC LIMIT 1')
      .get(outputDir) as RunRow | undefined;
    return row ? this.toSummary(row) : null;
  }

  assign(id: string, workerId: string, now: string): void {
    this.db
      .prepare(`UPDATE runs SET status = 'starting', worker_id = ?, started_at = ? WHERE id = ?`)
      .run(workerId, now, id);
  }

  setStatus(id: string, status: RunStatus, now: string, failure: RunFailure | null = null): void {
    const ended = status === 'completed' || status === 'failed' || status === 'aborted';
    this.db
      .prepare(
        `UPDATE runs SET status = ?, failure = COALESCE(?, failure),
           ended_at = CASE WHEN ? THEN ? ELSE ended_at END WHERE id = ?`,
      )
      .run(status, failure ? JSON.stringify(failure) : null, ended ? 1 : 0, now, id);
  }

  /** Puts a run back in the queue, e.g. after its worker vanished before starting it. */
  requeue(id: string): void {
    this.db
      .prepare(
        `UPDATE runs SET status = 'queued', worker_id = NULL, started_at = NULL WHERE id = ?`,
      )
      .run(id);
  }

  delete(id: string): boolean {
    return this.db.prepare('DELETE FROM runs WHERE id = ?').run(id).changes > 0;
  }

  /** Stores points idempotently (a replayed `seq` is ignored) and returns the new ones. */
  appendMetrics(runId: string, points: MetricPoint[]): MetricPoint[] {
    const insert = this.db.prepare(
      'INSERT OR IGNORE INTO metric_points (run_id, seq, step, point) VALUES (?, ?, ?, ?)',
    );
    const fresh: MetricPoint[] = [];
    this.db.transaction(() => {
      for (const point of points) {
        if (insert.run(runId, point.seq, point.step, JSON.stringify(point)).changes > 0) {
          fresh.push(point);
        }
      }
    })();
    return fresh;
  }

  metricsAfter(runId: string, afterSeq: number): MetricPoint[] {
    const rows = this.db
      .prepare('SELECT point FROM metric_points WHERE run_id = ? AND seq > ? ORDER BY seq')
      .all(runId, afterSeq) as { point: string }[];
    return rows.map((row) => JSON.parse(row.point) as MetricPoint);
  }

  lastMetricSeq(runId: string): number {
    const row = this.db
      .prepare('SELECT MAX(seq) AS seq FROM metric_points WHERE run_id = ?')
      .get(runId) as { seq: number | null };
    return row.seq ?? 0;
  }

  appendLogs(runId: string, lines: LogLine[]): LogLine[] {
    const insert = this.db.prepare(
      'INSERT OR IGNORE INTO run_logs (run_id, seq, line) VALUES (?, ?, ?)',
    );
    const fresh: LogLine[] = [];
    this.db.transaction(() => {
      for (const entry of lines) {
        if (insert.run(runId, entry.seq, entry.line).changes > 0) {
          fresh.push(entry);
        }
      }
    })();
    return fresh;
  }

  /** Returns log lines after `afterSeq`, at most `limit` of the newest ones. */
  logsAfter(runId: string, afterSeq: number, limit = 2000): LogLine[] {
    const rows = this.db
      .prepare(
        `SELECT seq, line FROM (
           SELECT seq, line FROM run_logs WHERE run_id = ? AND seq > ? ORDER BY seq DESC LIMIT ?
         ) ORDER BY seq`,
      )
      .all(runId, afterSeq, limit) as LogLine[];
    return rows;
  }

  lastLogSeq(runId: string): number {
    const row = this.db
      .prepare('SELECT MAX(seq) AS seq FROM run_logs WHERE run_id = ?')
      .get(runId) as { seq: number | null };
    return row.seq ?? 0;
  }

  private toSummary(row: RunRow): RunSummary {
    const last = this.db
      .prepare('SELECT point FROM metric_points WHERE run_id = ? ORDER BY seq DESC LIMIT 1')
      .get(row.id) as { point: string } | undefined;
    const lastPoint = last ? (JSON.parse(last.point) as MetricPoint) : null;
    return {
      id: row.id,
      kind: row.kind,
      name: row.name,
      status: row.status,
      config: JSON.parse(row.config) as EngineConfig,
      workerId: row.worker_id,
      outputDir: row.output_dir,
      createdAt: row.created_at,
      startedAt: row.started_at,
      endedAt: row.ended_at,
      failure: row.failure ? (JSON.parse(row.failure) as RunFailure) : null,
      lastSeq: lastPoint?.seq ?? 0,
      lastPoint,
      resumeFrom: row.resume_from,
      cudaVisibleDevices: row.cuda_visible_devices
        ? (JSON.parse(row.cuda_visible_devices) as number[])
        : null,
    };
  }
}
