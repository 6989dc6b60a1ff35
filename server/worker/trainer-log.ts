import { z } from 'zod';

/**
 * Parser for `trainer_log.jsonl`, the metrics file that LLaMA-Factory's `LogCallback` appends one
 * JSON object to per logging step (`src/llamafactory/train/callbacks.py`, v0.9.5).
 *
 * Facts about the writer that shape this parser:
 * - `on_log` drops keys whose value is None, so every metric may be missing.
 * - Since v0.9.1 the learning rate is written as `lr`; earlier versions wrote `learning_rate`.
 * - Up to v0.8.3 `throughput` was a string formatted with two decimals.
 * - `vram_allocated` and `vram_reserved` are peak GiB, written only with `RECORD_VRAM=1`. Without
 *   a GPU `get_peak_memory()` returns (0, -1) bytes, so `vram_reserved` arrives as -0.0.
 * - `json.dumps` allows NaN by default, so a diverged loss arrives as the bare token `NaN`.
 * - Prediction runs write progress lines with only the step, percentage and time keys.
 */

export const TRAINER_LOG_FILE = 'trainer_log.jsonl';

// Python's json module writes these tokens for float('nan') and float('inf'), and JSON.parse rejects them.
const NON_FINITE_TOKENS = ['-Infinity', 'Infinity', 'NaN'] as const;
const NON_FINITE_VALUES: Record<string, number> = {
  '-Infinity': Number.NEGATIVE_INFINITY,
  Infinity: Number.POSITIVE_INFINITY,
  NaN: Number.NaN,
};
// A NUL character cannot appear unescaped in a JSON string, so no value the writer produces
// decodes to this prefix unless it was escaped on purpose.
const NON_FINITE_SENTINEL = '\u0000non-finite:';

/** Any JavaScript number, including NaN and ±Infinity, which `z.number()` rejects. */
const anyNumber = z.custom<number>((value) => typeof value === 'number', {
  message: 'Expected a number',
});

const numericString = z
  .string()
  .regex(/^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/)
  .transform(Number);

// A metric of the wrong type becomes null instead of rejecting the line, so the step still counts.
const optionalMetric = z.union([anyNumber, numericString]).nullish().catch(null);
const optionalDuration = z.string().nullish().catch(null);
const stepCount = z.number().int().nonnegative();

/** One line of `trainer_log.jsonl` as LLaMA-Factory writes it. Unknown keys are kept. */
export const trainerLogLineSchema = z.looseObject({
  current_steps: stepCount,
  total_steps: stepCount,
  loss: optionalMetric,
  eval_loss: optionalMetric,
  predict_loss: optionalMetric,
  reward: optionalMetric,
  accuracy: optionalMetric,
  lr: optionalMetric,
  learning_rate: optionalMetric,
  epoch: optionalMetric,
  percentage: optionalMetric,
  elapsed_time: optionalDuration,
  remaining_time: optionalDuration,
  throughput: optionalMetric,
  total_tokens: optionalMetric,
  vram_allocated: optionalMetric,
  vram_reserved: optionalMetric,
});

export type TrainerLogLine = z.infer<typeof trainerLogLineSchema>;

const nullableMetric = anyNumber.nullable();

/**
 * A normalized metric point. Metrics are null when the line lacks them. `loss` and the other
 * metrics may be NaN or ±Infinity in process, but JSON turns those into null, so
 * `nonFiniteKeys` names the original keys that held them.
 */
export const trainerLogPointSchema = z.object({
  step: stepCount,
  totalSteps: stepCount,
  loss: nullableMetric,
  evalLoss: nullableMetric,
  predictLoss: nullableMetric,
  reward: nullableMetric,
  accuracy: nullableMetric,
  learningRate: nullableMetric,
  epoch: nullableMetric,
  /** Progress from 0 to 100. LLaMA-Factory writes 100 when `total_steps` is 0. */
  percentage: nullableMetric,
  elapsedSeconds: nullableMetric,
  remainingSeconds: nullableMetric,
  /** Input tokens per second since training started. */
  throughput: nullableMetric,
  totalTokens: nullableMetric,
  /** Peak allocated device memory in GiB (1024³ bytes). */
  vramAllocatedGiB: nullableMetric,
  /** Peak reserved device memory in GiB, or null where the device cannot report it (MPS, CPU). */
  vramReservedGiB: nullableMetric,
  nonFiniteKeys: z.array(z.string()),
  raw: z.record(z.string(), z.unknown()),
});

export type TrainerLogPoint = z.infer<typeof trainerLogPointSchema>;

export type TrainerLogParseResult =
  | { ok: true; point: TrainerLogPoint }
  | { ok: false; reason: string };

/**
 * Parses one line of `trainer_log.jsonl` into a normalized point.
 *
 * Rejects blank lines, invalid JSON, JSON that is not an object, and objects without an integer
 * `current_steps` and `total_steps`. The reason names the problem and the offending key.
 */
export function parseTrainerLogLine(line: string): TrainerLogParseResult {
  const text = line.trim();
  if (text === '') {
    return { ok: false, reason: 'empty line' };
  }

  let value: unknown;
  try {
    value = parsePythonJson(text);
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    return { ok: false, reason: `invalid JSON: ${detail}` };
  }

  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    const kind = value === null ? 'null' : Array.isArray(value) ? 'an array' : typeof value;
    return { ok: false, reason: `expected a JSON object, got ${kind}` };
  }

  const parsed = trainerLogLineSchema.safeParse(value);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) => {
      const key = issue.path.map(String).join('.');
      return key === '' ? issue.message : `${key}: ${issue.message}`;
    });
    return { ok: false, reason: `invalid trainer log entry: ${issues.join('; ')}` };
  }

  return { ok: true, point: normalize(parsed.data, value as Record<string, unknown>) };
}

function normalize(line: TrainerLogLine, raw: Record<string, unknown>): TrainerLogPoint {
  const nonFiniteKeys = Object.entries(raw)
    .filter(([, value]) => typeof value === 'number' && !Number.isFinite(value))
    .map(([key]) => key);

  return {
    step: line.current_steps,
    totalSteps: line.total_steps,
    loss: line.loss ?? null,
    evalLoss: line.eval_loss ?? null,
    predictLoss: line.predict_loss ?? null,
    reward: line.reward ?? null,
    accuracy: line.accuracy ?? null,
    learningRate: line.lr ?? line.learning_rate ?? null,
    epoch: line.epoch ?? null,
    percentage: line.percentage ?? null,
    elapsedSeconds: line.elapsed_time == null ? null : parseDuration(line.elapsed_time),
    remainingSeconds: line.remaining_time == null ? null : parseDuration(line.remaining_time),
    throughput: line.throughput ?? null,
    totalTokens: line.total_tokens ?? null,
    vramAllocatedGiB: line.vram_allocated ?? null,
    vramReservedGiB: toReservedGiB(line.vram_reserved),
    nonFiniteKeys,
    raw,
  };
}

// get_peak_memory() returns -1 bytes for reserved memory on MPS and CPU, which rounds to -0.0 GiB.
function toReservedGiB(value: number | null | undefined): number | null {
  if (value == null || value < 0 || Object.is(value, -0)) {
    return null;
  }
  return value;
}

// Python's str(timedelta): "H:MM:SS", "1 day, H:MM:SS", "-1 day, 23:59:59", "0:00:05.250000".
const DURATION_PATTERN = /^(?:([-+]?\d+) days?, )?(\d+):([0-5]\d):([0-5]\d(?:\.\d+)?)$/;

/** Converts Python's `str(timedelta)` format to seconds, or returns null for any other string. */
export function parseDuration(text: string): number | null {
  const match = DURATION_PATTERN.exec(text.trim());
  if (match === null) {
    return null;
  }

  const [, days = '0', hours = '0', minutes = '0', seconds = '0'] = match;
  return Number(days) * 86_400 + Number(hours) * 3_600 + Number(minutes) * 60 + Number(seconds);
}

/** Parses JSON that may contain Python's `NaN`, `Infinity` and `-Infinity` tokens. */
export function parsePythonJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    const replaced = replaceNonFiniteTokens(text);
    if (replaced === text) {
      throw error;
    }
    return JSON.parse(replaced, (_key, value: unknown) =>
      typeof value === 'string' && value.startsWith(NON_FINITE_SENTINEL)
        ? NON_FINITE_VALUES[value.slice(NON_FINITE_SENTINEL.length)]
        : value,
    );
  }
}

// Replaces the bare tokens outside string literals with sentinel strings for the reviver.
function replaceNonFiniteTokens(text: string): string {
  let output = '';
  let inString = false;
  let index = 0;

  while (index < text.length) {
    const char = text.charAt(index);

    if (inString) {
      if (char === '\\') {
        output += text.slice(index, index + 2);
        index += 2;
        continue;
      }
      inString = char !== '"';
      output += char;
      index += 1;
      continue;
    }

    if (char === '"') {
      inString = true;
      output += char;
      index += 1;
      continue;
    }

    const token = NON_FINITE_TOKENS.find((candidate) => text.startsWith(candidate, index));
    if (token === undefined) {
      output += char;
      index += 1;
      continue;
    }
    output += JSON.stringify(NON_FINITE_SENTINEL + token);
    index += token.length;
  }

  return output;
}

/**
 * Splits a stream of text chunks into complete lines.
 *
 * A trailing line without its newline stays pending until the newline arrives or `flush()` is
 * called. Lines end at `\n`, and a `\r` before it is removed. Blank lines are dropped, so callers
 * that number lines count only non-blank ones.
 */
export class JsonlLineSplitter {
  #pending = '';

  /** Appends a chunk and returns the lines that it completed, in order. */
  push(chunk: string): string[] {
    const lastNewline = chunk.lastIndexOf('\n');
    if (lastNewline === -1) {
      this.#pending += chunk;
      return [];
    }

    const complete = this.#pending + chunk.slice(0, lastNewline);
    this.#pending = chunk.slice(lastNewline + 1);
    return complete.split('\n').flatMap(toLine);
  }

  /** Returns the pending partial line, if it is not blank, and clears it. */
  flush(): string[] {
    const rest = this.#pending;
    this.#pending = '';
    return toLine(rest);
  }

  /** The text received after the last newline. */
  get pending(): string {
    return this.#pending;
  }
}

function toLine(text: string): string[] {
  const line = text.endsWith('\r') ? text.slice(0, -1) : text;
  return line.trim() === '' ? [] : [line];
}
