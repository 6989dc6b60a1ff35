import type { GenerationSettings, InferenceMessage } from '../../protocol/playground.ts';

type ContentItem =
  | { type: 'text'; text: string }
  | { type: 'audio_url'; audio_url: { url: string } };

export interface ChatCompletionBody {
  model: string;
  messages: Array<{ role: 'system' | 'user' | 'assistant'; content: string | ContentItem[] }>;
  stream: true;
  max_tokens: number;
  temperature: number;
  top_p: number;
  do_sample: boolean;
  seed?: number;
}

/**
 * Builds an OpenAI chat completions body as `llamafactory-cli api` (LLaMA-Factory 0.9.5) reads
 * it: each clip is an `audio_url` item (a local path under SAFE_MEDIA_PATH, or a
 * `data:audio/wav;base64,` URL), placed before the text so the audio placeholder precedes the
 * question; `do_sample` is its own field.
 */
export function buildChatCompletionBody(
  messages: readonly InferenceMessage[],
  settings: GenerationSettings,
  audioUrlOf: (sha256: string) => string,
): ChatCompletionBody {
  const body: ChatCompletionBody = {
    model: 'audio-board',
    messages: messages.map((message) => {
      if (message.clips.length === 0) {
        return { role: message.role, content: message.text };
      }
      const items: ContentItem[] = message.clips.map((sha) => ({
        type: 'audio_url',
        audio_url: { url: audioUrlOf(sha) },
      }));
      if (message.text !== '') {
        items.push({ type: 'text', text: message.text });
      }
      return { role: message.role, content: items };
    }),
    stream: true,
    max_tokens: settings.max_new_tokens,
    temperature: settings.temperature,
    top_p: settings.top_p,
    do_sample: settings.do_sample,
  };
  if (settings.seed !== null) {
    body.seed = settings.seed;
  }
  return body;
}

export interface StreamChunk {
  content: string;
  finishReason: string | null;
}

/** Reads one `data:` payload of the engine's stream; null for `[DONE]` and for unknown shapes. */
export function parseStreamChunk(data: string): StreamChunk | 'done' | null {
  if (data.trim() === '[DONE]') {
    return 'done';
  }
  let value: unknown;
  try {
    value = JSON.parse(data);
  } catch {
    return null;
  }
  const choice = (
    value as { choices?: Array<{ delta?: { content?: unknown }; finish_reason?: unknown }> }
  ).choices?.[0];
  if (!choice) {
    return null;
  }
  const content = typeof choice.delta?.content === 'string' ? choice.delta.content : '';
  const finishReason = typeof choice.finish_reason === 'string' ? choice.finish_reason : null;
  return { content, finishReason };
}
