import type { ChildProcess } from 'node:child_process';

/**
 * Sends a signal to a child's whole process group. Engine processes are spawned detached, so
 * the group id equals the child's pid and torchrun's ranks share it.
 */
export function signalGroup(child: ChildProcess, signal: NodeJS.Signals): boolean {
  if (child.pid === undefined) {
    return false;
  }
  try {
    process.kill(-child.pid, signal);
    return true;
  } catch {
    try {
      return child.kill(signal);
    } catch {
      return false;
    }
  }
}

/** Returns true while any process of the group still exists. */
export function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0);
    return true;
  } catch {
    return false;
  }
}
