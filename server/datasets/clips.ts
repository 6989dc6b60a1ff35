import { probeAudioFile } from '../audio/probe.ts';
import type { AudioProbe } from '../audio/types.ts';
import { resolveInsideRoot } from './paths.ts';

export type ClipLookup =
  | { ok: true; path: string; probe: AudioProbe }
  | { ok: false; reason: 'outside_root' | 'missing' };

/** Header reads keyed by the path written in the dataset; pass one to share reads between calls. */
export type ClipCache = Map<string, ClipLookup>;

/**
 * Finds a clip named in a dataset under `datasetDir` (LLaMA-Factory's default `media_dir`) and
 * reads its header. With a cache, each distinct path is resolved and read once.
 */
export function lookupClip(datasetDir: string, audioPath: string, cache?: ClipCache): ClipLookup {
  const cached = cache?.get(audioPath);
  if (cached) {
    return cached;
  }
  const resolved = resolveInsideRoot(datasetDir, audioPath);
  const lookup: ClipLookup = resolved.ok
    ? { ok: true, path: resolved.path, probe: probeAudioFile(resolved.path) }
    : resolved;
  cache?.set(audioPath, lookup);
  return lookup;
}
