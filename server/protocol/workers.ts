import { z } from 'zod';

export const gpuSchema = z.object({
  index: z.number().int().min(0),
  name: z.string().min(1),
  memoryMiB: z.number().int().min(0),
  uuid: z.string().optional(),
  /** Compute capability such as "9.0"; bf16 needs 8.0 or newer. */
  computeCapability: z.string().optional(),
});
export type Gpu = z.infer<typeof gpuSchema>;

export const engineStatusSchema = z.discriminatedUnion('state', [
  z.object({
    state: z.literal('ready'),
    version: z.string(),
    python: z.string(),
    cli: z.string(),
    /** Versions of the engine's key packages (torch, transformers, peft, bitsandbytes, ...). */
    packages: z.record(z.string(), z.string()).default({}),
    /** True when the engine's bitsandbytes can quantize on the CPU, so QLoRA needs no GPU. */
    cpuQuantization: z.boolean().default(false),
  }),
  z.object({
    state: z.literal('not_ready'),
    /** Machine-readable cause, so browsers can show the message in the user's language. */
    code: z.enum(['python_missing', 'cli_missing', 'cli_failed']),
    /** The problem in English, e.g. "llamafactory-cli not found beside /venv/bin/python". */
    reason: z.string(),
    /** The command or step that fixes it. */
    fix: z.string(),
    python: z.string().optional(),
  }),
]);
export type EngineStatus = z.infer<typeof engineStatusSchema>;

export const workerRegistrationSchema = z.object({
  workerId: z.string().min(1).max(128),
  hostname: z.string().min(1).max(256),
  version: z.string().min(1),
  platform: z.string().min(1),
  cpuCount: z.number().int().min(1),
  memoryMiB: z.number().int().min(0),
  gpus: z.array(gpuSchema),
  engine: engineStatusSchema,
  /** Run ids the worker is still executing, so the server can reattach after a restart. */
  activeRunIds: z.array(z.string()).default([]),
});
export type WorkerRegistration = z.infer<typeof workerRegistrationSchema>;

export const workerHeartbeatSchema = z.object({
  activeRunIds: z.array(z.string()),
  engine: engineStatusSchema.optional(),
});
export type WorkerHeartbeat = z.infer<typeof workerHeartbeatSchema>;

export const workerStatusSchema = z.enum(['online', 'offline']);
export type WorkerStatus = z.infer<typeof workerStatusSchema>;

/** A worker as browsers and `/api/health` see it. */
export interface WorkerSummary extends Omit<WorkerRegistration, 'activeRunIds'> {
  status: WorkerStatus;
  activeRunIds: string[];
  firstSeenAt: string;
  lastSeenAt: string;
}
