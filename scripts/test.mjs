#!/usr/bin/env node
// `npm test`: every tier in order, fastest first, with one summary line at the end.
// AUDIO_BOARD_SKIP_ENGINE_TIER=1 skips the real-engine tier (for quick local iterations only).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => path.join(root, 'node_modules', '.bin', name);
const reportDir = fs.mkdtempSync(path.join(os.tmpdir(), 'audio-board-test-'));
const totals = { passed: 0, failed: 0, skipped: 0 };
const timings = [];

function run(title, command, args) {
  console.log(`\n=== ${title} ===`);
  const started = Date.now();
  const result = spawnSync(command, args, {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, FORCE_COLOR: '0' },
  });
  timings.push(`${title}: ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return result.status === 0;
}

function vitest(title, project) {
  const report = path.join(reportDir, `${project}.json`);
  const ok = run(title, bin('vitest'), [
    'run',
    '--project',
    project,
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${report}`,
  ]);
  if (fs.existsSync(report)) {
    const summary = JSON.parse(fs.readFileSync(report, 'utf8'));
    totals.passed += summary.numPassedTests;
    totals.failed += summary.numFailedTests;
    totals.skipped += summary.numPendingTests + (summary.numTodoTests ?? 0);
  } else if (!ok) {
    totals.failed += 1;
  }
  return ok;
}

const results = [];
const skipEngine = process.env.AUDIO_BOARD_SKIP_ENGINE_TIER === '1';
results.push(run('Type check (tsc)', bin('tsc'), ['--noEmit', '-p', 'tsconfig.json']));
results.push(run('Lint and format check (biome)', bin('biome'), ['check', '.']));

// Several unit and browser tests read the tiny model's tokenizer and the demo data, so the
// engine environment and the fixtures come first. Without them, those tests are skipped.
let engineReady = false;
if (skipEngine) {
  console.log(
    '\n=== Engine environment, fixtures and engine tier skipped (AUDIO_BOARD_SKIP_ENGINE_TIER=1) ===',
  );
} else {
  engineReady =
    run('Engine environment (npm run setup:engine)', bin('tsx'), ['server/engine/setup.ts']) &&
    run('Demo model and audio fixtures', bin('tsx'), ['tests/fixtures/ensure.ts']);
  results.push(engineReady);
}

results.push(vitest('Unit and integration tests', 'unit'));
results.push(run('Build the web UI', bin('vite'), ['build', '--logLevel', 'warn']));
results.push(vitest('Browser tests (Chromium)', 'e2e'));
if (engineReady) {
  results.push(vitest('Engine tier (real LLaMA-Factory on CPU)', 'engine'));
}

console.log('\n=== Timings ===');
for (const line of timings) console.log(line);
const failedSteps = results.filter((ok) => !ok).length;
console.log(`\nTests: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
if (failedSteps > 0) {
  console.error(`${failedSteps} step(s) failed.`);
  process.exit(1);
}
