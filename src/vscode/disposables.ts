import type * as vscode from 'vscode';

/** Owns disposables and disposes them together, newest first. */
export class DisposableStore implements vscode.Disposable {
  private readonly items: vscode.Disposable[] = [];
  private disposed = false;

  add<T extends vscode.Disposable>(item: T): T {
    if (this.disposed) {
      item.dispose();
    } else {
      this.items.push(item);
    }
    return item;
  }

  dispose(): void {
    this.disposed = true;
    while (this.items.length) {
      try {
        this.items.pop()!.dispose();
      } catch (err) {
        console.error('Incident Room: dispose failed', err);
      }
    }
  }
}
