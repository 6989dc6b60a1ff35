import type { MetricPoint, RunSummary } from '../../server/protocol/runs.ts';

/** Returns a metric point with every metric null, `step` equal to `seq`, and the given fields. */
export function metricPoint(seq: number, fields: Partial<MetricPoint> = {}): MetricPoint {
  return {
    seq,
    step: seq,
    totalSteps: null,
    loss: null,
    evalLoss: null,
    learningRate: null,
    epoch: null,
    percentage: null,
    elapsedSeconds: null,
    remainingSeconds: null,
    throughput: null,
    totalTokens: null,
    vramAllocatedGiB: null,
    nonFiniteKeys: [],
    ...fields,
  };
}

/** Returns a running training run with an empty config, and the given fields. */
export function runSummary(fields: Partial<RunSummary> = {}): RunSummary {
  return {
    id: 'run-1',
    kind: 'train',
    name: 'run one',
    status: 'running',
    config: {},
    workerId: null,
    outputDir: 'saves/one',
    cudaVisibleDevices: null,
    createdAt: '2025-01-01T00:00:00.000Z',
    startedAt: null,
    endedAt: null,
    failure: null,
    lastSeq: 0,
    lastPoint: null,
    resumeFrom: null,
    ...fields,
  };
}
