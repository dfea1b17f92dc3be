/**
 * tls probe: one handshake with verification turned off (so a bad certificate is described,
 * not just refused), then the checks a client would make, done by hand: trust, expiry and
 * hostname. Also tells a port that answers in plaintext from one that speaks TLS.
 */
import { checkServerIdentity, connect, rootCertificates } from 'node:tls';
import type { DetailedPeerCertificate, PeerCertificate, TLSSocket } from 'node:tls';
import { isIP } from 'node:net';
import type { ProbeResult, Target } from '../types';
import { budgetOf, errorInfo, guarded, result, since, stopCode } from './budget';
import { lookupFrom } from './connect';
import { PLAIN_AFTER_PLAINTEXT_MS, PLAIN_AFTER_TLS_MS } from './limits';
import { plainProbe } from './plain';
import { hostPort } from '../target/address';
import { HTTP_SCHEMES, TLS_PORTS, TLS_SCHEMES } from '../target/schemes';
import { probeStep } from './step';
import type { CertInfo, ErrorInfo, ProbeContext, TlsData } from './types';

/** Handshake error codes / messages that mean "the peer answered in plaintext". */
const PLAINTEXT_CODES = new Set(['ERR_SSL_WRONG_VERSION_NUMBER', 'ERR_SSL_PACKET_LENGTH_TOO_LONG', 'ERR_SSL_UNKNOWN_PROTOCOL', 'ERR_SSL_RECORD_LAYER_FAILURE']);
const PLAINTEXT_WORDS = ['wrong version number', 'packet length too long', 'unknown protocol', 'http request'];

/** How the tls probe applies to a target: expected TLS, a sniff of a plaintext-scheme port, or not at all. */
export function tlsMode(target: Target, ctx: Pick<ProbeContext, 'incident'>): 'expected' | 'sniff' | null {
  const scheme = target.scheme;
  const incident = ctx.incident;
  if (scheme !== null && TLS_SCHEMES.has(scheme)) return 'expected';
  if (incident && (incident.category === 'tls' || incident.also.includes('tls'))) return 'expected';
  if (scheme === null && TLS_PORTS.has(target.port)) return 'expected';
  if (scheme === null || HTTP_SCHEMES.has(scheme)) return 'sniff';
  return null;
}

/** Whether a handshake error means the peer spoke plaintext. */
export function isPlaintextError(err: ErrorInfo): boolean {
  if (PLAINTEXT_CODES.has(err.code)) return true;
  const m = err.message.toLowerCase();
  return PLAINTEXT_WORDS.some((w) => m.includes(w));
}

function certInfo(c: PeerCertificate): CertInfo {
  const name = (o: Record<string, string | string[] | undefined> | undefined): string =>
    Object.entries(o ?? {}).map(([k, v]) => `${k}=${Array.isArray(v) ? v.join('+') : (v ?? '')}`).join(', ');
  const subject = name(c.subject as unknown as Record<string, string>);
  const issuer = name(c.issuer as unknown as Record<string, string>);
  return {
    subject,
    issuer,
    subjectAltName: c.subjectaltname ?? null,
    validFrom: c.valid_from,
    validTo: c.valid_to,
    fingerprint256: c.fingerprint256,
    serialNumber: c.serialNumber,
    selfSigned: subject === issuer,
  };
}

/** The chain the peer sent, leaf first (stops at a self-reference or after 10 links). */
function chainOf(socket: TLSSocket): { chain: CertInfo[]; leaf: PeerCertificate | null } {
  const leaf = socket.getPeerCertificate(true) as DetailedPeerCertificate;
  if (!leaf || Object.keys(leaf).length === 0) return { chain: [], leaf: null };
  const chain: CertInfo[] = [];
  const seen = new Set<string>();
  let cur: DetailedPeerCertificate | undefined = leaf;
  while (cur && Object.keys(cur).length > 0 && !seen.has(cur.fingerprint256) && chain.length < 10) {
    seen.add(cur.fingerprint256);
    chain.push(certInfo(cur));
    cur = cur.issuerCertificate;
  }
  return { chain, leaf };
}

function emptyData(mode: TlsData['mode'], servername: string | null): TlsData {
  return {
    mode, servername, handshake: false, speaksTls: null, protocol: null, cipher: null, alpn: null, chain: [],
    validFrom: null, validTo: null, expired: null, notYetValid: null, hostnameMatch: null, hostnameError: null,
    trusted: null, authorizationError: null, handshakeError: null, plaintext: false, handshakeMs: null,
  };
}

interface Handshake {
  socket: TLSSocket | null;
  error: ErrorInfo | null;
  ms: number;
}

function handshake(target: Target, servername: string | null, ctx: ProbeContext, timeoutMs: number): Promise<Handshake> {
  const t0 = performance.now();
  const failed = (error: ErrorInfo): Handshake => ({ socket: null, error, ms: since(t0) });
  return probeStep<Handshake>({ timeoutMs, signal: ctx.signal }, (step) => {
    const alpn = target.scheme !== null && HTTP_SCHEMES.has(target.scheme) ? ['h2', 'http/1.1'] : undefined;
    const socket = connect({
      host: target.host,
      port: target.port,
      lookup: lookupFrom(ctx.resolved),
      rejectUnauthorized: false,
      // Keep Node's authorizationError about the chain only; the host name is checked separately.
      checkServerIdentity: () => undefined,
      ...(servername ? { servername } : {}),
      ...(alpn ? { ALPNProtocols: alpn } : {}),
      ...(ctx.tlsCa && ctx.tlsCa.length > 0 ? { ca: [...rootCertificates, ...ctx.tlsCa] } : {}),
    });
    socket.on('error', (err) => step.finish(failed(errorInfo(err))));
    socket.once('secureConnect', () => step.finish({ socket, error: null, ms: since(t0) }));
    return {
      timeout: () => failed({ code: stopCode(ctx.signal), message: `no TLS handshake within ${Math.round(timeoutMs)} ms` }),
      abort: () => failed({ code: 'ABORTED', message: 'aborted' }),
      // A completed handshake hands its socket to the caller.
      cleanup: (h) => {
        if (!h.socket) socket.destroy();
      },
    };
  });
}

function inspect(data: TlsData, socket: TLSSocket, host: string): void {
  data.handshake = true;
  data.speaksTls = true;
  data.protocol = socket.getProtocol();
  data.cipher = socket.getCipher()?.name ?? null;
  data.alpn = typeof socket.alpnProtocol === 'string' ? socket.alpnProtocol : null;
  const { chain, leaf } = chainOf(socket);
  data.chain = chain;
  data.trusted = socket.authorized;
  const authErr = socket.authorizationError as unknown;
  data.authorizationError = authErr === null || authErr === undefined ? null : authErr instanceof Error ? ((authErr as NodeJS.ErrnoException).code ?? authErr.message) : String(authErr);
  if (leaf) {
    data.validFrom = leaf.valid_from;
    data.validTo = leaf.valid_to;
    const now = Date.now();
    const from = Date.parse(leaf.valid_from);
    const to = Date.parse(leaf.valid_to);
    data.expired = Number.isNaN(to) ? null : to < now;
    data.notYetValid = Number.isNaN(from) ? null : from > now;
    const hostErr = checkServerIdentity(host.split('%')[0] ?? host, leaf);
    data.hostnameMatch = hostErr === undefined;
    data.hostnameError = hostErr ? errorInfo(hostErr) : null;
  }
}

function verdict(data: TlsData, port: number): { ok: boolean; summary: string } {
  if (data.mode === 'sniff') {
    if (data.speaksTls) {
      const plain = data.plainProbe ? `; a plaintext request gets ${data.plainProbe.outcome}` : '';
      return { ok: false, summary: `port ${port} speaks TLS although the scheme is plaintext (use https/wss)${plain}` };
    }
    return { ok: true, summary: data.plaintext ? `port ${port} answers in plaintext, as its scheme says` : `port ${port} does not speak TLS (${data.handshakeError?.code ?? 'no handshake'})` };
  }
  if (!data.handshake) {
    if (data.plaintext) return { ok: false, summary: `port ${port} answers in plaintext, not TLS${data.plaintextResponse ? `: "${data.plaintextResponse}"` : ''}` };
    return { ok: false, summary: `TLS handshake failed: ${data.handshakeError?.code ?? 'unknown'} ${data.handshakeError?.message ?? ''}`.trim() };
  }
  const problems: string[] = [];
  if (data.expired) problems.push(`certificate expired on ${data.validTo ?? '?'}`);
  if (data.notYetValid) problems.push(`certificate not valid before ${data.validFrom ?? '?'}`);
  if (data.hostnameMatch === false) problems.push(`certificate does not name ${data.servername ?? 'this host'} (${data.hostnameError?.code ?? ''})`);
  if (data.trusted === false) problems.push(`not trusted: ${data.authorizationError ?? 'unknown issuer'}`);
  const head = `${data.protocol ?? 'TLS'} ${data.cipher ?? ''}${data.alpn ? ` ALPN ${data.alpn}` : ''}`.trimEnd();
  return problems.length > 0 ? { ok: false, summary: `${head}; ${problems.join('; ')}` } : { ok: true, summary: `${head}; certificate valid and trusted until ${data.validTo ?? '?'}` };
}

/** tls probe: handshake details, certificate checks, and plaintext-vs-TLS detection on the port. */
export function tlsProbe(target: Target, ctx: ProbeContext): Promise<ProbeResult<TlsData>> {
  const mode = tlsMode(target, ctx) ?? 'expected';
  const servername = isIP(target.host.split('%')[0] ?? '') ? null : target.host;
  return guarded('tls', () => emptyData(mode, servername), async (started) => {
    const startedAt = Date.now();
    const data = emptyData(mode, servername);
    const hs = await handshake(target, servername, ctx, budgetOf(ctx, startedAt));
    data.handshakeMs = hs.socket ? hs.ms : null;
    const hostHeader = hostPort(target.host, target.port);
    const plainOpts = { lookup: lookupFrom(ctx.resolved), hostHeader, signal: ctx.signal };
    if (hs.socket) {
      inspect(data, hs.socket, target.host);
      hs.socket.destroy();
      // What a plaintext client would get from this TLS port (plain-to-TLS mistakes).
      data.plainProbe = await plainProbe(target.host, target.port, { ...plainOpts, timeoutMs: Math.min(PLAIN_AFTER_TLS_MS, budgetOf(ctx, startedAt)) });
    } else if (hs.error) {
      data.handshakeError = hs.error;
      data.plaintext = isPlaintextError(hs.error);
      if (data.plaintext) {
        data.speaksTls = false;
        const p = await plainProbe(target.host, target.port, { ...plainOpts, timeoutMs: Math.min(PLAIN_AFTER_PLAINTEXT_MS, budgetOf(ctx, startedAt)) });
        if (p.firstLine) data.plaintextResponse = p.firstLine;
      } else if (hs.error.code.startsWith('ERR_SSL_') || hs.error.message.includes('alert')) {
        data.speaksTls = true;
      }
    }
    const stopped = hs.error?.code === 'ABORTED';
    const { ok, summary } = verdict(data, target.port);
    const status = stopped ? 'skipped' : mode === 'sniff' && data.speaksTls === null ? 'skipped' : ok ? 'ok' : 'fail';
    const reason = stopped ? 'aborted' : `no conclusion about TLS on port ${target.port}: ${hs.error?.code ?? 'no answer'}`;
    const out = status === 'skipped' ? { ...data, reason } : data;
    return result('tls', status, since(started), status === 'skipped' ? reason : summary, out, hs.error ?? undefined);
  });
}
