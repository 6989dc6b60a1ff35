import { findModelPreset } from '@protocol/models.ts';
import type { EngineConfig } from '@protocol/runs.ts';
import {
  createDefaultForm,
  defaultOutputDir,
  engineConfigToForm,
  formToEngineConfig,
  type Method,
  setFormField,
  type TrainForm,
  type TrainFormField,
} from '@protocol/train-config.ts';
import { create } from 'zustand';

interface TrainFormState {
  form: TrainForm;
  /** Display name of the chosen model, for the top bar. */
  model: string;
  method: Method;
  /** GPU indices for `CUDA_VISIBLE_DEVICES`; empty uses every GPU of the worker. */
  gpus: number[];
  /** True once the user typed an output folder, so model or method changes keep it. */
  outputDirEdited: boolean;
  setField<K extends TrainFormField>(field: K, value: TrainForm[K]): void;
  /** Overlays LLaMA-Factory keys on the current form, e.g. the CPU demo recipe. */
  applyConfig(config: EngineConfig): void;
  /** Replaces the form with an imported or preset config. */
  loadConfig(config: EngineConfig): void;
  /** Replaces the extra arguments, which are merged over the generated keys last. */
  setExtra(extra: EngineConfig): void;
  setGpus(gpus: number[]): void;
  reset(): void;
  /** Gives the form a fresh default output folder after a Start, unless the user typed one. */
  nextOutputDir(): void;
}

function modelShortName(form: TrainForm): string {
  const preset = findModelPreset(form.modelPreset);
  if (preset && preset.id !== 'custom') {
    return preset.shortName;
  }
  const last = form.model_name_or_path.split('/').filter(Boolean).pop();
  return last ?? 'custom';
}

function modelLabel(form: TrainForm): string {
  const preset = findModelPreset(form.modelPreset);
  return preset && preset.id !== 'custom' ? preset.label : form.model_name_or_path;
}

function derived(form: TrainForm): Pick<TrainFormState, 'form' | 'model' | 'method'> {
  return { form, model: modelLabel(form), method: form.method };
}

/** The Train tab's form; the top bar reads `model` and `method` from it. */
export const useTrainForm = create<TrainFormState>((set, get) => ({
  ...derived(createDefaultForm()),
  gpus: [],
  outputDirEdited: false,

  setField(field, value) {
    let form = setFormField(get().form, field, value);
    const outputDirEdited = get().outputDirEdited || field === 'output_dir';
    const namesOutput =
      field === 'modelPreset' || field === 'method' || field === 'model_name_or_path';
    if (namesOutput && !outputDirEdited) {
      form = setFormField(
        form,
        'output_dir',
        defaultOutputDir(modelShortName(form), form.method, new Date()),
      );
    }
    set({ ...derived(form), outputDirEdited });
  },

  applyConfig(config) {
    const current = get().form;
    const merged = { ...formToEngineConfig(current), ...config };
    const form = engineConfigToForm(merged, current);
    // The overlay keeps the current form's preset choice and key order.
    set(derived({ ...form, modelPreset: current.modelPreset, keyOrder: current.keyOrder }));
  },

  loadConfig(config) {
    set({ ...derived(engineConfigToForm(config)), outputDirEdited: true });
  },

  setExtra(extra) {
    set(derived({ ...get().form, extra }));
  },

  setGpus(gpus) {
    set({ gpus: [...gpus].sort((left, right) => left - right) });
  },

  reset() {
    set({ ...derived(createDefaultForm()), gpus: [], outputDirEdited: false });
  },

  nextOutputDir() {
    // A started run owns its folder, so the next Start must not write into it. A folder the
    // user typed stays, and the board rejects it while that run is still active.
    if (get().outputDirEdited) {
      return;
    }
    const form = get().form;
    set(
      derived(
        setFormField(
          form,
          'output_dir',
          defaultOutputDir(modelShortName(form), form.method, new Date()),
        ),
      ),
    );
  },
}));
