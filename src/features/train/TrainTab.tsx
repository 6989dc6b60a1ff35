import {
  formToEngineConfig,
  type ValidationIssue,
  validateTrainConfig,
} from '@protocol/train-config.ts';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { useConnection } from '../../api/socket.ts';
import { useModelModules } from './api.ts';
import { ConfigView } from './ConfigView.tsx';
import { cutoffBlockOf, useCutoffAdvice } from './CutoffAdvice.tsx';
import { DatasetSection } from './DatasetSection.tsx';
import { Section } from './fields.tsx';
import { useTrainForm } from './form-store.ts';
import {
  AdvancedSection,
  BasicSection,
  DistributedSection,
  FreezeSection,
  LoraSection,
  MultimodalSection,
} from './HyperparameterSections.tsx';
import { ModelSection } from './ModelSection.tsx';
import { PresetBar } from './PresetBar.tsx';
import { StartBar } from './StartBar.tsx';
import { trainValidationContext } from './validation.ts';

/** The Train tab: the form, the engine config it produces, presets and Start. */
export function TrainTab() {
  const { t } = useTranslation();
  const form = useTrainForm((state) => state.form);
  const gpus = useTrainForm((state) => state.gpus);
  const reset = useTrainForm((state) => state.reset);
  const workers = useConnection((state) => state.workers);
  const modules = useModelModules(form.model_name_or_path);

  const config = useMemo(() => formToEngineConfig(form), [form]);
  const issues: ValidationIssue[] = useMemo(
    () => validateTrainConfig(config, trainValidationContext(workers, gpus, modules.data)),
    [config, workers, gpus, modules.data],
  );
  const lora = form.method === 'lora' || form.method === 'qlora';
  const cutoffAdvice = useCutoffAdvice();

  return (
    <div className="train" data-testid="train-tab">
      <Section title={t('train.sections.presets')} open>
        <div className="row">
          <PresetBar config={config} />
          <button type="button" className="btn" data-testid="train-reset" onClick={reset}>
            {t('train.reset')}
          </button>
        </div>
      </Section>
      <Section title={t('train.sections.model')} open testId="section-model">
        <ModelSection issues={issues} />
      </Section>
      <Section title={t('train.sections.data')} open testId="section-data">
        <DatasetSection issues={issues} />
      </Section>
      <BasicSection issues={issues} cutoffAdvice={cutoffAdvice} />
      {lora && <LoraSection issues={issues} />}
      {form.method === 'freeze' && <FreezeSection issues={issues} />}
      <MultimodalSection issues={issues} />
      <AdvancedSection issues={issues} />
      <DistributedSection issues={issues} />
      <Section title={t('train.sections.config')} open testId="section-config">
        <ConfigView config={config} />
      </Section>
      <StartBar config={config} issues={issues} cutoffBlock={cutoffBlockOf(cutoffAdvice)} />
    </div>
  );
}
