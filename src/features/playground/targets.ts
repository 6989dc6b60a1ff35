import type { ChatTarget } from '@protocol/playground.ts';
import type { RunSummary } from '@protocol/runs.ts';

/** Finished training runs whose output folder contains an adapter to compare. */
export function adapterRuns(runs: Record<string, RunSummary>): RunSummary[] {
  return Object.values(runs)
    .filter((run) => run.status === 'completed' && run.kind !== 'export')
    .sort((a, b) => (b.endedAt ?? b.createdAt).localeCompare(a.endedAt ?? a.createdAt));
}

/** Builds the chat targets for the ticked keys, in the order base, runs, custom adapter. */
export function selectedTargets(
  selected: readonly string[],
  runs: readonly RunSummary[],
  customAdapter: string,
  labels: { base: string; custom: string },
): ChatTarget[] {
  const targets: ChatTarget[] = [];
  if (selected.includes('base')) {
    targets.push({ key: 'base', label: labels.base, adapter_name_or_path: null, runId: null });
  }
  for (const run of runs) {
    if (selected.includes(run.id)) {
      targets.push({
        key: run.id,
        label: run.name,
        adapter_name_or_path: run.outputDir,
        runId: run.id,
      });
    }
  }
  if (selected.includes('custom') && customAdapter.trim() !== '') {
    targets.push({
      key: 'custom',
      label: labels.custom,
      adapter_name_or_path: customAdapter.trim(),
      runId: null,
    });
  }
  return targets;
}

/** Model and template of the newest finished run, to prefill the playground. */
export function defaultModelFrom(
  runs: readonly RunSummary[],
): { model_name_or_path: string; template: string } | null {
  for (const run of runs) {
    const model = run.config.model_name_or_path;
    const template = run.config.template;
    if (typeof model === 'string' && model !== '') {
      return {
        model_name_or_path: model,
        template: typeof template === 'string' ? template : 'qwen2_audio',
      };
    }
  }
  return null;
}
