import fs from 'node:fs';
import path from 'node:path';
import type { EngineConfig } from '../protocol/runs.ts';
import { type AnalyzeOptions, collectSamples, type SampleSet, summarizeCutoff } from './cutoff.ts';
import { DATASET_INFO_FILE, readDatasetInfo } from './dataset-info.ts';
import { dataFilesOf } from './records.ts';

// ---------------------------------------------------------------------------------------------
// Cached token counts

/** Token counts kept for the most recently analysed dataset selections. */
const CACHE_ENTRIES = 4;
const sampleCache = new Map<string, Promise<SampleSet>>();

function statKey(file: string): string {
  try {
    const stat = fs.statSync(file);
    return `${file}@${stat.mtimeMs}:${stat.size}`;
  } catch {
    return `${file}@missing`;
  }
}

/**
 * Builds the cache key of a dataset selection: the resolved folders, the datasets, `max_samples`
 * and the modification times and sizes of `dataset_info.json`, the data files and the model's
 * `config.json` and `tokenizer.json`.
 * NOTE: clips are not part of the key, so a clip replaced under the same name and modification
 * time of its data file keeps its old token count until the data file changes.
 */
function fingerprint(options: Omit<AnalyzeOptions, 'cutoffLen'>): string {
  const datasetDir = path.resolve(options.datasetDir);
  const modelDir = path.resolve(options.modelNameOrPath);
  const parts = [
    datasetDir,
    modelDir,
    options.datasets.join(','),
    String(options.maxSamples ?? ''),
    statKey(path.join(datasetDir, DATASET_INFO_FILE)),
    statKey(path.join(modelDir, 'config.json')),
    statKey(path.join(modelDir, 'tokenizer.json')),
  ];
  let info: ReturnType<typeof readDatasetInfo> = {};
  try {
    info = readDatasetInfo(datasetDir);
  } catch {
    // collectSamples reports the unreadable file; the key only has to differ.
  }
  for (const name of options.datasets) {
    const entry = info[name];
    if (!entry) {
      continue;
    }
    try {
      parts.push(...dataFilesOf(datasetDir, entry, name).map(statKey));
    } catch {
      parts.push(`${name}@unreadable`);
    }
  }
  return parts.join('\n');
}

/**
 * Returns the token counts of a dataset selection, reusing an earlier count while the dataset
 * files and the model's tokenizer are unchanged. Failed counts are not kept.
 */
export function cachedSamples(options: Omit<AnalyzeOptions, 'cutoffLen'>): Promise<SampleSet> {
  const key = fingerprint(options);
  const cached = sampleCache.get(key);
  if (cached) {
    // Re-insert so the entry counts as the most recently used one.
    sampleCache.delete(key);
    sampleCache.set(key, cached);
    return cached;
  }
  const pending = collectSamples(options);
  sampleCache.set(key, pending);
  pending.catch(() => sampleCache.delete(key));
  while (sampleCache.size > CACHE_ENTRIES) {
    const oldest = sampleCache.keys().next().value;
    if (oldest === undefined) {
      break;
    }
    sampleCache.delete(oldest);
  }
  return pending;
}

/** Drops every cached count, for tests. */
export function clearSampleCache(): void {
  sampleCache.clear();
}

// ---------------------------------------------------------------------------------------------
// The start check of POST /api/runs

export const CUTOFF_SKIP_REASONS = [
  'hub_model',
  'template',
  'stage',
  'mask_history',
  'dataset_dir_not_found',
  'model_not_found',
  'no_tokenizer',
  'analysis_failed',
] as const;
export type CutoffSkipReason = (typeof CUTOFF_SKIP_REASONS)[number];

export const CUTOFF_ISSUE_CODES = [
  'cutoff_cuts_audio',
  'cutoff_truncates_text',
  'cutoff_not_checked',
] as const;
export type CutoffIssueCode = (typeof CUTOFF_ISSUE_CODES)[number];

/** A finding about `cutoff_len`, shaped like the run validator's issues. */
export interface CutoffIssue {
  field: 'cutoff_len';
  code: CutoffIssueCode;
  params: Record<string, string | number>;
  severity: 'error' | 'warning';
}

const SKIP_MESSAGES_EN: Record<CutoffSkipReason, string> = {
  hub_model:
    'model_name_or_path is a hub id, and the board reads tokenizers from local folders only.',
  template: 'the analysis models the qwen2_audio template only.',
  stage: 'the analysis models supervised fine-tuning (stage sft) only.',
  mask_history: 'the analysis does not model mask_history, which truncates the last turn first.',
  dataset_dir_not_found: 'dataset_dir has no dataset_info.json on the board host.',
  model_not_found: 'model_name_or_path is not a folder on the board host.',
  no_tokenizer: 'the model folder has no tokenizer.json.',
  analysis_failed: 'the dataset or the model could not be read.',
};

/** Formats a `cutoff_len` issue in English, prefixed with its key, for REST errors and logs. */
export function formatCutoffIssueEnglish(issue: CutoffIssue): string {
  const p = issue.params;
  switch (issue.code) {
    case 'cutoff_cuts_audio':
      return `cutoff_len: ${p.value} cuts the audio tokens of ${p.audioCutCount} samples, and training would fail with "Audio features and audio tokens do not match": set cutoff_len to at least ${p.recommended}.`;
    case 'cutoff_truncates_text':
      return `cutoff_len: ${p.value} truncates the text of ${p.truncatedCount} samples (${p.share}) but keeps their audio; ${p.recommended} would keep them whole.`;
    case 'cutoff_not_checked': {
      const reason = SKIP_MESSAGES_EN[p.reason as CutoffSkipReason] ?? String(p.reason);
      const detail = p.detail === undefined ? '' : ` (${p.detail})`;
      return `cutoff_len: ${p.value} was not checked against the dataset, because ${reason}${detail}`;
    }
  }
}

export interface CutoffCheckOptions {
  /** Decides whether `model_name_or_path` names a hub model rather than a local folder. */
  looksLikeHubId(modelPath: string): boolean;
  /** Called between samples so a long analysis can yield to the event loop. */
  onProgress?: AnalyzeOptions['onProgress'];
}

function skipped(value: number, reason: CutoffSkipReason, detail?: string): CutoffIssue {
  return {
    field: 'cutoff_len',
    code: 'cutoff_not_checked',
    params: detail === undefined ? { value, reason } : { value, reason, detail },
    severity: 'warning',
  };
}

function datasetNames(value: EngineConfig[string]): string[] {
  return typeof value === 'string'
    ? value
        .split(',')
        .map((name) => name.trim())
        .filter((name) => name !== '')
    : [];
}

/**
 * Checks a run's `cutoff_len` against its datasets before the start, simulating the engine's
 * truncation. Returns an error when any sample would lose `<|AUDIO|>` tokens, a warning when
 * only text is truncated, and a warning when the check cannot run on this host. Returns no issue when the
 * config lacks the keys the validator already reports as missing.
 */
export async function checkRunCutoff(
  config: EngineConfig,
  options: CutoffCheckOptions,
): Promise<CutoffIssue[]> {
  const cutoffLen = config.cutoff_len ?? 2048;
  const modelPath = config.model_name_or_path;
  const datasetDir = config.dataset_dir ?? 'data';
  const datasets = datasetNames(config.dataset);
  if (
    typeof cutoffLen !== 'number' ||
    !Number.isInteger(cutoffLen) ||
    cutoffLen < 1 ||
    typeof modelPath !== 'string' ||
    modelPath.trim() === '' ||
    typeof datasetDir !== 'string' ||
    datasets.length === 0
  ) {
    return [];
  }

  if (config.template !== 'qwen2_audio') {
    return [skipped(cutoffLen, 'template')];
  }
  if (config.stage !== undefined && config.stage !== 'sft') {
    return [skipped(cutoffLen, 'stage')];
  }
  if (config.mask_history === true) {
    return [skipped(cutoffLen, 'mask_history')];
  }
  const modelDir = path.resolve(modelPath);
  if (!fs.existsSync(modelDir) || !fs.statSync(modelDir).isDirectory()) {
    return [
      skipped(cutoffLen, options.looksLikeHubId(modelPath) ? 'hub_model' : 'model_not_found'),
    ];
  }
  if (!fs.existsSync(path.join(modelDir, 'tokenizer.json'))) {
    return [skipped(cutoffLen, 'no_tokenizer')];
  }
  if (!fs.existsSync(path.join(path.resolve(datasetDir), DATASET_INFO_FILE))) {
    return [skipped(cutoffLen, 'dataset_dir_not_found')];
  }

  const maxSamples = config.max_samples;
  let set: SampleSet;
  try {
    set = await cachedSamples({
      datasetDir,
      datasets,
      modelNameOrPath: modelDir,
      ...(typeof maxSamples === 'number' && maxSamples >= 1 ? { maxSamples } : {}),
      ...(options.onProgress ? { onProgress: options.onProgress } : {}),
    });
  } catch (error) {
    return [skipped(cutoffLen, 'analysis_failed', (error as Error).message)];
  }

  const analysis = summarizeCutoff(set, cutoffLen);
  const recommended = analysis.recommendedCutoffLen;
  if (analysis.verdict === 'cuts_audio') {
    return [
      {
        field: 'cutoff_len',
        code: 'cutoff_cuts_audio',
        params: { value: cutoffLen, recommended, audioCutCount: analysis.audioCutCount },
        severity: 'error',
      },
    ];
  }
  if (analysis.verdict === 'truncates_text') {
    return [
      {
        field: 'cutoff_len',
        code: 'cutoff_truncates_text',
        params: {
          value: cutoffLen,
          recommended,
          truncatedCount: analysis.truncatedCount,
          share: `${(analysis.truncatedShare * 100).toFixed(1)}%`,
        },
        severity: 'warning',
      },
    ];
  }
  return [];
}
