import type { RunFailure } from '@protocol/runs.ts';
import { useTranslation } from 'react-i18next';

/** Shows the classified reason a run failed, its fix, the engine's error line and the log tail. */
export function FailurePanel({ failure }: { failure: RunFailure }) {
  const { t } = useTranslation();
  const exitDetails = [
    failure.exitCode === null ? null : t('monitor.failure.exit', { code: failure.exitCode }),
    failure.signal === null ? null : t('monitor.failure.signal', { signal: failure.signal }),
  ].filter((detail): detail is string => detail !== null);

  return (
    <section
      className="panel monitor-failure"
      data-testid="run-failure"
      data-kind={failure.kind}
      role="alert"
    >
      <h2>
        {t('monitor.failure.title')}: {t(`monitor.failure.kinds.${failure.kind}.title`)}
      </h2>
      <p className="monitor-fix">{t(`monitor.failure.kinds.${failure.kind}.fix`)}</p>
      {failure.message !== '' && (
        <div>
          <strong>{t('monitor.failure.engineLine')}</strong>
          <pre className="monitor-engine-line">{failure.message}</pre>
        </div>
      )}
      {exitDetails.length > 0 && <p className="muted">{exitDetails.join(' · ')}</p>}
      {failure.logTail.length > 0 && (
        <details open>
          <summary>{t('monitor.failure.logTail')}</summary>
          <pre className="log-box monitor-log-tail">{failure.logTail.join('\n')}</pre>
        </details>
      )}
    </section>
  );
}
