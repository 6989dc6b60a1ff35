import type { FailureKind } from '../protocol/runs.ts';

interface FailurePattern {
  kind: FailureKind;
  pattern: RegExp;
}

// Ordered: the first pattern found anywhere in the log tail decides the kind.
const PATTERNS: readonly FailurePattern[] = [
  {
    kind: 'out_of_memory',
    pattern:
      /CUDA out of memory|OutOfMemoryError|DefaultCPUAllocator: can't allocate memory|Cannot allocate memory/i,
  },
  { kind: 'audio_token_mismatch', pattern: /audio features and audio tokens do not match/i },
  {
    kind: 'missing_file',
    pattern:
      /FileNotFoundError|No such file or directory|Cannot find valid samples|does not exist/i,
  },
];

const ERROR_LINE = /(Error|Exception|Traceback|error:)/;

/** Classifies a failed engine run from its exit and the last lines of its log. */
export function classifyFailure(
  logTail: readonly string[],
  exitCode: number | null,
  signal: string | null,
): { kind: FailureKind; message: string } {
  const text = logTail.join('\n');
  const matched = PATTERNS.find((entry) => entry.pattern.test(text));

  // The kernel's OOM killer sends SIGKILL without a word in the log.
  const kind: FailureKind =
    matched?.kind ?? (signal === 'SIGKILL' ? 'out_of_memory' : 'engine_error');

  const errorLine =
    [...logTail].reverse().find((line) => matched?.pattern.test(line)) ??
    [...logTail].reverse().find((line) => ERROR_LINE.test(line) && !line.startsWith('  File ')) ??
    (signal ? `The engine was killed by ${signal}.` : `The engine exited with code ${exitCode}.`);

  return { kind, message: errorLine.trim().slice(0, 2000) };
}
