import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { validateDataset } from '../../../server/datasets/validate.ts';
import { tempDir } from '../../helpers/board.ts';
import { makeWav } from './wav.ts';

const TAGS = {
  role_tag: 'role',
  content_tag: 'content',
  user_tag: 'user',
  assistant_tag: 'assistant',
  system_tag: 'system',
};

function turn(role: string, content: string) {
  return { role, content };
}

function buildDataset() {
  const dir = tempDir('validate');
  fs.mkdirSync(path.join(dir, 'audio'));
  fs.writeFileSync(path.join(dir, 'audio', 'ok.wav'), makeWav(1));
  fs.writeFileSync(path.join(dir, 'audio', 'long.wav'), makeWav(31));
  fs.writeFileSync(
    path.join(dir, 'audio', 'stereo.wav'),
    makeWav(1, { sampleRate: 44_100, channels: 2 }),
  );
  fs.writeFileSync(path.join(dir, 'audio', 'empty.wav'), Buffer.alloc(0));
  fs.writeFileSync(path.join(dir, 'audio', 'silent.wav'), makeWav(0));
  fs.writeFileSync(path.join(dir, 'audio', 'text.wav'), 'not audio at all, just text\n'.repeat(4));
  fs.writeFileSync(path.join(dir, 'audio', 'broken.wav'), makeWav(1).subarray(0, 20));
  const outside = tempDir('outside');
  fs.writeFileSync(path.join(outside, 'secret.wav'), makeWav(1));
  fs.symlinkSync(path.join(outside, 'secret.wav'), path.join(dir, 'audio', 'link.wav'));

  const ask = (clip: string) => ({
    messages: [turn('user', '<audio>What is said?'), turn('assistant', 'hello')],
    audios: [clip],
  });
  const records = [
    ask('audio/ok.wav'), // 0: clean
    ask('audio/missing.wav'), // 1
    ask('../../etc/passwd'), // 2
    ask('audio/link.wav'), // 3: symlink escape
    ask('audio/text.wav'), // 4
    ask('audio/empty.wav'), // 5
    ask('audio/long.wav'), // 6
    ask('audio/stereo.wav'), // 7
    {
      messages: [turn('user', 'two <audio><audio>'), turn('assistant', 'x')],
      audios: ['audio/ok.wav'],
    }, // 8
    { messages: [turn('user', '<audio>?'), turn('assistant', '  ')], audios: ['audio/ok.wav'] }, // 9
    ask('audio/ok.wav'), // 10: duplicate of 0
    { messages: [turn('assistant', 'hi'), turn('user', '<audio>')], audios: ['audio/ok.wav'] }, // 11
    { messages: [turn('system', 's'), turn('user', '<audio>')], audios: ['audio/ok.wav'] }, // 12
    ask('audio/broken.wav'), // 13
    ask('audio/silent.wav'), // 14
    'not an object', // 15
  ];
  fs.writeFileSync(path.join(dir, 'data.json'), JSON.stringify(records));
  fs.writeFileSync(
    path.join(dir, 'dataset_info.json'),
    JSON.stringify({
      checks: {
        file_name: 'data.json',
        formatting: 'sharegpt',
        columns: { messages: 'messages', audios: 'audios' },
        tags: TAGS,
      },
    }),
  );
  return dir;
}

describe('dataset validation', () => {
  const report = validateDataset(buildDataset(), 'checks');
  const codesAt = (index: number) =>
    report.findings.filter((f) => f.index === index).map((f) => f.code);

  it('passes a clean sample', () => {
    expect(codesAt(0)).toEqual([]);
  });

  it.each([
    [1, 'audio_missing'],
    [2, 'audio_outside_root'],
    [3, 'audio_outside_root'],
    [4, 'audio_not_audio'],
    [5, 'audio_empty'],
    [6, 'audio_too_long'],
    [7, 'audio_resampled'],
    [8, 'placeholder_mismatch'],
    [9, 'empty_assistant'],
    [10, 'duplicate_sample'],
    [11, 'invalid_role_order'],
    [12, 'invalid_message_count'],
    [13, 'audio_unreadable'],
    [14, 'audio_empty'],
    [15, 'invalid_record'],
  ])('reports sample %i as %s', (index, code) => {
    expect(codesAt(index)).toContain(code);
  });

  it('gives every finding a fix', () => {
    for (const finding of report.findings) {
      expect(finding.fix.length, finding.code).toBeGreaterThan(0);
    }
  });

  it('counts samples, clips and hours', () => {
    expect(report.summary.samples).toBe(16);
    expect(report.summary.clips).toBe(15);
    expect(report.summary.audioHours * 3600).toBeGreaterThan(31 + 1);
  });

  it('checks the preference first-turn rule', () => {
    const dir = tempDir('pref');
    fs.writeFileSync(path.join(dir, 'a.wav'), makeWav(1));
    const record = {
      messages: [turn('user', 'Which is better?')],
      chosen: turn('assistant', '<audio> this'),
      rejected: turn('assistant', 'that'),
      audios: ['a.wav'],
    };
    fs.writeFileSync(path.join(dir, 'pref.json'), JSON.stringify([record]));
    fs.writeFileSync(
      path.join(dir, 'dataset_info.json'),
      JSON.stringify({
        pref: {
          file_name: 'pref.json',
          formatting: 'sharegpt',
          ranking: true,
          columns: {
            messages: 'messages',
            chosen: 'chosen',
            rejected: 'rejected',
            audios: 'audios',
          },
          tags: TAGS,
        },
      }),
    );
    expect(validateDataset(dir, 'pref').findings.map((f) => f.code)).toEqual([
      'placeholder_in_response',
    ]);
  });
});
