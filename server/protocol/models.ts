import { z } from 'zod';

/**
 * Chat templates of LLaMA-Factory v0.9.5 (`src/llamafactory/data/template.py`) whose
 * multimodal plugin takes audio, plus `default` for base models.
 */
export const AUDIO_TEMPLATES = [
  'qwen2_audio',
  'qwen2_omni',
  'qwen3_omni',
  'qwen3_omni_nothink',
  'minicpm_o',
  'gemma3n',
  'gemma4n',
  'default',
] as const;

/** Templates LLaMA Board flags as meant for base (non-instruct) models. */
export const BASE_MODEL_TEMPLATES: ReadonlySet<string> = new Set(['default', 'empty']);

export const MODEL_PRESET_IDS = [
  'qwen2-audio-7b',
  'qwen2-audio-7b-instruct',
  'cpu-demo',
  'custom',
] as const;
export type ModelPresetId = (typeof MODEL_PRESET_IDS)[number];

export interface ModelPreset {
  id: ModelPresetId;
  /** Display name; the same in every language because it is a model name. */
  label: string;
  /** Hub id or local folder; empty where the path comes from elsewhere (demo, custom). */
  path: string;
  template: string;
  /** Short name used in the default `output_dir`, e.g. `saves/<shortName>/lora/train_...`. */
  shortName: string;
  /** True when the path and dataset come from `GET /api/demo`. */
  demo: boolean;
  /** Whether the model has an audio tower and projector, so the multimodal freeze keys apply. */
  multimodal: boolean;
}

export const MODEL_PRESETS: readonly ModelPreset[] = [
  {
    id: 'qwen2-audio-7b',
    label: 'Qwen2-Audio-7B',
    path: 'Qwen/Qwen2-Audio-7B',
    template: 'qwen2_audio',
    shortName: 'Qwen2-Audio-7B',
    demo: false,
    multimodal: true,
  },
  {
    id: 'qwen2-audio-7b-instruct',
    label: 'Qwen2-Audio-7B-Instruct',
    path: 'Qwen/Qwen2-Audio-7B-Instruct',
    template: 'qwen2_audio',
    shortName: 'Qwen2-Audio-7B-Instruct',
    demo: false,
    multimodal: true,
  },
  {
    id: 'cpu-demo',
    label: 'CPU demo (tiny Qwen2-Audio)',
    path: '',
    template: 'qwen2_audio',
    shortName: 'tiny-qwen2-audio',
    demo: true,
    multimodal: true,
  },
  {
    id: 'custom',
    label: 'Custom',
    path: '',
    template: 'qwen2_audio',
    shortName: 'custom',
    demo: false,
    multimodal: true,
  },
];

export function findModelPreset(id: string): ModelPreset | undefined {
  return MODEL_PRESETS.find((preset) => preset.id === id);
}

/** Finds the preset whose hub id is `modelPath`, for naming a model after an import. */
export function presetForPath(modelPath: string): ModelPreset | undefined {
  return MODEL_PRESETS.find((preset) => preset.path !== '' && preset.path === modelPath);
}

/** `GET /api/demo` payload: the built-in CPU demo and its known-good training recipe. */
export const demoInfoSchema = z.object({
  available: z.boolean(),
  modelDir: z.string(),
  datasetDir: z.string(),
  trainDataset: z.string(),
  heldOutDataset: z.string(),
  /** Recipe in LLaMA-Factory keys, applied to the form when the demo preset is chosen. */
  config: z.record(z.string(), z.unknown()),
});
export type DemoInfo = z.infer<typeof demoInfoSchema>;

/** Part of a composite model that a linear module belongs to. */
export const MODULE_COMPONENTS = [
  'language_model',
  'audio_tower',
  'vision_tower',
  'projector',
] as const;
export type ModuleComponent = (typeof MODULE_COMPONENTS)[number];

export const linearModuleSchema = z.object({
  /** Last part of the module path, as `lora_target` takes it (e.g. `q_proj`). */
  name: z.string(),
  /** Components that contain a Linear layer of this name. */
  components: z.array(z.enum(MODULE_COMPONENTS)),
  /** Number of Linear layers of this name across the model. */
  count: z.number().int().min(0),
});
export type LinearModule = z.infer<typeof linearModuleSchema>;

/** `GET /api/models/modules` payload. */
export const modelModulesSchema = z.object({
  /**
   * Where the list comes from: `safetensors` headers (shapes known), the shard index
   * `model.safetensors.index.json` (names only), or `unknown` for hub ids and folders without
   * safetensors weights, where the list is empty and `lora_target` is free text.
   */
  source: z.enum(['safetensors', 'index', 'unknown']),
  modelType: z.string().nullable(),
  modules: z.array(linearModuleSchema),
});
export type ModelModules = z.infer<typeof modelModulesSchema>;
