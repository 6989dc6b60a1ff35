import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import { ok, parsePayload } from '../protocol/envelope.ts';
import type { RouteDeps } from './index.ts';

function statusFor(code: string): number {
  return code === 'not_found' ? 404 : 409;
}

/** Abort and resume; both act on an existing run. */
export function registerRunActionRoutes(app: FastifyInstance, deps: RouteDeps): void {
  app.post<{ Params: { id: string } }>('/api/runs/:id/abort', async (request, reply) => {
    const result = deps.runs.abort(request.params.id);
    if (!result.ok) {
      return reply.code(statusFor(result.error.code)).send(result);
    }
    return ok(result.data);
  });

  app.post<{ Params: { id: string } }>('/api/runs/:id/resume', async (request, reply) => {
    const result = deps.runs.resume(request.params.id);
    if (!result.ok) {
      return reply.code(statusFor(result.error.code)).send(result);
    }
    return reply.code(201).send(ok(result.data));
  });
}

const exportBodySchema = z.object({
  name: z.string().max(200).optional(),
  config: z
    .object({
      model_name_or_path: z.string().min(1, 'the base model path or hub id is required'),
      adapter_name_or_path: z.string().min(1, 'the adapter folder to merge is required'),
      template: z.string().min(1, 'the chat template is required, e.g. qwen2_audio'),
      finetuning_type: z.literal('lora').default('lora'),
      export_dir: z.string().min(1, 'the folder for the merged model is required'),
      export_size: z.number().int().min(1).max(100).default(5),
      export_device: z.enum(['cpu', 'auto']).default('cpu'),
      export_legacy_format: z.boolean().default(false),
    })
    .loose(),
});

/** Merging into a quantized base fails in the engine, so exports always load the base unquantized. */
const QUANTIZATION_KEYS = [
  'quantization_bit',
  'quantization_method',
  'double_quantization',
] as const;

export function registerExportRoutes(app: FastifyInstance, deps: RouteDeps): void {
  app.post('/api/exports', async (request, reply) => {
    const body = parsePayload(exportBodySchema, request.body, 'export request');
    if (!body.ok) {
      return reply.code(400).send(body);
    }
    const config: Record<string, unknown> = { ...body.data.config };
    for (const key of QUANTIZATION_KEYS) {
      delete config[key];
    }
    const run = deps.runs.create({ kind: 'export', name: body.data.name, config });
    return reply.code(201).send(ok(run));
  });
}
