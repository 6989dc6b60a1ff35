import {
  COMPUTE_TYPES,
  DEEPSPEED_STAGES,
  LR_SCHEDULERS,
  type TrainForm,
  type TrainFormField,
  type ValidationIssue,
} from '@protocol/train-config.ts';
import { useTranslation } from 'react-i18next';
import { useConnection } from '../../api/socket.ts';
import { type CutoffAdvice, CutoffAdvicePanel } from './CutoffAdvice.tsx';
import {
  CheckboxField,
  FieldIssues,
  NumberField,
  Section,
  SelectField,
  TextField,
} from './fields.tsx';
import { useTrainForm } from './form-store.ts';
import { LoraTargetPicker } from './LoraTargetPicker.tsx';

type NumberKey = {
  [K in TrainFormField]: TrainForm[K] extends number | null ? K : never;
}[TrainFormField];

type BooleanKey = {
  [K in TrainFormField]: TrainForm[K] extends boolean ? K : never;
}[TrainFormField];

function useFieldBinding() {
  const form = useTrainForm((state) => state.form);
  const setField = useTrainForm((state) => state.setField);
  return { form, setField };
}

function Numbers({
  keys,
  issues,
  nullable = [],
}: {
  keys: readonly NumberKey[];
  issues: ValidationIssue[];
  nullable?: readonly NumberKey[];
}) {
  const { form, setField } = useFieldBinding();
  return (
    <>
      {keys.map((key) => (
        <NumberField
          key={key}
          name={key}
          value={form[key]}
          nullable={nullable.includes(key)}
          issues={issues}
          onChange={(value) => setField(key, value as TrainForm[typeof key])}
        />
      ))}
    </>
  );
}

function Checks({ keys, issues }: { keys: readonly BooleanKey[]; issues: ValidationIssue[] }) {
  const { form, setField } = useFieldBinding();
  const issueKeysOf = (key: BooleanKey): readonly string[] =>
    key === 'pissa' ? ['pissa_init', 'pissa_convert'] : [key];
  return (
    <>
      {keys.map((key) => (
        <CheckboxField
          key={key}
          name={key}
          value={form[key]}
          issues={issues}
          issueKeys={issueKeysOf(key)}
          onChange={(value) => setField(key, value)}
        />
      ))}
    </>
  );
}

/**
 * Learning rate, epochs, batch, schedule, precision and the output folder, with the dataset's
 * verdict on `cutoff_len` beside that field.
 */
export function BasicSection({
  issues,
  cutoffAdvice,
}: {
  issues: ValidationIssue[];
  cutoffAdvice: CutoffAdvice;
}) {
  const { t } = useTranslation();
  const { form, setField } = useFieldBinding();
  return (
    <Section title={t('train.sections.basic')} open testId="section-basic">
      <div className="grid">
        <Numbers keys={['learning_rate', 'num_train_epochs', 'cutoff_len']} issues={issues} />
        <CutoffAdvicePanel advice={cutoffAdvice} />
        <Numbers
          keys={[
            'per_device_train_batch_size',
            'gradient_accumulation_steps',
            'max_samples',
            'val_size',
          ]}
          nullable={['max_samples']}
          issues={issues}
        />
        <SelectField
          name="compute_type"
          value={form.compute_type}
          options={COMPUTE_TYPES.map((type) => ({
            value: type,
            label: t(`train.computeTypes.${type}`),
          }))}
          issueKeys={['bf16', 'fp16', 'pure_bf16']}
          issues={issues}
          onChange={(value) => setField('compute_type', value)}
        />
        <SelectField
          name="lr_scheduler_type"
          value={form.lr_scheduler_type}
          options={[
            ...LR_SCHEDULERS.map((name) => ({ value: name as string, label: name as string })),
            ...((LR_SCHEDULERS as readonly string[]).includes(form.lr_scheduler_type)
              ? []
              : [{ value: form.lr_scheduler_type, label: form.lr_scheduler_type }]),
          ]}
          issues={issues}
          onChange={(value) => setField('lr_scheduler_type', value)}
        />
        <TextField
          name="output_dir"
          value={form.output_dir}
          issues={issues}
          onChange={(value) => setField('output_dir', value)}
        />
        <Checks keys={['overwrite_output_dir']} issues={issues} />
      </div>
    </Section>
  );
}

export function LoraSection({ issues }: { issues: ValidationIssue[] }) {
  const { t } = useTranslation();
  const { form, setField } = useFieldBinding();
  return (
    <Section title={t('train.sections.lora')} open testId="section-lora">
      <div className="grid">
        <Numbers keys={['lora_rank', 'lora_alpha', 'lora_dropout']} issues={issues} />
        <Checks keys={['use_rslora', 'use_dora', 'pissa']} issues={issues} />
        <TextField
          name="additional_target"
          value={form.additional_target}
          issues={issues}
          onChange={(value) => setField('additional_target', value)}
        />
      </div>
      <LoraTargetPicker issues={issues} />
    </Section>
  );
}

export function FreezeSection({ issues }: { issues: ValidationIssue[] }) {
  const { t } = useTranslation();
  const { form, setField } = useFieldBinding();
  return (
    <Section title={t('train.sections.freeze')} open testId="section-freeze">
      <div className="grid">
        <Numbers keys={['freeze_trainable_layers']} issues={issues} />
        <TextField
          name="freeze_trainable_modules"
          value={form.freeze_trainable_modules}
          issues={issues}
          onChange={(value) => setField('freeze_trainable_modules', value)}
        />
      </div>
    </Section>
  );
}

export function MultimodalSection({ issues }: { issues: ValidationIssue[] }) {
  const { t } = useTranslation();
  return (
    <Section title={t('train.sections.multimodal')} open testId="section-multimodal">
      <div className="grid">
        <Checks
          keys={['freeze_vision_tower', 'freeze_multi_modal_projector', 'freeze_language_model']}
          issues={issues}
        />
      </div>
    </Section>
  );
}

export function AdvancedSection({ issues }: { issues: ValidationIssue[] }) {
  const { t } = useTranslation();
  const { form, setField } = useFieldBinding();
  return (
    <Section title={t('train.sections.advanced')} testId="section-advanced">
      <div className="grid">
        <Numbers
          keys={[
            'warmup_steps',
            'max_grad_norm',
            'logging_steps',
            'save_steps',
            'seed',
            'preprocessing_num_workers',
            'ddp_timeout',
          ]}
          nullable={['preprocessing_num_workers']}
          issues={issues}
        />
        <TextField
          name="report_to"
          value={form.report_to}
          issues={issues}
          onChange={(value) => setField('report_to', value)}
        />
        <Checks keys={['trust_remote_code']} issues={issues} />
      </div>
    </Section>
  );
}

/** DeepSpeed and the GPUs of the worker the run would go to. */
export function DistributedSection({ issues }: { issues: ValidationIssue[] }) {
  const { t } = useTranslation();
  const { form, setField } = useFieldBinding();
  const selectedGpus = useTrainForm((state) => state.gpus);
  const setGpus = useTrainForm((state) => state.setGpus);
  const workers = useConnection((state) => state.workers);
  const gpus = workers
    .filter((worker) => worker.status === 'online')
    .flatMap((worker) => worker.gpus.map((gpu) => ({ ...gpu, host: worker.hostname })));

  return (
    <Section title={t('train.sections.distributed')} testId="section-distributed">
      <div className="grid">
        <SelectField
          name="deepspeed"
          value={form.deepspeed_stage}
          options={DEEPSPEED_STAGES.map((stage) => ({
            value: stage,
            label: t(`train.deepspeedStages.${stage}`),
          }))}
          issues={issues}
          onChange={(value) => setField('deepspeed_stage', value)}
        />
        {form.deepspeed_stage !== 'none' && <Checks keys={['deepspeed_offload']} issues={issues} />}
        <div className="field">
          <span>{t('train.fields.cuda_visible_devices.label')}</span>
          {gpus.map((gpu) => (
            <label key={`${gpu.host}-${gpu.index}`} className="checkbox row">
              <input
                type="checkbox"
                data-testid={`field-gpu-${gpu.index}`}
                checked={selectedGpus.includes(gpu.index)}
                onChange={(event) =>
                  setGpus(
                    event.target.checked
                      ? [...selectedGpus, gpu.index]
                      : selectedGpus.filter((index) => index !== gpu.index),
                  )
                }
              />
              <span>
                {gpu.index}: {gpu.name} ({gpu.host})
              </span>
            </label>
          ))}
          <span className="help">{t('train.fields.cuda_visible_devices.help')}</span>
          <FieldIssues keys={['cuda_visible_devices']} issues={issues} />
        </div>
      </div>
    </Section>
  );
}
