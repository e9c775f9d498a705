// Writing the public incident log without reading every record: each record's section of the
// log depends on that record alone, so sections are kept beside the summary cache, keyed by
// the record's file name and the hash of its bytes. A write to one record re-reads that record;
// the others' sections come from the keep. Like the summary cache it is derived: anything odd
// about it (another format, another folder, another build of this code, cut short) and it is
// thrown away and the sections are made again from the records.
import { createHash, randomBytes } from 'node:crypto';
import { createReadStream, promises as fs, statSync } from 'node:fs';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { publicLogPieces, publicLogSection, type PublicLogSection } from '../model/publicLog';
import type { IncidentStore } from './incidentStore';
import { parseRecord } from './recordFile';
import { readRegularFile } from './recordIo';
import { inParseWorkers, worthParseWorkers } from './parseWorkers';
import { forEachInSlices, slicePacer, yieldToEventLoop } from './slices';
import { hashBytes } from './summaryCache';

const SECTIONS_FORMAT = 'incident-room-public-log-sections/1';

interface SectionsHeader {
  format: string;
  /** Which build rendered the sections: another version of this code may word them differently. */
  build: string;
  folder: string;
  count: number;
}

interface KeptSection extends PublicLogSection {
  /** sha1 of the record's bytes the section was rendered from. */
  hash: string;
}

let buildKey: string | undefined;
/** This build of the code, by its own file's size and mtime (the bundle in the editor, the module in tests). */
function build(): string {
  if (buildKey === undefined) {
    try {
      const st = statSync(__filename);
      buildKey = `${st.size}:${st.mtimeMs}`;
    } catch {
      buildKey = `unknown:${randomBytes(4).toString('hex')}`;
    }
  }
  return buildKey;
}

// The kept sections and the log are read and written a line or a chunk at a time: at 10,000
// records each is over ten megabytes, and holding a few whole copies of them (the text, its
// lines, the joined log, the file's current bytes to compare with) is what made the first write
// the largest use of memory of all.

async function readSections(file: string, folder: string): Promise<Map<string, KeptSection>> {
  const none = new Map<string, KeptSection>();
  const sections = new Map<string, KeptSection>();
  const input = createReadStream(file, { encoding: 'utf8' });
  const lines = createInterface({ input, crlfDelay: Infinity });
  let header: SectionsHeader | undefined;
  let count = 0;
  const pace = slicePacer();
  try {
    for await (const line of lines) {
      if (header === undefined) {
        header = JSON.parse(line) as SectionsHeader;
        if (typeof header !== 'object' || header === null || header.format !== SECTIONS_FORMAT || header.build !== build() || header.folder !== path.resolve(folder) || typeof header.count !== 'number') return none;
        continue;
      }
      const item = JSON.parse(line) as unknown;
      if (!Array.isArray(item) || item.length !== 2 || typeof item[0] !== 'string') return none;
      const s = item[1] as KeptSection;
      if (typeof s !== 'object' || s === null || typeof s.hash !== 'string' || typeof s.id !== 'string' || typeof s.declaredMs !== 'number' || typeof s.text !== 'string') return none;
      sections.set(item[0], s);
      count++;
      const pause = pace();
      if (pause) await pause;
    }
  } catch {
    // not there, not JSON, unreadable: made again from the records
    return none;
  } finally {
    lines.close();
    input.destroy();
  }
  return header !== undefined && count === header.count ? sections : none;
}

/** Bytes gathered before each write of a streamed file. */
const CHUNK_CHARS = 256 * 1024;

async function writeSections(file: string, folder: string, sections: Map<string, KeptSection>): Promise<void> {
  const header: SectionsHeader = { format: SECTIONS_FORMAT, build: build(), folder: path.resolve(folder), count: sections.size };
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await fs.mkdir(path.dirname(file), { recursive: true });
    const handle = await fs.open(temp, 'w');
    try {
      let chunk = `${JSON.stringify(header)}\n`;
      for (const [name, s] of sections) {
        chunk += `${JSON.stringify([name, s])}\n`;
        if (chunk.length >= CHUNK_CHARS) {
          await handle.write(chunk);
          chunk = '';
        }
      }
      await handle.write(chunk);
    } finally {
      await handle.close();
    }
    await fs.rename(temp, file);
  } catch {
    await fs.rm(temp, { force: true }).catch(() => undefined);
    await fs.rm(file, { force: true }).catch(() => undefined);
  }
}

/**
 * The log's text a chunk at a time, exactly as joinPublicLog makes it (pieces joined by
 * newlines, the trailing newlines made one), without building it as one string.
 */
function* publicLogChunks(sections: readonly PublicLogSection[]): Generator<string> {
  let chunk = '';
  // Newlines at the end of what was given so far: written only if something follows them.
  let pending = 0;
  const add = (s: string) => {
    let end = s.length;
    while (end > 0 && s.charCodeAt(end - 1) === 10) end--;
    if (end === 0) {
      pending += s.length;
      return;
    }
    chunk += '\n'.repeat(pending) + (end === s.length ? s : s.slice(0, end));
    pending = s.length - end;
  };
  let first = true;
  for (const piece of publicLogPieces(sections)) {
    if (!first) add('\n');
    first = false;
    add(piece);
    if (chunk.length >= CHUNK_CHARS) {
      yield chunk;
      chunk = '';
    }
  }
  yield `${chunk}\n`;
}

/** sha1 of a file's bytes, read as a stream; undefined when it cannot be read. */
async function hashOfFile(file: string): Promise<string | undefined> {
  const hash = createHash('sha1');
  try {
    for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  } catch {
    return undefined;
  }
  return hash.digest('hex');
}

/** Writes the log when its bytes would change: hashed first as it would be written, then streamed into the file. */
async function writeLogIfChanged(logFile: string, sections: readonly PublicLogSection[]): Promise<void> {
  const hash = createHash('sha1');
  for (const chunk of publicLogChunks(sections)) {
    hash.update(chunk);
    // A chunk per turn: hashing a log of thousands of incidents at once would hold the event loop.
    await yieldToEventLoop();
  }
  if ((await hashOfFile(logFile)) === hash.digest('hex')) return;
  await fs.mkdir(path.dirname(logFile), { recursive: true });
  const handle = await fs.open(logFile, 'w');
  try {
    for (const chunk of publicLogChunks(sections)) await handle.write(chunk);
  } finally {
    await handle.close();
  }
}

/** Where a records folder's public-log sections are kept: beside its summary cache. */
export function sectionsFileFor(summaryCacheFile: string): string {
  return summaryCacheFile.replace(/\.json$/, '') + '.public-log.jsonl';
}

/** A record's public-log section with the hash of the bytes it was rendered from; none for a record that is not valid. */
export interface RenderedSection {
  file: string;
  section?: KeptSection;
}

/** Reads and parses a record for its public-log section (here, or in a parse worker). */
export async function renderSection(file: string, maxBytes: number): Promise<RenderedSection> {
  let bytes: Buffer;
  try {
    bytes = (await readRegularFile(file, maxBytes)).bytes;
  } catch {
    return { file };
  }
  const record = parseRecord(file, bytes);
  return record.kind === 'ok' ? { file, section: { ...publicLogSection(record.incident), hash: hashBytes(bytes) } } : { file };
}

/**
 * Regenerates the public log of the store's folder from its valid records and writes it when it
 * changed. Only records whose bytes changed since their section was kept are read and parsed:
 * in worker threads when there are many and the store keeps its caller's thread free (the
 * editor's first log of a folder of thousands), else here, one per turn of the event loop.
 * Returns how many records were read, for the record of what it cost.
 */
export async function writePublicLogFile(store: IncidentStore, logFile: string, sectionsFile?: string): Promise<{ read: number }> {
  // Brought up to date by stat: a record changed on disk since the last load is seen now.
  const entries = await store.syncedEntries();
  const kept = sectionsFile ? await readSections(sectionsFile, store.folderPath) : new Map<string, KeptSection>();
  const stale: string[] = [];
  // Passes over every record go a slice at a time: at 10,000 each held the event loop for tens of milliseconds.
  await forEachInSlices(entries, ({ name, hash, summary }) => {
    if (summary.kind !== 'ok') return;
    const keep = kept.get(name);
    if (!(keep && hash !== '' && keep.hash === hash)) stale.push(summary.file);
  });
  const rendered = new Map<string, KeptSection | undefined>();
  const accept = (results: RenderedSection[]) => {
    for (const r of results) rendered.set(r.file, r.section);
  };
  if (store.parsesOffThread && worthParseWorkers(stale.length)) {
    await inParseWorkers('sections', stale, store.maxRecordBytes, accept);
  } else {
    for (const file of stale) {
      accept([await renderSection(file, store.maxRecordBytes)]);
      // One record at a time: many changed records must not hold the event loop.
      await yieldToEventLoop();
    }
  }
  // In the entries' order, whatever order the workers answered in.
  const sections = new Map<string, KeptSection>();
  await forEachInSlices(entries, ({ name, summary }) => {
    if (summary.kind !== 'ok') return;
    const section = rendered.has(summary.file) ? rendered.get(summary.file) : kept.get(name);
    if (section) sections.set(name, section);
  });
  await writeLogIfChanged(logFile, [...sections.values()]);
  const read = stale.length;
  if (sectionsFile && (read > 0 || sections.size !== kept.size)) await writeSections(sectionsFile, store.folderPath, sections);
  return { read };
}
