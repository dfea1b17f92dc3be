/**
 * What the host says about an incident: notification text, short labels and the
 * rule deciding when to notify. Pure (no 'vscode'): the host passes
 * `vscode.l10n.t` as `t`, tests pass {@link formatPlain}.
 */
import type { Category } from '../../core/types';
// The webviews' table: a category or an origin reads the same in a toast, a hover and the panel.
import { STRINGS } from '../../shared/strings';
import { hostPort } from '../../core/target/address';
import type { Config } from './configModel';
import type { IncidentOrigin, StoredIncident } from './incidentHistory';

/** A translator with `{0}`-style placeholders, the signature of `vscode.l10n.t`. */
export type Translate = (message: string, ...args: Array<string | number | boolean>) => string;

/** Fills `{0}`, `{1}`, ... without translating (tests, and the fallback). */
export const formatPlain: Translate = (message, ...args) =>
  message.replace(/\{(\d+)\}/g, (whole, i: string) => {
    const v = args[Number(i)];
    return v === undefined ? whole : String(v);
  });

/** "host:port", "[::1]:443", "host" or null. */
export function targetLabel(host: string | null, port: number | null): string | null {
  return host === null ? null : hostPort(host, port);
}

/** The main phrase of a notification, e.g. "Connection refused by 127.0.0.1:5432". */
export function failurePhrase(category: Category, target: string | null, t: Translate): string {
  if (target === null) {
    switch (category) {
      case 'refused': return t(STRINGS.categoryRefused);
      case 'reset': return t(STRINGS.categoryReset);
      case 'timeout': return t(STRINGS.categoryTimeout);
      case 'dns': return t(STRINGS.categoryDns);
      case 'unreachable': return t(STRINGS.categoryUnreachable);
      case 'tls': return t(STRINGS.categoryTls);
      case 'closed': return t(STRINGS.categoryClosed);
    }
  }
  switch (category) {
    case 'refused': return t('Connection refused by {0}', target);
    case 'reset': return t('Connection reset by {0}', target);
    case 'timeout': return t('Connection to {0} timed out', target);
    case 'dns': return t('Could not resolve {0}', target);
    case 'unreachable': return t('{0} is unreachable', target);
    case 'tls': return t('TLS handshake with {0} failed', target);
    case 'closed': return t('{0} closed the connection before responding', target);
  }
}

/** A short category title for hovers and pickers ("Connection refused"). */
export function categoryTitle(category: Category, t: Translate): string {
  return failurePhrase(category, null, t);
}

/** Where it happened: "terminal 'server'", "debug session 'app' (node)", "file 'app.log'". */
export function originPhrase(origin: IncidentOrigin, t: Translate): string {
  switch (origin.kind) {
    case 'terminal': return t(STRINGS.originTerminal, origin.name);
    case 'debug': return `${t(STRINGS.originDebugSession, origin.name)}${origin.debugType ? ` (${origin.debugType})` : ''}`;
    case 'file': return t(STRINGS.originFile, origin.name);
    case 'manual': return t(STRINGS.originManual);
  }
}

/** The notification text: "Connection refused by 127.0.0.1:5432 (node, terminal 'server')". */
export function notificationMessage(incident: StoredIncident, t: Translate): string {
  const main = failurePhrase(incident.category, targetLabel(incident.host, incident.port), t);
  const where = originPhrase(incident.origin, t);
  const context = incident.ecosystem ? `${incident.ecosystem}, ${where}` : where;
  const repeat = incident.count > 1 ? t(' — seen {0} times', incident.count) : '';
  return `${main} (${context})${repeat}`;
}

/** Minimum time between two notifications for the same target. */
export const QUIET_PERIOD_MS = 60_000;
/** Most notifications shown within one quiet period across all targets (a flood stays quiet). */
export const MAX_NOTIFICATIONS_PER_PERIOD = 3;

/**
 * Decides whether an incident raises a notification: the mode, mutes, a quiet
 * period per target and a global cap so a flood of distinct targets stays quiet.
 */
export class NotificationGate {
  private readonly lastByTarget = new Map<string, number>();
  private recent: number[] = [];

  constructor(
    private readonly quietMs = QUIET_PERIOD_MS,
    private readonly maxPerPeriod = MAX_NOTIFICATIONS_PER_PERIOD,
  ) {}

  /** Records and returns whether to notify now. */
  shouldNotify(mode: Config['notifications'], targetKey: string, muted: boolean, now: number): boolean {
    if (mode === 'never' || muted) return false;
    const last = this.lastByTarget.get(targetKey);
    if (last !== undefined) {
      if (mode === 'oncePerTarget') return false;
      if (now - last < this.quietMs) return false;
    }
    this.recent = this.recent.filter((at) => now - at < this.quietMs);
    if (this.recent.length >= this.maxPerPeriod) return false;
    this.recent.push(now);
    this.lastByTarget.set(targetKey, now);
    // Bounded memory: forget the oldest targets (Map keeps insertion order).
    if (this.lastByTarget.size > 5_000) {
      const oldest = this.lastByTarget.keys().next();
      if (!oldest.done) this.lastByTarget.delete(oldest.value);
    }
    return true;
  }

  /** Forgets what was shown (after "Clear incidents"). */
  reset(): void {
    this.lastByTarget.clear();
    this.recent = [];
  }
}
