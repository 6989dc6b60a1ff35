import { type AudioProbe, type ByteSource, probeError } from './types.ts';

/** `moov` boxes larger than this are not parsed (audio-only files have a few hundred KiB at most). */
const MAX_MOOV_BYTES = 16 * 1024 * 1024;
const MAX_TOP_LEVEL_BOXES = 4096;

interface Box {
  type: string;
  bodyStart: number;
  end: number;
}

function readBoxes(bytes: Buffer, start: number, end: number): Box[] {
  const boxes: Box[] = [];
  let offset = start;
  while (offset + 8 <= end) {
    let size = bytes.readUInt32BE(offset);
    const type = bytes.toString('latin1', offset + 4, offset + 8);
    let header = 8;
    if (size === 1 && offset + 16 <= end) {
      size = Number(bytes.readBigUInt64BE(offset + 8));
      header = 16;
    } else if (size === 0) {
      size = end - offset;
    }
    if (size < header || offset + size > end) {
      break;
    }
    boxes.push({ type, bodyStart: offset + header, end: offset + size });
    offset += size;
  }
  return boxes;
}

function child(bytes: Buffer, parent: Box, type: string, skip = 0): Box | undefined {
  return readBoxes(bytes, parent.bodyStart + skip, parent.end).find((box) => box.type === type);
}

/** Finds the top-level `moov` box by walking box headers, so a large `mdat` is never read. */
function readMoov(source: ByteSource): Buffer | null {
  let offset = 0;
  for (let i = 0; i < MAX_TOP_LEVEL_BOXES && offset + 8 <= source.size; i += 1) {
    const header = source.read(offset, 16);
    let size = header.readUInt32BE(0);
    const type = header.toString('latin1', 4, 8);
    if (size === 1 && header.length >= 16) {
      size = Number(header.readBigUInt64BE(8));
    } else if (size === 0) {
      size = source.size - offset;
    }
    if (size < 8) {
      return null;
    }
    if (type === 'moov') {
      return size > MAX_MOOV_BYTES ? null : source.read(offset, size);
    }
    offset += size;
  }
  return null;
}

/**
 * Reads an MP4/M4A audio track's length from `mdhd` and its channels and sample rate from the
 * `mp4a` (or other) sample entry in `stsd`.
 */
export function probeMp4(source: ByteSource): AudioProbe {
  const moov = readMoov(source);
  if (!moov) {
    return probeError('corrupt', 'MP4 file has no readable moov box.');
  }
  const root: Box = { type: 'moov', bodyStart: 8, end: moov.length };
  for (const trak of readBoxes(moov, root.bodyStart, root.end).filter((b) => b.type === 'trak')) {
    const mdia = child(moov, trak, 'mdia');
    const hdlr = mdia && child(moov, mdia, 'hdlr');
    if (
      !mdia ||
      !hdlr ||
      moov.toString('latin1', hdlr.bodyStart + 8, hdlr.bodyStart + 12) !== 'soun'
    ) {
      continue;
    }
    const mdhd = child(moov, mdia, 'mdhd');
    const stsd = (() => {
      const minf = child(moov, mdia, 'minf');
      const stbl = minf && child(moov, minf, 'stbl');
      return stbl && child(moov, stbl, 'stsd');
    })();
    if (!mdhd || !stsd) {
      continue;
    }
    const version = moov[mdhd.bodyStart] ?? 0;
    const timescale =
      version === 1
        ? moov.readUInt32BE(mdhd.bodyStart + 20)
        : moov.readUInt32BE(mdhd.bodyStart + 12);
    const duration =
      version === 1
        ? Number(moov.readBigUInt64BE(mdhd.bodyStart + 24))
        : moov.readUInt32BE(mdhd.bodyStart + 16);
    // stsd: 4 bytes version/flags, 4 bytes entry count, then sample entries.
    const entry = readBoxes(moov, stsd.bodyStart + 8, stsd.end)[0];
    if (!entry || timescale === 0) {
      continue;
    }
    const channels = moov.readUInt16BE(entry.bodyStart + 16);
    const entryRate = moov.readUInt32BE(entry.bodyStart + 24) >>> 16;
    const sampleRate = entryRate > 0 ? entryRate : timescale;
    return {
      ok: true,
      format: 'm4a',
      codec: entry.type === 'mp4a' ? 'aac' : entry.type.trim(),
      durationSeconds: duration / timescale,
      sampleRate,
      channels,
      // NOTE: mdhd counts the encoder priming samples that decoders drop, so this is no exact count.
      sampleFrames: null,
      estimated: false,
    };
  }
  return probeError('corrupt', 'MP4 file has no audio track.');
}
