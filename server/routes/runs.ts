import type { FastifyInstance } from 'fastify';
import { z } from 'zod';
import {
  CUTOFF_ISSUE_CODES,
  type CutoffIssue,
  checkRunCutoff,
  formatCutoffIssueEnglish,
} from '../datasets/cutoff-gate.ts';
import { RunsRepo } from '../db/runs-repo.ts';
import { listModelModules, looksLikeHubId } from '../models/modules.ts';
import { fail, ok, parsePayload } from '../protocol/envelope.ts';
import { type EngineConfig, engineConfigSchema } from '../protocol/runs.ts';
import {
  deviceContextFromWorkers,
  formatIssueEnglish,
  type TrainValidationContext,
  type ValidationIssue,
  validateTrainConfig,
} from '../protocol/train-config.ts';
import type { RouteDeps } from './index.ts';

const createRunBodySchema = z.object({
  name: z.string().max(200).optional(),
  config: engineConfigSchema,
  resumeFrom: z.string().nullable().optional(),
  /**
   * GPU indices for `CUDA_VISIBLE_DEVICES` on the worker; null or absent uses every GPU, and an
   * empty list hides them all (CPU training).
   */
  cudaVisibleDevices: z.array(z.number().int().min(0)).max(64).nullable().optional(),
});

const afterSeqQuerySchema = z.object({
  afterSeq: z.coerce.number().int().min(0).default(0),
});

/**
 * Gathers what the validator checks a config against: the devices of the worker the run would
 * most likely go to, the model's Linear modules when `model_name_or_path` is a readable local
 * folder, and an earlier run in the same output folder.
 */
async function validationContext(
  deps: RouteDeps,
  repo: RunsRepo,
  config: EngineConfig,
  resumeFrom: string | null | undefined,
  cudaVisibleDevices: number[] | null | undefined,
): Promise<TrainValidationContext> {
  let modules: string[] | undefined;
  const modelPath = config.model_name_or_path;
  if (typeof modelPath === 'string' && modelPath.trim() !== '' && !looksLikeHubId(modelPath)) {
    // The folder may only exist on a remote worker's host, so an unreadable one skips the check.
    const listing = await listModelModules(modelPath).catch(() => null);
    if (listing && listing.modules.length > 0) {
      modules = listing.modules.map((module) => module.name);
    }
  }

  const outputDir = config.output_dir;
  const previous =
    typeof outputDir === 'string' && outputDir !== '' && !resumeFrom
      ? repo.outputDirInUse(outputDir)
      : null;

  return {
    device: deviceContextFromWorkers(deps.registry.list()),
    cudaVisibleDevices: cudaVisibleDevices ?? null,
    modules,
    outputDirRun: previous ? { id: previous.id, status: previous.status } : null,
  };
}

type RunIssue = ValidationIssue | CutoffIssue;

function isCutoffIssue(issue: RunIssue): issue is CutoffIssue {
  return (CUTOFF_ISSUE_CODES as readonly string[]).includes(issue.code);
}

function formatRunIssue(issue: RunIssue): string {
  return isCutoffIssue(issue) ? formatCutoffIssueEnglish(issue) : formatIssueEnglish(issue);
}

export function registerRunRoutes(app: FastifyInstance, deps: RouteDeps): void {
  // RunsRepo only wraps the shared database handle, so the route reads output folders directly.
  const repo = new RunsRepo(deps.db);

  app.get('/api/runs', async () => ok(deps.runs.list()));

  app.post('/api/runs', async (request, reply) => {
    const body = parsePayload(createRunBodySchema, request.body, 'run request');
    if (!body.ok) {
      return reply.code(400).send(body);
    }

    const { cudaVisibleDevices, ...input } = body.data;
    const issues: RunIssue[] = [
      ...validateTrainConfig(
        input.config,
        await validationContext(deps, repo, input.config, input.resumeFrom, cudaVisibleDevices),
      ),
      // Samples that lose audio tokens crash training, so the board checks cutoff_len first.
      ...(await checkRunCutoff(input.config, {
        looksLikeHubId,
        onProgress: () => new Promise((resolve) => setImmediate(resolve)),
      })),
    ];
    const errors = issues.filter((issue) => issue.severity === 'error');
    if (errors.length > 0) {
      return reply.code(400).send(
        fail('invalid_payload', `Invalid run request: ${errors.map(formatRunIssue).join(' ')}`, {
          issues: issues.map((issue) => ({
            path:
              issue.field === 'cuda_visible_devices'
                ? 'cudaVisibleDevices'
                : `config.${issue.field}`,
            message: formatRunIssue(issue),
            ...issue,
          })),
        }),
      );
    }

    const run = deps.runs.create({ ...input, cudaVisibleDevices: cudaVisibleDevices ?? null });
    for (const issue of issues.filter(isCutoffIssue)) {
      request.log.warn({ runId: run.id, code: issue.code }, formatRunIssue(issue));
    }
    return reply.code(201).send(ok(run));
  });

  app.get<{ Params: { id: string } }>('/api/runs/:id', async (request, reply) => {
    const run = deps.runs.get(request.params.id);
    if (!run) {
      return reply.code(404).send(fail('not_found', `Run "${request.params.id}" not found.`));
    }
    return ok(run);
  });

  app.get<{ Params: { id: string } }>('/api/runs/:id/metrics', async (request, reply) => {
    const query = parsePayload(afterSeqQuerySchema, request.query, 'query');
    if (!query.ok) {
      return reply.code(400).send(query);
    }
    const snapshot = deps.runs.snapshot(
      request.params.id,
      query.data.afterSeq,
      Number.MAX_SAFE_INTEGER,
    );
    if (!snapshot) {
      return reply.code(404).send(fail('not_found', `Run "${request.params.id}" not found.`));
    }
    return ok(snapshot.points);
  });
}
