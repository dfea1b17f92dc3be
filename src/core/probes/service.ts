/**
 * service probe: opens the conversation the way the service's own clients do (an SSH banner
 * wait, a PostgreSQL SSLRequest, a Redis PING, a MySQL greeting ...) and reads the first answer,
 * within the shared deadline. It says which service it assumed and why, names the protocol that
 * answered instead when it is another, and reports version, TLS support and the server's access errors.
 * One module per protocol under ./service/.
 */
import { isIP } from 'node:net';
import type { ProbeResult, Target } from '../types';
import { budgetOf, guarded, printable, result, since } from './budget';
import { classifyConnectError, lookupFrom } from './connect';
import { GREETING_SHARE } from './limits';
import { TLS_PORTS } from '../target/schemes';
import { isPlaintextError } from './tls';
import { amqp } from './service/amqp';
import { chooseService, clientTlsOf } from './service/choose';
import type { ServiceDecision } from './service/choose';
import { http } from './service/http';
import { imap } from './service/imap';
import { kafka } from './service/kafka';
import { mongodb } from './service/mongodb';
import { mysql } from './service/mysql';
import { pop3 } from './service/pop3';
import { postgres } from './service/postgres';
import type { Reply, ServiceModule } from './service/protocol';
import { redis } from './service/redis';
import { converse } from './service/session';
import type { Conversation, Endpoint, Session } from './service/session';
import { smtp } from './service/smtp';
import { spokenBy } from './service/sniff';
import { ssh } from './service/ssh';
import type { GreetingOutcome, ProbeContext, ServiceData, ServiceName } from './types';

/** The protocol module of each service. */
export const SERVICE_MODULES: Readonly<Record<ServiceName, ServiceModule>> = {
  ssh, postgresql: postgres, mysql, redis, mongodb, smtp, imap, pop3, amqp, kafka, http,
};

/** Sent when a server-first service stays silent: most servers answer an HTTP request, which names what listens. */
const NUDGE = 'HEAD / HTTP/1.0\r\n\r\n';

const SPOKEN_LABEL: Readonly<Record<string, string>> = { tls: 'TLS', ftp: 'FTP', vnc: 'VNC' };

/** A protocol's name for users. */
export function protocolLabel(p: string): string {
  return SERVICE_MODULES[p as ServiceName]?.label ?? SPOKEN_LABEL[p] ?? p;
}

function emptyData(d: ServiceDecision): ServiceData {
  return {
    service: d.service, chosenBy: d.by, why: d.why, clientTls: null, clientTlsFrom: null, usedTls: false, outcome: 'error',
    recognized: false, spoken: null, wrongService: false, stalled: false, waitedMs: null, firstLine: null, version: null,
    tlsOffered: null, tlsRequired: null, tlsOnPort: null, auth: null, serverError: null, serverErrorCode: null, details: {}, connectMs: null,
  };
}

interface Talked {
  conv: Conversation<Reply>;
  reply: Reply | null;
  nudged: boolean;
}

/** One conversation with the module, nudging a silent server-first service once its greeting wait is over. */
async function talk(mod: ServiceModule, endpoint: Endpoint, target: Target, ctx: ProbeContext, startedAt: number, capMs?: number): Promise<Talked> {
  const budget = Math.min(budgetOf(ctx, startedAt), capMs ?? Infinity);
  let reply: Reply | null = null;
  let nudged = false;
  const plain: Endpoint = { host: endpoint.host, port: endpoint.port, ...(endpoint.lookup ? { lookup: endpoint.lookup } : {}) };
  const conv = await converse<Reply>(endpoint, { timeoutMs: budget, signal: ctx.signal }, async (s: Session) => {
    reply = await mod.talk(s, {
      host: target.host,
      port: target.port,
      greetingWaitMs: budget * GREETING_SHARE,
      again: (script) => converse(plain, { timeoutMs: budgetOf(ctx, startedAt), signal: ctx.signal }, script),
    });
    if (!reply.recognized && s.received.length === 0 && s.ended === null && mod.serverFirst) {
      nudged = true;
      s.write(NUDGE);
      await s.read((b) => b.length > 0);
    }
    return reply;
  });
  return { conv, reply: conv.value ?? reply, nudged };
}

/** The outcome of a conversation. */
function outcomeOf(t: Talked): GreetingOutcome {
  const c = t.conv;
  if (c.stopped === 'aborted') return 'aborted';
  if (c.connectError) {
    const o = classifyConnectError(c.connectError.code);
    return o === 'accepted' || o === 'aborted' ? 'error' : o === 'refused' || o === 'timeout' || o === 'unreachable' || o === 'reset' ? o : 'error';
  }
  if (!c.tcpAccepted) return c.stopped === 'timeout' ? 'timeout' : 'error';
  if (t.reply?.recognized) return 'greeting';
  if (c.received.length > 0) return 'other';
  if (c.ended === 'reset') return 'reset';
  if (c.ended === 'eof' || c.tlsError) return 'closed';
  return 'silent';
}

/** Whether the port completes a TLS handshake (the plaintext service got no answer of its own). */
async function speaksTls(endpoint: Endpoint, servername: string | null, ctx: ProbeContext, startedAt: number): Promise<boolean | null> {
  const c = await converse({ ...endpoint, tls: { servername } }, { timeoutMs: budgetOf(ctx, startedAt), signal: ctx.signal }, async () => true);
  if (c.connected) return true;
  if (c.tlsError) return isPlaintextError(c.tlsError) ? false : c.tlsError.code.startsWith('ERR_SSL_') ? true : null;
  return null;
}

/** service probe: the service's own first exchange, its version, TLS support and access answer. */
export function serviceProbe(target: Target, ctx: ProbeContext): Promise<ProbeResult<ServiceData>> {
  const decision = chooseService(target, ctx.incident, ctx.commandLine);
  return guarded('service', () => emptyData(decision), async (started) => {
    const startedAt = Date.now();
    const data = emptyData(decision);
    if (!decision.service) return result('service', 'skipped', 0, decision.why, { ...data, reason: decision.why });
    const mod = SERVICE_MODULES[decision.service];
    const tlsWish = clientTlsOf(decision.service, target, ctx.incident, ctx.commandLine);
    data.clientTls = tlsWish.clientTls;
    data.clientTlsFrom = tlsWish.from;
    const servername = isIP(target.host.split('%')[0] ?? '') ? null : target.host;
    const tlsPort = target.scheme === null && TLS_PORTS.has(target.port);
    data.usedTls = mod.tlsFromStart && (tlsWish.clientTls === 'required' || tlsPort);
    const lookup = lookupFrom(ctx.resolved);
    const plain: Endpoint = { host: target.host, port: target.port, ...(lookup ? { lookup } : {}) };
    const endpoint: Endpoint = data.usedTls ? { ...plain, tls: { servername, ...(decision.service === 'http' ? { alpn: ['h2', 'http/1.1'] } : {}) } } : plain;

    // A plaintext server may sit silent on a ClientHello (Redis waits for a newline): the handshake gets part of the budget.
    const handshakeCap = data.usedTls ? budgetOf(ctx, startedAt) * GREETING_SHARE : undefined;
    let t = await talk(mod, endpoint, target, ctx, startedAt, handshakeCap);
    let plaintextInstead = false;
    const first = t.conv;
    const handshakeFailed = data.usedTls && !first.connected && first.tcpAccepted && first.stopped !== 'aborted';
    if (handshakeFailed && (first.tlsError ? isPlaintextError(first.tlsError) : first.stopped === 'timeout')) {
      // No TLS from the port (a plaintext answer, or silence to the ClientHello): what does the service say without TLS?
      data.details.tlsHandshake = first.tlsError ? `answered in plaintext (${first.tlsError.code})` : `no answer to the ClientHello within ${Math.round(handshakeCap ?? 0)} ms`;
      plaintextInstead = true;
      t = await talk(mod, plain, target, ctx, startedAt);
      data.tlsOnPort = false;
      if (first.tlsError || t.reply?.recognized) data.tlsOffered = false;
    }
    const c = t.conv;
    data.connectMs = c.connectMs;
    data.outcome = outcomeOf(t);
    const label = mod.label;
    const chosen = `(${label}: ${decision.why})`;
    if (data.outcome === 'aborted') return result('service', 'skipped', since(started), 'aborted', { ...data, reason: 'aborted' }, { code: 'ABORTED', message: 'aborted' });
    if (['refused', 'timeout', 'unreachable', 'error'].includes(data.outcome) && !c.tcpAccepted) {
      const reason = `no connection (${c.connectError?.code ?? data.outcome}): the tcp probe reports why`;
      return result('service', 'skipped', since(started), `${reason} ${chosen}`, { ...data, reason }, c.connectError ?? undefined);
    }
    const reply = t.reply;
    data.recognized = reply?.recognized === true;
    if (reply) {
      data.version = reply.version ?? null;
      if (!plaintextInstead) data.tlsOffered = reply.tlsOffered ?? (data.usedTls && c.connected ? true : null);
      data.tlsRequired = reply.tlsRequired ?? null;
      data.auth = reply.auth ?? null;
      data.serverError = reply.serverError ?? null;
      data.serverErrorCode = reply.serverErrorCode ?? null;
      data.details = { ...data.details, ...(reply.details ?? {}) };
    }
    if (c.received.length > 0) data.firstLine = printable(c.received.subarray(0, c.received.indexOf(0x0a) >= 0 ? c.received.indexOf(0x0a) : 120)).replace(/\.$/, '') || null;
    if (!data.recognized) {
      const spoken = spokenBy(c.received);
      data.spoken = spoken;
      data.wrongService = spoken !== null && spoken !== decision.service;
    }
    data.stalled = data.outcome === 'silent' || t.nudged;
    data.waitedMs = c.talkedMs;
    if (data.usedTls && !plaintextInstead && c.tlsError && !c.connected) data.tlsOffered = null;
    // A plaintext service that gave no answer of its own may be a TLS-only port.
    if (!data.usedTls && !data.recognized && (data.spoken === null || data.spoken === 'tls') && ['closed', 'reset', 'other', 'silent'].includes(data.outcome)) {
      data.tlsOnPort = data.spoken === 'tls' ? true : await speaksTls(plain, servername, ctx, startedAt);
      if (data.tlsOnPort) {
        data.spoken = 'tls';
        data.wrongService = true;
        data.tlsRequired = true;
      }
    }

    const { ok, summary } = describe(data, label, t, c);
    return result('service', ok ? 'ok' : 'fail', since(started), `${summary} ${chosen}`, data, ok ? undefined : { code: codeOf(data), message: summary });
  });
}

function codeOf(d: ServiceData): string {
  if (d.wrongService) return 'EWRONGSERVICE';
  if (d.stalled) return 'ENOGREETING';
  if (d.clientTls === 'required' && d.tlsOffered === false) return 'ENOTLS';
  if (d.serverErrorCode) return `SERVICE_${d.serverErrorCode}`;
  return d.outcome === 'reset' ? 'ECONNRESET' : d.outcome === 'closed' ? 'ECLOSED' : 'ESERVICE';
}

function describe(d: ServiceData, label: string, t: Talked, c: Conversation<Reply>): { ok: boolean; summary: string } {
  const said = t.reply?.said ?? '';
  const other = d.spoken ? protocolLabel(d.spoken) : null;
  const first = d.firstLine ? `: "${d.firstLine}"` : '';
  const tlsNote = d.usedTls ? (d.tlsOffered === false ? ' over TLS, which the port does not speak (it answers in plaintext);' : ` over TLS${c.connected ? '' : ` (handshake failed: ${c.tlsError?.code ?? '?'})`};`) : '';
  if (d.stalled) {
    const waited = `accepted, but no ${label} ${t.reply && !t.reply.recognized && d.outcome !== 'silent' ? 'greeting' : 'answer'} within ${Math.round(d.waitedMs ?? 0)} ms`;
    const asked = t.nudged ? (other ? `; asked in HTTP, the port answers ${other}${first}` : d.firstLine ? `; asked in HTTP, it answers${first}` : '; it stays silent to an HTTP request too') : '';
    return { ok: false, summary: `${tlsNote ? `${label}${tlsNote} ` : ''}${waited} (a client waits here until its own timeout)${asked}` };
  }
  if (d.wrongService) {
    if (d.spoken === 'tls' && !d.recognized) return { ok: false, summary: `the port speaks TLS, not plaintext ${label}: the client must use TLS (${d.outcome === 'other' ? 'TLS records' : `the server ${d.outcome === 'reset' ? 'reset' : 'closed'} the plaintext connection`}; a TLS handshake works)` };
    return { ok: false, summary: `the port answers ${other ?? 'another protocol'}, not ${label}${first}` };
  }
  if (!d.recognized) {
    const how = d.outcome === 'reset' ? 'reset the connection (RST)' : d.outcome === 'closed' ? 'closed the connection (FIN)' : 'answered';
    return { ok: false, summary: `${tlsNote ? `${label}${tlsNote} ` : ''}the server ${how} without a ${label} answer${first}` };
  }
  const parts = [`${label}${tlsNote} ${said}`.replace(/ +/g, ' ')];
  if (d.version && !said.includes(d.version)) parts.push(`version ${d.version}`);
  if (d.clientTls === 'required' && d.tlsOffered === false) parts.push(`the client requires TLS (${d.clientTlsFrom ?? '?'}) and the server does not offer it`);
  if (d.clientTls === 'disabled' && d.tlsRequired) parts.push(`the server requires TLS and the client disabled it (${d.clientTlsFrom ?? '?'})`);
  const mismatch = (d.clientTls === 'required' && d.tlsOffered === false) || (d.clientTls === 'disabled' && d.tlsRequired === true);
  const blocking = t.reply?.blocking === true;
  return { ok: !mismatch && !blocking, summary: parts.join('; ') };
}
