import type { RunSummary } from '@protocol/runs.ts';
import { useMutation } from '@tanstack/react-query';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { stringify } from 'yaml';
import { api, BoardError } from '../../api/rest.ts';
import { refreshRuns, useRuns, wireRunEvents } from '../../api/runs-live.ts';
import { useUi } from '../../app/ui-store.ts';
import { useTrainSelection } from '../train/selection.ts';
import {
  defaultExportForm,
  type ExportForm,
  exportableRuns,
  exportConfigFromRun,
  exportFormProblem,
} from './export-config.ts';

export function ExportTab() {
  const { t } = useTranslation();
  const runsById = useRuns((state) => state.runs);
  const runs = useMemo(
    () =>
      exportableRuns(Object.values(runsById)).sort((a, b) =>
        b.createdAt.localeCompare(a.createdAt),
      ),
    [runsById],
  );
  const [runId, setRunId] = useState<string | null>(null);
  const [form, setForm] = useState<ExportForm | null>(null);
  const run = runs.find((candidate) => candidate.id === runId) ?? runs[0] ?? null;

  useEffect(() => {
    wireRunEvents();
    void refreshRuns().catch(() => {});
  }, []);

  // A new run selection starts from that run's defaults.
  useEffect(() => {
    setForm(run ? defaultExportForm(run) : null);
  }, [run]);

  const start = useMutation({
    mutationFn: (selected: RunSummary) =>
      api<RunSummary>('/api/exports', {
        method: 'POST',
        json: {
          name: `${selected.name} (export)`,
          config: exportConfigFromRun(selected, form as ExportForm),
        },
      }),
    onSuccess: (created) => {
      useTrainSelection.getState().setLastStartedRunId(created.id);
      useUi.getState().setTab('monitor');
    },
  });

  if (!run || !form) {
    return (
      <section className="panel">
        <h2>{t('export.title')}</h2>
        <p className="muted" data-testid="export-no-runs">
          {t('export.noRuns')}
        </p>
      </section>
    );
  }

  const problem = exportFormProblem(form);
  const config = exportConfigFromRun(run, form);
  const update = (patch: Partial<ExportForm>) => setForm({ ...form, ...patch });
  const error = start.error instanceof BoardError ? start.error.error : null;

  return (
    <section className="panel">
      <h2>{t('export.title')}</h2>
      <p className="muted">{t('export.intro')}</p>
      <div className="grid">
        <label className="field">
          <span>{t('export.run')}</span>
          <select
            data-testid="export-run"
            value={run.id}
            onChange={(event) => setRunId(event.target.value)}
          >
            {runs.map((candidate) => (
              <option key={candidate.id} value={candidate.id}>
                {candidate.name}
              </option>
            ))}
          </select>
        </label>
        <div className="field">
          <span>{t('export.baseModel')}</span>
          <code>{String(run.config.model_name_or_path ?? '')}</code>
          <span>{t('export.adapter')}</span>
          <code>{run.outputDir}</code>
          <span>{t('export.template')}</span>
          <code>{String(run.config.template ?? '')}</code>
        </div>
        <label className={problem === 'exportDirRequired' ? 'field invalid' : 'field'}>
          <span>{t('export.exportDir')}</span>
          <input
            type="text"
            data-testid="field-export_dir"
            value={form.export_dir}
            onChange={(event) => update({ export_dir: event.target.value })}
          />
          <span className="help">{t('export.exportDirHelp')}</span>
        </label>
        <label className={problem === 'exportSizeInvalid' ? 'field invalid' : 'field'}>
          <span>{t('export.exportSize')}</span>
          <input
            type="number"
            min={1}
            max={100}
            data-testid="field-export_size"
            value={form.export_size}
            onChange={(event) => update({ export_size: Number(event.target.value) })}
          />
          <span className="help">{t('export.exportSizeHelp')}</span>
        </label>
        <label className="field">
          <span>{t('export.exportDevice')}</span>
          <select
            data-testid="field-export_device"
            value={form.export_device}
            onChange={(event) =>
              update({ export_device: event.target.value === 'auto' ? 'auto' : 'cpu' })
            }
          >
            <option value="cpu">cpu</option>
            <option value="auto">auto</option>
          </select>
          <span className="help">{t('export.exportDeviceHelp')}</span>
        </label>
        <label className="field checkbox">
          <input
            type="checkbox"
            data-testid="field-export_legacy_format"
            checked={form.export_legacy_format}
            onChange={(event) => update({ export_legacy_format: event.target.checked })}
          />
          <span>{t('export.legacyFormat')}</span>
        </label>
      </div>
      {problem && (
        <p className="error-text" data-testid="export-problem">
          {t(`export.${problem}`)}
        </p>
      )}
      <h2>{t('export.yaml')}</h2>
      <pre className="config" data-testid="export-yaml">
        {stringify(config)}
      </pre>
      <pre className="config">{`llamafactory-cli export export_args.yaml`}</pre>
      {error && (
        <p className="error-text" data-testid="export-error">
          {t(`errors.${error.code}`, { message: error.message })}
        </p>
      )}
      <div className="row">
        <button
          type="button"
          className="btn btn-primary"
          data-testid="export-start"
          disabled={problem !== null || start.isPending}
          onClick={() => start.mutate(run)}
        >
          {t('export.start')}
        </button>
      </div>
      <p className="muted">{t('export.verifyHint')}</p>
    </section>
  );
}
