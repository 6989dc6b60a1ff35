import fs from 'node:fs';
import path from 'node:path';
import type { ClipCache } from '../server/datasets/clips.ts';
import { analyzeCutoff } from '../server/datasets/cutoff.ts';
import { tempDir } from '../tests/helpers/board.ts';
import { shareGptAudioEntry, writeDatasetInfo } from '../tests/helpers/datasets.ts';
import { makeWav } from '../tests/unit/datasets/wav.ts';

export interface DatasetAnalysisBenchResult {
  samples: number;
  distinctClips: number;
  /** Every sample's clip header read again (no cache). */
  uncachedSeconds: number;
  uncachedSamplesPerSecond: number;
  /** Header reads cached by path, so each distinct clip is read once. */
  cachedSeconds: number;
  cachedSamplesPerSecond: number;
  datasetDir: string;
  datasetName: string;
}

/**
 * Builds a synthetic sharegpt dataset of `samples` records that reference `distinctClips` real
 * WAV files (0.5 to 30 s, 16 and 44.1 kHz) and times `analyzeCutoff` over it, once reading
 * every sample's header and once with header reads cached by path.
 */
export async function benchDatasetAnalysis(
  modelDir: string,
  samples = 100_000,
  distinctClips = 300,
): Promise<DatasetAnalysisBenchResult> {
  const datasetDir = tempDir('bench-dataset');
  fs.mkdirSync(path.join(datasetDir, 'audio'));
  const clips: string[] = [];
  for (let i = 0; i < distinctClips; i += 1) {
    const seconds = 0.5 + ((i * 7.3) % 29.5);
    const sampleRate = i % 3 === 0 ? 44_100 : 16_000;
    const clip = `audio/clip_${i}.wav`;
    fs.writeFileSync(
      path.join(datasetDir, clip),
      makeWav(seconds, { sampleRate, channels: i % 3 === 0 ? 2 : 1 }),
    );
    clips.push(clip);
  }
  const records = Array.from({ length: samples }, (_, i) => ({
    messages: [
      { role: 'user', content: `<audio>Transcribe clip ${i} and answer in one sentence.` },
      { role: 'assistant', content: `Sample ${i} says ${'word '.repeat(i % 40)}.` },
    ],
    audios: [clips[i % clips.length]],
  }));
  const datasetName = 'bench';
  fs.writeFileSync(path.join(datasetDir, 'bench.json'), JSON.stringify(records));
  writeDatasetInfo(datasetDir, { [datasetName]: shareGptAudioEntry('bench.json') });

  const run = async (clipCache: ClipCache | null) => {
    const start = performance.now();
    await analyzeCutoff({
      datasetDir,
      datasets: [datasetName],
      modelNameOrPath: modelDir,
      cutoffLen: 1024,
      clipCache,
    });
    return (performance.now() - start) / 1000;
  };
  const uncachedSeconds = await run(null);
  const cachedSeconds = await run(new Map() as ClipCache);
  return {
    samples,
    distinctClips,
    uncachedSeconds,
    uncachedSamplesPerSecond: samples / uncachedSeconds,
    cachedSeconds,
    cachedSamplesPerSecond: samples / cachedSeconds,
    datasetDir,
    datasetName,
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const modelDir = process.argv[2] ?? 'tests/fixtures/out/tiny-qwen2-audio';
  const result = await benchDatasetAnalysis(modelDir, Number(process.argv[3] ?? 100_000));
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}
