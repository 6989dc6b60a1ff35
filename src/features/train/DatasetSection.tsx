import type { ValidationIssue } from '@protocol/train-config.ts';
import { useTranslation } from 'react-i18next';
import { BoardError } from '../../api/rest.ts';
import { useDatasets } from './api.ts';
import { FieldShell, TextField } from './fields.tsx';
import { useTrainForm } from './form-store.ts';

/** dataset_dir and a multi-select of its dataset_info.json entries. */
export function DatasetSection({ issues }: { issues: ValidationIssue[] }) {
  const { t } = useTranslation();
  const datasetDir = useTrainForm((state) => state.form.dataset_dir);
  const selected = useTrainForm((state) => state.form.dataset);
  const setField = useTrainForm((state) => state.setField);
  const listing = useDatasets(datasetDir);

  const available = listing.data ?? [];
  // Names from an import or preset stay selectable even when this folder lacks them.
  const names = [
    ...available.map((entry) => entry.name),
    ...selected.filter((name) => !available.some((entry) => entry.name === name)),
  ];
  const chosen = available.filter((entry) => selected.includes(entry.name));

  return (
    <div className="grid">
      <TextField
        name="dataset_dir"
        value={datasetDir}
        issues={issues}
        onChange={(value) => setField('dataset_dir', value)}
      />
      <FieldShell name="dataset" issues={issues}>
        {(id) => (
          <>
            <select
              id={id}
              multiple
              data-testid="field-dataset"
              value={selected}
              size={Math.min(6, Math.max(2, names.length))}
              onChange={(event) =>
                setField(
                  'dataset',
                  [...event.target.selectedOptions].map((option) => option.value),
                )
              }
            >
              {names.map((name) => {
                const entry = available.find((item) => item.name === name);
                return (
                  <option key={name} value={name}>
                    {entry?.hasAudio ? `${name} (${t('train.datasets.audio')})` : name}
                  </option>
                );
              })}
            </select>
            {datasetDir.trim() === '' && (
              <span className="help">{t('train.datasets.missingDir')}</span>
            )}
            {listing.isLoading && <span className="help">{t('train.datasets.loading')}</span>}
            {listing.error && (
              <span className="error" data-testid="dataset-list-error">
                {listing.error instanceof BoardError
                  ? listing.error.message
                  : String(listing.error)}
              </span>
            )}
            {listing.isSuccess && available.length === 0 && (
              <span className="help">{t('train.datasets.none')}</span>
            )}
            {chosen.map((entry) => (
              <span key={entry.name} className="help">
                {entry.name}:{' '}
                {t('train.datasets.columns', {
                  columns: Object.entries(entry.columns)
                    .map(([role, column]) => `${role}=${column}`)
                    .join(', '),
                })}
              </span>
            ))}
          </>
        )}
      </FieldShell>
    </div>
  );
}
