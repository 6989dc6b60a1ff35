import type { Widen } from '../../i18n/widen.ts';

/** Texts of the monitor tab; keys are used as `monitor.<key>`. */
export const monitorEn = {
  history: {
    title: 'Runs',
    loading: 'Loading runs…',
    loadFailed: 'Could not load the runs: {{message}}',
    empty: 'No runs yet. Start one on the Train tab.',
    compare: 'Compare',
    compareHelp: 'Tick runs to draw their loss on one chart and list their config differences.',
    status: 'Status',
    name: 'Name',
    created: 'Created',
    duration: 'Duration',
    finalLoss: 'Final loss',
    progress: 'Progress',
    watch: 'Watch {{name}}',
    exportRun: 'Export',
  },
  status: {
    queued: 'Queued',
    starting: 'Starting',
    running: 'Running',
    aborting: 'Aborting',
    completed: 'Completed',
    failed: 'Failed',
    aborted: 'Aborted',
  },
  actions: {
    abort: 'Abort',
    abortConfirm: 'Abort this run? The engine saves a checkpoint if it can, then stops.',
    abortYes: 'Abort the run',
    cancel: 'Keep running',
    resume: 'Resume',
    resumeHelp:
      'Queues a new run in the same output folder that continues from its last checkpoint.',
  },
  detail: {
    noRun: 'Select a run to watch it.',
    outputDir: 'Output folder',
    resumedFrom: 'Resumed from {{name}}',
  },
  failure: {
    title: 'Why the run failed',
    engineLine: 'Engine error',
    exit: 'Exit code {{code}}',
    signal: 'Signal {{signal}}',
    logTail: 'Last log lines',
    kinds: {
      out_of_memory: {
        title: 'Out of GPU memory',
        fix: 'Use QLoRA (quantization_bit 4), lower per_device_train_batch_size (raise gradient_accumulation_steps to keep the effective batch), or lower cutoff_len.',
      },
      audio_token_mismatch: {
        title: 'Audio tokens were cut off',
        fix: 'cutoff_len is shorter than some examples with their audio tokens (about 25 per second of audio, at most 750 per clip). Raise cutoff_len; the Datasets tab shows the length each example needs.',
      },
      missing_file: {
        title: 'A file was not found',
        fix: 'Check model_name_or_path, dataset_dir and the audio paths in the dataset: paths are relative to dataset_dir (or media_dir) on the worker host.',
      },
      engine_error: {
        title: 'The engine stopped with an error',
        fix: 'Read the engine error and the log lines below, fix the config value they name, then start again or resume.',
      },
      worker_lost: {
        title: 'The worker was lost',
        fix: 'The worker restarted or lost the run. Check that the worker is online, then resume the run from its last checkpoint.',
      },
      spawn_failed: {
        title: 'The engine did not start',
        fix: 'The worker could not start llamafactory-cli. Check the engine state in the top bar and run `npm run setup:engine` on the worker host.',
      },
    },
  },
  progress: {
    title: 'Progress',
    step: 'Step {{step}} / {{total}}',
    stepUnknownTotal: 'Step {{step}}',
    elapsed: 'Elapsed',
    remaining: 'Remaining',
    remainingEstimated: 'Remaining (estimate)',
    throughput: 'Throughput',
    throughputValue: '{{value}} tokens/s',
    epoch: 'Epoch',
    vram: 'GPU memory',
    vramValue: '{{value}} GiB',
    waiting: 'Waiting for the first logged step.',
    exportRun:
      'An export merges the adapter into the base model and logs no training steps: follow it in the engine log below.',
  },
  alarms: {
    nan_one:
      'Loss is NaN or infinite at step {{step}}. Lower learning_rate, enable max_grad_norm, or use bf16 instead of fp16.',
    nan_other:
      'Loss is NaN or infinite at step {{step}} and {{count}} steps in all. Lower learning_rate, enable max_grad_norm, or use bf16 instead of fp16.',
    diverging:
      'Loss is diverging at step {{step}}: smoothed {{loss}}, more than twice its minimum {{min}}. Lower learning_rate or add warmup.',
  },
  chart: {
    title: 'Loss',
    compareTitle: 'Loss of {{count}} runs',
    learningRate: 'Learning rate',
    smoothing: 'Smoothing',
    logScale: 'Log scale',
    step: 'Step {{step}}',
    loss: 'Loss',
    lossRaw: 'Loss (raw)',
    lossSmoothed: 'Loss (smoothed)',
    evalLoss: 'Eval loss',
    noPoints: 'No loss logged yet.',
    downsampled: 'Showing {{shown}} of {{total}} points; minima and maxima are kept.',
  },
  diff: {
    title: 'Config differences',
    key: 'Key',
    none: 'The configs are identical.',
    pickTwo: 'Tick two or more runs to compare their configs.',
  },
  log: {
    title: 'Engine log',
    follow: 'Follow',
    paused: 'Paused',
    followHelp: 'Scrolls to each new line; scrolling up pauses it.',
    empty: 'No log lines yet.',
  },
  errors: {
    actionFailed: 'The request failed: {{message}}',
  },
};

export const monitorZhCN: Widen<typeof monitorEn> = {
  history: {
    title: '运行记录',
    loading: '正在加载运行记录…',
    loadFailed: '无法加载运行记录：{{message}}',
    empty: '还没有运行。请在“训练”页启动一个。',
    compare: '对比',
    compareHelp: '勾选多个运行，在同一张图上对比损失，并列出配置差异。',
    status: '状态',
    name: '名称',
    created: '创建时间',
    duration: '时长',
    finalLoss: '最终损失',
    progress: '进度',
    watch: '查看 {{name}}',
    exportRun: '导出',
  },
  status: {
    queued: '排队中',
    starting: '启动中',
    running: '运行中',
    aborting: '正在中止',
    completed: '已完成',
    failed: '失败',
    aborted: '已中止',
  },
  actions: {
    abort: '中止',
    abortConfirm: '要中止这个运行吗？引擎会尽量保存检查点，然后停止。',
    abortYes: '中止运行',
    cancel: '继续运行',
    resume: '继续训练',
    resumeHelp: '在同一输出目录中排队一个新运行，从最后一个检查点继续。',
  },
  detail: {
    noRun: '请选择要查看的运行。',
    outputDir: '输出目录',
    resumedFrom: '继续自 {{name}}',
  },
  failure: {
    title: '运行失败的原因',
    engineLine: '引擎错误',
    exit: '退出码 {{code}}',
    signal: '信号 {{signal}}',
    logTail: '最后几行日志',
    kinds: {
      out_of_memory: {
        title: 'GPU 显存不足',
        fix: '改用 QLoRA（quantization_bit 4），调小 per_device_train_batch_size（同时调大 gradient_accumulation_steps 以保持有效批大小），或调小 cutoff_len。',
      },
      audio_token_mismatch: {
        title: '音频 token 被截断',
        fix: 'cutoff_len 比部分样本（含音频 token，每秒音频约 25 个，每段最多 750 个）更短。请调大 cutoff_len；“数据集”页会显示每个样本所需的长度。',
      },
      missing_file: {
        title: '找不到文件',
        fix: '检查 model_name_or_path、dataset_dir 和数据集中的音频路径：路径相对于工作节点主机上的 dataset_dir（或 media_dir）。',
      },
      engine_error: {
        title: '引擎出错退出',
        fix: '阅读下方的引擎错误和日志，修正其中提到的配置项，然后重新开始或继续训练。',
      },
      worker_lost: {
        title: '工作节点丢失',
        fix: '工作节点已重启或丢失了该运行。确认工作节点在线后，从最后一个检查点继续训练。',
      },
      spawn_failed: {
        title: '引擎未能启动',
        fix: '工作节点无法启动 llamafactory-cli。请查看顶栏中的引擎状态，并在工作节点主机上运行 `npm run setup:engine`。',
      },
    },
  },
  progress: {
    title: '进度',
    step: '第 {{step}} / {{total}} 步',
    stepUnknownTotal: '第 {{step}} 步',
    elapsed: '已用时间',
    remaining: '剩余时间',
    remainingEstimated: '剩余时间（估计）',
    throughput: '吞吐量',
    throughputValue: '{{value}} token/秒',
    epoch: '轮次',
    vram: 'GPU 显存',
    vramValue: '{{value}} GiB',
    waiting: '正在等待第一个记录的步骤。',
    exportRun: '导出会把适配器合并进基座模型，不记录训练步骤：请在下方的引擎日志中查看进度。',
  },
  alarms: {
    nan_one:
      '第 {{step}} 步的损失为 NaN 或无穷大。请调小 learning_rate、启用 max_grad_norm，或用 bf16 代替 fp16。',
    nan_other:
      '第 {{step}} 步起损失为 NaN 或无穷大，共 {{count}} 步。请调小 learning_rate、启用 max_grad_norm，或用 bf16 代替 fp16。',
    diverging:
      '第 {{step}} 步损失发散：平滑后为 {{loss}}，超过其最小值 {{min}} 的两倍。请调小 learning_rate 或增加预热。',
  },
  chart: {
    title: '损失',
    compareTitle: '{{count}} 个运行的损失',
    learningRate: '学习率',
    smoothing: '平滑',
    logScale: '对数坐标',
    step: '第 {{step}} 步',
    loss: '损失',
    lossRaw: '损失（原始）',
    lossSmoothed: '损失（平滑）',
    evalLoss: '验证损失',
    noPoints: '还没有记录损失。',
    downsampled: '显示 {{total}} 个点中的 {{shown}} 个；保留了最小值和最大值。',
  },
  diff: {
    title: '配置差异',
    key: '参数',
    none: '配置完全相同。',
    pickTwo: '勾选两个或更多运行以对比配置。',
  },
  log: {
    title: '引擎日志',
    follow: '跟随',
    paused: '已暂停',
    followHelp: '自动滚动到最新一行；向上滚动会暂停。',
    empty: '还没有日志。',
  },
  errors: {
    actionFailed: '请求失败：{{message}}',
  },
};
