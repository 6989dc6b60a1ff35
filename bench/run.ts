import { measureMetricLatency } from './metric-latency.ts';

// `npm run bench`: speed goals are reported as ratios measured in one run, never asserted in tests.
async function main(): Promise<void> {
  console.log('Audio Board benchmarks');

  console.log('\n[metric latency] trainer_log.jsonl line → browser socket');
  const latency = await measureMetricLatency();
  console.log(`  lines:                 ${latency.lines}`);
  console.log(`  p50:                   ${latency.p50Ms.toFixed(1)} ms`);
  console.log(`  p99:                   ${latency.p99Ms.toFixed(1)} ms (goal: under 200 ms)`);
  console.log(`  max:                   ${latency.maxMs.toFixed(1)} ms`);
  console.log(
    `  LLaMA Board reference: 2 s polling → p50 ${latency.pollingP50Ms} ms, p99 ${latency.pollingP99Ms} ms before its PNG redraw`,
  );
  console.log(
    `  ratio (polling / streamed): p50 ${(latency.pollingP50Ms / latency.p50Ms).toFixed(0)}×, p99 ${(latency.pollingP99Ms / latency.p99Ms).toFixed(0)}×`,
  );
  process.exit(0);
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
