import type { EngineConfig } from '@protocol/runs.ts';
import { useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { deletePreset, savePreset, usePresets } from './api.ts';
import { useTrainForm } from './form-store.ts';

/** Named presets stored on the board: save the current config, load or delete one. */
export function PresetBar({ config }: { config: EngineConfig }) {
  const { t } = useTranslation();
  const queryClient = useQueryClient();
  const presets = usePresets();
  const loadConfig = useTrainForm((state) => state.loadConfig);
  const [name, setName] = useState('');
  const [chosen, setChosen] = useState('');
  const [message, setMessage] = useState<{ error: boolean; text: string } | null>(null);

  const refresh = () => queryClient.invalidateQueries({ queryKey: ['presets'] });
  const report = (error: unknown) =>
    setMessage({ error: true, text: error instanceof Error ? error.message : String(error) });

  const list = presets.data ?? [];
  const selected = list.find((preset) => preset.name === chosen);

  return (
    <div className="row" data-testid="train-presets">
      <input
        type="text"
        placeholder={t('train.presets.name')}
        aria-label={t('train.presets.name')}
        data-testid="preset-name"
        value={name}
        onChange={(event) => setName(event.target.value)}
      />
      <button
        type="button"
        className="btn"
        data-testid="preset-save"
        disabled={name.trim() === ''}
        onClick={() => {
          savePreset(name.trim(), config)
            .then(() => {
              setMessage({ error: false, text: t('train.presets.saved', { name: name.trim() }) });
              setChosen(name.trim());
              return refresh();
            })
            .catch(report);
        }}
      >
        {t('train.presets.save')}
      </button>
      <select
        data-testid="preset-select"
        value={chosen}
        onChange={(event) => setChosen(event.target.value)}
      >
        <option value="">{list.length === 0 ? t('train.presets.none') : '—'}</option>
        {list.map((preset) => (
          <option key={preset.name} value={preset.name}>
            {preset.name}
          </option>
        ))}
      </select>
      <button
        type="button"
        className="btn"
        data-testid="preset-load"
        disabled={!selected}
        onClick={() => selected && loadConfig(selected.config)}
      >
        {t('train.presets.load')}
      </button>
      <button
        type="button"
        className="btn"
        data-testid="preset-delete"
        disabled={!selected}
        onClick={() => {
          deletePreset(chosen)
            .then(() => {
              setChosen('');
              return refresh();
            })
            .catch(report);
        }}
      >
        {t('train.presets.delete')}
      </button>
      {message && <span className={message.error ? 'error-text' : 'muted'}>{message.text}</span>}
    </div>
  );
}
