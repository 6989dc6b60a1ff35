import { describe, expect, it } from 'vitest';
import type { RunSummary } from '../../../server/protocol/runs.ts';
import {
  defaultExportForm,
  exportableRuns,
  exportConfigFromRun,
  exportFormProblem,
} from '../../../src/features/export/export-config.ts';
import { runSummary } from '../../helpers/factories.ts';

function run(fields: Partial<RunSummary> = {}): RunSummary {
  return runSummary({
    name: 'demo',
    status: 'completed',
    config: {
      model_name_or_path: '/models/qwen2-audio',
      template: 'qwen2_audio',
      finetuning_type: 'lora',
      quantization_bit: 4,
      quantization_method: 'bnb',
    },
    workerId: 'w',
    outputDir: 'saves/demo/lora/train_1/',
    ...fields,
  });
}

describe('export config', () => {
  it('merges a QLoRA adapter into the unquantized base', () => {
    const config = exportConfigFromRun(run(), defaultExportForm(run()));
    expect(config).toEqual({
      model_name_or_path: '/models/qwen2-audio',
      adapter_name_or_path: 'saves/demo/lora/train_1/',
      template: 'qwen2_audio',
      finetuning_type: 'lora',
      export_dir: 'saves/demo/lora/train_1/merged',
      export_size: 5,
      export_device: 'cpu',
      export_legacy_format: false,
    });
  });

  it('offers only finished LoRA training runs', () => {
    const runs = [
      run({ id: 'ok' }),
      run({ id: 'running', status: 'running' }),
      run({ id: 'export', kind: 'export' }),
      run({ id: 'full', config: { finetuning_type: 'full' } }),
    ];
    expect(exportableRuns(runs).map((candidate) => candidate.id)).toEqual(['ok']);
  });

  it.each([
    [{ export_dir: '  ' }, 'exportDirRequired'],
    [{ export_size: 0 }, 'exportSizeInvalid'],
    [{ export_size: 2.5 }, 'exportSizeInvalid'],
    [{}, null],
  ])('reports %o as %s', (patch, problem) => {
    expect(exportFormProblem({ ...defaultExportForm(run()), ...patch })).toBe(problem);
  });
});
