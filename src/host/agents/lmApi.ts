/**
 * The few parts of VS Code's language-model API newer than the engines minimum (1.93,
 * whose @types/vscode we compile against): tools (1.95+) and MCP server definitions
 * (1.101+), declared here as they are in later vscode.d.ts, and read behind a feature check.
 */
import * as vscode from 'vscode';

/** vscode.LanguageModelToolResult. */
export interface LmToolResult {
  content: unknown[];
}

/** vscode.LanguageModelToolInvocationOptions. */
export interface LmToolInvocationOptions<T> {
  toolInvocationToken: unknown;
  input: T;
}

/** vscode.PreparedToolInvocation. */
export interface LmPreparedToolInvocation {
  invocationMessage?: string | vscode.MarkdownString;
  confirmationMessages?: { title: string; message: string | vscode.MarkdownString };
}

/** vscode.LanguageModelTool. */
export interface LmTool<T> {
  invoke(options: LmToolInvocationOptions<T>, token: vscode.CancellationToken): vscode.ProviderResult<LmToolResult>;
  prepareInvocation?(options: { input: T }, token: vscode.CancellationToken): vscode.ProviderResult<LmPreparedToolInvocation>;
}

/** vscode.LanguageModelToolInformation. */
export interface LmToolInformation {
  readonly name: string;
  readonly description: string;
  readonly inputSchema: object | undefined;
  readonly tags: readonly string[];
}

/** vscode.McpStdioServerDefinition. */
export interface McpStdioDefinition {
  readonly label: string;
  command: string;
  args: string[];
  env: Record<string, string | number | null>;
  version?: string;
  cwd?: vscode.Uri;
}

/** vscode.McpServerDefinitionProvider (stdio definitions only). */
export interface McpDefinitionProvider {
  readonly onDidChangeMcpServerDefinitions?: vscode.Event<void>;
  provideMcpServerDefinitions(token: vscode.CancellationToken): vscode.ProviderResult<McpStdioDefinition[]>;
  resolveMcpServerDefinition?(server: McpStdioDefinition, token: vscode.CancellationToken): vscode.ProviderResult<McpStdioDefinition>;
}

/** The newer members of the `vscode` module, each possibly absent. */
export interface NewerVscodeApi {
  lm?: {
    registerTool?<T>(name: string, tool: LmTool<T>): vscode.Disposable;
    invokeTool?(name: string, options: LmToolInvocationOptions<object>, token?: vscode.CancellationToken): Thenable<LmToolResult>;
    readonly tools?: readonly LmToolInformation[];
    registerMcpServerDefinitionProvider?(id: string, provider: McpDefinitionProvider): vscode.Disposable;
  };
  LanguageModelToolResult?: new (content: unknown[]) => LmToolResult;
  LanguageModelTextPart?: new (value: string) => { value: string };
  McpStdioServerDefinition?: new (label: string, command: string, args?: string[], env?: Record<string, string | number | null>, version?: string) => McpStdioDefinition;
}

/** The running VS Code's API, typed with the newer members as optional. */
export function newerApi(): NewerVscodeApi {
  return vscode as unknown as NewerVscodeApi;
}
