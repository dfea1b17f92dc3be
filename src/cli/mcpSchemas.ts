/**
 * Input and output schemas of the MCP tools, with descriptions written for a model.
 * `zod/v4` is the SDK's own schema library (zod 3.25+ and 4 both provide it).
 * The VS Code language-model tools declare the same input properties in package.json
 * (test/unit/cli/mcpSchemas.test.ts compares them).
 */
import * as z from 'zod/v4';
import { MAX_ERROR_CHARS, MAX_SCAN_CHARS, MAX_TARGET_CHARS } from '../core/agents/agentInput';
import { CATEGORIES } from '../core/types';

/** Most incidents scan_output lists. */
export const MAX_SCAN_LIMIT = 200;

/** Input of diagnose_connection. */
export const diagnoseInput = {
  error: z
    .string()
    .max(MAX_ERROR_CHARS)
    .optional()
    .describe('The failure text exactly as the program printed it (stack trace lines welcome), e.g. "Error: connect ECONNREFUSED 127.0.0.1:5432". The host and port are read from it.'),
  target: z
    .string()
    .max(MAX_TARGET_CHARS)
    .optional()
    .describe('What to probe when the error names no address, or to override it: a URL (https://api.example.com/health, postgres://db:5432), host:port, [ipv6]:port, or a host name alone for a DNS question.'),
  timeoutMs: z.number().int().min(250).max(60_000).optional().describe('Overall probe budget in milliseconds (default 3000; in VS Code the connectionDoctor.probeTimeoutMs setting).'),
  attempts: z.number().int().min(1).max(50).optional().describe('How many connections the repeat probe opens to tell intermittent from permanent failures (default 5; in VS Code the connectionDoctor.repeatAttempts setting).'),
  report: z.boolean().optional().describe('Also return the full Markdown report (long; only when the user wants to paste it into an issue).'),
};

/** Input of explain_failure. */
export const explainInput = {
  error: z.string().min(1).max(MAX_ERROR_CHARS).describe('The failure text exactly as the program printed it, e.g. "curl: (35) OpenSSL SSL_connect: SSL_ERROR_SYSCALL".'),
};

/** Input of scan_output. */
export const scanInput = {
  text: z.string().min(1).max(MAX_SCAN_CHARS).describe('A block of terminal output, a CI log or a log file excerpt (up to 1 MiB).'),
  limit: z.number().int().min(1).max(MAX_SCAN_LIMIT).optional().describe('Most incidents to return, in order of first appearance (default 50).'),
};

const category = z.enum(CATEGORIES);

const incident = z.object({
  category,
  code: z.string().nullable(),
  host: z.string().nullable(),
  port: z.number().int().nullable(),
  url: z.string().nullable(),
  program: z.string().nullable().describe('The program that printed it: node, python, curl, java, go, ...'),
  count: z.number().int(),
  text: z.string().describe('The first lines of the failure text.'),
});

const cause = z.object({
  id: z.string(),
  title: z.string(),
  confidence: z.number().min(0).max(1),
  explanation: z.string(),
  evidence: z.array(z.object({ probe: z.string(), supports: z.boolean(), text: z.string() })),
  fixes: z.array(z.object({ side: z.enum(['client', 'server', 'network']), text: z.string(), code: z.object({ language: z.string(), source: z.string() }).optional() })),
  verify: z.array(z.string()).describe('Commands a person can run to check.'),
});

/** Output of diagnose_connection (AgentDiagnosis). */
export const diagnoseOutput = {
  target: z.string().describe('The host:port that was probed.'),
  url: z.string().nullable(),
  verdict: z.string().describe('One sentence: what is wrong and what to do.'),
  incident: incident.nullable(),
  causes: z.array(cause).describe('The most likely causes, highest confidence first.'),
  otherCauses: z.array(z.object({ id: z.string(), title: z.string(), confidence: z.number() })),
  probes: z.array(z.object({ id: z.string(), status: z.enum(['ok', 'fail', 'skipped']), ms: z.number(), summary: z.string() })),
  note: z.string().nullable(),
  report: z.string().optional(),
};

/** Output of explain_failure (AgentExplanation). */
export const explainOutput = {
  incident,
  meaning: z.string(),
  causes: z.array(cause),
  note: z.string(),
};

/** Output of scan_output: the records of `connection-doctor scan --json`. */
export const scanOutput = {
  count: z.number().int().describe('Incidents found.'),
  shown: z.number().int(),
  incidents: z.array(
    z.object({
      line: z.number().int(),
      endLine: z.number().int(),
      category,
      also: z.array(category),
      code: z.string().nullable(),
      syscall: z.string().nullable(),
      host: z.string().nullable(),
      port: z.number().int().nullable(),
      url: z.string().nullable(),
      ecosystem: z.string().nullable(),
      rule: z.string(),
      count: z.number().int(),
      text: z.string(),
      occurrences: z.array(z.object({ line: z.number().int(), endLine: z.number().int() })).describe('Where each folded repeat is (at most 100; count goes on).'),
    }),
  ),
};
