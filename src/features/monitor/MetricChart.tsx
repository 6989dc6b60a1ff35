import { memo } from 'react';
import { useTranslation } from 'react-i18next';
import {
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { formatMetric } from './run-view.ts';
import type { ChartRow } from './series.ts';

export interface ChartLine {
  /** Row key of the line's values. */
  key: string;
  label: string;
  color: string;
  /** Faint lines (the raw loss behind the smoothed one) stay out of the legend. */
  faint?: boolean;
  dashed?: boolean;
}

interface MetricChartProps {
  rows: readonly ChartRow[];
  lines: readonly ChartLine[];
  logScale?: boolean;
  height?: number;
}

/**
 * A line chart of rows shaped by the functions in series.ts. Animation is off because live
 * points arrive several times a second and each would restart it.
 */
export const MetricChart = memo(function MetricChart({
  rows,
  lines,
  logScale = false,
  height = 280,
}: MetricChartProps) {
  const { t } = useTranslation();
  return (
    <ResponsiveContainer width="100%" height={height}>
      <LineChart data={rows as ChartRow[]} margin={{ top: 8, right: 16, bottom: 4, left: 4 }}>
        <CartesianGrid strokeDasharray="3 3" stroke="#e6e9ed" />
        <XAxis dataKey="step" type="number" domain={['dataMin', 'dataMax']} allowDecimals={false} />
        <YAxis
          scale={logScale ? 'log' : 'auto'}
          domain={['auto', 'auto']}
          allowDataOverflow={logScale}
          width={64}
          tickFormatter={(value: number) => formatMetric(value)}
        />
        <Tooltip
          isAnimationActive={false}
          labelFormatter={(step) => t('monitor.chart.step', { step })}
          formatter={(value) => (typeof value === 'number' ? formatMetric(value) : value)}
        />
        <Legend />
        {lines.map((line) => (
          <Line
            key={line.key}
            dataKey={line.key}
            name={line.label}
            type="linear"
            stroke={line.color}
            strokeOpacity={line.faint ? 0.25 : 1}
            strokeWidth={line.faint ? 1 : 2}
            strokeDasharray={line.dashed ? '5 4' : undefined}
            dot={false}
            activeDot={line.faint ? false : { r: 3 }}
            legendType={line.faint ? 'none' : 'line'}
            connectNulls
            isAnimationActive={false}
          />
        ))}
      </LineChart>
    </ResponsiveContainer>
  );
});

/** Line colors for runs in a comparison, in tick order. */
export const RUN_COLORS = [
  '#1f4e79',
  '#c0392b',
  '#1e7b45',
  '#a86400',
  '#6c3483',
  '#117a8b',
  '#7f6000',
  '#d35400',
] as const;

export function runColor(index: number): string {
  return RUN_COLORS[index % RUN_COLORS.length] ?? '#1f4e79';
}
