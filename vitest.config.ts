import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';
import { TrainingFirstSequencer } from './tests/engine/sequencer.ts';

const protocolDir = fileURLToPath(new URL('./server/protocol', import.meta.url));

// Three tiers: fast unit and integration tests, browser tests in Debian's Chromium,
// and the engine tier that trains the tiny model with the real LLaMA-Factory.
export default defineConfig({
  resolve: { alias: { '@protocol': protocolDir } },
  test: {
    // Project-level sequencers are ignored, so the engine tier's order is set here for all tiers.
    sequence: { sequencer: TrainingFirstSequencer },
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: [
            'tests/unit/**/*.test.ts',
            'tests/integration/**/*.test.ts',
            'src/**/*.test.ts',
            'server/**/*.test.ts',
          ],
          environment: 'node',
          testTimeout: 20_000,
        },
      },
      {
        extends: true,
        test: {
          name: 'e2e',
          include: ['tests/e2e/**/*.test.ts'],
          environment: 'node',
          testTimeout: 300_000,
          hookTimeout: 300_000,
          fileParallelism: false,
        },
      },
      {
        extends: true,
        test: {
          name: 'engine',
          include: ['tests/engine/**/*.test.ts'],
          environment: 'node',
          testTimeout: 1_800_000,
          hookTimeout: 1_800_000,
          fileParallelism: false,
        },
      },
    ],
  },
});
