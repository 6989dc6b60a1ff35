/**
 * LLaMA-Factory 0.9.5 arguments for the CPU demo: LoRA SFT of the tiny
 * Qwen2-Audio fixture (tests/fixtures/make_tiny_model.py) on the spoken colour
 * words (tests/fixtures/make_demo_data.py).
 *
 * Measured on 2 CPU cores (fp32, torch 2.8.0): 200 steps take about 60 s of
 * training and 70 s of wall time for `llamafactory-cli train` on an idle
 * machine, and 164 s while other builds shared the cores. The loss falls from
 * about 12 to below 0.01. Greedy decoding of the 40 held-out clips gives
 * 39/40 correct with the adapter and 0/40 with the base model
 * (tests/fixtures/eval_heldout.py).
 */

/** Values of the LLaMA-Factory arguments used by the demo, by YAML key. */
export type LlamaFactoryArgs = Record<string, string | number | boolean>;

export interface DemoRecipePaths {
  /** The tiny model folder (model_name_or_path). */
  modelDir: string;
  /** The folder containing dataset_info.json (dataset_dir). */
  datasetDir: string;
  /** The run folder (output_dir), also given to the trainer as LLAMABOARD_WORKDIR. */
  outputDir: string;
}

/** Training arguments of the demo without the paths. */
export const DEMO_TRAINING_ARGS = {
  stage: 'sft',
  do_train: true,
  finetuning_type: 'lora',
  lora_target: 'all',
  lora_rank: 16,
  lora_alpha: 32,
  lora_dropout: 0.0,
  // Keeps the audio encoder and the projector frozen (the LLaMA-Factory defaults), so LoRA skips the encoder.
  freeze_vision_tower: true,
  freeze_multi_modal_projector: true,
  template: 'qwen2_audio',
  dataset: 'demo_train',
  // Each example is under 60 tokens: at most 38 text tokens plus 12 to 20 audio tokens for a 0.5 to 0.8 s clip.
  cutoff_len: 256,
  preprocessing_num_workers: 1,
  dataloader_num_workers: 0,
  overwrite_cache: true,
  overwrite_output_dir: true,
  // 160 clips / 8 = 20 steps per epoch, 200 steps in all.
  per_device_train_batch_size: 8,
  gradient_accumulation_steps: 1,
  num_train_epochs: 10,
  // A rate this high suits only the tiny random model. Real models use about 1e-4.
  learning_rate: 5.0e-3,
  lr_scheduler_type: 'cosine',
  warmup_ratio: 0.05,
  logging_steps: 1,
  save_steps: 100,
  plot_loss: true,
  report_to: 'none',
  bf16: false,
  fp16: false,
  seed: 42,
} as const satisfies LlamaFactoryArgs;

/** Returns the demo training arguments with the paths filled in, ready to write as training_args.yaml. */
export function demoTrainingArgs(paths: DemoRecipePaths): LlamaFactoryArgs {
  return {
    model_name_or_path: paths.modelDir,
    dataset_dir: paths.datasetDir,
    output_dir: paths.outputDir,
    ...DEMO_TRAINING_ARGS,
  };
}

/** Returns `llamafactory-cli api` arguments that serve the demo model, with the adapter when one is given. */
export function demoInferenceArgs(modelDir: string, adapterDir?: string): LlamaFactoryArgs {
  const args: LlamaFactoryArgs = {
    model_name_or_path: modelDir,
    template: 'qwen2_audio',
    infer_backend: 'huggingface',
  };
  if (adapterDir) {
    args.adapter_name_or_path = adapterDir;
    args.finetuning_type = 'lora';
  }
  return args;
}

/** Returns `llamafactory-cli export` arguments that merge the adapter into the demo model. */
export function demoExportArgs(
  modelDir: string,
  adapterDir: string,
  exportDir: string,
): LlamaFactoryArgs {
  return {
    model_name_or_path: modelDir,
    adapter_name_or_path: adapterDir,
    template: 'qwen2_audio',
    finetuning_type: 'lora',
    export_dir: exportDir,
    export_size: 1,
    export_device: 'cpu',
    export_legacy_format: false,
  };
}
