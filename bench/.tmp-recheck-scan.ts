import { checkSync } from 'recheck';
import { bundledMatcher } from '../src/core/detect/matcher';
const m = bundledMatcher();
const t0 = Date.now();
for (const rule of m.rules) for (const re of rule.patterns) {
  const t = Date.now();
  const r = checkSync(re.source, re.flags, { timeout: Number(process.env.TO ?? 10000) });
  const dt = Date.now() - t;
  if (r.status !== 'safe' || dt > 300) console.log(r.status, dt, rule.id, re.source, r.status === 'unknown' ? JSON.stringify((r as {error?: unknown}).error) : '', (r as {checker?: string}).checker);
}
console.log('total', Date.now() - t0);
