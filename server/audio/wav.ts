import { type AudioProbe, type ByteSource, probeError } from './types.ts';

const WAVE_FORMAT_PCM = 0x0001;
const WAVE_FORMAT_IEEE_FLOAT = 0x0003;
const WAVE_FORMAT_ALAW = 0x0006;
const WAVE_FORMAT_MULAW = 0x0007;
const WAVE_FORMAT_EXTENSIBLE = 0xfffe;

/** Upper bound on chunks walked before `data`, so a crafted file cannot loop for long. */
const MAX_CHUNKS = 1024;

function codecName(formatTag: number, bitsPerSample: number): string {
  switch (formatTag) {
    case WAVE_FORMAT_PCM:
      return bitsPerSample === 8 ? 'pcm_u8' : `pcm_s${bitsPerSample}le`;
    case WAVE_FORMAT_IEEE_FLOAT:
      return `pcm_f${bitsPerSample}le`;
    case WAVE_FORMAT_ALAW:
      return 'pcm_alaw';
    case WAVE_FORMAT_MULAW:
      return 'pcm_mulaw';
    default:
      return `wav_0x${formatTag.toString(16).padStart(4, '0')}`;
  }
}

/**
 * Reads a RIFF/WAVE (or RF64) header: the `fmt ` chunk, including WAVE_FORMAT_EXTENSIBLE's
 * sub-format, and the size of the `data` chunk. Never reads the samples.
 */
export function probeWav(source: ByteSource): AudioProbe {
  const head = source.read(0, 12);
  const isRf64 = head.toString('latin1', 0, 4) === 'RF64';
  let offset = 12;
  let ds64DataSize: number | null = null;
  let format: {
    tag: number;
    channels: number;
    sampleRate: number;
    byteRate: number;
    blockAlign: number;
    bits: number;
  } | null = null;
  let factFrames: number | null = null;

  for (let chunkIndex = 0; chunkIndex < MAX_CHUNKS && offset + 8 <= source.size; chunkIndex += 1) {
    const chunkHeader = source.read(offset, 8);
    const id = chunkHeader.toString('latin1', 0, 4);
    const size = chunkHeader.readUInt32LE(4);
    const bodyOffset = offset + 8;

    if (id === 'ds64') {
      const body = source.read(bodyOffset, 24);
      if (body.length >= 16) {
        ds64DataSize = Number(body.readBigUInt64LE(8));
      }
    } else if (id === 'fmt ') {
      const body = source.read(bodyOffset, Math.min(size, 40));
      if (body.length < 16) {
        return probeError('corrupt', 'WAV fmt chunk is shorter than 16 bytes.');
      }
      let tag = body.readUInt16LE(0);
      if (tag === WAVE_FORMAT_EXTENSIBLE && body.length >= 26) {
        // The sub-format GUID starts at byte 24; its first two bytes are the real format tag.
        tag = body.readUInt16LE(24);
      }
      format = {
        tag,
        channels: body.readUInt16LE(2),
        sampleRate: body.readUInt32LE(4),
        byteRate: body.readUInt32LE(8),
        blockAlign: body.readUInt16LE(12),
        bits: body.readUInt16LE(14),
      };
    } else if (id === 'fact') {
      const body = source.read(bodyOffset, 4);
      if (body.length === 4) {
        factFrames = body.readUInt32LE(0);
      }
    } else if (id === 'data') {
      if (!format) {
        return probeError('corrupt', 'WAV data chunk comes before the fmt chunk.');
      }
      if (format.channels === 0 || format.sampleRate === 0) {
        return probeError('corrupt', 'WAV fmt chunk declares 0 channels or a 0 Hz sample rate.');
      }
      // Streaming writers leave 0 or 0xFFFFFFFF; RF64 stores the real size in ds64.
      const available = source.size - bodyOffset;
      let dataBytes = isRf64 && ds64DataSize !== null ? ds64DataSize : size;
      if (dataBytes === 0xffffffff || dataBytes > available || (dataBytes === 0 && available > 0)) {
        dataBytes = available;
      }
      const isLinear =
        format.tag === WAVE_FORMAT_PCM ||
        format.tag === WAVE_FORMAT_IEEE_FLOAT ||
        format.tag === WAVE_FORMAT_ALAW ||
        format.tag === WAVE_FORMAT_MULAW;
      let frames: number | null = null;
      if (isLinear && format.blockAlign > 0) {
        frames = Math.floor(dataBytes / format.blockAlign);
      } else if (factFrames !== null) {
        frames = factFrames;
      }
      const durationSeconds =
        frames !== null
          ? frames / format.sampleRate
          : format.byteRate > 0
            ? dataBytes / format.byteRate
            : null;
      return {
        ok: true,
        format: 'wav',
        codec: codecName(format.tag, format.bits),
        durationSeconds,
        sampleRate: format.sampleRate,
        channels: format.channels,
        sampleFrames: frames,
        estimated: frames === null,
      };
    }

    // Chunks are padded to an even size.
    offset = bodyOffset + size + (size % 2);
  }
  return probeError('corrupt', 'WAV file has no data chunk.');
}
