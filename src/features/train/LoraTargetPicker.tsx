import type { LinearModule } from '@protocol/models.ts';
import type { ValidationIssue } from '@protocol/train-config.ts';
import { useTranslation } from 'react-i18next';
import { useModelModules } from './api.ts';
import { FieldIssues } from './fields.tsx';
import { useTrainForm } from './form-store.ts';

/** Says why LoRA will skip a module although it is ticked, from the freeze switches. */
function skippedReason(
  module: LinearModule,
  freezeTower: boolean,
  freezeProjector: boolean,
): 'frozenTower' | 'frozenProjector' | null {
  const only = (component: string) => module.components.every((item) => item === component);
  if (freezeTower && only('audio_tower')) {
    return 'frozenTower';
  }
  if (freezeProjector && only('projector')) {
    return 'frozenProjector';
  }
  return null;
}

/** `lora_target`: all, a checklist of the model's Linear modules, or free text for hub ids. */
export function LoraTargetPicker({ issues }: { issues: ValidationIssue[] }) {
  const { t } = useTranslation();
  const form = useTrainForm((state) => state.form);
  const setField = useTrainForm((state) => state.setField);
  const modules = useModelModules(form.model_name_or_path);

  const isAll = form.lora_target.length === 0 || form.lora_target.includes('all');
  const listed = modules.data?.modules ?? [];
  const invalid = issues.some(
    (issue) => issue.field === 'lora_target' && issue.severity === 'error',
  );

  const toggle = (name: string, checked: boolean) => {
    const current = isAll ? [] : form.lora_target;
    const next = checked ? [...current, name] : current.filter((item) => item !== name);
    setField('lora_target', next.length === 0 ? ['all'] : next);
  };

  return (
    <div className={`field ${invalid ? 'invalid' : ''}`} data-testid="field-lora_target">
      <span>{t('train.fields.lora_target.label')}</span>
      <label className="checkbox row">
        <input
          type="radio"
          data-testid="lora-target-all"
          checked={isAll}
          onChange={() => setField('lora_target', ['all'])}
        />
        <span>{t('train.loraTarget.all')}</span>
      </label>
      <label className="checkbox row">
        <input
          type="radio"
          data-testid="lora-target-pick"
          checked={!isAll}
          onChange={() => setField('lora_target', listed[0] ? [listed[0].name] : [])}
        />
        <span>{t('train.loraTarget.pick')}</span>
      </label>

      {!isAll && modules.isLoading && <span className="help">{t('train.loraTarget.loading')}</span>}
      {!isAll && listed.length > 0 && (
        <ul className="lora-modules">
          {listed.map((module) => {
            const reason = skippedReason(
              module,
              form.freeze_vision_tower,
              form.freeze_multi_modal_projector,
            );
            return (
              <li key={module.name}>
                <label className="checkbox row">
                  <input
                    type="checkbox"
                    data-testid={`lora-target-${module.name}`}
                    checked={form.lora_target.includes(module.name)}
                    onChange={(event) => toggle(module.name, event.target.checked)}
                  />
                  <code>{module.name}</code>
                  {module.components.map((component) => (
                    <span key={component} className="chip">
                      {t(`train.components.${component}`)}
                    </span>
                  ))}
                  <span className="muted">
                    {t('train.loraTarget.count', { count: module.count })}
                  </span>
                  {reason && <span className="muted">({t(`train.loraTarget.${reason}`)})</span>}
                </label>
              </li>
            );
          })}
        </ul>
      )}
      {!isAll && listed.length === 0 && !modules.isLoading && (
        <>
          <input
            type="text"
            data-testid="lora-target-text"
            value={form.lora_target.join(',')}
            onChange={(event) =>
              setField(
                'lora_target',
                event.target.value.split(',').map((item) => item.trim()),
              )
            }
          />
          <span className="help">{t('train.loraTarget.unknown')}</span>
          {modules.error && <span className="error">{modules.error.message}</span>}
        </>
      )}
      <span className="help">{t('train.fields.lora_target.help')}</span>
      <FieldIssues keys={['lora_target']} issues={issues} />
    </div>
  );
}
