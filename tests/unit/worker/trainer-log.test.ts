import { describe, expect, it } from 'vitest';
import {
  JsonlLineSplitter,
  parseDuration,
  parsePythonJson,
  parseTrainerLogLine,
  type TrainerLogPoint,
  trainerLogPointSchema,
} from '../../../server/worker/trainer-log.ts';

// Lines in the byte format of Python's json.dumps, as LLaMA-Factory v0.9.5 writes them.
const TRAIN_LINE =
  '{"current_steps": 10, "total_steps": 200, "loss": 2.3456, "lr": 4.5e-05, "epoch": 0.16, ' +
  '"percentage": 5.0, "elapsed_time": "0:00:12", "remaining_time": "0:03:48", ' +
  '"throughput": 1234.56, "total_tokens": 20480, "vram_allocated": 14.52, "vram_reserved": 16.0}';
const EVAL_LINE =
  '{"current_steps": 50, "total_steps": 200, "eval_loss": 1.875, "epoch": 0.8, ' +
  '"percentage": 25.0, "elapsed_time": "0:01:00", "remaining_time": "0:03:00"}';
const PREDICT_LINE =
  '{"current_steps": 5, "total_steps": 40, "percentage": 12.5, "elapsed_time": "0:00:03", ' +
  '"remaining_time": "0:00:21"}';
const OLD_LINE =
  '{"current_steps": 3, "total_steps": 30, "loss": 1.5, "eval_loss": null, "predict_loss": null, ' +
  '"reward": null, "learning_rate": 1e-4, "epoch": 0.3, "percentage": 10.0, ' +
  '"elapsed_time": "0:00:09", "remaining_time": "0:01:21", "throughput": "812.40"}';

function parsePoint(line: string): TrainerLogPoint {
  const result = parseTrainerLogLine(line);
  if (!result.ok) {
    throw new Error(`expected ${line} to parse, got: ${result.reason}`);
  }
  return result.point;
}

function parseReason(line: string): string {
  const result = parseTrainerLogLine(line);
  if (result.ok) {
    throw new Error(`expected ${line} to be rejected`);
  }
  return result.reason;
}

describe('parseTrainerLogLine', () => {
  it('normalizes a training step line', () => {
    const point = parsePoint(TRAIN_LINE);

    expect(point.step).toBe(10);
    expect(point.totalSteps).toBe(200);
    expect(point.loss).toBe(2.3456);
    expect(point.evalLoss).toBeNull();
    expect(point.learningRate).toBe(4.5e-5);
    expect(point.epoch).toBe(0.16);
    expect(point.percentage).toBe(5);
    expect(point.elapsedSeconds).toBe(12);
    expect(point.remainingSeconds).toBe(228);
    expect(point.throughput).toBe(1234.56);
    expect(point.totalTokens).toBe(20480);
    expect(point.vramAllocatedGiB).toBe(14.52);
    expect(point.vramReservedGiB).toBe(16);
    expect(point.nonFiniteKeys).toEqual([]);
  });

  it('keeps the raw object with unknown keys', () => {
    const point = parsePoint('{"current_steps": 1, "total_steps": 2, "grad_norm": 0.7, "loss": 1}');

    expect(point.raw).toEqual({ current_steps: 1, total_steps: 2, grad_norm: 0.7, loss: 1 });
  });

  it('reads an evaluation line without loss or lr', () => {
    const point = parsePoint(EVAL_LINE);

    expect(point.evalLoss).toBe(1.875);
    expect(point.loss).toBeNull();
    expect(point.learningRate).toBeNull();
    expect(point.throughput).toBeNull();
  });

  it('reads a prediction progress line', () => {
    const point = parsePoint(PREDICT_LINE);

    expect(point.step).toBe(5);
    expect(point.percentage).toBe(12.5);
    expect(point.remainingSeconds).toBe(21);
    expect(point.epoch).toBeNull();
  });

  it('falls back to learning_rate from older versions', () => {
    expect(parsePoint(OLD_LINE).learningRate).toBe(1e-4);
  });

  it('prefers lr over learning_rate', () => {
    const point = parsePoint(
      '{"current_steps": 1, "total_steps": 2, "lr": 2e-5, "learning_rate": 9}',
    );

    expect(point.learningRate).toBe(2e-5);
  });

  it('reads throughput written as a string', () => {
    expect(parsePoint(OLD_LINE).throughput).toBeCloseTo(812.4);
  });

  it('turns explicit nulls into null metrics', () => {
    const point = parsePoint(OLD_LINE);

    expect(point.evalLoss).toBeNull();
    expect(point.predictLoss).toBeNull();
    expect(point.reward).toBeNull();
  });

  it('reads reward and accuracy of preference training', () => {
    const point = parsePoint(
      '{"current_steps": 4, "total_steps": 8, "reward": 0.25, "accuracy": 0.75}',
    );

    expect(point.reward).toBe(0.25);
    expect(point.accuracy).toBe(0.75);
  });

  it('keeps a NaN loss and names it', () => {
    const point = parsePoint('{"current_steps": 7, "total_steps": 9, "loss": NaN, "lr": 1e-5}');

    expect(point.loss).toBeNaN();
    expect(point.learningRate).toBe(1e-5);
    expect(point.nonFiniteKeys).toEqual(['loss']);
  });

  it('reads Infinity and -Infinity', () => {
    const point = parsePoint(
      '{"current_steps": 7, "total_steps": 9, "loss": Infinity, "eval_loss": -Infinity}',
    );

    expect(point.loss).toBe(Number.POSITIVE_INFINITY);
    expect(point.evalLoss).toBe(Number.NEGATIVE_INFINITY);
    expect(point.nonFiniteKeys).toEqual(['loss', 'eval_loss']);
  });

  it('maps negative reserved memory to null', () => {
    const cpu = parsePoint(
      '{"current_steps": 1, "total_steps": 2, "vram_allocated": 0.0, "vram_reserved": -0.0}',
    );

    expect(cpu.vramReservedGiB).toBeNull();
    expect(cpu.vramAllocatedGiB).toBe(0);
  });

  it('nulls a metric of the wrong type but keeps the line', () => {
    const point = parsePoint(
      '{"current_steps": 1, "total_steps": 2, "loss": "high", "epoch": [1]}',
    );

    expect(point.loss).toBeNull();
    expect(point.epoch).toBeNull();
    expect(point.raw.loss).toBe('high');
  });

  it('nulls an unreadable duration', () => {
    const point = parsePoint('{"current_steps": 1, "total_steps": 2, "elapsed_time": "soon"}');

    expect(point.elapsedSeconds).toBeNull();
  });

  it('accepts surrounding whitespace and a carriage return', () => {
    expect(parsePoint('  {"current_steps": 1, "total_steps": 2}\r').step).toBe(1);
  });

  it('produces points that match the point schema', () => {
    for (const line of [TRAIN_LINE, EVAL_LINE, PREDICT_LINE, OLD_LINE]) {
      expect(trainerLogPointSchema.safeParse(parsePoint(line)).success).toBe(true);
    }
  });

  it('rejects an empty line', () => {
    expect(parseReason('   ')).toBe('empty line');
  });

  it('rejects invalid JSON', () => {
    expect(parseReason('{"current_steps": 1, "total')).toMatch(/^invalid JSON: /);
  });

  it('rejects NaN-like text that is not JSON', () => {
    expect(parseReason('NaNa')).toMatch(/^invalid JSON: /);
  });

  it('rejects an array', () => {
    expect(parseReason('[1, 2]')).toBe('expected a JSON object, got an array');
  });

  it('rejects null', () => {
    expect(parseReason('null')).toBe('expected a JSON object, got null');
  });

  it('rejects a number', () => {
    expect(parseReason('42')).toBe('expected a JSON object, got number');
  });

  it('rejects a line without current_steps', () => {
    expect(parseReason('{"total_steps": 10, "loss": 1}')).toMatch(/current_steps/);
  });

  it('rejects a line without total_steps', () => {
    expect(parseReason('{"current_steps": 10, "loss": 1}')).toMatch(/total_steps/);
  });

  it('rejects a fractional step', () => {
    expect(parseReason('{"current_steps": 1.5, "total_steps": 10}')).toMatch(/current_steps/);
  });

  it('rejects a negative step', () => {
    expect(parseReason('{"current_steps": -1, "total_steps": 10}')).toMatch(/current_steps/);
  });

  it('rejects a NaN step', () => {
    expect(parseReason('{"current_steps": NaN, "total_steps": 10}')).toMatch(/current_steps/);
  });
});

describe('parsePythonJson', () => {
  it('leaves NaN inside strings alone', () => {
    expect(parsePythonJson('{"note": "NaN and Infinity", "value": NaN}')).toEqual({
      note: 'NaN and Infinity',
      value: Number.NaN,
    });
  });

  it('handles escaped quotes before a token', () => {
    expect(parsePythonJson('{"note": "say \\"hi\\"", "value": -Infinity}')).toEqual({
      note: 'say "hi"',
      value: Number.NEGATIVE_INFINITY,
    });
  });

  it('parses standard JSON unchanged', () => {
    expect(parsePythonJson('{"a": [1, 2.5, null]}')).toEqual({ a: [1, 2.5, null] });
  });

  it('throws on invalid JSON without tokens', () => {
    expect(() => parsePythonJson('{oops}')).toThrow(SyntaxError);
  });
});

describe('parseDuration', () => {
  it.each([
    ['0:00:00', 0],
    ['0:00:05', 5],
    ['0:01:05', 65],
    ['2:03:04', 7384],
    ['12:00:00', 43_200],
    ['1 day, 2:03:04', 93_784],
    ['3 days, 0:00:01', 259_201],
    ['-1 day, 23:59:59', -1],
    ['0:00:05.250000', 5.25],
    [' 0:00:07 ', 7],
  ])('reads %s as %d seconds', (text, seconds) => {
    expect(parseDuration(text)).toBe(seconds);
  });

  it.each(['', 'soon', '5', '0:5:00', '0:00:60', '1:00', '1 week, 0:00:00', 'day, 0:00:01'])(
    'returns null for %j',
    (text) => {
      expect(parseDuration(text)).toBeNull();
    },
  );
});

describe('JsonlLineSplitter', () => {
  it('returns complete lines from one chunk', () => {
    const splitter = new JsonlLineSplitter();

    expect(splitter.push('a\nb\n')).toEqual(['a', 'b']);
  });

  it('holds a partial line until its newline', () => {
    const splitter = new JsonlLineSplitter();

    expect(splitter.push('{"current')).toEqual([]);
    expect(splitter.push('_steps": 1')).toEqual([]);
    expect(splitter.pending).toBe('{"current_steps": 1');
    expect(splitter.push('}\n{"n')).toEqual(['{"current_steps": 1}']);
    expect(splitter.pending).toBe('{"n');
  });

  it('strips CRLF endings', () => {
    const splitter = new JsonlLineSplitter();

    expect(splitter.push('a\r\nb\r\n')).toEqual(['a', 'b']);
  });

  it('strips a CR that arrives in an earlier chunk than its LF', () => {
    const splitter = new JsonlLineSplitter();

    expect(splitter.push('a\r')).toEqual([]);
    expect(splitter.push('\nb')).toEqual(['a']);
  });

  it('drops empty and blank lines', () => {
    const splitter = new JsonlLineSplitter();

    expect(splitter.push('\n\na\n  \n\r\nb\n')).toEqual(['a', 'b']);
  });

  it('flushes a final line without newline', () => {
    const splitter = new JsonlLineSplitter();
    splitter.push('a\nlast');

    expect(splitter.flush()).toEqual(['last']);
    expect(splitter.pending).toBe('');
  });

  it('flushes nothing when no partial line is pending', () => {
    const splitter = new JsonlLineSplitter();
    splitter.push('a\n');

    expect(splitter.flush()).toEqual([]);
  });

  it('splits the same way whatever the chunk boundaries', () => {
    const text = `${TRAIN_LINE}\r\n${EVAL_LINE}\n\n${PREDICT_LINE}\n${OLD_LINE}`;
    const expected = [TRAIN_LINE, EVAL_LINE, PREDICT_LINE, OLD_LINE];

    for (const size of [1, 2, 3, 7, 64, text.length]) {
      const splitter = new JsonlLineSplitter();
      const lines: string[] = [];
      for (let start = 0; start < text.length; start += size) {
        lines.push(...splitter.push(text.slice(start, start + size)));
      }
      lines.push(...splitter.flush());

      expect(lines, `chunk size ${size}`).toEqual(expected);
    }
  });
});
