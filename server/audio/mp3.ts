import { id3v2Size, isMpegFrameHeader } from './sniff.ts';
import { type AudioProbe, type ByteSource, probeError } from './types.ts';

// Bitrates in kbit/s indexed by [version is MPEG-1 ? 0 : 1][layer 1..3][index].
const BITRATES: readonly (readonly (readonly number[])[])[] = [
  [
    [],
    [0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448],
    [0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384],
    [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
  ],
  [
    [],
    [0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256],
    [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
    [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
  ],
];
const SAMPLE_RATES: Record<number, readonly number[]> = {
  3: [44100, 48000, 32000], // MPEG-1
  2: [22050, 24000, 16000], // MPEG-2
  0: [11025, 12000, 8000], // MPEG-2.5
};

/** Frame headers scanned at most when a VBR file has no Xing or VBRI header. */
const MAX_SCANNED_FRAMES = 200_000;
const SCAN_BLOCK_BYTES = 256 * 1024;

interface FrameHeader {
  version: number;
  layer: number;
  sampleRate: number;
  bitrateKbps: number;
  channels: number;
  samplesPerFrame: number;
  frameBytes: number;
}

function parseFrameHeader(bytes: Buffer, offset: number): FrameHeader | null {
  if (!isMpegFrameHeader(bytes, offset)) {
    return null;
  }
  const b1 = bytes[offset + 1] ?? 0;
  const b2 = bytes[offset + 2] ?? 0;
  const b3 = bytes[offset + 3] ?? 0;
  const version = (b1 >> 3) & 0x03;
  const layer = 4 - ((b1 >> 1) & 0x03);
  const bitrateKbps = BITRATES[version === 3 ? 0 : 1]?.[layer]?.[(b2 >> 4) & 0x0f] ?? 0;
  const sampleRate = SAMPLE_RATES[version]?.[(b2 >> 2) & 0x03] ?? 0;
  const padding = (b2 >> 1) & 0x01;
  const channels = ((b3 >> 6) & 0x03) === 3 ? 1 : 2;
  if (bitrateKbps === 0 || sampleRate === 0) {
    // Free-format streams (bitrate index 0) are legal but too rare to size frames for.
    return null;
  }
  let samplesPerFrame: number;
  let frameBytes: number;
  if (layer === 1) {
    samplesPerFrame = 384;
    frameBytes = (Math.floor((12 * bitrateKbps * 1000) / sampleRate) + padding) * 4;
  } else {
    samplesPerFrame = layer === 3 && version !== 3 ? 576 : 1152;
    frameBytes = Math.floor(((samplesPerFrame / 8) * bitrateKbps * 1000) / sampleRate) + padding;
  }
  return { version, layer, sampleRate, bitrateKbps, channels, samplesPerFrame, frameBytes };
}

interface VbrHeader {
  frames: number;
  /** Encoder delay plus end padding in samples, from a LAME-style extension; 0 when absent. */
  gaplessTrim: number;
}

/**
 * Reads a Xing/Info or VBRI header inside the first frame, with the encoder delay and padding of
 * a LAME/Lavc extension, which decoders such as FFmpeg drop from the output.
 */
function readVbrHeader(frame: Buffer, header: FrameHeader): VbrHeader | null {
  const sideInfoBytes =
    header.version === 3 ? (header.channels === 1 ? 17 : 32) : header.channels === 1 ? 9 : 17;
  const xingOffset = 4 + sideInfoBytes;
  const xingTag = frame.toString('latin1', xingOffset, xingOffset + 4);
  if ((xingTag === 'Xing' || xingTag === 'Info') && frame.length >= xingOffset + 12) {
    const flags = frame.readUInt32BE(xingOffset + 4);
    if ((flags & 0x01) === 0) {
      return null;
    }
    const frames = frame.readUInt32BE(xingOffset + 8);
    // Optional fields follow the frame count: byte count, 100-byte TOC, quality.
    const extension =
      xingOffset + 12 + (flags & 0x02 ? 4 : 0) + (flags & 0x04 ? 100 : 0) + (flags & 0x08 ? 4 : 0);
    let gaplessTrim = 0;
    if (frame.length >= extension + 24) {
      const packed = frame.readUIntBE(extension + 21, 3);
      gaplessTrim = (packed >> 12) + (packed & 0xfff);
    }
    return { frames, gaplessTrim };
  }
  if (frame.toString('latin1', 36, 40) === 'VBRI' && frame.length >= 36 + 18) {
    return { frames: frame.readUInt32BE(36 + 14), gaplessTrim: 0 };
  }
  return null;
}

/** Finds the first frame whose successor is also a valid frame header. */
function findFirstFrame(
  source: ByteSource,
  start: number,
): { offset: number; header: FrameHeader } | null {
  const window = source.read(start, 64 * 1024);
  for (let i = 0; i + 4 <= window.length; i += 1) {
    const header = parseFrameHeader(window, i);
    if (!header) {
      continue;
    }
    const next = source.read(start + i + header.frameBytes, 4);
    if (next.length < 4 || parseFrameHeader(next, 0)) {
      return { offset: start + i, header };
    }
  }
  return null;
}

/**
 * Reads MPEG audio frame headers: the length comes from a Xing/Info or VBRI header, else from
 * counting every frame header (estimated from the average frame size past 200,000 frames).
 */
export function probeMp3(source: ByteSource): AudioProbe {
  const head = source.read(0, 10);
  const audioStart = id3v2Size(head);
  const first = findFirstFrame(source, audioStart);
  if (!first) {
    return probeError('corrupt', 'No MPEG audio frame found.');
  }
  const { header } = first;
  const codec = header.layer === 3 ? 'mp3' : header.layer === 2 ? 'mp2' : 'mp1';
  const base = {
    ok: true as const,
    format: 'mp3' as const,
    codec,
    sampleRate: header.sampleRate,
    channels: header.channels,
  };

  const frame = source.read(first.offset, Math.max(header.frameBytes, 64));
  const vbr = readVbrHeader(frame, header);
  if (vbr !== null) {
    // The Xing/VBRI frame itself carries no audio, so its count excludes it.
    const sampleFrames = Math.max(0, vbr.frames * header.samplesPerFrame - vbr.gaplessTrim);
    return {
      ...base,
      durationSeconds: sampleFrames / header.sampleRate,
      sampleFrames,
      estimated: false,
    };
  }

  const tail = source.read(Math.max(0, source.size - 128), 128);
  const id3v1Bytes = tail.length === 128 && tail.toString('latin1', 0, 3) === 'TAG' ? 128 : 0;
  const audioBytes = source.size - first.offset - id3v1Bytes;

  // Without a header, count the frames, reading the file in blocks.
  let frames = 0;
  let offset = first.offset;
  let block: Buffer = Buffer.alloc(0);
  let blockStart = 0;
  while (frames < MAX_SCANNED_FRAMES && offset + 4 <= first.offset + audioBytes) {
    if (offset < blockStart || offset + 4 > blockStart + block.length) {
      blockStart = offset;
      block = source.read(offset, SCAN_BLOCK_BYTES);
    }
    const next = parseFrameHeader(block, offset - blockStart);
    if (!next) {
      break;
    }
    frames += 1;
    offset += next.frameBytes;
  }
  const sampleFrames = frames * header.samplesPerFrame;
  if (frames >= MAX_SCANNED_FRAMES) {
    // Past the cap, assume the remaining bytes have the average frame size so far.
    const scannedBytes = offset - first.offset;
    const durationSeconds = (sampleFrames / header.sampleRate) * (audioBytes / scannedBytes);
    return { ...base, durationSeconds, sampleFrames: null, estimated: true };
  }
  return {
    ...base,
    durationSeconds: sampleFrames / header.sampleRate,
    sampleFrames,
    estimated: false,
  };
}
