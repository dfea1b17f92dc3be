/**
 * repeat probe: N attempts started `spacingMs` apart (start to start), each bounded by the
 * shared deadline, so a silent target costs one timeout, not N. HTTP targets repeat a GET
 * (catching intermittent resets and mid-response closes); others repeat a TCP connect.
 */
import type { ProbeResult, Target } from '../types';
import { budgetOf, delay, guarded, result, since } from './budget';
import { lookupFrom, tcpAttempt } from './connect';
import { exchange, httpUrlOf } from './http';
import { isLoopbackAddress } from '../target/address';
import { DEFAULT_ATTEMPTS, DEFAULT_SPACING_MS, LOOPBACK_SPACING_MS, MAX_ATTEMPTS, SETTLE_MS } from './limits';
import { resolvedFor } from './tcp';
import type { ProbeContext, RepeatAttempt, RepeatData } from './types';

/** Nearest-rank percentile of a list of numbers, or null when it is empty. */
export function percentile(values: number[], p: number): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length, Math.max(1, Math.ceil((p / 100) * sorted.length)));
  return sorted[rank - 1] ?? null;
}

/** repeat probe: success rate and latency p50/p95 over N spaced attempts. */
export function repeatProbe(target: Target, ctx: ProbeContext): Promise<ProbeResult<RepeatData>> {
  const url = httpUrlOf(target);
  const kind: RepeatData['kind'] = url ? 'http' : 'tcp';
  const n = ctx.attempts !== undefined && Number.isFinite(ctx.attempts) ? Math.max(0, Math.min(MAX_ATTEMPTS, Math.floor(ctx.attempts))) : DEFAULT_ATTEMPTS;
  const empty = (spacingMs: number): RepeatData => ({ kind, attempts: n, successes: 0, failures: 0, successRate: 0, spacingMs, outcomes: [], p50: null, p95: null, intermittent: false });
  return guarded('repeat', () => empty(ctx.spacingMs ?? DEFAULT_SPACING_MS), async (started) => {
    const startedAt = Date.now();
    if (n === 0) return result('repeat', 'skipped', 0, 'no attempts requested', { ...empty(0), reason: 'attempts is 0' });
    const resolved = await resolvedFor(target, ctx);
    if (resolved.addresses.length === 0) return result('repeat', 'skipped', since(started), 'the name did not resolve', { ...empty(0), reason: 'the name did not resolve' });
    const budget = budgetOf(ctx, startedAt);
    // Keep the last start within the first half of the budget so every attempt gets time to answer.
    const loopback = resolved.addresses.every((a) => isLoopbackAddress(a.address));
    const defaultSpacing = loopback ? LOOPBACK_SPACING_MS : DEFAULT_SPACING_MS;
    const wantedSpacing = ctx.spacingMs !== undefined && Number.isFinite(ctx.spacingMs) && ctx.spacingMs >= 0 ? ctx.spacingMs : defaultSpacing;
    const spacingMs = n > 1 ? Math.min(wantedSpacing, Math.floor(budget / 2 / (n - 1))) : 0;
    const lookup = lookupFrom(resolved);
    const runOne = async (index: number): Promise<RepeatAttempt> => {
      await delay(index * spacingMs, ctx.signal);
      const startedAtMs = Date.now() - startedAt;
      const timeoutMs = budgetOf(ctx, startedAt);
      if (ctx.signal?.aborted) return { index, startedAt: startedAtMs, ok: false, outcome: 'aborted', ms: 0, code: 'ABORTED' };
      if (url) {
        const t0 = performance.now();
        const { data, error } = await exchange(url, { timeoutMs, signal: ctx.signal, tlsCa: ctx.tlsCa });
        const ok = data.status !== null && data.status < 500 && !error;
        const a: RepeatAttempt = { index, startedAt: startedAtMs, ok, outcome: ok ? 'response' : (data.failedAt ?? 'error'), ms: since(t0) };
        if (error) a.code = error.code;
        if (data.status !== null) a.status = data.status;
        if (data.closeKind) a.close = data.closeKind;
        return a;
      }
      const t = await tcpAttempt({ host: target.host }, target.port, { timeoutMs, signal: ctx.signal, settleMs: SETTLE_MS, lookup });
      const ok = t.outcome === 'accepted' && t.afterAccept !== 'reset';
      const a: RepeatAttempt = { index, startedAt: startedAtMs, ok, outcome: t.outcome, ms: ok ? (t.connectMs ?? t.ms) : t.ms };
      if (t.code) a.code = t.code;
      if (t.outcome === 'reset' || t.afterAccept === 'reset') a.close = 'reset';
      else if (t.afterAccept === 'closed') a.close = 'eof';
      return a;
    };
    const outcomes = await Promise.all(Array.from({ length: n }, (_, i) => runOne(i)));
    const aborted = outcomes.some((o) => o.code === 'ABORTED');
    const okMs = outcomes.filter((o) => o.ok).map((o) => o.ms);
    const successes = okMs.length;
    const data: RepeatData = {
      kind, attempts: n, successes, failures: n - successes, successRate: successes / n, spacingMs, outcomes,
      p50: percentile(okMs, 50), p95: percentile(okMs, 95), intermittent: successes > 0 && successes < n,
    };
    // 'ECONNRESET (RST)' vs 'ECONNRESET (FIN)': Node reports a hang-up with the reset's code.
    const failCodes = [...new Set(outcomes.filter((o) => !o.ok).map((o) => `${o.code ?? o.outcome}${o.close ? ` (${o.close === 'reset' ? 'RST' : 'FIN'})` : ''}`))];
    const summary = `${successes}/${n} ${kind === 'http' ? 'requests' : 'connects'} succeeded${data.p50 !== null ? ` (p50 ${Math.round(data.p50)} ms, p95 ${Math.round(data.p95 ?? 0)} ms)` : ''}${failCodes.length > 0 ? `; failures: ${failCodes.join(', ')}` : ''}${data.intermittent ? ' — intermittent' : ''}`;
    if (aborted) return result('repeat', 'skipped', since(started), 'aborted', { ...data, reason: 'aborted' }, { code: 'ABORTED', message: 'aborted' });
    return result('repeat', successes === n ? 'ok' : 'fail', since(started), summary, data, successes === n ? undefined : { code: failCodes[0] ?? 'EFAIL', message: summary });
  });
}
