// `connection-doctor mcp` as a child process, driven by the SDK's own client over stdio.
import * as assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import type { AddressInfo, Server } from 'node:net';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { CallToolResult, Tool } from '@modelcontextprotocol/sdk/types.js';
import { mcpLaunch } from '../../../src/host/model/agentModel';
import { refusedPort } from '../../support/refusedPort';

const REPO = join(__dirname, '..', '..', '..');
const CLI = join(REPO, 'dist', 'cli.js');
const pkg = JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string };

async function connect(args: string[] = [], command: { command: string; args: string[]; env?: Record<string, string> } = { command: process.execPath, args: [CLI, 'mcp', ...args] }): Promise<{ client: Client; stderr: () => string }> {
  const transport = new StdioClientTransport({ command: command.command, args: command.args, cwd: REPO, stderr: 'pipe', env: { PATH: process.env.PATH ?? '', ...command.env } });
  let err = '';
  transport.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const client = new Client({ name: 'connection-doctor-test', version: '1.0.0' });
  await client.connect(transport);
  return { client, stderr: () => err };
}

async function call(client: Client, name: string, args: Record<string, unknown>): Promise<CallToolResult> {
  return (await client.callTool({ name, arguments: args })) as CallToolResult;
}

function textOf(r: CallToolResult): string {
  return r.content.map((c) => (c.type === 'text' ? c.text : '')).join('\n');
}

/** `connection-doctor scan --json` of the same text: the contract scan_output returns. */
function scanJson(text: string): unknown[] {
  const r = spawnSync(process.execPath, [CLI, 'scan', '--json'], { input: text, encoding: 'utf8' });
  return r.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as unknown);
}

/** A loopback server that counts the connections it accepts. */
async function countingServer(): Promise<{ port: number; accepted: () => number; close: () => Promise<void> }> {
  let n = 0;
  const server: Server = createServer((s) => {
    n++;
    s.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { port: (server.address() as AddressInfo).port, accepted: () => n, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

describe('connection-doctor mcp (SDK client over stdio)', function () {
  this.timeout(60_000);
  let client: Client;
  let stderr: () => string;

  before(async () => {
    const built = await new Promise<{ code: number; err: string }>((resolve) =>
      execFile(process.execPath, ['esbuild.js'], { cwd: REPO }, (e, _o, err) => resolve({ code: e ? 1 : 0, err })),
    );
    assert.equal(built.code, 0, built.err);
    ({ client, stderr } = await connect());
  });
  after(async () => client?.close());

  it('initializes as connection-doctor with the package version, tool capability and instructions', () => {
    const info = client.getServerVersion();
    assert.equal(info?.name, 'connection-doctor');
    assert.equal(info?.version, pkg.version);
    assert.ok(client.getServerCapabilities()?.tools, 'tools capability');
    assert.match(client.getInstructions() ?? '', /diagnose_connection/);
  });

  it('lists the three tools with input and output schemas and honest annotations', async () => {
    const { tools } = await client.listTools();
    const byName = new Map<string, Tool>(tools.map((t) => [t.name, t]));
    assert.deepEqual([...byName.keys()].sort(), ['diagnose_connection', 'explain_failure', 'scan_output']);
    for (const t of tools) {
      assert.equal(t.inputSchema.type, 'object');
      assert.equal(t.outputSchema?.type, 'object', `${t.name} has an output schema`);
      assert.ok((t.description ?? '').length > 80, `${t.name} is described for a model`);
      assert.equal(t.annotations?.readOnlyHint, true, `${t.name} modifies nothing`);
      assert.equal(t.annotations?.destructiveHint, false);
    }
    assert.equal(byName.get('diagnose_connection')?.annotations?.openWorldHint, true, 'the probing tool contacts the network');
    assert.equal(byName.get('scan_output')?.annotations?.openWorldHint, false);
    assert.equal(byName.get('explain_failure')?.annotations?.openWorldHint, false);
    const props = byName.get('diagnose_connection')?.inputSchema.properties as Record<string, { type?: string; minimum?: number; maximum?: number }>;
    assert.deepEqual(Object.keys(props).sort(), ['attempts', 'error', 'report', 'target', 'timeoutMs']);
    assert.deepEqual([props.timeoutMs.type, props.timeoutMs.minimum, props.timeoutMs.maximum], ['integer', 250, 60_000]);
    assert.deepEqual(byName.get('explain_failure')?.inputSchema.required, ['error']);
    assert.deepEqual(byName.get('scan_output')?.inputSchema.required, ['text']);
  });

  it('diagnoses a real refused loopback port from its error text alone', async () => {
    const port = await refusedPort();
    const r = await call(client, 'diagnose_connection', { error: `Error: connect ECONNREFUSED 127.0.0.1:${port}\n    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1555:16)`, timeoutMs: 1500, attempts: 2 });
    assert.notEqual(r.isError, true, textOf(r));
    const d = r.structuredContent as { target: string; verdict: string; incident: { code: string; program: string }; causes: { id: string; evidence: { probe: string; supports: boolean }[] }[]; probes: { id: string; status: string }[] };
    assert.equal(d.target, `127.0.0.1:${port}`);
    assert.equal(d.incident.code, 'ECONNREFUSED');
    assert.equal(d.incident.program, 'node');
    assert.equal(d.causes[0].id, 'no-listener', d.causes.map((c) => c.id).join());
    assert.ok(d.causes[0].evidence.some((e) => e.probe === 'tcp' && e.supports), 'the live tcp probe is evidence');
    assert.ok(d.probes.some((p) => p.id === 'tcp' && p.status === 'fail'));
    assert.ok(d.verdict.includes(String(port)));
    const text = textOf(r);
    assert.match(text, new RegExp(`Verdict: .*${port}`));
    assert.ok(text.length < 6_000, `the text stays short for a model's context (${text.length} chars)`);
    assert.ok(!('report' in d), 'no full report unless asked');
  });

  it('returns the full Markdown report only on request', async () => {
    const port = await refusedPort();
    const r = await call(client, 'diagnose_connection', { target: `127.0.0.1:${port}`, timeoutMs: 1000, attempts: 1, report: true });
    const d = r.structuredContent as { report?: string };
    assert.match(d.report ?? '', /^# Connection Doctor report/);
    assert.match(textOf(r), /## Probes/);
  });

  it('scans a pasted log into the records of scan --json', async () => {
    const port = await refusedPort();
    const log = [
      '> api@1.0.0 start',
      'listening...',
      `Error: connect ECONNREFUSED 127.0.0.1:${port}`,
      '    at TCPConnectWrap.afterConnect [as oncomplete] (node:net:1555:16)',
      'curl: (28) Failed to connect to api.example.com port 443 after 21045 ms: Timed out',
      `Error: connect ECONNREFUSED 127.0.0.1:${port}`,
      'done',
    ].join('\n');
    const r = await call(client, 'scan_output', { text: log });
    assert.notEqual(r.isError, true, textOf(r));
    const s = r.structuredContent as { count: number; shown: number; incidents: { category: string; port: number; count: number }[] };
    assert.equal(s.count, 2, JSON.stringify(s));
    assert.deepEqual(s.incidents, scanJson(log), 'the same records as connection-doctor scan --json');
    assert.deepEqual(s.incidents.map((i) => [i.category, i.port, i.count]), [['refused', port, 2], ['timeout', 443, 1]]);
    assert.match(textOf(r), /refused\s+127\.0\.0\.1:\d+/);
  });

  it('limits the scan and says how many were left out', async () => {
    const log = Array.from({ length: 30 }, (_, i) => `Error: connect ECONNREFUSED 10.0.0.${i + 1}:5432`).join('\n');
    const r = await call(client, 'scan_output', { text: log, limit: 5 });
    const s = r.structuredContent as { count: number; shown: number; incidents: unknown[] };
    assert.deepEqual([s.count, s.shown, s.incidents.length], [30, 5, 5]);
    assert.match(textOf(r), /25 more not shown/);
  });

  it('explains an error from its text without contacting the host it names', async () => {
    const server = await countingServer();
    try {
      const r = await call(client, 'explain_failure', { error: `Error: connect ECONNREFUSED 127.0.0.1:${server.port}` });
      assert.notEqual(r.isError, true, textOf(r));
      const e = r.structuredContent as { incident: { category: string; port: number }; meaning: string; causes: { id: string; verify: string[] }[] };
      assert.equal(e.incident.category, 'refused');
      assert.equal(e.incident.port, server.port);
      assert.match(e.meaning, /nothing was listening/);
      assert.ok(e.causes.some((c) => c.id === 'no-listener'), e.causes.map((c) => c.id).join());
      assert.ok(e.causes[0].verify.some((v) => v.includes(String(server.port))), 'checks name the real port');
      assert.match(textOf(r), /without any probe/);
      await new Promise((res) => setTimeout(res, 200));
      assert.equal(server.accepted(), 0, 'explain contacted nothing');
    } finally {
      await server.close();
    }
  });

  it('drops check commands when the error names no address', async () => {
    const r = await call(client, 'explain_failure', { error: 'curl: (60) SSL certificate problem: self-signed certificate' });
    const e = r.structuredContent as { incident: { category: string }; causes: { id: string; verify: string[] }[] };
    assert.equal(e.incident.category, 'tls');
    assert.ok(e.causes.some((c) => c.id === 'tls-untrusted-cert'));
    assert.ok(e.causes.every((c) => c.verify.length === 0));
    assert.ok(!textOf(r).includes('?:0'));
  });

  it('answers bad input with one clear error result, and the next call still works', async () => {
    const cases: Array<[string, Record<string, unknown>, RegExp]> = [
      ['diagnose_connection', {}, /^Nothing to diagnose: give "error"/],
      ['diagnose_connection', { timeoutMs: 'soon', target: '127.0.0.1:1' }, /timeoutMs/],
      ['diagnose_connection', { target: 'http://' }, /^The target is not usable: /],
      ['diagnose_connection', { error: 'all good, nothing failed' }, /^No connection failure was found in "error"/],
      ['explain_failure', { error: 42 }, /expected string/],
      ['explain_failure', { error: 'hello world' }, /^No connection failure was found/],
      ['scan_output', { text: '' }, /text/],
      ['no_such_tool', {}, /no_such_tool/],
    ];
    for (const [name, args, expected] of cases) {
      const r = await call(client, name, args);
      assert.equal(r.isError, true, `${name} ${JSON.stringify(args)} is an error result`);
      const text = textOf(r);
      assert.match(text, expected);
      assert.equal(text.split('\n').length, 1, `one line: ${text}`);
    }
    const after = await call(client, 'scan_output', { text: 'Error: connect ECONNREFUSED 127.0.0.1:1' });
    assert.equal((after.structuredContent as { count: number }).count, 1, 'the server lives on');
    assert.equal(stderr(), '', 'nothing printed on stderr');
  });

  it('masks credentials in every output of every tool', async () => {
    const port = await refusedPort();
    const secrets = ['hunter2secret', 'tok_SECRET123', 'eyJhbGciOiJIUzI1NiJ9.abcdefgh'];
    const url = `http://admin:hunter2secret@127.0.0.1:${port}/v1?access_token=tok_SECRET123`;
    const error = [
      `fetch ${url} failed: Error: connect ECONNREFUSED 127.0.0.1:${port}`,
      'Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.abcdefgh',
    ].join('\n');
    const results = [
      await call(client, 'diagnose_connection', { error, target: url, timeoutMs: 1000, attempts: 1, report: true }),
      await call(client, 'scan_output', { text: error }),
      await call(client, 'explain_failure', { error }),
      await call(client, 'diagnose_connection', { target: `${url} ${secrets[0]}` }),
    ];
    for (const r of results) {
      const all = JSON.stringify(r);
      for (const s of secrets) assert.ok(!all.includes(s), `"${s}" leaked in ${all.slice(0, 400)}`);
    }
    // The masked text is still there, readable (so the test fails if nothing was echoed).
    assert.match(JSON.stringify(results[0].structuredContent), /admin:\*\*\*\*@|access_token=\*\*\*\*/);
    assert.match(JSON.stringify(results[1].structuredContent), /admin:\*\*\*\*@127\.0\.0\.1/);
    assert.match(textOf(results[2]), /admin:\*\*\*\*@|refused/);
  });

  it('--offline leaves out the probing tool; the others work', async () => {
    const offline = await connect(['--offline']);
    try {
      const { tools } = await offline.client.listTools();
      assert.deepEqual(tools.map((t) => t.name).sort(), ['explain_failure', 'scan_output']);
      const server = await countingServer();
      try {
        const r = await call(offline.client, 'diagnose_connection', { target: `127.0.0.1:${server.port}` });
        assert.equal(r.isError, true);
        assert.match(textOf(r), /diagnose_connection/);
        assert.equal(server.accepted(), 0, 'nothing was probed');
      } finally {
        await server.close();
      }
      const e = await call(offline.client, 'explain_failure', { error: 'Error: getaddrinfo ENOTFOUND db.internal' });
      assert.equal((e.structuredContent as { incident: { category: string } }).incident.category, 'dns');
    } finally {
      await offline.client.close();
    }
  });

  it('rejects unknown options instead of serving', () => {
    const r = spawnSync(process.execPath, [CLI, 'mcp', '--online'], { encoding: 'utf8', input: '' });
    assert.equal(r.status, 2);
    assert.match(r.stderr, /unknown option '--online'/);
    assert.equal(r.stdout, '');
  });

  describe('as documented and as VS Code starts it', () => {
    const readme = readFileSync(join(REPO, 'README.md'), 'utf8');
    const agents = readme.slice(readme.indexOf('\n## Agents'), readme.indexOf('\n## ', readme.indexOf('\n## Agents') + 5));
    const here = (text: string): string => text.split('/path/to/connection-doctor').join(REPO);

    async function toolNames(command: { command: string; args: string[]; env?: Record<string, string> }): Promise<string[]> {
      const c = await connect([], command);
      try {
        return (await c.client.listTools()).tools.map((t) => t.name).sort();
      } finally {
        await c.client.close();
      }
    }

    it('starts from the README\'s MCP client JSON', async () => {
      const block = /```json\n(\{\n\s+"mcpServers"[\s\S]*?)```/.exec(agents)?.[1];
      assert.ok(block, 'the Agents section has the mcpServers JSON');
      const config = JSON.parse(here(block)) as { mcpServers: Record<string, { command: string; args: string[] }> };
      const server = config.mcpServers['connection-doctor'];
      assert.equal(server.command, 'node');
      assert.deepEqual(await toolNames({ command: process.execPath, args: server.args }), ['diagnose_connection', 'explain_failure', 'scan_output']);
    });

    it('starts from the README\'s claude mcp add command (the words after --)', async () => {
      const line = agents.split('\n').find((l) => l.startsWith('claude mcp add '));
      assert.ok(line, 'the Agents section has a claude mcp add line');
      assert.match(line, /--transport stdio connection-doctor -- /);
      const [program, ...args] = here(line.slice(line.indexOf(' -- ') + 4)).trim().split(/\s+/);
      assert.equal(program, 'node');
      assert.deepEqual(await toolNames({ command: process.execPath, args }), ['diagnose_connection', 'explain_failure', 'scan_output']);
    });

    it('starts as the VS Code provider launches it: offline in an untrusted workspace', async () => {
      const runtime = { execPath: process.execPath, electron: false };
      assert.deepEqual(await toolNames(mcpLaunch(REPO, true, runtime)), ['diagnose_connection', 'explain_failure', 'scan_output']);
      assert.deepEqual(await toolNames(mcpLaunch(REPO, false, runtime)), ['explain_failure', 'scan_output']);
      assert.deepEqual(mcpLaunch(REPO, true, { execPath: '/opt/code/code', electron: true }).env, { ELECTRON_RUN_AS_NODE: '1' });
    });
  });
});
