import { create } from 'zustand';

interface TrainSelectionState {
  /** Id of the run the Train tab started last, so the Monitor tab can select it. */
  lastStartedRunId: string | null;
  setLastStartedRunId(runId: string | null): void;
}

export const useTrainSelection = create<TrainSelectionState>((set) => ({
  lastStartedRunId: null,
  setLastStartedRunId(runId) {
    set({ lastStartedRunId: runId });
  },
}));
