import type { FastifyInstance } from 'fastify';
import type { RouteDeps } from './index.ts';

/** Model inspection routes (linear modules for `lora_target`); filled in by the Train tab work. */
export function registerModelRoutes(_app: FastifyInstance, _deps: RouteDeps): void {}
