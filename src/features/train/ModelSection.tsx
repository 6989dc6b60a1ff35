import {
  AUDIO_TEMPLATES,
  BASE_MODEL_TEMPLATES,
  findModelPreset,
  MODEL_PRESETS,
  type ModelPresetId,
} from '@protocol/models.ts';
import { METHODS, QUANTIZATION_BITS, type ValidationIssue } from '@protocol/train-config.ts';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useDemoInfo } from './api.ts';
import { CheckboxField, FieldShell, SelectField, TextField } from './fields.tsx';
import { useTrainForm } from './form-store.ts';

/** Model preset, path, template and adapter, plus the tuning method. */
export function ModelSection({ issues }: { issues: ValidationIssue[] }) {
  const { t } = useTranslation();
  const form = useTrainForm((state) => state.form);
  const setField = useTrainForm((state) => state.setField);
  const applyConfig = useTrainForm((state) => state.applyConfig);
  const demo = useDemoInfo();
  const [demoNote, setDemoNote] = useState<string | null>(null);

  const choosePreset = (id: ModelPresetId) => {
    const preset = findModelPreset(id);
    if (!preset) {
      return;
    }
    setDemoNote(null);
    setField('modelPreset', id);
    setField('template', preset.template);
    if (preset.demo) {
      const info = demo.data;
      if (!info?.available) {
        setDemoNote(t('train.model.demoUnavailable'));
        return;
      }
      applyConfig({
        ...info.config,
        model_name_or_path: info.modelDir,
        dataset_dir: info.datasetDir,
        dataset: info.trainDataset,
      });
      setDemoNote(
        t('train.model.demoApplied', { modelDir: info.modelDir, dataset: info.trainDataset }),
      );
      return;
    }
    if (preset.path !== '') {
      setField('model_name_or_path', preset.path);
    }
  };

  const templates: string[] = [...AUDIO_TEMPLATES];
  if (form.template !== '' && !templates.includes(form.template)) {
    templates.push(form.template);
  }

  return (
    <>
      <div className="grid">
        <FieldShell name="modelPreset" issueKeys={[]} issues={issues}>
          {(id) => (
            <>
              <select
                id={id}
                data-testid="train-model"
                value={form.modelPreset}
                onChange={(event) => choosePreset(event.target.value as ModelPresetId)}
              >
                {MODEL_PRESETS.map((preset) => (
                  <option key={preset.id} value={preset.id}>
                    {t(`train.presetNames.${preset.id}`, { defaultValue: preset.label })}
                  </option>
                ))}
              </select>
            </>
          )}
        </FieldShell>
        <TextField
          name="model_name_or_path"
          value={form.model_name_or_path}
          placeholder={t('train.model.customHint')}
          issues={issues}
          onChange={(value) => {
            if (form.modelPreset !== 'custom') {
              setField('modelPreset', 'custom');
            }
            setField('model_name_or_path', value);
          }}
        />
        <SelectField
          name="template"
          value={form.template}
          options={templates.map((name) => ({
            value: name,
            label: BASE_MODEL_TEMPLATES.has(name)
              ? `${name} ${t('train.baseTemplateSuffix')}`
              : name,
          }))}
          issues={issues}
          onChange={(value) => setField('template', value)}
        />
        <TextField
          name="adapter_name_or_path"
          value={form.adapter_name_or_path}
          issues={issues}
          onChange={(value) => setField('adapter_name_or_path', value)}
        />
      </div>
      {demoNote && (
        <p className="muted" data-testid="train-demo-note">
          {demoNote}
        </p>
      )}

      <div className="grid">
        <SelectField
          name="finetuning_type"
          testId="train-method"
          value={form.method}
          options={METHODS.map((method) => ({
            value: method,
            label: t(`train.methodNames.${method}`),
          }))}
          issueKeys={['finetuning_type']}
          issues={issues}
          onChange={(value) => setField('method', value)}
        />
        {form.method === 'qlora' && (
          <>
            <SelectField
              name="quantization_bit"
              value={String(form.quantization_bit) as '4' | '8'}
              options={QUANTIZATION_BITS.map((bits) => ({
                value: String(bits) as '4' | '8',
                label: `${bits}-bit`,
              }))}
              issues={issues}
              onChange={(value) => setField('quantization_bit', value === '8' ? 8 : 4)}
            />
            <CheckboxField
              name="double_quantization"
              value={form.double_quantization}
              issues={issues}
              onChange={(value) => setField('double_quantization', value)}
            />
          </>
        )}
      </div>
    </>
  );
}
