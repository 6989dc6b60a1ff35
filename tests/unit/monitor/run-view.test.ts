import { describe, expect, it } from 'vitest';
import {
  canAbort,
  canResume,
  diffConfigs,
  finalLoss,
  formatConfigValue,
  formatDuration,
  formatMetric,
  progressOf,
  runDurationSeconds,
  sortRunsNewestFirst,
} from '../../../src/features/monitor/run-view.ts';
import { metricPoint as point, runSummary as run } from '../../helpers/factories.ts';

describe('run actions', () => {
  it('allows abort for active runs that are not already aborting', () => {
    expect(canAbort('queued')).toBe(true);
    expect(canAbort('starting')).toBe(true);
    expect(canAbort('running')).toBe(true);
    expect(canAbort('aborting')).toBe(false);
    expect(canAbort('completed')).toBe(false);
  });

  it('allows resume for failed and aborted runs only', () => {
    expect(canResume('failed')).toBe(true);
    expect(canResume('aborted')).toBe(true);
    expect(canResume('completed')).toBe(false);
    expect(canResume('running')).toBe(false);
  });
});

describe('sortRunsNewestFirst', () => {
  it('orders by createdAt descending, then by id', () => {
    const sorted = sortRunsNewestFirst([
      run({ id: 'a', createdAt: '2025-01-01T00:00:00.000Z' }),
      run({ id: 'c', createdAt: '2025-01-02T00:00:00.000Z' }),
      run({ id: 'b', createdAt: '2025-01-02T00:00:00.000Z' }),
    ]);
    expect(sorted.map((entry) => entry.id)).toEqual(['c', 'b', 'a']);
  });
});

describe('runDurationSeconds', () => {
  it('is null before the run starts', () => {
    expect(runDurationSeconds(run(), Date.now())).toBeNull();
  });

  it('counts to now while running and to endedAt after', () => {
    const started = run({ startedAt: '2025-01-01T00:00:00.000Z' });
    expect(runDurationSeconds(started, Date.parse('2025-01-01T00:01:30.000Z'))).toBe(90);
    const ended = run({
      startedAt: '2025-01-01T00:00:00.000Z',
      endedAt: '2025-01-01T01:00:00.000Z',
    });
    expect(runDurationSeconds(ended, Date.parse('2025-02-01T00:00:00.000Z'))).toBe(3600);
  });
});

describe('formatDuration', () => {
  it('formats seconds as H:MM:SS', () => {
    expect(formatDuration(0)).toBe('0:00:00');
    expect(formatDuration(3725)).toBe('1:02:05');
  });

  it('adds days past 24 hours', () => {
    expect(formatDuration(90_061)).toBe('1d 1:01:01');
  });

  it('shows a dash for unknown values', () => {
    expect(formatDuration(null)).toBe('—');
    expect(formatDuration(Number.NaN)).toBe('—');
  });
});

describe('formatMetric', () => {
  it('keeps 4 significant digits', () => {
    expect(formatMetric(1.234567)).toBe('1.235');
    expect(formatMetric(0)).toBe('0');
  });

  it('uses exponent form for very small and large values', () => {
    expect(formatMetric(5e-5)).toBe('5.00e-5');
    expect(formatMetric(1.5e7)).toBe('1.50e+7');
  });

  it('names non-finite values and shows a dash for missing ones', () => {
    expect(formatMetric(Number.NaN)).toBe('NaN');
    expect(formatMetric(null)).toBe('—');
  });
});

describe('finalLoss', () => {
  it('takes the newest finite loss of the live points', () => {
    const points = [point(1, { loss: 2 }), point(2, { loss: 1 }), point(3, { evalLoss: 0.9 })];
    expect(finalLoss(run(), points)).toBe(1);
  });

  it('falls back to lastPoint without live points', () => {
    expect(finalLoss(run({ lastPoint: point(9, { loss: 0.7 }) }))).toBe(0.7);
    expect(finalLoss(run())).toBeNull();
  });
});

describe('progressOf', () => {
  it('is null without any point', () => {
    expect(progressOf([], null)).toBeNull();
  });

  it('uses the engine remaining time and percentage when present', () => {
    const progress = progressOf(
      [
        point(1, {
          step: 50,
          totalSteps: 200,
          percentage: 25,
          elapsedSeconds: 100,
          remainingSeconds: 300,
          throughput: 1234,
          epoch: 0.5,
        }),
      ],
      null,
    );
    expect(progress).toEqual({
      step: 50,
      totalSteps: 200,
      percentage: 25,
      elapsedSeconds: 100,
      remainingSeconds: 300,
      remainingEstimated: false,
      throughput: 1234,
      epoch: 0.5,
      vramAllocatedGiB: null,
    });
  });

  it('estimates the remaining time and percentage when the engine left them out', () => {
    const progress = progressOf(
      [
        point(1, { step: 10, totalSteps: 100, elapsedSeconds: 10 }),
        point(2, { step: 20, totalSteps: 100, elapsedSeconds: 20 }),
      ],
      null,
    );
    expect(progress?.percentage).toBe(20);
    expect(progress?.remainingSeconds).toBeCloseTo(80);
    expect(progress?.remainingEstimated).toBe(true);
  });

  it('takes each field from the newest point that has it', () => {
    const progress = progressOf(
      [
        point(1, { step: 10, totalSteps: 20, throughput: 500, epoch: 1 }),
        point(2, { step: 20, totalSteps: 20, percentage: 100, remainingSeconds: 0 }),
      ],
      null,
    );
    expect(progress?.step).toBe(20);
    expect(progress?.throughput).toBe(500);
    expect(progress?.epoch).toBe(1);
    expect(progress?.percentage).toBe(100);
  });

  it('reads lastPoint when no points are loaded', () => {
    const progress = progressOf([], point(7, { step: 7, totalSteps: 14 }));
    expect(progress?.step).toBe(7);
    expect(progress?.percentage).toBe(50);
  });
});

describe('diffConfigs', () => {
  it('lists only differing keys, sorted, with unset keys as undefined', () => {
    const differences = diffConfigs([
      { lora_rank: 8, cutoff_len: 2048, template: 'qwen2_audio' },
      { lora_rank: 16, cutoff_len: 2048, template: 'qwen2_audio', quantization_bit: 4 },
    ]);
    expect(differences).toEqual([
      { key: 'lora_rank', values: [8, 16] },
      { key: 'quantization_bit', values: [undefined, 4] },
    ]);
  });

  it('tells a number from the same digits as a string', () => {
    expect(diffConfigs([{ lora_rank: 8 }, { lora_rank: '8' }])).toHaveLength(1);
  });

  it('compares nested values by content', () => {
    expect(diffConfigs([{ extra: { a: 1 } }, { extra: { a: 1 } }])).toEqual([]);
  });
});

describe('formatConfigValue', () => {
  it('shows strings bare, other values as JSON and unset as a dash', () => {
    expect(formatConfigValue('cosine')).toBe('cosine');
    expect(formatConfigValue(true)).toBe('true');
    expect(formatConfigValue([1, 2])).toBe('[1,2]');
    expect(formatConfigValue(undefined)).toBe('—');
  });
});
