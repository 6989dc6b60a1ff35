import type { Widen } from './widen.ts';

/** English catalogue; the shape of every other catalogue is checked against this one. */
export const en = {
  app: {
    title: 'Audio Board',
    subtitle: 'Fine-tune and try audio language models',
  },
  topBar: {
    language: 'Language',
    model: 'Model',
    method: 'Method',
    workers: 'Workers',
    noWorkers: 'No worker online',
    workersOnline_one: '{{count}} worker online',
    workersOnline_other: '{{count}} workers online',
    engineReady: 'Engine {{version}} ready',
    engineNotReady: 'Engine not ready',
    cpuOnly: 'CPU only',
    gpus_one: '{{count}} GPU',
    gpus_other: '{{count}} GPUs',
  },
  connection: {
    connected: 'Connected',
    connecting: 'Connecting…',
    disconnected: 'Disconnected from the board; reconnecting…',
    unauthorized: 'The board rejected the token. Open the page with ?token=<the board token>.',
  },
  tabs: {
    train: 'Train',
    monitor: 'Monitor',
    playground: 'Playground',
    datasets: 'Datasets',
    export: 'Export',
    predict: 'Predict',
  },
  methods: {
    lora: 'LoRA',
    qlora: 'QLoRA',
    freeze: 'Freeze',
    full: 'Full',
  },
  workers: {
    title: 'Workers',
    host: 'Host',
    status: 'Status',
    engine: 'Engine',
    devices: 'Devices',
    online: 'online',
    offline: 'offline',
    fix: 'Fix',
    lastSeen: 'Last seen',
  },
  engineProblems: {
    python_missing:
      'the engine Python ({{python}}) does not exist. Run `npm run setup:engine` or start the worker with --engine-python.',
    cli_missing:
      'llamafactory-cli is not installed beside {{python}}. Run `npm run setup:engine` or install llamafactory there.',
    cli_failed:
      '`llamafactory-cli version` failed. Rebuild the environment with `npm run setup:engine`.',
  },
  placeholder: {
    comingSoon: 'This tab is not built yet.',
  },
  errors: {
    invalid_payload: 'Invalid input: {{message}}',
    unauthorized: 'Not authorized: {{message}}',
    not_found: 'Not found: {{message}}',
    conflict: 'Conflict: {{message}}',
    engine_not_ready: 'The engine is not ready: {{message}}',
    worker_unavailable: 'No worker available: {{message}}',
    payload_too_large: 'Too large: {{message}}',
    unsupported_media: 'Unsupported file: {{message}}',
    internal: 'The board hit an internal error; see its log.',
    network: 'Cannot reach the board: {{message}}',
  },
};

export type Catalogue = Widen<typeof en>;
