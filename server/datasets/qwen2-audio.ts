import type { AudioInfo } from '../audio/types.ts';
import { AUDIO_PLACEHOLDER, type ConvertedSample, type Turn } from './records.ts';
import type { BpeTokenizer } from './tokenizer.ts';

/** Whisper feature extractor settings of Qwen2-Audio: 16 kHz input, 160-sample hop, 30 s window. */
export const QWEN2_AUDIO_SAMPLE_RATE = 16_000;
export const WHISPER_HOP_LENGTH = 160;
export const WHISPER_MAX_FRAMES = 3_000;
/** The default system prompt of LLaMA-Factory's `qwen2_audio` template. */
export const QWEN2_AUDIO_DEFAULT_SYSTEM = 'You are a helpful assistant.';

function gcd(a: number, b: number): number {
  let x = a;
  let y = b;
  while (y !== 0) {
    [x, y] = [y, x % y];
  }
  return x;
}

/**
 * Returns the sample count after `torchaudio.functional.resample` (torchaudio 2.8):
 * `ceil(new * n / orig)` with the rates divided by their gcd, where the quotient is a float64
 * rounded to float32 by `torch.as_tensor` before the ceiling.
 */
export function resampledLength(
  samples: number,
  fromRate: number,
  toRate = QWEN2_AUDIO_SAMPLE_RATE,
): number {
  if (fromRate === toRate) {
    return samples;
  }
  const divisor = gcd(fromRate, toRate);
  const orig = fromRate / divisor;
  const target = toRate / divisor;
  return Math.ceil(Math.fround((target * samples) / orig));
}

/**
 * Returns the `<|AUDIO|>` token count for a clip of `samples16k` samples at 16 kHz, as
 * LLaMA-Factory v0.9.5's Qwen2AudioPlugin computes it: the feature extractor's attention mask
 * has `L = min(ceil(n / 160), 3000)` ones, then `n1 = (L - 1) // 2 + 1` and `N = (n1 - 2) // 2 + 1`.
 *
 * @example audioTokenCount(16_000) // 25 (1 s); 480_000 and longer give 750
 */
export function audioTokenCount(samples16k: number): number {
  const frames = Math.min(Math.ceil(samples16k / WHISPER_HOP_LENGTH), WHISPER_MAX_FRAMES);
  const afterFirstConv = Math.floor((frames - 1) / 2) + 1;
  return Math.max(0, Math.floor((afterFirstConv - 2) / 2) + 1);
}

/** Returns the clip's length in samples after resampling to 16 kHz. */
export function clipSamples16k(info: AudioInfo): number {
  const frames = info.sampleFrames ?? Math.round((info.durationSeconds ?? 0) * info.sampleRate);
  return resampledLength(frames, info.sampleRate);
}

/** A run of `<|AUDIO|>` tokens inside one encoded side, as [start, end) token positions. */
export interface AudioSpan {
  start: number;
  end: number;
}

export interface EncodedSide {
  length: number;
  audioSpans: AudioSpan[];
}

/** One (prompt, response) pair of `Template.encode_multiturn`. */
export interface EncodedPair {
  source: EncodedSide;
  target: EncodedSide;
}

/**
 * Encodes the turns with the `qwen2_audio` template (LLaMA-Factory v0.9.5 data/template.py) and
 * returns token counts and audio positions, not ids. Each formatter slot is encoded on its own,
 * as `_convert_elements_to_ids` does; each `<audio>` in a message becomes
 * `<|audio_bos|>` + N × `<|AUDIO|>` + `<|audio_eos|>`, with N from `audioTokens`, in order.
 */
export function encodeQwen2Audio(
  tokenizer: BpeTokenizer,
  sample: Pick<ConvertedSample, 'system' | 'prompt' | 'response'>,
  audioTokens: number[],
): EncodedPair[] {
  const messages: Turn[] = [...sample.prompt, ...sample.response];
  const system = sample.system || QWEN2_AUDIO_DEFAULT_SYSTEM;
  let nextAudio = 0;

  const sides: EncodedSide[] = messages.map((message, index) => {
    const side: EncodedSide = { length: 0, audioSpans: [] };
    if (index === 0) {
      side.length += tokenizer.countTokens(`<|im_start|>system\n${system}<|im_end|>\n`);
    }
    // Observation turns use the user formatter; function turns fall back to the assistant
    // formatter because `qwen2_audio` defines no tool formatting.
    const slot =
      message.role === 'user' || message.role === 'observation'
        ? `<|im_start|>user\n${message.content}<|im_end|>\n<|im_start|>assistant\n`
        : `${message.content}<|im_end|>\n`;
    const pieces = slot.split(AUDIO_PLACEHOLDER);
    pieces.forEach((piece, pieceIndex) => {
      if (pieceIndex > 0) {
        const count = audioTokens[nextAudio] ?? 0;
        nextAudio += 1;
        side.length += 1; // <|audio_bos|>
        side.audioSpans.push({ start: side.length, end: side.length + count });
        side.length += count + 1; // N × <|AUDIO|>, then <|audio_eos|>
      }
      if (piece.length > 0) {
        side.length += tokenizer.countTokens(piece);
      }
    });
    return side;
  });

  const pairs: EncodedPair[] = [];
  for (let i = 0; i + 1 < sides.length; i += 2) {
    const source = sides[i];
    const target = sides[i + 1];
    if (source && target) {
      pairs.push({ source, target });
    }
  }
  return pairs;
}

/** LLaMA-Factory's `infer_seqlen`: how many source and target tokens survive `cutoffLen`. */
export function inferSeqlen(
  sourceLen: number,
  targetLen: number,
  cutoffLen: number,
): [number, number] {
  let maxTargetLen: number;
  if (targetLen * 2 < cutoffLen) {
    maxTargetLen = cutoffLen;
  } else if (sourceLen * 2 < cutoffLen) {
    maxTargetLen = cutoffLen - sourceLen;
  } else {
    maxTargetLen = Math.trunc(cutoffLen * (targetLen / (sourceLen + targetLen)));
  }
  const newTargetLen = Math.min(maxTargetLen, targetLen);
  const maxSourceLen = Math.max(cutoffLen - newTargetLen, 0);
  const newSourceLen = Math.min(maxSourceLen, sourceLen);
  return [newSourceLen, newTargetLen];
}

export interface TruncationResult {
  /** Tokens kept after truncation. */
  keptTokens: number;
  /** `<|AUDIO|>` tokens dropped; any drop makes training fail with a feature/token mismatch. */
  droppedAudioTokens: number;
}

function droppedIn(side: EncodedSide, kept: number): number {
  let dropped = 0;
  for (const span of side.audioSpans) {
    dropped += Math.max(0, span.end - Math.max(span.start, kept));
  }
  return dropped;
}

/**
 * Simulates `SupervisedDatasetProcessor._encode_data_example` (without `mask_history`, and
 * `qwen2_audio` has no `efficient_eos`): pairs are kept in order, each cut by `infer_seqlen` to
 * the budget left, and the loop stops once `cutoffLen` tokens are used.
 */
export function truncatePairs(pairs: EncodedPair[], cutoffLen: number): TruncationResult {
  let total = 0;
  let droppedAudioTokens = 0;
  for (const pair of pairs) {
    if (total >= cutoffLen) {
      droppedAudioTokens += droppedIn(pair.source, 0) + droppedIn(pair.target, 0);
      continue;
    }
    const [sourceLen, targetLen] = inferSeqlen(
      pair.source.length,
      pair.target.length,
      cutoffLen - total,
    );
    droppedAudioTokens += droppedIn(pair.source, sourceLen) + droppedIn(pair.target, targetLen);
    total += sourceLen + targetLen;
  }
  return { keptTokens: total, droppedAudioTokens };
}
