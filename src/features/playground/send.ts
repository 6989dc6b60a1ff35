import type { ChatTarget } from '@protocol/playground.ts';
import { createSession, sendTurn, uploadWav, watchSession } from './api.ts';
import { encodeWav16, TARGET_SAMPLE_RATE, trimClip } from './audio-dsp.ts';
import { addTurn, type DraftClip, usePlayground } from './playground-store.ts';

/** Uploaded clips by clip id and trim, so resending the same clip does not upload it again. */
const uploaded = new Map<string, string>();

async function uploadClip(clip: DraftClip): Promise<string> {
  const cacheKey = `${clip.id}:${clip.trimStart}:${clip.trimEnd}`;
  const known = uploaded.get(cacheKey);
  if (known) {
    return known;
  }
  const trimmed = trimClip(clip.samples, TARGET_SAMPLE_RATE, clip.trimStart, clip.trimEnd);
  const name = clip.name.replace(/\.[^.]+$/, '') || 'clip';
  const info = await uploadWav(encodeWav16(trimmed, TARGET_SAMPLE_RATE), `${name}.wav`);
  uploaded.set(cacheKey, info.sha256);
  return info.sha256;
}

/**
 * Sends the composer's turn: creates the session on first use, uploads the trimmed clips as
 * 16 kHz mono WAV, then asks every target. Clears the composer once the board has the turn.
 */
export async function sendComposerTurn(targets: ChatTarget[]): Promise<void> {
  const state = usePlayground.getState();
  const clips = await Promise.all(state.clips.map(uploadClip));

  let sessionId = state.sessionId;
  if (!sessionId) {
    const session = await createSession(state.systemPrompt);
    sessionId = session.id;
    usePlayground.setState({ sessionId });
    await watchSession(sessionId);
  }

  const turn = await sendTurn({
    sessionId,
    prompt: state.prompt,
    clips,
    model: state.model,
    targets,
    settings: state.settings,
  });
  addTurn(turn);
  usePlayground.setState({ prompt: '', clips: [] });
}
