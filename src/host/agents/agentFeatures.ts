/**
 * Registers what coding agents use inside VS Code, where the running VS Code has the
 * API: the language-model tools (1.95+) and the MCP server definition provider (1.101+).
 * On older hosts (the 1.93 minimum) nothing is registered and the rest works as before.
 */
import { Owner } from '../disposables';
import type { Services } from '../services';
import { LmTools, MCP_PROVIDER_ID } from '../model/agentModel';
import { newerApi } from './lmApi';
import { diagnoseTool, explainTool, incidentsTool } from './lmTools';
import { McpServerProvider } from './mcpProvider';

/** The agent features this host could register (read by the integration tests). */
export class AgentFeatures extends Owner {
  /** Names of the registered language-model tools (empty without the API). */
  readonly tools: readonly string[];
  /** The MCP server definition provider, when the API exists. */
  readonly mcp: McpServerProvider | null;

  constructor(services: Services) {
    super();
    const api = newerApi();
    const lm = api.lm;
    const tools: string[] = [];
    // A host with the API only as a proposal (1.93, 1.94) may throw: activation goes on without it.
    try {
      if (typeof lm?.registerTool === 'function' && api.LanguageModelToolResult && api.LanguageModelTextPart) {
        const parts = { LanguageModelToolResult: api.LanguageModelToolResult, LanguageModelTextPart: api.LanguageModelTextPart };
        this.register(lm.registerTool(LmTools.diagnose, diagnoseTool(services, parts)));
        this.register(lm.registerTool(LmTools.incidents, incidentsTool(services, parts)));
        this.register(lm.registerTool(LmTools.explain, explainTool(services, parts)));
        tools.push(LmTools.diagnose, LmTools.incidents, LmTools.explain);
      }
    } catch (e) {
      services.log.warn(`language-model tools not registered: ${String(e)}`);
    }
    this.tools = tools;
    let mcp: McpServerProvider | null = null;
    try {
      if (typeof lm?.registerMcpServerDefinitionProvider === 'function' && api.McpStdioServerDefinition) {
        const provider = new McpServerProvider(services.context, api.McpStdioServerDefinition);
        this.register(provider);
        this.register(lm.registerMcpServerDefinitionProvider(MCP_PROVIDER_ID, provider));
        mcp = provider;
      }
    } catch (e) {
      services.log.warn(`MCP server definition provider not registered: ${String(e)}`);
    }
    this.mcp = mcp;
    services.log.info(`agent features: ${tools.length} language-model tools, MCP provider ${mcp ? 'registered' : 'not available'}`);
  }
}
