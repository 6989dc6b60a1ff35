import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { UploadInfo } from '../../server/protocol/playground.ts';
import { encodeWav16, resampleTo16kMono } from '../../src/features/playground/audio-dsp.ts';
import { startTestBoard, type TestBoard } from '../helpers/board.ts';

let board: TestBoard | null = null;

afterEach(async () => {
  await board?.server.close();
  board = null;
});

async function upload(
  bytes: Uint8Array<ArrayBuffer>,
  name: string,
  contentType = 'audio/wav',
): Promise<{
  status: number;
  body: { ok: boolean; data?: UploadInfo; error?: { code: string; message: string } };
}> {
  const response = await fetch(`${board?.url}/api/uploads?name=${encodeURIComponent(name)}`, {
    method: 'POST',
    headers: { 'Content-Type': contentType },
    body: bytes,
  });
  return { status: response.status, body: await response.json() };
}

function tone(seconds: number, sampleRate = 16_000): Float32Array {
  return Float32Array.from(
    { length: Math.round(seconds * sampleRate) },
    (_, i) => 0.3 * Math.sin((2 * Math.PI * 440 * i) / sampleRate),
  );
}

describe('playground uploads', () => {
  it('rejects a WAV without samples', async () => {
    board = await startTestBoard();
    const { status, body } = await upload(encodeWav16(new Float32Array(0), 16_000), 'silent.wav');
    expect(status).toBe(400);
    expect(body.error?.code).toBe('invalid_payload');
    expect(body.error?.message).toContain('"silent.wav" has a WAV header but no audio samples');
  });

  it('rejects a 0-byte file and names it', async () => {
    board = await startTestBoard();
    const { status, body } = await upload(new Uint8Array(0), 'empty.wav');
    expect(status).toBe(400);
    expect(body.error?.code).toBe('invalid_payload');
    expect(body.error?.message).toContain('"empty.wav" is empty');
  });

  it('rejects a renamed text file with what was expected', async () => {
    board = await startTestBoard();
    const text = new TextEncoder().encode('shopping list\n- milk\n- eggs\n');
    const { status, body } = await upload(text, 'notes.wav');
    expect(status).toBe(415);
    expect(body.error?.code).toBe('unsupported_media');
    expect(body.error?.message).toContain('"notes.wav" is not a WAV file');
    expect(body.error?.message).toContain('text');
    expect(body.error?.message).toContain('RIFF/WAVE');
  });

  it('accepts a 10-minute clip with the long-clip flag', async () => {
    board = await startTestBoard();
    const wav = encodeWav16(tone(600), 16_000);
    const { status, body } = await upload(wav, 'lecture.wav');
    expect(status).toBe(201);
    expect(body.data?.durationSeconds).toBeCloseTo(600, 3);
    expect(body.data?.longerThanModelLimit).toBe(true);
  });

  it('stores a 48 kHz stereo recording resampled to 16 kHz mono', async () => {
    board = await startTestBoard();
    const left = tone(3, 48_000);
    const right = tone(3, 48_000);
    const wav = encodeWav16(resampleTo16kMono([left, right], 48_000), 16_000);
    const { status, body } = await upload(wav, 'stereo-48k.wav');
    expect(status).toBe(201);
    expect(body.data?.sampleRate).toBe(16_000);
    expect(body.data?.channels).toBe(1);
    expect(body.data?.durationSeconds).toBeCloseTo(3, 3);
    expect(body.data?.longerThanModelLimit).toBe(false);
  });

  it('reuses identical bytes under the same sha and one file', async () => {
    board = await startTestBoard();
    const wav = encodeWav16(tone(1), 16_000);
    const sha = crypto.createHash('sha256').update(wav).digest('hex');
    const first = await upload(wav, 'a.wav');
    const second = await upload(wav, 'b.wav');
    expect(first.status).toBe(201);
    expect(second.status).toBe(200);
    expect(first.body.data?.sha256).toBe(sha);
    expect(second.body.data?.sha256).toBe(sha);
    expect(second.body.data?.created).toBe(false);
    const folder = path.join(board.dataDir, 'uploads', sha.slice(0, 2));
    expect(fs.readdirSync(folder)).toEqual([`${sha}.wav`]);
  });

  it('plays back the stored bytes', async () => {
    board = await startTestBoard();
    const wav = encodeWav16(tone(0.5), 16_000);
    const { body } = await upload(wav, 'short.wav');
    const response = await fetch(`${board.url}/api/uploads/${body.data?.sha256}`);
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('audio/wav');
    expect(Buffer.from(await response.arrayBuffer()).equals(Buffer.from(wav))).toBe(true);
  });

  it('answers 404 for an unknown sha', async () => {
    board = await startTestBoard();
    const response = await fetch(`${board.url}/api/uploads/${'0'.repeat(64)}`);
    expect(response.status).toBe(404);
  });

  it('rejects a body over the size limit with 413', async () => {
    board = await startTestBoard();
    const big = new Uint8Array(50 * 1024 * 1024 + 1);
    const { status, body } = await upload(big, 'huge.wav');
    expect(status).toBe(413);
    expect(body.error?.code).toBe('payload_too_large');
    expect(body.error?.message).toContain('"huge.wav" is larger than the 50 MiB upload limit');
  });
});
