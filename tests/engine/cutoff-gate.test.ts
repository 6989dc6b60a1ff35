import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoTrainingArgs } from '../../server/engine/demo-recipe.ts';
import { defaultEnginePython } from '../../server/engine/paths.ts';
import type { RunSummary } from '../../server/protocol/runs.ts';
import { tempDir } from '../helpers/board.ts';
import { makeWav } from '../unit/datasets/wav.ts';
import {
  type EngineBoard,
  engineLogTail,
  postJson,
  startEngineBoard,
  waitForRun,
} from './engine-helpers.ts';

const run = promisify(execFile);

let engine: EngineBoard;

beforeAll(async () => {
  engine = await startEngineBoard();
});

afterAll(async () => {
  await engine?.agent.stop();
  await engine?.board.server.close();
});

interface ReferenceRow {
  length: number;
  audio_tokens: number;
  expected_audio_tokens: number;
}

interface BoardSample {
  totalTokens: number;
  audioTokens: number;
  clips: number;
}

interface AnalyzeData {
  verdict: string;
  audioCutCount: number;
  recommendedCutoffLen: number;
  perSample: BoardSample[];
}

interface RunIssue {
  path: string;
  code: string;
  params: Record<string, string | number>;
  severity: string;
}

/** Writes one WAV per clip length and a sharegpt dataset `name` with one question per clip. */
function writeDataset(dir: string, name: string, seconds: number[], answer: string): void {
  const records = seconds.map((length, index) => {
    const clip = `audio/${name}-${index}.wav`;
    fs.mkdirSync(path.join(dir, 'audio'), { recursive: true });
    fs.writeFileSync(path.join(dir, clip), makeWav(length));
    return {
      messages: [
        { role: 'user', content: '<audio>What do you hear in this recording?' },
        { role: 'assistant', content: answer },
      ],
      audios: [clip],
    };
  });
  fs.writeFileSync(path.join(dir, `${name}.json`), JSON.stringify(records));
  const infoFile = path.join(dir, 'dataset_info.json');
  const info = fs.existsSync(infoFile)
    ? (JSON.parse(fs.readFileSync(infoFile, 'utf8')) as Record<string, unknown>)
    : {};
  info[name] = {
    file_name: `${name}.json`,
    formatting: 'sharegpt',
    columns: { messages: 'messages', audios: 'audios' },
    tags: {
      role_tag: 'role',
      content_tag: 'content',
      user_tag: 'user',
      assistant_tag: 'assistant',
    },
  };
  fs.writeFileSync(infoFile, JSON.stringify(info, null, 2));
}

/** Runs LLaMA-Factory's own preprocessing of the dataset and returns its per-sample lengths. */
async function referenceLengths(
  modelDir: string,
  datasetDir: string,
  dataset: string,
  cutoffLen: number,
): Promise<ReferenceRow[]> {
  const python = process.env.AUDIO_BOARD_ENGINE_PYTHON ?? defaultEnginePython();
  const { stdout } = await run(
    python,
    [
      'bench/reference_preprocess.py',
      '--model',
      modelDir,
      '--dataset-dir',
      datasetDir,
      '--dataset',
      dataset,
      '--cutoff-len',
      String(cutoffLen),
      '--lengths',
    ],
    { maxBuffer: 64 * 1024 * 1024, timeout: 10 * 60_000 },
  );
  const result = JSON.parse(stdout.trim().split('\n').at(-1) ?? '{}') as { rows?: ReferenceRow[] };
  return result.rows ?? [];
}

async function analyze(
  datasetDir: string,
  dataset: string,
  cutoffLen: number,
): Promise<AnalyzeData> {
  const response = await postJson<AnalyzeData>(`${engine.board.url}/api/datasets/analyze`, {
    dataset_dir: datasetDir,
    dataset: [dataset],
    model_name_or_path: engine.fixtures.modelDir,
    cutoff_len: cutoffLen,
  });
  if (!response.body.ok) {
    throw new Error(response.body.error.message);
  }
  return response.body.data;
}

describe('cutoff_len check against the real engine', () => {
  it('counts the same tokens per sample as LLaMA-Factory preprocessing', async () => {
    const dir = tempDir('cutoff-lengths');
    const seconds = [0.5, 1, 10, 30, 45];
    writeDataset(dir, 'clips', seconds, 'A steady tone.');

    const board = await analyze(dir, 'clips', 4096);
    const reference = await referenceLengths(engine.fixtures.modelDir, dir, 'clips', 4096);
    const boardLengths = board.perSample.map((sample) => sample.totalTokens);
    const referenceLengthsList = reference.map((row) => row.length);
    // The board counts <|audio_bos|> and <|audio_eos|> as audio tokens; the engine counts <|AUDIO|> only.
    const boardAudio = board.perSample.map((sample) => sample.audioTokens - 2 * sample.clips);
    const referenceAudio = reference.map((row) => row.audio_tokens);
    console.log(
      `clip seconds ${JSON.stringify(seconds)}\n` +
        `  board  lengths ${JSON.stringify(boardLengths)} <|AUDIO|> ${JSON.stringify(boardAudio)}\n` +
        `  engine lengths ${JSON.stringify(referenceLengthsList)} <|AUDIO|> ${JSON.stringify(referenceAudio)}`,
    );

    expect(boardLengths).toEqual(referenceLengthsList);
    expect(boardAudio).toEqual(referenceAudio);
    expect(referenceAudio).toEqual(reference.map((row) => row.expected_audio_tokens));
    expect(boardAudio).toEqual([12, 25, 250, 750, 750]);

    // At cutoff_len 512 the engine itself leaves the long clips with fewer <|AUDIO|> tokens than
    // features, and the board names exactly those samples.
    const tight = await analyze(dir, 'clips', 512);
    const tightReference = await referenceLengths(engine.fixtures.modelDir, dir, 'clips', 512);
    const engineCut = tightReference.filter((row) => row.audio_tokens < row.expected_audio_tokens);
    console.log(
      `cutoff_len 512: engine cuts the audio of ${engineCut.length} samples; board verdict ${tight.verdict}, ` +
        `${tight.audioCutCount} samples, recommended ${tight.recommendedCutoffLen}`,
    );
    expect(tight.verdict).toBe('cuts_audio');
    expect(tight.audioCutCount).toBe(engineCut.length);
    expect(tight.recommendedCutoffLen).toBe(Math.max(...referenceLengthsList));
  });

  it('rejects a cutoff_len that cuts audio, then trains with the recommended one', async () => {
    const { board, fixtures } = engine;
    const dir = tempDir('cutoff-gate');
    // 30 s clips give 750 <|AUDIO|> tokens each; the long assistant reply brings a sample to about 950.
    const answer = `${Array(6).fill('a steady sine tone at four hundred forty hertz').join(', ')}.`;
    writeDataset(dir, 'long_clips', [30, 30, 30, 30], answer);
    const outputDir = path.join(tempDir('cutoff-gate-run'), 'lora');
    const config = {
      ...demoTrainingArgs({ modelDir: fixtures.modelDir, datasetDir: dir, outputDir }),
      dataset: 'long_clips',
      cutoff_len: 512,
      num_train_epochs: 1,
      per_device_train_batch_size: 2,
      logging_steps: 1,
      save_steps: 10_000,
      overwrite_output_dir: true,
    };

    const rejected = await postJson<RunSummary>(`${board.url}/api/runs`, { config });
    expect(rejected.status).toBe(400);
    if (rejected.body.ok) return;
    expect(rejected.body.error.code).toBe('invalid_payload');
    const issues = (rejected.body.error.details?.issues ?? []) as unknown as RunIssue[];
    const issue = issues.find((entry) => entry.code === 'cutoff_cuts_audio');
    console.log(`rejected: ${rejected.body.error.message}`);
    expect(issue?.path).toBe('config.cutoff_len');
    expect(issue?.params.value).toBe(512);
    expect(issue?.params.audioCutCount).toBe(4);
    const recommended = Number(issue?.params.recommended);
    expect(recommended).toBeGreaterThan(750);
    expect(rejected.body.error.message).toContain('Audio features and audio tokens do not match');
    expect(rejected.body.error.message).toContain(String(recommended));

    const created = await postJson<RunSummary>(`${board.url}/api/runs`, {
      name: 'cutoff gate',
      config: { ...config, cutoff_len: recommended },
    });
    expect(created.status, JSON.stringify(created.body)).toBe(201);
    if (!created.body.ok) return;
    const runId = created.body.data.id;
    const done = await waitForRun(board, runId, ['completed', 'failed', 'aborted'], 15 * 60_000);
    expect(done.status, engineLogTail(board, runId)).toBe('completed');
    const points = board.server.runs.snapshot(runId, 0, 0)?.points ?? [];
    console.log(
      `trained with cutoff_len ${recommended}: ${points.length} trainer_log points, ` +
        `losses ${JSON.stringify(points.map((point) => point.loss))}`,
    );
    expect(points.length).toBeGreaterThanOrEqual(2);
  });
});
