import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { type ClipCache, lookupClip } from './clips.ts';
import { readDatasetInfo } from './dataset-info.ts';
import {
  audioTokenCount,
  clipSamples16k,
  type EncodedPair,
  encodeQwen2Audio,
  truncatePairs,
} from './qwen2-audio.ts';
import {
  attributesOf,
  type ConvertedSample,
  convertRecord,
  countPlaceholders,
  readRecords,
} from './records.ts';
import { BpeTokenizer } from './tokenizer.ts';

export const CUTOFF_VERDICTS = ['ok', 'truncates_text', 'cuts_audio'] as const;
export type CutoffVerdict = (typeof CUTOFF_VERDICTS)[number];

/** Share of samples whose full length the recommended `cutoff_len` covers. */
export const RECOMMENDED_TEXT_COVERAGE = 0.99;

export interface SampleTokens {
  dataset: string;
  index: number;
  /** Length before truncation: template, text and audio tokens. */
  totalTokens: number;
  /** `<|audio_bos|>`, `<|AUDIO|>` and `<|audio_eos|>` tokens of all clips. */
  audioTokens: number;
  clips: number;
  /** Smallest `cutoff_len` that keeps every `<|AUDIO|>` token of this sample. */
  minAudioSafeCutoff: number;
}

/** A sample's encoded pairs, kept on the server so any `cutoff_len` can be checked exactly. */
export interface AnalyzedSample extends SampleTokens {
  pairs: EncodedPair[];
}

export interface HistogramBin {
  start: number;
  end: number;
  count: number;
}

/** Why samples were left out of the token counts. */
export interface SkippedCounts {
  /** Records the engine drops (role order, message count, not an object). */
  dropped: number;
  /** `<audio>` placeholders ≠ clips: the engine raises an error on these. */
  placeholderMismatch: number;
  /** A clip that is missing, outside the dataset folder or not readable as audio. */
  unreadableAudio: number;
  /** Preference (ranking) records, whose pairwise truncation is not modelled yet. */
  ranking: number;
}

export interface CutoffAnalysis {
  cutoffLen: number;
  sampleCount: number;
  analyzedCount: number;
  skipped: SkippedCounts;
  histogram: HistogramBin[];
  truncatedCount: number;
  truncatedShare: number;
  audioCutCount: number;
  recommendedCutoffLen: number;
  maxTokens: number;
  verdict: CutoffVerdict;
  /** Every analysed sample, in dataset order. */
  samples: AnalyzedSample[];
}

export const analyzeRequestSchema = z.object({
  dataset_dir: z.string().min(1),
  dataset: z.array(z.string().min(1)).min(1),
  model_name_or_path: z.string().min(1),
  cutoff_len: z.number().int().min(1).max(1_048_576),
  max_samples: z.number().int().min(1).optional(),
});
export type AnalyzeRequest = z.infer<typeof analyzeRequestSchema>;

export interface AnalyzeOptions {
  datasetDir: string;
  datasets: string[];
  modelNameOrPath: string;
  cutoffLen: number;
  maxSamples?: number;
  /** Header reads to reuse; a fresh cache per call when omitted. Pass null to read every time. */
  clipCache?: ClipCache | null;
  /** Called between samples so a long analysis can yield to the event loop. */
  onProgress?: (done: number) => Promise<void> | void;
}

export class AnalysisError extends Error {}

const tokenizerCache = new Map<string, { mtimeMs: number; tokenizer: BpeTokenizer }>();

/** Loads the model folder's tokenizer, reusing it while `tokenizer.json` is unchanged. */
export function loadTokenizer(modelDir: string): BpeTokenizer {
  const file = path.join(modelDir, 'tokenizer.json');
  let mtimeMs: number;
  try {
    mtimeMs = fs.statSync(file).mtimeMs;
  } catch {
    throw new AnalysisError(
      `${file} not found: model_name_or_path must be a local model folder that contains tokenizer.json.`,
    );
  }
  const cached = tokenizerCache.get(file);
  if (cached && cached.mtimeMs === mtimeMs) {
    return cached.tokenizer;
  }
  const tokenizer = BpeTokenizer.fromModelDir(modelDir);
  for (const token of ['<|audio_bos|>', '<|AUDIO|>', '<|audio_eos|>']) {
    if (tokenizer.addedTokenId(token) === undefined) {
      throw new AnalysisError(
        `${file} has no ${token} token: the cutoff_len analysis supports Qwen2-Audio models only.`,
      );
    }
  }
  tokenizerCache.set(file, { mtimeMs, tokenizer });
  return tokenizer;
}

/** Returns the `<|AUDIO|>` tokens `cutoffLen` drops from one sample (0 when its audio fits). */
export function droppedAudioTokens(
  sample: Pick<AnalyzedSample, 'pairs'>,
  cutoffLen: number,
): number {
  return truncatePairs(sample.pairs, cutoffLen).droppedAudioTokens;
}

/**
 * Decides what `cutoffLen` does to the analysed samples, simulating the engine's truncation:
 * `cuts_audio` when any sample would lose `<|AUDIO|>` tokens (training then fails with "Audio
 * features and audio tokens do not match"), `truncates_text` when any sample is longer than
 * `cutoffLen`, else `ok`.
 */
export function cutoffVerdict(
  analysis: Pick<CutoffAnalysis, 'samples'>,
  cutoffLen: number,
): { verdict: CutoffVerdict; truncatedCount: number; audioCutCount: number } {
  let truncatedCount = 0;
  let audioCutCount = 0;
  for (const sample of analysis.samples) {
    if (sample.totalTokens > cutoffLen) {
      truncatedCount += 1;
      if (sample.audioTokens > 0 && droppedAudioTokens(sample, cutoffLen) > 0) {
        audioCutCount += 1;
      }
    }
  }
  const verdict: CutoffVerdict =
    audioCutCount > 0 ? 'cuts_audio' : truncatedCount > 0 ? 'truncates_text' : 'ok';
  return { verdict, truncatedCount, audioCutCount };
}

/**
 * Returns the smallest cutoff that keeps all of a sample's `<|AUDIO|>` tokens, by binary search.
 * `infer_seqlen` is not monotonic near `cutoff = 2 × target`, so callers re-check the final value.
 */
function minAudioSafeCutoff(pairs: EncodedPair[], totalTokens: number): number {
  if (truncatePairs(pairs, totalTokens).droppedAudioTokens > 0) {
    return totalTokens;
  }
  let low = 1;
  let high = totalTokens;
  while (low < high) {
    const middle = Math.floor((low + high) / 2);
    if (truncatePairs(pairs, middle).droppedAudioTokens === 0) {
      high = middle;
    } else {
      low = middle + 1;
    }
  }
  return low;
}

/** Returns the value below which `share` of the sorted values lie (nearest-rank percentile). */
function percentile(sorted: number[], share: number): number {
  if (sorted.length === 0) {
    return 0;
  }
  const rank = Math.max(1, Math.ceil(share * sorted.length));
  return sorted[Math.min(sorted.length, rank) - 1] ?? 0;
}

/**
 * Recommends the smallest `cutoff_len` that covers the audio of every sample and the full length
 * of `RECOMMENDED_TEXT_COVERAGE` of them, checked against the exact truncation.
 */
export function recommendCutoff(samples: AnalyzedSample[]): number {
  const totals = samples.map((sample) => sample.totalTokens).sort((a, b) => a - b);
  let recommended = percentile(totals, RECOMMENDED_TEXT_COVERAGE);
  for (const sample of samples) {
    recommended = Math.max(recommended, sample.minAudioSafeCutoff);
  }
  // Where the binary search was misled, a sample's full length is always safe.
  for (;;) {
    const unsafe = samples.find(
      (sample) => sample.totalTokens > recommended && droppedAudioTokens(sample, recommended) > 0,
    );
    if (!unsafe) {
      return Math.max(1, recommended);
    }
    recommended = unsafe.totalTokens;
  }
}

function niceBinWidth(maxValue: number, targetBins: number): number {
  const raw = Math.max(1, maxValue / targetBins);
  const magnitude = 10 ** Math.floor(Math.log10(raw));
  for (const step of [1, 2, 5, 10]) {
    if (raw <= step * magnitude) {
      return Math.max(1, step * magnitude);
    }
  }
  return 10 * magnitude;
}

/** Buckets sample lengths into about 30 bins of a round width that also spans `cutoffLen`. */
export function buildHistogram(
  totals: number[],
  cutoffLen: number,
  targetBins = 30,
): HistogramBin[] {
  if (totals.length === 0) {
    return [];
  }
  const maxValue = Math.max(cutoffLen, ...totals);
  const width = niceBinWidth(maxValue, targetBins);
  const bins: HistogramBin[] = [];
  for (let start = 0; start <= maxValue; start += width) {
    bins.push({ start, end: start + width, count: 0 });
  }
  for (const total of totals) {
    const bin = bins[Math.floor(total / width)];
    if (bin) {
      bin.count += 1;
    }
  }
  return bins;
}

/** Checks that the model folder is a Qwen2-Audio model, the only audio template modelled so far. */
function assertQwen2Audio(modelDir: string): void {
  const configFile = path.join(modelDir, 'config.json');
  let modelType: unknown;
  try {
    modelType = (JSON.parse(fs.readFileSync(configFile, 'utf8')) as { model_type?: unknown })
      .model_type;
  } catch {
    throw new AnalysisError(
      `${configFile} not found or not JSON: model_name_or_path must be a local model folder.`,
    );
  }
  if (modelType !== 'qwen2_audio') {
    throw new AnalysisError(
      `model_type "${String(modelType)}" in ${configFile} is not supported: the cutoff_len analysis models the qwen2_audio template only.`,
    );
  }
}

function analyzeSample(
  sample: ConvertedSample,
  dataset: string,
  datasetDir: string,
  tokenizer: BpeTokenizer,
  cache: ClipCache | undefined,
): AnalyzedSample | keyof SkippedCounts {
  if (sample.dropped) {
    return 'dropped';
  }
  const placeholders = countPlaceholders([...sample.prompt, ...sample.response]);
  if (placeholders !== sample.audios.length) {
    return 'placeholderMismatch';
  }
  const audioTokens: number[] = [];
  for (const audio of sample.audios) {
    const clip = lookupClip(datasetDir, audio, cache);
    if (!clip.ok || !clip.probe.ok || clip.probe.durationSeconds === null) {
      return 'unreadableAudio';
    }
    audioTokens.push(audioTokenCount(clipSamples16k(clip.probe)));
  }
  const pairs = encodeQwen2Audio(tokenizer, sample, audioTokens);
  let totalTokens = 0;
  for (const pair of pairs) {
    totalTokens += pair.source.length + pair.target.length;
  }
  const audioTotal = audioTokens.reduce((sum, count) => sum + count + 2, 0);
  return {
    dataset,
    index: sample.index,
    totalTokens,
    audioTokens: audioTotal,
    clips: audioTokens.length,
    minAudioSafeCutoff: audioTotal > 0 ? minAudioSafeCutoff(pairs, totalTokens) : 0,
    pairs,
  };
}

/** The token counts of a dataset selection, which do not depend on `cutoff_len`. */
export interface SampleSet {
  sampleCount: number;
  skipped: SkippedCounts;
  /** Every analysed sample, in dataset order. */
  samples: AnalyzedSample[];
  recommendedCutoffLen: number | null;
  maxTokens: number;
}

/**
 * Counts every sample's tokens as LLaMA-Factory v0.9.5 would for supervised fine-tuning with the
 * `qwen2_audio` template (model tokenizer, template tokens, audio tokens from clip headers).
 */
export async function collectSamples(
  options: Omit<AnalyzeOptions, 'cutoffLen'>,
): Promise<SampleSet> {
  const datasetDir = path.resolve(options.datasetDir);
  const modelDir = path.resolve(options.modelNameOrPath);
  assertQwen2Audio(modelDir);
  const tokenizer = loadTokenizer(modelDir);
  const info = readDatasetInfo(datasetDir);
  const cache = options.clipCache === null ? undefined : (options.clipCache ?? new Map());

  const samples: AnalyzedSample[] = [];
  const skipped: SkippedCounts = {
    dropped: 0,
    placeholderMismatch: 0,
    unreadableAudio: 0,
    ranking: 0,
  };
  let sampleCount = 0;
  for (const name of options.datasets) {
    const entry = info[name];
    if (!entry) {
      throw new AnalysisError(
        `Dataset "${name}" is not in ${path.join(datasetDir, 'dataset_info.json')}.`,
      );
    }
    const attributes = attributesOf(entry);
    const records = readRecords(datasetDir, entry, name, options.maxSamples);
    for (let index = 0; index < records.length; index += 1) {
      sampleCount += 1;
      if (attributes.ranking) {
        // TODO: model the pairwise processor's truncation once preference training is offered.
        skipped.ranking += 1;
        continue;
      }
      const converted = convertRecord(records[index], index, attributes);
      const result = analyzeSample(converted, name, datasetDir, tokenizer, cache);
      if (typeof result === 'string') {
        skipped[result] += 1;
      } else {
        samples.push(result);
      }
      if (options.onProgress && sampleCount % 1000 === 0) {
        await options.onProgress(sampleCount);
      }
    }
  }

  return {
    sampleCount,
    skipped,
    samples,
    recommendedCutoffLen: samples.length === 0 ? null : recommendCutoff(samples),
    maxTokens: samples.reduce((max, sample) => Math.max(max, sample.totalTokens), 0),
  };
}

/** Decides what `cutoffLen` does to counted samples and builds the histogram. */
export function summarizeCutoff(set: SampleSet, cutoffLen: number): CutoffAnalysis {
  const { samples } = set;
  const { verdict, truncatedCount, audioCutCount } = cutoffVerdict({ samples }, cutoffLen);
  return {
    cutoffLen,
    sampleCount: set.sampleCount,
    analyzedCount: samples.length,
    skipped: set.skipped,
    histogram: buildHistogram(
      samples.map((sample) => sample.totalTokens),
      cutoffLen,
    ),
    truncatedCount,
    truncatedShare: samples.length === 0 ? 0 : truncatedCount / samples.length,
    audioCutCount,
    recommendedCutoffLen: set.recommendedCutoffLen ?? cutoffLen,
    maxTokens: set.maxTokens,
    verdict,
    samples,
  };
}

/**
 * Counts every sample's tokens (see `collectSamples`) and decides what `cutoffLen` does to them.
 */
export async function analyzeCutoff(options: AnalyzeOptions): Promise<CutoffAnalysis> {
  return summarizeCutoff(await collectSamples(options), options.cutoffLen);
}

/** The JSON body of `POST /api/datasets/analyze`: the analysis with the first samples only. */
export function toAnalyzeResponse(analysis: CutoffAnalysis, perSampleLimit = 200) {
  const { samples, ...rest } = analysis;
  return {
    ...rest,
    perSample: samples.slice(0, perSampleLimit).map(({ pairs: _pairs, ...tokens }) => tokens),
  };
}
export type AnalyzeResponse = ReturnType<typeof toAnalyzeResponse>;
