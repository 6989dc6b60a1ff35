import path from 'node:path';
import { type ClipCache, lookupClip } from './clips.ts';
import { type DatasetEntry, readDatasetEntry } from './dataset-info.ts';
import { QWEN2_AUDIO_SAMPLE_RATE } from './qwen2-audio.ts';
import {
  attributesOf,
  type ConvertedSample,
  convertRecord,
  countPlaceholders,
  readRecords,
} from './records.ts';

/** Clips longer than this are cut by the Whisper feature extractor (3000 frames of 10 ms). */
export const MAX_CLIP_SECONDS = 30;

export const FINDING_CODES = [
  'invalid_record',
  'invalid_role_order',
  'invalid_message_count',
  'empty_conversation',
  'placeholder_mismatch',
  'placeholder_in_response',
  'empty_assistant',
  'duplicate_sample',
  'audio_outside_root',
  'audio_missing',
  'audio_unreadable',
  'audio_not_audio',
  'audio_empty',
  'audio_too_long',
  'audio_resampled',
] as const;
export type FindingCode = (typeof FINDING_CODES)[number];
export type Severity = 'error' | 'warning' | 'info';

export interface Finding {
  /** Position of the record in the dataset file(s), from 0. */
  index: number;
  code: FindingCode;
  severity: Severity;
  /** Values the message refers to, e.g. `{ path, seconds }`; the UI translates with them. */
  params: Record<string, string | number>;
  message: string;
  fix: string;
}

export interface DatasetSummary {
  samples: number;
  clips: number;
  /** Total length of the clips whose headers could be read, in hours. */
  audioHours: number;
}

export interface ValidationReport {
  dataset: string;
  summary: DatasetSummary;
  counts: Partial<Record<FindingCode, number>>;
  /** The first `limit` findings in sample order. */
  findings: Finding[];
  truncated: boolean;
}

const SEVERITY: Record<FindingCode, Severity> = {
  invalid_record: 'error',
  invalid_role_order: 'error',
  invalid_message_count: 'error',
  empty_conversation: 'error',
  placeholder_mismatch: 'error',
  placeholder_in_response: 'error',
  empty_assistant: 'warning',
  duplicate_sample: 'warning',
  audio_outside_root: 'error',
  audio_missing: 'error',
  audio_unreadable: 'error',
  audio_not_audio: 'error',
  audio_empty: 'error',
  audio_too_long: 'warning',
  audio_resampled: 'info',
};

function describe(
  code: FindingCode,
  params: Record<string, string | number>,
): { message: string; fix: string } {
  switch (code) {
    case 'invalid_record':
      return {
        message: 'The record is not an object with the messages column as a list of turns.',
        fix: 'Check the columns and tags of this dataset in dataset_info.json.',
      };
    case 'invalid_role_order':
      return {
        message: `Turn roles are out of order (${params.roles}); LLaMA-Factory skips this sample.`,
        fix: 'After an optional system turn, alternate user and assistant turns, starting with user.',
      };
    case 'invalid_message_count':
      return {
        message: `The conversation has ${params.turns} turns after the system turn; LLaMA-Factory skips it.`,
        fix: 'End every conversation with an assistant turn (an even number of turns).',
      };
    case 'empty_conversation':
      return {
        message: 'The sample has no user turn followed by an answer; LLaMA-Factory drops it.',
        fix: 'Add a user turn and an assistant answer.',
      };
    case 'placeholder_mismatch':
      return {
        message: `The text has ${params.placeholders} <audio> placeholders but ${params.clips} clips; training stops with "The number of audios does not match".`,
        fix: 'Put exactly one <audio> in the text for each entry of audios.',
      };
    case 'placeholder_in_response':
      return {
        message: 'A preference sample has <audio> in its chosen or rejected answer.',
        fix: 'Put the <audio> placeholders in the prompt turns only.',
      };
    case 'empty_assistant':
      return {
        message: `Assistant turn ${params.turn} is empty, so the model learns to answer nothing.`,
        fix: 'Write the expected answer or remove the sample.',
      };
    case 'duplicate_sample':
      return {
        message: `The sample repeats sample ${params.first}.`,
        fix: 'Remove the duplicate unless it is meant as up-weighting.',
      };
    case 'audio_outside_root':
      return {
        message: `Clip ${params.path} resolves outside the dataset folder.`,
        fix: 'Copy the clip into dataset_dir and use a relative path without "..".',
      };
    case 'audio_missing':
      return {
        message: `Clip ${params.path} does not exist.`,
        fix: 'Fix the path (relative to dataset_dir) or add the file.',
      };
    case 'audio_unreadable':
      return {
        message: `Clip ${params.path} cannot be read as audio: ${params.reason}`,
        fix: 'Re-encode the clip, e.g. as 16 kHz mono WAV.',
      };
    case 'audio_not_audio':
      return {
        message: `Clip ${params.path} is not an audio file.`,
        fix: 'Use WAV, FLAC, MP3, Ogg or M4A audio.',
      };
    case 'audio_empty':
      return {
        message: `Clip ${params.path} has no audio samples.`,
        fix: 'Replace the clip or remove the sample.',
      };
    case 'audio_too_long':
      return {
        message: `Clip ${params.path} lasts ${params.seconds} s; Qwen2-Audio keeps only the first 30 s.`,
        fix: 'Split the clip into pieces of at most 30 s.',
      };
    case 'audio_resampled':
      return {
        message: `Clip ${params.path} is ${params.sampleRate} Hz with ${params.channels} channels; it will be resampled to 16 kHz mono.`,
        fix: 'Nothing is required; convert to 16 kHz mono to save loading time.',
      };
  }
}

export function makeFinding(
  index: number,
  code: FindingCode,
  params: Record<string, string | number> = {},
): Finding {
  return { index, code, severity: SEVERITY[code], params, ...describe(code, params) };
}

function rolesOf(record: unknown, attributes: ReturnType<typeof attributesOf>): string {
  if (typeof record !== 'object' || record === null) {
    return '';
  }
  const messages = (record as Record<string, unknown>)[attributes.messages];
  if (!Array.isArray(messages)) {
    return '';
  }
  return messages
    .map((message) =>
      typeof message === 'object' && message !== null
        ? String((message as Record<string, unknown>)[attributes.roleTag])
        : '?',
    )
    .join(', ');
}

function checkStructure(
  sample: ConvertedSample,
  record: unknown,
  attributes: ReturnType<typeof attributesOf>,
): Finding[] {
  const findings: Finding[] = [];
  if (sample.dropped === 'invalid_role_order') {
    findings.push(
      makeFinding(sample.index, 'invalid_role_order', { roles: rolesOf(record, attributes) }),
    );
  } else if (sample.dropped === 'invalid_message_count') {
    const roles = rolesOf(record, attributes).split(', ');
    const turns = roles[0] === attributes.systemTag ? roles.length - 1 : roles.length;
    findings.push(makeFinding(sample.index, 'invalid_message_count', { turns }));
  } else if (sample.dropped) {
    findings.push(makeFinding(sample.index, sample.dropped));
  }
  if (sample.dropped) {
    return findings;
  }

  if (attributes.ranking) {
    // The pairwise processor checks prompt + chosen and prompt + rejected separately.
    const inPrompt = countPlaceholders(sample.prompt);
    const inResponses = countPlaceholders(sample.response);
    if (inResponses > 0) {
      findings.push(makeFinding(sample.index, 'placeholder_in_response'));
    } else if (inPrompt !== sample.audios.length) {
      findings.push(
        makeFinding(sample.index, 'placeholder_mismatch', {
          placeholders: inPrompt,
          clips: sample.audios.length,
        }),
      );
    }
  } else {
    const placeholders = countPlaceholders([...sample.prompt, ...sample.response]);
    if (placeholders !== sample.audios.length) {
      findings.push(
        makeFinding(sample.index, 'placeholder_mismatch', {
          placeholders,
          clips: sample.audios.length,
        }),
      );
    }
  }

  const turns = [...sample.prompt, ...sample.response];
  turns.forEach((turn, position) => {
    if (turn.role === 'assistant' && turn.content.trim() === '') {
      findings.push(makeFinding(sample.index, 'empty_assistant', { turn: position + 1 }));
    }
  });
  return findings;
}

function checkClips(
  sample: ConvertedSample,
  datasetDir: string,
  cache: ClipCache,
  summary: DatasetSummary,
): Finding[] {
  const findings: Finding[] = [];
  for (const audioPath of sample.audios) {
    summary.clips += 1;
    const clip = lookupClip(datasetDir, audioPath, cache);
    const params = { path: audioPath };
    if (!clip.ok) {
      findings.push(
        makeFinding(
          sample.index,
          clip.reason === 'missing' ? 'audio_missing' : 'audio_outside_root',
          params,
        ),
      );
      continue;
    }
    const probe = clip.probe;
    if (!probe.ok) {
      if (probe.code === 'empty_file') {
        findings.push(makeFinding(sample.index, 'audio_empty', params));
      } else if (probe.code === 'not_audio') {
        findings.push(makeFinding(sample.index, 'audio_not_audio', params));
      } else {
        findings.push(
          makeFinding(sample.index, 'audio_unreadable', { ...params, reason: probe.message }),
        );
      }
      continue;
    }
    const seconds = probe.durationSeconds ?? 0;
    summary.audioHours += seconds / 3600;
    if (probe.sampleFrames === 0 || (probe.durationSeconds !== null && seconds === 0)) {
      findings.push(makeFinding(sample.index, 'audio_empty', params));
      continue;
    }
    if (seconds > MAX_CLIP_SECONDS) {
      findings.push(
        makeFinding(sample.index, 'audio_too_long', {
          ...params,
          seconds: Number(seconds.toFixed(2)),
        }),
      );
    }
    if (probe.sampleRate !== QWEN2_AUDIO_SAMPLE_RATE || probe.channels !== 1) {
      findings.push(
        makeFinding(sample.index, 'audio_resampled', {
          ...params,
          sampleRate: probe.sampleRate,
          channels: probe.channels,
        }),
      );
    }
  }
  return findings;
}

/** Checks every sample of one dataset for what would break or degrade training on it. */
export function validateEntry(
  datasetDir: string,
  name: string,
  entry: DatasetEntry,
  options: { limit?: number; cache?: ClipCache } = {},
): ValidationReport {
  const limit = options.limit ?? 1000;
  const cache = options.cache ?? new Map();
  const attributes = attributesOf(entry);
  const records = readRecords(datasetDir, entry, name);
  const summary: DatasetSummary = { samples: records.length, clips: 0, audioHours: 0 };
  const counts: Partial<Record<FindingCode, number>> = {};
  const findings: Finding[] = [];
  const seen = new Map<string, number>();

  records.forEach((record, index) => {
    const sample = convertRecord(record, index, attributes);
    const found = [
      ...checkStructure(sample, record, attributes),
      ...checkClips(sample, datasetDir, cache, summary),
    ];
    const key = JSON.stringify(record);
    const first = seen.get(key);
    if (first !== undefined) {
      found.push(makeFinding(index, 'duplicate_sample', { first }));
    } else {
      seen.set(key, index);
    }
    for (const finding of found) {
      counts[finding.code] = (counts[finding.code] ?? 0) + 1;
      if (findings.length < limit) {
        findings.push(finding);
      }
    }
  });
  const total = Object.values(counts).reduce((sum, count) => sum + (count ?? 0), 0);
  return { dataset: name, summary, counts, findings, truncated: total > findings.length };
}

/** Validates one dataset named in `<datasetDir>/dataset_info.json`. */
export function validateDataset(
  datasetDir: string,
  name: string,
  limit?: number,
): ValidationReport {
  const resolved = path.resolve(datasetDir);
  const entry = readDatasetEntry(resolved, name);
  return validateEntry(resolved, name, entry, limit === undefined ? {} : { limit });
}
