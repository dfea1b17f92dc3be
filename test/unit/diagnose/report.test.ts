import * as assert from 'node:assert/strict';
import { fenced, inline } from '../../../src/core/diagnose/markdown';
import { renderReport } from '../../../src/core/diagnose/report';
import { snapshotEnvironment } from '../../../src/core/diagnose/environment';
import { rankCauses } from '../../../src/core/diagnose/rank';
import type { Diagnosis, Incident } from '../../../src/core/types';
import { fixture } from './fixtures';

function diagnosisOf(name: string, text?: string): Diagnosis {
  const f = fixture(name);
  const incident = f.incident && text !== undefined ? { ...f.incident, text } : f.incident;
  return { target: f.target, incident: incident as Incident | null, probes: f.probes, ...rankCauses({ target: f.target, incident, probes: f.probes }) };
}

describe('Markdown report', () => {
  it('fences untrusted text with a fence longer than any backtick run inside', () => {
    const block = fenced('a ``` b ```` c');
    assert.ok(block.startsWith('`````text\n'), block);
    assert.ok(block.endsWith('\n`````'));
    assert.equal(inline('*x* [y](z) <b>'), '\\*x\\* \\[y\\](z) \\<b\\>');
  });

  it('has the incident, environment, probe table, ranked causes and fixes', () => {
    const env = snapshotEnvironment({ env: { HTTPS_PROXY: 'http://bob:hunter2@proxy:3128', NO_PROXY: 'localhost' }, vscodeProxy: 'http://u:pw@p:8080' });
    const md = renderReport(diagnosisOf('no-listener'), env);
    for (const part of ['# Connection Doctor report', '**Verdict:**', '## Incident', '## Environment', '## Probes', '| Probe | Status | Time | Result |', '## Likely causes', '### 1. Nothing is listening on that port', '**Fix: Server side**', '**Check it yourself**', 'ECONNREFUSED']) {
      assert.ok(md.includes(part), `missing ${part}`);
    }
    assert.ok(md.includes('http://bob:****@proxy:3128'));
    assert.ok(!md.includes('hunter2') && !md.includes(':pw@'));
    assert.ok(md.includes('| node | '));
  });

  it('writes the address named in the error with IPv6 brackets', () => {
    const d = diagnosisOf('no-listener');
    const md = renderReport({ ...d, incident: { ...(d.incident as Incident), host: '::1', port: 5432 } }, snapshotEnvironment({ env: {} }));
    assert.ok(md.includes('- Named in the error: `[::1]:5432`'), md.split('\n').find((l) => l.includes('Named in')));
  });

  it('masks credentials and cannot be broken out of by the error text', () => {
    const evil = 'Error: connect ECONNREFUSED 127.0.0.1:5432 url=postgres://u:topsecret@db/x?password=abc\n```\n# injected heading\n```';
    const md = renderReport(diagnosisOf('no-listener', evil), snapshotEnvironment({ env: {} }));
    assert.ok(!md.includes('topsecret') && !md.includes('password=abc'));
    const idx = md.indexOf('# injected heading');
    const before = md.slice(0, idx);
    const fence = /(`{4,})text\n[^]*$/.exec(before);
    assert.ok(fence, 'the injected heading is not inside a longer fence');
  });
});
