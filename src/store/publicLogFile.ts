// Writing the public incident log without reading every record: each record's section of the
// log depends on that record alone, so sections are kept beside the summary cache, keyed by
// the record's file name and the hash of its bytes. A write to one record re-reads that record;
// the others' sections come from the keep. Like the summary cache it is derived: anything odd
// about it (another format, another folder, another build of this code, cut short) and it is
// thrown away and the sections are made again from the records.
import { randomBytes } from 'node:crypto';
import { promises as fs, statSync } from 'node:fs';
import * as path from 'node:path';
import { joinPublicLog, publicLogSection, type PublicLogSection } from '../model/publicLog';
import type { IncidentStore } from './incidentStore';
import { parseRecord } from './recordFile';
import { readRegularFile } from './recordIo';
import { slicePacer, yieldToEventLoop } from './slices';
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

async function readSections(file: string, folder: string): Promise<Map<string, KeptSection>> {
  const none = new Map<string, KeptSection>();
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch {
    return none;
  }
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  let header: SectionsHeader;
  try {
    header = JSON.parse(lines[0] ?? '') as SectionsHeader;
  } catch {
    return none;
  }
  if (typeof header !== 'object' || header === null || header.format !== SECTIONS_FORMAT || header.build !== build() || header.folder !== path.resolve(folder) || header.count !== lines.length - 1) return none;
  const sections = new Map<string, KeptSection>();
  const pace = slicePacer();
  for (let i = 1; i < lines.length; i++) {
    let item: unknown;
    try {
      item = JSON.parse(lines[i]!);
    } catch {
      return none;
    }
    if (!Array.isArray(item) || item.length !== 2 || typeof item[0] !== 'string') return none;
    const s = item[1] as KeptSection;
    if (typeof s !== 'object' || s === null || typeof s.hash !== 'string' || typeof s.id !== 'string' || typeof s.declaredMs !== 'number' || typeof s.text !== 'string') return none;
    sections.set(item[0], s);
    const pause = pace();
    if (pause) await pause;
  }
  return sections;
}

async function writeSections(file: string, folder: string, sections: Map<string, KeptSection>): Promise<void> {
  const header: SectionsHeader = { format: SECTIONS_FORMAT, build: build(), folder: path.resolve(folder), count: sections.size };
  const lines = [JSON.stringify(header)];
  const pace = slicePacer();
  for (const [name, s] of sections) {
    lines.push(JSON.stringify([name, s]));
    const pause = pace();
    if (pause) await pause;
  }
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await fs.mkdir(path.dirname(file), { recursive: true });
    await fs.writeFile(temp, `${lines.join('\n')}\n`);
    await fs.rename(temp, file);
  } catch {
    await fs.rm(temp, { force: true }).catch(() => undefined);
    await fs.rm(file, { force: true }).catch(() => undefined);
  }
}

/** Where a records folder's public-log sections are kept: beside its summary cache. */
export function sectionsFileFor(summaryCacheFile: string): string {
  return summaryCacheFile.replace(/\.json$/, '') + '.public-log.jsonl';
}

/**
 * Regenerates the public log of the store's folder from its valid records and writes it when it
 * changed. Only records whose bytes changed since their section was kept are read and parsed.
 * Returns how many records were read, for the record of what it cost.
 */
export async function writePublicLogFile(store: IncidentStore, logFile: string, sectionsFile?: string): Promise<{ read: number }> {
  // Brought up to date by stat: a record changed on disk since the last load is seen now.
  const entries = await store.syncedEntries();
  const kept = sectionsFile ? await readSections(sectionsFile, store.folderPath) : new Map<string, KeptSection>();
  const sections = new Map<string, KeptSection>();
  let read = 0;
  for (const { name, hash, summary } of entries) {
    if (summary.kind !== 'ok') continue;
    const keep = kept.get(name);
    if (keep && hash !== '' && keep.hash === hash) {
      sections.set(name, keep);
      continue;
    }
    let bytes: Buffer;
    try {
      bytes = (await readRegularFile(summary.file, store.maxRecordBytes)).bytes;
    } catch {
      continue;
    }
    read++;
    const record = parseRecord(summary.file, bytes);
    if (record.kind === 'ok') sections.set(name, { ...publicLogSection(record.incident), hash: hashBytes(bytes) });
    // One record at a time: many changed records must not hold the event loop.
    await yieldToEventLoop();
  }
  const text = joinPublicLog([...sections.values()]);
  const current = await fs.readFile(logFile, 'utf8').catch(() => undefined);
  if (current !== text) {
    await fs.mkdir(path.dirname(logFile), { recursive: true });
    await fs.writeFile(logFile, text);
  }
  if (sectionsFile && (read > 0 || sections.size !== kept.size)) await writeSections(sectionsFile, store.folderPath, sections);
  return { read };
}
