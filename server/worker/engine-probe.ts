import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { EngineStatus } from '../protocol/workers.ts';

export const SETUP_COMMAND = 'npm run setup:engine';

export interface EngineLocation {
  python: string;
  cli: string;
}

/** The `llamafactory-cli` that sits beside a Python interpreter in its virtual environment. */
export function engineLocation(python: string): EngineLocation {
  return { python, cli: path.join(path.dirname(python), 'llamafactory-cli') };
}

/**
 * Checks that the engine can start by running `llamafactory-cli version`, which imports torch,
 * transformers and LLaMA-Factory itself, so a broken install fails here and not at the first run.
 */
export async function probeEngine(
  location: EngineLocation,
  timeoutMs = 120_000,
): Promise<EngineStatus> {
  if (!fs.existsSync(location.python)) {
    return {
      state: 'not_ready',
      code: 'python_missing',
      reason: `Python not found at ${location.python}.`,
      fix: `Run \`${SETUP_COMMAND}\`, or start the worker with --engine-python <path to a Python with llamafactory installed>.`,
      python: location.python,
    };
  }
  if (!fs.existsSync(location.cli)) {
    return {
      state: 'not_ready',
      code: 'cli_missing',
      reason: `llamafactory-cli not found beside ${location.python}.`,
      fix: `Run \`${SETUP_COMMAND}\`, or install LLaMA-Factory into that environment: \`${location.python} -m pip install llamafactory==0.9.5\`.`,
      python: location.python,
    };
  }

  const result = await runVersion(location.cli, timeoutMs);
  const version = /version\s+v?([0-9][0-9A-Za-z.+-]*)/i.exec(result.output)?.[1];
  if (result.code !== 0 || !version) {
    const lastLines = result.output.trim().split('\n').slice(-3).join(' | ');
    return {
      state: 'not_ready',
      code: 'cli_failed',
      reason: `\`llamafactory-cli version\` failed (exit ${result.code ?? result.signal}): ${lastLines || 'no output'}`,
      fix: `Run \`${SETUP_COMMAND}\` to rebuild the engine environment, or point --engine-python at a working LLaMA-Factory install.`,
      python: location.python,
    };
  }
  const packages = await probePackages(location.python, timeoutMs);
  return {
    state: 'ready',
    version,
    python: location.python,
    cli: location.cli,
    packages,
    cpuQuantization: supportsCpuQuantization(packages.bitsandbytes),
  };
}

const PROBED_PACKAGES = [
  'torch',
  'torchaudio',
  'transformers',
  'peft',
  'trl',
  'bitsandbytes',
  'vllm',
  'deepspeed',
];

// Reads installed versions from package metadata only, so the probe imports nothing heavy.
const PACKAGES_SCRIPT = `
import importlib.metadata as metadata, json, sys
versions = {}
for name in sys.argv[1:]:
    try:
        versions[name] = metadata.version(name)
    except metadata.PackageNotFoundError:
        pass
print(json.dumps(versions))
`;

async function probePackages(python: string, timeoutMs: number): Promise<Record<string, string>> {
  return new Promise((resolve) => {
    execFile(
      python,
      ['-c', PACKAGES_SCRIPT, ...PROBED_PACKAGES],
      { timeout: timeoutMs },
      (error, stdout) => {
        if (error) {
          resolve({});
          return;
        }
        try {
          resolve(JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as Record<string, string>);
        } catch {
          resolve({});
        }
      },
    );
  });
}

/**
 * bitsandbytes runs 4- and 8-bit layers on the CPU since its multi-backend releases.
 * NOTE: verified with 0.50.2 (QLoRA training of the demo model on 2 CPU cores); 0.48 is the
 * oldest release assumed to have the CPU backend.
 */
export function supportsCpuQuantization(version: string | undefined): boolean {
  if (!version) {
    return false;
  }
  const [major = 0, minor = 0] = version.split('.').map((part) => Number.parseInt(part, 10));
  return major > 0 || minor >= 48;
}

function runVersion(
  cli: string,
  timeoutMs: number,
): Promise<{ code: number | null; signal: string | null; output: string }> {
  return new Promise((resolve) => {
    execFile(
      cli,
      ['version'],
      {
        timeout: timeoutMs,
        env: { ...process.env, HF_HUB_OFFLINE: '1', DISABLE_VERSION_CHECK: '1' },
      },
      (error, stdout, stderr) => {
        const output = `${stdout}\n${stderr}`;
        if (!error) {
          resolve({ code: 0, signal: null, output });
          return;
        }
        const failure = error as NodeJS.ErrnoException & {
          code?: unknown;
          signal?: NodeJS.Signals | null;
        };
        resolve({
          code: typeof failure.code === 'number' ? failure.code : null,
          signal: failure.signal ?? null,
          output: `${output}\n${failure.message}`,
        });
      },
    );
  });
}
