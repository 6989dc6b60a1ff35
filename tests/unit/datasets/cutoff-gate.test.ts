import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkRunCutoff } from '../../../server/datasets/cutoff-gate.ts';
import { looksLikeHubId } from '../../../server/models/modules.ts';
import type { EngineConfig } from '../../../server/protocol/runs.ts';
import { tempDir } from '../../helpers/board.ts';
import { shareGptAudioEntry, writeDatasetInfo } from '../../helpers/datasets.ts';
import { makeWav } from './wav.ts';

const TINY_MODEL = path.resolve('tests/fixtures/out/tiny-qwen2-audio');

/** Writes a dataset `d` with one 10 s clip: 280 tokens with the tiny tokenizer, 250 of them audio. */
function datasetDir(): string {
  const dir = tempDir('cutoff-gate');
  fs.writeFileSync(path.join(dir, 'a.wav'), makeWav(10));
  fs.writeFileSync(
    path.join(dir, 'data.json'),
    JSON.stringify([
      {
        messages: [
          { role: 'user', content: '<audio>Which word?' },
          { role: 'assistant', content: 'red' },
        ],
        audios: ['a.wav'],
      },
    ]),
  );
  writeDatasetInfo(dir, { d: shareGptAudioEntry('data.json') });
  return dir;
}

function config(overrides: EngineConfig = {}): EngineConfig {
  return {
    model_name_or_path: TINY_MODEL,
    template: 'qwen2_audio',
    dataset_dir: datasetDir(),
    dataset: 'd',
    cutoff_len: 100,
    ...overrides,
  };
}

const check = (value: EngineConfig) => checkRunCutoff(value, { looksLikeHubId });

describe.skipIf(!fs.existsSync(path.join(TINY_MODEL, 'tokenizer.json')))('checkRunCutoff', () => {
  it('reports audio cut by cutoff_len as an error', async () => {
    expect(await check(config())).toEqual([
      {
        field: 'cutoff_len',
        code: 'cutoff_cuts_audio',
        params: { value: 100, recommended: 280, audioCutCount: 1 },
        severity: 'error',
      },
    ]);
  });

  it('returns nothing when every sample fits', async () => {
    expect(await check(config({ cutoff_len: 280 }))).toEqual([]);
  });

  it.each([
    ['template', { template: 'qwen2_vl' }],
    ['stage', { stage: 'dpo' }],
    ['mask_history', { mask_history: true }],
    ['hub_model', { model_name_or_path: 'Qwen/Qwen2-Audio-7B-Instruct' }],
    ['model_not_found', { model_name_or_path: '/nonexistent/model' }],
    ['dataset_dir_not_found', { dataset_dir: '/nonexistent/data' }],
  ] as const)('skips with reason %s', async (reason, overrides) => {
    const [issue] = await check(config(overrides));
    expect(issue?.code).toBe('cutoff_not_checked');
    expect(issue?.severity).toBe('warning');
    expect(issue?.params.reason).toBe(reason);
  });

  it('skips a model folder without tokenizer.json', async () => {
    const [issue] = await check(config({ model_name_or_path: tempDir('no-tokenizer') }));
    expect(issue?.params.reason).toBe('no_tokenizer');
  });

  it('skips with the reason when a dataset is not in dataset_info.json', async () => {
    const [issue] = await check(config({ dataset: 'absent' }));
    expect(issue?.params.reason).toBe('analysis_failed');
    expect(issue?.params.detail).toContain('Dataset "absent" is not in');
  });

  it('leaves incomplete configs to the validator', async () => {
    expect(await check(config({ dataset: '' }))).toEqual([]);
    expect(await check(config({ cutoff_len: 'long' }))).toEqual([]);
  });
});
