import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Path of the pinned package list that defines the engine venv. */
export const requirementsLockPath: string = fileURLToPath(
  new URL('./requirements.lock', import.meta.url),
);

/**
 * Returns the Audio Board cache folder: `$AUDIO_BOARD_CACHE_DIR`, else
 * `$XDG_CACHE_HOME/audio-board`, else `~/.cache/audio-board`.
 */
export function engineCacheRoot(): string {
  const explicit = process.env.AUDIO_BOARD_CACHE_DIR;
  if (explicit) {
    return explicit;
  }
  const xdgCache = process.env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(xdgCache, 'audio-board');
}

/**
 * Returns the first 16 hex digits of the SHA-256 of the pin lines of
 * `requirements.lock`. Comments and blank lines are left out, so editing
 * them does not force a new venv.
 */
export function lockHash(): string {
  const pins = readFileSync(requirementsLockPath, 'utf8')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
  return createHash('sha256')
    .update(`${pins.join('\n')}\n`)
    .digest('hex')
    .slice(0, 16);
}

/**
 * Returns the engine venv folder, `<cache root>/engine/<lock hash>`. A change
 * to the lock file selects a new folder, so an old venv is never reused for
 * new pins. The venv is ready only when it contains `.complete`.
 */
export function engineVenvDir(): string {
  return join(engineCacheRoot(), 'engine', lockHash());
}

/** Returns the venv's Python interpreter. */
export function defaultEnginePython(): string {
  return join(engineVenvDir(), 'bin', 'python');
}

/** Returns the venv's `llamafactory-cli`. */
export function defaultEngineCli(): string {
  return join(engineVenvDir(), 'bin', 'llamafactory-cli');
}

/** Returns the marker file whose presence means the venv was fully installed. */
export function engineCompleteMarker(): string {
  return join(engineVenvDir(), '.complete');
}
