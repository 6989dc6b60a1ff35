import type { Widen } from '../../i18n/widen.ts';

/** Texts of the datasets tab; keys are used as `datasets.<key>`. */
export const datasetsEn = {};

export const datasetsZhCN: Widen<typeof datasetsEn> = {};
