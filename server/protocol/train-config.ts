/**
 * The Train tab's form model and its mapping to LLaMA-Factory (v0.9.5) training arguments,
 * YAML import and export, and the validator shared by the browser and the board server.
 * Pure: no Node imports, so the browser bundles it as it is.
 */
import { isMap, isScalar, LineCounter, parseDocument, stringify } from 'yaml';
import { BASE_MODEL_TEMPLATES, type ModelPresetId, presetForPath } from './models.ts';
import type { EngineConfig } from './runs.ts';
import type { WorkerSummary } from './workers.ts';

// ---------------------------------------------------------------------------------------------
// Form model

export const METHODS = ['lora', 'qlora', 'freeze', 'full'] as const;
export type Method = (typeof METHODS)[number];

export const COMPUTE_TYPES = ['bf16', 'fp16', 'fp32', 'pure_bf16'] as const;
export type ComputeType = (typeof COMPUTE_TYPES)[number];

export const QUANTIZATION_BITS = [4, 8] as const;
export type QuantizationBit = (typeof QUANTIZATION_BITS)[number];

export const DEEPSPEED_STAGES = ['none', '2', '3'] as const;
export type DeepSpeedStage = (typeof DEEPSPEED_STAGES)[number];

/** `lr_scheduler_type` values of transformers' `SchedulerType` that LLaMA Board offers. */
export const LR_SCHEDULERS = [
  'linear',
  'cosine',
  'cosine_with_restarts',
  'polynomial',
  'constant',
  'constant_with_warmup',
  'inverse_sqrt',
  'reduce_lr_on_plateau',
  'cosine_with_min_lr',
  'warmup_stable_decay',
] as const;

export const FINETUNING_TYPES = ['lora', 'freeze', 'full', 'oft'] as const;

/**
 * Folder of the DeepSpeed configs that LLaMA-Factory v0.9.5 ships in its repository
 * (`examples/deepspeed/ds_z{2,3}[_offload]_config.json`). LLaMA Board writes copies of the same
 * files into `llamaboard_cache/` and points `deepspeed` there.
 * NOTE: the path is relative to the engine's working directory; the worker must provide it.
 */
export const DEEPSPEED_CONFIG_DIR = 'examples/deepspeed';

export interface TrainForm {
  modelPreset: ModelPresetId;
  model_name_or_path: string;
  template: string;
  /** Adapter (checkpoint) folder to continue from; empty for a fresh adapter. */
  adapter_name_or_path: string;
  method: Method;
  /** Used when `method` is `qlora`. */
  quantization_bit: QuantizationBit;
  double_quantization: boolean;
  dataset_dir: string;
  dataset: string[];
  cutoff_len: number;
  learning_rate: number;
  num_train_epochs: number;
  /** null leaves `max_samples` out: every sample is used. */
  max_samples: number | null;
  per_device_train_batch_size: number;
  gradient_accumulation_steps: number;
  lr_scheduler_type: string;
  warmup_steps: number;
  max_grad_norm: number;
  logging_steps: number;
  save_steps: number;
  /** 0 turns evaluation off; above 0 also sets `eval_strategy`, `eval_steps` and the eval batch. */
  val_size: number;
  seed: number;
  compute_type: ComputeType;
  lora_rank: number;
  lora_alpha: number;
  lora_dropout: number;
  /** `['all']` or module names such as `q_proj`. */
  lora_target: string[];
  use_rslora: boolean;
  use_dora: boolean;
  /** Sets both `pissa_init` and `pissa_convert`, as LLaMA Board does. */
  pissa: boolean;
  additional_target: string;
  freeze_trainable_layers: number;
  freeze_trainable_modules: string;
  /** Freezes the audio tower of Qwen2-Audio (LLaMA-Factory calls every encoder a vision tower). */
  freeze_vision_tower: boolean;
  freeze_multi_modal_projector: boolean;
  freeze_language_model: boolean;
  deepspeed_stage: DeepSpeedStage;
  deepspeed_offload: boolean;
  output_dir: string;
  overwrite_output_dir: boolean;
  report_to: string;
  plot_loss: boolean;
  trust_remote_code: boolean;
  ddp_timeout: number;
  include_num_input_tokens_seen: boolean;
  /** null leaves the key out, so `datasets` preprocesses in the main process. */
  preprocessing_num_workers: number | null;
  /** Extra arguments, merged over the generated keys last; unknown imported keys land here. */
  extra: EngineConfig;
  /** Generated keys to leave out, because an imported config did not set them. */
  omitted: string[];
  /** Key order of an imported config; export keeps it, new keys follow. */
  keyOrder: string[];
}

export type TrainFormField = Exclude<keyof TrainForm, 'extra' | 'omitted' | 'keyOrder'>;

/** Formats a date as `YYYY-MM-DD-HH-mm-ss` in local time, as LLaMA Board's run names do. */
export function timestampForName(date: Date): string {
  const pad = (value: number) => String(value).padStart(2, '0');
  return [
    date.getFullYear(),
    pad(date.getMonth() + 1),
    pad(date.getDate()),
    pad(date.getHours()),
    pad(date.getMinutes()),
    pad(date.getSeconds()),
  ].join('-');
}

export function defaultOutputDir(modelShortName: string, method: Method, date: Date): string {
  return `saves/${modelShortName}/${method}/train_${timestampForName(date)}`;
}

/** Creates a form with LLaMA Board's defaults, for Qwen2-Audio-7B-Instruct with LoRA. */
export function createDefaultForm(date: Date = new Date()): TrainForm {
  return {
    modelPreset: 'qwen2-audio-7b-instruct',
    model_name_or_path: 'Qwen/Qwen2-Audio-7B-Instruct',
    template: 'qwen2_audio',
    adapter_name_or_path: '',
    method: 'lora',
    quantization_bit: 4,
    double_quantization: true,
    dataset_dir: 'data',
    dataset: [],
    cutoff_len: 2048,
    learning_rate: 5e-5,
    num_train_epochs: 3,
    max_samples: 100000,
    per_device_train_batch_size: 2,
    gradient_accumulation_steps: 8,
    lr_scheduler_type: 'cosine',
    warmup_steps: 0,
    max_grad_norm: 1,
    logging_steps: 5,
    save_steps: 100,
    val_size: 0,
    seed: 42,
    compute_type: 'bf16',
    lora_rank: 8,
    lora_alpha: 16,
    lora_dropout: 0,
    lora_target: ['all'],
    use_rslora: false,
    use_dora: false,
    pissa: false,
    additional_target: '',
    freeze_trainable_layers: 2,
    freeze_trainable_modules: 'all',
    freeze_vision_tower: true,
    freeze_multi_modal_projector: true,
    freeze_language_model: false,
    deepspeed_stage: 'none',
    deepspeed_offload: false,
    output_dir: defaultOutputDir('Qwen2-Audio-7B-Instruct', 'lora', date),
    overwrite_output_dir: false,
    report_to: 'none',
    plot_loss: true,
    trust_remote_code: true,
    ddp_timeout: 180000000,
    include_num_input_tokens_seen: true,
    // LLaMA Board always writes 16; a small pool suits the 2-core CPU demo and small datasets.
    preprocessing_num_workers: 2,
    extra: {},
    omitted: [],
    keyOrder: [],
  };
}

// ---------------------------------------------------------------------------------------------
// Form → engine config

function splitList(value: string): string[] {
  return value
    .split(',')
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

function finetuningTypeOf(method: Method): string {
  return method === 'qlora' ? 'lora' : method;
}

function deepspeedPath(stage: Exclude<DeepSpeedStage, 'none'>, offload: boolean): string {
  return `${DEEPSPEED_CONFIG_DIR}/ds_z${stage}_${offload ? 'offload_' : ''}config.json`;
}

/** Builds every key the form generates, before `omitted`, `extra` and `keyOrder` apply. */
function generatedConfig(form: TrainForm): EngineConfig {
  const config: EngineConfig = {};

  config.model_name_or_path = form.model_name_or_path.trim();
  if (form.adapter_name_or_path.trim() !== '') {
    config.adapter_name_or_path = form.adapter_name_or_path.trim();
  }
  config.template = form.template;
  config.trust_remote_code = form.trust_remote_code;
  if (form.method === 'qlora') {
    config.quantization_bit = form.quantization_bit;
    config.quantization_method = 'bnb';
    config.double_quantization = form.double_quantization;
  }

  config.stage = 'sft';
  config.do_train = true;
  config.finetuning_type = finetuningTypeOf(form.method);
  if (form.method === 'lora' || form.method === 'qlora') {
    config.lora_rank = form.lora_rank;
    config.lora_alpha = form.lora_alpha;
    config.lora_dropout = form.lora_dropout;
    const targets = form.lora_target.map((name) => name.trim()).filter((name) => name !== '');
    config.lora_target = targets.length === 0 ? 'all' : targets.join(',');
    config.use_rslora = form.use_rslora;
    config.use_dora = form.use_dora;
    config.pissa_init = form.pissa;
    config.pissa_convert = form.pissa;
    if (form.additional_target.trim() !== '') {
      config.additional_target = form.additional_target.trim();
    }
  }
  if (form.method === 'freeze') {
    config.freeze_trainable_layers = form.freeze_trainable_layers;
    config.freeze_trainable_modules = form.freeze_trainable_modules;
  }
  config.freeze_vision_tower = form.freeze_vision_tower;
  config.freeze_multi_modal_projector = form.freeze_multi_modal_projector;
  config.freeze_language_model = form.freeze_language_model;

  config.dataset_dir = form.dataset_dir;
  config.dataset = form.dataset.join(',');
  config.cutoff_len = form.cutoff_len;
  if (form.max_samples !== null) {
    config.max_samples = form.max_samples;
  }
  if (form.preprocessing_num_workers !== null) {
    config.preprocessing_num_workers = form.preprocessing_num_workers;
  }

  config.output_dir = form.output_dir.trim();
  config.overwrite_output_dir = form.overwrite_output_dir;
  config.logging_steps = form.logging_steps;
  config.save_steps = form.save_steps;
  config.plot_loss = form.plot_loss;
  config.report_to = form.report_to;

  config.per_device_train_batch_size = form.per_device_train_batch_size;
  config.gradient_accumulation_steps = form.gradient_accumulation_steps;
  config.learning_rate = form.learning_rate;
  config.num_train_epochs = form.num_train_epochs;
  config.lr_scheduler_type = form.lr_scheduler_type;
  config.warmup_steps = form.warmup_steps;
  config.max_grad_norm = form.max_grad_norm;
  config.seed = form.seed;
  if (form.compute_type !== 'fp32') {
    config[form.compute_type] = true;
  }
  config.ddp_timeout = form.ddp_timeout;
  config.include_num_input_tokens_seen = form.include_num_input_tokens_seen;
  if (form.deepspeed_stage !== 'none') {
    config.deepspeed = deepspeedPath(form.deepspeed_stage, form.deepspeed_offload);
  }

  if (form.val_size > 0) {
    config.val_size = form.val_size;
    config.eval_strategy = 'steps';
    config.eval_steps = form.save_steps;
    config.per_device_eval_batch_size = form.per_device_train_batch_size;
  }
  return config;
}

function orderKeys(config: EngineConfig, keyOrder: readonly string[]): EngineConfig {
  const ordered: EngineConfig = {};
  for (const key of keyOrder) {
    if (Object.hasOwn(config, key)) {
      ordered[key] = config[key];
    }
  }
  for (const [key, value] of Object.entries(config)) {
    if (!Object.hasOwn(ordered, key)) {
      ordered[key] = value;
    }
  }
  return ordered;
}

/** Maps the form to the LLaMA-Factory training arguments that `llamafactory-cli train` reads. */
export function formToEngineConfig(form: TrainForm): EngineConfig {
  const config = generatedConfig(form);
  for (const key of form.omitted) {
    delete config[key];
  }
  Object.assign(config, form.extra);
  return orderKeys(config, form.keyOrder);
}

// ---------------------------------------------------------------------------------------------
// Engine config → form

/**
 * Values LLaMA-Factory v0.9.5 and transformers 4.57 use for keys a config leaves out, so an
 * imported config shows what the engine will do rather than the board's defaults.
 */
const ENGINE_DEFAULTS = {
  learning_rate: 5e-5,
  num_train_epochs: 3,
  per_device_train_batch_size: 8,
  gradient_accumulation_steps: 1,
  lr_scheduler_type: 'linear',
  warmup_steps: 0,
  max_grad_norm: 1,
  logging_steps: 500,
  save_steps: 500,
  seed: 42,
  cutoff_len: 2048,
  lora_rank: 8,
  lora_dropout: 0,
  freeze_trainable_layers: 2,
  freeze_trainable_modules: 'all',
  ddp_timeout: 1800,
} as const;

/** Form fields and the config keys each one generates; a field not listed generates its own key. */
const FIELD_KEYS: Partial<Record<TrainFormField, readonly string[]>> = {
  modelPreset: ['model_name_or_path', 'template'],
  method: [
    'finetuning_type',
    'quantization_bit',
    'quantization_method',
    'double_quantization',
    'lora_rank',
    'lora_alpha',
    'lora_dropout',
    'lora_target',
    'use_rslora',
    'use_dora',
    'pissa_init',
    'pissa_convert',
    'freeze_trainable_layers',
    'freeze_trainable_modules',
  ],
  quantization_bit: ['quantization_bit', 'quantization_method'],
  compute_type: ['bf16', 'fp16', 'pure_bf16'],
  pissa: ['pissa_init', 'pissa_convert'],
  // An omitted lora_alpha defaults to twice the rank, so a new rank makes the shown alpha explicit.
  lora_rank: ['lora_rank', 'lora_alpha'],
  deepspeed_stage: ['deepspeed'],
  deepspeed_offload: ['deepspeed'],
  val_size: ['val_size', 'eval_strategy', 'eval_steps', 'per_device_eval_batch_size'],
  save_steps: ['save_steps', 'eval_steps'],
  per_device_train_batch_size: ['per_device_train_batch_size', 'per_device_eval_batch_size'],
};

/** Every key the form can generate; other keys of an imported config are kept in `extra`. */
export const FORM_KEYS: ReadonlySet<string> = new Set([
  ...Object.keys(generatedConfig({ ...createDefaultForm(new Date(0)), method: 'qlora' })),
  'pissa_init',
  'pissa_convert',
  'additional_target',
  'adapter_name_or_path',
  'freeze_trainable_layers',
  'freeze_trainable_modules',
  'deepspeed',
  'val_size',
  'eval_strategy',
  'eval_steps',
  'per_device_eval_batch_size',
  'bf16',
  'fp16',
  'pure_bf16',
]);

function numberOr(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}

function stringOr(value: unknown, fallback: string): string {
  return typeof value === 'string' ? value : fallback;
}

function booleanOr(value: unknown, fallback: boolean): boolean {
  return typeof value === 'boolean' ? value : fallback;
}

function methodOf(config: EngineConfig): Method {
  const finetuningType = config.finetuning_type ?? 'lora';
  const bits = config.quantization_bit;
  const method = config.quantization_method ?? 'bnb';
  if (finetuningType === 'lora' && (bits === 4 || bits === 8) && method === 'bnb') {
    return 'qlora';
  }
  if (finetuningType === 'freeze' || finetuningType === 'full') {
    return finetuningType;
  }
  return 'lora';
}

function computeTypeOf(config: EngineConfig): ComputeType {
  if (config.pure_bf16 === true) {
    return 'pure_bf16';
  }
  if (config.bf16 === true) {
    return 'bf16';
  }
  return config.fp16 === true ? 'fp16' : 'fp32';
}

function deepspeedOf(value: unknown): { stage: DeepSpeedStage; offload: boolean } {
  const match =
    typeof value === 'string' ? /(?:^|\/)ds_z([23])_(offload_)?config\.json$/.exec(value) : null;
  if (!match) {
    return { stage: 'none', offload: false };
  }
  return { stage: match[1] === '2' ? '2' : '3', offload: match[2] !== undefined };
}

function nullableCount(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? value : null;
}

/** Reads the form fields straight from the config, with the engine's defaults for absent keys. */
function readForm(config: EngineConfig, base: TrainForm): TrainForm {
  const modelPath = stringOr(config.model_name_or_path, '');
  const loraRank = numberOr(config.lora_rank, ENGINE_DEFAULTS.lora_rank);
  const deepspeed = deepspeedOf(config.deepspeed);
  const pissa = config.pissa_init === true || config.pissa_convert === true;
  const bits = config.quantization_bit === 8 ? 8 : 4;
  const target = stringOr(config.lora_target, 'all');

  return {
    ...base,
    modelPreset: presetForPath(modelPath)?.id ?? 'custom',
    model_name_or_path: modelPath,
    template: stringOr(config.template, ''),
    adapter_name_or_path: stringOr(config.adapter_name_or_path, ''),
    method: methodOf(config),
    quantization_bit: bits,
    double_quantization: booleanOr(config.double_quantization, true),
    dataset_dir: stringOr(config.dataset_dir, 'data'),
    dataset: splitList(stringOr(config.dataset, '')),
    cutoff_len: numberOr(config.cutoff_len, ENGINE_DEFAULTS.cutoff_len),
    learning_rate: numberOr(config.learning_rate, ENGINE_DEFAULTS.learning_rate),
    num_train_epochs: numberOr(config.num_train_epochs, ENGINE_DEFAULTS.num_train_epochs),
    max_samples: nullableCount(config.max_samples),
    per_device_train_batch_size: numberOr(
      config.per_device_train_batch_size,
      ENGINE_DEFAULTS.per_device_train_batch_size,
    ),
    gradient_accumulation_steps: numberOr(
      config.gradient_accumulation_steps,
      ENGINE_DEFAULTS.gradient_accumulation_steps,
    ),
    lr_scheduler_type: stringOr(config.lr_scheduler_type, ENGINE_DEFAULTS.lr_scheduler_type),
    warmup_steps: numberOr(config.warmup_steps, ENGINE_DEFAULTS.warmup_steps),
    max_grad_norm: numberOr(config.max_grad_norm, ENGINE_DEFAULTS.max_grad_norm),
    logging_steps: numberOr(config.logging_steps, ENGINE_DEFAULTS.logging_steps),
    save_steps: numberOr(config.save_steps, ENGINE_DEFAULTS.save_steps),
    val_size: numberOr(config.val_size, 0),
    seed: numberOr(config.seed, ENGINE_DEFAULTS.seed),
    compute_type: computeTypeOf(config),
    lora_rank: loraRank,
    lora_alpha: numberOr(config.lora_alpha, loraRank * 2),
    lora_dropout: numberOr(config.lora_dropout, ENGINE_DEFAULTS.lora_dropout),
    lora_target: splitList(target).length === 0 ? ['all'] : splitList(target),
    use_rslora: booleanOr(config.use_rslora, false),
    use_dora: booleanOr(config.use_dora, false),
    pissa,
    additional_target: stringOr(config.additional_target, ''),
    freeze_trainable_layers: numberOr(
      config.freeze_trainable_layers,
      ENGINE_DEFAULTS.freeze_trainable_layers,
    ),
    freeze_trainable_modules: stringOr(
      config.freeze_trainable_modules,
      ENGINE_DEFAULTS.freeze_trainable_modules,
    ),
    freeze_vision_tower: booleanOr(config.freeze_vision_tower, true),
    freeze_multi_modal_projector: booleanOr(config.freeze_multi_modal_projector, true),
    freeze_language_model: booleanOr(config.freeze_language_model, false),
    deepspeed_stage: deepspeed.stage,
    deepspeed_offload: deepspeed.offload,
    output_dir: stringOr(config.output_dir, ''),
    overwrite_output_dir: booleanOr(config.overwrite_output_dir, false),
    report_to: stringOr(config.report_to, 'none'),
    plot_loss: booleanOr(config.plot_loss, false),
    trust_remote_code: booleanOr(config.trust_remote_code, false),
    ddp_timeout: numberOr(config.ddp_timeout, ENGINE_DEFAULTS.ddp_timeout),
    include_num_input_tokens_seen: booleanOr(config.include_num_input_tokens_seen, false),
    preprocessing_num_workers: nullableCount(config.preprocessing_num_workers),
    extra: {},
    omitted: [],
    keyOrder: Object.keys(config),
  };
}

function sameValue(left: unknown, right: unknown): boolean {
  return JSON.stringify(left) === JSON.stringify(right);
}

/**
 * Maps LLaMA-Factory training arguments to the form, for import. Keys the form does not model
 * go to `extra`. Some keys the form cannot reproduce exactly: a key the config left out, a
 * value of the wrong type, a LoRA key in a freeze config. Such a key goes to `omitted`, or its
 * value to `extra`, so `formToEngineConfig` returns the same keys and values.
 */
export function engineConfigToForm(
  config: EngineConfig,
  base: TrainForm = createDefaultForm(),
): TrainForm {
  const form = readForm(config, base);
  const generated = generatedConfig(form);
  const extra: EngineConfig = {};
  const omitted: string[] = [];

  for (const key of Object.keys(generated)) {
    if (!Object.hasOwn(config, key)) {
      omitted.push(key);
    }
  }
  for (const [key, value] of Object.entries(config)) {
    if (!FORM_KEYS.has(key) || !Object.hasOwn(generated, key)) {
      extra[key] = value;
    } else if (!sameValue(generated[key], value)) {
      extra[key] = value;
    }
  }
  return { ...form, extra, omitted };
}

/**
 * Sets one form field and drops the import overrides of the keys it generates, so the new
 * value reaches the config instead of being left out or overridden by `extra`.
 */
export function setFormField<K extends TrainFormField>(
  form: TrainForm,
  field: K,
  value: TrainForm[K],
): TrainForm {
  const keys = new Set(FIELD_KEYS[field] ?? [field]);
  const extra: EngineConfig = {};
  for (const [key, extraValue] of Object.entries(form.extra)) {
    if (!keys.has(key)) {
      extra[key] = extraValue;
    }
  }
  return {
    ...form,
    [field]: value,
    extra,
    omitted: form.omitted.filter((key) => !keys.has(key)),
  };
}

/** Keys of `extra` that override a key the form generates itself. */
export function overriddenKeys(form: TrainForm): string[] {
  // An explicit `bf16: false` next to an fp32 form agrees with the form, so it overrides nothing.
  const agrees = (key: string) =>
    PRECISION_KEYS.has(key) && form.extra[key] === (form.compute_type === key);
  return Object.keys(form.extra).filter((key) => FORM_KEYS.has(key) && !agrees(key));
}

const PRECISION_KEYS: ReadonlySet<string> = new Set(['bf16', 'fp16', 'pure_bf16']);

// ---------------------------------------------------------------------------------------------
// YAML

/**
 * Writes the config as LLaMA-Factory reads it. YAML 1.1 rules quote strings such as `yes` or
 * `on`, which OmegaConf (PyYAML underneath) would otherwise read as booleans.
 */
export function toYaml(config: EngineConfig): string {
  return stringify(config, { version: '1.1', lineWidth: 0 });
}

/** Quotes a path for a POSIX shell when it contains anything beyond safe characters. */
function shellQuote(value: string): string {
  return /^[\w@%+=:,./-]+$/.test(value) ? value : `'${value.replaceAll("'", `'\\''`)}'`;
}

export function toTrainCommand(yamlPath: string): string {
  return `llamafactory-cli train ${shellQuote(yamlPath)}`;
}

export interface YamlImportError {
  /** 1-based line of the problem, or null when it concerns the whole text. */
  line: number | null;
  message: string;
}

export interface YamlImport {
  /** The parsed config, or null when the text is not a YAML mapping. */
  config: EngineConfig | null;
  /** Keys the form does not model; they are kept and exported unchanged. */
  unknownKeys: string[];
  errors: YamlImportError[];
}

/** Parses a LLaMA-Factory YAML config and reports syntax errors and invalid values by line. */
export function importYaml(text: string): YamlImport {
  const lineCounter = new LineCounter();
  const document = parseDocument(text, { version: '1.1', lineCounter, prettyErrors: false });
  if (document.errors.length > 0) {
    return {
      config: null,
      unknownKeys: [],
      errors: document.errors.map((error) => {
        const line = lineCounter.linePos(error.pos[0]).line;
        const summary = error.message.split('\n')[0] ?? error.message;
        return { line, message: `YAML syntax error at line ${line}: ${summary}` };
      }),
    };
  }

  const contents = document.contents;
  if (contents !== null && !isMap(contents)) {
    return {
      config: null,
      unknownKeys: [],
      errors: [{ line: 1, message: 'The YAML must be a mapping of LLaMA-Factory keys to values.' }],
    };
  }
  const value: unknown = document.toJS() ?? {};
  const config = value as EngineConfig;

  const keyLines = new Map<string, number>();
  for (const pair of contents?.items ?? []) {
    if (isScalar(pair.key) && pair.key.range) {
      keyLines.set(String(pair.key.value), lineCounter.linePos(pair.key.range[0]).line);
    }
  }
  const errors = validateTrainConfig(config, {})
    .filter((issue) => issue.severity === 'error' && TYPE_CODES.has(issue.code))
    .map((issue) => ({
      line: keyLines.get(issue.field) ?? null,
      message: formatIssueEnglish(issue),
    }));
  return {
    config,
    unknownKeys: Object.keys(config).filter((key) => !FORM_KEYS.has(key)),
    errors,
  };
}

// ---------------------------------------------------------------------------------------------
// Validation

/** English messages, one per issue code; `{{name}}` placeholders take the issue's params. */
export const VALIDATION_MESSAGES_EN = {
  model_required: 'The model path is empty: choose a preset, or enter a local folder or hub id.',
  template_required: 'The template is empty: choose one, e.g. qwen2_audio.',
  dataset_dir_required: 'dataset_dir is empty: enter the folder that holds dataset_info.json.',
  dataset_required:
    'No dataset is selected: pick at least one entry of dataset_info.json in dataset_dir.',
  output_dir_required:
    'The output directory is empty: enter a folder such as saves/<model>/lora/train_1.',
  not_a_number: '{{value}} is not a number: enter a number.',
  text_not_a_number: 'The text entered is not a number: enter digits, for example 5e-5 or 0.1.',
  not_an_integer: '{{value}} is not a whole number: enter an integer.',
  not_a_boolean: '{{value}} is not true or false: use true or false.',
  not_a_string: '{{value}} is not text: enter it as a string.',
  out_of_range: '{{value}} is out of range: use a value in {{range}}.',
  must_not_be_zero:
    '0 is not allowed: use a positive number for the last layers or a negative one for the first.',
  one_of: '{{value}} is not supported: use one of {{allowed}}.',
  quantization_needs_lora:
    'QLoRA (quantization_bit) works only with finetuning_type lora, not {{finetuningType}}: choose the QLoRA method or remove quantization_bit.',
  quantization_needs_gpu:
    '{{bits}}-bit quantization uses bitsandbytes, which needs a CUDA GPU or bitsandbytes 0.48 or newer for the CPU, and worker {{worker}} has neither: train with plain LoRA on this CPU worker, upgrade bitsandbytes in its engine, or start a worker on a GPU host.',
  precision_needs_gpu:
    '{{precision}} needs a GPU, and worker {{worker}} is CPU-only: set the compute type to fp32.',
  bf16_needs_ampere:
    '{{precision}} needs compute capability 8.0 or newer, and GPU {{gpu}} has {{capability}}: use fp16 or fp32.',
  precision_conflict: 'More than one of bf16, fp16 and pure_bf16 is true: keep only one of them.',
  deepspeed_needs_gpu:
    'DeepSpeed needs CUDA GPUs, and worker {{worker}} has none: set the DeepSpeed stage to none.',
  gpu_not_found: 'GPU {{index}} does not exist on worker {{worker}}: choose from {{available}}.',
  output_dir_in_use:
    'Run {{runId}} ({{status}}) already uses this output directory: resume that run, turn on overwrite_output_dir, or choose another folder.',
  output_dir_overwrite:
    'overwrite_output_dir is on: the checkpoints of run {{runId}} in this folder will be overwritten.',
  output_dir_active:
    'Run {{runId}} ({{status}}) is using this output directory right now: choose another folder, or wait for it to end.',
  unknown_lora_target:
    'The model has no linear module named {{module}}: choose from {{available}}, or use all.',
  base_model_template:
    'The {{template}} template is meant for base (non-instruct) models: for an instruct model choose its chat template, e.g. qwen2_audio.',
  stage_not_sft:
    'stage {{stage}} is kept as given, but this board is built for sft: check the rest of the config before starting.',
};

export type ValidationCode = keyof typeof VALIDATION_MESSAGES_EN;

/** Codes about a value's type, which an import reports as errors in the file. */
const TYPE_CODES: ReadonlySet<ValidationCode> = new Set<ValidationCode>([
  'not_a_number',
  'text_not_a_number',
  'not_an_integer',
  'not_a_boolean',
  'not_a_string',
  'out_of_range',
  'must_not_be_zero',
  'one_of',
]);

export interface ValidationIssue {
  /** The LLaMA-Factory key the issue is about. */
  field: string;
  code: ValidationCode;
  params: Record<string, string | number>;
  severity: 'error' | 'warning';
}

export interface DeviceContext {
  /** Host name of the worker, for messages. */
  workerName: string;
  gpus: { index: number; name: string; computeCapability?: string | undefined }[];
  /** True when the worker's bitsandbytes quantizes on the CPU, so QLoRA needs no GPU. */
  cpuQuantization?: boolean | undefined;
}

/** Run states in which an engine may be writing into the run's output folder. */
const ACTIVE_RUN_STATUSES: ReadonlySet<string> = new Set([
  'queued',
  'starting',
  'running',
  'aborting',
]);

export interface TrainValidationContext {
  /** The worker that would run the config; device checks are skipped when it is unknown. */
  device?: DeviceContext | undefined;
  /** `CUDA_VISIBLE_DEVICES` of the run request; null or absent means every GPU of the worker. */
  cudaVisibleDevices?: readonly number[] | null | undefined;
  /** Linear module names of the model; `lora_target` checks are skipped when unknown. */
  modules?: readonly string[] | undefined;
  /** The newest run that already uses `output_dir`, if any. */
  outputDirRun?: { id: string; status: string } | null | undefined;
}

/**
 * Picks the worker a run would most likely go to: online, engine ready first, then the most
 * GPUs, then the newest compute capability. Returns undefined when no worker is online.
 */
export function deviceContextFromWorkers(
  workers: readonly WorkerSummary[],
): DeviceContext | undefined {
  const online = workers.filter((worker) => worker.status === 'online');
  const score = (worker: WorkerSummary): number[] => [
    worker.engine.state === 'ready' ? 1 : 0,
    worker.gpus.length,
    Math.max(0, ...worker.gpus.map((gpu) => Number(gpu.computeCapability ?? 0))),
  ];
  const best = [...online].sort((left, right) => {
    const a = score(left);
    const b = score(right);
    for (let index = 0; index < a.length; index += 1) {
      const difference = (b[index] ?? 0) - (a[index] ?? 0);
      if (difference !== 0) {
        return difference;
      }
    }
    return 0;
  })[0];
  if (!best) {
    return undefined;
  }
  return {
    workerName: best.hostname,
    cpuQuantization: best.engine.state === 'ready' && best.engine.cpuQuantization,
    gpus: best.gpus.map((gpu) => ({
      index: gpu.index,
      name: gpu.name,
      computeCapability: gpu.computeCapability,
    })),
  };
}

interface NumberRule {
  key: string;
  integer: boolean;
  min?: number;
  minExclusive?: boolean;
  max?: number;
  maxExclusive?: boolean;
  nullable?: boolean;
}

const NUMBER_RULES: readonly NumberRule[] = [
  { key: 'learning_rate', integer: false, min: 0, minExclusive: true, max: 1, maxExclusive: true },
  { key: 'num_train_epochs', integer: false, min: 0, minExclusive: true },
  { key: 'lora_rank', integer: true, min: 1, max: 1024 },
  { key: 'lora_alpha', integer: false, min: 0, minExclusive: true, nullable: true },
  { key: 'lora_dropout', integer: false, min: 0, max: 1, maxExclusive: true },
  { key: 'cutoff_len', integer: true, min: 1, max: 131072 },
  { key: 'per_device_train_batch_size', integer: true, min: 1 },
  { key: 'per_device_eval_batch_size', integer: true, min: 1 },
  { key: 'gradient_accumulation_steps', integer: true, min: 1 },
  { key: 'logging_steps', integer: true, min: 1 },
  { key: 'save_steps', integer: true, min: 1 },
  { key: 'eval_steps', integer: true, min: 1, nullable: true },
  { key: 'warmup_steps', integer: true, min: 0 },
  { key: 'max_grad_norm', integer: false, min: 0, minExclusive: true },
  { key: 'max_samples', integer: true, min: 1, nullable: true },
  { key: 'seed', integer: true, min: 0 },
  { key: 'freeze_trainable_layers', integer: true },
  { key: 'preprocessing_num_workers', integer: true, min: 1, nullable: true },
  { key: 'ddp_timeout', integer: true, min: 1 },
];

const BOOLEAN_KEYS = [
  'do_train',
  'trust_remote_code',
  'double_quantization',
  'use_rslora',
  'use_dora',
  'pissa_init',
  'pissa_convert',
  'freeze_vision_tower',
  'freeze_multi_modal_projector',
  'freeze_language_model',
  'overwrite_output_dir',
  'plot_loss',
  'include_num_input_tokens_seen',
  'bf16',
  'fp16',
  'pure_bf16',
] as const;

const STRING_KEYS = [
  'model_name_or_path',
  'adapter_name_or_path',
  'template',
  'dataset_dir',
  'dataset',
  'output_dir',
  'lora_target',
  'additional_target',
  'freeze_trainable_modules',
  'deepspeed',
  'report_to',
] as const;

function rangeText(rule: NumberRule): string {
  const low = rule.min === undefined ? '(-∞' : `${rule.minExclusive ? '(' : '['}${rule.min}`;
  const high = rule.max === undefined ? '∞)' : `${rule.max}${rule.maxExclusive ? ')' : ']'}`;
  return `${low}, ${high}`;
}

function shown(value: unknown): string {
  if (typeof value === 'string') {
    return JSON.stringify(value);
  }
  if (typeof value === 'number' && Number.isNaN(value)) {
    return 'NaN';
  }
  return JSON.stringify(value) ?? String(value);
}

function checkNumber(rule: NumberRule, value: unknown, issues: ValidationIssue[]): void {
  const error = (code: ValidationCode, params: Record<string, string | number>) =>
    issues.push({ field: rule.key, code, params, severity: 'error' });

  if (value === null && rule.nullable) {
    return;
  }
  if (typeof value === 'number' && Number.isNaN(value)) {
    // The form stores NaN for typed text that does not parse, so there is no value to quote.
    error('text_not_a_number', {});
    return;
  }
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    error('not_a_number', { value: shown(value) });
    return;
  }
  if (rule.integer && !Number.isInteger(value)) {
    error('not_an_integer', { value });
    return;
  }
  const belowMin =
    rule.min !== undefined && (rule.minExclusive ? value <= rule.min : value < rule.min);
  const aboveMax =
    rule.max !== undefined && (rule.maxExclusive ? value >= rule.max : value > rule.max);
  if (belowMin || aboveMax) {
    error('out_of_range', { value, range: rangeText(rule) });
  }
}

function checkTypes(config: EngineConfig, issues: ValidationIssue[]): void {
  for (const rule of NUMBER_RULES) {
    if (Object.hasOwn(config, rule.key)) {
      checkNumber(rule, config[rule.key], issues);
    }
  }
  if (config.freeze_trainable_layers === 0) {
    issues.push({
      field: 'freeze_trainable_layers',
      code: 'must_not_be_zero',
      params: {},
      severity: 'error',
    });
  }

  // val_size is a fraction of the dataset in [0, 1), or a whole number of samples.
  if (Object.hasOwn(config, 'val_size')) {
    const value = config.val_size;
    if (typeof value !== 'number' || !Number.isFinite(value)) {
      issues.push({
        field: 'val_size',
        code: 'not_a_number',
        params: { value: shown(value) },
        severity: 'error',
      });
    } else if (value < 0 || (value >= 1 && !Number.isInteger(value))) {
      issues.push({
        field: 'val_size',
        code: 'out_of_range',
        params: { value, range: '[0, 1)' },
        severity: 'error',
      });
    }
  }

  for (const key of BOOLEAN_KEYS) {
    if (Object.hasOwn(config, key) && typeof config[key] !== 'boolean') {
      issues.push({
        field: key,
        code: 'not_a_boolean',
        params: { value: shown(config[key]) },
        severity: 'error',
      });
    }
  }
  for (const key of STRING_KEYS) {
    const value = config[key];
    if (Object.hasOwn(config, key) && typeof value !== 'string' && value !== null) {
      issues.push({
        field: key,
        code: 'not_a_string',
        params: { value: shown(value) },
        severity: 'error',
      });
    }
  }

  const oneOf = (key: string, allowed: readonly (string | number)[]) => {
    if (Object.hasOwn(config, key) && !allowed.includes(config[key] as string | number)) {
      issues.push({
        field: key,
        code: 'one_of',
        params: { value: shown(config[key]), allowed: allowed.join(', ') },
        severity: 'error',
      });
    }
  };
  oneOf('finetuning_type', FINETUNING_TYPES);
  oneOf('lr_scheduler_type', LR_SCHEDULERS);
  if ((config.quantization_method ?? 'bnb') === 'bnb' && config.quantization_bit !== null) {
    oneOf('quantization_bit', QUANTIZATION_BITS);
  }
}

function isBlank(value: unknown): boolean {
  return (
    value === undefined || value === null || (typeof value === 'string' && value.trim() === '')
  );
}

function checkRequired(config: EngineConfig, issues: ValidationIssue[]): void {
  const required: [string, ValidationCode][] = [
    ['model_name_or_path', 'model_required'],
    ['template', 'template_required'],
    ['dataset_dir', 'dataset_dir_required'],
    ['dataset', 'dataset_required'],
    ['output_dir', 'output_dir_required'],
  ];
  for (const [key, code] of required) {
    if (isBlank(config[key])) {
      issues.push({ field: key, code, params: {}, severity: 'error' });
    }
  }
}

function enabledPrecisions(config: EngineConfig): string[] {
  return (['bf16', 'fp16', 'pure_bf16'] as const).filter((key) => config[key] === true);
}

function checkDevice(
  config: EngineConfig,
  context: TrainValidationContext,
  issues: ValidationIssue[],
): void {
  const device = context.device;
  if (!device) {
    return;
  }
  const worker = device.workerName;
  const selected = context.cudaVisibleDevices;
  if (selected) {
    const available = device.gpus.map((gpu) => gpu.index);
    for (const index of selected) {
      if (!available.includes(index)) {
        issues.push({
          field: 'cuda_visible_devices',
          code: 'gpu_not_found',
          params: { index, worker, available: available.length > 0 ? available.join(', ') : '-' },
          severity: 'error',
        });
      }
    }
  }
  const gpus = selected ? device.gpus.filter((gpu) => selected.includes(gpu.index)) : device.gpus;
  if (selected && selected.length > 0 && gpus.length === 0) {
    // Only unknown GPUs were picked; gpu_not_found says so, and the CPU checks would mislead.
    return;
  }
  const precisions = enabledPrecisions(config);

  if (gpus.length === 0) {
    const bits = config.quantization_bit;
    if (bits !== undefined && bits !== null && !device.cpuQuantization) {
      issues.push({
        field: 'quantization_bit',
        code: 'quantization_needs_gpu',
        params: { bits: shown(bits), worker },
        severity: 'error',
      });
    }
    for (const precision of precisions) {
      issues.push({
        field: precision,
        code: 'precision_needs_gpu',
        params: { precision, worker },
        severity: 'error',
      });
    }
    if (!isBlank(config.deepspeed)) {
      issues.push({
        field: 'deepspeed',
        code: 'deepspeed_needs_gpu',
        params: { worker },
        severity: 'error',
      });
    }
    return;
  }

  for (const precision of precisions.filter((key) => key !== 'fp16')) {
    const old = gpus.find(
      (gpu) => gpu.computeCapability !== undefined && Number(gpu.computeCapability) < 8,
    );
    if (old) {
      issues.push({
        field: precision,
        code: 'bf16_needs_ampere',
        params: {
          precision,
          gpu: `${old.index} (${old.name})`,
          capability: old.computeCapability ?? '?',
        },
        severity: 'error',
      });
    }
  }
}

/**
 * Checks a LLaMA-Factory training config: types and ranges of every key present, required keys,
 * method and device constraints, `lora_target` against the model, and output folder reuse.
 * Errors block a start; warnings do not.
 */
export function validateTrainConfig(
  config: EngineConfig,
  context: TrainValidationContext,
): ValidationIssue[] {
  const issues: ValidationIssue[] = [];
  checkRequired(config, issues);
  checkTypes(config, issues);

  const finetuningType = config.finetuning_type ?? 'lora';
  const bits = config.quantization_bit;
  if (bits !== undefined && bits !== null && finetuningType !== 'lora') {
    issues.push({
      field: 'quantization_bit',
      code: 'quantization_needs_lora',
      params: { finetuningType: shown(finetuningType) },
      severity: 'error',
    });
  }
  if (enabledPrecisions(config).length > 1) {
    issues.push({ field: 'bf16', code: 'precision_conflict', params: {}, severity: 'error' });
  }
  checkDevice(config, context, issues);

  if (finetuningType === 'lora' && context.modules && context.modules.length > 0) {
    const available = [...context.modules].sort();
    for (const module of splitList(stringOr(config.lora_target, 'all'))) {
      if (module !== 'all' && !available.includes(module)) {
        issues.push({
          field: 'lora_target',
          code: 'unknown_lora_target',
          params: { module, available: available.join(', ') },
          severity: 'error',
        });
      }
    }
  }

  const previous = context.outputDirRun;
  if (previous && ACTIVE_RUN_STATUSES.has(previous.status)) {
    // Two engines writing checkpoints into one folder would corrupt both runs.
    issues.push({
      field: 'output_dir',
      code: 'output_dir_active',
      params: { runId: previous.id, status: previous.status },
      severity: 'error',
    });
  } else if (previous) {
    const overwrite = config.overwrite_output_dir === true;
    issues.push({
      field: 'output_dir',
      code: overwrite ? 'output_dir_overwrite' : 'output_dir_in_use',
      params: { runId: previous.id, status: previous.status },
      severity: overwrite ? 'warning' : 'error',
    });
  }

  if (typeof config.template === 'string' && BASE_MODEL_TEMPLATES.has(config.template)) {
    issues.push({
      field: 'template',
      code: 'base_model_template',
      params: { template: config.template },
      severity: 'warning',
    });
  }
  if (config.stage !== undefined && config.stage !== 'sft') {
    issues.push({
      field: 'stage',
      code: 'stage_not_sft',
      params: { stage: shown(config.stage) },
      severity: 'warning',
    });
  }
  return issues;
}

function interpolate(template: string, params: Record<string, string | number>): string {
  return template.replace(/\{\{(\w+)\}\}/g, (match, name: string) =>
    Object.hasOwn(params, name) ? String(params[name]) : match,
  );
}

/** Formats an issue in English, prefixed with its key, e.g. for server error messages. */
export function formatIssueEnglish(issue: ValidationIssue): string {
  return `${issue.field}: ${interpolate(VALIDATION_MESSAGES_EN[issue.code], issue.params)}`;
}
