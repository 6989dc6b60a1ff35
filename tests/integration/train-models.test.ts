import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Ack } from '../../server/protocol/envelope.ts';
import type { ModelModules } from '../../server/protocol/models.ts';
import { startTestBoard, type TestBoard, tempDir } from '../helpers/board.ts';

let board: TestBoard | null = null;

afterEach(async () => {
  await board?.server.close();
  board = null;
});

/**
 * Writes a safetensors file by hand: an 8-byte little-endian header length, the JSON header,
 * then zero bytes for the tensor data.
 */
function writeSafetensors(file: string, tensors: Record<string, number[]>): void {
  let offset = 0;
  const header: Record<string, unknown> = { __metadata__: { format: 'pt' } };
  for (const [name, shape] of Object.entries(tensors)) {
    const bytes = shape.reduce((product, size) => product * size, 1) * 2;
    header[name] = { dtype: 'F16', shape, data_offsets: [offset, offset + bytes] };
    offset += bytes;
  }
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const length = Buffer.alloc(8);
  length.writeBigUInt64LE(BigInt(json.length));
  fs.writeFileSync(file, Buffer.concat([length, json, Buffer.alloc(offset)]));
}

/** Tensor names and shapes in the layout of a (tiny) Qwen2-Audio checkpoint. */
const QWEN2_AUDIO_TENSORS: Record<string, number[]> = {
  'audio_tower.conv1.weight': [8, 4, 3],
  'audio_tower.embed_positions.weight': [16, 8],
  'audio_tower.layers.0.self_attn.q_proj.weight': [8, 8],
  'audio_tower.layers.0.self_attn.k_proj.weight': [8, 8],
  'audio_tower.layers.0.self_attn.v_proj.weight': [8, 8],
  'audio_tower.layers.0.self_attn.out_proj.weight': [8, 8],
  'audio_tower.layers.0.fc1.weight': [16, 8],
  'audio_tower.layers.0.fc2.weight': [8, 16],
  'audio_tower.layers.0.self_attn_layer_norm.weight': [8],
  'multi_modal_projector.linear.weight': [8, 8],
  'language_model.model.embed_tokens.weight': [32, 8],
  'language_model.model.layers.0.self_attn.q_proj.weight': [8, 8],
  'language_model.model.layers.0.self_attn.k_proj.weight': [4, 8],
  'language_model.model.layers.0.self_attn.v_proj.weight': [4, 8],
  'language_model.model.layers.0.self_attn.o_proj.weight': [8, 8],
  'language_model.model.layers.0.mlp.gate_proj.weight': [16, 8],
  'language_model.model.layers.0.mlp.up_proj.weight': [16, 8],
  'language_model.model.layers.0.mlp.down_proj.weight': [8, 16],
  'language_model.model.layers.0.input_layernorm.weight': [8],
  'language_model.model.norm.weight': [8],
  'language_model.lm_head.weight': [32, 8],
};

function makeModelDir(): string {
  const dir = tempDir('model');
  fs.writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ model_type: 'qwen2_audio' }));
  return dir;
}

async function getModules(modelPath: string): Promise<{ status: number; body: Ack<ModelModules> }> {
  const response = await fetch(
    `${board?.url}/api/models/modules?path=${encodeURIComponent(modelPath)}`,
  );
  return { status: response.status, body: (await response.json()) as Ack<ModelModules> };
}

describe('GET /api/models/modules', () => {
  it('lists Linear modules of a single safetensors file by component', async () => {
    board = await startTestBoard();
    const dir = makeModelDir();
    writeSafetensors(path.join(dir, 'model.safetensors'), QWEN2_AUDIO_TENSORS);

    const { status, body } = await getModules(dir);
    expect(status).toBe(200);
    if (!body.ok) throw new Error(body.error.message);
    expect(body.data.source).toBe('safetensors');
    expect(body.data.modelType).toBe('qwen2_audio');
    expect(body.data.modules).toEqual([
      { name: 'down_proj', components: ['language_model'], count: 1 },
      { name: 'fc1', components: ['audio_tower'], count: 1 },
      { name: 'fc2', components: ['audio_tower'], count: 1 },
      { name: 'gate_proj', components: ['language_model'], count: 1 },
      { name: 'k_proj', components: ['audio_tower', 'language_model'], count: 2 },
      { name: 'linear', components: ['projector'], count: 1 },
      { name: 'o_proj', components: ['language_model'], count: 1 },
      { name: 'out_proj', components: ['audio_tower'], count: 1 },
      { name: 'q_proj', components: ['audio_tower', 'language_model'], count: 2 },
      { name: 'up_proj', components: ['language_model'], count: 1 },
      { name: 'v_proj', components: ['audio_tower', 'language_model'], count: 2 },
    ]);
  });

  it('reads every shard named by the index', async () => {
    board = await startTestBoard();
    const dir = makeModelDir();
    const names = Object.keys(QWEN2_AUDIO_TENSORS);
    const audio = Object.fromEntries(
      names.filter((n) => n.startsWith('audio')).map((n) => [n, QWEN2_AUDIO_TENSORS[n] ?? []]),
    );
    const rest = Object.fromEntries(
      names.filter((n) => !n.startsWith('audio')).map((n) => [n, QWEN2_AUDIO_TENSORS[n] ?? []]),
    );
    writeSafetensors(path.join(dir, 'model-00001-of-00002.safetensors'), audio);
    writeSafetensors(path.join(dir, 'model-00002-of-00002.safetensors'), rest);
    const weightMap = Object.fromEntries(
      names.map((n) => [
        n,
        n.startsWith('audio')
          ? 'model-00001-of-00002.safetensors'
          : 'model-00002-of-00002.safetensors',
      ]),
    );
    fs.writeFileSync(
      path.join(dir, 'model.safetensors.index.json'),
      JSON.stringify({ metadata: {}, weight_map: weightMap }),
    );

    const { body } = await getModules(dir);
    if (!body.ok) throw new Error(body.error.message);
    expect(body.data.source).toBe('safetensors');
    expect(body.data.modules.map((module) => module.name)).toContain('fc1');
    expect(body.data.modules.map((module) => module.name)).toContain('gate_proj');
    expect(body.data.modules.map((module) => module.name)).not.toContain('conv1');
  });

  it('falls back to index names when shards are missing', async () => {
    board = await startTestBoard();
    const dir = makeModelDir();
    const weightMap = Object.fromEntries(
      Object.keys(QWEN2_AUDIO_TENSORS).map((n) => [n, 'absent.safetensors']),
    );
    fs.writeFileSync(
      path.join(dir, 'model.safetensors.index.json'),
      JSON.stringify({ weight_map: weightMap }),
    );

    const { body } = await getModules(dir);
    if (!body.ok) throw new Error(body.error.message);
    expect(body.data.source).toBe('index');
    const names = body.data.modules.map((module) => module.name);
    expect(names).toContain('q_proj');
    expect(names).toContain('linear');
    expect(names).not.toContain('embed_tokens');
    expect(names).not.toContain('lm_head');
  });

  it('returns an unknown empty list for a hub id', async () => {
    board = await startTestBoard();
    const { status, body } = await getModules('Qwen/Qwen2-Audio-7B-Instruct');
    expect(status).toBe(200);
    expect(body).toEqual({ ok: true, data: { source: 'unknown', modelType: null, modules: [] } });
  });

  it('rejects a missing local folder with a clear message', async () => {
    board = await startTestBoard();
    const missing = path.join(tempDir('model'), 'nope');
    const { status, body } = await getModules(missing);
    expect(status).toBe(404);
    if (body.ok) throw new Error('expected an error');
    expect(body.error.code).toBe('not_found');
    expect(body.error.message).toContain(missing);
    expect(body.error.message).toContain('not found');
  });

  it('rejects a corrupt safetensors header', async () => {
    board = await startTestBoard();
    const dir = makeModelDir();
    const length = Buffer.alloc(8);
    length.writeBigUInt64LE(5n);
    fs.writeFileSync(
      path.join(dir, 'model.safetensors'),
      Buffer.concat([length, Buffer.from('{oops')]),
    );
    const { status, body } = await getModules(dir);
    expect(status).toBe(400);
    if (body.ok) throw new Error('expected an error');
    expect(body.error.message).toContain('not JSON');
  });

  it('rejects a request without a path', async () => {
    board = await startTestBoard();
    const response = await fetch(`${board.url}/api/models/modules`);
    expect(response.status).toBe(400);
  });
});
