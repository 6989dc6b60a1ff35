import {
  type GenerationSettings,
  generationSettingsSchema,
  MODEL_AUDIO_LIMIT_SECONDS,
  type ModelSpec,
  type PlaygroundAnswer,
  type PlaygroundDeltaEvent,
  type PlaygroundSession,
  type PlaygroundTurn,
  type WorkerModelServers,
} from '@protocol/playground.ts';
import { create } from 'zustand';
import { TARGET_SAMPLE_RATE } from './audio-dsp.ts';

/** A clip in the composer: decoded 16 kHz mono samples with trim handles, not yet uploaded. */
export interface DraftClip {
  id: string;
  name: string;
  samples: Float32Array;
  durationSeconds: number;
  trimStart: number;
  trimEnd: number;
}

interface PlaygroundState {
  sessionId: string | null;
  systemPrompt: string;
  turns: PlaygroundTurn[];
  clips: DraftClip[];
  prompt: string;
  model: ModelSpec;
  /** Keys of the ticked targets: `base`, run ids, `custom`. */
  selected: string[];
  customAdapter: string;
  settings: GenerationSettings;
  modelServers: WorkerModelServers[];
  loadSession(session: PlaygroundSession): void;
  newSession(): void;
}

export const usePlayground = create<PlaygroundState>((set) => ({
  sessionId: null,
  systemPrompt: '',
  turns: [],
  clips: [],
  prompt: '',
  model: { model_name_or_path: '', template: 'qwen2_audio' },
  selected: ['base'],
  customAdapter: '',
  settings: generationSettingsSchema.parse({}),
  modelServers: [],
  loadSession(session) {
    set({ sessionId: session.id, systemPrompt: session.systemPrompt, turns: session.turns });
    const last = session.turns[session.turns.length - 1];
    if (last) {
      set({ model: last.model, settings: last.settings });
    }
  },
  newSession() {
    set({ sessionId: null, systemPrompt: '', turns: [], clips: [], prompt: '' });
  },
}));

let clipCounter = 0;

export function addClip(name: string, samples: Float32Array): void {
  clipCounter += 1;
  const durationSeconds = samples.length / TARGET_SAMPLE_RATE;
  const clip: DraftClip = {
    id: `clip-${clipCounter}`,
    name,
    samples,
    durationSeconds,
    trimStart: 0,
    trimEnd: durationSeconds,
  };
  usePlayground.setState((state) => ({ clips: [...state.clips, clip] }));
}

export function updateClip(
  id: string,
  update: Partial<Pick<DraftClip, 'trimStart' | 'trimEnd'>>,
): void {
  usePlayground.setState((state) => ({
    clips: state.clips.map((clip) => (clip.id === id ? clampTrim({ ...clip, ...update }) : clip)),
  }));
}

export function removeClip(id: string): void {
  usePlayground.setState((state) => ({ clips: state.clips.filter((clip) => clip.id !== id) }));
}

/** Keeps the handles inside the clip and the end after the start. */
export function clampTrim(clip: DraftClip): DraftClip {
  const start = Math.min(Math.max(0, clip.trimStart), clip.durationSeconds);
  const end = Math.min(Math.max(start, clip.trimEnd), clip.durationSeconds);
  return { ...clip, trimStart: start, trimEnd: end };
}

/** Sets the end handle so the clip keeps only what the model hears. */
export function trimToModelLimit(clip: DraftClip): Pick<DraftClip, 'trimStart' | 'trimEnd'> {
  return {
    trimStart: clip.trimStart,
    trimEnd: Math.min(clip.durationSeconds, clip.trimStart + MODEL_AUDIO_LIMIT_SECONDS),
  };
}

export function addTurn(turn: PlaygroundTurn): void {
  usePlayground.setState((state) => {
    if (state.turns.some((existing) => existing.id === turn.id)) {
      return {
        turns: state.turns.map((existing) =>
          existing.id === turn.id ? mergeAnswers(existing, turn.answers) : existing,
        ),
      };
    }
    const early = earlyAnswers.get(turn.id) ?? [];
    earlyAnswers.delete(turn.id);
    return { turns: [...state.turns, mergeAnswers(turn, early)] };
  });
}

/** Answers that arrived before their turn's acknowledgement, by turn id. */
const earlyAnswers = new Map<string, PlaygroundAnswer[]>();

/** Keeps the more advanced copy of each answer: a finished one wins over a streaming one. */
function mergeAnswers(base: PlaygroundTurn, newer: readonly PlaygroundAnswer[]): PlaygroundTurn {
  return {
    ...base,
    answers: base.answers.map((answer) => {
      const other = newer.find((candidate) => candidate.target.key === answer.target.key);
      if (!other) return answer;
      if (answer.state === 'done') return answer;
      if (other.state === 'done') return other;
      return other.text.length >= answer.text.length ? other : answer;
    }),
  };
}

export function upsertAnswer(answer: PlaygroundAnswer): void {
  flushDeltas();
  usePlayground.setState((state) => {
    const turn = state.turns.find((candidate) => candidate.id === answer.turnId);
    if (!turn) {
      const list = earlyAnswers.get(answer.turnId) ?? [];
      earlyAnswers.set(answer.turnId, [
        ...list.filter((item) => item.target.key !== answer.target.key),
        answer,
      ]);
      return {};
    }
    return {
      turns: state.turns.map((candidate) =>
        candidate.id !== answer.turnId
          ? candidate
          : {
              ...candidate,
              answers: candidate.answers.map((existing) => {
                if (existing.target.key !== answer.target.key || existing.state === 'done') {
                  return existing;
                }
                // A state change carries the text the board had; keep the longer live text.
                const text =
                  answer.state === 'done' || answer.text.length >= existing.text.length
                    ? answer.text
                    : existing.text;
                return { ...answer, text };
              }),
            },
      ),
    };
  });
}

let pendingDeltas: PlaygroundDeltaEvent[] = [];
let frameRequested = false;

/** Queues a streamed chunk; chunks are applied once per animation frame. */
export function appendDelta(event: PlaygroundDeltaEvent): void {
  pendingDeltas.push(event);
  if (frameRequested) {
    return;
  }
  frameRequested = true;
  if (typeof requestAnimationFrame === 'function' && document.visibilityState === 'visible') {
    requestAnimationFrame(flushDeltas);
  } else {
    setTimeout(flushDeltas, 50);
  }
}

function flushDeltas(): void {
  frameRequested = false;
  if (pendingDeltas.length === 0) {
    return;
  }
  const deltas = pendingDeltas;
  pendingDeltas = [];
  usePlayground.setState((state) => ({
    turns: state.turns.map((turn) => {
      const mine = deltas.filter((delta) => delta.turnId === turn.id);
      if (mine.length === 0) {
        return turn;
      }
      return {
        ...turn,
        answers: turn.answers.map((answer) => {
          if (answer.state === 'done') {
            return answer;
          }
          const text = mine
            .filter((delta) => delta.targetKey === answer.target.key)
            .map((delta) => delta.text)
            .join('');
          return text === '' ? answer : { ...answer, state: 'streaming', text: answer.text + text };
        }),
      };
    }),
  }));
}
