import type { ModelModules } from '@protocol/models.ts';
import { deviceContextFromWorkers, type TrainValidationContext } from '@protocol/train-config.ts';
import type { WorkerSummary } from '@protocol/workers.ts';

/**
 * Builds the validator's context in the browser: the online worker a run would most likely go
 * to, the selected GPUs and the model's modules. Output folder reuse is only known to the
 * board, which reports it when Start is pressed.
 */
export function trainValidationContext(
  workers: readonly WorkerSummary[],
  gpus: readonly number[],
  modules: ModelModules | undefined,
): TrainValidationContext {
  return {
    device: deviceContextFromWorkers(workers),
    cudaVisibleDevices: gpus.length > 0 ? gpus : null,
    modules:
      modules && modules.modules.length > 0 ? modules.modules.map((item) => item.name) : undefined,
  };
}
