import { appendFile, mkdir, mkdtemp, rename, rm, truncate, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  type FileFollower,
  type FollowFileOptions,
  followFile,
} from '../../../server/worker/file-follower.ts';

interface Followed {
  lines: string[];
  numbers: number[];
  errors: Error[];
  resets: number;
  follower: FileFollower;
}

let directory: string;
let followers: FileFollower[];

beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'file-follower-'));
  followers = [];
});

afterEach(async () => {
  vi.useRealTimers();
  await Promise.all(followers.map((follower) => follower.stop()));
  await rm(directory, { recursive: true, force: true });
});

function follow(path: string, options: Partial<FollowFileOptions> = {}): Followed {
  const followed: Followed = {
    lines: [],
    numbers: [],
    errors: [],
    resets: 0,
    follower: { stop: async () => {} },
  };
  followed.follower = followFile(path, {
    pollMs: 50,
    onLine(line, lineNumber) {
      followed.lines.push(line);
      followed.numbers.push(lineNumber);
    },
    onError(error) {
      followed.errors.push(error);
    },
    onReset() {
      followed.resets += 1;
    },
    ...options,
  });
  followers.push(followed.follower);
  return followed;
}

async function until(check: () => void, timeout = 3_000): Promise<void> {
  await vi.waitFor(check, { timeout, interval: 10 });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

describe('followFile', () => {
  it('delivers existing lines numbered from 1', async () => {
    const path = join(directory, 'trainer_log.jsonl');
    await writeFile(path, 'a\nb\nc\n');

    const followed = follow(path);

    await until(() => expect(followed.lines).toEqual(['a', 'b', 'c']));
    expect(followed.numbers).toEqual([1, 2, 3]);
  });

  it('delivers lines appended in pieces once complete', async () => {
    const path = join(directory, 'trainer_log.jsonl');
    await writeFile(path, '');
    const followed = follow(path);

    await appendFile(path, '{"current_steps": ');
    await sleep(150);
    expect(followed.lines).toEqual([]);

    await appendFile(path, '1}\n{"current_');
    await until(() => expect(followed.lines).toEqual(['{"current_steps": 1}']));

    await appendFile(path, 'steps": 2}\n');
    await until(() => expect(followed.lines).toHaveLength(2));
    expect(followed.lines[1]).toBe('{"current_steps": 2}');
    expect(followed.numbers).toEqual([1, 2]);
  });

  it('waits for a file created later', async () => {
    const path = join(directory, 'trainer_log.jsonl');
    const followed = follow(path, { pollMs: 60_000 });

    await sleep(100);
    await writeFile(path, 'first\n');

    await until(() => expect(followed.lines).toEqual(['first']));
    expect(followed.errors).toEqual([]);
  });

  it('waits for a directory created later', async () => {
    const runDirectory = join(directory, 'run-1');
    const path = join(runDirectory, 'trainer_log.jsonl');
    const followed = follow(path);

    await sleep(100);
    await mkdir(runDirectory);
    await writeFile(path, 'first\n');
    await until(() => expect(followed.lines).toEqual(['first']));

    await appendFile(path, 'second\n');
    await until(() => expect(followed.lines).toEqual(['first', 'second']));
    expect(followed.errors).toEqual([]);
  });

  it('delivers an appended line well within a second', async () => {
    const path = join(directory, 'trainer_log.jsonl');
    await writeFile(path, '');
    // A poll this slow cannot deliver in time, so only fs.watch can pass this test.
    const followed = follow(path, { pollMs: 60_000 });
    await sleep(50);

    const latencies: number[] = [];
    for (let index = 1; index <= 5; index += 1) {
      const written = performance.now();
      await appendFile(path, `line ${index}\n`);
      await until(() => expect(followed.lines).toHaveLength(index));
      latencies.push(performance.now() - written);
    }

    // The target is 200 ms, and the bound leaves room for a loaded test machine.
    expect(Math.max(...latencies)).toBeLessThan(500);
  });

  it('falls back to polling without fs.watch', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const path = join(directory, 'trainer_log.jsonl');
    await writeFile(path, '');
    const followed = follow(path, { watch: false, pollMs: 1_000 });
    await sleep(50);

    await appendFile(path, 'polled\n');
    await sleep(100);
    expect(followed.lines).toEqual([]);

    await vi.advanceTimersByTimeAsync(1_000);
    await until(() => expect(followed.lines).toEqual(['polled']));
  });

  it('skips lines before fromLine', async () => {
    const path = join(directory, 'trainer_log.jsonl');
    await writeFile(path, 'a\nb\nc\n');

    const followed = follow(path, { fromLine: 3 });
    await until(() => expect(followed.lines).toEqual(['c']));
    await appendFile(path, 'd\n');

    await until(() => expect(followed.lines).toEqual(['c', 'd']));
    expect(followed.numbers).toEqual([3, 4]);
  });

  it('numbers only non-blank lines', async () => {
    const path = join(directory, 'trainer_log.jsonl');
    await writeFile(path, 'a\r\n\nb\r\n');

    const followed = follow(path);

    await until(() => expect(followed.lines).toEqual(['a', 'b']));
    expect(followed.numbers).toEqual([1, 2]);
  });

  it('restarts from the start after truncation', async () => {
    const path = join(directory, 'trainer_log.jsonl');
    await writeFile(path, 'old 1\nold 2\n');
    const followed = follow(path, { fromLine: 2 });
    await until(() => expect(followed.lines).toEqual(['old 2']));

    await truncate(path, 0);
    await appendFile(path, 'new 1\n');

    await until(() => expect(followed.lines).toEqual(['old 2', 'new 1']));
    expect(followed.numbers).toEqual([2, 1]);
    expect(followed.resets).toBe(1);
  });

  it('restarts when the file is replaced by a longer one', async () => {
    const path = join(directory, 'trainer_log.jsonl');
    await writeFile(path, 'old\n');
    const followed = follow(path);
    await until(() => expect(followed.lines).toEqual(['old']));

    const replacement = join(directory, 'replacement.jsonl');
    await writeFile(replacement, 'new 1\nnew 2\nnew 3\n');
    await rename(replacement, path);

    await until(() => expect(followed.lines).toEqual(['old', 'new 1', 'new 2', 'new 3']));
    expect(followed.numbers).toEqual([1, 1, 2, 3]);
    expect(followed.resets).toBe(1);
  });

  it('restarts when the file is deleted and recreated', async () => {
    const path = join(directory, 'trainer_log.jsonl');
    await writeFile(path, 'old 1\nold 2\n');
    const followed = follow(path);
    await until(() => expect(followed.lines).toHaveLength(2));

    await rm(path);
    await sleep(150);
    await writeFile(path, 'new 1\nnew 2\nnew 3\n');

    await until(() => expect(followed.lines).toHaveLength(5));
    expect(followed.lines.slice(2)).toEqual(['new 1', 'new 2', 'new 3']);
    expect(followed.resets).toBe(1);
  });

  it('decodes a character split across appends', async () => {
    const path = join(directory, 'trainer_log.jsonl');
    await writeFile(path, '');
    const followed = follow(path);
    const bytes = Buffer.from('{"note": "é"}\n', 'utf8');
    const splitAt = bytes.indexOf(0xc3) + 1;

    await appendFile(path, bytes.subarray(0, splitAt));
    await sleep(150);
    await appendFile(path, bytes.subarray(splitAt));

    await until(() => expect(followed.lines).toEqual(['{"note": "é"}']));
  });

  it('reads a file larger than one read chunk', async () => {
    const path = join(directory, 'trainer_log.jsonl');
    const lines = Array.from(
      { length: 40_000 },
      (_, index) => `{"current_steps": ${index + 1}, "pad": "${'x'.repeat(40)}"}`,
    );
    await writeFile(path, `${lines.join('\n')}\n`);

    const followed = follow(path);

    await until(() => expect(followed.lines).toHaveLength(lines.length), 10_000);
    expect(followed.lines).toEqual(lines);
    expect(followed.numbers.at(-1)).toBe(lines.length);
  });

  it('reports an onLine exception and continues', async () => {
    const path = join(directory, 'trainer_log.jsonl');
    await writeFile(path, 'bad\ngood\n');
    const delivered: string[] = [];
    const followed = follow(path, {
      onLine(line) {
        if (line === 'bad') {
          throw new Error('handler failed');
        }
        delivered.push(line);
      },
    });

    await until(() => expect(delivered).toEqual(['good']));
    expect(followed.errors.map((error) => error.message)).toEqual(['handler failed']);
  });

  it('reports a repeated read error once', async () => {
    const path = join(directory, 'not-a-file');
    await mkdir(path);

    const followed = follow(path, { pollMs: 20 });
    await until(() => expect(followed.errors).toHaveLength(1));
    await sleep(200);

    expect(followed.errors).toHaveLength(1);
    expect(followed.errors[0]).toMatchObject({ code: 'EISDIR' });
  });

  it('delivers nothing after stop', async () => {
    const path = join(directory, 'trainer_log.jsonl');
    await writeFile(path, 'before\n');
    const followed = follow(path);
    await until(() => expect(followed.lines).toEqual(['before']));

    await followed.follower.stop();
    await appendFile(path, 'after\n');
    await sleep(250);

    expect(followed.lines).toEqual(['before']);
  });

  it('drops a partial line on stop', async () => {
    const path = join(directory, 'trainer_log.jsonl');
    await writeFile(path, 'complete\npartial');
    const followed = follow(path);
    await until(() => expect(followed.lines).toEqual(['complete']));

    await followed.follower.stop();

    expect(followed.lines).toEqual(['complete']);
  });
});
