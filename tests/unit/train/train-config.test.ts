import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import {
  createDefaultForm,
  defaultOutputDir,
  deviceContextFromWorkers,
  engineConfigToForm,
  formToEngineConfig,
  importYaml,
  overriddenKeys,
  setFormField,
  toTrainCommand,
  toYaml,
} from '../../../server/protocol/train-config.ts';
import type { WorkerSummary } from '../../../server/protocol/workers.ts';

const FIXED_DATE = new Date(2025, 0, 2, 3, 4, 5);

/** A Qwen2-Audio LoRA recipe in the layout of LLaMA-Factory's own example files. */
const USER_YAML = `### model
model_name_or_path: Qwen/Qwen2-Audio-7B-Instruct
trust_remote_code: true

### method
stage: sft
do_train: true
finetuning_type: lora
lora_rank: 8
lora_target: all
freeze_vision_tower: true

### dataset
dataset: mllm_audio_demo,identity
template: qwen2_audio
cutoff_len: 2048
max_samples: 1000
preprocessing_num_workers: 16
dataloader_num_workers: 4

### output
output_dir: saves/qwen2-audio-7b/lora/sft
logging_steps: 10
save_steps: 500
plot_loss: true
overwrite_output_dir: true
save_only_model: false
report_to: none

### train
per_device_train_batch_size: 1
gradient_accumulation_steps: 8
learning_rate: 1.0e-4
num_train_epochs: 3.0
lr_scheduler_type: cosine
warmup_ratio: 0.1
bf16: true
ddp_timeout: 180000000
resume_from_checkpoint: null

### eval
val_size: 0.1
per_device_eval_batch_size: 1
eval_strategy: steps
eval_steps: 500
`;

/** A QLoRA recipe with keys the form models differently: explicit false flags, yes-strings. */
const QLORA_YAML = `model_name_or_path: /models/qwen2-audio
quantization_bit: 4
quantization_method: bnb
template: qwen2_audio
finetuning_type: lora
lora_target: q_proj,v_proj
lora_alpha: 32
fp16: false
bf16: false
dataset_dir: data
dataset: audio_train
output_dir: saves/q
eval_steps: 50
save_steps: 100
val_size: 0.05
run_name: "yes"
deepspeed: examples/deepspeed/ds_z3_offload_config.json
`;

function roundTrip(text: string): { before: unknown; after: unknown; yaml: string } {
  const imported = importYaml(text);
  if (!imported.config) throw new Error('import failed');
  const form = engineConfigToForm(imported.config, createDefaultForm(FIXED_DATE));
  const yaml = toYaml(formToEngineConfig(form));
  return { before: imported.config, after: parse(yaml, { version: '1.1' }), yaml };
}

describe('form to engine config', () => {
  it('writes LLaMA Board keys for a LoRA form', () => {
    const form = { ...createDefaultForm(FIXED_DATE), dataset: ['a', 'b'] };
    const config = formToEngineConfig(form);
    expect(config).toMatchObject({
      stage: 'sft',
      do_train: true,
      model_name_or_path: 'Qwen/Qwen2-Audio-7B-Instruct',
      template: 'qwen2_audio',
      finetuning_type: 'lora',
      dataset: 'a,b',
      lora_rank: 8,
      lora_alpha: 16,
      lora_dropout: 0,
      lora_target: 'all',
      bf16: true,
      report_to: 'none',
      plot_loss: true,
      trust_remote_code: true,
      ddp_timeout: 180000000,
      include_num_input_tokens_seen: true,
      output_dir: 'saves/Qwen2-Audio-7B-Instruct/lora/train_2025-01-02-03-04-05',
    });
    expect(config).not.toHaveProperty('quantization_bit');
    expect(config).not.toHaveProperty('freeze_trainable_layers');
    expect(config).not.toHaveProperty('val_size');
    expect(config).not.toHaveProperty('fp16');
  });

  it('adds quantization keys for QLoRA', () => {
    const config = formToEngineConfig({
      ...createDefaultForm(FIXED_DATE),
      method: 'qlora',
      quantization_bit: 8,
    });
    expect(config.finetuning_type).toBe('lora');
    expect(config.quantization_bit).toBe(8);
    expect(config.quantization_method).toBe('bnb');
    expect(config.double_quantization).toBe(true);
  });

  it('adds freeze keys and drops LoRA keys for freeze', () => {
    const config = formToEngineConfig({ ...createDefaultForm(FIXED_DATE), method: 'freeze' });
    expect(config.finetuning_type).toBe('freeze');
    expect(config.freeze_trainable_layers).toBe(2);
    expect(config.freeze_trainable_modules).toBe('all');
    expect(config).not.toHaveProperty('lora_rank');
  });

  it('adds eval keys when val_size is above 0', () => {
    const config = formToEngineConfig({
      ...createDefaultForm(FIXED_DATE),
      val_size: 0.1,
      save_steps: 50,
      per_device_train_batch_size: 4,
    });
    expect(config.val_size).toBe(0.1);
    expect(config.eval_strategy).toBe('steps');
    expect(config.eval_steps).toBe(50);
    expect(config.per_device_eval_batch_size).toBe(4);
  });

  it('maps compute types to one flag each', () => {
    const base = createDefaultForm(FIXED_DATE);
    expect(formToEngineConfig({ ...base, compute_type: 'fp16' }).fp16).toBe(true);
    expect(formToEngineConfig({ ...base, compute_type: 'pure_bf16' }).pure_bf16).toBe(true);
    const fp32 = formToEngineConfig({ ...base, compute_type: 'fp32' });
    expect(fp32).not.toHaveProperty('bf16');
    expect(fp32).not.toHaveProperty('fp16');
    expect(fp32).not.toHaveProperty('pure_bf16');
  });

  it('points deepspeed at the shipped config files', () => {
    const base = createDefaultForm(FIXED_DATE);
    expect(formToEngineConfig({ ...base, deepspeed_stage: '2' }).deepspeed).toBe(
      'examples/deepspeed/ds_z2_config.json',
    );
    expect(
      formToEngineConfig({ ...base, deepspeed_stage: '3', deepspeed_offload: true }).deepspeed,
    ).toBe('examples/deepspeed/ds_z3_offload_config.json');
  });

  it('sets pissa_init and pissa_convert together', () => {
    const config = formToEngineConfig({ ...createDefaultForm(FIXED_DATE), pissa: true });
    expect(config.pissa_init).toBe(true);
    expect(config.pissa_convert).toBe(true);
  });

  it('merges extra arguments last', () => {
    const config = formToEngineConfig({
      ...createDefaultForm(FIXED_DATE),
      extra: { warmup_ratio: 0.1, lora_rank: 64 },
    });
    expect(config.warmup_ratio).toBe(0.1);
    expect(config.lora_rank).toBe(64);
  });

  it('builds the default output folder from model, method and time', () => {
    expect(defaultOutputDir('tiny', 'qlora', FIXED_DATE)).toBe(
      'saves/tiny/qlora/train_2025-01-02-03-04-05',
    );
  });
});

describe('engine config to form', () => {
  it('reads the form fields of a config', () => {
    const form = engineConfigToForm({
      model_name_or_path: 'Qwen/Qwen2-Audio-7B',
      finetuning_type: 'lora',
      quantization_bit: 4,
      lora_rank: 16,
      lora_target: 'q_proj, v_proj',
      pure_bf16: true,
      dataset: 'a,b',
      deepspeed: 'examples/deepspeed/ds_z2_offload_config.json',
    });
    expect(form.modelPreset).toBe('qwen2-audio-7b');
    expect(form.method).toBe('qlora');
    expect(form.quantization_bit).toBe(4);
    expect(form.lora_rank).toBe(16);
    expect(form.lora_alpha).toBe(32);
    expect(form.lora_target).toEqual(['q_proj', 'v_proj']);
    expect(form.compute_type).toBe('pure_bf16');
    expect(form.dataset).toEqual(['a', 'b']);
    expect(form.deepspeed_stage).toBe('2');
    expect(form.deepspeed_offload).toBe(true);
  });

  it('keeps unknown keys in extra', () => {
    const form = engineConfigToForm({ warmup_ratio: 0.1, image_max_pixels: 262144 });
    expect(form.extra).toMatchObject({ warmup_ratio: 0.1, image_max_pixels: 262144 });
  });

  it('shows the engine default for a left-out key and omits it on export', () => {
    const form = engineConfigToForm({ model_name_or_path: 'm', template: 'qwen2_audio' });
    expect(form.per_device_train_batch_size).toBe(8);
    expect(form.omitted).toContain('per_device_train_batch_size');
    expect(formToEngineConfig(form)).not.toHaveProperty('per_device_train_batch_size');
  });

  it('exports an edited field that the import had left out', () => {
    const form = engineConfigToForm({ model_name_or_path: 'm' });
    const edited = setFormField(form, 'per_device_train_batch_size', 2);
    expect(formToEngineConfig(edited).per_device_train_batch_size).toBe(2);
  });

  it('lets an edited field replace its imported override', () => {
    const form = engineConfigToForm({ model_name_or_path: 'm', fp16: false, bf16: false });
    expect(form.compute_type).toBe('fp32');
    expect(form.extra).toMatchObject({ fp16: false, bf16: false });
    const edited = setFormField(form, 'compute_type', 'fp16');
    expect(formToEngineConfig(edited).fp16).toBe(true);
    expect(formToEngineConfig(edited)).not.toHaveProperty('bf16');
  });
});

describe('YAML round trip', () => {
  it('keeps every key and value of a LoRA recipe', () => {
    const { before, after } = roundTrip(USER_YAML);
    expect(after).toEqual(before);
  });

  it('keeps the key order of a LoRA recipe', () => {
    const { before, after } = roundTrip(USER_YAML);
    expect(Object.keys(after as object)).toEqual(Object.keys(before as object));
  });

  it('keeps every key and value of a QLoRA recipe', () => {
    const { before, after, yaml } = roundTrip(QLORA_YAML);
    expect(after).toEqual(before);
    expect(yaml).toContain('run_name: "yes"');
  });

  it('reports the keys the form does not model', () => {
    const imported = importYaml(USER_YAML);
    expect(imported.errors).toEqual([]);
    expect(imported.unknownKeys).toEqual([
      'dataloader_num_workers',
      'save_only_model',
      'warmup_ratio',
      'resume_from_checkpoint',
    ]);
  });

  it('survives a default form exported and imported again', () => {
    const config = formToEngineConfig({ ...createDefaultForm(FIXED_DATE), dataset: ['d'] });
    const imported = importYaml(toYaml(config));
    expect(imported.config).toEqual(config);
    const form = engineConfigToForm(imported.config ?? {}, createDefaultForm(FIXED_DATE));
    expect(form.extra).toEqual({});
    expect(form.omitted).toEqual([]);
  });
});

describe('YAML import errors', () => {
  it('names the line of a syntax error', () => {
    const imported = importYaml('model_name_or_path: m\nlora_rank: [8\ncutoff_len: 1024\n');
    expect(imported.config).toBeNull();
    expect(imported.errors.length).toBeGreaterThan(0);
    expect(imported.errors[0]?.line).not.toBeNull();
    expect(imported.errors[0]?.message).toMatch(/line \d+/);
  });

  it('names the line of a tab indentation', () => {
    const imported = importYaml('a: 1\n\tb: 2\n');
    expect(imported.config).toBeNull();
    expect(imported.errors[0]?.line).toBe(2);
    expect(imported.errors[0]?.message).toContain('Tabs');
  });

  it('names the line of a list item inside a mapping', () => {
    const imported = importYaml('a: 1\nb: 2\n- c\n');
    expect(imported.config).toBeNull();
    expect(imported.errors[0]?.line).toBe(3);
  });

  it('rejects a YAML list at the top level', () => {
    const imported = importYaml('- a\n- b\n');
    expect(imported.config).toBeNull();
    expect(imported.errors[0]?.message).toContain('mapping');
  });

  it('reports an invalid value with its line', () => {
    const imported = importYaml('model_name_or_path: m\nlora_rank: eight\n');
    expect(imported.config).toEqual({ model_name_or_path: 'm', lora_rank: 'eight' });
    expect(imported.errors).toEqual([
      { line: 2, message: 'lora_rank: "eight" is not a number: enter a number.' },
    ]);
  });

  it('rejects duplicate keys', () => {
    const imported = importYaml('lora_rank: 8\nlora_rank: 16\n');
    expect(imported.config).toBeNull();
    expect(imported.errors[0]?.line).toBe(2);
  });
});

describe('train command', () => {
  it('runs llamafactory-cli train on the path', () => {
    expect(toTrainCommand('runs/r1/training_args.yaml')).toBe(
      'llamafactory-cli train runs/r1/training_args.yaml',
    );
  });

  it('quotes a path with spaces', () => {
    expect(toTrainCommand("my runs/it's.yaml")).toBe(
      `llamafactory-cli train 'my runs/it'\\''s.yaml'`,
    );
  });
});

describe('device context', () => {
  const worker = (overrides: Partial<WorkerSummary>): WorkerSummary => ({
    workerId: 'w',
    hostname: 'host',
    version: '0.1.0',
    platform: 'linux-x64',
    cpuCount: 2,
    memoryMiB: 1024,
    gpus: [],
    engine: {
      state: 'ready',
      version: '0.9.5',
      python: 'p',
      cli: 'c',
      packages: {},
      cpuQuantization: false,
    },
    status: 'online',
    activeRunIds: [],
    firstSeenAt: '',
    lastSeenAt: '',
    ...overrides,
  });

  it('prefers the online worker with the most GPUs', () => {
    const context = deviceContextFromWorkers([
      worker({ hostname: 'cpu-box' }),
      worker({
        hostname: 'gpu-box',
        gpus: [{ index: 0, name: 'A100', memoryMiB: 40000, computeCapability: '8.0' }],
      }),
      worker({
        hostname: 'gone',
        status: 'offline',
        gpus: [
          { index: 0, name: 'H100', memoryMiB: 80000 },
          { index: 1, name: 'H100', memoryMiB: 80000 },
        ],
      }),
    ]);
    expect(context?.workerName).toBe('gpu-box');
    expect(context?.gpus).toEqual([{ index: 0, name: 'A100', computeCapability: '8.0' }]);
  });

  it('returns undefined without online workers', () => {
    expect(deviceContextFromWorkers([worker({ status: 'offline' })])).toBeUndefined();
  });
});

describe('extra arguments that agree with the form', () => {
  it('does not report bf16: false and fp16: false as overrides of an fp32 form', () => {
    const form = engineConfigToForm({ finetuning_type: 'lora', bf16: false, fp16: false });
    expect(form.compute_type).toBe('fp32');
    expect(overriddenKeys(form)).toEqual([]);
  });

  it('reports fp16: true as an override of a bf16 form', () => {
    const form = { ...engineConfigToForm({ bf16: true }), extra: { fp16: true } };
    expect(overriddenKeys(form)).toEqual(['fp16']);
  });
});
