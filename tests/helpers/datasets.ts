import fs from 'node:fs';
import path from 'node:path';

/** Returns a `dataset_info.json` entry for sharegpt records with `messages` and `audios` columns. */
export function shareGptAudioEntry(fileName: string): Record<string, unknown> {
  return {
    file_name: fileName,
    formatting: 'sharegpt',
    columns: { messages: 'messages', audios: 'audios' },
    tags: {
      role_tag: 'role',
      content_tag: 'content',
      user_tag: 'user',
      assistant_tag: 'assistant',
    },
  };
}

export function writeDatasetInfo(datasetDir: string, entries: Record<string, unknown>): void {
  fs.writeFileSync(path.join(datasetDir, 'dataset_info.json'), JSON.stringify(entries));
}
