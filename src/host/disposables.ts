/** Owned disposables (the vscode-pull-request-github habit): everything registered is disposed with its owner. */
import type * as vscode from 'vscode';

/** Base class whose `register()`ed disposables are released by `dispose()`, newest first. */
export class Owner implements vscode.Disposable {
  private owned: vscode.Disposable[] = [];
  private disposed = false;

  protected register<T extends vscode.Disposable>(d: T): T {
    if (this.disposed) d.dispose();
    else this.owned.push(d);
    return d;
  }

  get isDisposed(): boolean {
    return this.disposed;
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    const owned = this.owned;
    this.owned = [];
    for (const d of owned.reverse()) {
      try {
        d.dispose();
      } catch {
        // One failing disposer must not keep the others alive.
      }
    }
  }
}
