import { resampleTo16kMono, TARGET_SAMPLE_RATE } from './audio-dsp.ts';

/**
 * Decodes any format the browser can read (wav, mp3, flac, ogg, m4a, webm) to 16 kHz mono.
 * `decodeAudioData` on a 16 kHz OfflineAudioContext already resamples; `resampleTo16kMono`
 * then downmixes, and resamples too where a browser returned another rate.
 */
export async function decodeToMono16k(bytes: ArrayBuffer): Promise<Float32Array> {
  const context = new OfflineAudioContext(1, 1, TARGET_SAMPLE_RATE);
  const buffer = await context.decodeAudioData(bytes);
  const channels = Array.from({ length: buffer.numberOfChannels }, (_, index) =>
    buffer.getChannelData(index),
  );
  return resampleTo16kMono(channels, buffer.sampleRate);
}
