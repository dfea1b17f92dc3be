// Agents inside VS Code: the language-model tools and the MCP server definition provider,
// where the running VS Code has them (1.95+ / 1.101+), and nothing broken where it has not (1.93).
import * as assert from 'node:assert/strict';
import * as net from 'node:net';
import * as vscode from 'vscode';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { LmToolResult, NewerVscodeApi } from '../../src/host/agents/lmApi';
import { countingServer, incidentFor, integratedTerminal, refusedPort, runCommand, sq, testApi, waitFor } from './hostHelpers';

const api = vscode as unknown as NewerVscodeApi;
const lm = api.lm;
/** Whether this VS Code is at least major.minor (1.93 has proposed stubs of lm.registerTool, so the version decides). */
function atLeast(minor: number): boolean {
  const [major, m] = vscode.version.split('.').map(Number);
  return major > 1 || (major === 1 && m >= minor);
}
/** Language-model tools are stable API since 1.95, MCP server definition providers since 1.101. */
const hasTools = atLeast(95);
const hasMcp = atLeast(101);
const node = sq(process.execPath);

function textOf(result: LmToolResult): string {
  return result.content.map((p) => (typeof p === 'object' && p !== null && typeof (p as { value?: unknown }).value === 'string' ? (p as { value: string }).value : '')).join('\n');
}

function invoke(name: string, input: object, token?: vscode.CancellationToken): Thenable<LmToolResult> {
  if (!lm?.invokeTool) throw new Error('no vscode.lm.invokeTool');
  return lm.invokeTool(name, { input, toolInvocationToken: undefined }, token);
}

describe('Agents: language-model tools and MCP provider', function () {
  this.timeout(120_000);
  const terminals: vscode.Terminal[] = [];
  after(() => terminals.forEach((t) => t.dispose()));

  it(`agents: VS Code ${vscode.version} ${hasTools ? 'has' : 'lacks'} the tools API, ${hasMcp ? 'has' : 'lacks'} the MCP provider API`, async () => {
    const ext = await testApi();
    assert.equal(ext.agents.tools.length > 0, hasTools, 'tools registered exactly when the API is stable');
    assert.equal(ext.agents.mcp !== null, hasMcp, 'the MCP provider registered exactly when the API is stable');
  });

  it('agents: on VS Code without these APIs the extension activates and works', async function () {
    if (hasTools || hasMcp) this.skip(); // this VS Code has them; the --minimum run (1.93) checks this
    const ext = await testApi();
    assert.deepEqual(ext.agents.tools, []);
    assert.equal(ext.agents.mcp, null);
    const doc = await vscode.workspace.openTextDocument({ content: 'Error: connect ECONNREFUSED 127.0.0.1:5432', language: 'log' });
    const hovers = await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', doc.uri, new vscode.Position(0, 5));
    assert.ok(hovers.length > 0, 'the failure line still has its hover');
    const all = await vscode.commands.getCommands(true);
    assert.ok(all.includes('connectionDoctor.diagnose'));
  });

  describe('agents: language-model tools', () => {
    before(function () {
      if (!hasTools) this.skip();
    });

    it('agents: lists our three tools in vscode.lm.tools with their schemas and tags', async () => {
      await testApi();
      const ours = (lm?.tools ?? []).filter((t) => t.name.startsWith('connectionDoctor_'));
      assert.deepEqual(ours.map((t) => t.name).sort(), ['connectionDoctor_diagnose', 'connectionDoctor_explain', 'connectionDoctor_incidents']);
      for (const t of ours) {
        assert.ok(t.tags.includes('connectionDoctor'), `${t.name} tags`);
        assert.ok(t.description.length > 100, `${t.name} has its model description`);
      }
      const diagnose = ours.find((t) => t.name === 'connectionDoctor_diagnose');
      const props = (diagnose?.inputSchema as { properties?: Record<string, unknown> } | undefined)?.properties ?? {};
      assert.deepEqual(Object.keys(props).sort(), ['attempts', 'error', 'incidentId', 'report', 'target', 'timeoutMs']);
    });

    it('agents: invokeTool diagnose returns the verdict for a real refused port (loopback: no confirmation)', async () => {
      await testApi();
      const port = await refusedPort();
      const result = await invoke('connectionDoctor_diagnose', { error: `Error: connect ECONNREFUSED 127.0.0.1:${port}`, timeoutMs: 1500, attempts: 2 });
      const text = textOf(result);
      assert.match(text, new RegExp(`Verdict: Nothing listens on 127\\.0\\.0\\.1:${port}`), text);
      assert.match(text, /\[no-listener\]/);
      assert.match(text, /FAIL tcp/);
    });

    it('agents: the incidents tool returns an incident raised by a real failing command in a real terminal; diagnose takes the latest', async () => {
      const ext = await testApi();
      ext.incidents.clear();
      const port = await refusedPort();
      const terminal = await integratedTerminal('cd-agents');
      terminals.push(terminal);
      const script = `require('net').connect(${port}, '127.0.0.1').on('error', (e) => { console.error('Error: ' + e.message); process.exit(3); })`;
      const exitCode = await runCommand(terminal, `${node} -e ${sq(script)}`);
      await waitFor('the incident', () => incidentFor(ext, '127.0.0.1', port));
      if (exitCode !== undefined) await waitFor('its exit code', () => incidentFor(ext, '127.0.0.1', port)?.origin.exitCode === exitCode);
      const text = textOf(await invoke('connectionDoctor_incidents', { target: String(port) }));
      assert.match(text, /^1 incident \(newest first\)/, text);
      assert.match(text, /category: refused \(ECONNREFUSED\)/);
      assert.match(text, new RegExp(`target: 127\\.0\\.0\\.1:${port}`));
      assert.match(text, /source: terminal "cd-agents"/);
      assert.match(text, /command: .* -e /);
      if (exitCode !== undefined) assert.match(text, new RegExp(`exit code: ${exitCode}`));
      assert.match(text, /count: 1/);
      assert.match(text, /last seen: \d{4}-\d\d-\d\dT/);
      const none = textOf(await invoke('connectionDoctor_incidents', { since: '0s', target: 'no-such-host.invalid' }));
      assert.match(none, /No incident matches/);
      // No input: the latest incident, the one this terminal raised.
      const latest = textOf(await invoke('connectionDoctor_diagnose', { timeoutMs: 1500, attempts: 1 }));
      assert.match(latest, new RegExp(`Verdict: Nothing listens on 127\\.0\\.0\\.1:${port}`), latest);
      const explained = textOf(await invoke('connectionDoctor_explain', {}));
      assert.match(explained, new RegExp(`refused \\(ECONNREFUSED\\) — 127\\.0\\.0\\.1:${port}`), explained);
    });

    it('agents: the diagnose tool never probes an ignored host', async () => {
      const ext = await testApi();
      const config = vscode.workspace.getConfiguration('connectionDoctor');
      const server = await countingServer();
      const { port } = server;
      await config.update('ignoredHosts', ['127.0.0.1'], vscode.ConfigurationTarget.Global);
      try {
        await waitFor('the setting', () => ext.services.config.current.ignoredHosts.includes('127.0.0.1'));
        await assert.rejects(Promise.resolve(invoke('connectionDoctor_diagnose', { target: `127.0.0.1:${port}` })), /ignoredHosts/);
        assert.equal(server.accepted(), 0, 'nothing connected to the ignored host');
      } finally {
        await config.update('ignoredHosts', undefined, vscode.ConfigurationTarget.Global);
        await server.close();
      }
    });

    it('agents: the diagnose tool honours cancellation', async () => {
      await testApi();
      // Accepts and never answers: the http probe waits for its whole budget unless cancelled.
      const held: net.Socket[] = [];
      const server = net.createServer((s) => held.push(s.on('error', () => undefined)));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const { port } = server.address() as net.AddressInfo;
      const cts = new vscode.CancellationTokenSource();
      try {
        const running = Promise.resolve(invoke('connectionDoctor_diagnose', { target: `http://127.0.0.1:${port}/`, timeoutMs: 30_000, attempts: 1 }, cts.token));
        await waitFor('the probes to connect', () => held.length > 0, 20_000);
        cts.cancel();
        await assert.rejects(running, (e: Error) => e.name === 'Canceled' || /cancel/i.test(e.message));
      } finally {
        cts.dispose();
        held.forEach((s) => s.destroy());
        await new Promise<void>((resolve) => server.close(() => resolve()));
      }
    });

    it('agents: bad input is an error the agent can read, and the tools keep working', async () => {
      await testApi();
      await assert.rejects(Promise.resolve(invoke('connectionDoctor_diagnose', { target: 'http://' })), /The target is not usable/);
      await assert.rejects(Promise.resolve(invoke('connectionDoctor_explain', { error: 'all good' })), /No connection failure was found/);
      await assert.rejects(Promise.resolve(invoke('connectionDoctor_incidents', { since: 'soonish' })), /ISO 8601/);
      const ok = textOf(await invoke('connectionDoctor_explain', { error: 'Error: getaddrinfo ENOTFOUND db.internal' }));
      assert.match(ok, /^dns \(ENOTFOUND\)/);
    });
  });

  describe('agents: MCP server definition provider', () => {
    before(function () {
      if (!hasMcp) this.skip();
    });

    it('agents: the MCP provider returns a definition whose server starts and lists its tools', async () => {
      const ext = await testApi();
      const provider = ext.agents.mcp;
      assert.ok(provider, 'the provider is registered');
      const definitions = await Promise.resolve(provider.provideMcpServerDefinitions());
      assert.equal(definitions?.length, 1);
      const def = definitions[0];
      assert.equal(def.label, 'Connection Doctor');
      assert.ok(def.args.includes('mcp'));
      const resolved = (await Promise.resolve(provider.resolveMcpServerDefinition(def))) ?? def;
      const env: Record<string, string> = { PATH: process.env.PATH ?? '' };
      for (const [k, v] of Object.entries(resolved.env)) if (v !== null) env[k] = String(v);
      const client = new Client({ name: 'connection-doctor-integration', version: '1.0.0' });
      await client.connect(new StdioClientTransport({ command: resolved.command, args: resolved.args, env, stderr: 'pipe' }));
      try {
        const { tools } = await client.listTools();
        const expected = vscode.workspace.isTrusted ? ['diagnose_connection', 'explain_failure', 'scan_output'] : ['explain_failure', 'scan_output'];
        assert.deepEqual(tools.map((t) => t.name).sort(), expected);
        const port = await refusedPort();
        const r = (await client.callTool({ name: 'explain_failure', arguments: { error: `Error: connect ECONNREFUSED 127.0.0.1:${port}` } })) as { structuredContent?: { incident?: { port?: number } } };
        assert.equal(r.structuredContent?.incident?.port, port);
      } finally {
        await client.close();
      }
    });
  });
});
