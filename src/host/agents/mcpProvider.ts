/**
 * Offers the bundled `connection-doctor mcp` to VS Code's MCP support, so agent modes
 * that consume MCP servers see it without any configuration. The server runs on the
 * editor's own Node.js (Electron's, as plain Node, on the desktop). In Restricted Mode it
 * is offered with `--offline`: a workspace nobody trusted cannot have it probe anything.
 */
import * as vscode from 'vscode';
import { Owner } from '../disposables';
import { MCP_SERVER_LABEL, mcpLaunch } from '../model/agentModel';
import type { McpDefinitionProvider, McpStdioDefinition, NewerVscodeApi } from './lmApi';

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
    const { command, args, env } = mcpLaunch(this.context.extensionPath, trusted, { execPath: process.execPath, electron: process.versions.electron !== undefined });
    const version = String((this.context.extension.packageJSON as { version?: unknown }).version ?? '0');
    // The version changes with trust, so VS Code refreshes the tool list it cached.
    return [new this.Definition(MCP_SERVER_LABEL, command, args, env, trusted ? version : `${version}-offline`)];
  }

  resolveMcpServerDefinition(server: McpStdioDefinition): McpStdioDefinition {
    return server;
  }
}
