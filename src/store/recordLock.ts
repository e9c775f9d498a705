// One writer at a time per record, across processes (several windows, the command line, the
// git merge driver): an exclusive-create lock file next to the store's temp files.
//
// Why a lock file made with O_CREAT|O_EXCL rather than a library: it needs nothing but the file
// system, works the same on every platform Node runs on, and lets a lock whose holder died be
// recognised at once (its pid no longer runs on this machine) instead of after a fixed stale
// timeout, so a killed writer does not hold everyone up. Writers that do not lock (an editor,
// git) are still caught by the store's compare-before-replace.
import { randomBytes } from 'node:crypto';
// Each step is a metadata operation of microseconds: done synchronously, not as a promise that
// waits its turn on the thread pool and the event loop (about a millisecond each on a busy loop).
import { linkSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { ensureWorkDir, hostTag, processAlive, tempName } from './workDir';

/** The lock could not be taken in time; nothing was written. */
export class RecordLockedError extends Error {
  constructor(
    readonly file: string,
    readonly holder: string,
  ) {
    super(`${path.basename(file)} is being written by ${holder}; nothing was written. Try again.`);
    this.name = 'RecordLockedError';
  }
}

export interface LockOptions {
  /** How long to wait for another writer, in ms. */
  waitMs?: number;
  /** A lock older than this is taken to be abandoned, whoever holds it (a holder on another machine, a reused pid). */
  staleMs?: number;
}

interface Holder {
  pid: number;
  host: string;
  token: string;
  at: number;
}

const DEFAULT_WAIT_MS = 15_000;
const DEFAULT_STALE_MS = 60_000;

/** Runs fn while holding the lock of the record file; the lock is released however fn ends. */
export async function withRecordLock<T>(file: string, fn: () => Promise<T>, options: LockOptions = {}): Promise<T> {
  const release = await acquire(file, options);
  try {
    return await fn();
  } finally {
    release();
  }
}

export function lockPathFor(file: string): string {
  return path.join(path.dirname(file), '.incident-room', `${path.basename(file)}.lock`);
}

async function acquire(file: string, options: LockOptions): Promise<() => void> {
  const waitMs = options.waitMs ?? DEFAULT_WAIT_MS;
  const staleMs = options.staleMs ?? DEFAULT_STALE_MS;
  ensureWorkDir(path.dirname(file));
  const lockPath = lockPathFor(file);
  const me: Holder = { pid: process.pid, host: hostTag(), token: randomBytes(8).toString('hex'), at: Date.now() };
  const deadline = Date.now() + waitMs;
  // Waiters queue in arrival order, so a writer that releases and at once locks again (a loop of
  // appends) cannot starve another process: it goes to the back of the line.
  const ticket = `${path.basename(lockPath)}${WAIT}${String(Date.now()).padStart(15, '0')}.${me.host}.${me.pid}.${me.token}`;
  writeFileSync(path.join(path.dirname(lockPath), ticket), '');
  try {
    return await acquireInTurn(file, lockPath, me, ticket, deadline, staleMs);
  } finally {
    rmSync(path.join(path.dirname(lockPath), ticket), { force: true });
  }
}

const WAIT = '.wait.';

/** True when no live waiter arrived before us; waiters that died are removed from the line. */
function firstInLine(lockPath: string, ticket: string, staleMs: number): boolean {
  const dir = path.dirname(lockPath);
  const prefix = `${path.basename(lockPath)}${WAIT}`;
  const line = readdirSync(dir).filter((n) => n.startsWith(prefix)).sort();
  for (const name of line) {
    if (name === ticket) return true;
    const [stamp, host, pid] = name.slice(prefix.length).split('.');
    const dead = (host === hostTag() && !processAlive(Number(pid))) || Date.now() - Number(stamp) > staleMs;
    if (!dead) return false;
    rmSync(path.join(dir, name), { force: true });
  }
  return true;
}

async function acquireInTurn(file: string, lockPath: string, me: Holder, ticket: string, deadline: number, staleMs: number): Promise<() => void> {
  let delay = 1;
  for (;;) {
    if (!firstInLine(lockPath, ticket, staleMs)) {
      if (Date.now() >= deadline) throw new RecordLockedError(file, 'other writers waiting before this one');
      await new Promise((r) => setTimeout(r, delay + Math.random() * delay));
      delay = Math.min(delay * 2, 20);
      continue;
    }
    // The lock appears with its holder already in it (written aside, then hard-linked into
    // place, which fails if the lock exists), so a lock is never seen empty.
    const draft = path.join(path.dirname(lockPath), tempName(path.basename(lockPath), me.token));
    try {
      writeFileSync(draft, JSON.stringify(me), { flag: 'wx' });
      try {
        linkSync(draft, lockPath);
      } catch (err) {
        // A file system without hard links: create the lock exclusively and write it in place.
        if (!['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS'].includes((err as NodeJS.ErrnoException).code ?? '')) throw err;
        writeFileSync(lockPath, JSON.stringify(me), { flag: 'wx' });
      }
      return () => release(lockPath, me.token);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
        ensureWorkDir(path.dirname(file));
        continue;
      }
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    } finally {
      rmSync(draft, { force: true });
    }
    const holder = readHolder(lockPath);
    if (holder === 'gone') continue;
    if (isStale(lockPath, holder, staleMs)) {
      breakLock(lockPath, holder);
      continue;
    }
    if (Date.now() >= deadline) {
      throw new RecordLockedError(file, holder ? `process ${holder.pid} on ${holder.host}` : 'another process');
    }
    await new Promise((r) => setTimeout(r, delay + Math.random() * delay));
    delay = Math.min(delay * 2, 20);
  }
}

function release(lockPath: string, token: string): void {
  // Only remove our own lock: if it was broken as stale, another writer's lock may be there now.
  const holder = readHolder(lockPath);
  if (holder && holder !== 'gone' && holder.token === token) rmSync(lockPath, { force: true });
}

/** The holder written in the lock, undefined while it is being written (or unreadable), 'gone' when the lock vanished. */
function readHolder(lockPath: string): Holder | undefined | 'gone' {
  let text: string;
  try {
    text = readFileSync(lockPath, 'utf8');
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'gone' : undefined;
  }
  try {
    const h = JSON.parse(text) as Holder;
    return typeof h.pid === 'number' && typeof h.host === 'string' && typeof h.token === 'string' ? h : undefined;
  } catch {
    return undefined;
  }
}

function isStale(lockPath: string, holder: Holder | undefined, staleMs: number): boolean {
  if (holder && holder.host === hostTag() && !processAlive(holder.pid)) return true;
  let mtime: number;
  try {
    mtime = statSync(lockPath).mtimeMs;
  } catch {
    return false;
  }
  return Date.now() - mtime > staleMs;
}

/**
 * Removes an abandoned lock without removing a fresh one by mistake: the lock is moved aside
 * (only one breaker can move it), and put back if what was moved is not the lock judged stale.
 */
function breakLock(lockPath: string, stale: Holder | undefined): void {
  const aside = `${lockPath}.${randomBytes(6).toString('hex')}.broken`;
  try {
    renameSync(lockPath, aside);
  } catch {
    return;
  }
  const moved = readHolder(aside);
  const same = moved === 'gone' || (stale === undefined ? moved === undefined : moved !== undefined && moved.token === stale.token);
  if (!same) {
    // A live lock was moved; restore it unless someone has taken the lock meanwhile.
    try {
      linkSync(aside, lockPath);
    } catch {
      // Someone holds the lock now; the compare-before-replace still protects the record.
    }
  }
  rmSync(aside, { force: true });
}
