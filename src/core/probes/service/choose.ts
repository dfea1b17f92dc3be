/**
 * Which service a target is, when its scheme does not say: decided from what failed (the program
 * and rule of the incident), then the command line, then the URL scheme, then the port's
 * conventional service (from the one scheme→port table). Also what the client asked of TLS.
 * Plain string work over untrusted text: no regular expressions.
 */
import type { Incident, Target } from '../../types';
import { SCHEME_PORTS, serviceOf, TLS_SCHEMES } from '../../target/schemes';
import type { ServiceChoice, ServiceName } from '../types';

const SERVICES: ReadonlySet<string> = new Set<ServiceName>(['ssh', 'postgresql', 'mysql', 'redis', 'mongodb', 'smtp', 'imap', 'pop3', 'amqp', 'kafka', 'http']);

/** The service a name (scheme, program, ecosystem, rule prefix) stands for, if this probe speaks it, or null. */
export function serviceOfName(name: string | null | undefined): ServiceName | null {
  const service = serviceOf(name);
  return service !== null && SERVICES.has(service) ? (service as ServiceName) : null;
}

/** The decision and its reason. */
export interface ServiceDecision {
  service: ServiceName | null;
  by: ServiceChoice | null;
  why: string;
}

/** The program a command line runs (the first word that is not an env assignment, sudo or a wrapper), by base name. */
export function programOf(commandLine: string): string | null {
  const words = commandLine.slice(0, 4096).trim().split(' ').filter((w) => w !== '');
  for (const raw of words) {
    const w = raw.replace(/^['"]+|['"]+$/g, '');
    if (w.includes('=') && !w.startsWith('-')) continue;
    if (['sudo', 'env', 'time', 'nice', 'exec', 'command', 'npx', 'docker', 'kubectl', 'exec', '-it', '-i', '-t'].includes(w)) continue;
    const slash = Math.max(w.lastIndexOf('/'), w.lastIndexOf('\\'));
    const base = w.slice(slash + 1).toLowerCase();
    return base.endsWith('.exe') ? base.slice(0, -4) : base;
  }
  return null;
}

/** Decides the service of a target, saying which input decided it. */
export function chooseService(target: Target, incident: Incident | null | undefined, commandLine: string | null | undefined): ServiceDecision {
  if (incident) {
    const byEco = serviceOfName(incident.ecosystem);
    const rulePrefix = incident.rule.split('.')[0] ?? '';
    const byRule = serviceOfName(rulePrefix);
    // A generic client (curl, a browser) names HTTP only through its URL: let the scheme decide that.
    const fromIncident = byEco && byEco !== 'http' ? byEco : byRule && byRule !== 'http' ? byRule : null;
    if (fromIncident) {
      const source = byEco === fromIncident ? `the error came from ${incident.ecosystem ?? ''}` : `the error matched rule ${incident.rule}`;
      return { service: fromIncident, by: 'incident', why: `${source}${byEco === fromIncident ? ` (rule ${incident.rule})` : ''}` };
    }
  }
  if (commandLine) {
    const program = programOf(commandLine);
    const byProgram = serviceOfName(program);
    if (byProgram && byProgram !== 'http') return { service: byProgram, by: 'command', why: `the command line runs ${program ?? ''}` };
  }
  const byScheme = serviceOfName(target.scheme);
  if (byScheme) return { service: byScheme, by: 'scheme', why: `the URL scheme is ${target.scheme ?? ''}://` };
  for (const [scheme, port] of Object.entries(SCHEME_PORTS)) {
    const s = port === target.port ? serviceOfName(scheme) : null;
    if (s) return { service: s, by: 'port', why: `port ${target.port} is the conventional ${scheme} port` };
  }
  return { service: null, by: null, why: `no program, scheme or conventional port names a service for port ${target.port}` };
}

/** A word of a text matched as a whole token (letters, digits, - _ = . around it are part of a word). */
function hasToken(text: string, token: string): boolean {
  const hay = text.toLowerCase();
  const needle = token.toLowerCase();
  let at = hay.indexOf(needle);
  while (at >= 0) {
    const before = at === 0 ? ' ' : hay[at - 1];
    const after = hay[at + needle.length] ?? ' ';
    const wordChar = (c: string): boolean => (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c === '-' || c === '_';
    if (!wordChar(before ?? ' ') && !wordChar(after)) return true;
    at = hay.indexOf(needle, at + 1);
  }
  return false;
}

/** Settings that make each client require TLS, as they are written on a command line or in a URL. */
const TLS_REQUIRED: Readonly<Partial<Record<ServiceName, readonly string[]>>> = {
  postgresql: ['sslmode=require', 'sslmode=verify-ca', 'sslmode=verify-full'],
  mysql: ['--ssl-mode=required', '--ssl-mode=verify_ca', '--ssl-mode=verify_identity', 'ssl-mode=required', 'sslmode=required', '--ssl', 'ssl=true', 'ssl=1'],
  redis: ['--tls'],
};
const TLS_DISABLED: Readonly<Partial<Record<ServiceName, readonly string[]>>> = {
  postgresql: ['sslmode=disable'],
  mysql: ['--ssl-mode=disabled', '--skip-ssl', '--ssl=0', 'ssl-mode=disabled', 'sslmode=disabled', 'ssl=false'],
};
/** The clients' own words when TLS was required and the server does not offer it. */
const NO_TLS_WORDS: readonly string[] = [
  // libpq (fe-connect.c): sslmode=require against a server that answers N to SSLRequest.
  'server does not support SSL, but SSL was required',
  // MySQL client (sql-common/client.cc) and MariaDB Connector/C: --ssl-mode=REQUIRED against a server without CLIENT_SSL.
  'SSL is required but the server doesn',
  'SSL is required, but the server does not support',
];

/** What the client asked of TLS, from the scheme, the URL, the command line or the error text. */
export function clientTlsOf(service: ServiceName | null, target: Target, incident: Incident | null | undefined, commandLine: string | null | undefined): { clientTls: 'required' | 'disabled' | null; from: string | null } {
  if (target.scheme !== null && TLS_SCHEMES.has(target.scheme)) return { clientTls: 'required', from: `the ${target.scheme}:// scheme` };
  if (service === null) return { clientTls: null, from: null };
  const text = incident?.text.slice(0, 8192) ?? '';
  for (const words of NO_TLS_WORDS) if (text.toLowerCase().includes(words.toLowerCase())) return { clientTls: 'required', from: 'the error text' };
  const sources: Array<readonly [string, string]> = [['the URL', target.url ?? ''], ['the command line', commandLine ?? ''], ['the error text', text]];
  for (const [from, hay] of sources) {
    if (hay === '') continue;
    const spaced = hay.replace(/[?&]/g, ' ');
    if ((TLS_REQUIRED[service] ?? []).some((t) => hasToken(spaced, t))) return { clientTls: 'required', from };
    if ((TLS_DISABLED[service] ?? []).some((t) => hasToken(spaced, t))) return { clientTls: 'disabled', from };
  }
  return { clientTls: null, from: null };
}
