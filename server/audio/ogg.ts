import { parseFlacStreamInfo } from './flac.ts';
import { type AudioProbe, type ByteSource, probeError } from './types.ts';

/** An Ogg page is at most 27 + 255 + 255 * 255 bytes, so the last one starts within this tail. */
const MAX_PAGE_BYTES = 65_307;
/** Opus granule positions always count 48 kHz samples, whatever the input rate was. */
const OPUS_GRANULE_RATE = 48_000;

interface OggPage {
  granule: bigint;
  serial: number;
  bodyOffset: number;
  bodyLength: number;
}

function parsePage(bytes: Buffer, offset: number): OggPage | null {
  if (offset + 27 > bytes.length || bytes.toString('latin1', offset, offset + 4) !== 'OggS') {
    return null;
  }
  const segments = bytes[offset + 26] ?? 0;
  if (offset + 27 + segments > bytes.length) {
    return null;
  }
  let bodyLength = 0;
  for (let i = 0; i < segments; i += 1) {
    bodyLength += bytes[offset + 27 + i] ?? 0;
  }
  return {
    granule: bytes.readBigInt64LE(offset + 6),
    serial: bytes.readUInt32LE(offset + 14),
    bodyOffset: offset + 27 + segments,
    bodyLength,
  };
}

/**
 * Reads the codec header in the first Ogg page (Vorbis, Opus or FLAC) and the granule position of
 * the stream's last page, which is its length in samples.
 */
export function probeOgg(source: ByteSource): AudioProbe {
  const head = source.read(0, 4096);
  const first = parsePage(head, 0);
  if (!first) {
    return probeError('corrupt', 'Ogg file does not start with a valid page.');
  }
  const packet = head.subarray(first.bodyOffset, first.bodyOffset + first.bodyLength);

  let codec: string;
  let sampleRate: number;
  let channels: number;
  let granuleRate: number;
  let preSkip = 0;
  if (packet.length >= 16 && packet[0] === 0x01 && packet.toString('latin1', 1, 7) === 'vorbis') {
    codec = 'vorbis';
    channels = packet[11] ?? 0;
    sampleRate = packet.readUInt32LE(12);
    granuleRate = sampleRate;
  } else if (packet.length >= 19 && packet.toString('latin1', 0, 8) === 'OpusHead') {
    codec = 'opus';
    channels = packet[9] ?? 0;
    preSkip = packet.readUInt16LE(10);
    // The input rate is informational; decoders output 48 kHz.
    sampleRate = OPUS_GRANULE_RATE;
    granuleRate = OPUS_GRANULE_RATE;
  } else if (
    packet.length >= 13 &&
    packet[0] === 0x7f &&
    packet.toString('latin1', 1, 5) === 'FLAC'
  ) {
    // Ogg FLAC: a 9-byte mapping header, then `fLaC` and STREAMINFO.
    const info = parseFlacStreamInfo(packet.subarray(9), 'ogg');
    if (!info.ok) {
      return info;
    }
    codec = 'flac';
    sampleRate = info.sampleRate;
    channels = info.channels;
    granuleRate = info.sampleRate;
  } else {
    return probeError('corrupt', 'Ogg stream holds no Vorbis, Opus or FLAC audio.');
  }
  if (sampleRate === 0 || channels === 0) {
    return probeError('corrupt', 'Ogg codec header declares 0 channels or a 0 Hz sample rate.');
  }

  // Search the tail backwards for the last page of this logical stream.
  const tailStart = Math.max(0, source.size - MAX_PAGE_BYTES);
  const tail = source.read(tailStart, source.size - tailStart);
  let lastGranule: bigint | null = null;
  for (let i = tail.length - 27; i >= 0; i -= 1) {
    if (tail[i] !== 0x4f || tail.toString('latin1', i, i + 4) !== 'OggS') {
      continue;
    }
    const page = parsePage(tail, i);
    if (page && page.serial === first.serial && page.granule >= 0n) {
      lastGranule = page.granule;
      break;
    }
  }
  if (lastGranule === null) {
    return probeError('corrupt', 'Ogg file has no final page with a granule position.');
  }
  // NOTE: FFmpeg (which torchaudio 2.8 decodes with) returns 128 samples fewer than the granule
  // position for the Vorbis files that SoX writes, so Vorbis counts can be a little high.
  const sampleFrames = Math.max(0, Number(lastGranule) - preSkip);
  return {
    ok: true,
    format: 'ogg',
    codec,
    durationSeconds: sampleFrames / granuleRate,
    sampleRate,
    channels,
    sampleFrames,
    estimated: false,
  };
}
