import { datasetsEn, datasetsZhCN } from '../features/datasets/i18n.ts';
import { exportEn, exportZhCN } from '../features/export/i18n.ts';
import { monitorEn, monitorZhCN } from '../features/monitor/i18n.ts';
import { playgroundEn, playgroundZhCN } from '../features/playground/i18n.ts';
import { predictEn, predictZhCN } from '../features/predict/i18n.ts';
import { trainEn, trainZhCN } from '../features/train/i18n.ts';
import { en } from './en.ts';
import { zhCN } from './zh-CN.ts';

/** Every catalogue, composed from the shell's texts and one namespace per feature tab. */
export const catalogues = {
  en: {
    ...en,
    train: trainEn,
    monitor: monitorEn,
    playground: playgroundEn,
    datasets: datasetsEn,
    export: exportEn,
    predict: predictEn,
  },
  'zh-CN': {
    ...zhCN,
    train: trainZhCN,
    monitor: monitorZhCN,
    playground: playgroundZhCN,
    datasets: datasetsZhCN,
    export: exportZhCN,
    predict: predictZhCN,
  },
};
