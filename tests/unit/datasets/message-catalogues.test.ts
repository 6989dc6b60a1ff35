import { describe, expect, it } from 'vitest';
import {
  type CutoffIssue,
  type CutoffIssueCode,
  formatCutoffIssueEnglish,
} from '../../../server/datasets/cutoff-gate.ts';
import { FINDING_CODES, type FindingCode, makeFinding } from '../../../server/datasets/validate.ts';
import { datasetsEn } from '../../../src/features/datasets/i18n.ts';
import { trainEn } from '../../../src/features/train/i18n.ts';

/** Fills `{{name}}` placeholders as i18next does with escaping off. */
function render(template: string, params: Record<string, string | number>): string {
  return template.replace(/\{\{(\w+)\}\}/g, (match, name: string) =>
    Object.hasOwn(params, name) ? String(params[name]) : match,
  );
}

const FINDING_PARAMS: Record<FindingCode, Record<string, string | number>> = {
  invalid_record: {},
  invalid_role_order: { roles: 'assistant, user' },
  invalid_message_count: { turns: 3 },
  empty_conversation: {},
  placeholder_mismatch: { placeholders: 2, clips: 1 },
  placeholder_in_response: {},
  empty_assistant: { turn: 2 },
  duplicate_sample: { first: 0 },
  audio_outside_root: { path: '../x.wav' },
  audio_missing: { path: 'a.wav' },
  audio_unreadable: { path: 'a.wav', reason: 'truncated header' },
  audio_not_audio: { path: 'a.txt' },
  audio_empty: { path: 'a.wav' },
  audio_too_long: { path: 'a.wav', seconds: 45.5 },
  audio_resampled: { path: 'a.wav', sampleRate: 44100, channels: 2 },
};

describe('browser texts of board messages', () => {
  it.each(FINDING_CODES)('renders finding %s as the board does in English', (code) => {
    const params = FINDING_PARAMS[code];
    const finding = makeFinding(0, code, params);
    const texts = datasetsEn.finding[code];
    expect(render(texts.message, params)).toBe(finding.message);
    expect(render(texts.fix, params)).toBe(finding.fix);
  });

  const cutoffCases: [CutoffIssueCode, Record<string, string | number>][] = [
    ['cutoff_cuts_audio', { value: 512, recommended: 801, audioCutCount: 2 }],
    ['cutoff_truncates_text', { value: 120, recommended: 154, truncatedCount: 1, share: '50.0%' }],
  ];
  it.each(cutoffCases)('renders %s as the board does in English', (code, params) => {
    const issue: CutoffIssue = { field: 'cutoff_len', code, params, severity: 'error' };
    expect(`cutoff_len: ${render(trainEn.cutoffIssues[code], params)}`).toBe(
      formatCutoffIssueEnglish(issue),
    );
  });
});
