import { describe, expect, it } from 'vitest';
import { probeAudioBuffer } from '../../../server/audio/index.ts';
import {
  audioTokenCount,
  clipSamples16k,
  inferSeqlen,
  resampledLength,
} from '../../../server/datasets/qwen2-audio.ts';
import { makeWav } from './wav.ts';

describe('Qwen2-Audio audio tokens', () => {
  // Counts checked against LLaMA-Factory v0.9.5 with transformers 4.57 (bench/reference_preprocess.py --lengths).
  it.each([
    [0.5, 12],
    [1, 25],
    [10, 250],
    [30, 750],
    [45, 750],
  ])('gives %s s of 16 kHz audio %i tokens', (seconds, tokens) => {
    expect(audioTokenCount(seconds * 16_000)).toBe(tokens);
  });

  it.each([
    [0.5, 12],
    [1, 25],
    [10, 250],
    [30, 750],
    [45, 750],
  ])('gives %s s of 44.1 kHz stereo WAV %i tokens', (seconds, tokens) => {
    const probe = probeAudioBuffer(makeWav(seconds, { sampleRate: 44_100, channels: 2 }));
    if (!probe.ok) throw new Error(probe.message);
    expect(audioTokenCount(clipSamples16k(probe))).toBe(tokens);
  });

  it('resamples lengths as torchaudio does', () => {
    expect(resampledLength(66_150, 44_100)).toBe(24_000);
    expect(resampledLength(160_965, 22_050)).toBe(116_800);
    expect(resampledLength(100, 16_000)).toBe(100);
  });

  it('truncates like infer_seqlen', () => {
    expect(inferSeqlen(300, 10, 100)).toEqual([90, 10]);
    expect(inferSeqlen(10, 300, 100)).toEqual([10, 90]);
    expect(inferSeqlen(300, 300, 100)).toEqual([50, 50]);
  });
});
