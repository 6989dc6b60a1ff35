import type { Ack, AckError } from '@protocol/envelope.ts';
import { boardToken } from './token.ts';

/** An error envelope from the board, thrown so react-query can surface it. */
export class BoardError extends Error {
  constructor(readonly error: AckError) {
    super(error.message);
  }
}

/** Calls the board's REST API and unwraps the acknowledgement envelope. */
export async function api<T>(
  path: string,
  init: RequestInit & { json?: unknown } = {},
): Promise<T> {
  const headers = new Headers(init.headers);
  const token = boardToken();
  if (token) {
    headers.set('Authorization', `Bearer ${token}`);
  }
  let body = init.body;
  if (init.json !== undefined) {
    headers.set('Content-Type', 'application/json');
    body = JSON.stringify(init.json);
  }

  let response: Response;
  try {
    response = await fetch(path, { ...init, headers, body: body ?? null });
  } catch (error) {
    throw new BoardError({
      code: 'internal',
      message: error instanceof Error ? error.message : String(error),
    });
  }

  let envelope: Ack<T>;
  try {
    envelope = (await response.json()) as Ack<T>;
  } catch {
    throw new BoardError({ code: 'internal', message: `HTTP ${response.status} from ${path}` });
  }
  if (!envelope.ok) {
    throw new BoardError(envelope.error);
  }
  return envelope.data;
}
