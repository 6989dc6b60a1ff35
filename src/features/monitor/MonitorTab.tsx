import type { LogLine } from '@protocol/events.ts';
import type { MetricPoint, RunSummary } from '@protocol/runs.ts';
import { useQuery } from '@tanstack/react-query';
import { useEffect, useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { refreshRuns, subscribeRun, useRuns, wireRunEvents } from '../../api/runs-live.ts';
import { ChartsPanel, type ComparedRun } from './ChartsPanel.tsx';
import { ConfigDiff } from './ConfigDiff.tsx';
import { FailurePanel } from './FailurePanel.tsx';
import { LogBox } from './LogBox.tsx';
import { useMonitor } from './monitor-store.ts';
import { ProgressPanel } from './ProgressPanel.tsx';
import { RunActions } from './RunActions.tsx';
import { RunHistory } from './RunHistory.tsx';
import { sortRunsNewestFirst } from './run-view.ts';
import { uniqueBySeq } from './series.ts';

const NO_POINTS: readonly MetricPoint[] = [];
const NO_LOG_LINES: readonly LogLine[] = [];

/** Renders the run history, and the live charts, progress and log of the watched run. */
export function MonitorTab() {
  const { t } = useTranslation();
  const runsById = useRuns((state) => state.runs);
  const loaded = useRuns((state) => state.loaded);
  const live = useRuns((state) => state.live);
  const chosenRunId = useMonitor((state) => state.selectedRunId);
  const compareRunIds = useMonitor((state) => state.compareRunIds);

  const runsQuery = useQuery({
    queryKey: ['runs'],
    queryFn: async () => {
      await refreshRuns();
      return null;
    },
  });
  useEffect(() => wireRunEvents(), []);

  const runs = useMemo(() => sortRunsNewestFirst(Object.values(runsById)), [runsById]);
  // A chosen run that the store has not received yet falls back to the newest run until it does.
  const selected = (chosenRunId === null ? undefined : runsById[chosenRunId]) ?? runs[0] ?? null;
  const comparedRuns = useMemo(
    () =>
      compareRunIds.map((id) => runsById[id]).filter((run): run is RunSummary => run !== undefined),
    [compareRunIds, runsById],
  );

  // Follows the watched run and every compared run while the tab shows them.
  const followedKey = [
    ...new Set([...(selected ? [selected.id] : []), ...comparedRuns.map((run) => run.id)]),
  ].join('\n');
  useEffect(() => {
    if (followedKey === '') {
      return;
    }
    const unsubscribes = followedKey.split('\n').map((runId) => subscribeRun(runId));
    return () => {
      for (const unsubscribe of unsubscribes) {
        unsubscribe();
      }
    };
  }, [followedKey]);

  const selectedLive = selected ? live[selected.id] : undefined;
  const points = useMemo(() => uniqueBySeq(selectedLive?.points ?? NO_POINTS), [selectedLive]);
  const compared = useMemo<ComparedRun[]>(
    () =>
      comparedRuns.map((run) => ({
        id: run.id,
        name: run.name,
        points: uniqueBySeq(live[run.id]?.points ?? NO_POINTS),
      })),
    [comparedRuns, live],
  );

  if (!loaded) {
    return runsQuery.isError ? (
      <p className="error-text">
        {t('monitor.history.loadFailed', { message: runsQuery.error.message })}
      </p>
    ) : (
      <p className="muted">{t('monitor.history.loading')}</p>
    );
  }
  if (runs.length === 0) {
    return <p className="muted">{t('monitor.history.empty')}</p>;
  }

  return (
    <div className="monitor">
      <RunHistory runs={runs} selectedRunId={selected?.id ?? null} compareRunIds={compareRunIds} />
      {selected === null ? (
        <p className="muted">{t('monitor.detail.noRun')}</p>
      ) : (
        <>
          <RunHeader run={selected} resumedFromName={resumedFromName(selected, runsById)} />
          {selected.status === 'failed' && selected.failure !== null && (
            <FailurePanel failure={selected.failure} />
          )}
          {selected.kind === 'export' ? (
            // `llamafactory-cli export` logs no steps or loss, so only its console log shows progress.
            <p className="muted panel" data-testid="export-run-note">
              {t('monitor.progress.exportRun')}
            </p>
          ) : (
            <>
              <ProgressPanel points={points} lastPoint={selected.lastPoint} />
              <ChartsPanel points={points} compared={compared} />
            </>
          )}
          {comparedRuns.length > 0 && <ConfigDiff runs={comparedRuns} />}
          <LogBox lines={selectedLive?.logLines ?? NO_LOG_LINES} />
        </>
      )}
    </div>
  );
}

function resumedFromName(run: RunSummary, runsById: Record<string, RunSummary>): string | null {
  if (run.resumeFrom === null) {
    return null;
  }
  return runsById[run.resumeFrom]?.name ?? run.resumeFrom;
}

function RunHeader({ run, resumedFromName }: { run: RunSummary; resumedFromName: string | null }) {
  const { t } = useTranslation();
  return (
    <section className="panel monitor-header">
      <div className="row monitor-header-line">
        <h2>{run.name}</h2>
        <span
          className={`status-${run.status} monitor-status`}
          data-testid="run-status"
          data-status={run.status}
        >
          {t(`monitor.status.${run.status}`)}
        </span>
        <RunActions key={run.id} run={run} />
      </div>
      <div className="muted">
        {t('monitor.detail.outputDir')}: <code>{run.outputDir}</code>
        {resumedFromName !== null && (
          <> · {t('monitor.detail.resumedFrom', { name: resumedFromName })}</>
        )}
      </div>
    </section>
  );
}
