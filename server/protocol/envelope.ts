import type { z } from 'zod';

/**
 * Error codes that clients may receive. The set is closed: anything unexpected is reported
 * as `internal` with a generic message, and the details go to the server log only.
 */
export const ERROR_CODES = [
  'invalid_payload',
  'unauthorized',
  'not_found',
  'conflict',
  'engine_not_ready',
  'worker_unavailable',
  'payload_too_large',
  'unsupported_media',
  'internal',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface FieldIssue {
  /** Dotted path of the offending field, e.g. `gpus.0.memoryMiB`; empty for the whole payload. */
  path: string;
  message: string;
}

export interface AckError {
  code: ErrorCode;
  message: string;
  details?: { issues?: FieldIssue[] } & Record<string, unknown>;
}

/** The one acknowledgement envelope used by every socket request and REST response. */
export type Ack<T> = { ok: true; data: T } | { ok: false; error: AckError };

export type AckCallback<T> = (ack: Ack<T>) => void;

export function ok<T>(data: T): Ack<T> {
  return { ok: true, data };
}

export function fail(
  code: ErrorCode,
  message: string,
  details?: AckError['details'],
): { ok: false; error: AckError } {
  return details === undefined
    ? { ok: false, error: { code, message } }
    : { ok: false, error: { code, message, details } };
}

export function issuesFromZod(error: z.ZodError): FieldIssue[] {
  return error.issues.map((issue) => ({
    path: issue.path.map(String).join('.'),
    message: issue.message,
  }));
}

/** Builds an `invalid_payload` error whose message names every bad field. */
export function invalidPayload(what: string, error: z.ZodError): { ok: false; error: AckError } {
  const issues = issuesFromZod(error);
  const named = issues
    .map((issue) => (issue.path === '' ? issue.message : `${issue.path}: ${issue.message}`))
    .join('; ');
  return fail('invalid_payload', `Invalid ${what}: ${named}`, { issues });
}

/** Parses `payload` with `schema`, returning the data or an error envelope naming the bad fields. */
export function parsePayload<S extends z.ZodType>(
  schema: S,
  payload: unknown,
  what: string,
): { ok: true; data: z.infer<S> } | { ok: false; error: AckError } {
  const result = schema.safeParse(payload);
  if (result.success) {
    return { ok: true, data: result.data };
  }
  return invalidPayload(what, result.error);
}
