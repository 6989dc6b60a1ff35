import type { InferenceError } from '../../protocol/playground.ts';

interface ErrorPattern {
  code: InferenceError['code'];
  pattern: RegExp;
}

// Ordered: the first pattern found anywhere in the log lines decides the code.
const PATTERNS: readonly ErrorPattern[] = [
  {
    code: 'out_of_memory',
    pattern:
      /out of memory|OutOfMemoryError|MemoryError|Cannot allocate memory|DefaultCPUAllocator: can't allocate memory/i,
  },
  {
    // The last four are what LLaMA-Factory 0.9.5's API logs for an empty or corrupt WAV file and
    // for a clip path that does not exist (it then treats the path as a URL).
    code: 'audio_unreadable',
    pattern:
      /LibsndfileError|Format not recognised|NoBackendError|audioread|Error opening <_io\.BytesIO|could not (?:decode|read) audio|Failed to decode audio|Failed to open the input|Invalid data found when processing input|Only HTTP\/HTTPS URLs are allowed/i,
  },
  {
    code: 'adapter_not_found',
    pattern: /adapter_config\.json|Can't find 'adapter_config\.json'|is not a valid adapter/i,
  },
];

const ERROR_LINE = /(Error|Exception|Traceback|error:)/;
/** Lines that Starlette and anyio add after the real error; they name no cause. */
const WRAPPER_LINE =
  /^(Traceback|\+ Exception Group Traceback)|Exception in ASGI application|ExceptionGroup: unhandled errors|Caught handled exception, but response already started/;

/**
 * Classifies what went wrong from the engine log lines written during a request or a model load.
 * `phase` picks the fallback code when no known pattern matches. The message is the last line
 * that matched the pattern, else the last error line that is not a wrapper, else `fallback`.
 */
export function classifyEngineError(
  logLines: readonly string[],
  phase: 'load' | 'request',
  fallback: string,
): InferenceError {
  const text = logLines.join('\n');
  const matched = PATTERNS.find((entry) => entry.pattern.test(text));
  const lines = logLines.map((line) => line.replace(/^[\s|]+/, '')).reverse();
  const message = (
    (matched && lines.find((line) => matched.pattern.test(line) && !line.startsWith('raise '))) ??
    lines.find((line) => ERROR_LINE.test(line) && !WRAPPER_LINE.test(line)) ??
    fallback
  )
    .trim()
    .slice(0, 2000);
  if (matched) {
    return { code: matched.code, message };
  }
  return { code: phase === 'load' ? 'model_failed' : 'engine_error', message };
}
