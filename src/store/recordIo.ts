// Reading and replacing record files without hanging, without reading huge files whole, and
// without breaking links or permissions.
import { randomBytes } from 'node:crypto';
import { constants, promises as fs, readFileSync, renameSync, rmSync, statSync, type BigIntStats } from 'node:fs';
import * as path from 'node:path';
import { ensureWorkDir, sweepTempFiles, tempName } from './workDir';

/** Records larger than this are refused unless the store is told otherwise. */
export const DEFAULT_MAX_RECORD_BYTES = 5 * 1024 * 1024;

/** A record file that cannot be read or written as it is; the message says why and what to do. */
export class RecordFileError extends Error {
  constructor(
    readonly file: string,
    readonly code: 'not-regular' | 'too-large' | 'read-only' | 'hard-linked',
    message: string,
  ) {
    super(message);
    this.name = 'RecordFileError';
  }
}

/** What was read, with the file's identity at the time, to tell later whether anyone changed it. */
export interface FileSnapshot {
  bytes: Buffer;
  stat: BigIntStats;
}

function formatSize(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  return bytes >= 1024 * 1024 ? `${(bytes / 1024 / 1024).toFixed(1)} MB` : `${Math.ceil(bytes / 1024)} KB`;
}

/** Opening non-blocking: a FIFO named like a record must not hang the reader before it is checked. */
export const RECORD_OPEN_FLAGS = constants.O_RDONLY | constants.O_NONBLOCK;

/** Why an opened file is not read as a record (not a regular file, or over the size limit), or undefined. */
export function unreadableRecord(file: string, isFile: boolean, size: number, maxBytes: number): RecordFileError | undefined {
  if (!isFile) return new RecordFileError(file, 'not-regular', `${path.basename(file)} is not a regular file (a pipe, socket or device); it is not read`);
  if (size > maxBytes) {
    return new RecordFileError(
      file,
      'too-large',
      `${path.basename(file)} is ${formatSize(size)}, over the ${formatSize(maxBytes)} limit for a record; it is not read (raise the limit in the settings if it really is one incident)`,
    );
  }
  return undefined;
}

/**
 * Reads a regular file of at most maxBytes. A FIFO, socket or device is refused without blocking
 * (it is opened non-blocking and checked before any read); a larger file is refused from its size,
 * without reading it.
 */
export async function readRegularFile(file: string, maxBytes: number = DEFAULT_MAX_RECORD_BYTES): Promise<FileSnapshot> {
  const handle = await fs.open(file, RECORD_OPEN_FLAGS);
  try {
    const stat = await handle.stat({ bigint: true });
    const refusal = unreadableRecord(file, stat.isFile(), Number(stat.size), maxBytes);
    if (refusal) throw refusal;
    const bytes = await handle.readFile();
    return { bytes, stat };
  } finally {
    await handle.close();
  }
}

/** True when the two stats describe the same unchanged file (same inode, size, change and modification times). */
function sameFile(a: BigIntStats, b: BigIntStats): boolean {
  return a.ino === b.ino && a.dev === b.dev && a.size === b.size && a.mtimeNs === b.mtimeNs && a.ctimeNs === b.ctimeNs;
}

/**
 * The file a record's path really names: a symlink is followed so the write goes through to its
 * target. A hard-linked file (more than one name) or a read-only one is refused.
 */
export async function writableTarget(file: string): Promise<string> {
  const target = await fs.realpath(file);
  const stat = await fs.stat(target);
  if (!stat.isFile()) throw new RecordFileError(file, 'not-regular', `${path.basename(file)} is not a regular file; it is not written`);
  if (stat.nlink > 1) {
    throw new RecordFileError(
      file,
      'hard-linked',
      `${path.basename(file)} has ${stat.nlink} hard links; replacing it would cut it off from the others, so it is not written (use a symbolic link, or a plain file)`,
    );
  }
  // The mode bits, not only access(): a superuser may write anything, but a file made read-only means "do not change".
  let writable = (stat.mode & 0o222) !== 0;
  if (writable) {
    try {
      await fs.access(target, constants.W_OK);
    } catch {
      writable = false;
    }
  }
  if (!writable) {
    throw new RecordFileError(file, 'read-only', `${path.basename(file)} is read-only; it is not written (make it writable to let Incident Room change it)`);
  }
  return target;
}

/**
 * Replaces target with text atomically, only if it is still the file in `expected`: the new text
 * goes to a temp file in the work folder (never in the records folder itself) and is synced;
 * then the file is compared with what was read, byte for byte and by identity, and renamed over
 * it. The last check is one stat right before the rename: the smallest window the OS allows
 * without a lock every writer honours. Returns false (writing nothing) when the file changed.
 */
export async function replaceIfUnchanged(target: string, expected: FileSnapshot, text: string | Buffer): Promise<boolean> {
  const dir = path.dirname(target);
  const work = ensureWorkDir(dir);
  sweepTempFiles(dir, path.basename(target));
  const temp = path.join(work, tempName(path.basename(target), randomBytes(4).toString('hex')));
  const mode = Number(expected.stat.mode) & 0o7777;
  try {
    const handle = await fs.open(temp, 'wx', mode);
    try {
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    // From here on synchronously: the compare, the last check and the rename follow each other
    // with no turn of the event loop between them, and each is a small local operation.
    const current = readFileSync(target);
    if (!current.equals(expected.bytes)) return false;
    const now = statSync(target, { bigint: true });
    if (!sameFile(now, expected.stat)) return false;
    renameSync(temp, target);
    return true;
  } finally {
    rmSync(temp, { force: true });
  }
}
