import type { MetricPoint } from '@protocol/runs.ts';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { type ChartLine, MetricChart, runColor } from './MetricChart.tsx';
import { MAX_SMOOTHING, setSmoothing, useMonitor } from './monitor-store.ts';
import {
  buildComparisonChart,
  buildLearningRateChart,
  buildLossChart,
  comparisonKey,
  MAX_CHART_POINTS,
} from './series.ts';

export interface ComparedRun {
  id: string;
  name: string;
  points: readonly MetricPoint[];
}

interface ChartsPanelProps {
  points: readonly MetricPoint[];
  /** Two or more runs switch the loss chart to one smoothed line per run. */
  compared: readonly ComparedRun[];
}

/** Loss and learning-rate charts of the watched run, with smoothing and log-scale controls. */
export function ChartsPanel({ points, compared }: ChartsPanelProps) {
  const { t } = useTranslation();
  const smoothing = useMonitor((state) => state.smoothing);
  const logScale = useMonitor((state) => state.logScale);
  const comparing = compared.length >= 2;

  const loss = useMemo(
    () => buildLossChart(points, { smoothing, logScale }),
    [points, smoothing, logScale],
  );
  const comparedPoints = useMemo(() => compared.map((run) => run.points), [compared]);
  const comparisonRows = useMemo(
    () =>
      comparing ? buildComparisonChart(comparedPoints, 'loss', { smoothing, logScale }) : null,
    [comparing, comparedPoints, smoothing, logScale],
  );
  const learningRateRows = useMemo(() => buildLearningRateChart(points), [points]);

  const lossLines = useMemo<ChartLine[]>(() => {
    const lines: ChartLine[] = [];
    if (smoothing > 0) {
      lines.push({ key: 'loss', label: t('monitor.chart.lossRaw'), color: '#1f4e79', faint: true });
      lines.push({ key: 'lossSmoothed', label: t('monitor.chart.lossSmoothed'), color: '#1f4e79' });
    } else {
      lines.push({ key: 'loss', label: t('monitor.chart.loss'), color: '#1f4e79' });
    }
    if (loss.hasEvalLoss) {
      lines.push({ key: 'evalLoss', label: t('monitor.chart.evalLoss'), color: '#c0392b' });
    }
    return lines;
  }, [smoothing, loss.hasEvalLoss, t]);
  const comparisonLines = useMemo<ChartLine[]>(
    () =>
      compared.map((run, index) => ({
        key: comparisonKey(index),
        label: run.name,
        color: runColor(index),
      })),
    [compared],
  );
  const learningRateLines = useMemo<ChartLine[]>(
    () => [{ key: 'learningRate', label: t('monitor.chart.learningRate'), color: '#1e7b45' }],
    [t],
  );

  const shownLossPoints = loss.rows.filter((row) => row.loss !== undefined).length;

  return (
    <section className="panel monitor-charts">
      <div className="row monitor-chart-controls">
        <h2>
          {comparing
            ? t('monitor.chart.compareTitle', { count: compared.length })
            : t('monitor.chart.title')}
        </h2>
        <label className="inline-field">
          <span>{t('monitor.chart.smoothing')}</span>
          <input
            type="range"
            min={0}
            max={MAX_SMOOTHING}
            step={0.01}
            value={smoothing}
            data-testid="chart-smoothing"
            onChange={(event) => setSmoothing(Number(event.target.value))}
          />
          <code>{smoothing.toFixed(2)}</code>
        </label>
        <label className="inline-field">
          <input
            type="checkbox"
            checked={logScale}
            data-testid="chart-log-scale"
            onChange={(event) => useMonitor.setState({ logScale: event.target.checked })}
          />
          <span>{t('monitor.chart.logScale')}</span>
        </label>
      </div>

      <div
        className="monitor-chart"
        data-testid="loss-chart"
        data-point-count={loss.lossPointCount}
        data-shown-count={shownLossPoints}
      >
        {comparisonRows ? (
          <MetricChart rows={comparisonRows} lines={comparisonLines} logScale={logScale} />
        ) : loss.lossPointCount === 0 ? (
          <p className="muted">{t('monitor.chart.noPoints')}</p>
        ) : (
          <MetricChart rows={loss.rows} lines={lossLines} logScale={logScale} />
        )}
      </div>
      {!comparing && loss.lossPointCount > MAX_CHART_POINTS && (
        <p className="muted monitor-note">
          {t('monitor.chart.downsampled', {
            shown: shownLossPoints,
            total: loss.lossPointCount,
          })}
        </p>
      )}

      {learningRateRows.length > 0 && (
        <div className="monitor-chart" data-testid="lr-chart">
          <h3 className="monitor-chart-title">{t('monitor.chart.learningRate')}</h3>
          <MetricChart rows={learningRateRows} lines={learningRateLines} height={180} />
        </div>
      )}
    </section>
  );
}
