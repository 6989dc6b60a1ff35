import type { RunSummary } from '@protocol/runs.ts';
import { useTranslation } from 'react-i18next';
import { usePlayground } from './playground-store.ts';

function toggle(key: string, on: boolean): void {
  usePlayground.setState((state) => ({
    selected: on
      ? [...new Set([...state.selected, key])]
      : state.selected.filter((item) => item !== key),
  }));
}

/** Base model fields and the models to compare: base, finished runs' adapters, a free path. */
export function TargetsPanel({ runs }: { runs: RunSummary[] }) {
  const { t } = useTranslation();
  const model = usePlayground((state) => state.model);
  const selected = usePlayground((state) => state.selected);
  const customAdapter = usePlayground((state) => state.customAdapter);

  const checkbox = (key: string, label: string, title?: string) => (
    <label className="field checkbox" key={key} title={title}>
      <input
        type="checkbox"
        checked={selected.includes(key)}
        data-testid={`playground-target-${key}`}
        onChange={(event) => toggle(key, event.target.checked)}
      />
      <span>{label}</span>
    </label>
  );

  return (
    <div className="panel">
      <h2>{t('playground.model.title')}</h2>
      <div className="grid">
        <label className="field">
          <span>{t('playground.model.path')}</span>
          <input
            type="text"
            value={model.model_name_or_path}
            data-testid="playground-model-path"
            onChange={(event) =>
              usePlayground.setState({
                model: { ...model, model_name_or_path: event.target.value },
              })
            }
          />
          <span className="help">{t('playground.model.pathHelp')}</span>
        </label>
        <label className="field">
          <span>{t('playground.model.template')}</span>
          <input
            type="text"
            value={model.template}
            data-testid="playground-template"
            onChange={(event) =>
              usePlayground.setState({ model: { ...model, template: event.target.value } })
            }
          />
          <span className="help">{t('playground.model.templateHelp')}</span>
        </label>
      </div>
      <h2>{t('playground.targets.title')}</h2>
      <p className="help muted">{t('playground.targets.help')}</p>
      <div className="row">
        {checkbox('base', t('playground.targets.base'))}
        {runs.map((run) =>
          checkbox(run.id, t('playground.targets.run', { name: run.name }), run.outputDir),
        )}
        {checkbox('custom', t('playground.targets.custom'))}
        <input
          type="text"
          className="pg-adapter-input"
          value={customAdapter}
          placeholder={t('playground.targets.customHelp')}
          data-testid="playground-custom-adapter"
          onChange={(event) => {
            usePlayground.setState({ customAdapter: event.target.value });
            toggle('custom', event.target.value.trim() !== '');
          }}
        />
      </div>
    </div>
  );
}
