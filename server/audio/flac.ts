import { type AudioProbe, probeError } from './types.ts';

/**
 * Reads FLAC's STREAMINFO block, which must be the first metadata block after `fLaC`.
 * `bytes` starts at the `fLaC` marker; `codec` distinguishes native FLAC from Ogg FLAC.
 */
export function parseFlacStreamInfo(bytes: Buffer, format: 'flac' | 'ogg' = 'flac'): AudioProbe {
  if (bytes.length < 4 + 4 + 34 || bytes.toString('latin1', 0, 4) !== 'fLaC') {
    return probeError('corrupt', 'FLAC stream is too short to hold STREAMINFO.');
  }
  const blockType = (bytes[4] ?? 0) & 0x7f;
  if (blockType !== 0) {
    return probeError('corrupt', 'FLAC stream does not start with a STREAMINFO block.');
  }
  const info = bytes.subarray(8, 8 + 34);
  // Bytes 10..17 of STREAMINFO pack: 20 bits sample rate, 3 bits channels - 1,
  // 5 bits bits-per-sample - 1 and 36 bits total samples.
  const packed = info.readBigUInt64BE(10);
  const sampleRate = Number(packed >> 44n);
  const channels = Number((packed >> 41n) & 0x7n) + 1;
  const totalSamples = Number(packed & 0xfffffffffn);
  if (sampleRate === 0) {
    return probeError('corrupt', 'FLAC STREAMINFO declares a 0 Hz sample rate.');
  }
  // Total samples of 0 means "unknown" in the FLAC specification.
  const known = totalSamples > 0;
  return {
    ok: true,
    format,
    codec: 'flac',
    durationSeconds: known ? totalSamples / sampleRate : null,
    sampleRate,
    channels,
    sampleFrames: known ? totalSamples : null,
    estimated: false,
  };
}
