// The store's own folder inside the records folder: lock files and temp files live there, in a
// folder git ignores by itself (its .gitignore says `*`) and that is never listed as records.
import { mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const WORK_DIR_NAME = '.incident-room';
const GITIGNORE = '# Lock and temp files of Incident Room: never commit them.\n*\n';

/** The work folder for records in dir, created (with its .gitignore) when missing. */
export function ensureWorkDir(dir: string): string {
  const work = path.join(dir, WORK_DIR_NAME);
  mkdirSync(work, { recursive: true });
  try {
    writeFileSync(path.join(work, '.gitignore'), GITIGNORE, { flag: 'wx' });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
  }
  return work;
}

/** A fresh temp-file name for a record: `<record>.<host>.<pid>.<random>.tmp`. */
export function tempName(recordName: string, random: string): string {
  return `${recordName}.${hostTag()}.${process.pid}.${random}.tmp`;
}

export function hostTag(): string {
  return os.hostname().replace(/[^A-Za-z0-9-]/g, '_') || 'host';
}

/** True when a process with this pid runs on this machine (EPERM: it runs, as another user). */
export function processAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const TEMP = /^(.+)\.([A-Za-z0-9_-]+)\.(\d+)\.[0-9a-f]+\.tmp$/;

/**
 * Removes temp files left by writers that died mid-write: with recordName, every temp file of
 * that record (call it only while holding the record's lock, when no other writer can own one);
 * without, those whose writer no longer runs on this machine. Returns how many were removed.
 */
export function sweepTempFiles(dir: string, recordName?: string): number {
  const work = path.join(dir, WORK_DIR_NAME);
  let names: string[];
  try {
    names = readdirSync(work);
  } catch {
    return 0;
  }
  let removed = 0;
  for (const name of names) {
    const m = TEMP.exec(name);
    if (!m) continue;
    const orphan = recordName !== undefined ? m[1] === recordName : m[2] === hostTag() && !processAlive(Number(m[3]));
    if (!orphan) continue;
    try {
      rmSync(path.join(work, name), { force: true });
      removed++;
    } catch {
      // Another sweeper got there first.
    }
  }
  return removed;
}
