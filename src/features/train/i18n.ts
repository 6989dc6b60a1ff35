import type { Widen } from '../../i18n/widen.ts';

/** Texts of the train tab; keys are used as `train.<key>`. */
export const trainEn = {};

export const trainZhCN: Widen<typeof trainEn> = {};
