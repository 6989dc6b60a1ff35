import type { EngineConfig } from '../protocol/runs.ts';
import type { WorkerRegistration } from '../protocol/workers.ts';

export type PlacementCheck = { ok: true } | { ok: false; reason: string };

/** Returns true when the run's config requests anything that needs a CUDA device. */
export function configNeedsGpu(config: EngineConfig, cpuQuantization: boolean): boolean {
  const quantized = config.quantization_bit !== undefined && config.quantization_bit !== null;
  return (
    (quantized && !cpuQuantization) ||
    config.bf16 === true ||
    config.fp16 === true ||
    config.pure_bf16 === true ||
    (typeof config.deepspeed === 'string' && config.deepspeed !== '')
  );
}

/**
 * Decides whether a worker can take a run now, with the reason when it cannot.
 * TODO: with several hosts, send exports and resumed runs to the worker that stores the
 * adapter or checkpoint; today any capable worker may take them.
 */
export function workerCanRun(worker: WorkerRegistration, config: EngineConfig): PlacementCheck {
  if (worker.engine.state !== 'ready') {
    return { ok: false, reason: `engine not ready: ${worker.engine.reason}` };
  }
  if (configNeedsGpu(config, worker.engine.cpuQuantization) && worker.gpus.length === 0) {
    return { ok: false, reason: 'the config needs a GPU and this worker has none' };
  }
  return { ok: true };
}
