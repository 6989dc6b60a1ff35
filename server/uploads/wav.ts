/** Header facts of a RIFF/WAVE file. */
export interface WavHeader {
  /** 1 is integer PCM, 3 is IEEE float; 0xfffe (extensible) is resolved to its sub-format. */
  format: number;
  channels: number;
  sampleRate: number;
  bitsPerSample: number;
  dataBytes: number;
  durationSeconds: number;
}

export type WavParseResult = { ok: true; header: WavHeader } | { ok: false; reason: string };

const PCM = 1;
const IEEE_FLOAT = 3;
const EXTENSIBLE = 0xfffe;

/**
 * Parses the RIFF/WAVE header of `bytes` and checks that the audio is PCM or float that
 * decoders accept. A `data` chunk size larger than the file (streams written before their
 * length was known) is clamped to the bytes present.
 */
export function parseWavHeader(bytes: Uint8Array): WavParseResult {
  if (bytes.length < 12) {
    return { ok: false, reason: `only ${bytes.length} bytes, too short for a WAV header` };
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (ascii(bytes, 0, 4) !== 'RIFF' || ascii(bytes, 8, 4) !== 'WAVE') {
    return { ok: false, reason: `it starts with ${describeStart(bytes)}, not a RIFF/WAVE header` };
  }

  let format: Omit<WavHeader, 'dataBytes' | 'durationSeconds'> | null = null;
  let offset = 12;
  while (offset + 8 <= bytes.length) {
    const id = ascii(bytes, offset, 4);
    const size = view.getUint32(offset + 4, true);
    const body = offset + 8;
    if (id === 'fmt ') {
      if (size < 16 || body + 16 > bytes.length) {
        return { ok: false, reason: 'its fmt chunk is truncated' };
      }
      let code = view.getUint16(body, true);
      if (code === EXTENSIBLE && size >= 40 && body + 26 <= bytes.length) {
        code = view.getUint16(body + 24, true);
      }
      format = {
        format: code,
        channels: view.getUint16(body + 2, true),
        sampleRate: view.getUint32(body + 4, true),
        bitsPerSample: view.getUint16(body + 14, true),
      };
    } else if (id === 'data') {
      if (!format) {
        return { ok: false, reason: 'its data chunk comes before the fmt chunk' };
      }
      const problem = formatProblem(format);
      if (problem) {
        return { ok: false, reason: problem };
      }
      const dataBytes = Math.min(size, bytes.length - body);
      const frameBytes = format.channels * (format.bitsPerSample / 8);
      const durationSeconds = dataBytes / frameBytes / format.sampleRate;
      return { ok: true, header: { ...format, dataBytes, durationSeconds } };
    }
    // Chunks are padded to an even size.
    offset = body + size + (size % 2);
  }
  return { ok: false, reason: format ? 'it has no data chunk' : 'it has no fmt chunk' };
}

function formatProblem(format: Omit<WavHeader, 'dataBytes' | 'durationSeconds'>): string | null {
  if (format.format !== PCM && format.format !== IEEE_FLOAT) {
    return `its sample format code ${format.format} is neither PCM (1) nor float (3)`;
  }
  if (format.channels < 1 || format.channels > 32) {
    return `it declares ${format.channels} channels`;
  }
  if (format.sampleRate < 1000 || format.sampleRate > 768_000) {
    return `it declares a sample rate of ${format.sampleRate} Hz`;
  }
  if (![8, 16, 24, 32, 64].includes(format.bitsPerSample)) {
    return `it declares ${format.bitsPerSample} bits per sample`;
  }
  return null;
}

function ascii(bytes: Uint8Array, start: number, length: number): string {
  return String.fromCharCode(...bytes.subarray(start, start + length));
}

/** Names what a non-WAV file starts with, for error messages. */
function describeStart(bytes: Uint8Array): string {
  const head = bytes.subarray(0, 64);
  const printable = head.every(
    (byte) => byte === 9 || byte === 10 || byte === 13 || (byte >= 32 && byte < 127),
  );
  if (printable) {
    return 'text';
  }
  const magic = ascii(bytes, 0, 4);
  if (magic === 'fLaC') return 'a FLAC header';
  if (magic === 'OggS') return 'an Ogg header';
  if (magic.startsWith('ID3') || (bytes[0] === 0xff && ((bytes[1] ?? 0) & 0xe0) === 0xe0)) {
    return 'an MP3 header';
  }
  if (bytes[0] === 0x1a && bytes[1] === 0x45 && bytes[2] === 0xdf && bytes[3] === 0xa3) {
    return 'a WebM/Matroska header';
  }
  if (ascii(bytes, 4, 4) === 'ftyp') return 'an MP4/M4A header';
  return `the bytes ${[...bytes.subarray(0, 4)].map((b) => b.toString(16).padStart(2, '0')).join(' ')}`;
}
