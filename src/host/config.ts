/** The configuration snapshot: read once, refreshed when `connectionDoctor.*` or workspace trust changes. */
import * as vscode from 'vscode';
import { CONFIG_SECTION } from './model/commandIds';
import { configFrom, effectiveValue } from './model/configModel';
import { Owner } from './disposables';
import type { ConfigStore } from './services';
import type { Config } from './model/configModel';

/** Reads every setting through `inspect()` so restricted keys ignore workspace values when untrusted. */
export function readConfig(): Readonly<Config> {
  const section = vscode.workspace.getConfiguration(CONFIG_SECTION);
  const trusted = vscode.workspace.isTrusted;
  return configFrom((key) => effectiveValue(key, section.inspect(key), trusted));
}

/** {@link ConfigStore} over the VS Code settings. */
export class VscodeConfigStore extends Owner implements ConfigStore {
  private snapshot = readConfig();
  private readonly emitter = this.register(new vscode.EventEmitter<Readonly<Config>>());
  readonly onDidChange = this.emitter.event;

  constructor() {
    super();
    this.register(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration(CONFIG_SECTION)) this.refresh();
      }),
    );
    this.register(vscode.workspace.onDidGrantWorkspaceTrust(() => this.refresh()));
  }

  get current(): Readonly<Config> {
    return this.snapshot;
  }

  private refresh(): void {
    this.snapshot = readConfig();
    this.emitter.fire(this.snapshot);
  }
}
