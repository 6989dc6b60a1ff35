import { create } from 'zustand';
import { useTrainSelection } from '../train/selection.ts';

interface MonitorState {
  /** The run the user picked to watch; null follows the newest run. */
  selectedRunId: string | null;
  /** Runs ticked for the comparison chart and the config diff, in the order they were ticked. */
  compareRunIds: string[];
  /** Debiased EMA weight of the loss chart, in [0, 0.99]. */
  smoothing: number;
  logScale: boolean;
  /** Whether the log box scrolls to each new line. */
  followLog: boolean;
}

export const MAX_SMOOTHING = 0.99;

/** Client-only monitor state; it outlives tab switches but not a reload. */
export const useMonitor = create<MonitorState>(() => ({
  selectedRunId: useTrainSelection.getState().lastStartedRunId,
  compareRunIds: [],
  smoothing: 0.6,
  logScale: false,
  followLog: true,
}));

export function selectRun(runId: string): void {
  useMonitor.setState({ selectedRunId: runId });
}

export function toggleCompare(runId: string): void {
  useMonitor.setState((state) => ({
    compareRunIds: state.compareRunIds.includes(runId)
      ? state.compareRunIds.filter((id) => id !== runId)
      : [...state.compareRunIds, runId],
  }));
}

export function setSmoothing(value: number): void {
  useMonitor.setState({ smoothing: Math.min(MAX_SMOOTHING, Math.max(0, value)) });
}

// A run started from the Train tab becomes the watched run, whichever tab is open.
useTrainSelection.subscribe((state, previous) => {
  if (state.lastStartedRunId !== null && state.lastStartedRunId !== previous.lastStartedRunId) {
    useMonitor.setState({ selectedRunId: state.lastStartedRunId });
  }
});
