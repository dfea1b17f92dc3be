import * as vscode from 'vscode';

/** Placeholder until the host layer lands; keeps the build green. */
export function activate(context: vscode.ExtensionContext): void {
  context.subscriptions.push(vscode.commands.registerCommand('connectionDoctor.diagnose', () => undefined));
}

export function deactivate(): void {}
