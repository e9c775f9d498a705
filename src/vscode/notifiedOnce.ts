// What was already announced, remembered in the workspace's state so a window reload does not
// announce it again. Bounded: the oldest keys go first.
import type * as vscode from 'vscode';

const LIMIT = 500;

export class NotifiedOnce {
  private readonly keys: string[];

  constructor(
    private readonly memory: vscode.Memento | undefined,
    private readonly storageKey: string,
  ) {
    this.keys = memory?.get<string[]>(storageKey, []) ?? [];
  }

  has(key: string): boolean {
    return this.keys.includes(key);
  }

  /** Remembers the key; false when it was already there (so the caller announces only once). */
  add(key: string): boolean {
    if (this.has(key)) return false;
    this.keys.push(key);
    if (this.keys.length > LIMIT) this.keys.splice(0, this.keys.length - LIMIT);
    void this.memory?.update(this.storageKey, [...this.keys]);
    return true;
  }

  all(): string[] {
    return [...this.keys];
  }
}
