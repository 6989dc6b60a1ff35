import fs from 'node:fs';
import path from 'node:path';
import type { DatasetEntry } from './dataset-info.ts';
import { resolveInsideRoot } from './paths.ts';

/** The placeholder LLaMA-Factory replaces with one clip's audio tokens (its `AUDIO_PLACEHOLDER`). */
export const AUDIO_PLACEHOLDER = '<audio>';

export type Role = 'user' | 'assistant' | 'observation' | 'function';

export interface Turn {
  role: Role;
  content: string;
}

/** Why LLaMA-Factory's converter or processor drops a record (it logs a warning and skips it). */
export type DropReason =
  | 'invalid_record'
  | 'invalid_role_order'
  | 'invalid_message_count'
  | 'empty_conversation';

/** One record after LLaMA-Factory's converter (`_prompt`, `_response`, `_system`, `_audios`). */
export interface ConvertedSample {
  index: number;
  system: string;
  prompt: Turn[];
  response: Turn[];
  audios: string[];
  /** Set when the engine skips this record; prompt and response are then empty. */
  dropped: DropReason | null;
}

export class DatasetFileError extends Error {}

/** Dataset files above this size are not read by the board (LLaMA-Factory itself has no limit). */
export const MAX_DATASET_FILE_BYTES = 512 * 1024 * 1024;

/** Lists the data files of an entry: `file_name` may be one file or a folder of files. */
export function dataFilesOf(datasetDir: string, entry: DatasetEntry, name: string): string[] {
  if (!entry.file_name) {
    throw new DatasetFileError(
      `Dataset "${name}" has no file_name: only local files are read (hub datasets are not).`,
    );
  }
  const resolved = resolveInsideRoot(datasetDir, entry.file_name);
  if (!resolved.ok) {
    throw new DatasetFileError(
      resolved.reason === 'missing'
        ? `Dataset "${name}": ${entry.file_name} not found in ${datasetDir}.`
        : `Dataset "${name}": file_name ${entry.file_name} points outside ${datasetDir}.`,
    );
  }
  const files = fs.statSync(resolved.path).isDirectory()
    ? fs
        .readdirSync(resolved.path)
        .sort()
        .map((file) => path.join(resolved.path, file))
    : [resolved.path];
  for (const file of files) {
    const extension = path.extname(file).toLowerCase();
    if (extension !== '.json' && extension !== '.jsonl') {
      throw new DatasetFileError(
        `Dataset "${name}": ${path.basename(file)} is not .json or .jsonl, the only formats the board reads.`,
      );
    }
  }
  return files;
}

/** Parses a JSON array or JSON Lines text, as `datasets.load_dataset("json")` accepts both. */
export function parseRecords(text: string, fileLabel: string): unknown[] {
  const trimmed = text.trimStart();
  if (trimmed.startsWith('[')) {
    try {
      const parsed: unknown = JSON.parse(trimmed);
      if (Array.isArray(parsed)) {
        return parsed;
      }
    } catch (error) {
      throw new DatasetFileError(`${fileLabel} is not valid JSON: ${(error as Error).message}`);
    }
  }
  const records: unknown[] = [];
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i += 1) {
    const line = lines[i]?.trim() ?? '';
    if (line === '') {
      continue;
    }
    try {
      records.push(JSON.parse(line) as unknown);
    } catch (error) {
      throw new DatasetFileError(
        `${fileLabel} line ${i + 1} is not valid JSON: ${(error as Error).message}`,
      );
    }
  }
  return records;
}

/** Reads the raw records of a dataset entry, at most `maxSamples` (as the engine's `max_samples`). */
export function readRecords(
  datasetDir: string,
  entry: DatasetEntry,
  name: string,
  maxSamples?: number,
): unknown[] {
  const records: unknown[] = [];
  for (const file of dataFilesOf(datasetDir, entry, name)) {
    const size = fs.statSync(file).size;
    if (size > MAX_DATASET_FILE_BYTES) {
      throw new DatasetFileError(
        `Dataset "${name}": ${path.basename(file)} is ${size} bytes, above the board's limit of ${MAX_DATASET_FILE_BYTES}.`,
      );
    }
    records.push(...parseRecords(fs.readFileSync(file, 'utf8'), path.basename(file)));
    if (maxSamples !== undefined && records.length >= maxSamples) {
      return records.slice(0, maxSamples);
    }
  }
  return records;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function textOf(value: unknown): string {
  if (typeof value === 'string') {
    return value;
  }
  return value === null || value === undefined ? '' : JSON.stringify(value);
}

function mediaList(value: unknown): string[] {
  if (value === null || value === undefined) {
    return [];
  }
  const list = Array.isArray(value) ? value : [value];
  return list.map((item) => (typeof item === 'string' ? item : JSON.stringify(item)));
}

/** Column and tag names with LLaMA-Factory's defaults (`DatasetAttr` in data/parser.py). */
export function attributesOf(entry: DatasetEntry) {
  const columns = entry.columns ?? {};
  const tags = entry.tags ?? {};
  return {
    formatting: entry.formatting ?? 'alpaca',
    ranking: entry.ranking ?? false,
    messages: columns.messages ?? 'conversations',
    system: columns.system,
    audios: columns.audios,
    prompt: columns.prompt ?? 'instruction',
    query: columns.query ?? 'input',
    response: columns.response ?? 'output',
    history: columns.history,
    chosen: columns.chosen,
    rejected: columns.rejected,
    roleTag: tags.role_tag ?? 'from',
    contentTag: tags.content_tag ?? 'value',
    userTag: tags.user_tag ?? 'human',
    assistantTag: tags.assistant_tag ?? 'gpt',
    observationTag: tags.observation_tag ?? 'observation',
    functionTag: tags.function_tag ?? 'function_call',
    systemTag: tags.system_tag ?? 'system',
  };
}
export type DatasetAttributes = ReturnType<typeof attributesOf>;

function dropped(
  index: number,
  system: string,
  audios: string[],
  reason: DropReason,
): ConvertedSample {
  return { index, system, prompt: [], response: [], audios, dropped: reason };
}

/**
 * Converts one record as LLaMA-Factory v0.9.5's converters do (data/converter.py), then applies
 * the supervised or pairwise processor's shape check, so `dropped` says when the engine skips it.
 */
export function convertRecord(
  record: unknown,
  index: number,
  attributes: DatasetAttributes,
): ConvertedSample {
  if (!isRecord(record)) {
    return dropped(index, '', [], 'invalid_record');
  }
  const audios = attributes.audios ? mediaList(record[attributes.audios]) : [];
  const sample =
    attributes.formatting === 'alpaca'
      ? convertAlpaca(record, index, attributes, audios)
      : convertSharegpt(record, index, attributes, audios);
  if (sample.dropped) {
    return sample;
  }
  const promptOk = sample.prompt.length % 2 === 1;
  const responseOk = attributes.ranking
    ? sample.response.length >= 2
    : sample.response.length === 1;
  if (!promptOk || !responseOk) {
    return dropped(index, sample.system, audios, 'empty_conversation');
  }
  return sample;
}

function convertAlpaca(
  record: Record<string, unknown>,
  index: number,
  attributes: DatasetAttributes,
  audios: string[],
): ConvertedSample {
  const prompt: Turn[] = [];
  const history = attributes.history ? record[attributes.history] : undefined;
  if (Array.isArray(history)) {
    for (const pair of history) {
      if (Array.isArray(pair)) {
        prompt.push({ role: 'user', content: textOf(pair[0]) });
        prompt.push({ role: 'assistant', content: textOf(pair[1]) });
      }
    }
  }
  const query: string[] = [];
  const instruction = record[attributes.prompt];
  if (instruction) {
    query.push(textOf(instruction));
  }
  const input = record[attributes.query];
  if (input) {
    query.push(textOf(input));
  }
  prompt.push({ role: 'user', content: query.join('\n') });

  let response: Turn[] = [];
  const chosen = attributes.chosen ? record[attributes.chosen] : undefined;
  const rejected = attributes.rejected ? record[attributes.rejected] : undefined;
  const output = record[attributes.response];
  if (attributes.ranking && typeof chosen === 'string' && typeof rejected === 'string') {
    response = [
      { role: 'assistant', content: chosen },
      { role: 'assistant', content: rejected },
    ];
  } else if (typeof output === 'string') {
    response = [{ role: 'assistant', content: output }];
  }
  const system = attributes.system ? textOf(record[attributes.system]) : '';
  return { index, system, prompt, response, audios, dropped: null };
}

function convertSharegpt(
  record: Record<string, unknown>,
  index: number,
  attributes: DatasetAttributes,
  audios: string[],
): ConvertedSample {
  const rawMessages = record[attributes.messages];
  if (!Array.isArray(rawMessages) || !rawMessages.every(isRecord)) {
    return dropped(index, '', audios, 'invalid_record');
  }
  const tagToRole = new Map<string, Role>([
    [attributes.userTag, 'user'],
    [attributes.assistantTag, 'assistant'],
    [attributes.observationTag, 'observation'],
    [attributes.functionTag, 'function'],
  ]);
  const oddTags = [attributes.userTag, attributes.observationTag];
  const evenTags = [attributes.assistantTag, attributes.functionTag];

  let messages = rawMessages;
  let system = attributes.system ? textOf(record[attributes.system]) : '';
  const first = messages[0];
  if (first && first[attributes.roleTag] === attributes.systemTag) {
    system = textOf(first[attributes.contentTag]);
    messages = messages.slice(1);
  }

  const aligned: Turn[] = [];
  for (let turn = 0; turn < messages.length; turn += 1) {
    const message = messages[turn] ?? {};
    const tag = textOf(message[attributes.roleTag]);
    const accepted = turn % 2 === 0 ? oddTags : evenTags;
    const role = tagToRole.get(tag);
    if (!accepted.includes(tag) || !role) {
      return dropped(index, system, audios, 'invalid_role_order');
    }
    aligned.push({ role, content: textOf(message[attributes.contentTag]) });
  }
  const countOk = attributes.ranking ? aligned.length % 2 === 1 : aligned.length % 2 === 0;
  if (!countOk) {
    return dropped(index, system, audios, 'invalid_message_count');
  }

  if (attributes.ranking) {
    const chosen = attributes.chosen ? record[attributes.chosen] : undefined;
    const rejected = attributes.rejected ? record[attributes.rejected] : undefined;
    if (!isRecord(chosen) || !isRecord(rejected)) {
      return dropped(index, system, audios, 'invalid_record');
    }
    const chosenTag = textOf(chosen[attributes.roleTag]);
    const rejectedTag = textOf(rejected[attributes.roleTag]);
    if (!evenTags.includes(chosenTag) || !evenTags.includes(rejectedTag)) {
      return dropped(index, system, audios, 'invalid_role_order');
    }
    return {
      index,
      system,
      prompt: aligned,
      response: [
        {
          role: tagToRole.get(chosenTag) ?? 'assistant',
          content: textOf(chosen[attributes.contentTag]),
        },
        {
          role: tagToRole.get(rejectedTag) ?? 'assistant',
          content: textOf(rejected[attributes.contentTag]),
        },
      ],
      audios,
      dropped: null,
    };
  }
  return {
    index,
    system,
    prompt: aligned.slice(0, -1),
    response: aligned.slice(-1),
    audios,
    dropped: null,
  };
}

/** Counts `<audio>` placeholders in the given turns. */
export function countPlaceholders(turns: Turn[]): number {
  let count = 0;
  for (const turn of turns) {
    count += turn.content.split(AUDIO_PLACEHOLDER).length - 1;
  }
  return count;
}
