import crypto from 'node:crypto';

/** Compares a presented token with the board's in constant time. */
export function tokenMatches(expected: string | null, presented: unknown): boolean {
  if (expected === null) {
    return true;
  }
  if (typeof presented !== 'string') {
    return false;
  }
  const a = crypto.createHash('sha256').update(expected).digest();
  const b = crypto.createHash('sha256').update(presented).digest();
  return crypto.timingSafeEqual(a, b);
}

/** Reads a token from `Authorization: Bearer <t>` or the `token` query parameter. */
export function tokenFromRequest(
  authorization: string | undefined,
  query: unknown,
): string | undefined {
  if (authorization?.startsWith('Bearer ')) {
    return authorization.slice('Bearer '.length).trim();
  }
  if (query && typeof query === 'object' && 'token' in query) {
    const value = (query as { token: unknown }).token;
    return typeof value === 'string' ? value : undefined;
  }
  return undefined;
}
