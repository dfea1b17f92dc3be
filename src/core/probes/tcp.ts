/**
 * tcp probe: one connect to each resolved address, IPv4 and IPv6 separately (no Happy
 * Eyeballs: each family's own answer matters, e.g. ::1 refused while 127.0.0.1 accepts).
 */
import type { ProbeResult, Target } from '../types';
import { hostPort } from '../target/address';
import { budgetOf, guarded, result, since } from './budget';
import { tcpAttempt } from './connect';
import { MAX_PER_FAMILY, SETTLE_MS } from './limits';
import { resolveProbe } from './resolve';
import type { Address, Family, ProbeContext, ResolveData, TcpAttempt, TcpData } from './types';

/** The resolve data from the context, or a fresh resolution. */
export async function resolvedFor(target: Target, ctx: ProbeContext): Promise<ResolveData> {
  return ctx.resolved ?? (await resolveProbe(target, ctx)).data;
}

/** Addresses to try: deduplicated, at most MAX_PER_FAMILY per family, lookup order kept. */
export function pickAddresses(addresses: Address[]): Address[] {
  const out: Address[] = [];
  const count: Record<Family, number> = { 4: 0, 6: 0 };
  for (const a of addresses) {
    if (out.some((b) => b.address === a.address) || count[a.family] >= MAX_PER_FAMILY) continue;
    count[a.family] += 1;
    out.push(a);
  }
  return out;
}

function describe(a: TcpAttempt, port: number): string {
  const where = hostPort(a.address, port);
  const after = a.outcome !== 'accepted' ? '' : a.afterAccept === 'closed' ? ' then closed by the server (FIN)' : a.afterAccept === 'reset' ? ' then reset by the server (RST)' : '';
  return `${where} ${a.outcome}${a.code && a.outcome !== 'accepted' ? ` (${a.code})` : ''}${after} in ${Math.round(a.ms)} ms`;
}

/** tcp probe: connects to every resolved address of the target, per family, with timing. */
export function tcpProbe(target: Target, ctx: ProbeContext): Promise<ProbeResult<TcpData>> {
  const empty = (): TcpData => ({ port: target.port, attempts: [], acceptedFamilies: [], settleMs: SETTLE_MS });
  return guarded('tcp', empty, async (started) => {
    const startedAt = Date.now();
    const resolved = await resolvedFor(target, ctx);
    const addresses = pickAddresses(resolved.addresses);
    if (addresses.length === 0) {
      return result('tcp', 'skipped', since(started), `no address to connect to (${resolved.failure ?? 'unresolved'})`, { ...empty(), reason: 'the name did not resolve' });
    }
    const timeoutMs = budgetOf(ctx, startedAt);
    const attempts = await Promise.all(
      addresses.map((a) => tcpAttempt(a, target.port, { timeoutMs, signal: ctx.signal, settleMs: SETTLE_MS, ...(ctx.watchUntil ? { watchUntil: ctx.watchUntil } : {}) })),
    );
    const acceptedFamilies = [...new Set(attempts.filter((a) => a.outcome === 'accepted').map((a) => a.family))];
    const data: TcpData = { port: target.port, attempts, acceptedFamilies, settleMs: SETTLE_MS };
    const allOk = attempts.every((a) => a.outcome === 'accepted');
    const firstBad = attempts.find((a) => a.outcome !== 'accepted');
    const summary = attempts.map((a) => describe(a, target.port)).join('; ');
    return result('tcp', allOk ? 'ok' : 'fail', since(started), summary, data, firstBad ? { code: firstBad.code ?? firstBad.outcome.toUpperCase(), message: describe(firstBad, target.port) } : undefined);
  });
}
