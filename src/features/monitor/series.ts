/**
 * Pure functions that turn a run's metric points into the rows the monitor charts draw:
 * one value per step, smoothed, log-safe and downsampled.
 */
import type { MetricPoint } from '@protocol/runs.ts';
import { type ChartPoint, downsampleMinMax, emaDebiased, type LossPoint } from './chart-math.ts';

/** Points per line that the charts draw; more would slow SVG rendering without adding detail. */
export const MAX_CHART_POINTS = 2000;

/** A metric key of `MetricPoint` and the key the engine writes it under in `trainer_log.jsonl`. */
const ENGINE_KEYS = {
  loss: 'loss',
  evalLoss: 'eval_loss',
  learningRate: 'lr',
} as const;
export type ChartMetric = keyof typeof ENGINE_KEYS;

/**
 * Returns the point's value of `metric`: NaN where the engine wrote NaN or Infinity (sent as
 * null with the key in `nonFiniteKeys`), null where the line lacks the metric.
 */
export function metricOf(point: MetricPoint, metric: ChartMetric): number | null {
  const value = point[metric];
  if (value !== null) {
    return value;
  }
  const engineKey = ENGINE_KEYS[metric];
  // Older LLaMA-Factory versions write `learning_rate` instead of `lr`.
  const nonFinite =
    point.nonFiniteKeys.includes(engineKey) ||
    (metric === 'learningRate' && point.nonFiniteKeys.includes('learning_rate'));
  return nonFinite ? Number.NaN : null;
}

/** Counts the points that carry a training loss, finite or not. */
export function countLossPoints(points: readonly MetricPoint[]): number {
  let count = 0;
  for (const point of points) {
    if (metricOf(point, 'loss') !== null) {
      count += 1;
    }
  }
  return count;
}

/** Converts points to the loss series `detectAlarms` reads, with NaN for non-finite losses. */
export function lossPointsOf(points: readonly MetricPoint[]): LossPoint[] {
  const series: LossPoint[] = [];
  for (const point of points) {
    const loss = metricOf(point, 'loss');
    if (loss !== null) {
      series.push({ step: point.step, loss });
    }
  }
  return series;
}

export interface StepValue {
  step: number;
  value: number;
}

/**
 * Collects one metric's values in `seq` order, one per step, as the latest attempt shows them.
 *
 * A run resumed from a checkpoint re-logs the steps after that checkpoint, so a step at or
 * below the previous one drops the earlier values from that step on. The result is sorted by
 * step. Values may be NaN or ±Infinity. Points without the metric are skipped.
 */
export function stepSeries(points: readonly MetricPoint[], metric: ChartMetric): StepValue[] {
  const series: StepValue[] = [];
  for (const point of points) {
    const value = metricOf(point, metric);
    if (value === null) {
      continue;
    }
    while (series.length > 0 && (series[series.length - 1]?.step ?? -1) >= point.step) {
      series.pop();
    }
    series.push({ step: point.step, value });
  }
  return series;
}

export interface ShapeOptions {
  /** Debiased EMA weight in [0, 1); 0 leaves the values as they are. */
  smoothing: number;
  /** Drops values a log axis cannot show (zero, negative) instead of plotting them. */
  logScale: boolean;
  maxPoints: number;
  /**
   * The values whose minima and maxima the downsampling keeps. Raw keeps spikes; smoothed keeps
   * the smoothed line from zigzagging between the smoothed values at raw extremes. Default raw.
   */
  downsampleBy?: 'raw' | 'smoothed';
}

export interface ShapedPoint {
  step: number;
  /** The raw value, or null where it is not finite or not positive on a log axis. */
  raw: number | null;
  smoothed: number | null;
}

interface ShapingPoint extends ChartPoint {
  raw: number | null;
  smoothed: number | null;
}

/**
 * Smooths a step series over all of its points, then downsamples it with min/max buckets, so
 * spikes and the last point survive and the smoothing uses every point.
 */
export function shapeSeries(series: readonly StepValue[], options: ShapeOptions): ShapedPoint[] {
  const visible = (value: number | null): number | null => {
    if (value === null || !Number.isFinite(value)) {
      return null;
    }
    return options.logScale && value <= 0 ? null : value;
  };

  const smoothed = emaDebiased(
    series.map((entry) => visible(entry.value)),
    options.smoothing,
  );
  const bySmoothed = options.downsampleBy === 'smoothed';
  const chartPoints: ShapingPoint[] = series.map((entry, index) => {
    const raw = visible(entry.value);
    const smoothedValue = smoothed[index] ?? null;
    return { x: entry.step, y: bySmoothed ? smoothedValue : raw, raw, smoothed: smoothedValue };
  });
  return downsampleMinMax(chartPoints, options.maxPoints).map((point) => ({
    step: point.x,
    raw: point.raw,
    smoothed: point.smoothed,
  }));
}

/** One chart row: the step and the value of each line drawn at it. */
export type ChartRow = { step: number } & { [line: string]: number | null };

/**
 * Joins several lines into rows keyed by step, sorted by step. A line without a value at a
 * row's step has no key there, so the chart bridges it with `connectNulls`.
 */
export function mergeByStep(
  lines: Readonly<Record<string, readonly { step: number; value: number | null }[]>>,
): ChartRow[] {
  const rows = new Map<number, ChartRow>();
  for (const [line, values] of Object.entries(lines)) {
    for (const { step, value } of values) {
      let row = rows.get(step);
      if (row === undefined) {
        row = { step };
        rows.set(step, row);
      }
      row[line] = value;
    }
  }
  return [...rows.values()].sort((a, b) => a.step - b.step);
}

export interface LossChartData {
  rows: ChartRow[];
  /** Points with a training loss received so far, before downsampling. */
  lossPointCount: number;
  hasEvalLoss: boolean;
}

/** Rows for the single-run loss chart: raw loss, smoothed loss and eval loss. */
export function buildLossChart(
  points: readonly MetricPoint[],
  options: Omit<ShapeOptions, 'maxPoints'> & { maxPoints?: number },
): LossChartData {
  const shapeOptions = { ...options, maxPoints: options.maxPoints ?? MAX_CHART_POINTS };
  const lossSeries = stepSeries(points, 'loss');
  const loss = shapeSeries(lossSeries, shapeOptions);
  const lossSmoothed = shapeSeries(lossSeries, { ...shapeOptions, downsampleBy: 'smoothed' });
  // Eval loss is logged every eval_steps only, so it is drawn raw.
  const evalLoss = shapeSeries(stepSeries(points, 'evalLoss'), { ...shapeOptions, smoothing: 0 });
  return {
    rows: mergeByStep({
      loss: loss.map((point) => ({ step: point.step, value: point.raw })),
      lossSmoothed: lossSmoothed.map((point) => ({ step: point.step, value: point.smoothed })),
      evalLoss: evalLoss.map((point) => ({ step: point.step, value: point.raw })),
    }),
    lossPointCount: countLossPoints(points),
    hasEvalLoss: evalLoss.length > 0,
  };
}

/** Rows for one metric of several runs, one line per run under the keys `run0`, `run1`, … */
export function buildComparisonChart(
  runs: readonly (readonly MetricPoint[])[],
  metric: ChartMetric,
  options: Omit<ShapeOptions, 'maxPoints'> & { maxPoints?: number },
): ChartRow[] {
  const shapeOptions = { ...options, maxPoints: options.maxPoints ?? MAX_CHART_POINTS };
  const lines: Record<string, { step: number; value: number | null }[]> = {};
  runs.forEach((points, index) => {
    const shaped = shapeSeries(stepSeries(points, metric), {
      ...shapeOptions,
      downsampleBy: 'smoothed',
    });
    lines[comparisonKey(index)] = shaped.map((point) => ({
      step: point.step,
      value: point.smoothed,
    }));
  });
  return mergeByStep(lines);
}

/** Returns the row key of the `index`-th run in a comparison chart. */
export function comparisonKey(index: number): string {
  return `run${index}`;
}

/** Rows for the learning-rate chart, drawn raw on a linear axis. */
export function buildLearningRateChart(
  points: readonly MetricPoint[],
  maxPoints = MAX_CHART_POINTS,
): ChartRow[] {
  const shaped = shapeSeries(stepSeries(points, 'learningRate'), {
    smoothing: 0,
    logScale: false,
    maxPoints,
  });
  return mergeByStep({
    learningRate: shaped.map((point) => ({ step: point.step, value: point.raw })),
  });
}

/**
 * Returns the points with each `seq` once, in `seq` order. The input itself comes back when it
 * is already strictly increasing, which is the usual case, so memoised charts keep their input.
 */
export function uniqueBySeq(points: readonly MetricPoint[]): readonly MetricPoint[] {
  let increasing = true;
  for (let index = 1; index < points.length; index += 1) {
    if ((points[index]?.seq ?? 0) <= (points[index - 1]?.seq ?? 0)) {
      increasing = false;
      break;
    }
  }
  if (increasing) {
    return points;
  }
  const bySeq = new Map<number, MetricPoint>();
  for (const point of points) {
    bySeq.set(point.seq, point);
  }
  return [...bySeq.values()].sort((a, b) => a.seq - b.seq);
}
