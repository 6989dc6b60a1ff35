import fs from 'node:fs';
import path from 'node:path';
import multipart from '@fastify/multipart';
import type { FastifyInstance, FastifyReply } from 'fastify';
import { z } from 'zod';
import { sniffAudioFormat } from '../audio/sniff.ts';
import type { AudioFormat } from '../audio/types.ts';
import { ArchiveError, type ArchiveFile } from '../datasets/archive.ts';
import {
  AnalysisError,
  analyzeRequestSchema,
  summarizeCutoff,
  toAnalyzeResponse,
} from '../datasets/cutoff.ts';
import { cachedSamples } from '../datasets/cutoff-gate.ts';
import {
  DatasetInfoError,
  listDatasets,
  readDatasetEntry,
  readDatasetInfo,
} from '../datasets/dataset-info.ts';
import { resolveInsideRoot } from '../datasets/paths.ts';
import { attributesOf, convertRecord, DatasetFileError, readRecords } from '../datasets/records.ts';
import { TokenizerError } from '../datasets/tokenizer.ts';
import { storeUpload, UploadError } from '../datasets/upload.ts';
import { validateEntry } from '../datasets/validate.ts';
import { fail, ok, parsePayload } from '../protocol/envelope.ts';
import type { RouteDeps } from './index.ts';

/** Largest file accepted in one dataset upload (the data file, an archive or one clip). */
export const MAX_UPLOAD_FILE_BYTES = 1024 * 1024 * 1024;
/** Most files in one upload; a folder upload sends one file per clip. */
export const MAX_UPLOAD_FILES = 20_000;

const listQuerySchema = z.object({ dataset_dir: z.string().min(1) });
const datasetQuerySchema = z.object({ dataset_dir: z.string().min(1), dataset: z.string().min(1) });
const samplesQuerySchema = datasetQuerySchema.extend({
  offset: z.coerce.number().int().min(0).default(0),
  limit: z.coerce.number().int().min(1).max(100).default(20),
});
const audioQuerySchema = z.object({ dataset_dir: z.string().min(1), path: z.string().min(1) });

const CONTENT_TYPES: Record<AudioFormat, string> = {
  wav: 'audio/wav',
  flac: 'audio/flac',
  mp3: 'audio/mpeg',
  ogg: 'audio/ogg',
  m4a: 'audio/mp4',
  webm: 'audio/webm',
};

/** Sends the error envelope for the dataset errors users can fix; rethrows anything else. */
function sendKnownError(reply: FastifyReply, error: unknown) {
  if (error instanceof DatasetInfoError) {
    return reply.code(404).send(fail('not_found', error.message));
  }
  if (
    error instanceof DatasetFileError ||
    error instanceof AnalysisError ||
    error instanceof TokenizerError
  ) {
    return reply.code(400).send(fail('invalid_payload', error.message));
  }
  if (error instanceof UploadError || error instanceof ArchiveError) {
    return reply.code(400).send(fail('invalid_payload', error.message));
  }
  throw error;
}

export function registerDatasetRoutes(app: FastifyInstance, _deps: RouteDeps): void {
  void app.register(multipart, {
    limits: { fileSize: MAX_UPLOAD_FILE_BYTES, files: MAX_UPLOAD_FILES, fields: 20 },
  });

  app.get('/api/datasets', async (request, reply) => {
    const query = parsePayload(listQuerySchema, request.query, 'query');
    if (!query.ok) {
      return reply.code(400).send(query);
    }
    const datasetDir = path.resolve(query.data.dataset_dir);
    try {
      const info = readDatasetInfo(datasetDir);
      const cache = new Map();
      const rows = listDatasets(datasetDir).map((listing) => {
        const entry = info[listing.name];
        if (!entry) {
          return { ...listing, summary: null, error: null };
        }
        try {
          const report = validateEntry(datasetDir, listing.name, entry, { limit: 0, cache });
          return {
            ...listing,
            summary: report.summary,
            findingCount: Object.values(report.counts).reduce((a, b) => a + (b ?? 0), 0),
            error: null,
          };
        } catch (error) {
          if (error instanceof DatasetFileError) {
            return { ...listing, summary: null, findingCount: 0, error: error.message };
          }
          throw error;
        }
      });
      return ok(rows);
    } catch (error) {
      return sendKnownError(reply, error);
    }
  });

  app.get('/api/datasets/samples', async (request, reply) => {
    const query = parsePayload(samplesQuerySchema, request.query, 'query');
    if (!query.ok) {
      return reply.code(400).send(query);
    }
    const datasetDir = path.resolve(query.data.dataset_dir);
    try {
      const entry = readDatasetEntry(datasetDir, query.data.dataset);
      const records = readRecords(datasetDir, entry, query.data.dataset);
      const attributes = attributesOf(entry);
      const { offset, limit } = query.data;
      const samples = records
        .slice(offset, offset + limit)
        .map((record, i) => convertRecord(record, offset + i, attributes));
      return ok({ total: records.length, offset, samples });
    } catch (error) {
      return sendKnownError(reply, error);
    }
  });

  app.get('/api/datasets/audio', async (request, reply) => {
    const query = parsePayload(audioQuerySchema, request.query, 'query');
    if (!query.ok) {
      return reply.code(400).send(query);
    }
    const datasetDir = path.resolve(query.data.dataset_dir);
    if (!fs.existsSync(path.join(datasetDir, 'dataset_info.json'))) {
      return reply
        .code(404)
        .send(
          fail(
            'not_found',
            `${datasetDir} has no dataset_info.json, so it is not a dataset folder.`,
          ),
        );
    }
    const resolved = resolveInsideRoot(datasetDir, query.data.path);
    if (!resolved.ok) {
      return resolved.reason === 'missing'
        ? reply
            .code(404)
            .send(fail('not_found', `Clip ${query.data.path} not found in ${datasetDir}.`))
        : reply
            .code(403)
            .send(
              fail(
                'invalid_payload',
                `Clip ${query.data.path} is outside the dataset folder ${datasetDir}.`,
              ),
            );
    }
    const head = Buffer.alloc(64);
    const fd = fs.openSync(resolved.path, 'r');
    const got = fs.readSync(fd, head, 0, 64, 0);
    fs.closeSync(fd);
    const format = sniffAudioFormat(head.subarray(0, got));
    if (!format) {
      return reply
        .code(415)
        .send(fail('unsupported_media', `${query.data.path} is not an audio file.`));
    }
    return reply.type(CONTENT_TYPES[format]).send(fs.createReadStream(resolved.path));
  });

  app.get('/api/datasets/validate', async (request, reply) => {
    const query = parsePayload(datasetQuerySchema, request.query, 'query');
    if (!query.ok) {
      return reply.code(400).send(query);
    }
    const datasetDir = path.resolve(query.data.dataset_dir);
    try {
      const entry = readDatasetEntry(datasetDir, query.data.dataset);
      return ok(validateEntry(datasetDir, query.data.dataset, entry));
    } catch (error) {
      return sendKnownError(reply, error);
    }
  });

  app.post('/api/datasets/analyze', async (request, reply) => {
    const body = parsePayload(analyzeRequestSchema, request.body, 'analysis request');
    if (!body.ok) {
      return reply.code(400).send(body);
    }
    try {
      // The Train tab asks again after every cutoff_len edit; the token counts are reused.
      const samples = await cachedSamples({
        datasetDir: body.data.dataset_dir,
        datasets: body.data.dataset,
        modelNameOrPath: body.data.model_name_or_path,
        ...(body.data.max_samples === undefined ? {} : { maxSamples: body.data.max_samples }),
        // Yield between batches so one large dataset does not stall other requests.
        onProgress: () => new Promise((resolve) => setImmediate(resolve)),
      });
      const analysis = summarizeCutoff(samples, body.data.cutoff_len);
      return ok(toAnalyzeResponse(analysis));
    } catch (error) {
      return sendKnownError(reply, error);
    }
  });

  app.post('/api/datasets/upload', async (request, reply) => {
    if (!request.isMultipart()) {
      return reply
        .code(415)
        .send(fail('unsupported_media', 'Send the upload as multipart/form-data.'));
    }
    const fields: Record<string, string> = {};
    let dataFile: { fileName: string; data: Buffer } | null = null;
    let archive: Buffer | undefined;
    const clips: ArchiveFile[] = [];
    for await (const part of request.parts()) {
      if (part.type === 'field') {
        fields[part.fieldname] = String(part.value);
        continue;
      }
      const data = await part.toBuffer();
      if (part.file.truncated) {
        return reply
          .code(413)
          .send(
            fail(
              'payload_too_large',
              `${part.filename} is larger than ${MAX_UPLOAD_FILE_BYTES} bytes.`,
            ),
          );
      }
      if (part.fieldname === 'data') {
        dataFile = { fileName: part.filename, data };
      } else if (part.fieldname === 'archive') {
        archive = data;
      } else if (part.fieldname === 'clips') {
        clips.push({ path: part.filename, data });
      }
    }
    if (!fields.dataset_dir || !fields.name || !dataFile) {
      return reply
        .code(400)
        .send(
          fail(
            'invalid_payload',
            'The upload needs the fields dataset_dir and name and a data file (JSON, JSONL or CSV).',
          ),
        );
    }
    try {
      const result = storeUpload({
        datasetDir: path.resolve(fields.dataset_dir),
        name: fields.name,
        dataFile,
        ...(archive ? { archive } : {}),
        clips,
        ...(fields.prompt ? { prompt: fields.prompt } : {}),
      });
      request.log.info(
        { dataset: result.name, samples: result.samples, clips: result.clips },
        'dataset uploaded',
      );
      return ok(result);
    } catch (error) {
      return sendKnownError(reply, error);
    }
  });
}
