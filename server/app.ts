import fs from 'node:fs';
import type { AddressInfo } from 'node:net';
import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyBaseLogger, type FastifyError, type FastifyInstance } from 'fastify';
import { Server as SocketServer } from 'socket.io';
import { type Db, openDatabase } from './db/database.ts';
import { PresetsRepo } from './db/presets-repo.ts';
import { RunsRepo } from './db/runs-repo.ts';
import { WorkersRepo } from './db/workers-repo.ts';
import type { Logger } from './logger.ts';
import { playgroundContext } from './playground/context.ts';
import { attachPlaygroundRelay } from './playground/relay.ts';
import { fail } from './protocol/envelope.ts';
import {
  UI_NAMESPACE,
  type UiClientToServerEvents,
  type UiServerToClientEvents,
  WORKER_NAMESPACE,
  type WorkerClientToServerEvents,
  type WorkerServerToClientEvents,
} from './protocol/events.ts';
import { tokenFromRequest, tokenMatches } from './relay/auth.ts';
import { attachUiNamespace, runRoom } from './relay/ui-namespace.ts';
import { attachWorkerNamespace } from './relay/worker-namespace.ts';
import { registerRoutes } from './routes/index.ts';
import { RunService } from './runs/service.ts';
import { WorkerRegistry } from './workers/registry.ts';

export interface BoardServerOptions {
  host: string;
  port: number;
  dataDir: string;
  token: string | null;
  logger: Logger;
  /** Built front end to serve; null serves the API only (tests, `npm run dev`). */
  staticDir: string | null;
  clock?: () => Date;
}

export interface BoardServer {
  app: FastifyInstance;
  io: SocketServer;
  db: Db;
  runs: RunService;
  registry: WorkerRegistry;
  /** Starts listening and returns the base URL, e.g. `http://127.0.0.1:7860`. */
  listen(): Promise<string>;
  close(): Promise<void>;
}

/** Body size limit for JSON requests; audio uploads have their own, larger limit. */
const JSON_BODY_LIMIT_BYTES = 4 * 1024 * 1024;

/** Builds the board server with its dependencies injected, so tests can run it on port 0. */
export async function createBoardServer(options: BoardServerOptions): Promise<BoardServer> {
  const clock = options.clock ?? (() => new Date());
  const now = () => clock().toISOString();
  const logger = options.logger;

  const db = openDatabase(options.dataDir);
  const workersRepo = new WorkersRepo(db);
  workersRepo.markAllOffline();
  const runsRepo = new RunsRepo(db);
  const presetsRepo = new PresetsRepo(db);

  const registry = new WorkerRegistry(workersRepo, logger.child({ component: 'workers' }), now);
  const runs = new RunService(runsRepo, registry, logger.child({ component: 'runs' }), now);

  const app: FastifyInstance = Fastify({
    // A line per request at info level drowns the run and worker lines; warnings and errors stay.
    loggerInstance: logger.child({ component: 'http' }, { level: 'warn' }) as FastifyBaseLogger,
    bodyLimit: JSON_BODY_LIMIT_BYTES,
    // Open sockets (workers reconnect at once) must not keep a closing server alive.
    forceCloseConnections: true,
  });

  app.addHook('onRequest', async (request, reply) => {
    if (!request.url.startsWith('/api/')) {
      return;
    }
    const presented = tokenFromRequest(request.headers.authorization, request.query);
    if (!tokenMatches(options.token, presented)) {
      await reply
        .code(401)
        .send(
          fail(
            'unauthorized',
            'Missing or wrong token: send it as "Authorization: Bearer <token>".',
          ),
        );
    }
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    const status = error.statusCode ?? 500;
    if (status === 413) {
      return reply.code(413).send(fail('payload_too_large', error.message));
    }
    if (status >= 400 && status < 500) {
      // Fastify's own parse errors, e.g. a body that is not valid JSON.
      return reply
        .code(status)
        .send(fail('invalid_payload', `Invalid request body: ${error.message}`));
    }
    request.log.error({ err: error }, 'request failed');
    return reply.code(500).send(fail('internal', 'Internal server error; see the board log.'));
  });

  registerRoutes(app, { db, runs, registry, presets: presetsRepo, now, dataDir: options.dataDir });

  if (options.staticDir && fs.existsSync(options.staticDir)) {
    await app.register(fastifyStatic, { root: options.staticDir, wildcard: false });
    app.setNotFoundHandler((request, reply) => {
      if (request.url.startsWith('/api/') || request.method !== 'GET') {
        return reply
          .code(404)
          .send(fail('not_found', `No route ${request.method} ${request.url}.`));
      }
      return reply.sendFile('index.html');
    });
  } else {
    app.setNotFoundHandler((request, reply) =>
      reply.code(404).send(fail('not_found', `No route ${request.method} ${request.url}.`)),
    );
  }

  const io = new SocketServer(app.server, {
    serveClient: false,
    maxHttpBufferSize: 8 * 1024 * 1024,
    cors: { origin: false },
  });
  const uiNamespace = io.of(UI_NAMESPACE) as unknown as import('socket.io').Namespace<
    UiClientToServerEvents,
    UiServerToClientEvents
  >;
  const workerNamespace = io.of(WORKER_NAMESPACE) as unknown as import('socket.io').Namespace<
    WorkerClientToServerEvents,
    WorkerServerToClientEvents
  >;

  const deps = {
    registry,
    runs,
    token: options.token,
    logger: logger.child({ component: 'relay' }),
  };
  attachWorkerNamespace(workerNamespace, deps);
  attachUiNamespace(uiNamespace, deps);
  attachPlaygroundRelay(
    uiNamespace,
    workerNamespace,
    playgroundContext(app).service,
    logger.child({ component: 'playground' }),
  );

  runs.setBroadcaster({
    runChanged: (run) => uiNamespace.emit('run:changed', run),
    metrics: (runId, points) =>
      uiNamespace.to(runRoom(runId)).emit('run:metrics', { runId, points }),
    logs: (runId, lines) => uiNamespace.to(runRoom(runId)).emit('run:log', { runId, lines }),
  });

  return {
    app,
    io,
    db,
    runs,
    registry,
    async listen() {
      await app.listen({ host: options.host, port: options.port });
      const address = app.server.address() as AddressInfo;
      const host = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      return `http://${host}:${address.port}`;
    },
    async close() {
      runs.close();
      // Closing socket.io ends every socket with a transport close, after which browsers and
      // workers reconnect by themselves. It also stops accepting connections, and dropping the
      // idle keep-alive ones lets the HTTP server close without waiting for their timeout.
      io.close();
      app.server.closeAllConnections();
      await app.close();
      db.close();
    },
  };
}
