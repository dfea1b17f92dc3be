/**
 * `connection-doctor mcp [--offline]`: a Model Context Protocol server over stdio for
 * coding agents (Claude Code, Cursor, Copilot, Cline, ...). Three tools: diagnose_connection
 * (live probes), scan_output and explain_failure (text only). `--offline` leaves out the
 * probing tool. A tool's failure is an error result with one sentence: the server lives on.
 * Standard output carries only the protocol; nothing else is ever printed there.
 */
import { Readable } from 'node:stream';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { version } from '../../package.json';
import { diagnoseSubject, incidentInText } from '../core/agents/agentInput';
import type { AgentResult } from '../core/agents/agentResults';
import { diagnosisResult, explanationResult } from '../core/agents/agentResults';
import { maskDeep } from '../core/diagnose/mask';
import { runDiagnosis } from '../core/diagnose/diagnose';
import { snapshotEnvironment } from '../core/diagnose/environment';
import { maskSecrets } from '../core/diagnose/mask';
import { likelyCausesOffline } from '../core/diagnose/offline';
import { renderReport } from '../core/diagnose/report';
import { PROBE_IDS } from '../core/types';
import { diagnoseInput, diagnoseOutput, explainInput, explainOutput, scanInput, scanOutput } from './mcpSchemas';
import { scanRecord, scanStream, toHuman } from './scan';

const USAGE = 'Usage: connection-doctor mcp [--offline]\n';

/** Tool names, as MCP clients list them. */
export const MCP_TOOLS = { diagnose: 'diagnose_connection', scan: 'scan_output', explain: 'explain_failure' } as const;

const INSTRUCTIONS =
  'Connection Doctor explains network connection failures (ECONNREFUSED, ECONNRESET, ETIMEDOUT, DNS, TLS, socket hang up). ' +
  'When a command fails with such an error, call explain_failure with the error text, or diagnose_connection to probe the host and port ' +
  'it names and get a verdict from live evidence before editing code or retrying. scan_output finds such failures in a long log.';

const DIAGNOSE_DESCRIPTION =
  'Diagnoses a failed network connection with live probes (DNS, TCP connect, TLS, HTTP, listening sockets on this machine, proxy settings, repeated connects) ' +
  'against the host and port named in the error text or given as target. Returns a one-sentence verdict, the ranked causes with the evidence for and against each, ' +
  'the fixes (client, server or network side) and commands to verify. Use it after a command failed to connect, before changing code or retrying. ' +
  'It contacts only the target, its proxy and the system resolver, for a few seconds.';

const SCAN_DESCRIPTION =
  'Finds the connection failures in a block of output or a log excerpt (terminal output, CI log, server log). Returns one record per distinct failure: ' +
  'category (refused, reset, timeout, dns, unreachable, tls, closed), host, port, URL, the program that printed it, the rule that matched, how often it repeated ' +
  'and its lines. Reads the text only: nothing is contacted.';

const EXPLAIN_DESCRIPTION =
  'Explains a connection error text without contacting anything: what the failure category means and the likely causes ranked from the text alone, ' +
  'with their fixes and the commands to check them. Use it to understand an error quickly; use diagnose_connection for evidence from live probes.';

/** Default incidents listed by scan_output. */
const SCAN_LIMIT = 50;

/** Options of the server. */
export interface McpOptions {
  /** Leave out the probing tool (nothing is ever contacted). */
  offline: boolean;
  /** Environment for the proxy variables (default process.env). */
  env?: NodeJS.ProcessEnv;
}

function ok<T extends object>(result: AgentResult<T>): CallToolResult {
  return { content: [{ type: 'text', text: result.text }], structuredContent: result.data as Record<string, unknown> };
}

function failure(message: string): CallToolResult {
  return { content: [{ type: 'text', text: maskSecrets(message) }], isError: true };
}

/** Builds the server with its tools (not yet connected). */
export function createMcpServer(options: McpOptions): McpServer {
  const server = new McpServer({ name: 'connection-doctor', title: 'Connection Doctor', version }, { instructions: INSTRUCTIONS });
  const env = options.env ?? process.env;

  if (!options.offline) {
    server.registerTool(
      MCP_TOOLS.diagnose,
      {
        title: 'Diagnose a connection failure',
        description: DIAGNOSE_DESCRIPTION,
        inputSchema: diagnoseInput,
        outputSchema: diagnoseOutput,
        annotations: { title: 'Diagnose a connection failure', readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: true },
      },
      async (input, extra) => {
        const subject = diagnoseSubject(input);
        if ('error' in subject) return failure(subject.error);
        const token = extra._meta?.progressToken;
        let done = 0;
        const diagnosis = await runDiagnosis(subject.target, subject.incident, {
          timeoutMs: input.timeoutMs,
          attempts: input.attempts,
          signal: extra.signal,
          env,
          onProbe:
            token === undefined
              ? undefined
              : (r, phase) => {
                  if (phase !== 'done') return;
                  done++;
                  void extra
                    .sendNotification({ method: 'notifications/progress', params: { progressToken: token, progress: done, total: PROBE_IDS.length, message: maskSecrets(`${r.id}: ${r.summary}`) } })
                    .catch(() => undefined);
                },
        });
        if (extra.signal.aborted) return failure('The diagnosis was cancelled.');
        const report = input.report ? renderReport(diagnosis, snapshotEnvironment({ env })) : undefined;
        return ok(diagnosisResult(diagnosis, { note: subject.note, report }));
      },
    );
  }

  server.registerTool(
    MCP_TOOLS.scan,
    {
      title: 'Find connection failures in output',
      description: SCAN_DESCRIPTION,
      inputSchema: scanInput,
      outputSchema: scanOutput,
      annotations: { title: 'Find connection failures in output', readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
    async (input) => {
      const incidents = await scanStream(Readable.from([input.text]));
      const limit = input.limit ?? SCAN_LIMIT;
      const shown = incidents.slice(0, limit);
      const plain = (_code: number, text: string): string => text;
      const lines = incidents.length === 0 ? ['No connection failure found.'] : shown.map((i) => toHuman(i, null, plain).trimEnd());
      if (incidents.length > shown.length) lines.push(`… ${incidents.length - shown.length} more not shown (raise "limit").`);
      return ok({ text: maskSecrets(lines.join('\n')), data: maskDeep({ count: incidents.length, shown: shown.length, incidents: shown.map((i) => scanRecord(i)) }) });
    },
  );

  server.registerTool(
    MCP_TOOLS.explain,
    {
      title: 'Explain a connection error',
      description: EXPLAIN_DESCRIPTION,
      inputSchema: explainInput,
      outputSchema: explainOutput,
      annotations: { title: 'Explain a connection error', readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
    async (input) => {
      const incident = incidentInText(input.error);
      if (!incident) return failure('No connection failure was found in "error": pass the error lines as the program printed them.');
      return ok(explanationResult(incident, likelyCausesOffline(incident)));
    },
  );
  return server;
}

/** Runs the server on stdin/stdout until the client closes the stream. */
export async function runMcp(args: string[]): Promise<number> {
  let offline = false;
  for (const arg of args) {
    if (arg === '--offline') offline = true;
    else if (arg === '--help' || arg === '-h') {
      process.stdout.write(USAGE);
      return 0;
    } else {
      process.stderr.write(`connection-doctor mcp: unknown option '${arg}'\n${USAGE}`);
      return 2;
    }
  }
  const server = createMcpServer({ offline });
  const transport = new StdioServerTransport();
  const closed = new Promise<void>((resolve) => {
    transport.onclose = () => resolve();
    process.stdin.once('end', () => resolve());
  });
  await server.connect(transport);
  await closed;
  await server.close().catch(() => undefined);
  return 0;
}
