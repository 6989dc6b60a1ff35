import { execFile } from 'node:child_process';
import os from 'node:os';
import { promisify } from 'node:util';
import type { Gpu } from '../protocol/workers.ts';

const execFileAsync = promisify(execFile);

/** Lists NVIDIA GPUs through `nvidia-smi`; an empty list means the host has none we can use. */
export async function probeGpus(): Promise<Gpu[]> {
  try {
    const { stdout } = await execFileAsync(
      'nvidia-smi',
      ['--query-gpu=index,name,memory.total,uuid,compute_cap', '--format=csv,noheader,nounits'],
      { timeout: 10_000 },
    );
    return parseNvidiaSmi(stdout);
  } catch {
    return [];
  }
}

export function parseNvidiaSmi(output: string): Gpu[] {
  const gpus: Gpu[] = [];
  for (const line of output.split('\n')) {
    const fields = line.split(',').map((field) => field.trim());
    if (fields.length < 3) {
      continue;
    }
    const [index, name, memory, uuid, computeCapability] = fields;
    const gpu: Gpu = {
      index: Number(index),
      name: name ?? 'GPU',
      memoryMiB: Math.round(Number(memory)),
    };
    if (uuid) {
      gpu.uuid = uuid;
    }
    if (computeCapability && computeCapability !== '[N/A]') {
      gpu.computeCapability = computeCapability;
    }
    if (Number.isInteger(gpu.index) && Number.isFinite(gpu.memoryMiB)) {
      gpus.push(gpu);
    }
  }
  return gpus;
}

export function systemInfo(): {
  hostname: string;
  platform: string;
  cpuCount: number;
  memoryMiB: number;
} {
  return {
    hostname: os.hostname(),
    platform: `${os.platform()}-${os.arch()}`,
    cpuCount: os.availableParallelism(),
    memoryMiB: Math.round(os.totalmem() / 1024 / 1024),
  };
}
