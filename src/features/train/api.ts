import type { DemoInfo, ModelModules } from '@protocol/models.ts';
import type { EngineConfig, RunSummary } from '@protocol/runs.ts';
import { useQuery } from '@tanstack/react-query';
import { api } from '../../api/rest.ts';

/** One entry of `GET /api/datasets`. */
export interface DatasetListing {
  name: string;
  formatting: string;
  fileName: string | null;
  columns: Record<string, string>;
  hasAudio: boolean;
}

export interface Preset {
  name: string;
  config: EngineConfig;
  updatedAt?: string;
}

export interface CreateRunRequest {
  name?: string;
  config: EngineConfig;
  /** GPU indices for `CUDA_VISIBLE_DEVICES`; null uses every GPU of the worker. */
  cudaVisibleDevices: number[] | null;
}

export function useDemoInfo() {
  return useQuery({
    queryKey: ['demo'],
    queryFn: () => api<DemoInfo>('/api/demo'),
    staleTime: 60_000,
  });
}

export function useDatasets(datasetDir: string) {
  const dir = datasetDir.trim();
  return useQuery({
    queryKey: ['datasets', dir],
    queryFn: () => api<DatasetListing[]>(`/api/datasets?dataset_dir=${encodeURIComponent(dir)}`),
    enabled: dir !== '',
    retry: false,
  });
}

export function useModelModules(modelPath: string) {
  const path = modelPath.trim();
  return useQuery({
    queryKey: ['model-modules', path],
    queryFn: () => api<ModelModules>(`/api/models/modules?path=${encodeURIComponent(path)}`),
    enabled: path !== '',
    retry: false,
    staleTime: 60_000,
  });
}

export function usePresets() {
  return useQuery({ queryKey: ['presets'], queryFn: () => api<Preset[]>('/api/presets') });
}

export function savePreset(name: string, config: EngineConfig): Promise<Preset> {
  return api<Preset>(`/api/presets/${encodeURIComponent(name)}`, {
    method: 'PUT',
    json: { config },
  });
}

export function deletePreset(name: string): Promise<null> {
  return api<null>(`/api/presets/${encodeURIComponent(name)}`, { method: 'DELETE' });
}

export function createRun(request: CreateRunRequest): Promise<RunSummary> {
  return api<RunSummary>('/api/runs', { method: 'POST', json: request });
}

export function resumeRun(runId: string): Promise<RunSummary> {
  return api<RunSummary>(`/api/runs/${encodeURIComponent(runId)}/resume`, { method: 'POST' });
}

/** The part of `POST /api/datasets/analyze`'s answer that the `cutoff_len` advice shows. */
export interface CutoffAdviceData {
  cutoffLen: number;
  analyzedCount: number;
  truncatedCount: number;
  truncatedShare: number;
  audioCutCount: number;
  recommendedCutoffLen: number;
  maxTokens: number;
  verdict: 'ok' | 'truncates_text' | 'cuts_audio';
}

export interface CutoffAdviceRequest {
  dataset_dir: string;
  dataset: string[];
  model_name_or_path: string;
  cutoff_len: number;
  max_samples?: number;
}

export function analyzeCutoff(request: CutoffAdviceRequest): Promise<CutoffAdviceData> {
  return api<CutoffAdviceData>('/api/datasets/analyze', { method: 'POST', json: request });
}
