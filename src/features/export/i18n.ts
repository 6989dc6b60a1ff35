import type { Widen } from '../../i18n/widen.ts';

/** Texts of the export tab; keys are used as `export.<key>`. */
export const exportEn = {
  title: 'Merge an adapter into its base model',
  intro:
    'Runs `llamafactory-cli export` on a worker. The base model is loaded unquantized, because the engine cannot merge into a quantized model, so a QLoRA adapter is merged into the full-precision base.',
  run: 'Finished LoRA run',
  noRuns: 'No finished LoRA run yet: train one in the Train tab first.',
  baseModel: 'Base model',
  adapter: 'Adapter',
  template: 'Template',
  exportDir: 'Export folder (export_dir)',
  exportDirHelp: 'Folder for the merged model; relative paths are under the worker’s work folder.',
  exportSize: 'Shard size (export_size, GB)',
  exportSizeHelp: 'Largest weight file of the merged model, in GB.',
  exportDevice: 'Device (export_device)',
  exportDeviceHelp: 'cpu needs no GPU; auto uses the worker’s GPUs when it has them.',
  legacyFormat: 'Legacy .bin format (export_legacy_format)',
  legacyFormatHelp: 'Off writes safetensors, which loads faster and safely.',
  exportDirRequired: 'The export folder is empty: enter a folder, e.g. saves/demo/lora/merged.',
  exportSizeInvalid: 'The shard size must be a whole number of GB from 1 to 100.',
  yaml: 'Export config',
  start: 'Start export',
  verifyHint:
    'After the export, open the Playground and ask the merged model (its export folder as the model path) and the adapter the same questions: greedy answers should be identical.',
};

export const exportZhCN: Widen<typeof exportEn> = {
  title: '将适配器合并进基座模型',
  intro:
    '在工作节点上运行 `llamafactory-cli export`。引擎无法合并进量化模型，因此基座模型以非量化方式加载，QLoRA 适配器会合并进全精度基座。',
  run: '已完成的 LoRA 训练',
  noRuns: '还没有已完成的 LoRA 训练：请先在“训练”标签页训练一个。',
  baseModel: '基座模型',
  adapter: '适配器',
  template: '模板',
  exportDir: '导出目录（export_dir）',
  exportDirHelp: '合并后模型的存放目录；相对路径位于工作节点的工作目录下。',
  exportSize: '分片大小（export_size，GB）',
  exportSizeHelp: '合并后模型单个权重文件的最大大小，单位 GB。',
  exportDevice: '设备（export_device）',
  exportDeviceHelp: 'cpu 不需要 GPU；auto 在工作节点有 GPU 时使用 GPU。',
  legacyFormat: '旧版 .bin 格式（export_legacy_format）',
  legacyFormatHelp: '关闭时写出 safetensors，加载更快也更安全。',
  exportDirRequired: '导出目录为空：请输入目录，例如 saves/demo/lora/merged。',
  exportSizeInvalid: '分片大小必须是 1 到 100 之间的整数（GB）。',
  yaml: '导出配置',
  start: '开始导出',
  verifyHint:
    '导出完成后，打开“试用”标签页，向合并后的模型（模型路径填导出目录）和适配器提出相同的问题：贪心解码的回答应完全一致。',
};
