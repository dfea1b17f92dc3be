/**
 * Pure normalisation of raw setting values into the typed {@link Config}
 * snapshot (the vscode-eslint habit of small `from()` functions). No 'vscode'
 * import: the host passes a reader, tests pass plain objects.
 */
import { MAX_ATTEMPTS } from '../../core/probes/limits';
import { unbracket } from '../../core/target/address';

/** The typed configuration snapshot (mirrors contributes.configuration). */
export interface Config {
  /** Watch integrated-terminal output through shell integration. */
  watchTerminals: boolean;
  /** Watch debug-session output through a debug adapter tracker. */
  watchDebug: boolean;
  /** When a new incident raises a notification. */
  notifications: 'always' | 'oncePerTarget' | 'never';
  /** Open the diagnosis panel automatically for a new incident (probes run only if true). */
  autoOpenPanel: boolean;
  /** Timeout of each probe, in milliseconds. */
  probeTimeoutMs: number;
  /** Attempts of the repeat probe. */
  repeatAttempts: number;
  /** Show hovers on failure lines in editors. */
  hover: boolean;
  /** Publish failure lines of open log files as diagnostics. */
  diagnosticsInLogs: boolean;
  /** Hosts never reported or probed. */
  ignoredHosts: readonly string[];
  /** Maximum incidents kept in the history. */
  historySize: number;
}

/** Values used when a setting is missing or malformed (mirrors package.json defaults). */
export const CONFIG_DEFAULTS: Readonly<Config> = Object.freeze({
  watchTerminals: true,
  watchDebug: true,
  notifications: 'oncePerTarget',
  autoOpenPanel: false,
  probeTimeoutMs: 3000,
  repeatAttempts: 5,
  hover: true,
  diagnosticsInLogs: false,
  ignoredHosts: Object.freeze([]) as readonly string[],
  historySize: 200,
});

/** Bounds of the numeric settings (also declared as minimum/maximum in package.json). */
export const CONFIG_BOUNDS = {
  probeTimeoutMs: { min: 250, max: 60_000 },
  repeatAttempts: { min: 1, max: MAX_ATTEMPTS },
  historySize: { min: 10, max: 2_000 },
  ignoredHosts: { maxEntries: 500, maxLength: 253 },
} as const;

/**
 * Settings a workspace may not set while it is untrusted: they would let a
 * cloned repository add hosts or start probes on its own (auto-diagnosis).
 * In an untrusted workspace they are read from the user's (global) scope only.
 */
export const RESTRICTED_KEYS = ['autoOpenPanel', 'ignoredHosts', 'probeTimeoutMs', 'repeatAttempts'] as const satisfies readonly (keyof Config)[];

/** Reads one raw setting value by its key inside the `connectionDoctor` section. */
export type RawReader = (key: keyof Config) => unknown;

/** A boolean, or the default for anything else. */
export function boolFrom(value: unknown, fallback: boolean): boolean {
  return typeof value === 'boolean' ? value : fallback;
}

/** An integer clamped to [min, max]; non-numbers give the default. */
export function intFrom(value: unknown, fallback: number, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) return fallback;
  return Math.min(max, Math.max(min, Math.round(value)));
}

/** One of the allowed strings, or the default. */
export function oneOf<T extends string>(value: unknown, allowed: readonly T[], fallback: T): T {
  return typeof value === 'string' && (allowed as readonly string[]).includes(value) ? (value as T) : fallback;
}

/** Host names lower-cased, trimmed, without brackets or duplicates, bounded in count and length. */
export function hostsFrom(value: unknown): readonly string[] {
  if (!Array.isArray(value)) return CONFIG_DEFAULTS.ignoredHosts;
  const seen = new Set<string>();
  for (const item of value) {
    if (typeof item !== 'string') continue;
    const host = unbracket(item.trim().toLowerCase());
    if (host.length === 0 || host.length > CONFIG_BOUNDS.ignoredHosts.maxLength) continue;
    seen.add(host);
    if (seen.size >= CONFIG_BOUNDS.ignoredHosts.maxEntries) break;
  }
  return Object.freeze([...seen]);
}

/** Builds a frozen, fully normalised snapshot from raw values. */
export function configFrom(read: RawReader): Readonly<Config> {
  const b = CONFIG_BOUNDS;
  const d = CONFIG_DEFAULTS;
  return Object.freeze({
    watchTerminals: boolFrom(read('watchTerminals'), d.watchTerminals),
    watchDebug: boolFrom(read('watchDebug'), d.watchDebug),
    notifications: oneOf(read('notifications'), ['always', 'oncePerTarget', 'never'] as const, d.notifications),
    autoOpenPanel: boolFrom(read('autoOpenPanel'), d.autoOpenPanel),
    probeTimeoutMs: intFrom(read('probeTimeoutMs'), d.probeTimeoutMs, b.probeTimeoutMs.min, b.probeTimeoutMs.max),
    repeatAttempts: intFrom(read('repeatAttempts'), d.repeatAttempts, b.repeatAttempts.min, b.repeatAttempts.max),
    hover: boolFrom(read('hover'), d.hover),
    diagnosticsInLogs: boolFrom(read('diagnosticsInLogs'), d.diagnosticsInLogs),
    ignoredHosts: hostsFrom(read('ignoredHosts')),
    historySize: intFrom(read('historySize'), d.historySize, b.historySize.min, b.historySize.max),
  });
}

/** The values each setting may hold in each scope, as `WorkspaceConfiguration.inspect` reports them. */
export interface ScopedValues {
  defaultValue?: unknown;
  globalValue?: unknown;
  workspaceValue?: unknown;
  workspaceFolderValue?: unknown;
}

/**
 * The effective raw value of a setting. For restricted keys in an untrusted
 * workspace, only the user's value counts: workspace and folder values are ignored.
 */
export function effectiveValue(key: keyof Config, scoped: ScopedValues | undefined, trusted: boolean): unknown {
  if (!scoped) return undefined;
  const restricted = (RESTRICTED_KEYS as readonly string[]).includes(key);
  if (restricted && !trusted) return scoped.globalValue ?? scoped.defaultValue;
  return scoped.workspaceFolderValue ?? scoped.workspaceValue ?? scoped.globalValue ?? scoped.defaultValue;
}

/** Whether a host is ignored (exact name, or a subdomain of an entry written as ".example.com" or "*.example.com"). */
export function isIgnoredHost(host: string | null, ignored: readonly string[]): boolean {
  if (host === null || ignored.length === 0) return false;
  const h = host.toLowerCase().replace(/^\[|\]$/g, '');
  for (const entry of ignored) {
    if (entry === h) return true;
    const suffix = entry.startsWith('*.') ? entry.slice(1) : entry.startsWith('.') ? entry : null;
    if (suffix !== null && (h.endsWith(suffix) || h === suffix.slice(1))) return true;
  }
  return false;
}
