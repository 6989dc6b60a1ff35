import type { RunSummary } from '@protocol/runs.ts';
import { useMutation } from '@tanstack/react-query';
import type { TFunction } from 'i18next';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api, BoardError } from '../../api/rest.ts';
import { selectRun } from './monitor-store.ts';
import { canAbort, canResume } from './run-view.ts';

/** Abort (after a confirmation) for active runs and Resume for failed or aborted ones. */
export function RunActions({ run }: { run: RunSummary }) {
  const { t } = useTranslation();
  const [confirming, setConfirming] = useState(false);

  // The board broadcasts `run:changed` for both actions, so the runs store updates by itself.
  const abort = useMutation({
    mutationFn: () =>
      api<RunSummary>(`/api/runs/${encodeURIComponent(run.id)}/abort`, { method: 'POST' }),
    onSettled: () => setConfirming(false),
  });
  const resume = useMutation({
    mutationFn: () =>
      api<RunSummary>(`/api/runs/${encodeURIComponent(run.id)}/resume`, { method: 'POST' }),
    onSuccess: (created) => selectRun(created.id),
  });
  const error = abort.error ?? resume.error;

  return (
    <div className="monitor-actions">
      <div className="row">
        {canAbort(run.status) && !confirming && (
          <button
            type="button"
            className="btn btn-danger"
            data-testid="run-abort"
            disabled={abort.isPending}
            onClick={() => setConfirming(true)}
          >
            {t('monitor.actions.abort')}
          </button>
        )}
        {canResume(run.status) && (
          <button
            type="button"
            className="btn btn-primary"
            data-testid="run-resume"
            title={t('monitor.actions.resumeHelp')}
            disabled={resume.isPending}
            onClick={() => resume.mutate()}
          >
            {t('monitor.actions.resume')}
          </button>
        )}
      </div>
      {confirming && canAbort(run.status) && (
        <div className="monitor-confirm" role="alertdialog" data-testid="run-abort-dialog">
          <span>{t('monitor.actions.abortConfirm')}</span>
          <button
            type="button"
            className="btn btn-danger"
            data-testid="run-abort-confirm"
            disabled={abort.isPending}
            onClick={() => abort.mutate()}
          >
            {t('monitor.actions.abortYes')}
          </button>
          <button type="button" className="btn" onClick={() => setConfirming(false)}>
            {t('monitor.actions.cancel')}
          </button>
        </div>
      )}
      {error && <p className="error-text">{describeError(error, t)}</p>}
    </div>
  );
}

function describeError(error: Error, t: TFunction): string {
  if (error instanceof BoardError) {
    return t(`errors.${error.error.code}`, { message: error.error.message });
  }
  return t('monitor.errors.actionFailed', { message: error.message });
}
