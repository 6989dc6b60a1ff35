import type { EngineConfig } from '../protocol/runs.ts';
import type { Db } from './database.ts';

export interface Preset {
  name: string;
  config: EngineConfig;
  updatedAt: string;
}

interface PresetRow {
  name: string;
  config: string;
  updated_at: string;
}

export class PresetsRepo {
  constructor(private readonly db: Db) {}

  list(): Preset[] {
    const rows = this.db.prepare('SELECT * FROM presets ORDER BY name').all() as PresetRow[];
    return rows.map(toPreset);
  }

  get(name: string): Preset | null {
    const row = this.db.prepare('SELECT * FROM presets WHERE name = ?').get(name) as
      | PresetRow
      | undefined;
    return row ? toPreset(row) : null;
  }

  put(name: string, config: EngineConfig, now: string): Preset {
    this.db
      .prepare(
        `INSERT INTO presets (name, config, updated_at) VALUES (?, ?, ?)
         ON CONFLICT(name) DO UPDATE SET config = excluded.config, updated_at = excluded.updated_at`,
      )
      .run(name, JSON.stringify(config), now);
    return { name, config, updatedAt: now };
  }

  delete(name: string): boolean {
    return this.db.prepare('DELETE FROM presets WHERE name = ?').run(name).changes > 0;
  }
}

function toPreset(row: PresetRow): Preset {
  return {
    name: row.name,
    config: JSON.parse(row.config) as EngineConfig,
    updatedAt: row.updated_at,
  };
}
