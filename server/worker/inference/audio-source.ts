import fs from 'node:fs';
import path from 'node:path';
import type { InferenceError } from '../../protocol/playground.ts';

/**
 * Fetches clips from the board's upload store (`GET /api/uploads/:sha` with the worker's token)
 * into a local media folder, where `llamafactory-cli api` reads them by path.
 *
 * Paths are used rather than `data:audio/wav;base64,` URLs because LLaMA-Factory 0.9.5 reads
 * each clip twice, once to count audio tokens and once for the features. A data URL becomes an
 * in-memory stream that is at its end on the second read, so torchaudio fails with "Invalid data
 * found when processing input". The engine accepts local paths under `SAFE_MEDIA_PATH`.
 */
export class AudioSource {
  constructor(
    private readonly serverUrl: string,
    private readonly token: string | null,
    readonly mediaDir: string,
  ) {}

  /** Returns the local path of each clip, downloading the ones not cached yet. */
  async localPaths(shas: readonly string[], signal: AbortSignal): Promise<Map<string, string>> {
    fs.mkdirSync(this.mediaDir, { recursive: true });
    const entries = await Promise.all(
      shas.map(async (sha) => [sha, await this.localPath(sha, signal)] as const),
    );
    return new Map(entries);
  }

  private async localPath(sha: string, signal: AbortSignal): Promise<string> {
    if (!/^[0-9a-f]{64}$/.test(sha)) {
      throw {
        code: 'audio_unreadable',
        message: `Invalid clip id "${sha}".`,
      } satisfies InferenceError;
    }
    const file = path.join(this.mediaDir, `${sha}.wav`);
    if (fs.existsSync(file)) {
      return file;
    }
    const headers: Record<string, string> = {};
    if (this.token) {
      headers.Authorization = `Bearer ${this.token}`;
    }
    const response = await fetch(`${this.serverUrl}/api/uploads/${sha}`, { headers, signal });
    if (!response.ok) {
      await response.body?.cancel();
      throw {
        code: 'audio_unreadable',
        message: `The board returned HTTP ${response.status} for clip ${sha}.`,
      } satisfies InferenceError;
    }
    const bytes = Buffer.from(await response.arrayBuffer());
    // Content-addressed: write then rename, so a concurrent request never reads half a file.
    const temporary = `${file}.${process.pid}.${Date.now()}.tmp`;
    fs.writeFileSync(temporary, bytes);
    fs.renameSync(temporary, file);
    return file;
  }
}
