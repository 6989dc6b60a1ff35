import type { FastifyInstance } from 'fastify';
import type { RouteDeps } from './index.ts';

/** Playground sessions and inference; filled in with the playground work. */
export function registerPlaygroundRoutes(_app: FastifyInstance, _deps: RouteDeps): void {}
