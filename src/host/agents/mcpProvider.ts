/**
 * Offers the bundled `connection-doctor mcp` to VS Code's MCP support, so agent modes
 * that consume MCP servers see it without any configuration. The server runs on the
 * editor's own Node.js (Electron's, as plain Node, on the desktop). In Restricted Mode it
 * is offered with `--offline`: a workspace nobody trusted cannot have it probe anything.
 */
import * as vscode from 'vscode';
import { Owner } from '../disposables';
import type { McpDefinitionProvider, McpStdioDefinition, NewerVscodeApi } from './lmApi';

/** The label agents and the MCP server list show. */
export const MCP_SERVER_LABEL = 'Connection Doctor';

/** How the bundled server is started: the command, its arguments and environment. */
export function mcpLaunch(extensionPath: string, trusted: boolean): { command: string; args: string[]; env: Record<string, string> } {
  const cli = vscode.Uri.joinPath(vscode.Uri.file(extensionPath), 'dist', 'cli.js').fsPath;
  return {
    command: process.execPath,
    args: [cli, 'mcp', ...(trusted ? [] : ['--offline'])],
    // On the desktop the extension host is Electron: this makes it run the script as Node.
    env: process.versions.electron ? { ELECTRON_RUN_AS_NODE: '1' } : {},
  };
}

/** {@link McpDefinitionProvider} of the bundled server. */
export class McpServerProvider extends Owner implements McpDefinitionProvider {
  private readonly changed = this.register(new vscode.EventEmitter<void>());
  readonly onDidChangeMcpServerDefinitions = this.changed.event;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly Definition: NonNullable<NewerVscodeApi['McpStdioServerDefinition']>,
  ) {
    super();
    // Granting trust turns the offline server into the full one.
    this.register(vscode.workspace.onDidGrantWorkspaceTrust(() => this.changed.fire()));
  }

  provideMcpServerDefinitions(): McpStdioDefinition[] {
    const trusted = vscode.workspace.isTrusted;
    const { command, args, env } = mcpLaunch(this.context.extensionPath, trusted);
    const version = String((this.context.extension.packageJSON as { version?: unknown }).version ?? '0');
    // The version changes with trust, so VS Code refreshes the tool list it cached.
    return [new this.Definition(MCP_SERVER_LABEL, command, args, env, trusted ? version : `${version}-offline`)];
  }

  resolveMcpServerDefinition(server: McpStdioDefinition): McpStdioDefinition {
    return server;
  }
}
