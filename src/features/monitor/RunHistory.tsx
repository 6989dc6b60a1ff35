import type { RunSummary } from '@protocol/runs.ts';
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useRuns } from '../../api/runs-live.ts';
import { selectRun, toggleCompare } from './monitor-store.ts';
import {
  finalLoss,
  formatDuration,
  formatMetric,
  isActive,
  progressOf,
  runDurationSeconds,
} from './run-view.ts';

interface RunHistoryProps {
  runs: readonly RunSummary[];
  selectedRunId: string | null;
  compareRunIds: readonly string[];
}

/** Lists every run, newest first, with status, name, times, final loss and progress. */
export function RunHistory({ runs, selectedRunId, compareRunIds }: RunHistoryProps) {
  const { t, i18n } = useTranslation();
  const live = useRuns((state) => state.live);
  const nowMs = useNow(runs.some((run) => isActive(run.status)));
  const dateFormat = useMemo(
    () => new Intl.DateTimeFormat(i18n.language, { dateStyle: 'short', timeStyle: 'short' }),
    [i18n.language],
  );

  return (
    <section className="panel monitor-history">
      <h2>{t('monitor.history.title')}</h2>
      <p className="muted monitor-note">{t('monitor.history.compareHelp')}</p>
      <div className="monitor-table-scroll">
        <table className="data monitor-runs">
          <thead>
            <tr>
              <th>{t('monitor.history.compare')}</th>
              <th>{t('monitor.history.status')}</th>
              <th>{t('monitor.history.name')}</th>
              <th>{t('monitor.history.created')}</th>
              <th>{t('monitor.history.duration')}</th>
              <th>{t('monitor.history.finalLoss')}</th>
              <th>{t('monitor.history.progress')}</th>
            </tr>
          </thead>
          <tbody>
            {runs.map((run) => {
              const points = live[run.id]?.points ?? [];
              const newest = points[points.length - 1];
              const percentage =
                progressOf(newest === undefined ? [] : [newest], run.lastPoint)?.percentage ?? null;
              const selected = run.id === selectedRunId;
              return (
                <tr
                  key={run.id}
                  className={selected ? 'monitor-run-row monitor-selected' : 'monitor-run-row'}
                  data-testid={`run-row-${run.id}`}
                  data-status={run.status}
                  aria-selected={selected}
                  onClick={() => selectRun(run.id)}
                >
                  <td>
                    <input
                      type="checkbox"
                      checked={compareRunIds.includes(run.id)}
                      aria-label={t('monitor.history.compare')}
                      data-testid={`run-compare-${run.id}`}
                      onClick={(event) => event.stopPropagation()}
                      onChange={() => toggleCompare(run.id)}
                    />
                  </td>
                  <td>
                    <span className={`status-${run.status} monitor-status`}>
                      {t(`monitor.status.${run.status}`)}
                    </span>
                  </td>
                  <td>
                    <button
                      type="button"
                      className="monitor-link"
                      aria-label={t('monitor.history.watch', { name: run.name })}
                      onClick={(event) => {
                        event.stopPropagation();
                        selectRun(run.id);
                      }}
                    >
                      {run.name}
                    </button>
                    {run.kind === 'export' && (
                      <span className="pill monitor-kind">{t('monitor.history.exportRun')}</span>
                    )}
                  </td>
                  <td>{dateFormat.format(new Date(run.createdAt))}</td>
                  <td>{formatDuration(runDurationSeconds(run, nowMs))}</td>
                  <td>{formatMetric(finalLoss(run, points))}</td>
                  <td>
                    {percentage === null ? (
                      '—'
                    ) : (
                      <div className="monitor-mini-progress" title={`${percentage.toFixed(1)}%`}>
                        <div className="progress">
                          <div style={{ width: `${percentage}%` }} />
                        </div>
                        <span>{Math.round(percentage)}%</span>
                      </div>
                    )}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
    </section>
  );
}

/** Returns the current time, refreshed every second while `ticking`, so running durations advance. */
function useNow(ticking: boolean): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!ticking) {
      return;
    }
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [ticking]);
  return now;
}
