import path from 'node:path';
import { parseArgs } from 'node:util';

export interface BoardConfig {
  host: string;
  port: number;
  dataDir: string;
  /** Shared secret that browsers and workers must present; required beyond loopback. */
  token: string | null;
}

export const DEFAULT_HOST = '127.0.0.1';
export const DEFAULT_PORT = 7860;
export const DEFAULT_DATA_DIR = './.audio-board';

export class ConfigError extends Error {}

/** Resolves the board's settings: command-line flags win over `AUDIO_BOARD_*` variables. */
export function resolveBoardConfig(argv: string[], env: NodeJS.ProcessEnv): BoardConfig {
  const { values } = parseArgs({
    args: argv,
    options: {
      host: { type: 'string' },
      port: { type: 'string' },
      'data-dir': { type: 'string' },
      token: { type: 'string' },
    },
    strict: false,
    allowPositionals: true,
  });

  const host = stringOption(values.host) ?? env.AUDIO_BOARD_HOST ?? DEFAULT_HOST;
  const portText = stringOption(values.port) ?? env.AUDIO_BOARD_PORT ?? String(DEFAULT_PORT);
  const port = Number(portText);
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new ConfigError(
      `Invalid port "${portText}": use an integer from 0 to 65535 (--port or AUDIO_BOARD_PORT).`,
    );
  }

  const dataDir = path.resolve(
    stringOption(values['data-dir']) ?? env.AUDIO_BOARD_DATA_DIR ?? DEFAULT_DATA_DIR,
  );
  const token = stringOption(values.token) ?? env.AUDIO_BOARD_TOKEN ?? null;

  return { host, port, dataDir, token: token === '' ? null : token };
}

function stringOption(value: string | boolean | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export function isLoopbackHost(host: string): boolean {
  const bare = host.replace(/^\[|\]$/g, '');
  return bare === 'localhost' || bare === '::1' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(bare);
}

/** Rejects a board that would listen beyond loopback without a token. */
export function assertSafeExposure(config: BoardConfig): void {
  if (isLoopbackHost(config.host) || config.token) {
    return;
  }
  throw new ConfigError(
    `Refusing to listen on ${config.host} without a token: anyone who can reach this address could ` +
      'start training runs. Set one with --token <secret> or AUDIO_BOARD_TOKEN=<secret> ' +
      '(for example `AUDIO_BOARD_TOKEN=$(openssl rand -hex 16)`), then open the board with ' +
      '?token=<secret> and start workers with --token <secret>.',
  );
}
