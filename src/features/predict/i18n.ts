import type { Widen } from '../../i18n/widen.ts';

/** Texts of the predict tab; keys are used as `predict.<key>`. */
export const predictEn = {};

export const predictZhCN: Widen<typeof predictEn> = {};
