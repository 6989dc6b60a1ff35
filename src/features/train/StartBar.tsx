import { findModelPreset } from '@protocol/models.ts';
import type { EngineConfig } from '@protocol/runs.ts';
import {
  defaultOutputDir,
  VALIDATION_MESSAGES_EN,
  type ValidationCode,
  type ValidationIssue,
} from '@protocol/train-config.ts';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import { z } from 'zod';
import { BoardError } from '../../api/rest.ts';
import { useConnection } from '../../api/socket.ts';
import { useUi } from '../../app/ui-store.ts';
import { createRun, resumeRun } from './api.ts';
import type { CutoffBlock } from './CutoffAdvice.tsx';
import { useTrainForm } from './form-store.ts';
import { useTrainSelection } from './selection.ts';

/** Codes of the board's `cutoff_len` check, which POST /api/runs adds to the validator's. */
const CUTOFF_ISSUE_CODES = ['cutoff_cuts_audio', 'cutoff_truncates_text', 'cutoff_not_checked'];

const serverIssueSchema = z.object({
  field: z.string(),
  code: z.enum([
    ...(Object.keys(VALIDATION_MESSAGES_EN) as ValidationCode[]),
    ...CUTOFF_ISSUE_CODES,
  ]),
  params: z.record(z.string(), z.union([z.string(), z.number()])),
  severity: z.enum(['error', 'warning']),
});

type ServerIssue = Omit<ValidationIssue, 'code'> & { code: string };

/** Reads the board's issues from an `invalid_payload` error, dropping anything malformed. */
function serverIssues(error: unknown): ServerIssue[] {
  if (!(error instanceof BoardError)) {
    return [];
  }
  const parsed = z.array(z.unknown()).safeParse(error.error.details?.issues);
  if (!parsed.success) {
    return [];
  }
  return parsed.data.flatMap((item) => {
    const issue = serverIssueSchema.safeParse(item);
    return issue.success ? [issue.data] : [];
  });
}

type Failure =
  | { kind: 'issues'; issues: ServerIssue[] }
  | { kind: 'outputInUse'; runId: string; dir: string }
  | { kind: 'message'; message: string };

/**
 * Start, and the choices offered when the board rejects the run. `cutoffBlock` disables Start
 * while the dataset analysis reports that `cutoff_len` would cut audio tokens.
 */
export function StartBar({
  config,
  issues,
  cutoffBlock,
}: {
  config: EngineConfig;
  issues: ValidationIssue[];
  cutoffBlock: CutoffBlock | null;
}) {
  const { t } = useTranslation();
  const gpus = useTrainForm((state) => state.gpus);
  const setField = useTrainForm((state) => state.setField);
  const workers = useConnection((state) => state.workers);
  const [pending, setPending] = useState(false);
  const [failure, setFailure] = useState<Failure | null>(null);

  const errors = issues.filter((issue) => issue.severity === 'error');
  const online = workers.some((worker) => worker.status === 'online');

  const started = (runId: string) => {
    setFailure(null);
    useTrainForm.getState().nextOutputDir();
    useTrainSelection.getState().setLastStartedRunId(runId);
    useUi.getState().setTab('monitor');
  };

  const fail = (error: unknown) => {
    const reported = serverIssues(error).filter((issue) => issue.severity === 'error');
    const inUse = reported.find((issue) => issue.code === 'output_dir_in_use');
    if (inUse) {
      setFailure({
        kind: 'outputInUse',
        runId: String(inUse.params.runId),
        dir: String(config.output_dir ?? ''),
      });
    } else if (reported.length > 0) {
      setFailure({ kind: 'issues', issues: reported });
    } else {
      setFailure({
        kind: 'message',
        message: error instanceof Error ? error.message : String(error),
      });
    }
  };

  const start = async (request: EngineConfig) => {
    setPending(true);
    try {
      const run = await createRun({
        config: request,
        cudaVisibleDevices: gpus.length > 0 ? gpus : null,
      });
      started(run.id);
    } catch (error) {
      fail(error);
    } finally {
      setPending(false);
    }
  };

  const resume = async (runId: string) => {
    setPending(true);
    try {
      started((await resumeRun(runId)).id);
    } catch (error) {
      fail(error);
    } finally {
      setPending(false);
    }
  };

  const newFolder = () => {
    const form = useTrainForm.getState().form;
    const shortName = findModelPreset(form.modelPreset)?.shortName ?? 'custom';
    setField('output_dir', defaultOutputDir(shortName, form.method, new Date()));
    setFailure(null);
  };

  return (
    <div className="panel">
      <div className="row">
        <button
          type="button"
          className="btn btn-primary"
          data-testid="train-start"
          disabled={pending || errors.length > 0 || cutoffBlock !== null}
          onClick={() => void start(config)}
        >
          {pending ? t('train.start.starting') : t('train.start.start')}
        </button>
        {errors.length > 0 && (
          <span className="error-text" data-testid="train-blocked">
            {t('train.start.blocked', { count: errors.length })}
          </span>
        )}
        {cutoffBlock && (
          <span className="error-text" data-testid="train-blocked-cutoff">
            {t('train.start.cutoffBlocked', { ...cutoffBlock })}
          </span>
        )}
        {!online && <span className="muted">{t('train.start.noWorker')}</span>}
      </div>

      {failure && (
        <div className="error-text" role="alert" data-testid="train-error">
          {failure.kind === 'message' && t('train.start.failed', { message: failure.message })}
          {failure.kind === 'issues' &&
            failure.issues.map((issue) => (
              <div key={`${issue.field}-${issue.code}`}>
                {issue.field}:{' '}
                {t(
                  `train.${CUTOFF_ISSUE_CODES.includes(issue.code) ? 'cutoffIssues' : 'validation'}.${issue.code}`,
                  issue.params,
                )}
              </div>
            ))}
          {failure.kind === 'outputInUse' && (
            <>
              <div>{t('train.start.outputInUse', { runId: failure.runId, dir: failure.dir })}</div>
              <div className="row">
                <button
                  type="button"
                  className="btn"
                  data-testid="train-resume"
                  onClick={() => void resume(failure.runId)}
                >
                  {t('train.start.resume', { runId: failure.runId })}
                </button>
                <button
                  type="button"
                  className="btn btn-danger"
                  data-testid="train-overwrite"
                  onClick={() => {
                    setField('overwrite_output_dir', true);
                    void start({ ...config, overwrite_output_dir: true });
                  }}
                >
                  {t('train.start.overwrite')}
                </button>
                <button
                  type="button"
                  className="btn"
                  data-testid="train-new-folder"
                  onClick={newFolder}
                >
                  {t('train.start.newFolder')}
                </button>
              </div>
            </>
          )}
        </div>
      )}
    </div>
  );
}
