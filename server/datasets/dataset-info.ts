import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

/** One `dataset_info.json` entry, with the keys LLaMA-Factory reads (unknown keys are kept). */
export const datasetEntrySchema = z
  .object({
    file_name: z.string().optional(),
    hf_hub_url: z.string().optional(),
    ms_hub_url: z.string().optional(),
    formatting: z.enum(['alpaca', 'sharegpt', 'openai']).optional(),
    ranking: z.boolean().optional(),
    split: z.string().optional(),
    columns: z.record(z.string(), z.string()).optional(),
    tags: z.record(z.string(), z.string()).optional(),
  })
  .loose();
export type DatasetEntry = z.infer<typeof datasetEntrySchema>;

export const DATASET_INFO_FILE = 'dataset_info.json';

export class DatasetInfoError extends Error {}

/** Reads and validates `<datasetDir>/dataset_info.json`. */
export function readDatasetInfo(datasetDir: string): Record<string, DatasetEntry> {
  const file = path.join(datasetDir, DATASET_INFO_FILE);
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new DatasetInfoError(
      `${file} not found: check dataset_dir, which must contain ${DATASET_INFO_FILE}.`,
    );
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new DatasetInfoError(`${file} is not valid JSON: ${(error as Error).message}`);
  }
  const parsed = z.record(z.string(), datasetEntrySchema).safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new DatasetInfoError(
      `${file} has an invalid entry at ${issue?.path.join('.') ?? '?'}: ${issue?.message ?? 'invalid'}`,
    );
  }
  return parsed.data;
}

export interface DatasetListing {
  name: string;
  formatting: string;
  fileName: string | null;
  columns: Record<string, string>;
  hasAudio: boolean;
}

export function listDatasets(datasetDir: string): DatasetListing[] {
  const info = readDatasetInfo(datasetDir);
  return Object.entries(info).map(([name, entry]) => ({
    name,
    formatting: entry.formatting ?? 'alpaca',
    fileName: entry.file_name ?? null,
    columns: entry.columns ?? {},
    hasAudio: Boolean(entry.columns?.audios),
  }));
}

/**
 * Writes `dataset_info.json` without losing other entries: the current file is copied to
 * `dataset_info.json.bak`, then the new content goes to a temporary file renamed over the original.
 */
export function writeDatasetInfo(datasetDir: string, info: Record<string, DatasetEntry>): void {
  const file = path.join(datasetDir, DATASET_INFO_FILE);
  if (fs.existsSync(file)) {
    fs.copyFileSync(file, `${file}.bak`);
  }
  const temporary = `${file}.${process.pid}.${Date.now()}.tmp`;
  fs.writeFileSync(temporary, `${JSON.stringify(info, null, 2)}\n`);
  fs.renameSync(temporary, file);
}

/** Adds one entry to `dataset_info.json`, creating the file when the folder has none. */
export function registerDataset(datasetDir: string, name: string, entry: DatasetEntry): void {
  const file = path.join(datasetDir, DATASET_INFO_FILE);
  const info = fs.existsSync(file) ? readDatasetInfo(datasetDir) : {};
  if (info[name]) {
    throw new DatasetInfoError(`Dataset "${name}" already exists in ${file}; choose another name.`);
  }
  writeDatasetInfo(datasetDir, { ...info, [name]: entry });
}

/** Returns the `dataset_info.json` entry named `name`, or throws DatasetInfoError naming it. */
export function readDatasetEntry(datasetDir: string, name: string): DatasetEntry {
  const entry = readDatasetInfo(datasetDir)[name];
  if (!entry) {
    throw new DatasetInfoError(
      `Dataset "${name}" is not in ${path.join(datasetDir, DATASET_INFO_FILE)}: pick one of its entries.`,
    );
  }
  return entry;
}
