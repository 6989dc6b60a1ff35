/**
 * Schema migrations, applied in order. `PRAGMA user_version` stores how many have run, so a
 * migration must never be edited once released: append a new one instead.
 */
export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE workers (
    id TEXT PRIMARY KEY,
    hostname TEXT NOT NULL,
    info TEXT NOT NULL,
    status TEXT NOT NULL,
    first_seen_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL
  );

  CREATE TABLE runs (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    status TEXT NOT NULL,
    config TEXT NOT NULL,
    worker_id TEXT,
    output_dir TEXT NOT NULL,
    resume_from TEXT,
    failure TEXT,
    created_at TEXT NOT NULL,
    started_at TEXT,
    ended_at TEXT
  );
  CREATE INDEX runs_status ON runs(status, created_at);

  CREATE TABLE metric_points (
    run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    step INTEGER NOT NULL,
    point TEXT NOT NULL,
    PRIMARY KEY (run_id, seq)
  ) WITHOUT ROWID;

  CREATE TABLE run_logs (
    run_id TEXT NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    line TEXT NOT NULL,
    PRIMARY KEY (run_id, seq)
  ) WITHOUT ROWID;

  CREATE TABLE uploads (
    sha256 TEXT PRIMARY KEY,
    size_bytes INTEGER NOT NULL,
    media_type TEXT NOT NULL,
    original_name TEXT NOT NULL,
    duration_seconds REAL,
    created_at TEXT NOT NULL
  );

  CREATE TABLE presets (
    name TEXT PRIMARY KEY,
    config TEXT NOT NULL,
    updated_at TEXT NOT NULL
  );
  `,
  // Runs of other engine commands (export) share the run table, queue and log streaming.
  `
  ALTER TABLE runs ADD COLUMN kind TEXT NOT NULL DEFAULT 'train';
  `,
  // Playground sessions: each turn stores its prompt and clip hashes (audio lives in uploads),
  // and one answer per asked model.
  `
  CREATE TABLE playground_sessions (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    system_prompt TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  );

  CREATE TABLE playground_turns (
    id TEXT PRIMARY KEY,
    session_id TEXT NOT NULL REFERENCES playground_sessions(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    prompt TEXT NOT NULL,
    clips TEXT NOT NULL,
    settings TEXT NOT NULL,
    model TEXT NOT NULL,
    created_at TEXT NOT NULL
  );
  CREATE INDEX playground_turns_session ON playground_turns(session_id, position);

  CREATE TABLE playground_answers (
    turn_id TEXT NOT NULL REFERENCES playground_turns(id) ON DELETE CASCADE,
    target_key TEXT NOT NULL,
    ordinal INTEGER NOT NULL,
    target TEXT NOT NULL,
    state TEXT NOT NULL,
    text TEXT NOT NULL,
    finish_reason TEXT,
    error TEXT,
    metrics TEXT NOT NULL,
    worker_id TEXT,
    PRIMARY KEY (turn_id, target_key)
  ) WITHOUT ROWID;
  `,
  // GPU selection is not an engine key: the worker turns it into CUDA_VISIBLE_DEVICES.
  `
  ALTER TABLE runs ADD COLUMN cuda_visible_devices TEXT;
  `,
];
