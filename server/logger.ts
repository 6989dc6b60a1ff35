import pino from 'pino';

export type Logger = pino.Logger;

/** Creates the board's logger; `AUDIO_BOARD_LOG_LEVEL` overrides the level (default info). */
export function createLogger(
  name: string,
  level = process.env.AUDIO_BOARD_LOG_LEVEL ?? 'info',
): Logger {
  return pino({ name, level });
}

export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
