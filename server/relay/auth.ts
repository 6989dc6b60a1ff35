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

interface HandshakeSocket {
  handshake: { auth?: Record<string, unknown>; address: string };
}

/**
 * Returns socket.io middleware that admits a connection only with the board token in
 * `auth.token`, logging each rejection with the peer's address.
 */
export function tokenMiddleware(
  token: string | null,
  logger: { warn(details: object, message: string): void },
  peer: 'browser' | 'worker',
  rejection: string,
): (socket: HandshakeSocket, next: (error?: Error) => void) => void {
  return (socket, next) => {
    if (tokenMatches(token, socket.handshake.auth?.token)) {
      next();
      return;
    }
    logger.warn({ address: socket.handshake.address }, `${peer} rejected: missing or wrong token`);
    next(new Error(rejection));
  };
}
