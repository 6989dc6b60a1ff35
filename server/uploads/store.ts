import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { Db } from '../db/database.ts';
import { MODEL_AUDIO_LIMIT_SECONDS, type UploadInfo } from '../protocol/playground.ts';
import { parseWavHeader } from './wav.ts';

export class UploadRejected extends Error {
  constructor(
    readonly code: 'invalid_payload' | 'unsupported_media',
    message: string,
  ) {
    super(message);
  }
}

interface UploadRow {
  sha256: string;
  size_bytes: number;
  media_type: string;
  original_name: string;
  duration_seconds: number | null;
  created_at: string;
}

/**
 * Content-addressed audio store: each clip lives once at
 * `<dataDir>/uploads/<sha256[0:2]>/<sha256>.wav`, with one row in the `uploads` table.
 */
export class UploadStore {
  private readonly root: string;

  constructor(
    private readonly db: Db,
    dataDir: string,
    private readonly now: () => string,
  ) {
    this.root = path.join(dataDir, 'uploads');
  }

  /** Checks, stores and describes one WAV upload; identical bytes reuse the stored copy. */
  put(bytes: Uint8Array, originalName: string): UploadInfo {
    const name = originalName.trim() || 'clip.wav';
    if (bytes.length === 0) {
      throw new UploadRejected(
        'invalid_payload',
        `"${name}" is empty (0 bytes): choose an audio file that has content.`,
      );
    }
    const parsed = parseWavHeader(bytes);
    if (!parsed.ok) {
      throw new UploadRejected(
        'unsupported_media',
        `"${name}" is not a WAV file: ${parsed.reason}. Expected a RIFF/WAVE file with PCM ` +
          'audio; the playground converts audio to 16 kHz mono WAV in the browser before upload.',
      );
    }
    if (parsed.header.dataBytes === 0) {
      // The engine cannot decode a clip without samples ("Failed to decode audio").
      throw new UploadRejected(
        'invalid_payload',
        `"${name}" has a WAV header but no audio samples: record or trim a clip that is longer than 0 s.`,
      );
    }

    const sha256 = crypto.createHash('sha256').update(bytes).digest('hex');
    const file = this.pathOf(sha256);
    const existing = this.row(sha256);
    let created = false;
    if (!existing || !fs.existsSync(file)) {
      fs.mkdirSync(path.dirname(file), { recursive: true });
      // Write then rename, so a reader never sees a half-written clip under its final name.
      const temporary = `${file}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`;
      fs.writeFileSync(temporary, bytes);
      fs.renameSync(temporary, file);
      created = !existing;
    }
    if (!existing) {
      this.db
        .prepare(
          `INSERT OR IGNORE INTO uploads
             (sha256, size_bytes, media_type, original_name, duration_seconds, created_at)
           VALUES (?, ?, 'audio/wav', ?, ?, ?)`,
        )
        .run(sha256, bytes.length, name, parsed.header.durationSeconds, this.now());
    }
    const info = this.info(sha256);
    if (!info) {
      throw new Error(`upload ${sha256} vanished right after it was stored`);
    }
    return { ...info, created };
  }

  /** Describes a stored clip, reading its header again for the audio facts. */
  info(sha256: string): UploadInfo | null {
    const row = this.row(sha256);
    if (!row) {
      return null;
    }
    const head = this.readHead(sha256);
    if (!head) {
      return null;
    }
    const parsed = parseWavHeader(head);
    const header = parsed.ok ? parsed.header : null;
    const durationSeconds = row.duration_seconds ?? header?.durationSeconds ?? 0;
    return {
      sha256,
      sizeBytes: row.size_bytes,
      mediaType: 'audio/wav',
      originalName: row.original_name,
      durationSeconds,
      sampleRate: header?.sampleRate ?? 0,
      channels: header?.channels ?? 0,
      bitsPerSample: header?.bitsPerSample ?? 0,
      longerThanModelLimit: durationSeconds > MODEL_AUDIO_LIMIT_SECONDS,
      created: false,
      createdAt: row.created_at,
    };
  }

  exists(sha256: string): boolean {
    return this.row(sha256) !== null && fs.existsSync(this.pathOf(sha256));
  }

  read(sha256: string): Buffer | null {
    try {
      return fs.readFileSync(this.pathOf(sha256));
    } catch {
      return null;
    }
  }

  /** Reads the first 64 KiB, which contains the header of any WAV file the store accepted. */
  private readHead(sha256: string): Buffer | null {
    let fd: number | null = null;
    try {
      fd = fs.openSync(this.pathOf(sha256), 'r');
      const head = Buffer.alloc(64 * 1024);
      const length = fs.readSync(fd, head, 0, head.length, 0);
      return head.subarray(0, length);
    } catch {
      return null;
    } finally {
      if (fd !== null) {
        fs.closeSync(fd);
      }
    }
  }

  pathOf(sha256: string): string {
    if (!/^[0-9a-f]{64}$/.test(sha256)) {
      throw new Error(`invalid upload id "${sha256}"`);
    }
    return path.join(this.root, sha256.slice(0, 2), `${sha256}.wav`);
  }

  private row(sha256: string): UploadRow | null {
    const row = this.db.prepare('SELECT * FROM uploads WHERE sha256 = ?').get(sha256) as
      | UploadRow
      | undefined;
    return row ?? null;
  }
}
