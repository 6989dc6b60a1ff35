/**
 * Pure helpers that shape metric series for the monitor charts: smoothing, downsampling,
 * log-scale cleanup, loss alarms and the ETA.
 */

export interface ChartPoint {
  x: number;
  y: number | null;
}

/**
 * Smooths a series with TensorBoard's debiased exponential moving average.
 *
 * The average starts at 0 and each value is divided by `1 - smoothing^n`, where n counts the
 * finite values so far. So the first smoothed value equals the first raw value instead of being
 * pulled toward 0. Null and non-finite values are skipped and come out as null.
 *
 * @throws RangeError when `smoothing` is not in [0, 1).
 */
export function emaDebiased(
  values: readonly (number | null)[],
  smoothing: number,
): (number | null)[] {
  if (!(smoothing >= 0 && smoothing < 1)) {
    throw new RangeError(`smoothing must be in [0, 1), got ${smoothing}`);
  }

  const smoothed: (number | null)[] = [];
  let average = 0;
  let count = 0;
  for (const value of values) {
    if (value === null || !Number.isFinite(value)) {
      smoothed.push(null);
      continue;
    }
    average = average * smoothing + (1 - smoothing) * value;
    count += 1;
    smoothed.push(average / (1 - smoothing ** count));
  }
  return smoothed;
}

/**
 * Reduces a series sorted by x to at most `maxPoints` points while keeping its extremes.
 *
 * The first and last points are always kept. The points between them are split into
 * `floor((maxPoints - 2) / 2)` buckets of equal count, and each bucket keeps its lowest and
 * highest finite y in x order, so a single spike survives. A bucket without a finite y keeps its
 * first point, so gaps stay visible. Returns the input itself when it has at most `maxPoints`
 * points.
 *
 * @throws RangeError when `maxPoints` is not an integer of at least 2.
 */
export function downsampleMinMax<P extends ChartPoint>(
  points: readonly P[],
  maxPoints: number,
): readonly P[] {
  if (!Number.isInteger(maxPoints) || maxPoints < 2) {
    throw new RangeError(`maxPoints must be an integer of at least 2, got ${maxPoints}`);
  }
  if (points.length <= maxPoints) {
    return points;
  }

  const first = points[0];
  const last = points[points.length - 1];
  if (first === undefined || last === undefined) {
    return points;
  }

  const innerCount = points.length - 2;
  const bucketCount = Math.floor((maxPoints - 2) / 2);
  const result: P[] = [first];
  for (let bucket = 0; bucket < bucketCount; bucket += 1) {
    const start = 1 + Math.floor((bucket * innerCount) / bucketCount);
    const end = 1 + Math.floor(((bucket + 1) * innerCount) / bucketCount);
    result.push(...extremesOf(points, start, end));
  }
  result.push(last);
  return result;
}

// Returns the points with the lowest and highest finite y in [start, end), in index order.
function extremesOf<P extends ChartPoint>(points: readonly P[], start: number, end: number): P[] {
  let minIndex = -1;
  let maxIndex = -1;
  let minY = Number.POSITIVE_INFINITY;
  let maxY = Number.NEGATIVE_INFINITY;
  for (let index = start; index < end; index += 1) {
    const y = points[index]?.y;
    if (y == null || !Number.isFinite(y)) {
      continue;
    }
    if (y < minY) {
      minY = y;
      minIndex = index;
    }
    if (y > maxY) {
      maxY = y;
      maxIndex = index;
    }
  }

  if (minIndex === -1) {
    const gap = points[start];
    return gap === undefined ? [] : [gap];
  }
  const indices =
    minIndex === maxIndex
      ? [minIndex]
      : [Math.min(minIndex, maxIndex), Math.max(minIndex, maxIndex)];
  return indices.flatMap((index) => {
    const point = points[index];
    return point === undefined ? [] : [point];
  });
}

/**
 * Reduces a series sorted by x to `threshold` points with Largest-Triangle-Three-Buckets
 * (LTTB), which keeps the visual shape better than min/max but can drop a lone
 * spike. Points with a null or non-finite y are left out. Returns the finite points unchanged
 * when there are at most `threshold` of them.
 *
 * @throws RangeError when `threshold` is not an integer of at least 3.
 */
export function lttb<P extends ChartPoint>(points: readonly P[], threshold: number): P[] {
  if (!Number.isInteger(threshold) || threshold < 3) {
    throw new RangeError(`threshold must be an integer of at least 3, got ${threshold}`);
  }
  const finite = points.filter(
    (point): point is P & { y: number } => point.y !== null && Number.isFinite(point.y),
  );
  const first = finite[0];
  const last = finite[finite.length - 1];
  if (finite.length <= threshold || first === undefined || last === undefined) {
    return finite;
  }

  const bucketSize = (finite.length - 2) / (threshold - 2);
  const result: P[] = [first];
  let previous: P & { y: number } = first;
  for (let bucket = 0; bucket < threshold - 2; bucket += 1) {
    const start = 1 + Math.floor(bucket * bucketSize);
    const end = 1 + Math.floor((bucket + 1) * bucketSize);

    // The next bucket's mean is the third corner of each candidate triangle.
    const nextStart = end;
    const nextEnd = Math.min(1 + Math.floor((bucket + 2) * bucketSize), finite.length);
    let meanX = 0;
    let meanY = 0;
    for (let index = nextStart; index < nextEnd; index += 1) {
      meanX += finite[index]?.x ?? 0;
      meanY += finite[index]?.y ?? 0;
    }
    const nextCount = Math.max(nextEnd - nextStart, 1);
    meanX /= nextCount;
    meanY /= nextCount;

    let chosen: (P & { y: number }) | undefined;
    let largestArea = -1;
    for (let index = start; index < end; index += 1) {
      const candidate = finite[index];
      if (candidate === undefined) {
        continue;
      }
      const area = Math.abs(
        (previous.x - meanX) * (candidate.y - previous.y) -
          (previous.x - candidate.x) * (meanY - previous.y),
      );
      if (area > largestArea) {
        largestArea = area;
        chosen = candidate;
      }
    }
    if (chosen !== undefined) {
      result.push(chosen);
      previous = chosen;
    }
  }
  result.push(last);
  return result;
}

/** Replaces values that a log scale cannot show (zero, negative, null, non-finite) with null. */
export function toLogSafe(values: readonly (number | null)[]): (number | null)[] {
  return values.map((value) =>
    value !== null && Number.isFinite(value) && value > 0 ? value : null,
  );
}

export interface LossPoint {
  step: number;
  loss: number | null;
}

export type LossAlarm =
  /** The loss was NaN or ±Infinity; `step` is the first such step and `count` how many there were. */
  | { kind: 'nan'; step: number; count: number }
  /** The smoothed loss rose above `factor` times its minimum so far at `step`. */
  | { kind: 'diverging'; step: number; smoothedLoss: number; minSmoothedLoss: number };

export interface AlarmOptions {
  /** EMA smoothing applied before the divergence rule. Default 0.9. */
  smoothing?: number;
  /** Finite losses to see before the divergence rule applies. Default 10. */
  warmupPoints?: number;
  /** Ratio of smoothed loss to its minimum so far that counts as diverging. Default 2. */
  factor?: number;
  /** Smallest rise above the minimum that counts, so noise near a loss of 0 does not. Default 0.1. */
  minRise?: number;
}

/**
 * Finds non-finite losses and divergence in a series sorted by step.
 *
 * Divergence rule: smooth the finite losses with `emaDebiased(smoothing)`. From the
 * `warmupPoints`-th finite loss on, the run is diverging at a step when the smoothed loss
 * exceeds both `factor` × the minimum smoothed loss of all earlier steps and that minimum plus
 * `minRise`. The rule needs a positive minimum. One alarm is raised per episode, and an episode
 * ends when the smoothed loss falls back to `factor` × the minimum or below.
 */
export function detectAlarms(
  points: readonly LossPoint[],
  options: AlarmOptions = {},
): LossAlarm[] {
  const smoothing = options.smoothing ?? 0.9;
  const warmupPoints = options.warmupPoints ?? 10;
  const factor = options.factor ?? 2;
  const minRise = options.minRise ?? 0.1;

  const alarms: LossAlarm[] = [];
  const nonFinite = points.filter((point) => point.loss !== null && !Number.isFinite(point.loss));
  const firstNonFinite = nonFinite[0];
  if (firstNonFinite !== undefined) {
    alarms.push({ kind: 'nan', step: firstNonFinite.step, count: nonFinite.length });
  }

  const smoothed = emaDebiased(
    points.map((point) => point.loss),
    smoothing,
  );
  let finiteSeen = 0;
  let minimum = Number.POSITIVE_INFINITY;
  let inEpisode = false;
  smoothed.forEach((value, index) => {
    const point = points[index];
    if (value === null || point === undefined) {
      return;
    }
    finiteSeen += 1;

    if (finiteSeen >= warmupPoints && minimum > 0 && Number.isFinite(minimum)) {
      const threshold = factor * minimum;
      if (inEpisode) {
        inEpisode = value > threshold;
      } else if (value > threshold && value - minimum >= minRise) {
        alarms.push({
          kind: 'diverging',
          step: point.step,
          smoothedLoss: value,
          minSmoothedLoss: minimum,
        });
        inEpisode = true;
      }
    }
    minimum = Math.min(minimum, value);
  });

  return alarms;
}

export interface EtaPoint {
  step: number;
  totalSteps: number | null;
  elapsedSeconds: number | null;
}

export interface EtaEstimate {
  /** Seconds until `totalSteps`, or null when the rate or the total is unknown. */
  remainingSeconds: number | null;
  stepsPerSecond: number | null;
}

/**
 * Estimates the time left from the newest points that have an elapsed time.
 *
 * The rate is the average over the points since the last restart, which shows as a drop in
 * `elapsedSeconds` because LLaMA-Factory restarts its clock when training resumes. With a single
 * point the rate is step / elapsed, which overestimates it right after a resume from a checkpoint.
 */
export function computeEta(points: readonly EtaPoint[]): EtaEstimate {
  const timed = points.filter(
    (point): point is EtaPoint & { elapsedSeconds: number } =>
      point.elapsedSeconds !== null && Number.isFinite(point.elapsedSeconds),
  );
  const newest = timed[timed.length - 1];
  if (newest === undefined) {
    return { remainingSeconds: null, stepsPerSecond: null };
  }

  let oldest = newest;
  for (let index = timed.length - 2; index >= 0; index -= 1) {
    const candidate = timed[index];
    if (candidate === undefined || candidate.elapsedSeconds > oldest.elapsedSeconds) {
      break;
    }
    oldest = candidate;
  }

  const stepsPerSecond =
    rateBetween(oldest, newest) ?? rateBetween({ step: 0, elapsedSeconds: 0 }, newest);
  if (stepsPerSecond === null) {
    return { remainingSeconds: null, stepsPerSecond: null };
  }

  const totalSteps = newest.totalSteps;
  if (totalSteps === null || totalSteps <= 0) {
    return { remainingSeconds: null, stepsPerSecond };
  }
  return {
    remainingSeconds: Math.max(totalSteps - newest.step, 0) / stepsPerSecond,
    stepsPerSecond,
  };
}

function rateBetween(
  from: { step: number; elapsedSeconds: number },
  to: { step: number; elapsedSeconds: number },
): number | null {
  const steps = to.step - from.step;
  const seconds = to.elapsedSeconds - from.elapsedSeconds;
  return steps > 0 && seconds > 0 ? steps / seconds : null;
}
