import { type AudioProbe, type ByteSource, probeError } from './types.ts';

/** Bytes read from the start; Info and Tracks come before the first Cluster in practice. */
const HEAD_BYTES = 256 * 1024;

const ID_SEGMENT = 0x18538067;
const ID_INFO = 0x1549a966;
const ID_TIMECODE_SCALE = 0x2ad7b1;
const ID_DURATION = 0x4489;
const ID_TRACKS = 0x1654ae6b;
const ID_TRACK_ENTRY = 0xae;
const ID_TRACK_TYPE = 0x83;
const ID_CODEC_ID = 0x86;
const ID_AUDIO = 0xe1;
const ID_SAMPLING_FREQUENCY = 0xb5;
const ID_CHANNELS = 0x9f;
const ID_CLUSTER = 0x1f43b675;
const TRACK_TYPE_AUDIO = 2;

interface Element {
  id: number;
  dataStart: number;
  /** End of the element's data; the end of the buffer when the size is "unknown". */
  end: number;
}

/** Reads an EBML variable-length integer; `keepMarker` keeps the length bit (element ids do). */
function readVint(
  bytes: Buffer,
  offset: number,
  keepMarker: boolean,
): { value: number; length: number; unknown: boolean } | null {
  const first = bytes[offset];
  if (first === undefined || first === 0) {
    return null;
  }
  let length = 1;
  while (length <= 8 && (first & (0x80 >> (length - 1))) === 0) {
    length += 1;
  }
  if (offset + length > bytes.length) {
    return null;
  }
  let value = keepMarker ? first : first & (0xff >> length);
  let allOnes = value === 0xff >> length;
  for (let i = 1; i < length; i += 1) {
    const byte = bytes[offset + i] ?? 0;
    value = value * 256 + byte;
    allOnes &&= byte === 0xff;
  }
  return { value, length, unknown: !keepMarker && allOnes };
}

function* children(bytes: Buffer, start: number, end: number): Generator<Element> {
  let offset = start;
  while (offset < end) {
    const id = readVint(bytes, offset, true);
    if (!id) {
      return;
    }
    const size = readVint(bytes, offset + id.length, false);
    if (!size) {
      return;
    }
    const dataStart = offset + id.length + size.length;
    const dataEnd = size.unknown ? end : Math.min(end, dataStart + size.value);
    yield { id: id.value, dataStart, end: dataEnd };
    if (size.unknown) {
      return;
    }
    offset = dataStart + size.value;
  }
}

function readUint(bytes: Buffer, element: Element): number {
  let value = 0;
  for (let i = element.dataStart; i < element.end; i += 1) {
    value = value * 256 + (bytes[i] ?? 0);
  }
  return value;
}

function readFloat(bytes: Buffer, element: Element): number {
  const length = element.end - element.dataStart;
  if (length === 4) {
    return bytes.readFloatBE(element.dataStart);
  }
  return length === 8 ? bytes.readDoubleBE(element.dataStart) : 0;
}

/**
 * Reads a WebM/Matroska header: Segment Info's Duration and the first audio track's codec,
 * sampling frequency and channels. Browser recordings often lack a Duration, which gives null.
 */
export function probeWebm(source: ByteSource): AudioProbe {
  const bytes = source.read(0, HEAD_BYTES);
  const header = children(bytes, 0, bytes.length).next();
  if (header.done) {
    return probeError('corrupt', 'WebM file has no EBML header.');
  }
  const segment = [...children(bytes, header.value.end, bytes.length)].find(
    (element) => element.id === ID_SEGMENT,
  );
  if (!segment) {
    return probeError('corrupt', 'WebM file has no Segment.');
  }

  let timecodeScale = 1_000_000;
  let rawDuration: number | null = null;
  let audio: { codec: string; sampleRate: number; channels: number } | null = null;
  for (const element of children(bytes, segment.dataStart, segment.end)) {
    if (element.id === ID_CLUSTER) {
      break;
    }
    if (element.id === ID_INFO) {
      for (const field of children(bytes, element.dataStart, element.end)) {
        if (field.id === ID_TIMECODE_SCALE) {
          timecodeScale = readUint(bytes, field);
        } else if (field.id === ID_DURATION) {
          rawDuration = readFloat(bytes, field);
        }
      }
    } else if (element.id === ID_TRACKS && !audio) {
      for (const track of children(bytes, element.dataStart, element.end)) {
        if (track.id !== ID_TRACK_ENTRY) {
          continue;
        }
        let type = 0;
        let codec = '';
        let sampleRate = 8000; // the Matroska default SamplingFrequency
        let channels = 1; // the Matroska default Channels
        for (const field of children(bytes, track.dataStart, track.end)) {
          if (field.id === ID_TRACK_TYPE) {
            type = readUint(bytes, field);
          } else if (field.id === ID_CODEC_ID) {
            codec = bytes.toString('latin1', field.dataStart, field.end);
          } else if (field.id === ID_AUDIO) {
            for (const setting of children(bytes, field.dataStart, field.end)) {
              if (setting.id === ID_SAMPLING_FREQUENCY) {
                sampleRate = readFloat(bytes, setting);
              } else if (setting.id === ID_CHANNELS) {
                channels = readUint(bytes, setting);
              }
            }
          }
        }
        if (type === TRACK_TYPE_AUDIO) {
          audio = { codec: codec.replace(/^A_/, '').toLowerCase(), sampleRate, channels };
          break;
        }
      }
    }
  }
  if (!audio) {
    return probeError('corrupt', 'WebM file has no audio track.');
  }
  return {
    ok: true,
    format: 'webm',
    codec: audio.codec,
    durationSeconds: rawDuration === null ? null : (rawDuration * timecodeScale) / 1e9,
    sampleRate: Math.round(audio.sampleRate),
    channels: audio.channels,
    sampleFrames: null,
    estimated: false,
  };
}
