/**
 * What a ranking may not contradict: facts a probe observes (accepted and quiet, reset at the
 * response, reused socket closed, refused, resolved, TLS ok, ...) and the causes whose premise is
 * the opposite fact, as one table of data. Each fact is a knowledge-base predicate (the engine's own
 * evaluator reads it), so the check is the same over recorded probe results
 * (test/unit/diagnose/consistency.test.ts) and over every live diagnosis of the fault suite.
 */
import type { Predicate } from '../../src/core/knowledge/causeSchema';
import { buildRoots } from '../../src/core/diagnose/rank';
import { evaluate } from '../../src/core/diagnose/predicate';
import type { Incident, ProbeResult, Target } from '../../src/core/types';

/** One observed fact and the causes that cannot rank first when it holds. */
export interface Premise {
  fact: string;
  /** The observation, over the same roots as the causes' evidence (probe results, incident, target, facts). */
  observed: Predicate;
  /** Also requires: no incident (the target was diagnosed without an error). */
  noIncident?: boolean;
  /** Also requires: no probe failed. */
  noProbeFailed?: boolean;
  /** Causes whose premise is the opposite fact. */
  contradicts: readonly string[];
  /** When set, only this cause may rank first (every other one is contradicted). */
  onlyFirst?: string;
}

const tcp = (path: string, op: 'eq' | 'in', value: string | string[], every = false): Predicate => ({ probe: 'tcp', path, op, value, ...(every ? { every } : {}) });

/** Causes that need a connection to be accepted (and something after it to go wrong). */
const NEED_ACCEPT = [
  'healthy-from-here', 'reset-on-connect', 'closed-mid-response', 'keepalive-race', 'slow-server', 'tls-untrusted-cert', 'tls-expired-cert', 'tls-hostname-mismatch',
  'plain-to-tls-port', 'tls-to-plain-port', 'handshake-stall', 'wrong-service-on-port', 'service-no-tls', 'service-requires-tls', 'auth-not-network', 'lb-idle-timeout',
];

/** The table. */
export const PREMISES: readonly Premise[] = [
  {
    fact: 'a TCP connect was accepted',
    observed: tcp('data.attempts[*].outcome', 'eq', 'accepted'),
    contradicts: ['no-listener', 'packet-drop', 'firewall-block', 'network-unreachable', 'dns-nxdomain', 'dns-resolver-failure', 'wrong-port'],
  },
  {
    fact: 'every TCP connect was refused',
    observed: tcp('data.attempts[*].outcome', 'eq', 'refused', true),
    contradicts: [...NEED_ACCEPT, 'packet-drop', 'accept-queue-full', 'dns-nxdomain', 'dns-resolver-failure'],
  },
  {
    fact: 'every TCP connect was reset before a request could be sent',
    observed: { any: [tcp('data.attempts[*].outcome', 'eq', 'reset', true), tcp('data.attempts[*].afterAccept', 'eq', 'reset', true)] },
    contradicts: ['closed-mid-response', 'keepalive-race', 'slow-server', 'handshake-stall', 'healthy-from-here'],
  },
  {
    fact: 'connections were accepted and quiet, and every reset came at the response (after the request)',
    observed: { probe: 'facts', path: 'resetStage', op: 'eq', value: 'request' },
    contradicts: ['reset-on-connect', 'healthy-from-here', 'no-listener'],
  },
  {
    fact: 'the name resolved',
    observed: { all: [{ probe: 'resolve', path: 'status', op: 'eq', value: 'ok' }, { probe: 'resolve', path: 'data.addresses[*].address', op: 'exists' }] },
    contradicts: ['dns-nxdomain', 'dns-resolver-failure'],
  },
  {
    fact: 'a TLS handshake succeeded with a trusted, valid certificate for the host',
    observed: {
      all: [
        { probe: 'tls', path: 'data.handshake', op: 'eq', value: true },
        { probe: 'tls', path: 'data.trusted', op: 'eq', value: true },
        { probe: 'tls', path: 'data.hostnameMatch', op: 'eq', value: true },
        { probe: 'tls', path: 'data.expired', op: 'eq', value: false },
      ],
    },
    contradicts: ['tls-untrusted-cert', 'tls-expired-cert', 'tls-hostname-mismatch', 'tls-to-plain-port', 'service-no-tls'],
  },
  {
    fact: 'the port answered in plaintext, not TLS',
    observed: { probe: 'tls', path: 'data.speaksTls', op: 'eq', value: false },
    contradicts: ['plain-to-tls-port', 'tls-untrusted-cert', 'tls-expired-cert', 'tls-hostname-mismatch', 'service-requires-tls'],
  },
  {
    fact: 'reusing an idle keep-alive connection worked',
    observed: { probe: 'keepalive', path: 'data.reusedOk', op: 'eq', value: true },
    contradicts: ['keepalive-race'],
  },
  {
    fact: 'the server closed an idle connection and reusing it failed, while fresh requests all completed',
    observed: {
      all: [
        { probe: 'keepalive', path: 'data.closedByServer', op: 'eq', value: true },
        { probe: 'keepalive', path: 'data.reusedOk', op: 'eq', value: false },
        { probe: 'http', path: 'data.complete', op: 'eq', value: true },
        { probe: 'repeat', path: 'data.outcomes[*].ok', op: 'eq', value: true, every: true },
      ],
    },
    contradicts: ['closed-mid-response', 'reset-on-connect', 'healthy-from-here', 'no-listener'],
  },
  {
    fact: 'a listener on this machine holds the target port',
    observed: { all: [{ probe: 'facts', path: 'targetLoopback', op: 'eq', value: true }, { probe: 'listeners', path: 'data.onTargetPort', op: 'eq', value: true }] },
    contradicts: ['no-listener', 'wrong-port'],
  },
  {
    fact: 'the service answered its own protocol',
    observed: { probe: 'service', path: 'status', op: 'eq', value: 'ok' },
    contradicts: ['wrong-service-on-port', 'handshake-stall', 'no-listener'],
  },
  {
    fact: 'no error to explain and no probe found a problem',
    observed: { probe: 'target', path: 'port', op: 'exists' },
    noIncident: true,
    noProbeFailed: true,
    contradicts: [],
    onlyFirst: 'healthy-from-here',
  },
];

/** What the check reads: the diagnosis input and the ranked cause ids (CLI JSON or engine output). */
export interface Ranked {
  target: Target | { host: string; port: number; scheme: string | null; url: string | null };
  incident: Incident | null | { category: string };
  probes: ReadonlyArray<ProbeResult | { id: string; status: string; data: unknown }>;
  causes: ReadonlyArray<{ id: string }>;
}

/** The facts of the table that hold for this input. */
export function observedFacts(r: Ranked): Premise[] {
  const input = { target: r.target as Target, incident: (r.incident ?? null) as Incident | null, probes: r.probes as ProbeResult[] };
  const roots = buildRoots(input);
  return PREMISES.filter((p) => {
    if (p.noIncident && input.incident) return false;
    if (p.noProbeFailed && input.probes.some((x) => x.status === 'fail')) return false;
    return evaluate(p.observed, roots).truth === true;
  });
}

/** Every contradiction between the observed facts and the first cause (empty when consistent); an empty ranking is one too. */
export function checkConsistency(r: Ranked): string[] {
  const first = r.causes[0]?.id;
  if (first === undefined) return ['the ranking is empty: a verdict must always name a cause (healthy-from-here when nothing is wrong)'];
  const out: string[] = [];
  for (const p of observedFacts(r)) {
    if (p.contradicts.includes(first)) out.push(`'${first}' ranks first although ${p.fact}`);
    if (p.onlyFirst !== undefined && first !== p.onlyFirst) out.push(`'${first}' ranks first although ${p.fact} (only ${p.onlyFirst} may)`);
  }
  return out;
}
