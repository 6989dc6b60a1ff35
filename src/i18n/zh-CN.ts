import type { Catalogue } from './en.ts';

/** 简体中文 catalogue; the `Catalogue` type makes a missing key a type error. */
export const zhCN: Catalogue = {
  app: {
    title: 'Audio Board',
    subtitle: '微调并试用音频语言模型',
  },
  topBar: {
    language: '语言',
    model: '模型',
    method: '方法',
    workers: '工作节点',
    noWorkers: '没有在线的工作节点',
    workersOnline_one: '{{count}} 个工作节点在线',
    workersOnline_other: '{{count}} 个工作节点在线',
    engineReady: '引擎 {{version}} 就绪',
    engineNotReady: '引擎未就绪',
    cpuOnly: '仅 CPU',
    gpus_one: '{{count}} 块 GPU',
    gpus_other: '{{count}} 块 GPU',
  },
  connection: {
    connected: '已连接',
    connecting: '正在连接…',
    disconnected: '与服务器的连接已断开，正在重连…',
    unauthorized: '服务器拒绝了令牌。请用 ?token=<服务器令牌> 打开页面。',
  },
  tabs: {
    train: '训练',
    monitor: '监控',
    playground: '试用',
    datasets: '数据集',
    export: '导出',
    predict: '预测',
  },
  methods: {
    lora: 'LoRA',
    qlora: 'QLoRA',
    freeze: '冻结微调',
    full: '全参数',
  },
  workers: {
    title: '工作节点',
    host: '主机',
    status: '状态',
    engine: '引擎',
    devices: '设备',
    online: '在线',
    offline: '离线',
    fix: '修复方法',
    lastSeen: '最后在线',
  },
  engineProblems: {
    python_missing:
      '引擎的 Python（{{python}}）不存在。请运行 `npm run setup:engine`，或用 --engine-python 启动工作节点。',
    cli_missing:
      '{{python}} 所在环境中没有安装 llamafactory-cli。请运行 `npm run setup:engine`，或在该环境中安装 llamafactory。',
    cli_failed: '`llamafactory-cli version` 运行失败。请用 `npm run setup:engine` 重建环境。',
  },
  placeholder: {
    comingSoon: '此标签页尚未完成。',
  },
  errors: {
    invalid_payload: '输入无效：{{message}}',
    unauthorized: '未授权：{{message}}',
    not_found: '未找到：{{message}}',
    conflict: '冲突：{{message}}',
    engine_not_ready: '引擎未就绪：{{message}}',
    worker_unavailable: '没有可用的工作节点：{{message}}',
    payload_too_large: '文件过大：{{message}}',
    unsupported_media: '不支持的文件：{{message}}',
    internal: '服务器内部错误，请查看服务器日志。',
    network: '无法连接服务器：{{message}}',
  },
};
