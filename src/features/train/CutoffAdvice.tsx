import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { analyzeCutoff, type CutoffAdviceData, type CutoffAdviceRequest } from './api.ts';
import { useTrainForm } from './form-store.ts';

/** Wait after the last edit of the model, dataset or `cutoff_len` before asking the board. */
export const CUTOFF_ADVICE_DEBOUNCE_MS = 400;

/** The same test as the board's `looksLikeHubId`: `owner/name` that is not a relative path. */
const HUB_ID_PATTERN = /^[A-Za-z0-9][\w.-]*\/[\w.-]+$/;

export type CutoffAdvice =
  | { kind: 'idle' }
  | { kind: 'skipped'; reason: 'template' | 'hub_model' }
  | { kind: 'pending' }
  | { kind: 'failed'; message: string }
  /** `current` is false while an older answer is shown for a request that is still debouncing. */
  | { kind: 'result'; data: CutoffAdviceData; current: boolean };

/** What blocks Start: samples that would lose audio tokens at the form's `cutoff_len`. */
export interface CutoffBlock {
  value: number;
  count: number;
  recommended: number;
}

function useDebounced<T>(value: T, delayMs: number): T {
  const [debounced, setDebounced] = useState(value);
  useEffect(() => {
    const timer = setTimeout(() => setDebounced(value), delayMs);
    return () => clearTimeout(timer);
  }, [value, delayMs]);
  return debounced;
}

/**
 * Asks the board what the form's `cutoff_len` does to the chosen datasets, debounced, whenever
 * the model, `dataset_dir`, the datasets, `max_samples` or `cutoff_len` change.
 */
export function useCutoffAdvice(): CutoffAdvice {
  const form = useTrainForm((state) => state.form);
  const request: CutoffAdviceRequest | null = useMemo(() => {
    const model = form.model_name_or_path.trim();
    const datasetDir = form.dataset_dir.trim();
    if (
      model === '' ||
      datasetDir === '' ||
      form.dataset.length === 0 ||
      !Number.isInteger(form.cutoff_len) ||
      form.cutoff_len < 1
    ) {
      return null;
    }
    return {
      dataset_dir: datasetDir,
      dataset: form.dataset,
      model_name_or_path: model,
      cutoff_len: form.cutoff_len,
      ...(form.max_samples !== null && Number.isInteger(form.max_samples) && form.max_samples >= 1
        ? { max_samples: form.max_samples }
        : {}),
    };
  }, [form.model_name_or_path, form.dataset_dir, form.dataset, form.cutoff_len, form.max_samples]);
  const qwen2Audio = form.template === 'qwen2_audio';
  const key = request && qwen2Audio ? JSON.stringify(request) : null;
  const debouncedKey = useDebounced(key, CUTOFF_ADVICE_DEBOUNCE_MS);

  const query = useQuery({
    queryKey: ['cutoff-advice', debouncedKey],
    queryFn: () => analyzeCutoff(JSON.parse(debouncedKey ?? '{}') as CutoffAdviceRequest),
    enabled: debouncedKey !== null,
    placeholderData: keepPreviousData,
    retry: false,
    staleTime: 30_000,
  });

  if (!request) {
    return { kind: 'idle' };
  }
  if (!qwen2Audio) {
    return { kind: 'skipped', reason: 'template' };
  }
  if (query.error) {
    return HUB_ID_PATTERN.test(request.model_name_or_path) &&
      !request.model_name_or_path.startsWith('.')
      ? { kind: 'skipped', reason: 'hub_model' }
      : { kind: 'failed', message: query.error.message };
  }
  if (query.data) {
    return {
      kind: 'result',
      data: query.data,
      current: debouncedKey === key && !query.isPlaceholderData,
    };
  }
  return { kind: 'pending' };
}

/** Returns the start block when the current answer says audio tokens would be cut. */
export function cutoffBlockOf(advice: CutoffAdvice): CutoffBlock | null {
  if (advice.kind !== 'result' || !advice.current || advice.data.verdict !== 'cuts_audio') {
    return null;
  }
  return {
    value: advice.data.cutoffLen,
    count: advice.data.audioCutCount,
    recommended: advice.data.recommendedCutoffLen,
  };
}

/** The verdict on `cutoff_len` beside the field, with a button that applies the recommendation. */
export function CutoffAdvicePanel({ advice }: { advice: CutoffAdvice }) {
  const { t } = useTranslation();
  const setField = useTrainForm((state) => state.setField);
  if (advice.kind === 'idle') {
    return null;
  }
  if (advice.kind === 'skipped') {
    return (
      <div className="field help" data-testid="cutoff-advice" data-verdict="skipped">
        {t(`train.cutoff.skipped.${advice.reason}`)}
      </div>
    );
  }
  if (advice.kind === 'pending') {
    return (
      <div className="field help" data-testid="cutoff-advice" data-verdict="pending">
        {t('train.cutoff.checking')}
      </div>
    );
  }
  if (advice.kind === 'failed') {
    return (
      <div className="field help" data-testid="cutoff-advice" data-verdict="failed">
        {t('train.cutoff.failed', { message: advice.message })}
      </div>
    );
  }

  const { data, current } = advice;
  const params = {
    value: data.cutoffLen,
    recommended: data.recommendedCutoffLen,
    max: data.maxTokens,
    share: `${(data.truncatedShare * 100).toFixed(1)}%`,
  };
  const needsFix = data.verdict !== 'ok' && data.recommendedCutoffLen !== data.cutoffLen;
  return (
    <div
      className={`field cutoff-advice verdict-${data.verdict}`}
      data-testid="cutoff-advice"
      data-verdict={current ? data.verdict : 'pending'}
      data-recommended={data.recommendedCutoffLen}
      role={data.verdict === 'cuts_audio' ? 'alert' : undefined}
    >
      <span className={data.verdict === 'cuts_audio' ? 'error' : 'help'}>
        {data.verdict === 'ok' && t('train.cutoff.ok', params)}
        {data.verdict === 'truncates_text' &&
          t('train.cutoff.truncatesText', { ...params, count: data.truncatedCount })}
        {data.verdict === 'cuts_audio' &&
          t('train.cutoff.cutsAudio', { ...params, count: data.audioCutCount })}
      </span>
      {data.verdict !== 'ok' && (
        <span className="help">{t('train.cutoff.recommended', params)}</span>
      )}
      {!current && <span className="help">{t('train.cutoff.checking')}</span>}
      {needsFix && (
        <button
          type="button"
          className="btn"
          data-testid="cutoff-fix"
          onClick={() => setField('cutoff_len', data.recommendedCutoffLen)}
        >
          {t('train.cutoff.fix', params)}
        </button>
      )}
    </div>
  );
}
