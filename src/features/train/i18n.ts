import { VALIDATION_MESSAGES_EN } from '@protocol/train-config.ts';
import type { Widen } from '../../i18n/widen.ts';

/** Texts of the train tab; keys are used as `train.<key>`. */
export const trainEn = {
  /** Names of the model presets whose label is not a model name. */
  presetNames: {
    'cpu-demo': 'CPU demo (tiny Qwen2-Audio)',
    custom: 'Custom',
  },
  baseTemplateSuffix: '(base)',
  sections: {
    model: 'Model',
    method: 'Method',
    data: 'Dataset',
    basic: 'Basic',
    lora: 'LoRA',
    freeze: 'Freeze',
    multimodal: 'Audio and multimodal freezing',
    advanced: 'Advanced',
    distributed: 'Distributed',
    config: 'Engine config',
    presets: 'Presets',
  },
  model: {
    preset: 'Model',
    demoUnavailable:
      'The CPU demo is not built on this board yet: run `npm run fixtures`, then choose it again.',
    demoApplied: 'Applied the CPU demo recipe: tiny model {{modelDir}}, dataset {{dataset}}.',
    customHint: 'A local folder (e.g. /models/Qwen2-Audio-7B) or a hub id (owner/name).',
  },
  methodNames: {
    lora: 'LoRA',
    qlora: 'QLoRA (bitsandbytes)',
    freeze: 'Freeze (last layers)',
    full: 'Full',
  },
  computeTypes: {
    bf16: 'bf16 (mixed precision)',
    fp16: 'fp16 (mixed precision)',
    fp32: 'fp32 (CPU)',
    pure_bf16: 'pure bf16',
  },
  deepspeedStages: {
    none: 'none',
    '2': 'ZeRO-2',
    '3': 'ZeRO-3',
  },
  fields: {
    modelPreset: {
      label: 'Model',
      help: 'A preset fills the path and template; Custom takes any local folder or hub id.',
    },
    finetuning_type: {
      label: 'Method',
      help: 'LoRA trains small adapters; QLoRA does so on a 4- or 8-bit base; freeze and full train weights.',
    },
    model_name_or_path: {
      label: 'Model path',
      help: 'Local folder or hub id of the base model.',
    },
    template: {
      label: 'Template',
      help: 'Chat template that formats prompts; Qwen2-Audio uses qwen2_audio.',
    },
    adapter_name_or_path: {
      label: 'Continue from adapter',
      help: 'Adapter (checkpoint) folder of an earlier run to keep training; empty starts a new one.',
    },
    quantization_bit: {
      label: 'Quantization bits',
      help: 'Loads the base model in 4 or 8 bits with bitsandbytes; needs a CUDA GPU.',
    },
    double_quantization: {
      label: 'Double quantization',
      help: 'Also quantizes the quantization constants, saving about 0.4 bits per weight.',
    },
    dataset_dir: {
      label: 'Dataset folder',
      help: 'Folder that holds dataset_info.json; paths of audio files are relative to it.',
    },
    dataset: {
      label: 'Datasets',
      help: 'Entries of dataset_info.json to train on; hold Ctrl or Cmd to pick several.',
    },
    cutoff_len: {
      label: 'Cutoff length',
      help: 'Maximum tokens per sample after tokenization; each second of audio takes about 25.',
    },
    learning_rate: { label: 'Learning rate', help: 'Peak learning rate of AdamW, e.g. 5e-5.' },
    num_train_epochs: {
      label: 'Epochs',
      help: 'Passes over the dataset; fractions are allowed.',
    },
    max_samples: {
      label: 'Max samples',
      help: 'Uses at most this many samples of each dataset; empty uses all.',
    },
    per_device_train_batch_size: {
      label: 'Batch size',
      help: 'Samples per device in each forward pass.',
    },
    gradient_accumulation_steps: {
      label: 'Gradient accumulation',
      help: 'Forward passes per optimizer step; effective batch = batch size × this × devices.',
    },
    lr_scheduler_type: { label: 'LR scheduler', help: 'How the learning rate changes over steps.' },
    warmup_steps: {
      label: 'Warmup steps',
      help: 'Optimizer steps during which the learning rate rises from 0.',
    },
    max_grad_norm: { label: 'Max gradient norm', help: 'Gradients are clipped to this norm.' },
    logging_steps: {
      label: 'Logging steps',
      help: 'Writes loss and learning rate every this many optimizer steps.',
    },
    save_steps: {
      label: 'Save steps',
      help: 'Saves a checkpoint every this many optimizer steps (and evaluates, with a validation split).',
    },
    val_size: {
      label: 'Validation size',
      help: 'Fraction of the data held out for eval loss, in [0, 1); 0 turns evaluation off.',
    },
    seed: { label: 'Seed', help: 'Random seed for shuffling and initialization.' },
    compute_type: {
      label: 'Compute type',
      help: 'Number format for training: bf16 needs an Ampere or newer GPU; a CPU trains in fp32.',
    },
    lora_rank: { label: 'LoRA rank', help: 'Rank of the low-rank update matrices.' },
    lora_alpha: {
      label: 'LoRA alpha',
      help: 'Scale of the LoRA update (alpha / rank); usually twice the rank.',
    },
    lora_dropout: { label: 'LoRA dropout', help: 'Dropout on the LoRA input, in [0, 1).' },
    lora_target: {
      label: 'LoRA target modules',
      help: 'Linear modules that get adapters; all covers every Linear except lm_head and the projector.',
    },
    use_rslora: { label: 'rsLoRA', help: 'Scales the update by alpha / √rank (rank-stabilized).' },
    use_dora: { label: 'DoRA', help: 'Weight-decomposed LoRA; slower, sometimes better.' },
    pissa: {
      label: 'PiSSA',
      help: 'Initializes the adapter from principal singular vectors (pissa_init and pissa_convert).',
    },
    additional_target: {
      label: 'Additional trainable modules',
      help: 'Modules trained in full beside the adapters, comma-separated, e.g. embed_tokens.',
    },
    freeze_trainable_layers: {
      label: 'Trainable layers',
      help: 'Trains the last N layers (positive) or the first N layers (negative).',
    },
    freeze_trainable_modules: {
      label: 'Trainable modules',
      help: 'Module names inside those layers to train, comma-separated, or all.',
    },
    freeze_vision_tower: {
      label: 'Freeze the audio tower',
      help: 'Keeps the audio encoder fixed (LLaMA-Factory calls it the vision tower).',
    },
    freeze_multi_modal_projector: {
      label: 'Freeze the projector',
      help: 'Keeps the layer that maps audio features into the language model fixed.',
    },
    freeze_language_model: {
      label: 'Freeze the language model',
      help: 'Trains only the audio side; for full or freeze tuning.',
    },
    deepspeed: {
      label: 'DeepSpeed stage',
      help: 'ZeRO stage that shards optimizer state (2) or also weights (3) across GPUs.',
    },
    deepspeed_offload: {
      label: 'Offload to CPU',
      help: 'Moves optimizer state to CPU memory: slower, but fits larger models.',
    },
    cuda_visible_devices: {
      label: 'GPUs',
      help: 'GPU indices the run may use (CUDA_VISIBLE_DEVICES); none ticked uses every GPU.',
    },
    output_dir: {
      label: 'Output directory',
      help: 'Folder for checkpoints, the adapter and logs, on the worker host.',
    },
    overwrite_output_dir: {
      label: 'Overwrite output directory',
      help: 'Starts over in a folder that already holds checkpoints instead of resuming from them.',
    },
    preprocessing_num_workers: {
      label: 'Preprocessing workers',
      help: 'Processes that tokenize the dataset; empty uses the main process.',
    },
    report_to: {
      label: 'Report to',
      help: 'Experiment tracker for metrics: none, tensorboard, wandb, mlflow or swanlab.',
    },
    ddp_timeout: {
      label: 'DDP timeout',
      help: 'Seconds distributed processes wait for each other.',
    },
    extra: {
      label: 'Extra arguments (YAML)',
      help: 'Any other LLaMA-Factory keys, merged over the form last.',
    },
  },
  loraTarget: {
    all: 'all Linear modules',
    pick: 'Pick modules',
    loading: 'Reading the model’s modules…',
    unknown: 'The modules of a hub model are unknown here: type names, comma-separated.',
    count_one: '{{count}} layer',
    count_other: '{{count}} layers',
    frozenTower: 'skipped while the audio tower is frozen',
    frozenProjector: 'skipped while the projector is frozen',
  },
  components: {
    language_model: 'language model',
    audio_tower: 'audio tower',
    vision_tower: 'vision tower',
    projector: 'projector',
  },
  datasets: {
    loading: 'Reading dataset_info.json…',
    none: 'No datasets found in this folder.',
    audio: 'audio',
    columns: 'Columns: {{columns}}',
    missingDir: 'Enter a dataset folder.',
  },
  config: {
    yaml: 'training_args.yaml',
    command: 'Command',
    copy: 'Copy',
    copied: 'Copied',
    import: 'Import YAML…',
    export: 'Export YAML',
    imported_one: 'Imported {{file}}: {{count}} key the form does not model is kept: {{keys}}.',
    imported_other: 'Imported {{file}}: {{count}} keys the form does not model are kept: {{keys}}.',
    importedClean: 'Imported {{file}}.',
    importFailed: 'Could not import {{file}}:',
    lineError: 'line {{line}}: {{message}}',
    overrides: 'Extra arguments override these form fields: {{keys}}.',
    extraInvalid: 'The extra arguments are not a YAML mapping: {{message}}',
    yamlPathNote: 'The worker writes this file as <output_dir>/training_args.yaml.',
  },
  presets: {
    name: 'Preset name',
    save: 'Save',
    load: 'Load',
    delete: 'Delete',
    none: 'No saved presets.',
    saved: 'Saved preset {{name}}.',
  },
  start: {
    start: 'Start',
    starting: 'Starting…',
    blocked_one: '{{count}} problem blocks the start; see the fields marked in red.',
    blocked_other: '{{count}} problems block the start; see the fields marked in red.',
    noWorker: 'No worker is online: the run waits in the queue until one connects.',
    outputInUse: 'Run {{runId}} already used {{dir}}.',
    resume: 'Resume run {{runId}}',
    overwrite: 'Overwrite and start',
    newFolder: 'Use a new folder',
    failed: 'The board rejected the run: {{message}}',
    cutoffBlocked_one:
      'Start is blocked: {{count}} sample would lose audio tokens at cutoff_len {{value}}; use {{recommended}}.',
    cutoffBlocked_other:
      'Start is blocked: {{count}} samples would lose audio tokens at cutoff_len {{value}}; use {{recommended}}.',
  },
  cutoff: {
    checking: 'Checking cutoff_len against the dataset…',
    ok: 'Every sample fits in {{value}} tokens (the longest has {{max}}).',
    truncatesText_one:
      '{{count}} sample ({{share}}) is longer than {{value}} tokens and loses text at the end; its audio is intact.',
    truncatesText_other:
      '{{count}} samples ({{share}}) are longer than {{value}} tokens and lose text at the end; their audio is intact.',
    cutsAudio_one:
      '{{count}} sample would lose audio tokens at {{value}}, and training would fail with "Audio features and audio tokens do not match".',
    cutsAudio_other:
      '{{count}} samples would lose audio tokens at {{value}}, and training would fail with "Audio features and audio tokens do not match".',
    recommended:
      'Recommended cutoff_len: {{recommended}} (keeps all audio and 99% of the samples whole).',
    fix: 'Use {{recommended}}',
    failed: 'cutoff_len could not be checked: {{message}}',
    skipped: {
      template:
        'cutoff_len is not checked against the dataset: the analysis models the qwen2_audio template only.',
      hub_model:
        'cutoff_len is not checked against the dataset: the board reads tokenizers from local model folders, not hub ids.',
    },
  },
  reset: 'Reset form',
  validation: VALIDATION_MESSAGES_EN,
  /** Issues of the board's cutoff_len check in POST /api/runs, by code. */
  cutoffIssues: {
    cutoff_cuts_audio:
      '{{value}} cuts the audio tokens of {{audioCutCount}} samples, and training would fail with "Audio features and audio tokens do not match": set cutoff_len to at least {{recommended}}.',
    cutoff_truncates_text:
      '{{value}} truncates the text of {{truncatedCount}} samples ({{share}}) but keeps their audio; {{recommended}} would keep them whole.',
    cutoff_not_checked: '{{value}} was not checked against the dataset.',
  },
};

export const trainZhCN: Widen<typeof trainEn> = {
  presetNames: {
    'cpu-demo': 'CPU 演示（微型 Qwen2-Audio）',
    custom: '自定义',
  },
  baseTemplateSuffix: '（基座）',
  sections: {
    model: '模型',
    method: '微调方法',
    data: '数据集',
    basic: '基本参数',
    lora: 'LoRA',
    freeze: '冻结微调',
    multimodal: '音频与多模态冻结',
    advanced: '高级',
    distributed: '分布式',
    config: '引擎配置',
    presets: '预设',
  },
  model: {
    preset: '模型',
    demoUnavailable: '本服务器尚未生成 CPU 演示：请运行 `npm run fixtures`，然后重新选择。',
    demoApplied: '已应用 CPU 演示配方：小模型 {{modelDir}}，数据集 {{dataset}}。',
    customHint: '本地文件夹（如 /models/Qwen2-Audio-7B）或 Hub 模型名（owner/name）。',
  },
  methodNames: {
    lora: 'LoRA',
    qlora: 'QLoRA（bitsandbytes）',
    freeze: '冻结微调（最后几层）',
    full: '全参数',
  },
  computeTypes: {
    bf16: 'bf16（混合精度）',
    fp16: 'fp16（混合精度）',
    fp32: 'fp32（CPU）',
    pure_bf16: '纯 bf16',
  },
  deepspeedStages: {
    none: '不使用',
    '2': 'ZeRO-2',
    '3': 'ZeRO-3',
  },
  fields: {
    modelPreset: {
      label: '模型',
      help: '预设会填好路径和模板；自定义可填任意本地文件夹或 Hub 模型名。',
    },
    finetuning_type: {
      label: '微调方法',
      help: 'LoRA 训练小型适配器；QLoRA 在 4 位或 8 位基座上训练适配器；冻结微调和全参数训练权重本身。',
    },
    model_name_or_path: { label: '模型路径', help: '基座模型的本地文件夹或 Hub 模型名。' },
    template: {
      label: '对话模板',
      help: '用于格式化提示词的模板；Qwen2-Audio 使用 qwen2_audio。',
    },
    adapter_name_or_path: {
      label: '继续训练的适配器',
      help: '之前运行的适配器（检查点）文件夹，在其基础上继续训练；留空则新建适配器。',
    },
    quantization_bit: {
      label: '量化位数',
      help: '用 bitsandbytes 以 4 位或 8 位加载基座模型；需要 CUDA GPU。',
    },
    double_quantization: {
      label: '双重量化',
      help: '对量化常数再做一次量化，每个权重约省 0.4 位。',
    },
    dataset_dir: {
      label: '数据集文件夹',
      help: '包含 dataset_info.json 的文件夹；音频路径相对于此文件夹。',
    },
    dataset: {
      label: '数据集',
      help: '要训练的 dataset_info.json 条目；按住 Ctrl 或 Cmd 可多选。',
    },
    cutoff_len: {
      label: '截断长度',
      help: '分词后每个样本的最大 token 数；每秒音频约占 25 个 token。',
    },
    learning_rate: { label: '学习率', help: 'AdamW 的峰值学习率，例如 5e-5。' },
    num_train_epochs: { label: '训练轮数', help: '遍历数据集的次数，可以是小数。' },
    max_samples: {
      label: '最大样本数',
      help: '每个数据集最多使用的样本数；留空则全部使用。',
    },
    per_device_train_batch_size: { label: '批大小', help: '每个设备每次前向传播的样本数。' },
    gradient_accumulation_steps: {
      label: '梯度累积',
      help: '每次优化器更新前的前向次数；有效批大小 = 批大小 × 此值 × 设备数。',
    },
    lr_scheduler_type: { label: '学习率调度器', help: '学习率随步数变化的方式。' },
    warmup_steps: { label: '预热步数', help: '学习率从 0 升到峰值所用的优化器步数。' },
    max_grad_norm: { label: '最大梯度范数', help: '梯度裁剪到此范数。' },
    logging_steps: { label: '日志间隔', help: '每隔多少个优化器步记录一次损失和学习率。' },
    save_steps: {
      label: '保存间隔',
      help: '每隔多少个优化器步保存一次检查点（有验证集时同时评估）。',
    },
    val_size: {
      label: '验证集比例',
      help: '留作评估损失的数据比例，取值 [0, 1)；0 表示不评估。',
    },
    seed: { label: '随机种子', help: '用于打乱数据和初始化的随机种子。' },
    compute_type: {
      label: '计算类型',
      help: '训练使用的数值格式：bf16 需要 Ampere 或更新的 GPU；CPU 只能用 fp32。',
    },
    lora_rank: { label: 'LoRA 秩', help: '低秩更新矩阵的秩。' },
    lora_alpha: {
      label: 'LoRA alpha',
      help: 'LoRA 更新的缩放系数（alpha / 秩），通常为秩的两倍。',
    },
    lora_dropout: { label: 'LoRA dropout', help: 'LoRA 输入上的 dropout，取值 [0, 1)。' },
    lora_target: {
      label: 'LoRA 目标模块',
      help: '添加适配器的线性层；all 表示除 lm_head 和投影层外的所有线性层。',
    },
    use_rslora: { label: 'rsLoRA', help: '按 alpha / √秩 缩放更新（秩稳定）。' },
    use_dora: { label: 'DoRA', help: '权重分解的 LoRA；更慢，有时效果更好。' },
    pissa: {
      label: 'PiSSA',
      help: '用主奇异向量初始化适配器（pissa_init 与 pissa_convert）。',
    },
    additional_target: {
      label: '额外可训练模块',
      help: '除适配器外完整训练的模块，用逗号分隔，例如 embed_tokens。',
    },
    freeze_trainable_layers: {
      label: '可训练层数',
      help: '正数训练最后 N 层，负数训练最前 N 层。',
    },
    freeze_trainable_modules: {
      label: '可训练模块',
      help: '这些层中要训练的模块名，用逗号分隔，或填 all。',
    },
    freeze_vision_tower: {
      label: '冻结音频编码器',
      help: '固定音频编码器（LLaMA-Factory 称之为 vision tower）。',
    },
    freeze_multi_modal_projector: {
      label: '冻结投影层',
      help: '固定把音频特征映射到语言模型的投影层。',
    },
    freeze_language_model: {
      label: '冻结语言模型',
      help: '只训练音频部分；用于全参数或冻结微调。',
    },
    deepspeed: {
      label: 'DeepSpeed 阶段',
      help: 'ZeRO 阶段：2 切分优化器状态，3 还切分权重。',
    },
    deepspeed_offload: {
      label: '卸载到 CPU',
      help: '把优化器状态放到 CPU 内存：更慢，但能容纳更大的模型。',
    },
    cuda_visible_devices: {
      label: 'GPU',
      help: '本次运行可用的 GPU 编号（CUDA_VISIBLE_DEVICES）；都不勾选则使用全部 GPU。',
    },
    output_dir: {
      label: '输出目录',
      help: '工作节点上保存检查点、适配器和日志的文件夹。',
    },
    overwrite_output_dir: {
      label: '覆盖输出目录',
      help: '在已有检查点的文件夹中从头开始，而不是从检查点继续。',
    },
    preprocessing_num_workers: {
      label: '预处理进程数',
      help: '对数据集分词的进程数；留空则在主进程中处理。',
    },
    report_to: {
      label: '实验记录',
      help: '记录指标的工具：none、tensorboard、wandb、mlflow 或 swanlab。',
    },
    ddp_timeout: { label: 'DDP 超时', help: '分布式进程相互等待的秒数。' },
    extra: {
      label: '额外参数（YAML）',
      help: '其他任意 LLaMA-Factory 参数，最后合并并覆盖表单中的值。',
    },
  },
  loraTarget: {
    all: '所有线性层',
    pick: '选择模块',
    loading: '正在读取模型的模块…',
    unknown: '无法得知 Hub 模型的模块：请输入模块名，用逗号分隔。',
    count_one: '{{count}} 层',
    count_other: '{{count}} 层',
    frozenTower: '音频编码器冻结时跳过',
    frozenProjector: '投影层冻结时跳过',
  },
  components: {
    language_model: '语言模型',
    audio_tower: '音频编码器',
    vision_tower: '视觉编码器',
    projector: '投影层',
  },
  datasets: {
    loading: '正在读取 dataset_info.json…',
    none: '此文件夹中没有数据集。',
    audio: '音频',
    columns: '列：{{columns}}',
    missingDir: '请输入数据集文件夹。',
  },
  config: {
    yaml: 'training_args.yaml',
    command: '命令',
    copy: '复制',
    copied: '已复制',
    import: '导入 YAML…',
    export: '导出 YAML',
    imported_one: '已导入 {{file}}：保留了 {{count}} 个表单未涵盖的参数：{{keys}}。',
    imported_other: '已导入 {{file}}：保留了 {{count}} 个表单未涵盖的参数：{{keys}}。',
    importedClean: '已导入 {{file}}。',
    importFailed: '无法导入 {{file}}：',
    lineError: '第 {{line}} 行：{{message}}',
    overrides: '额外参数覆盖了这些表单字段：{{keys}}。',
    extraInvalid: '额外参数不是 YAML 映射：{{message}}',
    yamlPathNote: '工作节点会把此文件写为 <output_dir>/training_args.yaml。',
  },
  presets: {
    name: '预设名称',
    save: '保存',
    load: '载入',
    delete: '删除',
    none: '没有已保存的预设。',
    saved: '已保存预设 {{name}}。',
  },
  start: {
    start: '开始',
    starting: '正在开始…',
    blocked_one: '有 {{count}} 个问题阻止开始；请查看标红的字段。',
    blocked_other: '有 {{count}} 个问题阻止开始；请查看标红的字段。',
    noWorker: '没有在线的工作节点：运行会在队列中等待，直到有节点连接。',
    outputInUse: '运行 {{runId}} 已使用过 {{dir}}。',
    resume: '继续运行 {{runId}}',
    overwrite: '覆盖并开始',
    newFolder: '使用新文件夹',
    failed: '服务器拒绝了此运行：{{message}}',
    cutoffBlocked_one:
      '无法开始：cutoff_len 为 {{value}} 时有 {{count}} 个样本会丢失音频 token；请使用 {{recommended}}。',
    cutoffBlocked_other:
      '无法开始：cutoff_len 为 {{value}} 时有 {{count}} 个样本会丢失音频 token；请使用 {{recommended}}。',
  },
  cutoff: {
    checking: '正在根据数据集检查 cutoff_len…',
    ok: '所有样本都在 {{value}} 个 token 之内（最长的有 {{max}} 个）。',
    truncatesText_one:
      '{{count}} 个样本（{{share}}）超过 {{value}} 个 token，末尾文本会被截断；音频完整。',
    truncatesText_other:
      '{{count}} 个样本（{{share}}）超过 {{value}} 个 token，末尾文本会被截断；音频完整。',
    cutsAudio_one:
      '在 {{value}} 时有 {{count}} 个样本会丢失音频 token，训练会报错 "Audio features and audio tokens do not match"。',
    cutsAudio_other:
      '在 {{value}} 时有 {{count}} 个样本会丢失音频 token，训练会报错 "Audio features and audio tokens do not match"。',
    recommended: '推荐的 cutoff_len：{{recommended}}（保留全部音频，并完整保留 99% 的样本）。',
    fix: '使用 {{recommended}}',
    failed: '无法检查 cutoff_len：{{message}}',
    skipped: {
      template: '未根据数据集检查 cutoff_len：该分析只支持 qwen2_audio 模板。',
      hub_model:
        '未根据数据集检查 cutoff_len：只能读取本地模型文件夹中的分词器，不支持 Hub 模型名。',
    },
  },
  reset: '重置表单',
  cutoffIssues: {
    cutoff_cuts_audio:
      '{{value}} 会截掉 {{audioCutCount}} 个样本的音频 token，训练会报错 "Audio features and audio tokens do not match"：请把 cutoff_len 设为至少 {{recommended}}。',
    cutoff_truncates_text:
      '{{value}} 会截断 {{truncatedCount}} 个样本（{{share}}）的文本，但保留其音频；{{recommended}} 可完整保留这些样本。',
    cutoff_not_checked: '{{value}} 未根据数据集检查。',
  },
  validation: {
    model_required: '模型路径为空：请选择预设，或输入本地文件夹或 Hub 模型名。',
    template_required: '对话模板为空：请选择一个，例如 qwen2_audio。',
    dataset_dir_required: 'dataset_dir 为空：请输入包含 dataset_info.json 的文件夹。',
    dataset_required: '未选择数据集：请在 dataset_dir 的 dataset_info.json 中至少选择一个条目。',
    output_dir_required: '输出目录为空：请输入文件夹，例如 saves/<model>/lora/train_1。',
    not_a_number: '{{value}} 不是数字：请输入数字。',
    text_not_a_number: '输入的内容不是数字：请输入数字，例如 5e-5 或 0.1。',
    not_an_integer: '{{value}} 不是整数：请输入整数。',
    not_a_boolean: '{{value}} 不是布尔值：请使用 true 或 false。',
    not_a_string: '{{value}} 不是文本：请以字符串形式输入。',
    out_of_range: '{{value}} 超出范围：请使用 {{range}} 内的值。',
    must_not_be_zero: '不能为 0：正数表示最后几层，负数表示最前几层。',
    one_of: '不支持 {{value}}：请使用以下之一：{{allowed}}。',
    quantization_needs_lora:
      'QLoRA（quantization_bit）只能与 finetuning_type lora 一起使用，当前为 {{finetuningType}}：请选择 QLoRA 方法或去掉 quantization_bit。',
    quantization_needs_gpu:
      '{{bits}} 位量化依赖 bitsandbytes，需要 CUDA GPU 或支持 CPU 的 bitsandbytes 0.48 及以上版本，而工作节点 {{worker}} 两者都没有：请在此 CPU 节点上使用普通 LoRA、升级其引擎中的 bitsandbytes，或在 GPU 主机上启动工作节点。',
    precision_needs_gpu:
      '{{precision}} 需要 GPU，而工作节点 {{worker}} 只有 CPU：请把计算类型设为 fp32。',
    bf16_needs_ampere:
      '{{precision}} 需要计算能力 8.0 或更高，而 GPU {{gpu}} 为 {{capability}}：请使用 fp16 或 fp32。',
    precision_conflict: 'bf16、fp16 和 pure_bf16 中有多个为 true：只保留一个。',
    deepspeed_needs_gpu:
      'DeepSpeed 需要 CUDA GPU，而工作节点 {{worker}} 没有 GPU：请把 DeepSpeed 阶段设为不使用。',
    gpu_not_found: '工作节点 {{worker}} 上没有 GPU {{index}}：请从 {{available}} 中选择。',
    output_dir_in_use:
      '运行 {{runId}}（{{status}}）已使用此输出目录：请继续该运行、打开 overwrite_output_dir，或换一个文件夹。',
    output_dir_overwrite:
      '已打开 overwrite_output_dir：此文件夹中运行 {{runId}} 的检查点将被覆盖。',
    output_dir_active:
      '运行 {{runId}}（{{status}}）正在使用此输出目录：请选择其他目录，或等待其结束。',
    unknown_lora_target:
      '模型中没有名为 {{module}} 的线性层：请从 {{available}} 中选择，或使用 all。',
    base_model_template:
      '{{template}} 模板用于基座（非指令）模型：指令模型请选择其对话模板，例如 qwen2_audio。',
    stage_not_sft: 'stage {{stage}} 按原样保留，但本工具面向 sft：开始前请检查其余配置。',
  },
};
