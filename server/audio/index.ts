export { probeAudioBuffer, probeAudioFile } from './probe.ts';
export { SNIFF_BYTES, sniffAudioFormat } from './sniff.ts';
export type {
  AudioFormat,
  AudioInfo,
  AudioProbe,
  AudioProbeError,
  AudioProbeErrorCode,
} from './types.ts';
export { AUDIO_FORMATS } from './types.ts';
