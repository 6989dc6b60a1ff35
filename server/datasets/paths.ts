import fs from 'node:fs';
import path from 'node:path';

export type ResolvedPath =
  | { ok: true; path: string }
  | { ok: false; reason: 'outside_root' | 'missing' };

/** True when `candidate` is `root` or lies below it; both must be absolute and normalised. */
export function isInside(root: string, candidate: string): boolean {
  const relative = path.relative(root, candidate);
  return relative === '' || (!relative.startsWith('..') && !path.isAbsolute(relative));
}

/**
 * Resolves a media path from a dataset as LLaMA-Factory does (joined to `dataset_dir`, or taken
 * as is when absolute) and accepts it only when its real path, after following symbolic links,
 * stays under the real path of `root`.
 */
export function resolveInsideRoot(root: string, relativeOrAbsolute: string): ResolvedPath {
  const realRoot = fs.realpathSync(root);
  const joined = path.resolve(root, relativeOrAbsolute);
  if (!isInside(path.resolve(root), joined) && !isInside(realRoot, joined)) {
    return { ok: false, reason: 'outside_root' };
  }
  let real: string;
  try {
    real = fs.realpathSync(joined);
  } catch {
    return { ok: false, reason: 'missing' };
  }
  if (!isInside(realRoot, real)) {
    return { ok: false, reason: 'outside_root' };
  }
  return { ok: true, path: real };
}
