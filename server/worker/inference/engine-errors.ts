import type { InferenceError } from '../../protocol/playground.ts';

const OUT_OF_MEMORY = /out of memory|OutOfMemoryError|MemoryError|Cannot allocate memory/i;
const AUDIO_UNREADABLE =
  /LibsndfileError|Format not recognised|NoBackendError|audioread|Error opening <_io\.BytesIO|could not (?:decode|read) audio/i;
const ADAPTER_MISSING =
  /adapter_config\.json|Can't find 'adapter_config\.json'|is not a valid adapter/i;
const ERROR_LINE = /(Error|Exception|Traceback|error:)/;

/**
 * Classifies what went wrong from the engine log lines written during a request or a model load.
 * `phase` picks the fallback code when no known pattern matches.
 */
export function classifyEngineError(
  logLines: readonly string[],
  phase: 'load' | 'request',
  fallback: string,
): InferenceError {
  const text = logLines.join('\n');
  const lastError =
    [...logLines].reverse().find((line) => ERROR_LINE.test(line) && !/^Traceback/.test(line)) ??
    fallback;
  const message = lastError.trim().slice(0, 2000);
  if (OUT_OF_MEMORY.test(text)) {
    return { code: 'out_of_memory', message };
  }
  if (AUDIO_UNREADABLE.test(text)) {
    return { code: 'audio_unreadable', message };
  }
  if (ADAPTER_MISSING.test(text)) {
    return { code: 'adapter_not_found', message };
  }
  return { code: phase === 'load' ? 'model_failed' : 'engine_error', message };
}
