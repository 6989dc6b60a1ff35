import type { Widen } from '../../i18n/widen.ts';

/** Texts of the export tab; keys are used as `export.<key>`. */
export const exportEn = {};

export const exportZhCN: Widen<typeof exportEn> = {};
