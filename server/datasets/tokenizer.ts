import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

/**
 * A byte-level BPE tokenizer read from a Hugging Face `tokenizer.json`, the kind Qwen2 and
 * Qwen2-Audio ship. It encodes as `tokenizer.encode(text, add_special_tokens=False)` does:
 * added tokens split the text first, then each piece is normalised, pre-tokenised by the
 * regular expression, mapped to byte-level characters and merged by BPE rank.
 */

const addedTokenSchema = z.object({
  id: z.number().int(),
  content: z.string(),
  lstrip: z.boolean().optional(),
  rstrip: z.boolean().optional(),
});

const tokenizerJsonSchema = z.object({
  added_tokens: z.array(addedTokenSchema).default([]),
  normalizer: z.unknown().nullable().optional(),
  pre_tokenizer: z.unknown().nullable().optional(),
  model: z.object({
    type: z.literal('BPE'),
    vocab: z.record(z.string(), z.number().int()),
    merges: z.array(z.union([z.string(), z.tuple([z.string(), z.string()])])),
    ignore_merges: z.boolean().optional(),
    byte_fallback: z.boolean().optional(),
  }),
});

const normalizerSchema: z.ZodType<NormalizerSpec> = z.lazy(() =>
  z.union([
    z.object({ type: z.literal('NFC') }),
    z.object({ type: z.literal('Sequence'), normalizers: z.array(normalizerSchema) }),
  ]),
);
type NormalizerSpec = { type: 'NFC' } | { type: 'Sequence'; normalizers: NormalizerSpec[] };

const byteLevelSchema = z.object({
  type: z.literal('ByteLevel'),
  add_prefix_space: z.boolean().optional(),
  use_regex: z.boolean().optional(),
});
const splitSchema = z.object({
  type: z.literal('Split'),
  pattern: z.object({ Regex: z.string() }),
  behavior: z.literal('Isolated'),
  invert: z.literal(false),
});
const preTokenizerSchema = z.union([
  byteLevelSchema,
  z.object({
    type: z.literal('Sequence'),
    pretokenizers: z.array(z.union([splitSchema, byteLevelSchema])),
  }),
]);

/** GPT-2's pattern, used by ByteLevel when `use_regex` is true. */
const GPT2_PATTERN =
  "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";

export class TokenizerError extends Error {}

/** GPT-2's reversible map from bytes to printable characters. */
function byteToUnicodeTable(): string[] {
  const table: string[] = new Array(256);
  const printable: number[] = [];
  for (let b = 0x21; b <= 0x7e; b += 1) printable.push(b);
  for (let b = 0xa1; b <= 0xac; b += 1) printable.push(b);
  for (let b = 0xae; b <= 0xff; b += 1) printable.push(b);
  const isPrintable = new Set(printable);
  let extra = 0;
  for (let b = 0; b < 256; b += 1) {
    table[b] = String.fromCodePoint(isPrintable.has(b) ? b : 256 + extra);
    if (!isPrintable.has(b)) {
      extra += 1;
    }
  }
  return table;
}
const BYTE_TO_UNICODE = byteToUnicodeTable();

/**
 * Converts an Oniguruma pattern from `tokenizer.json` to a JavaScript one. JavaScript (Node 20)
 * lacks scoped case-insensitive groups, so `(?i:'s|'t)` becomes `(?:'[sS]|'[tT])`.
 */
export function toJsPattern(pattern: string): RegExp {
  const converted = pattern.replace(/\(\?i:([^()]*)\)/g, (_match, body: string) => {
    const caseless = body.replace(/[a-zA-Z]/g, (letter) => {
      const lower = letter.toLowerCase();
      const upper = letter.toUpperCase();
      return `[${lower}${upper}]`;
    });
    return `(?:${caseless})`;
  });
  return new RegExp(converted, 'gu');
}

interface AddedToken {
  id: number;
  content: string;
  lstrip: boolean;
  rstrip: boolean;
}

export class BpeTokenizer {
  private readonly vocab: Map<string, number>;
  private readonly ranks: Map<string, number>;
  private readonly ignoreMerges: boolean;
  private readonly added: AddedToken[];
  private readonly addedById: Map<string, AddedToken>;
  private readonly addedPattern: RegExp | null;
  private readonly splitPattern: RegExp;
  private readonly addPrefixSpace: boolean;
  private readonly nfc: boolean;
  private readonly wordCache = new Map<string, number[]>();

  constructor(json: unknown) {
    const parsed = tokenizerJsonSchema.safeParse(json);
    if (!parsed.success) {
      throw new TokenizerError(
        `Unsupported tokenizer.json: only byte-level BPE tokenizers (as in Qwen2) are read (${parsed.error.issues[0]?.message ?? 'invalid'}).`,
      );
    }
    const spec = parsed.data;
    if (spec.model.byte_fallback) {
      throw new TokenizerError('Unsupported tokenizer.json: BPE with byte_fallback is not read.');
    }
    this.vocab = new Map(Object.entries(spec.model.vocab));
    this.ranks = new Map();
    spec.model.merges.forEach((merge, rank) => {
      const pair = typeof merge === 'string' ? merge : `${merge[0]} ${merge[1]}`;
      this.ranks.set(pair, rank);
    });
    this.ignoreMerges = spec.model.ignore_merges ?? false;

    this.nfc = parseNormalizer(spec.normalizer);
    const pre = parsePreTokenizer(spec.pre_tokenizer);
    this.splitPattern = pre.pattern;
    this.addPrefixSpace = pre.addPrefixSpace;

    this.added = spec.added_tokens.map((token) => ({
      id: token.id,
      content: token.content,
      lstrip: token.lstrip ?? false,
      rstrip: token.rstrip ?? false,
    }));
    this.addedById = new Map(this.added.map((token) => [token.content, token]));
    // Longest first, so the alternation prefers the longest added token at each position.
    const alternatives = [...this.added]
      .sort((a, b) => b.content.length - a.content.length)
      .map((token) => token.content.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
    this.addedPattern = alternatives.length > 0 ? new RegExp(alternatives.join('|'), 'g') : null;
  }

  /** Loads `<modelDir>/tokenizer.json`. */
  static fromModelDir(modelDir: string): BpeTokenizer {
    const file = path.join(modelDir, 'tokenizer.json');
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch {
      throw new TokenizerError(
        `${file} not found: model_name_or_path must be a local model folder with a tokenizer.json.`,
      );
    }
    return new BpeTokenizer(JSON.parse(text) as unknown);
  }

  /** Returns the id of an added token such as `<|AUDIO|>`, or undefined. */
  addedTokenId(content: string): number | undefined {
    return this.addedById.get(content)?.id;
  }

  /** Encodes like `tokenizer.encode(text, add_special_tokens=False)`. */
  encode(text: string): number[] {
    const ids: number[] = [];
    for (const piece of this.splitAdded(text)) {
      if (typeof piece === 'number') {
        ids.push(piece);
      } else {
        this.encodePlain(piece, ids);
      }
    }
    return ids;
  }

  /** Returns `encode(text).length`. */
  countTokens(text: string): number {
    return this.encode(text).length;
  }

  /** Splits on added tokens, honouring their lstrip/rstrip flags; numbers are added-token ids. */
  private splitAdded(text: string): (string | number)[] {
    if (!this.addedPattern) {
      return [text];
    }
    const pieces: (string | number)[] = [];
    let last = 0;
    let stripNextLeading = false;
    for (const match of text.matchAll(this.addedPattern)) {
      const token = this.addedById.get(match[0]);
      if (!token) {
        continue;
      }
      let before = text.slice(last, match.index);
      if (stripNextLeading) {
        before = before.trimStart();
      }
      if (token.lstrip) {
        before = before.trimEnd();
      }
      if (before.length > 0) {
        pieces.push(before);
      }
      pieces.push(token.id);
      stripNextLeading = token.rstrip;
      last = match.index + match[0].length;
    }
    let rest = text.slice(last);
    if (stripNextLeading) {
      rest = rest.trimStart();
    }
    if (rest.length > 0) {
      pieces.push(rest);
    }
    return pieces;
  }

  private encodePlain(text: string, ids: number[]): void {
    let normalized = this.nfc ? text.normalize('NFC') : text;
    if (this.addPrefixSpace && !normalized.startsWith(' ')) {
      normalized = ` ${normalized}`;
    }
    for (const match of normalized.matchAll(this.splitPattern)) {
      const word = match[0];
      let cached = this.wordCache.get(word);
      if (!cached) {
        cached = this.bpe(word);
        this.wordCache.set(word, cached);
      }
      for (const id of cached) {
        ids.push(id);
      }
    }
  }

  private bpe(word: string): number[] {
    let mapped = '';
    for (const byte of Buffer.from(word, 'utf8')) {
      mapped += BYTE_TO_UNICODE[byte];
    }
    const whole = this.vocab.get(mapped);
    if (this.ignoreMerges && whole !== undefined) {
      return [whole];
    }

    const symbols = Array.from(mapped);
    for (;;) {
      let bestRank = Number.POSITIVE_INFINITY;
      let bestIndex = -1;
      for (let i = 0; i + 1 < symbols.length; i += 1) {
        const rank = this.ranks.get(`${symbols[i]} ${symbols[i + 1]}`);
        if (rank !== undefined && rank < bestRank) {
          bestRank = rank;
          bestIndex = i;
        }
      }
      if (bestIndex < 0) {
        break;
      }
      // Merge every occurrence of the best pair, left to right, as the reference BPE does.
      const first = symbols[bestIndex];
      const second = symbols[bestIndex + 1];
      const merged: string[] = [];
      for (let i = 0; i < symbols.length; i += 1) {
        if (i + 1 < symbols.length && symbols[i] === first && symbols[i + 1] === second) {
          merged.push(`${first}${second}`);
          i += 1;
        } else {
          merged.push(symbols[i] ?? '');
        }
      }
      symbols.splice(0, symbols.length, ...merged);
    }

    return symbols.map((symbol) => {
      const id = this.vocab.get(symbol);
      if (id === undefined) {
        throw new TokenizerError(
          `tokenizer.json has no vocabulary entry for the BPE symbol ${JSON.stringify(symbol)}.`,
        );
      }
      return id;
    });
  }
}

function parseNormalizer(spec: unknown): boolean {
  if (spec === null || spec === undefined) {
    return false;
  }
  const parsed = normalizerSchema.safeParse(spec);
  if (!parsed.success) {
    throw new TokenizerError('Unsupported tokenizer.json normalizer: only NFC is read.');
  }
  const flatten = (normalizer: NormalizerSpec): boolean =>
    normalizer.type === 'NFC' || normalizer.normalizers.some(flatten);
  return flatten(parsed.data);
}

function parsePreTokenizer(spec: unknown): { pattern: RegExp; addPrefixSpace: boolean } {
  const parsed = preTokenizerSchema.safeParse(spec);
  if (!parsed.success) {
    throw new TokenizerError(
      'Unsupported tokenizer.json pre_tokenizer: expected ByteLevel, or a Split regex followed by ByteLevel.',
    );
  }
  const pre = parsed.data;
  if (pre.type === 'ByteLevel') {
    if (pre.use_regex === false) {
      return { pattern: /[\s\S]+/gu, addPrefixSpace: pre.add_prefix_space ?? false };
    }
    return { pattern: toJsPattern(GPT2_PATTERN), addPrefixSpace: pre.add_prefix_space ?? false };
  }
  const splits = pre.pretokenizers.filter((step) => step.type === 'Split');
  const byteLevel = pre.pretokenizers.find((step) => step.type === 'ByteLevel');
  const split = splits[0];
  if (splits.length !== 1 || !split || !byteLevel || byteLevel.use_regex !== false) {
    throw new TokenizerError(
      'Unsupported tokenizer.json pre_tokenizer: expected one Split regex and a ByteLevel step without its own regex.',
    );
  }
  return {
    pattern: toJsPattern(split.pattern.Regex),
    addPrefixSpace: byteLevel.add_prefix_space ?? false,
  };
}
