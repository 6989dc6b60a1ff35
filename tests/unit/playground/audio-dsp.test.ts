import { describe, expect, it } from 'vitest';
import { parseWavHeader } from '../../../server/uploads/wav.ts';
import {
  computePeaks,
  encodeWav16,
  resampleTo16kMono,
  trimClip,
} from '../../../src/features/playground/audio-dsp.ts';

function sine(
  frequency: number,
  sampleRate: number,
  seconds: number,
  amplitude = 0.5,
): Float32Array {
  return Float32Array.from(
    { length: Math.round(sampleRate * seconds) },
    (_, i) => amplitude * Math.sin((2 * Math.PI * frequency * i) / sampleRate),
  );
}

/** Amplitude of one frequency in `samples`, by correlation with a sine and a cosine. */
function amplitudeAt(samples: Float32Array, frequency: number, sampleRate: number): number {
  let re = 0;
  let im = 0;
  for (let i = 0; i < samples.length; i += 1) {
    const phase = (2 * Math.PI * frequency * i) / sampleRate;
    re += (samples[i] ?? 0) * Math.cos(phase);
    im += (samples[i] ?? 0) * Math.sin(phase);
  }
  return (2 * Math.hypot(re, im)) / samples.length;
}

describe('resampleTo16kMono', () => {
  it('keeps 16 kHz mono audio unchanged', () => {
    const input = sine(440, 16_000, 0.1);
    expect(Array.from(resampleTo16kMono([input], 16_000))).toEqual(Array.from(input));
  });

  it('averages stereo channels into one', () => {
    const left = new Float32Array([1, 0.5, -1]);
    const right = new Float32Array([0, 0.5, 1]);
    expect(Array.from(resampleTo16kMono([left, right], 16_000))).toEqual([0.5, 0.5, 0]);
  });

  it('resamples 48 kHz stereo to a third of the samples', () => {
    const tone = sine(440, 48_000, 1);
    const output = resampleTo16kMono([tone, tone], 48_000);
    expect(output.length).toBe(16_000);
    expect(amplitudeAt(output, 440, 16_000)).toBeCloseTo(0.5, 1);
  });

  it('removes a tone above the new Nyquist frequency', () => {
    const output = resampleTo16kMono([sine(12_000, 48_000, 0.5)], 48_000);
    const peak = Math.max(...Array.from(output.subarray(200, -200), Math.abs));
    expect(peak).toBeLessThan(0.05);
  });

  it('upsamples 8 kHz audio to twice the samples', () => {
    const output = resampleTo16kMono([sine(300, 8_000, 0.5)], 8_000);
    expect(output.length).toBe(8_000);
    expect(amplitudeAt(output, 300, 16_000)).toBeCloseTo(0.5, 1);
  });

  it('rejects a non-positive sample rate', () => {
    expect(() => resampleTo16kMono([new Float32Array(4)], 0)).toThrow(RangeError);
  });
});

describe('trimClip', () => {
  const samples = Float32Array.from({ length: 16_000 * 40 }, (_, i) => i);

  it('keeps the first 30 s of a 40 s clip', () => {
    const trimmed = trimClip(samples, 16_000, 0, 30);
    expect(trimmed.length).toBe(480_000);
    expect(trimmed[0]).toBe(0);
    expect(trimmed.at(-1)).toBe(479_999);
  });

  it('cuts from start to end handles', () => {
    const trimmed = trimClip(samples, 16_000, 1.5, 2);
    expect(trimmed.length).toBe(8_000);
    expect(trimmed[0]).toBe(24_000);
  });

  it('clamps handles outside the clip', () => {
    expect(trimClip(samples, 16_000, -5, 100).length).toBe(samples.length);
  });

  it('returns an empty clip when end precedes start', () => {
    expect(trimClip(samples, 16_000, 3, 2).length).toBe(0);
  });
});

describe('encodeWav16', () => {
  it('writes a 16-bit PCM mono header that the upload parser reads back', () => {
    const wav = encodeWav16(sine(440, 16_000, 2), 16_000);
    expect(wav.length).toBe(44 + 64_000);
    const parsed = parseWavHeader(wav);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.header.format).toBe(1);
    expect(parsed.header.channels).toBe(1);
    expect(parsed.header.sampleRate).toBe(16_000);
    expect(parsed.header.bitsPerSample).toBe(16);
    expect(parsed.header.durationSeconds).toBeCloseTo(2, 6);
  });

  it('clips out-of-range samples to full scale', () => {
    const wav = encodeWav16(new Float32Array([2, -2, 0]), 16_000);
    const view = new DataView(wav.buffer);
    expect(view.getInt16(44, true)).toBe(32_767);
    expect(view.getInt16(46, true)).toBe(-32_768);
    expect(view.getInt16(48, true)).toBe(0);
  });
});

describe('computePeaks', () => {
  it('returns min and max per bucket', () => {
    const peaks = computePeaks(new Float32Array([0.1, -0.5, 0.9, 0.2]), 2);
    expect(Array.from(peaks)).toEqual([
      expect.closeTo(-0.5, 6),
      expect.closeTo(0.1, 6),
      expect.closeTo(0.2, 6),
      expect.closeTo(0.9, 6),
    ]);
  });
});
