import { type FSWatcher, watch } from 'node:fs';
import { open } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { JsonlLineSplitter } from './trainer-log.ts';

export interface FollowFileOptions {
  /**
   * Receives each complete, non-blank line with its 1-based number among the non-blank lines of
   * the current file. An exception thrown here goes to `onError` and following continues.
   */
  onLine(line: string, lineNumber: number): void;
  /** Receives read and watch errors. The same error is reported once until a read succeeds. */
  onError(error: Error): void;
  /**
   * Called when the file shrank, was replaced or was deleted. Numbering restarts at 1 for the
   * new content, and `fromLine` no longer applies.
   */
  onReset?(): void;
  /** First line number to deliver. Earlier lines are read but not delivered. Default 1. */
  fromLine?: number;
  /** Interval in ms of the fallback poll that catches changes fs.watch missed. Default 1000. */
  pollMs?: number;
  /** Whether to use fs.watch. Turn off on network filesystems, where it reports nothing. */
  watch?: boolean;
}

export interface FileFollower {
  /** Stops watching and polling, and resolves after the read in progress has finished. */
  /**
   * Stops following. With `drain`, it first reads everything written so far and delivers a
   * final line that has no newline, so nothing an exited writer left behind is lost.
   */
  stop(options?: { drain?: boolean }): Promise<void>;
}

const DEFAULT_POLL_MS = 1_000;
const READ_CHUNK_BYTES = 1 << 20;

/**
 * Follows a growing text file like `tail -f`, delivering each line as soon as its newline is
 * written.
 *
 * The file may not exist yet. The follower watches the parent directory with fs.watch, because
 * a watch on the file itself would not see the file being created or replaced. A slow poll
 * backs it up because fs.watch can miss events. Each read starts at the byte offset where the
 * last one stopped. A file that shrinks or changes inode is read again from the start.
 *
 * A trailing line without a newline is held back until its newline arrives and is dropped by
 * `stop()`.
 */
export function followFile(path: string, options: FollowFileOptions): FileFollower {
  const directory = dirname(path);
  const fileName = basename(path);
  const pollMs = options.pollMs ?? DEFAULT_POLL_MS;
  const useWatch = options.watch ?? true;

  let offset = 0;
  let lineCount = 0;
  let firstDelivered = options.fromLine ?? 1;
  let decoder = new StringDecoder('utf8');
  let splitter = new JsonlLineSplitter();
  let identity: string | null = null;
  let missingSinceRead = false;

  let stopped = false;
  let watcher: FSWatcher | null = null;
  let reading: Promise<void> | null = null;
  let readRequested = false;
  let lastErrorMessage: string | null = null;

  function reportError(error: unknown): void {
    const normalized = error instanceof Error ? error : new Error(String(error));
    if (normalized.message === lastErrorMessage) {
      return;
    }
    lastErrorMessage = normalized.message;
    options.onError(normalized);
  }

  function resetContent(): void {
    offset = 0;
    lineCount = 0;
    firstDelivered = 1;
    decoder = new StringDecoder('utf8');
    splitter = new JsonlLineSplitter();
    options.onReset?.();
  }

  function deliver(text: string): void {
    for (const line of splitter.push(text)) {
      lineCount += 1;
      if (lineCount < firstDelivered) {
        continue;
      }
      try {
        options.onLine(line, lineCount);
      } catch (error) {
        reportError(error);
      }
    }
  }

  async function readNewBytes(): Promise<void> {
    let handle: Awaited<ReturnType<typeof open>>;
    try {
      handle = await open(path, 'r');
    } catch (error) {
      if (isErrorCode(error, 'ENOENT')) {
        missingSinceRead = identity !== null;
        return;
      }
      throw error;
    }

    try {
      const stats = await handle.stat();
      const currentIdentity = `${stats.dev}:${stats.ino}`;
      // NOTE: a file truncated in place and rewritten past `offset` between two reads keeps its
      // inode and size order, so that rewrite goes unnoticed and its first bytes are skipped.
      const replaced = identity !== null && (currentIdentity !== identity || missingSinceRead);
      if (replaced || stats.size < offset) {
        resetContent();
      }
      identity = currentIdentity;
      missingSinceRead = false;

      // Read only up to the size seen now, because bytes appended meanwhile trigger another read.
      const end = stats.size;
      const buffer = Buffer.allocUnsafe(Math.min(READ_CHUNK_BYTES, Math.max(end - offset, 1)));
      while (offset < end && !stopped) {
        const length = Math.min(buffer.length, end - offset);
        const { bytesRead } = await handle.read(buffer, 0, length, offset);
        if (bytesRead === 0) {
          break;
        }
        offset += bytesRead;
        deliver(decoder.write(buffer.subarray(0, bytesRead)));
      }
    } finally {
      await handle.close();
    }
  }

  function requestRead(): void {
    if (stopped) {
      return;
    }
    if (reading !== null) {
      readRequested = true;
      return;
    }

    reading = (async () => {
      do {
        readRequested = false;
        try {
          await readNewBytes();
          lastErrorMessage = null;
        } catch (error) {
          reportError(error);
        }
      } while (readRequested && !stopped);
    })().finally(() => {
      reading = null;
    });
  }

  function ensureWatcher(): void {
    if (!useWatch || watcher !== null || stopped) {
      return;
    }
    try {
      watcher = watch(directory, { persistent: false }, (_event, changed) => {
        // Some platforms omit the file name, and a spurious read costs only an open and a stat.
        if (changed === null || changed === fileName) {
          requestRead();
        }
      });
    } catch (error) {
      // The directory may not exist yet, so the poll retries.
      if (!isErrorCode(error, 'ENOENT')) {
        reportError(error);
      }
      return;
    }
    watcher.on('error', (error) => {
      reportError(error);
      watcher?.close();
      watcher = null;
    });
  }

  const pollTimer = setInterval(() => {
    ensureWatcher();
    requestRead();
  }, pollMs);

  ensureWatcher();
  requestRead();

  return {
    async stop(stopOptions?: { drain?: boolean }) {
      clearInterval(pollTimer);
      watcher?.close();
      watcher = null;
      if (stopOptions?.drain && !stopped) {
        await reading;
        try {
          await readNewBytes();
        } catch (error) {
          reportError(error);
        }
        for (const line of splitter.flush()) {
          lineCount += 1;
          if (lineCount >= firstDelivered) {
            options.onLine(line, lineCount);
          }
        }
      }
      stopped = true;
      await reading;
    },
  };
}

function isErrorCode(error: unknown, code: string): boolean {
  return error instanceof Error && 'code' in error && error.code === code;
}
