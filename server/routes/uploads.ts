import type { FastifyInstance } from 'fastify';
import type { RouteDeps } from './index.ts';

/** Audio uploads for the playground; filled in with the playground work. */
export function registerUploadRoutes(_app: FastifyInstance, _deps: RouteDeps): void {}
