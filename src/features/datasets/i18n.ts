import type { Widen } from '../../i18n/widen.ts';

/** Texts of the datasets tab; keys are used as `datasets.<key>`. */
export const datasetsEn = {
  datasetDir: 'dataset_dir',
  load: 'Load',
  name: 'Name',
  formatting: 'Formatting',
  samples: 'Samples',
  clips: 'Clips',
  audioHours: 'Audio hours',
  findings: 'Findings',
  noDatasets: 'No datasets in this folder.',
  preview: 'Preview',
  validate: 'Validate',
  previous: 'Previous',
  next: 'Next',
  page: 'Samples {{from}}–{{to}} of {{total}}',
  dropped: 'Skipped by the engine: {{reason}}',
  noFindings: 'No problems found.',
  sample: 'Sample {{index}}',
  fix: 'Fix',
  analysis: 'cutoff_len analysis',
  modelPath: 'model_name_or_path',
  cutoffLen: 'cutoff_len',
  analyze: 'Analyze',
  verdict_ok: 'Every sample fits in cutoff_len.',
  verdict_truncates_text:
    '{{share}} of the samples are longer than cutoff_len and lose text; their audio is intact.',
  verdict_cuts_audio:
    '{{count}} samples would lose audio tokens, and training would fail with "Audio features and audio tokens do not match". Raise cutoff_len to at least {{recommended}}.',
  recommended:
    'Recommended cutoff_len: {{value}} (covers all audio and 99% of the samples in full)',
  tokens: 'Tokens per sample',
  sampleCount: 'Samples',
  upload: 'Upload a dataset',
  uploadName: 'Dataset name',
  uploadData: 'Data file (JSON, JSONL or CSV of labels)',
  uploadArchive: 'Audio archive (zip, tar or tar.gz)',
  uploadPrompt: 'Prompt for label files',
  uploadSubmit: 'Upload',
  uploaded: 'Uploaded {{name}}: {{samples}} samples, {{clips}} clips.',
  /** Validation findings by code; the board sends the same texts in English for logs and REST. */
  finding: {
    invalid_record: {
      message: 'The record is not an object with the messages column as a list of turns.',
      fix: 'Check the columns and tags of this dataset in dataset_info.json.',
    },
    invalid_role_order: {
      message: 'Turn roles are out of order ({{roles}}); LLaMA-Factory skips this sample.',
      fix: 'After an optional system turn, alternate user and assistant turns, starting with user.',
    },
    invalid_message_count: {
      message:
        'The conversation has {{turns}} turns after the system turn; LLaMA-Factory skips it.',
      fix: 'End every conversation with an assistant turn (an even number of turns).',
    },
    empty_conversation: {
      message: 'The sample has no user turn followed by an answer; LLaMA-Factory drops it.',
      fix: 'Add a user turn and an assistant answer.',
    },
    placeholder_mismatch: {
      message:
        'The text has {{placeholders}} <audio> placeholders but {{clips}} clips; training stops with "The number of audios does not match".',
      fix: 'Put exactly one <audio> in the text for each entry of audios.',
    },
    placeholder_in_response: {
      message: 'A preference sample has <audio> in its chosen or rejected answer.',
      fix: 'Put the <audio> placeholders in the prompt turns only.',
    },
    empty_assistant: {
      message: 'Assistant turn {{turn}} is empty, so the model learns to answer nothing.',
      fix: 'Write the expected answer or remove the sample.',
    },
    duplicate_sample: {
      message: 'The sample repeats sample {{first}}.',
      fix: 'Remove the duplicate unless it is meant as up-weighting.',
    },
    audio_outside_root: {
      message: 'Clip {{path}} resolves outside the dataset folder.',
      fix: 'Copy the clip into dataset_dir and use a relative path without "..".',
    },
    audio_missing: {
      message: 'Clip {{path}} does not exist.',
      fix: 'Fix the path (relative to dataset_dir) or add the file.',
    },
    audio_unreadable: {
      message: 'Clip {{path}} cannot be read as audio: {{reason}}',
      fix: 'Re-encode the clip, e.g. as 16 kHz mono WAV.',
    },
    audio_not_audio: {
      message: 'Clip {{path}} is not an audio file.',
      fix: 'Use WAV, FLAC, MP3, Ogg or M4A audio.',
    },
    audio_empty: {
      message: 'Clip {{path}} has no audio samples.',
      fix: 'Replace the clip or remove the sample.',
    },
    audio_too_long: {
      message: 'Clip {{path}} lasts {{seconds}} s; Qwen2-Audio keeps only the first 30 s.',
      fix: 'Split the clip into pieces of at most 30 s.',
    },
    audio_resampled: {
      message:
        'Clip {{path}} is {{sampleRate}} Hz with {{channels}} channels; it will be resampled to 16 kHz mono.',
      fix: 'Nothing is required; convert to 16 kHz mono to save loading time.',
    },
  },
  /** Reasons the engine skips a record, shown in the preview. */
  dropReasons: {
    invalid_record: 'the record is not an object with a list of turns',
    invalid_role_order: 'the turn roles are out of order',
    invalid_message_count: 'the conversation does not end with an assistant turn',
    empty_conversation: 'there is no user turn followed by an answer',
  },
};

export const datasetsZhCN: Widen<typeof datasetsEn> = {
  datasetDir: 'dataset_dir',
  load: '加载',
  name: '名称',
  formatting: '格式',
  samples: '样本数',
  clips: '音频数',
  audioHours: '音频时长（小时）',
  findings: '检查结果',
  noDatasets: '该目录中没有数据集。',
  preview: '预览',
  validate: '校验',
  previous: '上一页',
  next: '下一页',
  page: '第 {{from}}–{{to}} 个样本，共 {{total}} 个',
  dropped: '引擎会跳过此样本：{{reason}}',
  noFindings: '未发现问题。',
  sample: '样本 {{index}}',
  fix: '修复方法',
  analysis: 'cutoff_len 分析',
  modelPath: 'model_name_or_path',
  cutoffLen: 'cutoff_len',
  analyze: '分析',
  verdict_ok: '所有样本都在 cutoff_len 之内。',
  verdict_truncates_text: '{{share}} 的样本超过 cutoff_len，会丢失文本；音频完整。',
  verdict_cuts_audio:
    '{{count}} 个样本会丢失音频 token，训练会报错 "Audio features and audio tokens do not match"。请将 cutoff_len 提高到至少 {{recommended}}。',
  recommended: '推荐的 cutoff_len：{{value}}（覆盖全部音频和 99% 的完整样本）',
  tokens: '每个样本的 token 数',
  sampleCount: '样本数',
  upload: '上传数据集',
  uploadName: '数据集名称',
  uploadData: '数据文件（JSON、JSONL 或标签 CSV）',
  uploadArchive: '音频压缩包（zip、tar 或 tar.gz）',
  uploadPrompt: '标签文件使用的提示词',
  uploadSubmit: '上传',
  uploaded: '已上传 {{name}}：{{samples}} 个样本，{{clips}} 个音频。',
  finding: {
    invalid_record: {
      message: '该记录不是对象，或 messages 列不是对话轮次列表。',
      fix: '检查 dataset_info.json 中该数据集的 columns 和 tags。',
    },
    invalid_role_order: {
      message: '对话角色顺序错误（{{roles}}）；LLaMA-Factory 会跳过此样本。',
      fix: '在可选的 system 轮之后，从 user 开始交替 user 和 assistant。',
    },
    invalid_message_count: {
      message: 'system 轮之后的对话有 {{turns}} 轮；LLaMA-Factory 会跳过它。',
      fix: '每段对话都以 assistant 轮结束（轮数为偶数）。',
    },
    empty_conversation: {
      message: '该样本没有后接回答的 user 轮；LLaMA-Factory 会丢弃它。',
      fix: '添加一个 user 轮和一个 assistant 回答。',
    },
    placeholder_mismatch: {
      message:
        '文本中有 {{placeholders}} 个 <audio> 占位符，但有 {{clips}} 个音频；训练会报错 "The number of audios does not match"。',
      fix: 'audios 中每个条目在文本中恰好对应一个 <audio>。',
    },
    placeholder_in_response: {
      message: '偏好样本的 chosen 或 rejected 回答中含有 <audio>。',
      fix: '只在提示轮中放置 <audio> 占位符。',
    },
    empty_assistant: {
      message: '第 {{turn}} 轮 assistant 为空，模型会学会什么都不回答。',
      fix: '写出期望的回答，或删除该样本。',
    },
    duplicate_sample: {
      message: '该样本与样本 {{first}} 重复。',
      fix: '除非有意加权，否则删除重复样本。',
    },
    audio_outside_root: {
      message: '音频 {{path}} 指向数据集文件夹之外。',
      fix: '把音频复制到 dataset_dir 中，并使用不含 ".." 的相对路径。',
    },
    audio_missing: {
      message: '音频 {{path}} 不存在。',
      fix: '修正路径（相对于 dataset_dir）或补上文件。',
    },
    audio_unreadable: {
      message: '无法把 {{path}} 读取为音频：{{reason}}',
      fix: '重新编码该音频，例如 16 kHz 单声道 WAV。',
    },
    audio_not_audio: {
      message: '{{path}} 不是音频文件。',
      fix: '使用 WAV、FLAC、MP3、Ogg 或 M4A 音频。',
    },
    audio_empty: {
      message: '音频 {{path}} 没有采样点。',
      fix: '替换该音频或删除该样本。',
    },
    audio_too_long: {
      message: '音频 {{path}} 长 {{seconds}} 秒；Qwen2-Audio 只保留前 30 秒。',
      fix: '把音频切分为每段不超过 30 秒。',
    },
    audio_resampled: {
      message:
        '音频 {{path}} 为 {{sampleRate}} Hz、{{channels}} 声道；将被重采样为 16 kHz 单声道。',
      fix: '无需处理；转换为 16 kHz 单声道可以节省加载时间。',
    },
  },
  dropReasons: {
    invalid_record: '记录不是包含对话轮次列表的对象',
    invalid_role_order: '对话角色顺序错误',
    invalid_message_count: '对话没有以 assistant 轮结束',
    empty_conversation: '没有后接回答的 user 轮',
  },
};
