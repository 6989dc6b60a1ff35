import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { probeAudioBuffer, probeAudioFile, sniffAudioFormat } from '../../../server/audio/index.ts';
import { tempDir } from '../../helpers/board.ts';
import { makeWav } from './wav.ts';

function hasTool(tool: string): boolean {
  try {
    execFileSync('which', [tool], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe('audio probe', () => {
  it('reads a PCM WAV header', () => {
    const probe = probeAudioBuffer(makeWav(1.5, { sampleRate: 44_100, channels: 2 }));
    expect(probe).toEqual({
      ok: true,
      format: 'wav',
      codec: 'pcm_s16le',
      durationSeconds: 1.5,
      sampleRate: 44_100,
      channels: 2,
      sampleFrames: 66_150,
      estimated: false,
    });
  });

  it('reads WAVE_FORMAT_EXTENSIBLE', () => {
    const probe = probeAudioBuffer(makeWav(0.5, { extensible: true }));
    if (!probe.ok) throw new Error(probe.message);
    expect(probe.codec).toBe('pcm_s16le');
    expect(probe.sampleFrames).toBe(8000);
  });

  it('rejects text and empty files', () => {
    expect(probeAudioBuffer(Buffer.from('root:x:0:0:root:/root:/bin/bash\n'))).toMatchObject({
      ok: false,
      code: 'not_audio',
    });
    expect(probeAudioBuffer(Buffer.alloc(0))).toMatchObject({ ok: false, code: 'empty_file' });
    expect(probeAudioBuffer(makeWav(1).subarray(0, 30))).toMatchObject({ ok: false });
  });

  it('sniffs formats from the first bytes', () => {
    expect(sniffAudioFormat(makeWav(0.1).subarray(0, 64))).toBe('wav');
    expect(sniffAudioFormat(Buffer.from('fLaC\0\0\0\x22'))).toBe('flac');
    expect(sniffAudioFormat(Buffer.from('OggS\0\x02'))).toBe('ogg');
    expect(sniffAudioFormat(Buffer.from('\x89PNG\r\n\x1a\n'))).toBeNull();
  });

  it.skipIf(!hasTool('sox') || !hasTool('ffmpeg'))(
    'reads FLAC, MP3, Ogg, M4A and WebM headers',
    () => {
      const dir = tempDir('probe');
      const wav = path.join(dir, 'tone.wav');
      fs.writeFileSync(wav, makeWav(1.5, { sampleRate: 44_100, channels: 2 }));
      const run = (...args: string[]) =>
        execFileSync(args[0] ?? '', args.slice(1), { stdio: 'ignore' });
      run('sox', wav, path.join(dir, 'tone.flac'));
      run('sox', wav, path.join(dir, 'tone.ogg'));
      run('ffmpeg', '-loglevel', 'error', '-i', wav, path.join(dir, 'tone.mp3'));
      run('ffmpeg', '-loglevel', 'error', '-i', wav, '-c:a', 'libopus', path.join(dir, 'opus.ogg'));
      run('ffmpeg', '-loglevel', 'error', '-i', wav, path.join(dir, 'tone.m4a'));
      run(
        'ffmpeg',
        '-loglevel',
        'error',
        '-i',
        wav,
        '-c:a',
        'libopus',
        path.join(dir, 'tone.webm'),
      );

      const expected: Record<string, [string, number, number]> = {
        'tone.flac': ['flac', 44_100, 1.5],
        'tone.ogg': ['ogg', 44_100, 1.5],
        'tone.mp3': ['mp3', 44_100, 1.5],
        'opus.ogg': ['ogg', 48_000, 1.5],
        'tone.m4a': ['m4a', 44_100, 1.5],
        'tone.webm': ['webm', 48_000, 1.5],
      };
      for (const [file, [format, sampleRate, seconds]] of Object.entries(expected)) {
        const probe = probeAudioFile(path.join(dir, file));
        expect(probe.ok, file).toBe(true);
        if (!probe.ok) continue;
        expect(probe.format, file).toBe(format);
        expect(probe.sampleRate, file).toBe(sampleRate);
        expect(probe.channels, file).toBe(2);
        expect(Math.abs((probe.durationSeconds ?? 0) - seconds), file).toBeLessThan(0.05);
      }
    },
  );
});
