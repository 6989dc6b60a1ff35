import { describe, expect, it } from 'vitest';
import {
  buildChatCompletionBody,
  parseStreamChunk,
} from '../../../server/worker/inference/chat-request.ts';
import { classifyEngineError } from '../../../server/worker/inference/engine-errors.ts';
import { SseParser } from '../../../server/worker/inference/sse.ts';

const SETTINGS = { max_new_tokens: 64, temperature: 0.7, top_p: 0.9, seed: null, do_sample: false };

describe('SseParser', () => {
  it('returns events split across chunks', () => {
    const parser = new SseParser();
    expect(parser.push('data: {"a"')).toEqual([]);
    expect(parser.push(':1}\n')).toEqual([]);
    expect(parser.push('\ndata: [DONE]\n\n')).toEqual(['{"a":1}', '[DONE]']);
  });

  it('ignores ping comments and handles CRLF', () => {
    const parser = new SseParser();
    expect(parser.push(': ping - 2025-01-01\r\n\r\ndata: x\r\n\r\n')).toEqual(['x']);
  });

  it('joins multi-line data with newlines', () => {
    const parser = new SseParser();
    expect(parser.push('data: one\ndata: two\n\n')).toEqual(['one\ntwo']);
  });

  it('flushes an unterminated last event at end', () => {
    const parser = new SseParser();
    parser.push('data: tail');
    expect(parser.end()).toEqual(['tail']);
  });
});

describe('parseStreamChunk', () => {
  it('reads delta content and finish reason', () => {
    const data = JSON.stringify({
      choices: [{ index: 0, delta: { content: 'hi' }, finish_reason: null }],
    });
    expect(parseStreamChunk(data)).toEqual({ content: 'hi', finishReason: null });
    const last = JSON.stringify({ choices: [{ index: 0, delta: {}, finish_reason: 'stop' }] });
    expect(parseStreamChunk(last)).toEqual({ content: '', finishReason: 'stop' });
  });

  it('recognises [DONE] and ignores junk', () => {
    expect(parseStreamChunk('[DONE]')).toBe('done');
    expect(parseStreamChunk('not json')).toBeNull();
  });
});

describe('buildChatCompletionBody', () => {
  it('puts clips as audio_url data URLs before the text', () => {
    const body = buildChatCompletionBody(
      [
        { role: 'system', text: 'Be brief.', clips: [] },
        { role: 'user', text: 'What colour?', clips: ['a', 'b'] },
      ],
      SETTINGS,
      (sha) => `data:audio/wav;base64,${sha}`,
    );
    expect(body.messages[0]).toEqual({ role: 'system', content: 'Be brief.' });
    expect(body.messages[1]).toEqual({
      role: 'user',
      content: [
        { type: 'audio_url', audio_url: { url: 'data:audio/wav;base64,a' } },
        { type: 'audio_url', audio_url: { url: 'data:audio/wav;base64,b' } },
        { type: 'text', text: 'What colour?' },
      ],
    });
    expect(body.stream).toBe(true);
    expect(body.max_tokens).toBe(64);
    expect(body.do_sample).toBe(false);
    expect(body.seed).toBeUndefined();
  });

  it('sends the seed when one is set', () => {
    const body = buildChatCompletionBody([], { ...SETTINGS, seed: 7 }, () => '');
    expect(body.seed).toBe(7);
  });
});

describe('classifyEngineError', () => {
  it.each([
    [['torch.OutOfMemoryError: CUDA out of memory.'], 'out_of_memory'],
    [
      ['soundfile.LibsndfileError: Error opening <_io.BytesIO object>: Format not recognised.'],
      'audio_unreadable',
    ],
    [["ValueError: Can't find 'adapter_config.json' at 'saves/x'"], 'adapter_not_found'],
  ])('classifies %s as %s', (lines, code) => {
    expect(classifyEngineError(lines, 'request', 'fallback').code).toBe(code);
  });

  it('reads the unreadable-audio errors of the real engine', () => {
    // Excerpts of `llamafactory-cli api` logs (LLaMA-Factory 0.9.5) for an empty WAV, a corrupt
    // WAV and a clip path that does not exist, as Starlette wraps them.
    const cases: [string[], string][] = [
      [
        [
          '    |     raise RuntimeError("Failed to decode audio.")',
          '    | RuntimeError: Failed to decode audio.',
          'ERROR:    Exception in ASGI application',
          'RuntimeError: Caught handled exception, but response already started.',
        ],
        'RuntimeError: Failed to decode audio.',
      ],
      [
        [
          'RuntimeError: Failed to open the input "/m/x.wav" (Invalid data found when processing input).',
          '  + Exception Group Traceback (most recent call last):',
        ],
        'RuntimeError: Failed to open the input "/m/x.wav" (Invalid data found when processing input).',
      ],
      [
        [
          'fastapi.exceptions.HTTPException: 400: Invalid URL: 400: Only HTTP/HTTPS URLs are allowed.',
          'RuntimeError: Caught handled exception, but response already started.',
        ],
        'fastapi.exceptions.HTTPException: 400: Invalid URL: 400: Only HTTP/HTTPS URLs are allowed.',
      ],
    ];
    for (const [lines, message] of cases) {
      expect(classifyEngineError(lines, 'request', 'fallback')).toEqual({
        code: 'audio_unreadable',
        message,
      });
    }
  });

  it('reads the CPU allocator failure as out of memory', () => {
    const line =
      "RuntimeError: [enforce fail at alloc_cpu.cpp:117] data. DefaultCPUAllocator: can't allocate memory: you tried to allocate 8589934592 bytes.";
    expect(classifyEngineError([line], 'load', 'x')).toEqual({
      code: 'out_of_memory',
      message: line,
    });
  });

  it('skips wrapper lines when nothing matches', () => {
    expect(
      classifyEngineError(
        [
          'ValueError: Messages are not alternating.',
          'ERROR:    Exception in ASGI application',
          'RuntimeError: Caught handled exception, but response already started.',
        ],
        'request',
        'x',
      ),
    ).toEqual({ code: 'engine_error', message: 'ValueError: Messages are not alternating.' });
  });

  it('falls back by phase', () => {
    expect(classifyEngineError(['OSError: bad'], 'load', 'x').code).toBe('model_failed');
    expect(classifyEngineError([], 'request', 'closed early')).toEqual({
      code: 'engine_error',
      message: 'closed early',
    });
  });
});
