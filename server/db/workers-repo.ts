import type { WorkerRegistration, WorkerStatus, WorkerSummary } from '../protocol/workers.ts';
import type { Db } from './database.ts';

interface WorkerRow {
  id: string;
  info: string;
  status: WorkerStatus;
  first_seen_at: string;
  last_seen_at: string;
}

export class WorkersRepo {
  constructor(private readonly db: Db) {}

  upsert(registration: WorkerRegistration, now: string): void {
    this.db
      .prepare(
        `INSERT INTO workers (id, hostname, info, status, first_seen_at, last_seen_at)
         VALUES (@id, @hostname, @info, 'online', @now, @now)
         ON CONFLICT(id) DO UPDATE SET hostname = @hostname, info = @info, status = 'online', last_seen_at = @now`,
      )
      .run({
        id: registration.workerId,
        hostname: registration.hostname,
        info: JSON.stringify(registration),
        now,
      });
  }

  touch(id: string, now: string, registration?: WorkerRegistration): void {
    if (registration) {
      this.db
        .prepare('UPDATE workers SET last_seen_at = ?, info = ? WHERE id = ?')
        .run(now, JSON.stringify(registration), id);
      return;
    }
    this.db.prepare('UPDATE workers SET last_seen_at = ? WHERE id = ?').run(now, id);
  }

  setStatus(id: string, status: WorkerStatus): void {
    this.db.prepare('UPDATE workers SET status = ? WHERE id = ?').run(status, id);
  }

  /** Marks every worker offline; used at server start, before any worker has reconnected. */
  markAllOffline(): void {
    this.db.prepare(`UPDATE workers SET status = 'offline'`).run();
  }

  get(id: string): WorkerSummary | null {
    const row = this.db.prepare('SELECT * FROM workers WHERE id = ?').get(id) as
      | WorkerRow
      | undefined;
    return row ? toSummary(row) : null;
  }

  list(): WorkerSummary[] {
    const rows = this.db
      .prepare('SELECT * FROM workers ORDER BY status DESC, last_seen_at DESC')
      .all() as WorkerRow[];
    return rows.map(toSummary);
  }
}

function toSummary(row: WorkerRow): WorkerSummary {
  const info = JSON.parse(row.info) as WorkerRegistration;
  return {
    workerId: info.workerId,
    hostname: info.hostname,
    version: info.version,
    platform: info.platform,
    cpuCount: info.cpuCount,
    memoryMiB: info.memoryMiB,
    gpus: info.gpus,
    engine: info.engine,
    activeRunIds: info.activeRunIds,
    status: row.status,
    firstSeenAt: row.first_seen_at,
    lastSeenAt: row.last_seen_at,
  };
}
