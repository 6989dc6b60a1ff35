import type { AudioFormat } from './types.ts';

/** Bytes that `sniffAudioFormat` needs to recognise every format (ID3 tags are skipped if present). */
export const SNIFF_BYTES = 64;

/** Size of an ID3v2 tag at the start of `bytes`, including its header and footer, or 0. */
export function id3v2Size(bytes: Uint8Array, offset = 0): number {
  if (
    bytes.length < offset + 10 ||
    bytes[offset] !== 0x49 ||
    bytes[offset + 1] !== 0x44 ||
    bytes[offset + 2] !== 0x33
  ) {
    return 0;
  }
  // The size is "syncsafe": four 7-bit bytes.
  const size =
    ((bytes[offset + 6] ?? 0) << 21) |
    ((bytes[offset + 7] ?? 0) << 14) |
    ((bytes[offset + 8] ?? 0) << 7) |
    (bytes[offset + 9] ?? 0);
  const hasFooter = ((bytes[offset + 5] ?? 0) & 0x10) !== 0;
  return 10 + size + (hasFooter ? 10 : 0);
}

function ascii(bytes: Uint8Array, offset: number, length: number): string {
  let text = '';
  for (let i = offset; i < offset + length && i < bytes.length; i += 1) {
    text += String.fromCharCode(bytes[i] ?? 0);
  }
  return text;
}

/** True when the 4 bytes at `offset` are a plausible MPEG audio frame header (layer I, II or III). */
export function isMpegFrameHeader(bytes: Uint8Array, offset: number): boolean {
  const b0 = bytes[offset];
  const b1 = bytes[offset + 1];
  const b2 = bytes[offset + 2];
  if (b0 === undefined || b1 === undefined || b2 === undefined) {
    return false;
  }
  if (b0 !== 0xff || (b1 & 0xe0) !== 0xe0) {
    return false;
  }
  const version = (b1 >> 3) & 0x03;
  const layer = (b1 >> 1) & 0x03;
  const bitrateIndex = (b2 >> 4) & 0x0f;
  const sampleRateIndex = (b2 >> 2) & 0x03;
  return version !== 1 && layer !== 0 && bitrateIndex !== 0x0f && sampleRateIndex !== 3;
}

/**
 * Recognises an audio container from its first bytes (at least `SNIFF_BYTES` for a reliable
 * answer), ignoring the file name. Returns null for anything else, e.g. text or an image.
 *
 * @example sniffAudioFormat(fs.readFileSync('clip.wav').subarray(0, 64)) // 'wav'
 */
export function sniffAudioFormat(firstBytes: Uint8Array): AudioFormat | null {
  const tag = ascii(firstBytes, 0, 4);
  if ((tag === 'RIFF' || tag === 'RF64') && ascii(firstBytes, 8, 4) === 'WAVE') {
    return 'wav';
  }
  if (tag === 'fLaC') {
    return 'flac';
  }
  if (tag === 'OggS') {
    return 'ogg';
  }
  if (ascii(firstBytes, 4, 4) === 'ftyp') {
    return 'm4a';
  }
  if (
    firstBytes[0] === 0x1a &&
    firstBytes[1] === 0x45 &&
    firstBytes[2] === 0xdf &&
    firstBytes[3] === 0xa3
  ) {
    return 'webm';
  }
  const tagSize = id3v2Size(firstBytes);
  if (tagSize > 0) {
    // An ID3 tag usually precedes MP3; a few encoders also put one before FLAC.
    if (firstBytes.length >= tagSize + 4 && ascii(firstBytes, tagSize, 4) === 'fLaC') {
      return 'flac';
    }
    return 'mp3';
  }
  if (isMpegFrameHeader(firstBytes, 0)) {
    return 'mp3';
  }
  return null;
}
