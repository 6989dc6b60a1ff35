import type { MetricPoint } from '@protocol/runs.ts';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { detectAlarms, type LossAlarm } from './chart-math.ts';
import { formatDuration, formatMetric, progressOf } from './run-view.ts';
import { lossPointsOf } from './series.ts';

interface ProgressPanelProps {
  points: readonly MetricPoint[];
  lastPoint: MetricPoint | null;
}

/** Step, percentage, times, throughput and epoch of the watched run, with its loss alarms. */
export function ProgressPanel({ points, lastPoint }: ProgressPanelProps) {
  const { t } = useTranslation();
  const progress = useMemo(() => progressOf(points, lastPoint), [points, lastPoint]);
  const alarms = useMemo(() => detectAlarms(lossPointsOf(points)), [points]);

  return (
    <section className="panel monitor-progress">
      <h2>{t('monitor.progress.title')}</h2>
      <Alarms alarms={alarms} />
      {progress === null ? (
        <p className="muted" data-testid="run-progress" data-step={0} data-total="">
          {t('monitor.progress.waiting')}
        </p>
      ) : (
        <div
          data-testid="run-progress"
          data-step={progress.step}
          data-total={progress.totalSteps ?? ''}
        >
          <div className="row monitor-progress-line">
            <strong>
              {progress.totalSteps === null
                ? t('monitor.progress.stepUnknownTotal', { step: progress.step })
                : t('monitor.progress.step', { step: progress.step, total: progress.totalSteps })}
            </strong>
            {progress.percentage !== null && <span>{progress.percentage.toFixed(1)}%</span>}
          </div>
          <div
            className="progress"
            role="progressbar"
            aria-valuemin={0}
            aria-valuemax={100}
            aria-valuenow={progress.percentage ?? undefined}
          >
            <div style={{ width: `${progress.percentage ?? 0}%` }} />
          </div>
          <dl className="monitor-stats">
            <Stat
              label={t('monitor.progress.elapsed')}
              value={formatDuration(progress.elapsedSeconds)}
            />
            <Stat
              label={
                progress.remainingEstimated
                  ? t('monitor.progress.remainingEstimated')
                  : t('monitor.progress.remaining')
              }
              value={formatDuration(progress.remainingSeconds)}
            />
            <Stat
              label={t('monitor.progress.throughput')}
              value={
                progress.throughput === null
                  ? '—'
                  : t('monitor.progress.throughputValue', {
                      value: formatMetric(progress.throughput),
                    })
              }
            />
            <Stat label={t('monitor.progress.epoch')} value={formatMetric(progress.epoch)} />
            {progress.vramAllocatedGiB !== null && (
              <Stat
                label={t('monitor.progress.vram')}
                value={t('monitor.progress.vramValue', {
                  value: formatMetric(progress.vramAllocatedGiB),
                })}
              />
            )}
          </dl>
        </div>
      )}
    </section>
  );
}

function Stat({ label, value }: { label: string; value: string }) {
  return (
    <div>
      <dt>{label}</dt>
      <dd>{value}</dd>
    </div>
  );
}

function Alarms({ alarms }: { alarms: readonly LossAlarm[] }) {
  const { t } = useTranslation();
  if (alarms.length === 0) {
    return null;
  }
  return (
    <div role="alert">
      {alarms.map((alarm) => (
        <div
          key={`${alarm.kind}-${alarm.step}`}
          className="alarm monitor-alarm"
          data-testid="run-alarm"
          data-kind={alarm.kind}
          data-step={alarm.step}
        >
          {alarm.kind === 'nan'
            ? t('monitor.alarms.nan', { step: alarm.step, count: alarm.count })
            : t('monitor.alarms.diverging', {
                step: alarm.step,
                loss: formatMetric(alarm.smoothedLoss),
                min: formatMetric(alarm.minSmoothedLoss),
              })}
        </div>
      ))}
    </div>
  );
}
