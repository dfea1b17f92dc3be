import * as assert from 'node:assert/strict';
import { applyToPanel } from '../../../src/shared/panelModel';
import type { PanelModel, ToPanel } from '../../../src/shared/protocol';

function model(run: number): PanelModel {
  return {
    run,
    target: { host: '127.0.0.1', port: 5432, scheme: null, url: null },
    incident: null,
    where: { remoteName: null, machine: 'm', programProxy: null, vscodeProxy: null },
    probes: [
      { id: 'resolve', state: 'ok', ms: 1, summary: 'literal' },
      { id: 'tcp', state: 'running', ms: null, summary: '' },
      { id: 'tls', state: 'pending', ms: null, summary: '' },
    ],
    phase: 'running',
    verdict: null,
    causes: [],
    ecosystem: null,
    error: null,
    startedAt: 0,
  };
}

describe('panel model: one way to apply host messages, for the host and the page', () => {
  it('a start replaces the model; a notice changes nothing', () => {
    const next = model(2);
    assert.equal(applyToPanel(model(1), { type: 'start', model: next }), next);
    const m = model(1);
    assert.deepEqual(applyToPanel(m, { type: 'notice', text: 'Copied' }), model(1));
  });

  it('a probe row replaces its row of the same run', () => {
    const m = model(1);
    applyToPanel(m, { type: 'probe', run: 1, probe: { id: 'tcp', state: 'fail', ms: 3, summary: 'refused' } });
    assert.deepEqual(m.probes[1], { id: 'tcp', state: 'fail', ms: 3, summary: 'refused' });
  });

  it('a result, a cancel or a failure ends the run and leaves no row running', () => {
    const ends: ToPanel[] = [
      { type: 'result', run: 1, verdict: 'Nothing listens', causes: [] },
      { type: 'cancelled', run: 1 },
      { type: 'failed', run: 1, message: 'boom' },
    ];
    for (const msg of ends) {
      const m = model(1);
      applyToPanel(m, msg);
      assert.equal(m.phase, msg.type === 'result' ? 'done' : msg.type);
      assert.deepEqual(m.probes.map((p) => p.state), ['ok', 'skipped', 'skipped']);
      if (msg.type === 'result') assert.equal(m.verdict, 'Nothing listens');
      if (msg.type === 'failed') assert.equal(m.error, 'boom');
    }
  });

  it('messages of an older run, or before any start, change nothing', () => {
    const m = model(2);
    applyToPanel(m, { type: 'result', run: 1, verdict: 'stale', causes: [] });
    applyToPanel(m, { type: 'probe', run: 1, probe: { id: 'tcp', state: 'ok', ms: 1, summary: '' } });
    assert.deepEqual(m, model(2));
    assert.equal(applyToPanel(null, { type: 'cancelled', run: 1 }), null);
  });
});
