import * as assert from 'node:assert/strict';
import { Commands, commandUri, parseIncidentArgs } from '../../../src/host/model/commandIds';
import { outputOf } from '../../../src/host/model/debugOutput';
import { HOVER_COMMANDS, explanationMarkdown, hoverMarkdown, hoverModelOf } from '../../../src/host/model/hoverModel';
import { linkSpans } from '../../../src/host/model/lineLinks';
import { formatPlain } from '../../../src/host/model/wording';
import type { RankedCause } from '../../../src/core/types';
import { incident } from './fixtures';

const cause = (id: string, title: string, confidence: number): RankedCause => ({
  id, title, confidence, explanation: `why ${id}`, evidence: [], fixes: [{ side: 'server', text: 'start it' }], verify: [{ shell: 'posix', pipeline: [['ss', '-ltnp']], text: 'ss -ltnp' }], references: [],
});

/** Whether Markdown holds a '<' that would render as HTML: not backslash-escaped, not in a code span or block. */
function hasRawHtml(md: string): boolean {
  const prose = md.replace(/^(`{3,})[^\n]*\n[\s\S]*?\n\1$/gm, '').replace(/(`+)[^`]*?\1/g, '');
  return /(^|[^\\])</.test(prose);
}

describe('command arguments', () => {
  it('accepts only well-formed fields from untrusted links', () => {
    assert.deepEqual(parseIncidentArgs({ incidentId: 'a', text: 'b', sourceKind: 'evil', extra: 1 }), { incidentId: 'a', text: 'b' });
    assert.deepEqual(parseIncidentArgs('id-1'), { incidentId: 'id-1' });
    assert.deepEqual(parseIncidentArgs(42), {});
    assert.equal(parseIncidentArgs({ text: 'x'.repeat(100_000) }).text?.length, 8_000);
  });

  it('encodes command URIs VS Code can decode', () => {
    const uri = commandUri(Commands.diagnose, { text: 'a "b" ]) <x>' });
    assert.ok(uri.startsWith('command:connectionDoctor.diagnose?'));
    assert.deepEqual(JSON.parse(decodeURIComponent(uri.split('?')[1])), [{ text: 'a "b" ]) <x>' }]);
    assert.ok(!/[\s()[\]<>"]/.test(uri), 'nothing in the URI can end the Markdown link');
  });
});

describe('hover model', () => {
  const inc = incident({ host: 'evil<img src=x onerror=alert(1)>', port: 80, code: 'E`X`' });
  const model = hoverModelOf(inc, 'Nothing was listening.', [cause('no-listener', 'No server *listening*', 0.8), cause('b', 'B', 0.1), cause('c', 'C', 0.05), cause('d', 'D', 0.01)], 'app.log', formatPlain);

  it('keeps the top causes and the failure text for the links', () => {
    assert.equal(model.causes.length, 3);
    assert.equal(model.title, 'Connection refused');
    assert.equal(model.args.text, inc.text);
  });

  it('renders escaped text and links only the trusted commands', () => {
    const md = hoverMarkdown(model, formatPlain);
    assert.ok(!hasRawHtml(md), 'HTML from output is escaped');
    assert.ok(md.includes('No server \\*listening\\*'));
    assert.ok(md.includes('80%'));
    const commands = [...md.matchAll(/\(command:([\w.]+)\?/g)].map((m) => m[1]);
    assert.deepEqual(commands.sort(), [...HOVER_COMMANDS].sort());
    assert.ok(md.includes('Diagnose this connection') && md.includes('Explain'));
  });

  it('writes the explanation document', () => {
    const md = explanationMarkdown(inc, 'Nothing was listening.', [cause('no-listener', 'No server', 0.8)], formatPlain);
    assert.match(md, /^# Connection refused/);
    assert.ok(md.includes('ss -ltnp') && md.includes('start it'));
    assert.ok(!hasRawHtml(md));
  });

  it('masks credentials in the hover and the explanation', () => {
    const secret = incident({ host: 'db', text: 'connect ECONNREFUSED postgres://app:hunter2hunter2@db:5432 PGPASSWORD=hunter2hunter2' });
    const hover = hoverMarkdown(hoverModelOf(secret, 'm', [], 'app.log', formatPlain), formatPlain);
    const md = explanationMarkdown(secret, 'm', [cause('no-listener', 'No server', 0.8)], formatPlain);
    assert.ok(!decodeURIComponent(hover).includes('hunter2'), hover);
    assert.ok(!md.includes('hunter2'), md);
  });
});

describe('debug output events', () => {
  it('reads watched categories, defaulting to console', () => {
    assert.deepEqual(outputOf({ type: 'event', event: 'output', body: { category: 'stderr', output: 'x' } }), { category: 'stderr', output: 'x' });
    assert.deepEqual(outputOf({ type: 'event', event: 'output', body: { output: 'x' } }), { category: 'console', output: 'x' });
  });

  it('ignores other messages and malformed bodies', () => {
    assert.equal(outputOf({ type: 'event', event: 'output', body: { category: 'telemetry', output: 'x' } }), null);
    assert.equal(outputOf({ type: 'event', event: 'stopped', body: {} }), null);
    assert.equal(outputOf({ type: 'event', event: 'output', body: { output: 5 } }), null);
    assert.equal(outputOf(null), null);
  });
});

describe('terminal link spans', () => {
  it('links the host:port and the code', () => {
    const line = '  Error: connect ECONNREFUSED 127.0.0.1:5432';
    assert.deepEqual(linkSpans(line, incident()), [
      { start: 17, length: 12 },
      { start: 30, length: 14 },
    ]);
  });

  it('falls back to the trimmed line', () => {
    assert.deepEqual(linkSpans('  socket hang up ', incident({ host: null, port: null, code: null })), [{ start: 2, length: 14 }]);
  });

  it('finds bracketed IPv6 targets', () => {
    assert.deepEqual(linkSpans('connect to [::1]:80 failed', incident({ host: '::1', port: 80, code: null })), [{ start: 11, length: 8 }]);
  });
});
