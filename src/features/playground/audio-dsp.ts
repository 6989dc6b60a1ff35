/**
 * Pure audio helpers for the playground: downmix and resample to the model's 16 kHz mono,
 * trim, encode 16-bit PCM WAV and compute waveform peaks. No browser API is used here, so the
 * functions run the same in tests.
 */

export const TARGET_SAMPLE_RATE = 16_000;

/** Zero crossings of the sinc kernel on each side; more is sharper and slower. */
const SINC_ZERO_CROSSINGS = 8;

/** Averages the channels into one and resamples it to 16 kHz with a windowed-sinc low-pass. */
export function resampleTo16kMono(
  channels: readonly Float32Array[],
  sampleRate: number,
): Float32Array {
  if (channels.length === 0) {
    return new Float32Array(0);
  }
  if (!(sampleRate > 0)) {
    throw new RangeError(`sample rate must be positive, got ${sampleRate}`);
  }
  const mono = downmix(channels);
  if (sampleRate === TARGET_SAMPLE_RATE) {
    return mono;
  }

  const ratio = sampleRate / TARGET_SAMPLE_RATE;
  const outputLength = Math.floor(mono.length / ratio);
  const output = new Float32Array(outputLength);
  // Downsampling must first remove everything above the new Nyquist frequency.
  const scale = Math.max(1, ratio);
  const cutoff = 1 / scale;
  const halfWidth = SINC_ZERO_CROSSINGS * scale;

  for (let i = 0; i < outputLength; i += 1) {
    const center = i * ratio;
    const first = Math.max(0, Math.ceil(center - halfWidth));
    const last = Math.min(mono.length - 1, Math.floor(center + halfWidth));
    let sum = 0;
    let weights = 0;
    for (let j = first; j <= last; j += 1) {
      const distance = center - j;
      const weight = sinc(distance * cutoff) * hann(distance / halfWidth);
      sum += (mono[j] ?? 0) * weight;
      weights += weight;
    }
    output[i] = weights === 0 ? 0 : sum / weights;
  }
  return output;
}

function downmix(channels: readonly Float32Array[]): Float32Array {
  const first = channels[0] as Float32Array;
  if (channels.length === 1) {
    return Float32Array.from(first);
  }
  const length = Math.min(...channels.map((channel) => channel.length));
  const mono = new Float32Array(length);
  for (const channel of channels) {
    for (let i = 0; i < length; i += 1) {
      mono[i] = (mono[i] ?? 0) + (channel[i] ?? 0);
    }
  }
  for (let i = 0; i < length; i += 1) {
    mono[i] = (mono[i] ?? 0) / channels.length;
  }
  return mono;
}

function sinc(x: number): number {
  if (x === 0) {
    return 1;
  }
  const px = Math.PI * x;
  return Math.sin(px) / px;
}

/** Hann window over [-1, 1]; zero outside. */
function hann(x: number): number {
  return Math.abs(x) >= 1 ? 0 : 0.5 + 0.5 * Math.cos(Math.PI * x);
}

/**
 * Copies the samples between `startSeconds` and `endSeconds`. Both are clamped to the clip, and
 * an end before the start gives an empty clip.
 */
export function trimClip(
  samples: Float32Array,
  sampleRate: number,
  startSeconds: number,
  endSeconds: number,
): Float32Array {
  const start = clamp(Math.round(startSeconds * sampleRate), 0, samples.length);
  const end = clamp(Math.round(endSeconds * sampleRate), 0, samples.length);
  return samples.slice(start, Math.max(start, end));
}

/** Encodes mono samples in [-1, 1] as a 16-bit PCM WAV file; values outside are clipped. */
export function encodeWav16(samples: Float32Array, sampleRate: number): Uint8Array<ArrayBuffer> {
  const dataBytes = samples.length * 2;
  const bytes = new Uint8Array(44 + dataBytes);
  const view = new DataView(bytes.buffer);
  writeAscii(bytes, 0, 'RIFF');
  view.setUint32(4, 36 + dataBytes, true);
  writeAscii(bytes, 8, 'WAVE');
  writeAscii(bytes, 12, 'fmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true); // PCM
  view.setUint16(22, 1, true); // mono
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, sampleRate * 2, true); // byte rate
  view.setUint16(32, 2, true); // block align
  view.setUint16(34, 16, true); // bits per sample
  writeAscii(bytes, 36, 'data');
  view.setUint32(40, dataBytes, true);
  for (let i = 0; i < samples.length; i += 1) {
    const value = clamp(samples[i] ?? 0, -1, 1);
    view.setInt16(
      44 + i * 2,
      value < 0 ? Math.round(value * 32768) : Math.round(value * 32767),
      true,
    );
  }
  return bytes;
}

/** Returns `buckets` (min, max) pairs for drawing a waveform. */
export function computePeaks(samples: Float32Array, buckets: number): Float32Array {
  const peaks = new Float32Array(Math.max(0, buckets) * 2);
  if (samples.length === 0 || buckets <= 0) {
    return peaks;
  }
  const size = samples.length / buckets;
  for (let bucket = 0; bucket < buckets; bucket += 1) {
    const start = Math.floor(bucket * size);
    const end = Math.max(start + 1, Math.floor((bucket + 1) * size));
    let min = 1;
    let max = -1;
    for (let i = start; i < end && i < samples.length; i += 1) {
      const value = samples[i] ?? 0;
      if (value < min) min = value;
      if (value > max) max = value;
    }
    peaks[bucket * 2] = min > max ? 0 : min;
    peaks[bucket * 2 + 1] = min > max ? 0 : max;
  }
  return peaks;
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, value));
}

function writeAscii(bytes: Uint8Array, offset: number, text: string): void {
  for (let i = 0; i < text.length; i += 1) {
    bytes[offset + i] = text.charCodeAt(i);
  }
}
