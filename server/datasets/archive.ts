import zlib from 'node:zlib';

/** Limits that stop archive bombs and oversized uploads before anything is written. */
export interface ArchiveLimits {
  maxEntries: number;
  maxTotalBytes: number;
  /** Largest uncompressed/compressed size ratio accepted for the archive and for each entry. */
  maxRatio: number;
}

export const DEFAULT_ARCHIVE_LIMITS: ArchiveLimits = {
  maxEntries: 100_000,
  maxTotalBytes: 8 * 1024 * 1024 * 1024,
  maxRatio: 200,
};

export interface ArchiveFile {
  /** Relative path inside the archive, with forward slashes and no `.` or `..` segments. */
  path: string;
  data: Buffer;
}

export class ArchiveError extends Error {}

/**
 * Checks an entry name: relative, no `..`, no drive letter or backslash tricks. Returns the
 * normalised path, or throws naming the entry.
 */
export function safeEntryPath(name: string): string {
  const unified = name.replace(/\\/g, '/');
  if (unified.startsWith('/') || /^[a-zA-Z]:/.test(unified) || unified.includes('\0')) {
    throw new ArchiveError(
      `Archive entry "${name}" has an absolute path; only relative paths are accepted.`,
    );
  }
  const parts = unified.split('/').filter((part) => part !== '' && part !== '.');
  if (parts.includes('..')) {
    throw new ArchiveError(`Archive entry "${name}" escapes the target folder with "..".`);
  }
  return parts.join('/');
}

class Budget {
  private entries = 0;
  private total = 0;
  constructor(
    private readonly limits: ArchiveLimits,
    private readonly compressedBytes: number,
  ) {}

  add(name: string, size: number, compressedSize: number | null): void {
    this.entries += 1;
    this.total += size;
    if (this.entries > this.limits.maxEntries) {
      throw new ArchiveError(`The archive has more than ${this.limits.maxEntries} entries.`);
    }
    if (this.total > this.limits.maxTotalBytes) {
      throw new ArchiveError(
        `The archive unpacks to more than ${this.limits.maxTotalBytes} bytes; split it or raise the limit.`,
      );
    }
    if (
      compressedSize !== null &&
      size > 1024 * 1024 &&
      size > compressedSize * this.limits.maxRatio
    ) {
      throw new ArchiveError(
        `Archive entry "${name}" expands more than ${this.limits.maxRatio} times; it looks like an archive bomb.`,
      );
    }
    if (this.total > 1024 * 1024 && this.total > this.compressedBytes * this.limits.maxRatio) {
      throw new ArchiveError(
        `The archive expands more than ${this.limits.maxRatio} times; it looks like an archive bomb.`,
      );
    }
  }
}

function inflate(data: Buffer, maxOutputLength: number, name: string): Buffer {
  try {
    return zlib.inflateRawSync(data, { maxOutputLength: Math.max(1, maxOutputLength) });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
      throw new ArchiveError(
        `Archive entry "${name}" is larger than its header says, or than the limit.`,
      );
    }
    throw new ArchiveError(`Archive entry "${name}" is corrupt: ${(error as Error).message}`);
  }
}

/** Reads a ZIP archive from its central directory (stored and deflated entries, no ZIP64). */
export function readZip(
  zip: Buffer,
  limits: ArchiveLimits = DEFAULT_ARCHIVE_LIMITS,
): ArchiveFile[] {
  // The end-of-central-directory record is within the last 65,557 bytes.
  let eocd = -1;
  for (let i = zip.length - 22; i >= Math.max(0, zip.length - 65_557); i -= 1) {
    if (zip.readUInt32LE(i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) {
    throw new ArchiveError('Not a ZIP archive: no end of central directory found.');
  }
  const count = zip.readUInt16LE(eocd + 10);
  let offset = zip.readUInt32LE(eocd + 16);
  if (count === 0xffff || offset === 0xffffffff) {
    throw new ArchiveError('ZIP64 archives are not supported; use tar for archives above 4 GiB.');
  }
  const budget = new Budget(limits, zip.length);
  const files: ArchiveFile[] = [];
  for (let i = 0; i < count; i += 1) {
    if (offset + 46 > zip.length || zip.readUInt32LE(offset) !== 0x02014b50) {
      throw new ArchiveError('ZIP central directory is corrupt.');
    }
    const method = zip.readUInt16LE(offset + 10);
    const compressedSize = zip.readUInt32LE(offset + 20);
    const size = zip.readUInt32LE(offset + 24);
    const nameLength = zip.readUInt16LE(offset + 28);
    const extraLength = zip.readUInt16LE(offset + 30);
    const commentLength = zip.readUInt16LE(offset + 32);
    const externalAttributes = zip.readUInt32LE(offset + 38);
    const localOffset = zip.readUInt32LE(offset + 42);
    const name = zip.toString('utf8', offset + 46, offset + 46 + nameLength);
    offset += 46 + nameLength + extraLength + commentLength;

    const unixMode = externalAttributes >>> 16;
    if ((unixMode & 0o170000) === 0o120000) {
      throw new ArchiveError(`Archive entry "${name}" is a symbolic link; links are not accepted.`);
    }
    const entryPath = safeEntryPath(name);
    if (name.endsWith('/') || entryPath === '') {
      continue;
    }
    budget.add(name, size, compressedSize);
    if (localOffset + 30 > zip.length || zip.readUInt32LE(localOffset) !== 0x04034b50) {
      throw new ArchiveError(`Archive entry "${name}" has no valid local header.`);
    }
    const dataStart =
      localOffset + 30 + zip.readUInt16LE(localOffset + 26) + zip.readUInt16LE(localOffset + 28);
    const raw = zip.subarray(dataStart, dataStart + compressedSize);
    let data: Buffer;
    if (method === 0) {
      data = raw;
    } else if (method === 8) {
      data = inflate(raw, size, name);
    } else {
      throw new ArchiveError(
        `Archive entry "${name}" uses compression method ${method}; use deflate or store.`,
      );
    }
    if (data.length !== size) {
      throw new ArchiveError(`Archive entry "${name}" does not match its declared size.`);
    }
    files.push({ path: entryPath, data });
  }
  return files;
}

function tarString(block: Buffer, start: number, length: number): string {
  const raw = block.subarray(start, start + length);
  const end = raw.indexOf(0);
  return raw.toString('utf8', 0, end < 0 ? raw.length : end);
}

/** Reads a POSIX (ustar/pax) or GNU tar archive, optionally gzip-compressed. */
export function readTar(
  input: Buffer,
  limits: ArchiveLimits = DEFAULT_ARCHIVE_LIMITS,
): ArchiveFile[] {
  let tar = input;
  if (input[0] === 0x1f && input[1] === 0x8b) {
    try {
      tar = zlib.gunzipSync(input, {
        maxOutputLength: Math.min(
          limits.maxTotalBytes + 1024 * 1024,
          input.length * limits.maxRatio + 1024 * 1024,
        ),
      });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') {
        throw new ArchiveError(
          `The archive expands more than ${limits.maxRatio} times or beyond ${limits.maxTotalBytes} bytes; it looks like an archive bomb.`,
        );
      }
      throw new ArchiveError(`The gzip stream is corrupt: ${(error as Error).message}`);
    }
  }
  const budget = new Budget(limits, input.length);
  const files: ArchiveFile[] = [];
  let offset = 0;
  let longName: string | null = null;
  while (offset + 512 <= tar.length) {
    const header = tar.subarray(offset, offset + 512);
    if (header.every((byte) => byte === 0)) {
      break;
    }
    const sizeField = tarString(header, 124, 12).trim();
    const size = Number.parseInt(sizeField || '0', 8);
    if (!Number.isFinite(size) || size < 0) {
      throw new ArchiveError('Tar header has an invalid size field.');
    }
    const type = String.fromCharCode(header[156] ?? 0);
    const prefix = tarString(header, 345, 155);
    const baseName = tarString(header, 0, 100);
    const name = longName ?? (prefix ? `${prefix}/${baseName}` : baseName);
    const dataStart = offset + 512;
    const data = tar.subarray(dataStart, dataStart + size);
    offset = dataStart + Math.ceil(size / 512) * 512;

    if (type === 'L') {
      longName = tarString(data, 0, data.length);
      continue;
    }
    if (type === 'x') {
      const match = /\d+ path=([^\n]*)\n/.exec(data.toString('utf8'));
      longName = match?.[1] ?? null;
      continue;
    }
    if (type === 'g') {
      continue;
    }
    longName = null;
    if (type === '2' || type === '1') {
      throw new ArchiveError(`Archive entry "${name}" is a link; links are not accepted.`);
    }
    const entryPath = safeEntryPath(name);
    if (type === '5' || entryPath === '') {
      continue;
    }
    if (type !== '0' && type !== '\0' && type !== '7') {
      throw new ArchiveError(`Archive entry "${name}" is not a regular file (type "${type}").`);
    }
    budget.add(name, size, null);
    files.push({ path: entryPath, data: Buffer.from(data) });
  }
  return files;
}

/** Reads a ZIP, tar or tar.gz archive, chosen by its first bytes. */
export function readArchive(
  input: Buffer,
  limits: ArchiveLimits = DEFAULT_ARCHIVE_LIMITS,
): ArchiveFile[] {
  if (input.length >= 4 && input.readUInt32LE(0) === 0x04034b50) {
    return readZip(input, limits);
  }
  if (input.length >= 4 && input.readUInt32LE(0) === 0x06054b50) {
    return [];
  }
  if ((input[0] === 0x1f && input[1] === 0x8b) || input.toString('latin1', 257, 262) === 'ustar') {
    return readTar(input, limits);
  }
  throw new ArchiveError('Unsupported archive: upload a .zip, .tar or .tar.gz file.');
}
