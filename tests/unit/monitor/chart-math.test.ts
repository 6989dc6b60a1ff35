import { describe, expect, it } from 'vitest';
import {
  type ChartPoint,
  computeEta,
  detectAlarms,
  downsampleMinMax,
  emaDebiased,
  type LossPoint,
  lttb,
  toLogSafe,
} from '../../../src/features/monitor/chart-math.ts';

// Deterministic noise in [0, 1) so failures reproduce.
function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1_664_525) + 1_013_904_223) >>> 0;
    return state / 2 ** 32;
  };
}

function noisyLossSeries(length: number, seed = 7): ChartPoint[] {
  const random = seededRandom(seed);
  return Array.from({ length }, (_, index) => ({
    x: index + 1,
    y: 2 * Math.exp(-index / (length / 5)) + 0.3 + 0.05 * random(),
  }));
}

function lossPoints(losses: (number | null)[]): LossPoint[] {
  return losses.map((loss, index) => ({ step: (index + 1) * 10, loss }));
}

describe('emaDebiased', () => {
  it('starts at the first raw value', () => {
    expect(emaDebiased([3, 1, 2], 0.9)[0]).toBe(3);
  });

  it('keeps a constant series constant', () => {
    const smoothed = emaDebiased([5, 5, 5, 5, 5], 0.99);

    for (const value of smoothed) {
      expect(value).toBeCloseTo(5, 12);
    }
  });

  it('matches the debiased formula', () => {
    // The raw averages are 0.5 and 0.5 * 0.5 + 0.5 * 2 = 1.25, debiased by 1 - 0.5 and 1 - 0.25.
    const smoothed = emaDebiased([1, 2], 0.5);

    expect(smoothed[0]).toBeCloseTo(1, 12);
    expect(smoothed[1]).toBeCloseTo(1.25 / 0.75, 12);
  });

  it('returns the input values with smoothing 0', () => {
    expect(emaDebiased([1, 4, 2], 0)).toEqual([1, 4, 2]);
  });

  it('passes nulls through and skips them', () => {
    const smoothed = emaDebiased([null, 2, null, 4], 0.5);

    expect(smoothed[0]).toBeNull();
    expect(smoothed[1]).toBe(2);
    expect(smoothed[2]).toBeNull();
    expect(smoothed[3]).toBeCloseTo((0.5 * 0.5 * 2 + 0.5 * 4) / 0.75, 12);
  });

  it('skips NaN and Infinity', () => {
    const smoothed = emaDebiased([1, Number.NaN, Number.POSITIVE_INFINITY, 1], 0.5);

    expect(smoothed[1]).toBeNull();
    expect(smoothed[2]).toBeNull();
    expect(smoothed[3]).toBeCloseTo(1, 12);
  });

  it('returns an empty array for no values', () => {
    expect(emaDebiased([], 0.5)).toEqual([]);
  });

  it.each([1, 1.5, -0.1, Number.NaN])('rejects smoothing %d', (smoothing) => {
    expect(() => emaDebiased([1], smoothing)).toThrow(RangeError);
  });
});

describe('downsampleMinMax', () => {
  const length = 100_000;
  const spikeIndex = 54_321;
  const dipIndex = 77_777;

  function seriesWithSpikes(): ChartPoint[] {
    const points = noisyLossSeries(length);
    points[spikeIndex] = { x: spikeIndex + 1, y: 1_000 };
    points[dipIndex] = { x: dipIndex + 1, y: -50 };
    return points;
  }

  it('reduces 100,000 points to at most 2,000', () => {
    const sampled = downsampleMinMax(seriesWithSpikes(), 2_000);

    expect(sampled.length).toBeLessThanOrEqual(2_000);
    expect(sampled.length).toBeGreaterThan(1_900);
  });

  it('keeps a single injected spike', () => {
    const sampled = downsampleMinMax(seriesWithSpikes(), 2_000);

    expect(sampled).toContainEqual({ x: spikeIndex + 1, y: 1_000 });
  });

  it('keeps a single injected dip', () => {
    const sampled = downsampleMinMax(seriesWithSpikes(), 2_000);

    expect(sampled).toContainEqual({ x: dipIndex + 1, y: -50 });
  });

  it('keeps the first and last points', () => {
    const points = seriesWithSpikes();
    const sampled = downsampleMinMax(points, 2_000);

    expect(sampled[0]).toBe(points[0]);
    expect(sampled.at(-1)).toBe(points.at(-1));
  });

  it('keeps x in increasing order', () => {
    const sampled = downsampleMinMax(seriesWithSpikes(), 2_000);
    const outOfOrder = sampled.filter(
      (point, index) => index > 0 && point.x <= (sampled[index - 1]?.x ?? -1),
    );

    expect(outOfOrder).toEqual([]);
  });

  it('returns a small input unchanged', () => {
    const points = noisyLossSeries(50);

    expect(downsampleMinMax(points, 50)).toBe(points);
  });

  it('keeps one point of a bucket that has only nulls', () => {
    const points: ChartPoint[] = Array.from({ length: 100 }, (_, index) => ({
      x: index,
      y: index >= 40 && index < 60 ? null : 1,
    }));

    const sampled = downsampleMinMax(points, 12);

    expect(sampled.some((point) => point.y === null)).toBe(true);
  });

  it('ignores NaN when picking extremes', () => {
    const points: ChartPoint[] = Array.from({ length: 100 }, (_, index) => ({ x: index, y: 1 }));
    points[50] = { x: 50, y: Number.NaN };
    points[51] = { x: 51, y: 9 };

    const sampled = downsampleMinMax(points, 10);

    expect(sampled).toContainEqual({ x: 51, y: 9 });
    expect(sampled.some((point) => Number.isNaN(point.y))).toBe(false);
  });

  it('keeps extra fields of the points', () => {
    const points = Array.from({ length: 10 }, (_, index) => ({
      x: index,
      y: index,
      seq: index + 1,
    }));

    expect(downsampleMinMax(points, 4)[1]).toHaveProperty('seq');
  });

  it('returns first and last with maxPoints 2', () => {
    const points = noisyLossSeries(10);

    expect(downsampleMinMax(points, 2)).toEqual([points[0], points[9]]);
  });

  it.each([1, 0, 2.5, Number.NaN])('rejects maxPoints %d', (maxPoints) => {
    expect(() => downsampleMinMax(noisyLossSeries(10), maxPoints)).toThrow(RangeError);
  });
});

describe('lttb', () => {
  it('returns exactly threshold points', () => {
    expect(lttb(noisyLossSeries(10_000), 500)).toHaveLength(500);
  });

  it('keeps the first and last points', () => {
    const points = noisyLossSeries(10_000);
    const sampled = lttb(points, 500);

    expect(sampled[0]).toBe(points[0]);
    expect(sampled.at(-1)).toBe(points.at(-1));
  });

  it('keeps x in increasing order', () => {
    const sampled = lttb(noisyLossSeries(10_000), 500);
    const outOfOrder = sampled.filter(
      (point, index) => index > 0 && point.x <= (sampled[index - 1]?.x ?? -1),
    );

    expect(outOfOrder).toEqual([]);
  });

  it('picks the peak of a triangle wave', () => {
    const points: ChartPoint[] = Array.from({ length: 101 }, (_, index) => ({
      x: index,
      y: 50 - Math.abs(index - 50),
    }));

    expect(lttb(points, 3)).toContainEqual({ x: 50, y: 50 });
  });

  it('leaves out null and NaN points', () => {
    const points: ChartPoint[] = [
      { x: 1, y: 1 },
      { x: 2, y: null },
      { x: 3, y: Number.NaN },
      { x: 4, y: 2 },
    ];

    expect(lttb(points, 3)).toEqual([
      { x: 1, y: 1 },
      { x: 4, y: 2 },
    ]);
  });

  it('rejects a threshold below 3', () => {
    expect(() => lttb(noisyLossSeries(10), 2)).toThrow(RangeError);
  });
});

describe('toLogSafe', () => {
  it('keeps positive values', () => {
    expect(toLogSafe([1e-6, 2, 300])).toEqual([1e-6, 2, 300]);
  });

  it('replaces values a log scale cannot show with null', () => {
    expect(toLogSafe([0, -1, null, Number.NaN, Number.POSITIVE_INFINITY, -0])).toEqual([
      null,
      null,
      null,
      null,
      null,
      null,
    ]);
  });
});

describe('detectAlarms', () => {
  it('raises nothing for a falling loss', () => {
    const losses = noisyLossSeries(500).map((point) => point.y);

    expect(detectAlarms(lossPoints(losses))).toEqual([]);
  });

  it('raises nan at the first non-finite loss with the count', () => {
    const alarms = detectAlarms(lossPoints([2, 1.9, Number.NaN, 1.8, Number.POSITIVE_INFINITY]));

    expect(alarms).toEqual([{ kind: 'nan', step: 30, count: 2 }]);
  });

  it('ignores null losses for the nan alarm', () => {
    expect(detectAlarms(lossPoints([2, null, 1.9]))).toEqual([]);
  });

  it('raises diverging when the smoothed loss doubles its minimum', () => {
    const losses = [...Array.from({ length: 20 }, () => 1), ...Array.from({ length: 40 }, () => 4)];

    const alarms = detectAlarms(lossPoints(losses), { smoothing: 0.5 });

    expect(alarms).toHaveLength(1);
    // Smoothed with 0.5, the 21st value (step 210) is about 2.5, above twice the minimum of 1.
    expect(alarms[0]).toMatchObject({ kind: 'diverging', step: 210 });
    expect(alarms[0]).toHaveProperty('minSmoothedLoss', 1);
  });

  it('reports the smoothed loss that crossed the threshold', () => {
    const losses = [...Array.from({ length: 20 }, () => 1), ...Array.from({ length: 5 }, () => 4)];

    const [alarm] = detectAlarms(lossPoints(losses), { smoothing: 0.5 });

    // 2.5 up to the debiasing factor 1 - 0.5^21.
    expect(alarm?.kind === 'diverging' ? alarm.smoothedLoss : null).toBeCloseTo(2.5, 5);
  });

  it('waits for the warm-up before judging divergence', () => {
    const losses = [1, 5, 5, 5, 1, 1, 1, 1, 1, 1, 1, 1];

    expect(detectAlarms(lossPoints(losses), { smoothing: 0, warmupPoints: 5 })).toEqual([]);
  });

  it('raises one alarm per episode', () => {
    const low = Array.from({ length: 12 }, () => 1);
    const high = Array.from({ length: 5 }, () => 3);

    const alarms = detectAlarms(lossPoints([...low, ...high, ...low, ...high]), { smoothing: 0 });

    expect(alarms.map((alarm) => alarm.step)).toEqual([130, 300]);
  });

  it('ignores a tiny rise near zero loss', () => {
    const losses = [
      ...Array.from({ length: 20 }, () => 0.01),
      ...Array.from({ length: 20 }, () => 0.05),
    ];

    expect(detectAlarms(lossPoints(losses), { smoothing: 0 })).toEqual([]);
  });

  it('skips nulls in the divergence rule', () => {
    const losses = [...Array.from({ length: 12 }, () => 1), null, null, 3];

    const alarms = detectAlarms(lossPoints(losses), { smoothing: 0 });

    expect(alarms).toEqual([{ kind: 'diverging', step: 150, smoothedLoss: 3, minSmoothedLoss: 1 }]);
  });

  it('reports both nan and diverging', () => {
    const losses = [...Array.from({ length: 12 }, () => 1), Number.NaN, 3];

    const kinds = detectAlarms(lossPoints(losses), { smoothing: 0 }).map((alarm) => alarm.kind);

    expect(kinds).toEqual(['nan', 'diverging']);
  });

  it('returns nothing for no points', () => {
    expect(detectAlarms([])).toEqual([]);
  });
});

describe('computeEta', () => {
  it('estimates from the average rate', () => {
    const eta = computeEta([
      { step: 10, totalSteps: 100, elapsedSeconds: 20 },
      { step: 20, totalSteps: 100, elapsedSeconds: 40 },
    ]);

    expect(eta.stepsPerSecond).toBeCloseTo(0.5, 12);
    expect(eta.remainingSeconds).toBeCloseTo(160, 12);
  });

  it('uses step over elapsed for a single point', () => {
    const eta = computeEta([{ step: 10, totalSteps: 40, elapsedSeconds: 5 }]);

    expect(eta.stepsPerSecond).toBe(2);
    expect(eta.remainingSeconds).toBe(15);
  });

  it('measures only since the clock restarted on resume', () => {
    const eta = computeEta([
      { step: 10, totalSteps: 100, elapsedSeconds: 10 },
      { step: 50, totalSteps: 100, elapsedSeconds: 50 },
      { step: 60, totalSteps: 100, elapsedSeconds: 40 },
      { step: 70, totalSteps: 100, elapsedSeconds: 80 },
    ]);

    expect(eta.stepsPerSecond).toBeCloseTo(0.25, 12);
    expect(eta.remainingSeconds).toBeCloseTo(120, 12);
  });

  it('skips points without an elapsed time', () => {
    const eta = computeEta([
      { step: 10, totalSteps: 100, elapsedSeconds: 10 },
      { step: 20, totalSteps: 100, elapsedSeconds: null },
    ]);

    expect(eta.stepsPerSecond).toBe(1);
    expect(eta.remainingSeconds).toBe(90);
  });

  it('returns zero remaining when finished', () => {
    expect(computeEta([{ step: 100, totalSteps: 100, elapsedSeconds: 50 }]).remainingSeconds).toBe(
      0,
    );
  });

  it('returns a null remaining time without total steps', () => {
    const eta = computeEta([{ step: 10, totalSteps: 0, elapsedSeconds: 5 }]);

    expect(eta.remainingSeconds).toBeNull();
    expect(eta.stepsPerSecond).toBe(2);
  });

  it('returns nulls before the first second has passed', () => {
    expect(computeEta([{ step: 1, totalSteps: 100, elapsedSeconds: 0 }])).toEqual({
      remainingSeconds: null,
      stepsPerSecond: null,
    });
  });

  it('returns nulls for no points', () => {
    expect(computeEta([])).toEqual({ remainingSeconds: null, stepsPerSecond: null });
  });
});
