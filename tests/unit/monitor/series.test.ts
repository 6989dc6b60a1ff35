import { describe, expect, it } from 'vitest';
import type { MetricPoint } from '../../../server/protocol/runs.ts';
import {
  buildComparisonChart,
  buildLearningRateChart,
  buildLossChart,
  countLossPoints,
  lossPointsOf,
  mergeByStep,
  metricOf,
  shapeSeries,
  stepSeries,
  uniqueBySeq,
} from '../../../src/features/monitor/series.ts';
import { metricPoint as point } from '../../helpers/factories.ts';

function lossRun(length: number): MetricPoint[] {
  return Array.from({ length }, (_, index) =>
    point(index + 1, { loss: 2 / (1 + index / 100), learningRate: 1e-4 }),
  );
}

describe('metricOf', () => {
  it('returns the finite value as sent', () => {
    expect(metricOf(point(1, { loss: 0.5 }), 'loss')).toBe(0.5);
  });

  it('returns NaN for a metric listed in nonFiniteKeys', () => {
    expect(metricOf(point(1, { nonFiniteKeys: ['loss'] }), 'loss')).toBeNaN();
    expect(metricOf(point(1, { nonFiniteKeys: ['eval_loss'] }), 'evalLoss')).toBeNaN();
    expect(metricOf(point(1, { nonFiniteKeys: ['learning_rate'] }), 'learningRate')).toBeNaN();
  });

  it('returns null for a metric the line lacks', () => {
    expect(metricOf(point(1, { nonFiniteKeys: ['eval_loss'] }), 'loss')).toBeNull();
  });
});

describe('countLossPoints', () => {
  it('counts finite and non-finite losses but not lines without one', () => {
    const points = [
      point(1, { loss: 1 }),
      point(2, { evalLoss: 0.9 }),
      point(3, { nonFiniteKeys: ['loss'] }),
      point(4, { loss: 0.8 }),
    ];
    expect(countLossPoints(points)).toBe(3);
  });
});

describe('lossPointsOf', () => {
  it('passes NaN through so detectAlarms sees it', () => {
    const series = lossPointsOf([point(1, { loss: 1 }), point(2, { nonFiniteKeys: ['loss'] })]);
    expect(series).toHaveLength(2);
    expect(series[1]?.step).toBe(2);
    expect(series[1]?.loss).toBeNaN();
  });
});

describe('stepSeries', () => {
  it('keeps the latest attempt when a resumed run logs steps again', () => {
    const points = [
      point(1, { step: 10, loss: 3 }),
      point(2, { step: 20, loss: 2 }),
      point(3, { step: 30, loss: 1.5 }),
      point(4, { step: 20, loss: 2.1 }),
      point(5, { step: 30, loss: 1.4 }),
    ];
    expect(stepSeries(points, 'loss')).toEqual([
      { step: 10, value: 3 },
      { step: 20, value: 2.1 },
      { step: 30, value: 1.4 },
    ]);
  });

  it('skips points without the metric', () => {
    const points = [point(1, { loss: 1 }), point(2, { evalLoss: 0.5 }), point(3, { loss: 0.9 })];
    expect(stepSeries(points, 'loss').map((entry) => entry.step)).toEqual([1, 3]);
  });
});

describe('shapeSeries', () => {
  it('returns raw and smoothed values for a short series', () => {
    const shaped = shapeSeries(
      [
        { step: 1, value: 1 },
        { step: 2, value: 3 },
      ],
      { smoothing: 0.5, logScale: false, maxPoints: 100 },
    );
    expect(shaped.map((entry) => entry.raw)).toEqual([1, 3]);
    // Debiased EMA: the first value is itself, the second (0.25 + 1.5) / 0.75.
    expect(shaped[0]?.smoothed).toBeCloseTo(1);
    expect(shaped[1]?.smoothed).toBeCloseTo(1.75 / 0.75);
  });

  it('leaves the values as they are with smoothing 0', () => {
    const shaped = shapeSeries(
      [
        { step: 1, value: 2 },
        { step: 2, value: 1 },
      ],
      { smoothing: 0, logScale: false, maxPoints: 100 },
    );
    expect(shaped.map((entry) => entry.smoothed)).toEqual([2, 1]);
  });

  it('drops zero and negative values on a log scale', () => {
    const shaped = shapeSeries(
      [
        { step: 1, value: 0 },
        { step: 2, value: -1 },
        { step: 3, value: 0.5 },
      ],
      { smoothing: 0, logScale: true, maxPoints: 100 },
    );
    expect(shaped.map((entry) => entry.raw)).toEqual([null, null, 0.5]);
    expect(shaped.map((entry) => entry.smoothed)).toEqual([null, null, 0.5]);
  });

  it('plots a NaN value as a gap', () => {
    const shaped = shapeSeries(
      [
        { step: 1, value: 1 },
        { step: 2, value: Number.NaN },
      ],
      { smoothing: 0.9, logScale: false, maxPoints: 100 },
    );
    expect(shaped[1]?.raw).toBeNull();
    expect(shaped[1]?.smoothed).toBeNull();
  });

  it('downsamples 100,000 points and keeps a spike and the last point', () => {
    const series = Array.from({ length: 100_000 }, (_, index) => ({
      step: index + 1,
      value: index === 54_321 ? 50 : 1 + (index % 7) / 100,
    }));
    const shaped = shapeSeries(series, { smoothing: 0.9, logScale: false, maxPoints: 2000 });
    expect(shaped.length).toBeLessThanOrEqual(2000);
    expect(shaped.some((entry) => entry.raw === 50)).toBe(true);
    expect(shaped[shaped.length - 1]?.step).toBe(100_000);
  });

  it('keeps the extremes of the smoothed line when asked to', () => {
    const series = Array.from({ length: 10_000 }, (_, index) => ({
      step: index + 1,
      value: index % 2 === 0 ? 2 : 0,
    }));
    const options = { smoothing: 0.99, logScale: false, maxPoints: 200 };
    const byRaw = shapeSeries(series, options);
    const bySmoothed = shapeSeries(series, { ...options, downsampleBy: 'smoothed' });
    const spread = (points: typeof byRaw) => {
      const tail = points.slice(-50).map((point) => point.smoothed ?? 0);
      return Math.max(...tail) - Math.min(...tail);
    };
    // Downsampling on the settled smoothed line keeps its narrow band instead of zigzagging.
    expect(bySmoothed.length).toBeLessThanOrEqual(200);
    expect(spread(bySmoothed)).toBeLessThanOrEqual(spread(byRaw));
    expect(spread(bySmoothed)).toBeLessThan(0.05);
  });

  it('smooths before downsampling, so the smoothed value matches the full series', () => {
    const series = Array.from({ length: 5000 }, (_, index) => ({ step: index, value: index % 2 }));
    const shaped = shapeSeries(series, { smoothing: 0.9, logScale: false, maxPoints: 200 });
    const last = shaped[shaped.length - 1];
    // The full-series EMA of an alternating 0/1 series settles near 0.5.
    expect(last?.smoothed).toBeGreaterThan(0.4);
    expect(last?.smoothed).toBeLessThan(0.6);
  });
});

describe('mergeByStep', () => {
  it('joins lines into rows sorted by step, leaving out missing values', () => {
    const rows = mergeByStep({
      a: [
        { step: 2, value: 1 },
        { step: 1, value: 2 },
      ],
      b: [{ step: 2, value: null }],
    });
    expect(rows).toEqual([
      { step: 1, a: 2 },
      { step: 2, a: 1, b: null },
    ]);
  });
});

describe('buildLossChart', () => {
  it('counts every loss point received before downsampling', () => {
    const chart = buildLossChart(lossRun(10_000), { smoothing: 0.6, logScale: false });
    expect(chart.lossPointCount).toBe(10_000);
    expect(chart.rows.length).toBeLessThanOrEqual(2000);
    expect(chart.rows[chart.rows.length - 1]?.step).toBe(10_000);
  });

  it('adds eval loss on its own steps', () => {
    const points = [
      point(1, { loss: 2 }),
      point(2, { loss: 1.5 }),
      point(3, { step: 2, evalLoss: 1.7 }),
    ];
    const chart = buildLossChart(points, { smoothing: 0, logScale: false });
    expect(chart.hasEvalLoss).toBe(true);
    expect(chart.rows).toEqual([
      { step: 1, loss: 2, lossSmoothed: 2 },
      { step: 2, loss: 1.5, lossSmoothed: 1.5, evalLoss: 1.7 },
    ]);
  });

  it('reports no eval loss when none was logged', () => {
    const chart = buildLossChart(lossRun(5), { smoothing: 0, logScale: false });
    expect(chart.hasEvalLoss).toBe(false);
    expect(chart.rows.every((row) => row.evalLoss === undefined)).toBe(true);
  });
});

describe('buildComparisonChart', () => {
  it('draws one smoothed line per run under run0, run1', () => {
    const first = [point(1, { loss: 2 }), point(2, { loss: 1 })];
    const second = [point(1, { step: 2, loss: 3 }), point(2, { step: 3, loss: 2.5 })];
    const rows = buildComparisonChart([first, second], 'loss', { smoothing: 0, logScale: false });
    expect(rows).toEqual([
      { step: 1, run0: 2 },
      { step: 2, run0: 1, run1: 3 },
      { step: 3, run1: 2.5 },
    ]);
  });
});

describe('buildLearningRateChart', () => {
  it('draws the learning rate raw', () => {
    const rows = buildLearningRateChart([
      point(1, { learningRate: 1e-5 }),
      point(2, { learningRate: 2e-5 }),
      point(3, { loss: 1 }),
    ]);
    expect(rows).toEqual([
      { step: 1, learningRate: 1e-5 },
      { step: 2, learningRate: 2e-5 },
    ]);
  });
});

describe('uniqueBySeq', () => {
  it('returns the same array when seq already increases', () => {
    const points = lossRun(3);
    expect(uniqueBySeq(points)).toBe(points);
  });

  it('drops repeated seqs and sorts by seq', () => {
    const points = [point(1), point(2), point(1), point(3), point(2)];
    expect(uniqueBySeq(points).map((entry) => entry.seq)).toEqual([1, 2, 3]);
  });
});
