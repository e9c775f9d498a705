// A record's validated value, kept by the SHA-256 of the exact bytes it was read from, so a
// command that reads one record (the close gate) does not parse 40 KB of YAML with a cold parser
// every time. It lives in the user's private state folder, beside the key the gate signs its
// evidence with, and each entry is signed with that key: an entry is used only when its
// signature verifies, it was made by the same rules (schema and checks) and its hash is the
// hash of the bytes on disk now. Anything else (a corrupt file, another format, another key,
// other bytes) is thrown away and the record is parsed. Only valid records are kept: a record
// with problems always takes the full path, which finds each problem's line and column.
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Incident } from '../model/record';
import { defaultKeyPath, loadStateKey, privateStateDir } from './privateState';
import { recordRulesKey } from './summaryCache';

export const RECORD_VALUE_CACHE_FORMAT = 'incident-room-record-value/1';
/** Entries kept; the least recently written go first. A few records per repository are read this way. */
export const MAX_RECORD_VALUES = 128;
/** Pruning keeps this many, so that the folder is listed and its entries' times read once per 32 writes, not at every write past the limit. */
export const PRUNED_TO = MAX_RECORD_VALUES - 32;
/** Hashes a process remembers as already kept. */
const MAX_HELD = 4096;

interface EntryHeader {
  format: string;
  rules: string;
  /** SHA-256 of the record's bytes. */
  bytes: string;
  /** HMAC-SHA-256, with the state key, of the format, the rules, the bytes' hash and the value's JSON. */
  sig: string;
}

/** JSON.stringify, refusing what JSON would change (NaN, ±Infinity, -0): such a value is not cached. */
function exactJson(value: unknown): string | undefined {
  // A walk, not a replacer: JSON.stringify calling back into JavaScript for every key costs several times the walk.
  return changedByJson(value) ? undefined : JSON.stringify(value);
}

function changedByJson(value: unknown): boolean {
  if (typeof value === 'number') return !Number.isFinite(value) || Object.is(value, -0);
  if (value === null || typeof value !== 'object') return false;
  if (Array.isArray(value)) return value.some(changedByJson);
  for (const key in value) if (changedByJson((value as Record<string, unknown>)[key])) return true;
  return false;
}

export class RecordValueCache {
  private key: Buffer | undefined;
  /** Hashes of bytes whose entry this process verified or wrote: a put for them again would write the same entry. */
  private readonly held = new Set<string>();

  constructor(
    /** Private to the user (mode 0700), e.g. recordValueCacheDir(). */
    readonly dir: string,
    private readonly keyPath: string = defaultKeyPath(),
  ) {}

  /** The value of a valid record with exactly these bytes, when a verified entry has it. */
  get(bytes: Buffer): Incident | undefined {
    const hash = createHash('sha256').update(bytes).digest('hex');
    const file = join(this.dir, `${hash}.json`);
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      this.held.delete(hash);
      return undefined;
    }
    try {
      const newline = text.indexOf('\n');
      const header = JSON.parse(text.slice(0, newline)) as EntryHeader;
      const valueJson = text.slice(newline + 1);
      if (newline < 0 || header?.format !== RECORD_VALUE_CACHE_FORMAT || header.rules !== recordRulesKey() || header.bytes !== hash || typeof header.sig !== 'string') {
        throw new Error('not an entry for these bytes');
      }
      const expected = this.sign(hash, valueJson);
      const actual = Buffer.from(header.sig, 'hex');
      if (actual.length !== expected.length || !timingSafeEqual(actual, expected)) throw new Error('the signature does not verify');
      const value = JSON.parse(valueJson) as unknown;
      if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new Error('not a record');
      this.hold(hash);
      return value as Incident;
    } catch {
      // Never trusted: the caller parses the bytes, and its put replaces the entry.
      this.held.delete(hash);
      return undefined;
    }
  }

  /**
   * Keeps the value of a valid record with these bytes. The caller must know it is what parsing
   * the bytes gives (it just parsed them, or it parsed the text it wrote and compared). Best effort:
   * a cache that cannot be written is only a slower next read.
   */
  put(bytes: Buffer, incident: Incident): void {
    const hash = createHash('sha256').update(bytes).digest('hex');
    // The same bytes always have the same value under the same rules, which the entry records.
    if (this.held.has(hash)) return;
    const valueJson = exactJson(incident);
    if (valueJson === undefined) return;
    try {
      mkdirSync(this.dir, { recursive: true, mode: 0o700 });
      const header: EntryHeader = { format: RECORD_VALUE_CACHE_FORMAT, rules: recordRulesKey(), bytes: hash, sig: this.sign(hash, valueJson).toString('hex') };
      const file = join(this.dir, `${hash}.json`);
      const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
      writeFileSync(temp, `${JSON.stringify(header)}\n${valueJson}`, { mode: 0o600, flag: 'wx' });
      renameSync(temp, file);
      this.hold(hash);
      this.prune();
    } catch {
      // See above.
    }
  }

  private sign(hash: string, valueJson: string): Buffer {
    this.key ??= loadStateKey(this.keyPath);
    return createHmac('sha256', this.key).update(`${RECORD_VALUE_CACHE_FORMAT}\n${recordRulesKey()}\n${hash}\n`).update(valueJson).digest();
  }

  /** Remembers a hash whose entry is on disk; a long-lived editor forgets the oldest past a few thousand. */
  private hold(hash: string): void {
    if (this.held.size >= MAX_HELD) this.held.delete(this.held.values().next().value!);
    this.held.add(hash);
  }

  /** Past MAX_RECORD_VALUES entries, the oldest written go, down to PRUNED_TO. */
  private prune(): void {
    const names = readdirSync(this.dir).filter((n) => n.endsWith('.json'));
    if (names.length <= MAX_RECORD_VALUES) return;
    const byAge = names
      .map((n) => {
        try {
          return { n, at: statSync(join(this.dir, n)).mtimeMs };
        } catch {
          return { n, at: 0 };
        }
      })
      .sort((a, b) => a.at - b.at);
    for (const { n } of byAge.slice(0, names.length - PRUNED_TO)) rmSync(join(this.dir, n), { force: true });
  }
}

/** Where the record values are kept: the private state folder's `records/`. */
export function recordValueCacheDir(): string {
  return join(privateStateDir(), 'records');
}
