/**
 * The ranking cannot contradict its own probes: over every recorded probe result in the repo
 * (test/unit/diagnose/fixtures/, recorded/ and recorded/faults/, the last written by the fault
 * suite's CD_FAULTS_RECORD), when a probe observed a fact of the premise table
 * (test/support/premises.ts), no cause whose premise is the opposite fact ranks first; and when
 * nothing is wrong from here, the verdict says so (healthy-from-here), never an empty list.
 */
import { strict as assert } from 'node:assert';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { rankCauses } from '../../../src/core/diagnose/rank';
import { loadCauses } from '../../../src/core/knowledge/causes';
import type { Incident, ProbeResult, Target } from '../../../src/core/types';
import { PREMISES, checkConsistency, observedFacts } from '../../support/premises';

/** One diagnosis input found in a recording file. */
interface Case {
  name: string;
  target: Target;
  incident: Incident | null;
  probes: ProbeResult[];
}

interface RecordingFile {
  target: Target;
  incident?: Incident | null;
  incidents?: Record<string, Incident | null>;
  probes: ProbeResult[];
}

const DIRS = ['fixtures', 'recorded', join('recorded', 'faults')].map((d) => join(__dirname, d));

/** Every recorded input: one per file, or one per recorded incident of a file (and the file without one). */
function allCases(): Case[] {
  const cases: Case[] = [];
  for (const dir of DIRS) {
    let files: string[];
    try {
      files = readdirSync(dir).filter((f) => f.endsWith('.json')).sort();
    } catch {
      continue;
    }
    for (const f of files) {
      const r = JSON.parse(readFileSync(join(dir, f), 'utf8')) as RecordingFile;
      const base = `${dir.slice(__dirname.length + 1)}/${f}`;
      if (r.incidents) {
        for (const [client, incident] of Object.entries(r.incidents)) cases.push({ name: `${base} (${client})`, target: r.target, incident, probes: r.probes });
      } else {
        cases.push({ name: base, target: r.target, incident: r.incident ?? null, probes: r.probes });
      }
    }
  }
  return cases;
}

describe('diagnose: the ranking never contradicts what a probe observed', () => {
  const cases = allCases();

  it('reads every recording of the repo (fixtures, recorded, the fault suite\'s)', () => {
    assert.ok(cases.length >= 40, `${cases.length} recorded inputs`);
    assert.ok(cases.some((c) => c.name.startsWith('recorded/faults/')), 'the fault suite\'s recordings are included');
  });

  for (const c of cases) {
    it(c.name, () => {
      const { causes, verdict } = rankCauses({ target: c.target, incident: c.incident, probes: c.probes });
      const problems = checkConsistency({ target: c.target, incident: c.incident, probes: c.probes, causes });
      assert.deepEqual(problems, [], `${causes.slice(0, 3).map((x) => `${x.id} ${x.confidence}`).join(', ')}\nobserved: ${observedFacts({ target: c.target, incident: c.incident, probes: c.probes, causes }).map((p) => p.fact).join('; ')}`);
      assert.ok(verdict.length > 0);
    });
  }

  it('every fact of the premise table is observed by at least one recording (no dead rows)', () => {
    const seen = new Set<string>();
    for (const c of cases) for (const p of observedFacts({ ...c, causes: [] })) seen.add(p.fact);
    const unseen = PREMISES.map((p) => p.fact).filter((f) => !seen.has(f));
    assert.deepEqual(unseen, []);
  });

  it('the premises name only causes of the knowledge base', () => {
    const ids = new Set(loadCauses().map((c) => c.id));
    for (const p of PREMISES) for (const id of [...p.contradicts, ...(p.onlyFirst ? [p.onlyFirst] : [])]) assert.ok(ids.has(id), `${p.fact}: unknown cause ${id}`);
  });

  it('catches a contradiction: reset-on-connect first although every reset came after the request', () => {
    const c = cases.find((x) => x.name.startsWith('recorded/reset-after-request.json'));
    assert.ok(c, 'the reset-after-request recording exists');
    // The same knowledge base with reset-on-connect's evidence replaced by one rule that always holds.
    const always = { when: { probe: 'target' as const, path: 'port', op: 'exists' as const }, weight: 0.99, supports: true, text: 'rigged' };
    const rigged = loadCauses().map((cause) => (cause.id === 'reset-on-connect' ? { ...cause, evidence: [always] } : cause));
    const { causes } = rankCauses({ target: c.target, incident: c.incident, probes: c.probes }, rigged);
    assert.equal(causes[0]?.id, 'reset-on-connect');
    const problems = checkConsistency({ ...c, causes });
    assert.ok(problems.some((p) => p.includes('after the request')), problems.join('\n'));
  });

  it('an empty ranking is a contradiction too', () => {
    const c = cases[0];
    assert.ok(c);
    assert.ok(checkConsistency({ ...c, causes: [] }).length > 0);
  });

  it('nothing wrong from here: healthy-from-here ranks first and the verdict says so plainly, with what to try next', () => {
    const healthy = cases.filter((c) => c.incident === null && c.probes.every((p) => p.status !== 'fail'));
    assert.ok(healthy.length >= 1, 'some recording has no error and no failed probe');
    for (const c of healthy) {
      const { causes, verdict } = rankCauses({ target: c.target, incident: null, probes: c.probes });
      assert.equal(causes[0]?.id, 'healthy-from-here', `${c.name}: ${causes.map((x) => x.id).join(', ')}`);
      assert.match(verdict, /looks healthy from here/, c.name);
      assert.match(verdict, /cannot see/, c.name);
      assert.ok((causes[0]?.fixes.length ?? 0) > 0, `${c.name}: says what to try next`);
    }
  });
});
