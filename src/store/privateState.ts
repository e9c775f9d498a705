// The user's private state folder ($XDG_STATE_HOME/incident-room, else
// ~/.local/state/incident-room; mode 0700) and the HMAC key in it (mode 0600). What is kept
// there is as trusted as the user's own account: the gate's signing key, and what is signed with it.
import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';

/** The folder, not created here. */
export function privateStateDir(): string {
  const state = process.env.XDG_STATE_HOME?.trim() || join(homedir(), '.local', 'state');
  return join(state, 'incident-room');
}

export function defaultKeyPath(): string {
  return join(privateStateDir(), 'key');
}

/** The signing key at path, made (32 random bytes, mode 0600, in a 0700 folder) the first time. */
export function loadStateKey(path: string = defaultKeyPath()): Buffer {
  try {
    return Buffer.from(readFileSync(path, 'utf8').trim(), 'hex');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const key = randomBytes(32);
  try {
    writeFileSync(path, key.toString('hex') + '\n', { mode: 0o600, flag: 'wx' });
    return key;
  } catch (e) {
    // Another process created it first: use theirs.
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return Buffer.from(readFileSync(path, 'utf8').trim(), 'hex');
    throw e;
  }
}
