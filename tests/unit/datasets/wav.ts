/** Builds a PCM WAV file (a 440 Hz tone) of the given length, for tests. */
export function makeWav(
  seconds: number,
  options: { sampleRate?: number; channels?: number; extensible?: boolean } = {},
): Buffer {
  const sampleRate = options.sampleRate ?? 16_000;
  const channels = options.channels ?? 1;
  const frames = Math.round(seconds * sampleRate);
  const data = Buffer.alloc(frames * channels * 2);
  for (let i = 0; i < frames; i += 1) {
    const value = Math.round(8000 * Math.sin((2 * Math.PI * 440 * i) / sampleRate));
    for (let c = 0; c < channels; c += 1) {
      data.writeInt16LE(value, (i * channels + c) * 2);
    }
  }
  const fmtSize = options.extensible ? 40 : 16;
  const fmt = Buffer.alloc(fmtSize);
  fmt.writeUInt16LE(options.extensible ? 0xfffe : 1, 0);
  fmt.writeUInt16LE(channels, 2);
  fmt.writeUInt32LE(sampleRate, 4);
  fmt.writeUInt32LE(sampleRate * channels * 2, 8);
  fmt.writeUInt16LE(channels * 2, 12);
  fmt.writeUInt16LE(16, 14);
  if (options.extensible) {
    fmt.writeUInt16LE(22, 16);
    fmt.writeUInt16LE(16, 18);
    fmt.writeUInt16LE(1, 24); // KSDATAFORMAT_SUBTYPE_PCM starts with 0x0001
  }
  const header = Buffer.alloc(12);
  header.write('RIFF', 0, 'latin1');
  header.writeUInt32LE(4 + 8 + fmtSize + 8 + data.length, 4);
  header.write('WAVE', 8, 'latin1');
  const fmtHeader = Buffer.from('fmt     ', 'latin1');
  fmtHeader.writeUInt32LE(fmtSize, 4);
  const dataHeader = Buffer.from('data    ', 'latin1');
  dataHeader.writeUInt32LE(data.length, 4);
  return Buffer.concat([header, fmtHeader, fmt, dataHeader, data]);
}
