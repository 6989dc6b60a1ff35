export * from './envelope.ts';
export * from './events.ts';
export * from './runs.ts';
export * from './workers.ts';
