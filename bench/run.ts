import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { defaultEnginePython } from '../server/engine/paths.ts';
import { ensureFixtures } from '../tests/fixtures/ensure.ts';
import { benchDatasetAnalysis } from './dataset-analysis.ts';
import { measureMetricLatency } from './metric-latency.ts';

// `npm run bench`: speed goals are reported as ratios measured in one run, never asserted in tests.

/** LLaMA-Factory's preprocessing is about 10^4 times slower, so it gets a sample of the same data. */
const REFERENCE_SAMPLES = 500;

async function latency(): Promise<void> {
  console.log('\n[metric latency] trainer_log.jsonl line → browser socket');
  const result = await measureMetricLatency();
  console.log(`  lines:                 ${result.lines}`);
  console.log(`  p50:                   ${result.p50Ms.toFixed(1)} ms`);
  console.log(`  p99:                   ${result.p99Ms.toFixed(1)} ms (goal: under 200 ms)`);
  console.log(`  max:                   ${result.maxMs.toFixed(1)} ms`);
  console.log(
    `  LLaMA Board reference: 2 s polling → p50 ${result.pollingP50Ms} ms, p99 ${result.pollingP99Ms} ms before its PNG redraw`,
  );
  console.log(
    `  ratio (polling / streamed): p50 ${(result.pollingP50Ms / result.p50Ms).toFixed(0)}×, p99 ${(result.pollingP99Ms / result.p99Ms).toFixed(0)}×`,
  );
}

async function datasetAnalysis(): Promise<void> {
  console.log('\n[cutoff_len analysis] 100,000 samples, clip durations from file headers');
  const fixtures = await ensureFixtures();
  const result = await benchDatasetAnalysis(fixtures.modelDir);
  console.log(
    `  samples:               ${result.samples} (${result.distinctClips} distinct WAV clips)`,
  );
  console.log(`  every header read:     ${result.uncachedSamplesPerSecond.toFixed(0)} samples/s`);
  console.log(`  headers cached by path: ${result.cachedSamplesPerSecond.toFixed(0)} samples/s`);

  const python = defaultEnginePython();
  if (!fs.existsSync(python)) {
    console.log('  reference skipped: no engine environment (run `npm run setup:engine`)');
    return;
  }
  const reference = spawnSync(
    python,
    [
      'bench/reference_preprocess.py',
      '--model',
      fixtures.modelDir,
      '--dataset-dir',
      result.datasetDir,
      '--dataset',
      result.datasetName,
      '--max-samples',
      String(REFERENCE_SAMPLES),
    ],
    { encoding: 'utf8', env: { ...process.env, HF_HUB_OFFLINE: '1', CUDA_VISIBLE_DEVICES: '' } },
  );
  const lastLine = reference.stdout.trim().split('\n').pop() ?? '';
  try {
    const parsed = JSON.parse(lastLine) as { samples: number; samples_per_second: number };
    console.log(
      `  LLaMA-Factory get_dataset (tokenizer + audio features), ${parsed.samples} of the same samples: ${parsed.samples_per_second} samples/s`,
    );
    console.log(
      `  ratio (board / engine): ${(result.uncachedSamplesPerSecond / parsed.samples_per_second).toFixed(0)}× uncached, ${(result.cachedSamplesPerSecond / parsed.samples_per_second).toFixed(0)}× cached`,
    );
  } catch {
    console.log(
      `  reference failed (exit ${reference.status}): ${reference.stderr.trim().split('\n').slice(-3).join(' | ')}`,
    );
  }
}

async function main(): Promise<void> {
  console.log(
    'Audio Board benchmarks (run on an otherwise idle machine; numbers are from one run)',
  );
  await latency();
  await datasetAnalysis();
  process.exit(0);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
