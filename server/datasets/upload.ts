import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { sniffAudioFormat } from '../audio/sniff.ts';
import {
  type ArchiveFile,
  type ArchiveLimits,
  DEFAULT_ARCHIVE_LIMITS,
  readArchive,
  safeEntryPath,
} from './archive.ts';
import {
  DATASET_INFO_FILE,
  type DatasetEntry,
  readDatasetInfo,
  registerDataset,
} from './dataset-info.ts';
import { isInside } from './paths.ts';
import { parseRecords } from './records.ts';

export const DATASET_NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

export class UploadError extends Error {}

export interface UploadInput {
  datasetDir: string;
  name: string;
  /** A JSON/JSONL file in sharegpt format with `messages` and `audios`, or a CSV/JSONL of labels. */
  dataFile: { fileName: string; data: Buffer };
  /** A ZIP, tar or tar.gz archive of the clips. */
  archive?: Buffer;
  /** Loose clips (a folder upload), each with its relative path. */
  clips?: ArchiveFile[];
  /** User prompt used when labels are converted to sharegpt. */
  prompt?: string;
  limits?: ArchiveLimits;
}

export interface UploadResult {
  name: string;
  folder: string;
  samples: number;
  clips: number;
  entry: DatasetEntry;
}

const SHAREGPT_ENTRY = (fileName: string): DatasetEntry => ({
  file_name: fileName,
  formatting: 'sharegpt',
  columns: { messages: 'messages', audios: 'audios' },
  tags: {
    role_tag: 'role',
    content_tag: 'content',
    user_tag: 'user',
    assistant_tag: 'assistant',
    system_tag: 'system',
  },
});

interface SharegptRecord {
  messages: { role: string; content: string }[];
  audios: string[];
}

/** Splits one CSV line (RFC 4180 quoting). */
function csvFields(line: string): string[] {
  const fields: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < line.length; i += 1) {
    const char = line[i];
    if (quoted) {
      if (char === '"' && line[i + 1] === '"') {
        field += '"';
        i += 1;
      } else if (char === '"') {
        quoted = false;
      } else {
        field += char;
      }
    } else if (char === '"') {
      quoted = true;
    } else if (char === ',') {
      fields.push(field);
      field = '';
    } else {
      field += char;
    }
  }
  fields.push(field);
  return fields;
}

const AUDIO_COLUMNS = ['audio', 'path', 'file', 'file_name', 'audio_path'];
const LABEL_COLUMNS = ['label', 'text', 'transcript', 'answer', 'output'];

function labelRecord(
  row: Record<string, unknown>,
  rowNumber: number,
  prompt: string,
): SharegptRecord {
  const audio = AUDIO_COLUMNS.map((key) => row[key]).find((value) => typeof value === 'string');
  const label = LABEL_COLUMNS.map((key) => row[key]).find((value) => typeof value === 'string');
  if (typeof audio !== 'string' || typeof label !== 'string') {
    throw new UploadError(
      `Label row ${rowNumber} needs an audio column (${AUDIO_COLUMNS.join(', ')}) and a label column (${LABEL_COLUMNS.join(', ')}).`,
    );
  }
  const rowPrompt = typeof row.prompt === 'string' ? row.prompt : prompt;
  return {
    messages: [
      { role: 'user', content: `<audio>${rowPrompt}` },
      { role: 'assistant', content: label },
    ],
    audios: [audio],
  };
}

/** Reads the uploaded data file: sharegpt records as they are, label rows converted to sharegpt. */
export function readUploadedRecords(
  fileName: string,
  data: Buffer,
  prompt: string,
): SharegptRecord[] {
  const text = data.toString('utf8');
  if (fileName.toLowerCase().endsWith('.csv')) {
    const lines = text.split(/\r?\n/).filter((line) => line.trim() !== '');
    const header = csvFields(lines[0] ?? '').map((column) => column.trim().toLowerCase());
    return lines.slice(1).map((line, i) => {
      const fields = csvFields(line);
      const row = Object.fromEntries(header.map((column, j) => [column, fields[j] ?? '']));
      return labelRecord(row, i + 2, prompt);
    });
  }
  const records = parseRecords(text, fileName);
  return records.map((record, index) => {
    if (typeof record !== 'object' || record === null) {
      throw new UploadError(`Sample ${index} of ${fileName} is not a JSON object.`);
    }
    const object = record as Record<string, unknown>;
    if (Array.isArray(object.messages)) {
      const audios = object.audios === undefined ? [] : object.audios;
      if (!Array.isArray(audios) || !audios.every((audio) => typeof audio === 'string')) {
        throw new UploadError(`Sample ${index} of ${fileName}: audios must be a list of paths.`);
      }
      return { ...(object as unknown as SharegptRecord), audios };
    }
    return labelRecord(object, index + 1, prompt);
  });
}

/**
 * Stores an uploaded dataset as `<datasetDir>/<name>/` (clips plus `<name>.json` in sharegpt
 * format, with clip paths relative to `datasetDir`) and registers it in `dataset_info.json`.
 * Every path is checked before anything is written, and the folder appears by one rename.
 */
export function storeUpload(input: UploadInput): UploadResult {
  const { datasetDir, name } = input;
  if (!DATASET_NAME_PATTERN.test(name)) {
    throw new UploadError(
      `Invalid dataset name "${name}": use 1 to 64 letters, digits, "_", "-" or ".", starting with a letter or digit.`,
    );
  }
  if (!fs.existsSync(datasetDir) || !fs.statSync(datasetDir).isDirectory()) {
    throw new UploadError(`dataset_dir ${datasetDir} is not a folder.`);
  }
  if (
    fs.existsSync(path.join(datasetDir, DATASET_INFO_FILE)) &&
    readDatasetInfo(datasetDir)[name]
  ) {
    throw new UploadError(
      `Dataset "${name}" already exists in ${DATASET_INFO_FILE}; choose another name.`,
    );
  }
  const folder = path.join(datasetDir, name);
  if (fs.existsSync(folder)) {
    throw new UploadError(`${folder} already exists; choose another dataset name.`);
  }

  // Read and check everything in memory first.
  const limits = input.limits ?? DEFAULT_ARCHIVE_LIMITS;
  const files = new Map<string, Buffer>();
  for (const file of [
    ...(input.archive ? readArchive(input.archive, limits) : []),
    ...(input.clips ?? []),
  ]) {
    files.set(safeEntryPath(file.path), file.data);
  }
  const records = readUploadedRecords(
    input.dataFile.fileName,
    input.dataFile.data,
    input.prompt ?? '',
  );
  const used = new Set<string>();
  records.forEach((record, index) => {
    record.audios = record.audios.map((audio) => {
      let relative: string;
      try {
        relative = safeEntryPath(audio);
      } catch {
        throw new UploadError(
          `Sample ${index}: audio path "${audio}" points outside the dataset; use a path inside the uploaded archive.`,
        );
      }
      const data = files.get(relative);
      if (!data) {
        throw new UploadError(
          `Sample ${index}: audio "${audio}" is not in the uploaded archive or folder.`,
        );
      }
      if (!sniffAudioFormat(data.subarray(0, 64))) {
        throw new UploadError(
          `Sample ${index}: "${audio}" is not an audio file (WAV, FLAC, MP3, Ogg, M4A or WebM).`,
        );
      }
      used.add(relative);
      return `${name}/${relative}`;
    });
  });

  // Write into a staging folder, then move it into place.
  const staging = path.join(datasetDir, `.upload-${randomUUID()}`);
  fs.mkdirSync(staging);
  try {
    for (const relative of used) {
      const target = path.resolve(staging, relative);
      if (!isInside(staging, target)) {
        throw new UploadError(`Archive entry "${relative}" escapes the target folder.`);
      }
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, files.get(relative) ?? Buffer.alloc(0), { flag: 'wx' });
    }
    fs.writeFileSync(path.join(staging, `${name}.json`), `${JSON.stringify(records, null, 2)}\n`);
    fs.renameSync(staging, folder);
  } catch (error) {
    fs.rmSync(staging, { recursive: true, force: true });
    throw error;
  }

  const entry = SHAREGPT_ENTRY(`${name}/${name}.json`);
  registerDataset(datasetDir, name, entry);
  return { name, folder, samples: records.length, clips: used.size, entry };
}
