import { api } from '../../api/rest.ts';
import { boardToken } from '../../api/token.ts';

/** Shapes of the board's dataset routes (server/routes/datasets.ts). */
export interface DatasetRow {
  name: string;
  formatting: string;
  fileName: string | null;
  hasAudio: boolean;
  summary: { samples: number; clips: number; audioHours: number } | null;
  findingCount?: number;
  error: string | null;
}

export interface PreviewSample {
  index: number;
  system: string;
  prompt: { role: string; content: string }[];
  response: { role: string; content: string }[];
  audios: string[];
  dropped: string | null;
}

export interface Finding {
  index: number;
  code: string;
  severity: 'error' | 'warning' | 'info';
  params: Record<string, string | number>;
  message: string;
  fix: string;
}

export interface ValidationReport {
  dataset: string;
  counts: Record<string, number>;
  findings: Finding[];
  truncated: boolean;
}

export interface CutoffAnalysis {
  cutoffLen: number;
  analyzedCount: number;
  histogram: { start: number; end: number; count: number }[];
  truncatedShare: number;
  audioCutCount: number;
  recommendedCutoffLen: number;
  verdict: 'ok' | 'truncates_text' | 'cuts_audio';
}

const query = (params: Record<string, string | number>) =>
  new URLSearchParams(
    Object.entries(params).map(([key, value]) => [key, String(value)]),
  ).toString();

export const fetchDatasets = (datasetDir: string) =>
  api<DatasetRow[]>(`/api/datasets?${query({ dataset_dir: datasetDir })}`);

export const fetchSamples = (datasetDir: string, dataset: string, offset: number, limit: number) =>
  api<{ total: number; offset: number; samples: PreviewSample[] }>(
    `/api/datasets/samples?${query({ dataset_dir: datasetDir, dataset, offset, limit })}`,
  );

export const fetchValidation = (datasetDir: string, dataset: string) =>
  api<ValidationReport>(`/api/datasets/validate?${query({ dataset_dir: datasetDir, dataset })}`);

export const postAnalysis = (body: {
  dataset_dir: string;
  dataset: string[];
  model_name_or_path: string;
  cutoff_len: number;
}) => api<CutoffAnalysis>('/api/datasets/analyze', { method: 'POST', json: body });

export const postUpload = (form: FormData) =>
  api<{ name: string; samples: number; clips: number }>('/api/datasets/upload', {
    method: 'POST',
    body: form,
  });

/** Address of a clip for an `<audio>` element; the token goes in the query because tags cannot send headers. */
export function audioUrl(datasetDir: string, clip: string): string {
  const token = boardToken();
  return `/api/datasets/audio?${query({ dataset_dir: datasetDir, path: clip, ...(token ? { token } : {}) })}`;
}
