import { type ChildProcess, spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { createBoardServer } from './app.ts';
import { assertSafeExposure, ConfigError, resolveBoardConfig } from './config.ts';
import { defaultEnginePython } from './engine/paths.ts';
import { createLogger, type Logger } from './logger.ts';
import { startWorker } from './worker/agent.ts';
import { engineLocation } from './worker/engine-probe.ts';

const USAGE = `Usage: audio-board <command> [options]

Commands:
  start     serve the board and start one local worker (what \`npm start\` runs)
  serve     serve the board only
  worker    run a worker that connects to a board

Board options (or AUDIO_BOARD_HOST, AUDIO_BOARD_PORT, AUDIO_BOARD_DATA_DIR, AUDIO_BOARD_TOKEN):
  --host <address>      address to listen on (default 127.0.0.1)
  --port <number>       port to listen on (default 7860)
  --data-dir <path>     folder for the database and uploads (default ./.audio-board)
  --token <secret>      token that browsers and workers must present; required beyond loopback

Worker options:
  --server <url>        board URL, e.g. http://10.0.0.5:7860 (or AUDIO_BOARD_SERVER)
  --token <secret>      the board's token (or AUDIO_BOARD_TOKEN)
  --work-dir <path>     folder for run outputs given as relative paths (or AUDIO_BOARD_WORK_DIR)
  --engine-python <p>   Python of an existing LLaMA-Factory install (or AUDIO_BOARD_ENGINE_PYTHON);
                        default: the environment made by \`npm run setup:engine\`
`;

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  const logger = createLogger('audio-board');
  switch (command) {
    case 'start':
      await serve(rest, logger, true);
      return;
    case 'serve':
      await serve(rest, logger, false);
      return;
    case 'worker':
      await worker(rest, logger);
      return;
    case undefined:
    case '--help':
    case '-h':
    case 'help':
      process.stdout.write(USAGE);
      return;
    default:
      process.stderr.write(`Unknown command "${command}".\n\n${USAGE}`);
      process.exitCode = 2;
  }
}

async function serve(argv: string[], logger: Logger, withWorker: boolean): Promise<void> {
  const config = resolveBoardConfig(argv, process.env);
  assertSafeExposure(config);

  const server = await createBoardServer({
    ...config,
    logger,
    staticDir: path.join(ROOT, 'dist'),
  });
  const url = await server.listen();
  logger.info({ url, dataDir: config.dataDir }, `Audio Board is serving at ${url}`);

  let child: ChildProcess | null = null;
  if (withWorker) {
    const localUrl = `http://127.0.0.1:${new URL(url).port}`;
    const workerArgs = [
      'worker',
      '--server',
      localUrl,
      '--work-dir',
      path.join(config.dataDir, 'worker'),
    ];
    const enginePython = stringFlag(argv, 'engine-python');
    if (enginePython) {
      workerArgs.push('--engine-python', enginePython);
    }
    child = spawn(
      process.execPath,
      [...process.execArgv, fileURLToPath(import.meta.url), ...workerArgs],
      {
        stdio: 'inherit',
        env: { ...process.env, ...(config.token ? { AUDIO_BOARD_TOKEN: config.token } : {}) },
      },
    );
    child.on('exit', (code, signal) => {
      logger.warn({ code, signal }, 'local worker exited');
    });
  }

  const shutdown = onceOnly(async (signal: string) => {
    logger.info({ signal }, 'shutting down');
    if (child && child.exitCode === null) {
      child.kill('SIGTERM');
      await new Promise((resolve) => child?.once('exit', resolve));
    }
    await server.close();
    process.exit(0);
  });
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

async function worker(argv: string[], logger: Logger): Promise<void> {
  const serverUrl = stringFlag(argv, 'server') ?? process.env.AUDIO_BOARD_SERVER;
  if (!serverUrl) {
    throw new ConfigError(
      'Missing --server <url>: the board to connect to, e.g. http://127.0.0.1:7860.',
    );
  }
  const token = stringFlag(argv, 'token') ?? process.env.AUDIO_BOARD_TOKEN ?? null;
  const workDir = path.resolve(
    stringFlag(argv, 'work-dir') ??
      process.env.AUDIO_BOARD_WORK_DIR ??
      path.join('.audio-board', 'worker'),
  );
  const python =
    stringFlag(argv, 'engine-python') ??
    process.env.AUDIO_BOARD_ENGINE_PYTHON ??
    defaultEnginePython();

  const agent = await startWorker({
    serverUrl: serverUrl.replace(/\/+$/, ''),
    token,
    workDir,
    engine: engineLocation(path.resolve(python)),
    logger: logger.child({ role: 'worker' }),
  });

  const shutdown = onceOnly(async (signal: string) => {
    logger.info({ signal, workerId: agent.workerId }, 'worker stopping; aborting its runs');
    await agent.stop();
    process.exit(0);
  });
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}

/**
 * Runs `shutdown` on the first signal only. A process group kill and the board's own SIGTERM
 * to its local worker arrive together, and a second SIGTERM without a handler would kill the
 * worker before it has stopped its engine processes.
 */
function onceOnly(shutdown: (signal: string) => Promise<void>): (signal: string) => Promise<void> {
  let started: Promise<void> | null = null;
  return (signal) => {
    started ??= shutdown(signal);
    return started;
  };
}

function stringFlag(argv: string[], name: string): string | undefined {
  const { values } = parseArgs({
    args: argv,
    options: { [name]: { type: 'string' } },
    strict: false,
    allowPositionals: true,
  });
  const value = values[name];
  return typeof value === 'string' ? value : undefined;
}

main(process.argv.slice(2)).catch((error: unknown) => {
  if (error instanceof ConfigError) {
    process.stderr.write(`audio-board: ${error.message}\n`);
    process.exit(2);
  }
  process.stderr.write(
    `audio-board: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
