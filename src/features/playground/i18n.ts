import type { Widen } from '../../i18n/widen.ts';

/** Texts of the playground tab; keys are used as `playground.<key>`. */
export const playgroundEn = {};

export const playgroundZhCN: Widen<typeof playgroundEn> = {};
