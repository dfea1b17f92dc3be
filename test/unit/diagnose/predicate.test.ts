import * as assert from 'node:assert/strict';
import { evaluate } from '../../../src/core/diagnose/predicate';
import { readPath } from '../../../src/core/diagnose/path';
import type { Predicate } from '../../../src/core/knowledge/causeSchema';

const tcp = {
  id: 'tcp',
  status: 'fail',
  data: { port: 3000, attempts: [{ outcome: 'refused', ms: 2 }, { outcome: 'accepted', ms: 5 }], acceptedFamilies: [4] },
};
const roots = { tcp, incident: { code: 'ECONNREFUSED', text: 'connect ECONNREFUSED ::1:3000' }, listeners: { id: 'listeners', status: 'skipped', data: { reason: 'remote' } } };
const truth = (p: Predicate): boolean | null => evaluate(p, roots).truth;

describe('predicate language', () => {
  it('reads paths with indexes, fan-out and length', () => {
    assert.deepEqual(readPath(tcp, 'data.attempts[*].outcome'), ['refused', 'accepted']);
    assert.deepEqual(readPath(tcp, 'data.attempts[1].ms'), [5]);
    assert.deepEqual(readPath(tcp, 'data.acceptedFamilies.length'), [1]);
    assert.deepEqual(readPath(tcp, 'data.nothing.deeper'), []);
  });

  it('evaluates each operator', () => {
    assert.equal(truth({ probe: 'tcp', path: 'data.attempts[*].outcome', op: 'eq', value: 'refused' }), true);
    assert.equal(truth({ probe: 'tcp', path: 'data.attempts[*].outcome', op: 'eq', value: 'refused', every: true }), false);
    assert.equal(truth({ probe: 'tcp', path: 'data.port', op: 'ne', value: 80 }), true);
    assert.equal(truth({ probe: 'tcp', path: 'data.attempts[*].outcome', op: 'in', value: ['timeout', 'accepted'] }), true);
    assert.equal(truth({ probe: 'tcp', path: 'data.attempts[*].outcome', op: 'nin', value: ['refused', 'accepted'] }), false);
    assert.equal(truth({ probe: 'tcp', path: 'data.acceptedFamilies', op: 'includes', value: 4 }), true);
    assert.equal(truth({ probe: 'tcp', path: 'data.attempts[*].ms', op: 'gt', value: 4 }), true);
    assert.equal(truth({ probe: 'tcp', path: 'data.attempts[*].ms', op: 'lt', value: 2 }), false);
    assert.equal(truth({ probe: 'tcp', path: 'data.attempts[*].ms', op: 'lte', value: 2 }), true);
    assert.equal(truth({ probe: 'tcp', path: 'data.attempts[*].ms', op: 'gte', value: 6 }), false);
    assert.equal(truth({ probe: 'incident', path: 'text', op: 'matches', value: 'econnrefused ::1' }), true);
    assert.equal(truth({ probe: 'incident', path: 'syscall', op: 'exists' }), false);
    assert.equal(truth({ probe: 'incident', path: 'syscall', op: 'missing' }), true);
  });

  it('treats "matches" as a literal, never a regular expression', () => {
    assert.equal(truth({ probe: 'incident', path: 'text', op: 'matches', value: '.*' }), false);
  });

  it('combines with all / any / not', () => {
    const refused: Predicate = { probe: 'tcp', path: 'data.attempts[*].outcome', op: 'eq', value: 'refused' };
    const timeout: Predicate = { probe: 'tcp', path: 'data.attempts[*].outcome', op: 'eq', value: 'timeout' };
    assert.equal(truth({ all: [refused, { not: timeout }] }), true);
    assert.equal(truth({ any: [timeout, refused] }), true);
    assert.equal(truth({ all: [refused, timeout] }), false);
  });

  it('is unknown (neither true nor false) for missing or skipped probes and missing fields', () => {
    assert.equal(truth({ probe: 'tls', path: 'data.plaintext', op: 'eq', value: true }), null);
    assert.equal(truth({ not: { probe: 'tls', path: 'data.plaintext', op: 'eq', value: true } }), null);
    assert.equal(truth({ probe: 'listeners', path: 'data.onTargetPort', op: 'eq', value: false }), null);
    assert.equal(truth({ probe: 'listeners', path: 'status', op: 'eq', value: 'skipped' }), true);
    assert.equal(truth({ probe: 'tcp', path: 'data.unknownField', op: 'eq', value: 1 }), null);
    // Unknown does not poison a decided any/all.
    assert.equal(truth({ any: [{ probe: 'tls', path: 'data.x', op: 'exists' }, { probe: 'tcp', path: 'data.port', op: 'eq', value: 3000 }] }), true);
    assert.equal(truth({ all: [{ probe: 'tls', path: 'data.x', op: 'exists' }, { probe: 'tcp', path: 'data.port', op: 'eq', value: 1 }] }), false);
  });

  it('does not establish "every attempt" from zero attempts', () => {
    const empty = { tcp: { id: 'tcp', status: 'fail', data: { attempts: [] } } };
    assert.equal(evaluate({ probe: 'tcp', path: 'data.attempts[*].outcome', op: 'eq', value: 'refused', every: true }, empty).truth, false);
  });

  it('returns the value that satisfied the leaf', () => {
    assert.equal(evaluate({ probe: 'tcp', path: 'data.attempts[*].ms', op: 'gt', value: 3 }, roots).value, 5);
  });
});
