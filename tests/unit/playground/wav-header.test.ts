import { describe, expect, it } from 'vitest';
import { parseWavHeader } from '../../../server/uploads/wav.ts';
import { encodeWav16 } from '../../../src/features/playground/audio-dsp.ts';

describe('parseWavHeader', () => {
  it('names text content in its rejection', () => {
    const parsed = parseWavHeader(new TextEncoder().encode('just some notes\nline two\n'));
    expect(parsed.ok).toBe(false);
    if (parsed.ok) return;
    expect(parsed.reason).toContain('text');
  });

  it('names an MP3 header', () => {
    const parsed = parseWavHeader(new Uint8Array([0x49, 0x44, 0x33, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0]));
    expect(parsed.ok ? '' : parsed.reason).toContain('MP3');
  });

  it('rejects a file shorter than a header', () => {
    expect(parseWavHeader(new Uint8Array(4)).ok).toBe(false);
  });

  it('skips unknown chunks before data', () => {
    const plain = encodeWav16(new Float32Array(1600), 16_000);
    const extra = new Uint8Array([...new TextEncoder().encode('LIST'), 3, 0, 0, 0, 1, 2, 3, 0]);
    const withList = new Uint8Array(plain.length + extra.length);
    withList.set(plain.subarray(0, 36));
    withList.set(extra, 36);
    withList.set(plain.subarray(36), 36 + extra.length);
    const parsed = parseWavHeader(withList);
    expect(parsed.ok).toBe(true);
    if (!parsed.ok) return;
    expect(parsed.header.durationSeconds).toBeCloseTo(0.1, 6);
  });

  it('clamps a data size larger than the file', () => {
    const wav = encodeWav16(new Float32Array(1600), 16_000);
    new DataView(wav.buffer).setUint32(40, 0xffffffff, true);
    const parsed = parseWavHeader(wav);
    expect(parsed.ok && parsed.header.dataBytes).toBe(3200);
  });
});
