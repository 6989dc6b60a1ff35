import { describe, expect, it } from 'vitest';
import { configNeedsGpu } from '../../server/runs/placement.ts';
import { supportsCpuQuantization } from '../../server/worker/engine-probe.ts';

describe('CPU quantization support', () => {
  it.each([
    [undefined, false],
    ['0.43.1', false],
    ['0.47.0', false],
    ['0.48.0', true],
    ['0.50.2', true],
    ['1.0.0', true],
  ])('bitsandbytes %s gives %s', (version, expected) => {
    expect(supportsCpuQuantization(version)).toBe(expected);
  });

  it('places a QLoRA run on a CPU worker only when its bitsandbytes quantizes on the CPU', () => {
    expect(configNeedsGpu({ quantization_bit: 4 }, true)).toBe(false);
    expect(configNeedsGpu({ quantization_bit: 4 }, false)).toBe(true);
    expect(configNeedsGpu({ bf16: true }, true)).toBe(true);
  });
});
