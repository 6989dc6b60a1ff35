import type { RunSummary } from '@protocol/runs.ts';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { diffConfigs, formatConfigValue } from './run-view.ts';

/** Lists the config keys that differ between the compared runs, one column per run. */
export function ConfigDiff({ runs }: { runs: readonly RunSummary[] }) {
  const { t } = useTranslation();
  const differences = useMemo(() => diffConfigs(runs.map((run) => run.config)), [runs]);

  return (
    <section className="panel monitor-diff" data-testid="config-diff">
      <h2>{t('monitor.diff.title')}</h2>
      {runs.length < 2 ? (
        <p className="muted">{t('monitor.diff.pickTwo')}</p>
      ) : differences.length === 0 ? (
        <p className="muted">{t('monitor.diff.none')}</p>
      ) : (
        <div className="monitor-table-scroll">
          <table className="data">
            <thead>
              <tr>
                <th>{t('monitor.diff.key')}</th>
                {runs.map((run) => (
                  <th key={run.id}>{run.name}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              {differences.map((difference) => (
                <tr key={difference.key} data-testid={`config-diff-${difference.key}`}>
                  <td>
                    <code>{difference.key}</code>
                  </td>
                  {difference.values.map((value, index) => (
                    <td key={runs[index]?.id ?? index}>
                      <code>{formatConfigValue(value)}</code>
                    </td>
                  ))}
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
