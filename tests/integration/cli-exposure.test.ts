import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { assertSafeExposure, ConfigError, resolveBoardConfig } from '../../server/config.ts';
import { tempDir } from '../helpers/board.ts';

describe('exposure beyond loopback', () => {
  it('refuses 0.0.0.0 without a token and says how to set one', () => {
    const config = resolveBoardConfig(['--host', '0.0.0.0'], {});
    expect(() => assertSafeExposure(config)).toThrow(ConfigError);
    expect(() => assertSafeExposure(config)).toThrow(/AUDIO_BOARD_TOKEN/);
  });

  it('allows 0.0.0.0 with a token from the environment', () => {
    const config = resolveBoardConfig(['--host', '0.0.0.0'], { AUDIO_BOARD_TOKEN: 'abc' });
    expect(() => assertSafeExposure(config)).not.toThrow();
  });

  it('prefers flags over environment variables', () => {
    const config = resolveBoardConfig(['--port', '9000'], {
      AUDIO_BOARD_PORT: '8000',
      AUDIO_BOARD_HOST: '::1',
    });
    expect(config.port).toBe(9000);
    expect(config.host).toBe('::1');
  });

  it('rejects a port that is not a number', () => {
    expect(() => resolveBoardConfig(['--port', 'eighty'], {})).toThrow(/Invalid port "eighty"/);
  });

  it('exits the serve command with the message', () => {
    const result = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        'server/cli.ts',
        'serve',
        '--host',
        '0.0.0.0',
        '--port',
        '0',
        '--data-dir',
        tempDir('cli'),
      ],
      { encoding: 'utf8', env: { ...process.env, AUDIO_BOARD_TOKEN: '' }, timeout: 30_000 },
    );
    expect(result.status).toBe(2);
    expect(result.stderr).toContain('Refusing to listen on 0.0.0.0 without a token');
    expect(result.stderr).toContain('--token');
  });
});
