import { describe, expect, it } from 'vitest';
import { catalogues } from '../../src/i18n/catalogues.ts';

function flatten(value: unknown, prefix = ''): Map<string, string> {
  const entries = new Map<string, string>();
  if (typeof value === 'string') {
    entries.set(prefix, value);
    return entries;
  }
  for (const [key, child] of Object.entries(value as Record<string, unknown>)) {
    for (const [path, text] of flatten(child, prefix ? `${prefix}.${key}` : key)) {
      entries.set(path, text);
    }
  }
  return entries;
}

function placeholders(text: string): string[] {
  return [...text.matchAll(/\{\{(\w+)\}\}/g)].map((match) => match[1] ?? '').sort();
}

const english = flatten(catalogues.en);
const chinese = flatten(catalogues['zh-CN']);

describe('i18n catalogues', () => {
  it('has every English key in Chinese', () => {
    const missing = [...english.keys()].filter((key) => !chinese.has(key));
    expect(missing).toEqual([]);
  });

  it('has no Chinese key that English lacks', () => {
    const extra = [...chinese.keys()].filter((key) => !english.has(key));
    expect(extra).toEqual([]);
  });

  it('has no empty translation', () => {
    const empty = [...chinese.entries()]
      .filter(([, text]) => text.trim() === '')
      .map(([key]) => key);
    expect(empty).toEqual([]);
  });

  it('uses the same placeholders in both languages', () => {
    const mismatched = [...english.entries()]
      .filter(
        ([key, text]) => placeholders(text).join() !== placeholders(chinese.get(key) ?? '').join(),
      )
      .map(([key]) => key);
    expect(mismatched).toEqual([]);
  });
});
