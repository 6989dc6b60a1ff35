/** Container formats that the board recognises from their first bytes. */
export const AUDIO_FORMATS = ['wav', 'flac', 'mp3', 'ogg', 'm4a', 'webm'] as const;
export type AudioFormat = (typeof AUDIO_FORMATS)[number];

/** What a header read found out about one audio file. */
export interface AudioInfo {
  ok: true;
  format: AudioFormat;
  /** Codec inside the container, e.g. `pcm_s16le`, `flac`, `mp3`, `vorbis`, `opus`, `aac`. */
  codec: string;
  /** Null only when the container does not store it (WebM written by a browser's MediaRecorder). */
  durationSeconds: number | null;
  /** Samples per second of the stored audio, before any resampling. */
  sampleRate: number;
  channels: number;
  /**
   * Samples per channel when the header states them exactly (WAV, FLAC, Ogg, MP3 with a
   * Xing/VBRI header); null when the duration is an estimate or unknown.
   */
  sampleFrames: number | null;
  /** True when the duration comes from the bitrate (constant-bitrate MP3 without a Xing header). */
  estimated: boolean;
}

export type AudioProbeErrorCode = 'empty_file' | 'not_audio' | 'corrupt' | 'unreadable';

export interface AudioProbeError {
  ok: false;
  code: AudioProbeErrorCode;
  message: string;
}

export type AudioProbe = AudioInfo | AudioProbeError;

/** Random access to the bytes of a file or buffer; `read` returns fewer bytes at the end. */
export interface ByteSource {
  size: number;
  read(offset: number, length: number): Buffer;
}

export function probeError(code: AudioProbeErrorCode, message: string): AudioProbeError {
  return { ok: false, code, message };
}
