import fs from 'node:fs';
import path from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { afterEach, describe, expect, it } from 'vitest';
import type { Ack } from '../../server/protocol/envelope.ts';
import type { EngineConfig, RunSummary } from '../../server/protocol/runs.ts';
import { createDefaultForm, formToEngineConfig } from '../../server/protocol/train-config.ts';
import { startTestBoard, type TestBoard, tempDir } from '../helpers/board.ts';
import { shareGptAudioEntry, writeDatasetInfo } from '../helpers/datasets.ts';
import { makeWav } from '../unit/datasets/wav.ts';

const TINY_MODEL = path.resolve('tests/fixtures/out/tiny-qwen2-audio');

let board: TestBoard | null = null;
const sockets: Socket[] = [];

afterEach(async () => {
  for (const socket of sockets.splice(0)) {
    socket.close();
  }
  await board?.server.close();
  board = null;
});

interface ServerIssue {
  path: string;
  message: string;
  field: string;
  code: string;
  params: Record<string, string | number>;
  severity: string;
}

function validConfig(overrides: EngineConfig = {}): EngineConfig {
  return {
    ...formToEngineConfig({ ...createDefaultForm(), dataset: ['audio_train'] }),
    output_dir: `saves/test/lora/${Math.random().toString(36).slice(2)}`,
    ...overrides,
  };
}

async function postRun(body: unknown): Promise<{ status: number; ack: Ack<RunSummary> }> {
  const response = await fetch(`${board?.url}/api/runs`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: response.status, ack: (await response.json()) as Ack<RunSummary> };
}

/** Registers a worker whose engine is not ready, so runs stay queued, with the given GPUs. */
async function registerWorker(gpus: { index: number; name: string; computeCapability?: string }[]) {
  const socket = io(`${board?.url}/worker`, { transports: ['websocket'], reconnection: false });
  sockets.push(socket);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', () => resolve());
    socket.once('connect_error', reject);
  });
  const ack = (await socket.emitWithAck('worker:register', {
    workerId: `worker-${gpus.length}`,
    hostname: gpus.length > 0 ? 'gpu-host' : 'cpu-host',
    version: '0.1.0',
    platform: 'linux-x64',
    cpuCount: 2,
    memoryMiB: 4096,
    gpus: gpus.map((gpu) => ({ memoryMiB: 16000, ...gpu })),
    engine: {
      state: 'not_ready',
      code: 'cli_missing',
      reason: 'missing',
      fix: 'npm run setup:engine',
    },
    activeRunIds: [],
  })) as Ack<unknown>;
  expect(ack.ok).toBe(true);
}

function issuesOf(ack: Ack<RunSummary>): ServerIssue[] {
  if (ack.ok) throw new Error('expected an error');
  return (ack.error.details?.issues ?? []) as ServerIssue[];
}

function errorsOf(ack: Ack<RunSummary>): ServerIssue[] {
  return issuesOf(ack).filter((issue) => issue.severity === 'error');
}

describe('POST /api/runs validation', () => {
  it('queues a valid run', async () => {
    board = await startTestBoard();
    const { status, ack } = await postRun({ config: validConfig() });
    expect(status).toBe(201);
    expect(ack.ok).toBe(true);
  });

  it('rejects an out-of-range value naming field, value and fix', async () => {
    board = await startTestBoard();
    const { status, ack } = await postRun({ config: validConfig({ learning_rate: 2 }) });
    expect(status).toBe(400);
    if (ack.ok) throw new Error('expected an error');
    expect(ack.error.code).toBe('invalid_payload');
    expect(ack.error.message).toBe(
      'Invalid run request: learning_rate: 2 is out of range: use a value in (0, 1).',
    );
    expect(issuesOf(ack)).toEqual([
      {
        path: 'config.learning_rate',
        message: 'learning_rate: 2 is out of range: use a value in (0, 1).',
        field: 'learning_rate',
        code: 'out_of_range',
        params: { value: 2, range: '(0, 1)' },
        severity: 'error',
      },
      {
        path: 'config.cutoff_len',
        message:
          'cutoff_len: 2048 was not checked against the dataset, because model_name_or_path is a hub id, and the board reads tokenizers from local folders only.',
        field: 'cutoff_len',
        code: 'cutoff_not_checked',
        params: { value: 2048, reason: 'hub_model' },
        severity: 'warning',
      },
    ]);
  });

  it('rejects a config without model and dataset', async () => {
    board = await startTestBoard();
    const { status, ack } = await postRun({ config: { output_dir: 'saves/x' } });
    expect(status).toBe(400);
    const codes = issuesOf(ack).map((issue) => issue.code);
    expect(codes).toContain('model_required');
    expect(codes).toContain('dataset_required');
  });

  it('rejects QLoRA on a CPU-only worker', async () => {
    board = await startTestBoard();
    await registerWorker([]);
    const config = validConfig({ quantization_bit: 4, bf16: false });
    const { status, ack } = await postRun({ config });
    expect(status).toBe(400);
    if (ack.ok) throw new Error('expected an error');
    expect(ack.error.message).toContain('plain LoRA');
    expect(errorsOf(ack).map((issue) => issue.code)).toEqual(['quantization_needs_gpu']);
  });

  it('rejects bf16 when the best worker has a pre-Ampere GPU', async () => {
    board = await startTestBoard();
    await registerWorker([{ index: 0, name: 'T4', computeCapability: '7.5' }]);
    const { ack } = await postRun({ config: validConfig() });
    expect(errorsOf(ack).map((issue) => issue.code)).toEqual(['bf16_needs_ampere']);
  });

  it('rejects a selected GPU the worker lacks', async () => {
    board = await startTestBoard();
    await registerWorker([{ index: 0, name: 'A100', computeCapability: '8.0' }]);
    const { ack } = await postRun({ config: validConfig(), cudaVisibleDevices: [1] });
    const issues = errorsOf(ack);
    expect(issues.map((issue) => [issue.path, issue.code])).toEqual([
      ['cudaVisibleDevices', 'gpu_not_found'],
    ]);
  });

  it('offers resume or overwrite for an output folder in use', async () => {
    board = await startTestBoard();
    const config = validConfig();
    const first = await postRun({ config });
    expect(first.status).toBe(201);
    if (!first.ack.ok) throw new Error('first run failed');

    // The first run is still queued, so not even overwrite_output_dir may share its folder.
    const whileActive = await postRun({ config: { ...config, overwrite_output_dir: true } });
    expect(whileActive.status).toBe(400);
    expect(errorsOf(whileActive.ack).map((issue) => issue.code)).toEqual(['output_dir_active']);

    board.server.runs.abort(first.ack.data.id);
    const second = await postRun({ config });
    expect(second.status).toBe(400);
    const [issue] = issuesOf(second.ack);
    expect(issue?.code).toBe('output_dir_in_use');
    expect(issue?.params.runId).toBe(first.ack.data.id);

    const overwrite = await postRun({ config: { ...config, overwrite_output_dir: true } });
    expect(overwrite.status).toBe(201);
  });

  it('rejects a lora_target the local model lacks', async () => {
    board = await startTestBoard();
    const fs = await import('node:fs');
    const path = await import('node:path');
    const { tempDir } = await import('../helpers/board.ts');
    const dir = tempDir('model');
    const header = Buffer.from(
      JSON.stringify({
        'model.layers.0.self_attn.q_proj.weight': {
          dtype: 'F16',
          shape: [2, 2],
          data_offsets: [0, 8],
        },
      }),
    );
    const length = Buffer.alloc(8);
    length.writeBigUInt64LE(BigInt(header.length));
    fs.writeFileSync(
      path.join(dir, 'model.safetensors'),
      Buffer.concat([length, header, Buffer.alloc(8)]),
    );

    const { ack } = await postRun({
      config: validConfig({ model_name_or_path: dir, lora_target: 'q_proj,w_pack' }),
    });
    const [issue] = issuesOf(ack);
    expect(issue?.code).toBe('unknown_lora_target');
    expect(issue?.params).toMatchObject({ module: 'w_pack', available: 'q_proj' });
  });

  it('lets warnings through', async () => {
    board = await startTestBoard();
    const { status } = await postRun({ config: validConfig({ template: 'default' }) });
    expect(status).toBe(201);
  });
});

/** Writes a sharegpt dataset `d` with one sample per clip length, in a fresh folder. */
function writeAudioDataset(seconds: number[], answer = 'red', dir = tempDir('cutoff')): string {
  const records = seconds.map((length, index) => {
    const clip = `clip-${index}.wav`;
    fs.writeFileSync(path.join(dir, clip), makeWav(length));
    return {
      messages: [
        { role: 'user', content: '<audio>Which word?' },
        { role: 'assistant', content: answer },
      ],
      audios: [clip],
    };
  });
  fs.writeFileSync(path.join(dir, 'data.json'), JSON.stringify(records));
  writeDatasetInfo(dir, { d: shareGptAudioEntry('data.json') });
  return dir;
}

function localConfig(datasetDir: string, overrides: EngineConfig = {}): EngineConfig {
  return validConfig({
    model_name_or_path: TINY_MODEL,
    dataset_dir: datasetDir,
    dataset: 'd',
    bf16: false,
    ...overrides,
  });
}

describe.skipIf(!fs.existsSync(path.join(TINY_MODEL, 'tokenizer.json')))(
  'POST /api/runs cutoff_len check',
  () => {
    it('rejects a cutoff_len that cuts audio tokens', async () => {
      board = await startTestBoard();
      // Token counts of the tiny tokenizer: 55 for the 1 s sample, 280 for the 10 s one.
      const dir = writeAudioDataset([1, 10]);
      const { status, ack } = await postRun({ config: localConfig(dir, { cutoff_len: 100 }) });
      expect(status).toBe(400);
      if (ack.ok) throw new Error('expected an error');
      expect(ack.error.code).toBe('invalid_payload');
      expect(ack.error.message).toBe(
        'Invalid run request: cutoff_len: 100 cuts the audio tokens of 1 samples, and training would fail with "Audio features and audio tokens do not match": set cutoff_len to at least 280.',
      );
      const issues = issuesOf(ack);
      expect(issues).toEqual([
        {
          path: 'config.cutoff_len',
          message: expect.stringContaining('cutoff_len: 100 cuts the audio tokens'),
          field: 'cutoff_len',
          code: 'cutoff_cuts_audio',
          params: { value: 100, recommended: 280, audioCutCount: 1 },
          severity: 'error',
        },
      ]);
      expect(board.server.runs.list()).toEqual([]);
    });

    it('queues the run with the recommended cutoff_len', async () => {
      board = await startTestBoard();
      const dir = writeAudioDataset([1, 10]);
      const { status } = await postRun({ config: localConfig(dir, { cutoff_len: 280 }) });
      expect(status).toBe(201);
    });

    it('lets text-only truncation through', async () => {
      board = await startTestBoard();
      // The prompt with the 1 s clip is about 52 tokens: below half of cutoff_len, infer_seqlen
      // keeps it whole and cuts the long answer only.
      const answer = Array.from({ length: 100 }, () => 'red').join(' ');
      const dir = writeAudioDataset([1], answer);
      const { status } = await postRun({ config: localConfig(dir, { cutoff_len: 120 }) });
      expect(status).toBe(201);
    });

    it('lists the text truncation warning beside other errors', async () => {
      board = await startTestBoard();
      const answer = Array.from({ length: 100 }, () => 'red').join(' ');
      const dir = writeAudioDataset([1], answer);
      const { ack } = await postRun({
        config: localConfig(dir, { cutoff_len: 120, learning_rate: 2 }),
      });
      const warning = issuesOf(ack).find((issue) => issue.code === 'cutoff_truncates_text');
      expect(warning?.severity).toBe('warning');
      expect(warning?.params).toMatchObject({ value: 120, truncatedCount: 1, share: '100.0%' });
    });

    it('counts only max_samples samples', async () => {
      board = await startTestBoard();
      const dir = writeAudioDataset([1, 10]);
      const { status } = await postRun({
        config: localConfig(dir, { cutoff_len: 100, max_samples: 1 }),
      });
      expect(status).toBe(201);
    });

    it('analyses again after the data file changes', async () => {
      board = await startTestBoard();
      const dir = writeAudioDataset([1]);
      const first = await postRun({ config: localConfig(dir, { cutoff_len: 100 }) });
      expect(first.status).toBe(201);

      writeAudioDataset([1, 10], 'red', dir);
      const second = await postRun({
        config: localConfig(dir, { cutoff_len: 100, overwrite_output_dir: true }),
      });
      expect(second.status).toBe(400);
      expect(issuesOf(second.ack).map((issue) => issue.code)).toEqual(['cutoff_cuts_audio']);
    });

    it('skips the check for other templates, with a warning', async () => {
      board = await startTestBoard();
      const dir = writeAudioDataset([1, 10]);
      const skipped = await postRun({
        config: localConfig(dir, { cutoff_len: 100, template: 'qwen2_vl' }),
      });
      expect(skipped.status).toBe(201);

      const blocked = await postRun({
        config: localConfig(dir, { cutoff_len: 100, template: 'qwen2_vl', learning_rate: 2 }),
      });
      const warning = issuesOf(blocked.ack).find((issue) => issue.code === 'cutoff_not_checked');
      expect(warning).toMatchObject({
        path: 'config.cutoff_len',
        severity: 'warning',
        params: { value: 100, reason: 'template' },
        message:
          'cutoff_len: 100 was not checked against the dataset, because the analysis models the qwen2_audio template only.',
      });
    });

    it('skips the check for hub models, with a warning', async () => {
      board = await startTestBoard();
      const dir = writeAudioDataset([1, 10]);
      const { ack } = await postRun({
        config: localConfig(dir, {
          cutoff_len: 100,
          model_name_or_path: 'Qwen/Qwen2-Audio-7B-Instruct',
          learning_rate: 2,
        }),
      });
      const warning = issuesOf(ack).find((issue) => issue.code === 'cutoff_not_checked');
      expect(warning?.params).toEqual({ value: 100, reason: 'hub_model' });
    });
  },
);
