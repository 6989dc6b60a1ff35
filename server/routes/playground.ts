import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { playgroundContext } from '../playground/context.ts';
import { fail, ok, parsePayload } from '../protocol/envelope.ts';
import { createSessionSchema, updateSessionSchema } from '../protocol/playground.ts';
import type { RouteDeps } from './index.ts';

const idParamsSchema = z.object({ id: z.string().min(1).max(200) });

/**
 * Playground sessions: `GET /api/playground/sessions` lists them, `POST` creates one,
 * `GET|PATCH|DELETE /api/playground/sessions/:id` read (with every turn and answer), rename or
 * change the system prompt, and delete one. Turns are sent over the `/ui` socket
 * (`playground:send`) because their answers stream back on it.
 */
export function registerPlaygroundRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const { service } = playgroundContext(app, deps);

  app.get('/api/playground/sessions', async () => ok(service.listSessions()));

  app.post('/api/playground/sessions', async (request, reply) => {
    const body = parsePayload(createSessionSchema, request.body ?? {}, 'session');
    if (!body.ok) {
      return reply.code(400).send(body);
    }
    return reply.code(201).send(ok(service.createSession(body.data)));
  });

  app.get('/api/playground/sessions/:id', async (request, reply) => {
    const params = parsePayload(idParamsSchema, request.params, 'session id');
    if (!params.ok) {
      return reply.code(400).send(params);
    }
    const session = service.session(params.data.id);
    if (!session) {
      return reply
        .code(404)
        .send(fail('not_found', `Playground session "${params.data.id}" not found.`));
    }
    return ok(session);
  });

  app.patch('/api/playground/sessions/:id', async (request, reply) => {
    const params = parsePayload(idParamsSchema, request.params, 'session id');
    const body = parsePayload(updateSessionSchema, request.body ?? {}, 'session update');
    if (!params.ok) {
      return reply.code(400).send(params);
    }
    if (!body.ok) {
      return reply.code(400).send(body);
    }
    const session = service.updateSession(params.data.id, body.data);
    if (!session) {
      return reply
        .code(404)
        .send(fail('not_found', `Playground session "${params.data.id}" not found.`));
    }
    return ok(session);
  });

  app.delete('/api/playground/sessions/:id', async (request, reply) => {
    const params = parsePayload(idParamsSchema, request.params, 'session id');
    if (!params.ok) {
      return reply.code(400).send(params);
    }
    if (!service.deleteSession(params.data.id)) {
      return reply
        .code(404)
        .send(fail('not_found', `Playground session "${params.data.id}" not found.`));
    }
    return ok(null);
  });
}
