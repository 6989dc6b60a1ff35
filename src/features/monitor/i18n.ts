import type { Widen } from '../../i18n/widen.ts';

/** Texts of the monitor tab; keys are used as `monitor.<key>`. */
export const monitorEn = {};

export const monitorZhCN: Widen<typeof monitorEn> = {};
