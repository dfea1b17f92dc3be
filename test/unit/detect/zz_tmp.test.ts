import { checkSync } from 'recheck';
import { SOURCE_CODE, bundledMatcher } from '../../../src/core/detect/matcher';
import { extractionRegExps } from '../../../src/core/detect/extract';
import { hostRegExps } from '../../../src/core/detect/hosts';
it('x', function () { this.timeout(300000);
  const t0 = Date.now();
  const all = [...bundledMatcher().rules.flatMap((r) => r.patterns), ...extractionRegExps(), ...hostRegExps(), SOURCE_CODE];
  for (const re of all) { const r = checkSync(re.source, re.flags, { checker: 'automaton', timeout: 5000 }); if (r.status !== 'safe') console.log(re.source, r.status, JSON.stringify(r).slice(0, 200)); }
  console.log('checked', all.length, Date.now() - t0, 'ms');
});
