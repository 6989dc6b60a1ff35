import fs from 'node:fs';
import type { FastifyError, FastifyInstance } from 'fastify';
import { z } from 'zod';
import { playgroundContext } from '../playground/context.ts';
import { fail, ok, parsePayload } from '../protocol/envelope.ts';
import { sha256Schema, UPLOAD_LIMIT_BYTES } from '../protocol/playground.ts';
import { UploadRejected } from '../uploads/store.ts';
import type { RouteDeps } from './index.ts';

const uploadQuerySchema = z.object({ name: z.string().max(500).default('clip.wav') });
const shaParamsSchema = z.object({ sha: sha256Schema });

/** Content types accepted as a raw upload body; the bytes are sniffed whatever the header declares. */
const RAW_AUDIO_TYPES = [
  'audio/wav',
  'audio/wave',
  'audio/x-wav',
  'audio/vnd.wave',
  'application/octet-stream',
];

/**
 * Audio uploads for the playground.
 *
 * `POST /api/uploads?name=<original file name>` takes the raw bytes of a WAV file as the body
 * (`Content-Type: audio/wav`), at most `UPLOAD_LIMIT_BYTES`, and returns its `UploadInfo`.
 * Identical bytes return the same `sha256` without a second copy. `GET /api/uploads/:sha`
 * returns the WAV file and `GET /api/uploads/:sha/info` its `UploadInfo`.
 */
export function registerUploadRoutes(app: FastifyInstance, deps: RouteDeps): void {
  const store = playgroundContext(app, deps).uploads;

  app.addContentTypeParser(
    RAW_AUDIO_TYPES,
    { parseAs: 'buffer', bodyLimit: UPLOAD_LIMIT_BYTES },
    (_request, body, done) => done(null, body),
  );

  app.post(
    '/api/uploads',
    {
      bodyLimit: UPLOAD_LIMIT_BYTES,
      errorHandler: (error: FastifyError, request, reply) => {
        if (error.statusCode === 413) {
          const name = uploadName(request.query);
          return reply
            .code(413)
            .send(
              fail(
                'payload_too_large',
                `"${name}" is larger than the ${UPLOAD_LIMIT_BYTES / 1024 / 1024} MiB upload limit: ` +
                  'trim the clip in the playground or choose a shorter file.',
                { limitBytes: UPLOAD_LIMIT_BYTES },
              ),
            );
        }
        if (error.statusCode === 415) {
          return reply
            .code(415)
            .send(
              fail(
                'unsupported_media',
                `Unsupported Content-Type "${request.headers['content-type'] ?? ''}": send the ` +
                  'raw WAV bytes with Content-Type: audio/wav.',
              ),
            );
        }
        throw error;
      },
    },
    async (request, reply) => {
      const query = parsePayload(uploadQuerySchema, request.query, 'upload query');
      if (!query.ok) {
        return reply.code(400).send(query);
      }
      const body = request.body;
      const bytes = Buffer.isBuffer(body)
        ? body
        : typeof body === 'string'
          ? Buffer.from(body)
          : Buffer.alloc(0);
      try {
        const info = store.put(bytes, query.data.name);
        request.log.info(
          { sha256: info.sha256, sizeBytes: info.sizeBytes, created: info.created },
          'upload stored',
        );
        return reply.code(info.created ? 201 : 200).send(ok(info));
      } catch (error) {
        if (error instanceof UploadRejected) {
          return reply
            .code(error.code === 'unsupported_media' ? 415 : 400)
            .send(fail(error.code, error.message));
        }
        throw error;
      }
    },
  );

  app.get('/api/uploads/:sha/info', async (request, reply) => {
    const params = parsePayload(shaParamsSchema, request.params, 'upload id');
    if (!params.ok) {
      return reply.code(400).send(params);
    }
    const info = store.info(params.data.sha);
    if (!info) {
      return reply.code(404).send(fail('not_found', `Upload "${params.data.sha}" not found.`));
    }
    return ok(info);
  });

  app.get('/api/uploads/:sha', async (request, reply) => {
    const params = parsePayload(shaParamsSchema, request.params, 'upload id');
    if (!params.ok) {
      return reply.code(400).send(params);
    }
    if (!store.exists(params.data.sha)) {
      return reply.code(404).send(fail('not_found', `Upload "${params.data.sha}" not found.`));
    }
    const file = store.pathOf(params.data.sha);
    const size = fs.statSync(file).size;
    return (
      reply
        .header('Content-Type', 'audio/wav')
        .header('Content-Length', size)
        // Content-addressed: the bytes behind a sha never change.
        .header('Cache-Control', 'private, max-age=31536000, immutable')
        .send(fs.createReadStream(file))
    );
  });
}

function uploadName(query: unknown): string {
  const parsed = uploadQuerySchema.safeParse(query);
  return parsed.success ? parsed.data.name : 'clip.wav';
}
