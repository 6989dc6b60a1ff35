/**
 * Creates the Python venv that runs LLaMA-Factory, from the pins in
 * `requirements.lock`, under the Audio Board cache folder.
 *
 * Run directly with `npx tsx server/engine/setup.ts`, or import `setupEngine`.
 */
import { spawn, spawnSync } from 'node:child_process';
import {
  existsSync,
  lstatSync,
  mkdirSync,
  readdirSync,
  realpathSync,
  renameSync,
  rmSync,
  statfsSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { pathToFileURL } from 'node:url';
import {
  defaultEnginePython,
  engineCompleteMarker,
  engineVenvDir,
  requirementsLockPath,
} from './paths.ts';

/** Free disk space needed for the venv: the measured install is about 7.8 GiB, mostly torch's CUDA libraries. */
export const REQUIRED_FREE_BYTES = 8 * 1024 ** 3;

const MIN_PYTHON_MINOR = 11;
// PyPI has wheels of every pin for CPython 3.11 to 3.13 (pip install --dry-run check), but none of torch 2.8.0 for 3.14.
// NOTE: only 3.11 has been installed and run end to end.
const MAX_PYTHON_MINOR = 13;

const PYTHON_HELP =
  'Install Python 3.11, 3.12 or 3.13 with venv support (Debian 12: apt-get install python3 python3-venv ' +
  'gives 3.11; Debian 13: apt-get install python3 python3-venv; elsewhere use pyenv: pyenv install 3.11), ' +
  "or set AUDIO_BOARD_PYTHON to the interpreter's path.";

// pip's messages when it cannot connect to the index, and when the index lacks a pinned version.
const CONNECTION_ERROR_PATTERN =
  /Failed to establish a new connection|Temporary failure in name resolution|Name or service not known|Network is unreachable|Connection refused|Max retries exceeded|Read timed out|ConnectTimeoutError|ProxyError|SSLError/;
const MISSING_DISTRIBUTION_PATTERN =
  /No matching distribution found|Could not find a version that satisfies/;

export class EngineSetupError extends Error {
  override name = 'EngineSetupError';
}

export interface SetupEngineOptions {
  log: (line: string) => void;
  /** Aborting it stops the running venv or pip process, and the call rejects. */
  signal?: AbortSignal;
}

export interface SetupEngineResult {
  /** The venv's Python interpreter. */
  python: string;
  /** True when an existing complete venv was found and nothing was installed. */
  reused: boolean;
  /** Wall time of the call in seconds. */
  seconds: number;
}

interface PythonCandidate {
  command: string;
  executable: string;
  version: string;
  minor: number;
  hasVenv: boolean;
}

function probePython(command: string): PythonCandidate | null {
  const script =
    'import sys, importlib.util as u\n' +
    'print(sys.executable)\n' +
    "print('%d.%d.%d' % sys.version_info[:3])\n" +
    'print(sys.version_info[0] * 1000 + sys.version_info[1])\n' +
    "print(int(u.find_spec('venv') is not None and u.find_spec('ensurepip') is not None))\n";
  const result = spawnSync(command, ['-c', script], { encoding: 'utf8', timeout: 15_000 });
  if (result.error || result.status !== 0) {
    return null;
  }
  const [executable, version, encoded, hasVenv] = result.stdout.trim().split('\n');
  if (!executable || !version || !encoded) {
    return null;
  }
  const code = Number(encoded);
  if (Math.floor(code / 1000) !== 3) {
    return null;
  }
  return { command, executable, version, minor: code % 1000, hasVenv: hasVenv === '1' };
}

/**
 * Finds a CPython 3.11 to 3.13 with the venv module. It tries
 * `$AUDIO_BOARD_PYTHON` alone when that is set, otherwise python3.13,
 * python3.12, python3.11 and python3 on PATH, in that order.
 */
export function findPython(log: (line: string) => void): PythonCandidate {
  const explicit = process.env.AUDIO_BOARD_PYTHON;
  const commands = explicit ? [explicit] : ['python3.13', 'python3.12', 'python3.11', 'python3'];
  const rejected: string[] = [];

  for (const command of commands) {
    const candidate = probePython(command);
    if (!candidate) {
      rejected.push(`${command}: not found or failed to run`);
      continue;
    }
    if (candidate.minor < MIN_PYTHON_MINOR || candidate.minor > MAX_PYTHON_MINOR) {
      rejected.push(
        `${command}: Python ${candidate.version} is outside 3.${MIN_PYTHON_MINOR} to 3.${MAX_PYTHON_MINOR}`,
      );
      continue;
    }
    if (!candidate.hasVenv) {
      rejected.push(
        `${command}: Python ${candidate.version} lacks the venv or ensurepip module (Debian: apt-get install python3-venv)`,
      );
      continue;
    }
    log(`using Python ${candidate.version} at ${candidate.executable} (found as ${command})`);
    return candidate;
  }

  const source = explicit ? 'AUDIO_BOARD_PYTHON' : 'PATH';
  throw new EngineSetupError(
    `No usable Python 3.${MIN_PYTHON_MINOR}+ found on ${source}:\n  ${rejected.join('\n  ')}\n${PYTHON_HELP}`,
  );
}

/** Returns the nearest existing folder at or above `path`, for the free-space check. */
function existingAncestor(path: string): string {
  let current = path;
  while (!existsSync(current)) {
    const parent = dirname(current);
    if (parent === current) {
      break;
    }
    current = parent;
  }
  return current;
}

function formatGiB(bytes: number): string {
  return `${(bytes / 1024 ** 3).toFixed(1)} GiB`;
}

function checkFreeSpace(path: string, log: (line: string) => void): void {
  const checked = existingAncestor(path);
  const stats = statfsSync(checked);
  const free = Number(stats.bavail) * Number(stats.bsize);
  if (free < REQUIRED_FREE_BYTES) {
    throw new EngineSetupError(
      `Not enough free disk space for the engine venv: ${formatGiB(free)} free at ${checked}, ` +
        `${formatGiB(REQUIRED_FREE_BYTES)} needed. Free some space, or set AUDIO_BOARD_CACHE_DIR to a folder on a larger disk.`,
    );
  }
  log(`free disk space at ${checked}: ${formatGiB(free)}`);
}

function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM means the process exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Removes build folders of this lock hash left by interrupted runs whose
 * process has exited. The folder that the venv link points to is kept,
 * because a concurrent run may have just finished it.
 */
function removeStaleBuilds(
  buildsDir: string,
  venvDir: string,
  hash: string,
  log: (line: string) => void,
): void {
  if (!existsSync(buildsDir)) {
    return;
  }
  const linkedBuild = existsSync(venvDir) ? realpathSync(venvDir) : null;
  for (const entry of readdirSync(buildsDir)) {
    const match = /^([0-9a-f]{16})-(\d+)-\d+$/.exec(entry);
    if (!match || match[1] !== hash || isProcessAlive(Number(match[2]))) {
      continue;
    }
    if (realpathSync(join(buildsDir, entry)) === linkedBuild) {
      continue;
    }
    log(`removing unfinished build ${join(buildsDir, entry)}`);
    rmSync(join(buildsDir, entry), { recursive: true, force: true });
  }
}

/** Runs a command, sends each output line to `log`, and returns the exit code and the output lines. */
function runStreaming(
  command: string,
  args: string[],
  log: (line: string) => void,
  env: NodeJS.ProcessEnv = process.env,
  signal?: AbortSignal,
): Promise<{ code: number; lines: string[] }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { env, signal, stdio: ['ignore', 'pipe', 'pipe'] });
    const lines: string[] = [];
    const onLine = (line: string): void => {
      lines.push(line);
      log(line);
    };
    createInterface({ input: child.stdout }).on('line', onLine);
    createInterface({ input: child.stderr }).on('line', onLine);
    // An aborted child emits 'error' first. Rejecting waits for 'close', so the caller can remove its files safely.
    let startError: Error | null = null;
    child.on('error', (error) => {
      startError = error;
      if (child.pid === undefined) {
        reject(error);
      }
    });
    child.on('close', (code, exitSignal) => {
      if (startError) {
        reject(startError);
        return;
      }
      resolve({ code: code ?? (exitSignal ? 128 : 1), lines });
    });
  });
}

async function buildVenv(
  python: PythonCandidate,
  buildDir: string,
  log: (line: string) => void,
  signal?: AbortSignal,
): Promise<void> {
  log(`creating venv in ${buildDir}`);
  const created = await runStreaming(
    python.executable,
    ['-m', 'venv', buildDir],
    log,
    process.env,
    signal,
  );
  if (created.code !== 0) {
    throw new EngineSetupError(
      `python -m venv failed with exit code ${created.code} (Debian: apt-get install python3-venv).`,
    );
  }

  const venvPython = join(buildDir, 'bin', 'python');
  // The lock lists every package, so dependency resolution is skipped (--no-deps) and `pip check` verifies it instead.
  log(`installing the packages of ${requirementsLockPath}`);
  const pipEnv = {
    ...process.env,
    PIP_DISABLE_PIP_VERSION_CHECK: '1',
    PIP_NO_INPUT: '1',
    PYTHONUNBUFFERED: '1',
  };
  const installed = await runStreaming(
    venvPython,
    ['-m', 'pip', 'install', '--no-deps', '--progress-bar', 'off', '-r', requirementsLockPath],
    log,
    pipEnv,
    signal,
  );
  if (installed.code !== 0) {
    const connectionLine = installed.lines.find((line) => CONNECTION_ERROR_PATTERN.test(line));
    if (connectionLine) {
      throw new EngineSetupError(
        `pip install failed: the package index could not be reached ("${connectionLine.trim()}"). ` +
          'Check the network connection, proxy settings (HTTPS_PROXY) and PIP_INDEX_URL, then run the set-up again.',
      );
    }
    const missingLine = installed.lines.find((line) => MISSING_DISTRIBUTION_PATTERN.test(line));
    if (missingLine) {
      throw new EngineSetupError(
        `pip install failed: a pinned package was not available ("${missingLine.trim()}"). ` +
          'Either the package index is unreachable (check the network, HTTPS_PROXY and PIP_INDEX_URL) ' +
          `or it has no wheel for Python ${python.version} on this platform` +
          (python.minor === 11 ? '.' : ' (Python 3.11 is the tested version).'),
      );
    }
    throw new EngineSetupError(
      `pip install failed with exit code ${installed.code}. See the pip output above.`,
    );
  }

  const checked = await runStreaming(venvPython, ['-m', 'pip', 'check'], log, pipEnv, signal);
  if (checked.code !== 0) {
    throw new EngineSetupError(
      'pip check found inconsistent requirements in the engine venv. See the output above.',
    );
  }

  const imported = await runStreaming(
    venvPython,
    [
      '-c',
      "import torch, transformers, peft, llamafactory; print('imported llamafactory', llamafactory.__version__)",
    ],
    log,
    { ...process.env, HF_HUB_OFFLINE: '1' },
    signal,
  );
  if (imported.code !== 0) {
    throw new EngineSetupError(
      'The engine venv was installed, but importing llamafactory failed. See the output above.',
    );
  }
}

/**
 * Ensures the engine venv exists and returns its Python.
 *
 * A venv with `.complete` is reused at once. Otherwise the venv is built in
 * `<cache>/engine/builds/<hash>-<pid>-<time>`, `.complete` is written there,
 * and only then the symbolic link `<cache>/engine/<hash>` is renamed into
 * place, so an interrupted run never leaves a venv that looks complete. A
 * venv cannot be moved after installation because its scripts contain its
 * absolute path, which is why a link is renamed instead of the folder.
 */
export async function setupEngine(options: SetupEngineOptions): Promise<SetupEngineResult> {
  const { log } = options;
  const started = performance.now();
  const seconds = (): number => Math.round((performance.now() - started) / 10) / 100;
  const venvDir = engineVenvDir();

  if (existsSync(engineCompleteMarker())) {
    log(`reusing the engine venv at ${venvDir}`);
    return { python: defaultEnginePython(), reused: true, seconds: seconds() };
  }

  const python = findPython(log);
  const hash = basename(venvDir);
  const engineDir = dirname(venvDir);
  const buildsDir = join(engineDir, 'builds');
  checkFreeSpace(engineDir, log);
  mkdirSync(buildsDir, { recursive: true });
  removeStaleBuilds(buildsDir, venvDir, hash, log);

  const buildName = `${hash}-${process.pid}-${Date.now()}`;
  const buildDir = join(buildsDir, buildName);
  try {
    await buildVenv(python, buildDir, log, options.signal);
    writeFileSync(
      join(buildDir, '.complete'),
      `${JSON.stringify({ lockHash: hash, python: python.version, completedAt: new Date().toISOString() })}\n`,
    );

    // A leftover entry without .complete (an older layout or a copy by hand) is replaced.
    if (existsSync(venvDir) || isBrokenLink(venvDir)) {
      log(`replacing incomplete ${venvDir}`);
      rmSync(venvDir, { recursive: true, force: true });
    }
    const temporaryLink = `${venvDir}.link-${process.pid}`;
    rmSync(temporaryLink, { force: true });
    symlinkSync(join('builds', buildName), temporaryLink);
    // NOTE: two set-ups running at once both install. The last rename wins, and the other build stays in builds/ until removed by hand.
    renameSync(temporaryLink, venvDir);
  } catch (error) {
    rmSync(buildDir, { recursive: true, force: true });
    throw error;
  }

  log(`engine venv ready at ${venvDir} (${realpathSync(venvDir)}) after ${seconds()} s`);
  return { python: defaultEnginePython(), reused: false, seconds: seconds() };
}

function isBrokenLink(path: string): boolean {
  try {
    return lstatSync(path).isSymbolicLink() && !existsSync(path);
  } catch {
    return false;
  }
}

async function main(): Promise<void> {
  // Stops pip on Ctrl+C or SIGTERM and removes the unfinished build before exiting.
  const controller = new AbortController();
  process.once('SIGINT', () => controller.abort());
  process.once('SIGTERM', () => controller.abort());

  try {
    const result = await setupEngine({
      log: (line) => console.log(line),
      signal: controller.signal,
    });
    console.log(`engine python: ${result.python}`);
    console.log(`${result.reused ? 'reused' : 'built'} in ${result.seconds} s`);
  } catch (error) {
    if (error instanceof EngineSetupError) {
      console.error(`error: ${error.message}`);
      process.exit(1);
    }
    if (controller.signal.aborted) {
      console.error(
        'error: engine set-up interrupted. The unfinished build was removed. Run the set-up again.',
      );
      process.exit(130);
    }
    throw error;
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(realpathSync(process.argv[1])).href) {
  await main();
}
