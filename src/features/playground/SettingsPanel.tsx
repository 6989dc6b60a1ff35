import type { GenerationSettings } from '@protocol/playground.ts';
import { useTranslation } from 'react-i18next';
import { usePlayground } from './playground-store.ts';

function update(change: Partial<GenerationSettings>): void {
  usePlayground.setState((state) => ({ settings: { ...state.settings, ...change } }));
}

/** Generation settings as LLaMA-Factory names them. */
export function SettingsPanel() {
  const { t } = useTranslation();
  const settings = usePlayground((state) => state.settings);
  const number = (
    key: 'max_new_tokens' | 'temperature' | 'top_p',
    limits: { min: number; max: number; step: number },
    help?: string,
  ) => (
    <label className="field">
      <span>{t(`playground.settings.${key}`)}</span>
      <input
        type="number"
        {...limits}
        value={settings[key]}
        disabled={key !== 'max_new_tokens' && !settings.do_sample}
        data-testid={`playground-setting-${key}`}
        onChange={(event) => {
          const value = Number(event.target.value);
          if (Number.isFinite(value)) {
            update({ [key]: Math.min(limits.max, Math.max(limits.min, value)) });
          }
        }}
      />
      {help && <span className="help">{help}</span>}
    </label>
  );

  return (
    <details className="panel">
      <summary>{t('playground.settings.title')}</summary>
      <div className="grid">
        {number(
          'max_new_tokens',
          { min: 1, max: 8192, step: 1 },
          t('playground.settings.max_new_tokensHelp'),
        )}
        {number('temperature', { min: 0, max: 2, step: 0.05 })}
        {number('top_p', { min: 0.01, max: 1, step: 0.05 })}
        <label className="field">
          <span>{t('playground.settings.seed')}</span>
          <input
            type="number"
            min={0}
            step={1}
            value={settings.seed ?? ''}
            data-testid="playground-setting-seed"
            onChange={(event) =>
              update({
                seed:
                  event.target.value === ''
                    ? null
                    : Math.max(0, Math.floor(Number(event.target.value))),
              })
            }
          />
          <span className="help">{t('playground.settings.seedHelp')}</span>
        </label>
        <label className="field checkbox" title={t('playground.settings.greedyHelp')}>
          <input
            type="checkbox"
            checked={!settings.do_sample}
            data-testid="playground-setting-greedy"
            onChange={(event) => update({ do_sample: !event.target.checked })}
          />
          <span>{t('playground.settings.greedy')}</span>
        </label>
      </div>
    </details>
  );
}
