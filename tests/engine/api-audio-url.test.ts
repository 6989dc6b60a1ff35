import { type ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoInferenceArgs } from '../../server/engine/demo-recipe.ts';
import { defaultEngineCli } from '../../server/engine/paths.ts';
import { freePort } from '../../server/worker/inference/model-server.ts';
import { ensureFixtures, type Fixtures } from '../fixtures/ensure.ts';
import { tempDir, waitFor } from '../helpers/board.ts';
import { heldOutRecords } from './engine-helpers.ts';

// Why the worker sends clips as paths under SAFE_MEDIA_PATH and not as data URLs: this pins
// the engine's behaviour, so an engine upgrade that fixes data URLs makes this test fail.

const API_KEY = 'sk-engine-tier';
let fixtures: Fixtures;
let api: ChildProcess;
let baseUrl: string;
let mediaDir: string;

beforeAll(async () => {
  fixtures = await ensureFixtures();
  const dir = tempDir('api-audio-url');
  mediaDir = path.join(dir, 'media');
  fs.mkdirSync(mediaDir);
  const argsFile = path.join(dir, 'api.yaml');
  fs.writeFileSync(argsFile, JSON.stringify(demoInferenceArgs(fixtures.modelDir)));

  const port = await freePort();
  baseUrl = `http://127.0.0.1:${port}`;
  const log = fs.openSync(path.join(dir, 'api.log'), 'a');
  api = spawn(process.env.AUDIO_BOARD_ENGINE_CLI ?? defaultEngineCli(), ['api', argsFile], {
    stdio: ['ignore', log, log],
    detached: true,
    env: {
      ...process.env,
      API_HOST: '127.0.0.1',
      API_PORT: String(port),
      API_KEY,
      SAFE_MEDIA_PATH: mediaDir,
      HF_HUB_OFFLINE: '1',
      CUDA_VISIBLE_DEVICES: '',
    },
  });
  fs.closeSync(log);
  await waitFor(
    async () => {
      try {
        const response = await fetch(`${baseUrl}/v1/models`, {
          headers: { Authorization: `Bearer ${API_KEY}` },
        });
        return response.ok ? true : undefined;
      } catch {
        return undefined;
      }
    },
    5 * 60_000,
    'llamafactory-cli api to load',
  );
});

afterAll(() => {
  if (api?.pid) {
    process.kill(-api.pid, 'SIGKILL');
  }
});

/**
 * Streams one question about `audioUrl` and returns the raw SSE text, and the error when the
 * engine cut the stream off.
 */
async function ask(
  audioUrl: string,
  prompt: string,
): Promise<{ status: number; body: string; error: string | null }> {
  const response = await fetch(`${baseUrl}/v1/chat/completions`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${API_KEY}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({
      model: 'demo',
      stream: true,
      temperature: 0,
      max_tokens: 8,
      messages: [
        {
          role: 'user',
          content: [
            { type: 'audio_url', audio_url: { url: audioUrl } },
            { type: 'text', text: prompt },
          ],
        },
      ],
    }),
  });
  let body = '';
  let error: string | null = null;
  const decoder = new TextDecoder();
  const reader = response.body?.getReader();
  try {
    for (;;) {
      const chunk = await reader?.read();
      if (!chunk || chunk.done) {
        break;
      }
      body += decoder.decode(chunk.value, { stream: true });
    }
  } catch (caught) {
    error =
      caught instanceof Error ? `${caught.message}: ${String(caught.cause ?? '')}` : String(caught);
  }
  return { status: response.status, body, error };
}

describe('llamafactory-cli api audio input (LLaMA-Factory 0.9.5)', () => {
  it('streams an answer for a clip given as a path under SAFE_MEDIA_PATH', async () => {
    const record = heldOutRecords(fixtures)[0];
    if (!record) throw new Error('no held-out clip');
    const clip = path.join(mediaDir, 'clip.wav');
    fs.copyFileSync(record.audio, clip);

    const { status, body, error } = await ask(clip, record.prompt);
    expect(error).toBeNull();
    expect(status).toBe(200);
    expect(body).toContain('"finish_reason": "stop"');
    expect(body.trim().endsWith('data: [DONE]')).toBe(true);
  });

  it('fails for the same clip given as a data URL, because the engine reads it twice', async () => {
    const record = heldOutRecords(fixtures)[0];
    if (!record) throw new Error('no held-out clip');
    const dataUrl = `data:audio/wav;base64,${fs.readFileSync(record.audio).toString('base64')}`;

    const { body, error } = await ask(dataUrl, record.prompt);
    console.log(
      `data URL: stream ${JSON.stringify(body.slice(0, 200))}, then ${error ?? 'no error'}`,
    );
    expect(body).not.toContain('data: [DONE]');
    expect(body).not.toContain('"finish_reason": "stop"');
  });
});
