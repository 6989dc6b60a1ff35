import type { EngineConfig, RunSummary } from '@protocol/runs.ts';

export interface ExportForm {
  export_dir: string;
  /** Largest shard of the merged weights, in GB. */
  export_size: number;
  export_device: 'cpu' | 'auto';
  /** true writes `.bin` files instead of safetensors. */
  export_legacy_format: boolean;
}

/** Runs whose adapter can be merged: finished LoRA training runs. */
export function exportableRuns(runs: readonly RunSummary[]): RunSummary[] {
  return runs.filter(
    (run) =>
      run.kind === 'train' &&
      run.status === 'completed' &&
      (run.config.finetuning_type ?? 'lora') === 'lora',
  );
}

export function defaultExportForm(run: RunSummary): ExportForm {
  return {
    export_dir: `${run.outputDir.replace(/\/+$/, '')}/merged`,
    export_size: 5,
    export_device: 'cpu',
    export_legacy_format: false,
  };
}

/**
 * Builds the `llamafactory-cli export` config that merges a run's adapter into its base model.
 * The base is always loaded unquantized: merging into a quantized model fails in the engine,
 * so a QLoRA run's quantization keys are left out.
 */
export function exportConfigFromRun(run: RunSummary, form: ExportForm): EngineConfig {
  const config: EngineConfig = {
    model_name_or_path: run.config.model_name_or_path,
    adapter_name_or_path: run.outputDir,
    template: run.config.template,
    finetuning_type: 'lora',
    export_dir: form.export_dir.trim(),
    export_size: form.export_size,
    export_device: form.export_device,
    export_legacy_format: form.export_legacy_format,
  };
  if (run.config.trust_remote_code !== undefined) {
    config.trust_remote_code = run.config.trust_remote_code;
  }
  return config;
}

/** Returns the i18n key of the first problem in the form, or null when it can be sent. */
export function exportFormProblem(
  form: ExportForm,
): 'exportDirRequired' | 'exportSizeInvalid' | null {
  if (form.export_dir.trim() === '') {
    return 'exportDirRequired';
  }
  if (!Number.isInteger(form.export_size) || form.export_size < 1 || form.export_size > 100) {
    return 'exportSizeInvalid';
  }
  return null;
}
