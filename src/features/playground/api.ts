import type { Ack } from '@protocol/envelope.ts';
import type {
  PlaygroundSend,
  PlaygroundSession,
  PlaygroundSessionSummary,
  PlaygroundTurn,
  UploadInfo,
  WorkerModelServers,
} from '@protocol/playground.ts';
import { api, BoardError } from '../../api/rest.ts';
import { uiSocket } from '../../api/socket.ts';
import { boardToken } from '../../api/token.ts';
import { appendDelta, upsertAnswer, usePlayground } from './playground-store.ts';

/** Uploads one WAV clip as the raw request body; identical bytes come back with the same sha. */
export async function uploadWav(bytes: Uint8Array<ArrayBuffer>, name: string): Promise<UploadInfo> {
  return api<UploadInfo>(`/api/uploads?name=${encodeURIComponent(name)}`, {
    method: 'POST',
    headers: { 'Content-Type': 'audio/wav' },
    body: new Blob([bytes], { type: 'audio/wav' }),
  });
}

/** Fetches a stored clip's bytes, sending the token in a header rather than the URL. */
export async function fetchUpload(sha256: string): Promise<ArrayBuffer> {
  const headers = new Headers();
  const token = boardToken();
  if (token) {
    headers.set('Authorization', `Bearer ${token}`);
  }
  const response = await fetch(`/api/uploads/${sha256}`, { headers });
  if (!response.ok) {
    throw new BoardError({ code: 'not_found', message: `Clip ${sha256} not found.` });
  }
  return response.arrayBuffer();
}

export const listSessions = () => api<PlaygroundSessionSummary[]>('/api/playground/sessions');
export const getSession = (id: string) =>
  api<PlaygroundSession>(`/api/playground/sessions/${encodeURIComponent(id)}`);
export const createSession = (systemPrompt: string) =>
  api<PlaygroundSession>('/api/playground/sessions', { method: 'POST', json: { systemPrompt } });
export const updateSession = (id: string, update: { systemPrompt?: string; title?: string }) =>
  api<PlaygroundSession>(`/api/playground/sessions/${encodeURIComponent(id)}`, {
    method: 'PATCH',
    json: update,
  });
export const deleteSession = (id: string) =>
  api<null>(`/api/playground/sessions/${encodeURIComponent(id)}`, { method: 'DELETE' });

async function emit<T>(
  event:
    | 'playground:send'
    | 'playground:stop'
    | 'playground:watch'
    | 'playground:models'
    | 'playground:unload',
  payload: unknown,
): Promise<T> {
  const ack = (await uiSocket().timeout(15_000).emitWithAck(event, payload)) as Ack<T>;
  if (!ack.ok) {
    throw new BoardError(ack.error);
  }
  return ack.data;
}

export const sendTurn = (payload: PlaygroundSend) =>
  emit<PlaygroundTurn>('playground:send', payload);
export const stopTurn = (turnId: string) => emit<null>('playground:stop', { turnId });
export const watchSession = (sessionId: string) => emit<null>('playground:watch', { sessionId });
export const unloadModel = (workerId: string, key: string) =>
  emit<null>('playground:unload', { workerId, key });

let wired = false;

/** Connects the playground's socket events to its store, once per page. */
export function wirePlaygroundEvents(): void {
  if (wired) {
    return;
  }
  wired = true;
  const socket = uiSocket();
  socket.on('playground:delta', (event) => appendDelta(event));
  socket.on('playground:answer', (answer) => upsertAnswer(answer));
  socket.on('playground:models', (servers) => usePlayground.setState({ modelServers: servers }));
  const refresh = () => {
    void emit<WorkerModelServers[]>('playground:models', null)
      .then((servers) => usePlayground.setState({ modelServers: servers }))
      .catch(() => {});
    const sessionId = usePlayground.getState().sessionId;
    if (sessionId) {
      // After a reconnect, rejoin the session's room and fetch what was missed.
      void watchSession(sessionId).catch(() => {});
      void getSession(sessionId)
        .then((session) => usePlayground.getState().loadSession(session))
        .catch(() => {});
    }
  };
  socket.on('connect', refresh);
  if (socket.connected) {
    refresh();
  }
}
