import fs from 'node:fs';
import { parseFlacStreamInfo } from './flac.ts';
import { probeMp3 } from './mp3.ts';
import { probeMp4 } from './mp4.ts';
import { probeOgg } from './ogg.ts';
import { id3v2Size, SNIFF_BYTES, sniffAudioFormat } from './sniff.ts';
import { type AudioProbe, type ByteSource, probeError } from './types.ts';
import { probeWav } from './wav.ts';
import { probeWebm } from './webm.ts';

function bufferSource(buffer: Buffer): ByteSource {
  return {
    size: buffer.length,
    read: (offset, length) => buffer.subarray(offset, Math.min(buffer.length, offset + length)),
  };
}

function probeSource(source: ByteSource): AudioProbe {
  if (source.size === 0) {
    return probeError('empty_file', 'The file is empty (0 bytes).');
  }
  const head = source.read(0, SNIFF_BYTES);
  const format = sniffAudioFormat(head);
  switch (format) {
    case 'wav':
      return probeWav(source);
    case 'flac': {
      const start = id3v2Size(head);
      return parseFlacStreamInfo(source.read(start, 4 + 4 + 34));
    }
    case 'mp3':
      return probeMp3(source);
    case 'ogg':
      return probeOgg(source);
    case 'm4a':
      return probeMp4(source);
    case 'webm':
      return probeWebm(source);
    default:
      return probeError(
        'not_audio',
        'Not a recognised audio file: expected WAV, FLAC, MP3, Ogg, M4A or WebM content.',
      );
  }
}

/**
 * Reads format, duration, sample rate and channels from an in-memory file's headers.
 *
 * @example probeAudioBuffer(fs.readFileSync('clip.flac')) // { ok: true, format: 'flac', ... }
 */
export function probeAudioBuffer(buffer: Buffer): AudioProbe {
  try {
    return probeSource(bufferSource(buffer));
  } catch (error) {
    // Header fields that point past the end make Buffer reads throw RangeError.
    if (error instanceof RangeError) {
      return probeError('corrupt', 'The audio header is truncated or inconsistent.');
    }
    throw error;
  }
}

/**
 * Reads format, duration, sample rate and channels from a file's headers with a few small
 * synchronous reads (the start, and the end for Ogg), never decoding the samples.
 */
export function probeAudioFile(filePath: string): AudioProbe {
  let fd: number;
  try {
    fd = fs.openSync(filePath, 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code ?? 'error';
    return probeError('unreadable', `Cannot open the file (${code}).`);
  }
  try {
    const size = fs.fstatSync(fd).size;
    const source: ByteSource = {
      size,
      read(offset, length) {
        const wanted = Math.max(0, Math.min(length, size - offset));
        const buffer = Buffer.allocUnsafe(wanted);
        const got = wanted > 0 ? fs.readSync(fd, buffer, 0, wanted, offset) : 0;
        return buffer.subarray(0, got);
      },
    };
    return probeSource(source);
  } catch (error) {
    if (error instanceof RangeError) {
      return probeError('corrupt', 'The audio header is truncated or inconsistent.');
    }
    const code = (error as NodeJS.ErrnoException).code;
    if (code) {
      return probeError('unreadable', `Cannot read the file (${code}).`);
    }
    throw error;
  } finally {
    fs.closeSync(fd);
  }
}
