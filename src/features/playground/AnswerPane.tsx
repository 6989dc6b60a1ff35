import type { PlaygroundAnswer } from '@protocol/playground.ts';
import { useTranslation } from 'react-i18next';

/** One model's answer to a turn, with its finish reason, time to first token and speed. */
export function AnswerPane({ answer, latest }: { answer: PlaygroundAnswer; latest: boolean }) {
  const { t } = useTranslation();
  const key = answer.target.key;
  // Only the newest turn carries the plain test ids, so they always name the latest answer.
  const id = (name: string) =>
    latest ? `playground-${name}-${key}` : `playground-${name}-${key}-${answer.turnId}`;
  const done = answer.state === 'done';

  return (
    <div
      className={`pg-answer pg-answer-${answer.state}`}
      data-testid={id('answer')}
      data-state={answer.state}
      data-finish-reason={done ? (answer.finishReason ?? 'error') : undefined}
    >
      <div className="pg-answer-head">
        <strong>{answer.target.label}</strong>
        {!done && <span className="muted">{t(`playground.answer.${answer.state}`)}</span>}
      </div>
      <div className="pg-answer-text" data-testid={id('answer-text')}>
        {answer.text}
        {answer.state === 'streaming' && <span className="pg-cursor">▍</span>}
      </div>
      {answer.error && (
        <div className="alarm" data-testid={id('error')} data-code={answer.error.code}>
          <div>{t(`playground.errors.${answer.error.code}`)}</div>
          {answer.error.message && <code>{answer.error.message}</code>}
        </div>
      )}
      <div className="pg-metrics muted" title={t('playground.answer.metricsHelp')}>
        {done && answer.finishReason && (
          <span data-testid={id('finish')}>
            {t('playground.answer.finish', {
              reason: t(`playground.answer.reasons.${answer.finishReason}`),
            })}
          </span>
        )}
        {answer.metrics.ttftMs !== null && (
          <span data-testid={id('ttft')} data-ms={answer.metrics.ttftMs}>
            {t('playground.answer.ttft', { ms: answer.metrics.ttftMs })}
          </span>
        )}
        {answer.metrics.tokensPerSecond !== null && (
          <span data-testid={id('tps')}>
            {t('playground.answer.tps', { rate: answer.metrics.tokensPerSecond })}
          </span>
        )}
      </div>
    </div>
  );
}
