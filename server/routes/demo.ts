import type { FastifyInstance } from 'fastify';
import type { RouteDeps } from './index.ts';

/** Describes the built-in CPU demo (tiny model and audio data); filled in with the fixtures. */
export function registerDemoRoutes(_app: FastifyInstance, _deps: RouteDeps): void {}
