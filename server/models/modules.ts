import fs from 'node:fs/promises';
import path from 'node:path';
import { z } from 'zod';
import type { LinearModule, ModelModules, ModuleComponent } from '../protocol/models.ts';

/** A model folder that cannot be read; `code` picks the error envelope and HTTP status. */
export class ModelModulesError extends Error {
  constructor(
    readonly code: 'not_found' | 'invalid_payload',
    message: string,
  ) {
    super(message);
  }
}

/** Headers above this size are rejected rather than read; real ones are well under 10 MiB. */
const MAX_HEADER_BYTES = 100 * 1024 * 1024;

const HUB_ID_PATTERN = /^[A-Za-z0-9][\w.-]*\/[\w.-]+$/;

const tensorInfoSchema = z.object({
  dtype: z.string(),
  shape: z.array(z.number().int().min(0)),
  data_offsets: z.tuple([z.number(), z.number()]),
});

const shardIndexSchema = z.object({
  weight_map: z.record(z.string(), z.string()),
});

const modelConfigSchema = z.object({ model_type: z.string().optional() }).loose();

/** A tensor name with its shape, or null shape when only the shard index named it. */
interface TensorEntry {
  name: string;
  shape: number[] | null;
}

/**
 * Reads the JSON header of a safetensors file: an 8-byte little-endian length, then that many
 * bytes of JSON mapping tensor names to dtype, shape and offsets (`__metadata__` aside).
 */
export async function readSafetensorsHeader(file: string): Promise<TensorEntry[]> {
  const handle = await fs.open(file, 'r');
  try {
    const lengthBytes = Buffer.alloc(8);
    const { bytesRead } = await handle.read(lengthBytes, 0, 8, 0);
    if (bytesRead < 8) {
      throw new ModelModulesError(
        'invalid_payload',
        `${file} is too short for a safetensors file.`,
      );
    }
    const length = lengthBytes.readBigUInt64LE(0);
    if (length === 0n || length > BigInt(MAX_HEADER_BYTES)) {
      throw new ModelModulesError(
        'invalid_payload',
        `${file} has a safetensors header length of ${length} bytes; expected 1 to ${MAX_HEADER_BYTES}.`,
      );
    }
    const header = Buffer.alloc(Number(length));
    const read = await handle.read(header, 0, header.length, 8);
    if (read.bytesRead < header.length) {
      throw new ModelModulesError('invalid_payload', `${file} ends inside its safetensors header.`);
    }

    let json: unknown;
    try {
      json = JSON.parse(header.toString('utf8'));
    } catch {
      throw new ModelModulesError('invalid_payload', `${file} has a header that is not JSON.`);
    }
    if (typeof json !== 'object' || json === null || Array.isArray(json)) {
      throw new ModelModulesError('invalid_payload', `${file} has a header that is not an object.`);
    }

    const entries: TensorEntry[] = [];
    for (const [name, info] of Object.entries(json)) {
      if (name === '__metadata__') {
        continue;
      }
      const parsed = tensorInfoSchema.safeParse(info);
      if (!parsed.success) {
        throw new ModelModulesError(
          'invalid_payload',
          `${file} describes tensor ${name} without a valid dtype, shape and data_offsets.`,
        );
      }
      entries.push({ name, shape: parsed.data.shape });
    }
    return entries;
  } finally {
    await handle.close();
  }
}

/** Names the part of a composite model that a tensor belongs to, from its dotted name. */
export function componentOf(tensorName: string): ModuleComponent {
  const parts = tensorName.split('.');
  if (parts.some((part) => /^(audio_tower|audio_model|audio_encoder)$/.test(part))) {
    return 'audio_tower';
  }
  if (parts.some((part) => /^(visual|vision_tower|vision_model)$/.test(part))) {
    return 'vision_tower';
  }
  if (parts.some((part) => /^(multi_modal_projector|mm_projector|merger)$/.test(part))) {
    return 'projector';
  }
  return 'language_model';
}

/** Module names that are never LoRA targets: embeddings, norms and the output head. */
const NOT_LINEAR = /(embed|wte|wpe|norm|^ln|_ln$|conv|lm_head|output_layer|rotary)/;

/**
 * Decides whether a tensor is the weight of a Linear layer. With a shape, a Linear weight is
 * 2-D; without one (shard index only), the name alone decides, which is a heuristic.
 */
function linearModuleName(entry: TensorEntry): string | null {
  if (!entry.name.endsWith('.weight')) {
    return null;
  }
  const modulePath = entry.name.slice(0, -'.weight'.length);
  const name = modulePath.split('.').pop() ?? '';
  if (name === '' || /^\d+$/.test(name) || NOT_LINEAR.test(name)) {
    return null;
  }
  if (entry.shape !== null && entry.shape.length !== 2) {
    return null;
  }
  return name;
}

/** Groups Linear weights by their last name part, the form `lora_target` takes. */
export function linearModules(entries: readonly TensorEntry[]): LinearModule[] {
  const byName = new Map<string, { components: Set<ModuleComponent>; count: number }>();
  for (const entry of entries) {
    const name = linearModuleName(entry);
    if (name === null) {
      continue;
    }
    const module = byName.get(name) ?? { components: new Set<ModuleComponent>(), count: 0 };
    module.components.add(componentOf(entry.name));
    module.count += 1;
    byName.set(name, module);
  }
  return [...byName.entries()]
    .map(([name, module]) => ({
      name,
      components: [...module.components].sort(),
      count: module.count,
    }))
    .sort((left, right) => left.name.localeCompare(right.name));
}

async function exists(file: string): Promise<boolean> {
  try {
    await fs.access(file);
    return true;
  } catch {
    return false;
  }
}

async function readModelType(folder: string): Promise<string | null> {
  const file = path.join(folder, 'config.json');
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch {
    return null;
  }
  try {
    const parsed = modelConfigSchema.safeParse(JSON.parse(text));
    return parsed.success ? (parsed.data.model_type ?? null) : null;
  } catch {
    throw new ModelModulesError('invalid_payload', `${file} is not valid JSON.`);
  }
}

async function tensorsFromIndex(
  folder: string,
  indexFile: string,
): Promise<{
  entries: TensorEntry[];
  shapesKnown: boolean;
}> {
  let json: unknown;
  try {
    json = JSON.parse(await fs.readFile(indexFile, 'utf8'));
  } catch {
    throw new ModelModulesError('invalid_payload', `${indexFile} is not valid JSON.`);
  }
  const index = shardIndexSchema.safeParse(json);
  if (!index.success) {
    throw new ModelModulesError('invalid_payload', `${indexFile} has no valid weight_map.`);
  }

  // Shard headers give shapes; when a shard is missing, the index's names are all there is.
  const shards = [...new Set(Object.values(index.data.weight_map))];
  const shardFiles = shards.map((shard) => path.join(folder, shard));
  const present = await Promise.all(shardFiles.map(exists));
  if (present.every(Boolean)) {
    const headers = await Promise.all(shardFiles.map(readSafetensorsHeader));
    return { entries: headers.flat(), shapesKnown: true };
  }
  return {
    entries: Object.keys(index.data.weight_map).map((name) => ({ name, shape: null })),
    shapesKnown: false,
  };
}

/** Returns true when `modelPath` reads as a hub id (`owner/name`) rather than a local path. */
export function looksLikeHubId(modelPath: string): boolean {
  return HUB_ID_PATTERN.test(modelPath) && !modelPath.startsWith('.');
}

/**
 * Lists the Linear modules of a local model folder for `lora_target`, from its safetensors
 * headers, or from `model.safetensors.index.json` when the shards are absent. A hub id that is
 * not a local folder gets an empty list with source `unknown`.
 */
export async function listModelModules(modelPath: string): Promise<ModelModules> {
  const folder = path.resolve(modelPath);
  const stat = await fs.stat(folder).catch(() => null);
  if (!stat) {
    if (looksLikeHubId(modelPath)) {
      return { source: 'unknown', modelType: null, modules: [] };
    }
    throw new ModelModulesError(
      'not_found',
      `Model folder ${folder} not found: enter an existing local folder or a hub id such as Qwen/Qwen2-Audio-7B-Instruct.`,
    );
  }
  if (!stat.isDirectory()) {
    throw new ModelModulesError(
      'not_found',
      `${folder} is a file, not a model folder: enter the folder that holds config.json.`,
    );
  }

  const modelType = await readModelType(folder);
  const indexFile = path.join(folder, 'model.safetensors.index.json');
  if (await exists(indexFile)) {
    const { entries, shapesKnown } = await tensorsFromIndex(folder, indexFile);
    return {
      source: shapesKnown ? 'safetensors' : 'index',
      modelType,
      modules: linearModules(entries),
    };
  }

  const files = (await fs.readdir(folder)).filter((name) => name.endsWith('.safetensors')).sort();
  if (files.length === 0) {
    return { source: 'unknown', modelType, modules: [] };
  }
  const headers = await Promise.all(
    files.map((name) => readSafetensorsHeader(path.join(folder, name))),
  );
  return { source: 'safetensors', modelType, modules: linearModules(headers.flat()) };
}
