import fs from 'node:fs';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import type { Ack } from '../../server/protocol/envelope.ts';
import { startTestBoard, type TestBoard, tempDir } from '../helpers/board.ts';
import { shareGptAudioEntry, writeDatasetInfo } from '../helpers/datasets.ts';
import { makeWav } from '../unit/datasets/wav.ts';

const TINY_MODEL = path.resolve('tests/fixtures/out/tiny-qwen2-audio');

let board: TestBoard | null = null;
afterEach(async () => {
  await board?.server.close();
  board = null;
});

function tarEntry(name: string, data: Buffer, type = '0', linkName = ''): Buffer {
  const header = Buffer.alloc(512);
  header.write(name, 0, 100, 'utf8');
  header.write('0000644\0', 100, 'latin1');
  header.write('0000000\0', 108, 'latin1');
  header.write('0000000\0', 116, 'latin1');
  header.write(`${data.length.toString(8).padStart(11, '0')}\0`, 124, 'latin1');
  header.write('00000000000\0', 136, 'latin1');
  header.write(type, 156, 'latin1');
  header.write(linkName, 157, 100, 'utf8');
  header.write('ustar\0', 257, 'latin1');
  header.write('00', 263, 'latin1');
  header.fill(' ', 148, 156);
  let sum = 0;
  for (const byte of header) sum += byte;
  header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1');
  const padding = Buffer.alloc((512 - (data.length % 512)) % 512);
  return Buffer.concat([header, data, padding]);
}

function tar(entries: Buffer[]): Buffer {
  return Buffer.concat([...entries, Buffer.alloc(1024)]);
}

function zip(entries: { name: string; data: Buffer }[]): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const entry of entries) {
    const compressed = zlib.deflateRawSync(entry.data);
    const name = Buffer.from(entry.name, 'utf8');
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(8, 8);
    local.writeUInt32LE(compressed.length, 18);
    local.writeUInt32LE(entry.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE(8, 10);
    central.writeUInt32LE(compressed.length, 20);
    central.writeUInt32LE(entry.data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, compressed);
    centrals.push(central, name);
    offset += 30 + name.length + compressed.length;
  }
  const centralBytes = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(centralBytes.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, centralBytes, end]);
}

function sample(clip: string) {
  return {
    messages: [
      { role: 'user', content: '<audio>Which word?' },
      { role: 'assistant', content: 'red' },
    ],
    audios: [clip],
  };
}

function datasetDirWithExisting(): string {
  const dir = tempDir('ds');
  fs.writeFileSync(
    path.join(dir, 'dataset_info.json'),
    JSON.stringify({ existing: { file_name: 'existing.json', formatting: 'sharegpt' } }),
  );
  fs.writeFileSync(path.join(dir, 'existing.json'), '[]');
  return dir;
}

async function upload(
  dir: string,
  name: string,
  records: unknown[],
  archive: { fileName: string; data: Buffer } | null,
): Promise<{ status: number; body: Ack<{ samples: number }> }> {
  const form = new FormData();
  form.set('dataset_dir', dir);
  form.set('name', name);
  form.set('data', new Blob([JSON.stringify(records)]), 'data.json');
  if (archive) {
    form.set('archive', new Blob([new Uint8Array(archive.data)]), archive.fileName);
  }
  const response = await fetch(`${board?.url}/api/datasets/upload`, { method: 'POST', body: form });
  return { status: response.status, body: (await response.json()) as Ack<{ samples: number }> };
}

function listTree(dir: string): string[] {
  return fs.readdirSync(dir, { recursive: true }).map(String).sort();
}

describe('dataset upload', () => {
  it('stores clips and registers the dataset beside existing ones', async () => {
    board = await startTestBoard();
    const dir = datasetDirWithExisting();
    const archive = tar([tarEntry('clips/a.wav', makeWav(1)), tarEntry('clips/b.wav', makeWav(2))]);
    const result = await upload(dir, 'words', [sample('clips/a.wav'), sample('clips/b.wav')], {
      fileName: 'clips.tar',
      data: archive,
    });
    expect(result.status).toBe(200);
    const info = JSON.parse(fs.readFileSync(path.join(dir, 'dataset_info.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    expect(Object.keys(info).sort()).toEqual(['existing', 'words']);
    expect(fs.existsSync(path.join(dir, 'dataset_info.json.bak'))).toBe(true);
    const stored = JSON.parse(fs.readFileSync(path.join(dir, 'words', 'words.json'), 'utf8')) as {
      audios: string[];
    }[];
    expect(stored[0]?.audios).toEqual(['words/clips/a.wav']);

    const list = (await (
      await fetch(`${board.url}/api/datasets?dataset_dir=${encodeURIComponent(dir)}`)
    ).json()) as Ack<{ name: string; summary: { samples: number; clips: number } | null }[]>;
    if (!list.ok) throw new Error(list.error.message);
    expect(list.data.find((row) => row.name === 'words')?.summary).toMatchObject({
      samples: 2,
      clips: 2,
    });
  });

  it('accepts a zip archive', async () => {
    board = await startTestBoard();
    const dir = datasetDirWithExisting();
    const archive = zip([{ name: 'a.wav', data: makeWav(1) }]);
    const result = await upload(dir, 'zipped', [sample('a.wav')], {
      fileName: 'a.zip',
      data: archive,
    });
    expect(result.body.ok).toBe(true);
  });

  it.each([
    [
      'a sample path with ..',
      [sample('../../etc/passwd')],
      tar([tarEntry('a.wav', makeWav(1))]),
      /outside the dataset/,
    ],
    [
      'a tar entry with ..',
      [sample('a.wav')],
      tar([tarEntry('../x.wav', makeWav(1))]),
      /escapes the target folder/,
    ],
    [
      'a tar entry with an absolute path',
      [sample('a.wav')],
      tar([tarEntry('/tmp/x.wav', makeWav(1))]),
      /absolute path/,
    ],
    [
      'a tar symlink pointing out',
      [sample('a.wav')],
      tar([tarEntry('a.wav', Buffer.alloc(0), '2', '/etc/passwd')]),
      /link/,
    ],
    [
      'a zip entry with ..',
      [sample('a.wav')],
      zip([{ name: '../../x.wav', data: makeWav(1) }]),
      /escapes the target folder/,
    ],
    [
      'a zip bomb',
      [sample('a.wav')],
      zip([{ name: 'a.wav', data: Buffer.alloc(64 * 1024 * 1024) }]),
      /archive bomb/,
    ],
    [
      'a gzip bomb',
      [sample('a.wav')],
      zlib.gzipSync(tar([tarEntry('a.wav', Buffer.alloc(64 * 1024 * 1024))])),
      /archive bomb/,
    ],
    [
      'a clip that is not audio',
      [sample('a.wav')],
      tar([tarEntry('a.wav', Buffer.from('root:x:0:0\n'))]),
      /not an audio file/,
    ],
  ])('rejects %s and writes nothing', async (_case, records, archive, message) => {
    board = await startTestBoard();
    const dir = datasetDirWithExisting();
    const before = listTree(dir);
    const result = await upload(dir, 'bad', records, { fileName: 'a.bin', data: archive });
    expect(result.status).toBe(400);
    expect(result.body.ok).toBe(false);
    if (!result.body.ok) expect(result.body.error.message).toMatch(message);
    expect(listTree(dir)).toEqual(before);
    expect(fs.existsSync(path.join(path.dirname(dir), 'x.wav'))).toBe(false);
  });
});

describe('dataset audio route', () => {
  it('serves clips under the dataset folder only', async () => {
    board = await startTestBoard();
    const dir = datasetDirWithExisting();
    fs.writeFileSync(path.join(dir, 'a.wav'), makeWav(0.5));
    const outside = tempDir('outside');
    fs.writeFileSync(path.join(outside, 'secret.wav'), makeWav(0.5));
    fs.symlinkSync(path.join(outside, 'secret.wav'), path.join(dir, 'link.wav'));
    const get = (clip: string) =>
      fetch(
        `${board?.url}/api/datasets/audio?dataset_dir=${encodeURIComponent(dir)}&path=${encodeURIComponent(clip)}`,
      );

    const good = await get('a.wav');
    expect(good.status).toBe(200);
    expect(good.headers.get('content-type')).toBe('audio/wav');
    expect((await get('../../etc/passwd')).status).toBe(403);
    expect((await get('/etc/passwd')).status).toBe(403);
    expect((await get('link.wav')).status).toBe(403);
    expect((await get('existing.json')).status).toBe(415);
  });
});

describe.skipIf(!fs.existsSync(path.join(TINY_MODEL, 'tokenizer.json')))(
  'cutoff analysis route',
  () => {
    it('flags a cutoff_len that cuts audio and recommends one that fits', async () => {
      board = await startTestBoard();
      const dir = tempDir('analyze');
      fs.writeFileSync(path.join(dir, 'short.wav'), makeWav(1));
      fs.writeFileSync(path.join(dir, 'long.wav'), makeWav(10));
      fs.writeFileSync(
        path.join(dir, 'data.json'),
        JSON.stringify([sample('short.wav'), sample('long.wav')]),
      );
      writeDatasetInfo(dir, { d: shareGptAudioEntry('data.json') });
      const analyze = async (cutoff: number) => {
        const response = await fetch(`${board?.url}/api/datasets/analyze`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({
            dataset_dir: dir,
            dataset: ['d'],
            model_name_or_path: TINY_MODEL,
            cutoff_len: cutoff,
          }),
        });
        const body = (await response.json()) as Ack<{
          verdict: string;
          audioCutCount: number;
          recommendedCutoffLen: number;
          perSample: { totalTokens: number }[];
        }>;
        if (!body.ok) throw new Error(body.error.message);
        return body.data;
      };
      const tight = await analyze(100);
      expect(tight.verdict).toBe('cuts_audio');
      expect(tight.audioCutCount).toBe(1);
      // The 10 s clip has 250 audio tokens; the whole sample is 280 tokens with the tiny tokenizer.
      expect(tight.perSample.map((row) => row.totalTokens)).toEqual([55, 280]);
      expect(tight.recommendedCutoffLen).toBe(280);
      const fitting = await analyze(tight.recommendedCutoffLen);
      expect(fitting.verdict).toBe('ok');
    });
  },
);
