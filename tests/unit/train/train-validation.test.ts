import { describe, expect, it } from 'vitest';
import type { EngineConfig } from '../../../server/protocol/runs.ts';
import {
  createDefaultForm,
  formatIssueEnglish,
  formToEngineConfig,
  type TrainValidationContext,
  VALIDATION_MESSAGES_EN,
  type ValidationIssue,
  validateTrainConfig,
} from '../../../server/protocol/train-config.ts';
import { trainEn, trainZhCN } from '../../../src/features/train/i18n.ts';

/** A valid config for a GPU worker: the default form with a dataset. */
function validConfig(overrides: EngineConfig = {}): EngineConfig {
  return {
    ...formToEngineConfig({ ...createDefaultForm(new Date(0)), dataset: ['audio_train'] }),
    ...overrides,
  };
}

const ampereGpu: TrainValidationContext = {
  device: { workerName: 'gpu-box', gpus: [{ index: 0, name: 'A100', computeCapability: '8.0' }] },
};
const cpuOnly: TrainValidationContext = { device: { workerName: 'cpu-box', gpus: [] } };
const turingGpu: TrainValidationContext = {
  device: { workerName: 't4-box', gpus: [{ index: 0, name: 'T4', computeCapability: '7.5' }] },
};

function issuesFor(config: EngineConfig, context: TrainValidationContext = {}): ValidationIssue[] {
  return validateTrainConfig(config, context);
}

function codesOf(issues: ValidationIssue[], field: string): string[] {
  return issues.filter((issue) => issue.field === field).map((issue) => issue.code);
}

describe('validateTrainConfig', () => {
  it('accepts the default form with a dataset on a GPU worker', () => {
    expect(issuesFor(validConfig(), ampereGpu)).toEqual([]);
  });

  it.each([
    ['learning_rate', 0],
    ['learning_rate', 1],
    ['learning_rate', -1e-5],
    ['num_train_epochs', 0],
    ['lora_rank', 0],
    ['lora_rank', 1025],
    ['lora_alpha', 0],
    ['lora_dropout', 1],
    ['lora_dropout', -0.1],
    ['cutoff_len', 0],
    ['cutoff_len', 131073],
    ['per_device_train_batch_size', 0],
    ['gradient_accumulation_steps', 0],
    ['val_size', -0.1],
    ['val_size', 1.5],
    ['logging_steps', 0],
    ['save_steps', 0],
    ['warmup_steps', -1],
    ['max_grad_norm', 0],
    ['max_samples', 0],
  ])('rejects %s = %s as out of range', (field, value) => {
    const issues = issuesFor(validConfig({ [field]: value }), ampereGpu);
    expect(codesOf(issues, field)).toEqual(['out_of_range']);
  });

  it.each([
    ['learning_rate', 0.5],
    ['lora_rank', 1024],
    ['lora_dropout', 0],
    ['cutoff_len', 131072],
    ['val_size', 0],
    ['val_size', 0.2],
    ['val_size', 100],
    ['warmup_steps', 0],
  ])('accepts %s = %s at the edge of its range', (field, value) => {
    const issues = issuesFor(validConfig({ [field]: value }), ampereGpu);
    expect(codesOf(issues, field)).toEqual([]);
  });

  it('rejects a fractional lora_rank', () => {
    const issues = issuesFor(validConfig({ lora_rank: 8.5 }));
    expect(codesOf(issues, 'lora_rank')).toEqual(['not_an_integer']);
  });

  it('rejects a fractional cutoff_len', () => {
    expect(codesOf(issuesFor(validConfig({ cutoff_len: 100.5 })), 'cutoff_len')).toEqual([
      'not_an_integer',
    ]);
  });

  it('rejects text and NaN where a number belongs', () => {
    const issues = issuesFor(validConfig({ learning_rate: 'fast', num_train_epochs: Number.NaN }));
    expect(codesOf(issues, 'learning_rate')).toEqual(['not_a_number']);
    expect(codesOf(issues, 'num_train_epochs')).toEqual(['text_not_a_number']);
    expect(issues.find((issue) => issue.field === 'learning_rate')?.params.value).toBe('"fast"');
  });

  it('rejects a non-boolean flag', () => {
    expect(codesOf(issuesFor(validConfig({ use_dora: 'yes' })), 'use_dora')).toEqual([
      'not_a_boolean',
    ]);
  });

  it('rejects an unknown scheduler and finetuning type', () => {
    const issues = issuesFor(validConfig({ lr_scheduler_type: 'sawtooth', finetuning_type: 'x' }));
    expect(codesOf(issues, 'lr_scheduler_type')).toEqual(['one_of']);
    expect(codesOf(issues, 'finetuning_type')).toEqual(['one_of']);
  });

  it('rejects freeze_trainable_layers = 0', () => {
    const issues = issuesFor(
      validConfig({ finetuning_type: 'freeze', freeze_trainable_layers: 0 }),
    );
    expect(codesOf(issues, 'freeze_trainable_layers')).toEqual(['must_not_be_zero']);
  });

  it('rejects quantization with finetuning_type freeze', () => {
    const issues = issuesFor(
      validConfig({ finetuning_type: 'freeze', quantization_bit: 4 }),
      ampereGpu,
    );
    expect(codesOf(issues, 'quantization_bit')).toEqual(['quantization_needs_lora']);
  });

  it('rejects 3-bit bitsandbytes quantization', () => {
    expect(codesOf(issuesFor(validConfig({ quantization_bit: 3 })), 'quantization_bit')).toEqual([
      'one_of',
    ]);
  });

  it('rejects quantization on a CPU-only worker and suggests plain LoRA', () => {
    const issues = issuesFor(validConfig({ quantization_bit: 4, bf16: false }), cpuOnly);
    const issue = issues.find((item) => item.code === 'quantization_needs_gpu');
    expect(issue?.field).toBe('quantization_bit');
    expect(formatIssueEnglish(issue as ValidationIssue)).toContain('plain LoRA');
  });

  it('allows quantization on a CPU worker whose bitsandbytes runs on the CPU', () => {
    const cpuQuantizing: TrainValidationContext = {
      device: { workerName: 'cpu-box', gpus: [], cpuQuantization: true },
    };
    const issues = issuesFor(validConfig({ quantization_bit: 4, bf16: false }), cpuQuantizing);
    expect(codesOf(issues, 'quantization_bit')).toEqual([]);
  });

  it.each(['bf16', 'fp16', 'pure_bf16'])('rejects %s on a CPU-only worker', (precision) => {
    const config = validConfig({ bf16: false, [precision]: true });
    expect(codesOf(issuesFor(config, cpuOnly), precision)).toEqual(['precision_needs_gpu']);
  });

  it('accepts fp32 on a CPU-only worker', () => {
    const config = validConfig({ bf16: false });
    expect(issuesFor(config, cpuOnly)).toEqual([]);
  });

  it('rejects bf16 on a GPU older than compute capability 8.0', () => {
    const issues = issuesFor(validConfig(), turingGpu);
    expect(codesOf(issues, 'bf16')).toEqual(['bf16_needs_ampere']);
    expect(issues[0]?.params).toMatchObject({ capability: '7.5' });
  });

  it('accepts fp16 on a GPU older than compute capability 8.0', () => {
    const config = validConfig({ bf16: false, fp16: true });
    expect(issuesFor(config, turingGpu)).toEqual([]);
  });

  it('rejects two compute types at once', () => {
    expect(codesOf(issuesFor(validConfig({ fp16: true })), 'bf16')).toEqual(['precision_conflict']);
  });

  it('rejects DeepSpeed on a worker without GPUs', () => {
    const config = validConfig({ bf16: false, deepspeed: 'examples/deepspeed/ds_z2_config.json' });
    expect(codesOf(issuesFor(config, cpuOnly), 'deepspeed')).toEqual(['deepspeed_needs_gpu']);
  });

  it('treats an empty GPU selection as CPU training', () => {
    const issues = issuesFor(validConfig(), { ...ampereGpu, cudaVisibleDevices: [] });
    expect(codesOf(issues, 'bf16')).toEqual(['precision_needs_gpu']);
  });

  it('rejects a selected GPU the worker does not have', () => {
    const issues = issuesFor(validConfig(), { ...ampereGpu, cudaVisibleDevices: [0, 3] });
    expect(codesOf(issues, 'cuda_visible_devices')).toEqual(['gpu_not_found']);
    expect(issues[0]?.params).toMatchObject({ index: 3, available: '0' });
  });

  it('skips device checks when no worker is known', () => {
    expect(issuesFor(validConfig({ quantization_bit: 4 }))).toEqual([]);
  });

  it('rejects an output folder that holds an earlier run', () => {
    const issues = issuesFor(validConfig(), {
      outputDirRun: { id: 'run-1', status: 'aborted' },
    });
    expect(issues).toEqual([
      {
        field: 'output_dir',
        code: 'output_dir_in_use',
        params: { runId: 'run-1', status: 'aborted' },
        severity: 'error',
      },
    ]);
  });

  it('only warns about a used output folder with overwrite_output_dir', () => {
    const issues = issuesFor(validConfig({ overwrite_output_dir: true }), {
      outputDirRun: { id: 'run-1', status: 'completed' },
    });
    expect(issues.map((issue) => [issue.code, issue.severity])).toEqual([
      ['output_dir_overwrite', 'warning'],
    ]);
  });

  it('rejects a lora_target module the model does not have', () => {
    const issues = issuesFor(validConfig({ lora_target: 'q_proj,w_pack' }), {
      modules: ['q_proj', 'v_proj'],
    });
    expect(codesOf(issues, 'lora_target')).toEqual(['unknown_lora_target']);
    expect(issues[0]?.params).toMatchObject({ module: 'w_pack', available: 'q_proj, v_proj' });
  });

  it('accepts lora_target all whatever the modules', () => {
    expect(issuesFor(validConfig(), { modules: ['q_proj'] })).toEqual([]);
  });

  it('rejects an empty dataset', () => {
    expect(codesOf(issuesFor(validConfig({ dataset: '' })), 'dataset')).toEqual([
      'dataset_required',
    ]);
  });

  it('rejects an empty model path', () => {
    expect(
      codesOf(issuesFor(validConfig({ model_name_or_path: '  ' })), 'model_name_or_path'),
    ).toEqual(['model_required']);
  });

  it('rejects an empty output folder and template', () => {
    const issues = issuesFor(validConfig({ output_dir: '', template: '' }));
    expect(codesOf(issues, 'output_dir')).toEqual(['output_dir_required']);
    expect(codesOf(issues, 'template')).toEqual(['template_required']);
  });

  it('warns that the default template is for base models', () => {
    const issues = issuesFor(validConfig({ template: 'default' }));
    expect(issues.map((issue) => [issue.code, issue.severity])).toEqual([
      ['base_model_template', 'warning'],
    ]);
  });

  it('warns about a stage other than sft', () => {
    expect(codesOf(issuesFor(validConfig({ stage: 'dpo' })), 'stage')).toEqual(['stage_not_sft']);
  });
});

describe('validation messages', () => {
  it('formats an English message with field, value and range', () => {
    const [issue] = issuesFor(validConfig({ learning_rate: 2 }));
    expect(formatIssueEnglish(issue as ValidationIssue)).toBe(
      'learning_rate: 2 is out of range: use a value in (0, 1).',
    );
  });

  it('has a translated message for every code', () => {
    const codes = Object.keys(VALIDATION_MESSAGES_EN).sort();
    expect(Object.keys(trainEn.validation).sort()).toEqual(codes);
    expect(Object.keys(trainZhCN.validation).sort()).toEqual(codes);
  });
});

describe('output folder of an active run', () => {
  it.each(['queued', 'starting', 'running', 'aborting'])(
    'rejects reusing the folder of a %s run even with overwrite_output_dir',
    (status) => {
      const issues = issuesFor(validConfig({ overwrite_output_dir: true }), {
        outputDirRun: { id: 'run-a', status },
      });
      expect(codesOf(issues, 'output_dir')).toEqual(['output_dir_active']);
    },
  );

  it('only warns when overwriting the folder of a finished run', () => {
    const issues = issuesFor(validConfig({ overwrite_output_dir: true }), {
      outputDirRun: { id: 'run-a', status: 'completed' },
    });
    expect(codesOf(issues, 'output_dir')).toEqual(['output_dir_overwrite']);
  });
});

describe('text typed into a number field', () => {
  it('reports NaN from the form as text that is not a number', () => {
    const issues = issuesFor(validConfig({ learning_rate: Number.NaN }));
    expect(codesOf(issues, 'learning_rate')).toEqual(['text_not_a_number']);
    const issue = issues.find((item) => item.code === 'text_not_a_number');
    expect(formatIssueEnglish(issue as ValidationIssue)).not.toContain('NaN');
  });
});
