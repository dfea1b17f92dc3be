/**
 * The bounded incident history as plain data (no 'vscode'): folding repeats,
 * the bound, muted targets and (de)serialisation for workspaceState. The VS Code
 * wrapper in src/host/incidentStore.ts adds events and persistence.
 */
import { maskSecrets } from '../../core/diagnose/mask';
import type { Incident } from '../../core/types';
import { CATEGORIES } from '../../core/types';
import { targetKeyOf } from '../../shared/protocol';
import { clip } from '../../core/clip';

/** Where an incident was seen. */
export interface IncidentOrigin {
  kind: 'terminal' | 'debug' | 'file' | 'manual';
  /** Terminal name, debug session name, or file name. */
  name: string;
  /** Debug type, for debug sessions. */
  debugType?: string;
  commandLine?: string;
  cwd?: string;
  exitCode?: number;
}

/** An incident as the extension keeps it: the detector's fields plus an id and its origin. */
export interface StoredIncident extends Incident {
  id: string;
  origin: IncidentOrigin;
}

/** Longest failure text kept per incident (output is untrusted and may be huge). */
export const MAX_TEXT_CHARS = 2_000;
/** Most muted targets remembered. */
export const MAX_MUTED = 500;
/** Version of the persisted shape; older or unknown shapes are dropped, never trusted. */
export const HISTORY_VERSION = 1;

/** What is written to workspaceState. */
export interface PersistedHistory {
  version: number;
  incidents: StoredIncident[];
  muted: string[];
}

/** The "host:port" key of an incident (groups the side view and mutes notifications). */
export function targetKeyOfIncident(incident: Pick<Incident, 'host' | 'port'>): string {
  return targetKeyOf(incident.host, incident.port);
}

/** Newest-first bounded list of incidents, folded by their detector key. */
export class IncidentHistory {
  private items: StoredIncident[] = [];
  private readonly byKey = new Map<string, StoredIncident>();
  private readonly muted = new Set<string>();
  private seq = 0;

  constructor(
    private limit: number,
    private readonly makeId?: () => string,
  ) {}

  private newId(): string {
    return this.makeId ? this.makeId() : `${Date.now().toString(36)}-${(this.seq++).toString(36)}`;
  }

  /** Newest first. */
  list(): readonly StoredIncident[] {
    return this.items;
  }

  get size(): number {
    return this.items.length;
  }

  get(id: string): StoredIncident | undefined {
    return this.items.find((i) => i.id === id);
  }

  latest(): StoredIncident | undefined {
    return this.items[0];
  }

  /**
   * Adds an incident, or folds it into the stored one with the same key (its
   * count grows, its last-seen time and origin follow the newest occurrence).
   */
  add(incident: Incident, origin: IncidentOrigin): { stored: StoredIncident; isNew: boolean } {
    const existing = this.byKey.get(incident.key);
    if (existing) {
      existing.count += Math.max(1, incident.count);
      existing.lastSeen = Math.max(existing.lastSeen, incident.lastSeen);
      existing.origin = { ...origin };
      const at = this.items.indexOf(existing);
      if (at > 0) {
        this.items.splice(at, 1);
        this.items.unshift(existing);
      }
      return { stored: existing, isNew: false };
    }
    const stored: StoredIncident = {
      ...incident,
      also: [...incident.also],
      // workspaceState is a file on disk: credentials in the output are masked before they are kept.
      text: clip(maskSecrets(incident.text), MAX_TEXT_CHARS),
      url: incident.url === null ? null : maskSecrets(incident.url),
      count: Math.max(1, incident.count),
      id: this.newId(),
      origin: { ...origin },
    };
    this.items.unshift(stored);
    this.byKey.set(stored.key, stored);
    this.trim();
    return { stored, isNew: true };
  }

  /** Updates the origin of stored incidents (e.g. the exit code once a command ends). */
  annotate(id: string, patch: Partial<IncidentOrigin>): boolean {
    const item = this.get(id);
    if (!item) return false;
    item.origin = { ...item.origin, ...patch };
    return true;
  }

  remove(id: string): boolean {
    const at = this.items.findIndex((i) => i.id === id);
    if (at < 0) return false;
    const [gone] = this.items.splice(at, 1);
    if (gone && this.byKey.get(gone.key) === gone) this.byKey.delete(gone.key);
    return true;
  }

  clear(): void {
    this.items = [];
    this.byKey.clear();
  }

  /** Changes the bound; drops the oldest incidents beyond it. */
  setLimit(limit: number): boolean {
    this.limit = limit;
    return this.trim();
  }

  mute(targetKey: string): boolean {
    if (this.muted.has(targetKey)) return false;
    this.muted.add(targetKey);
    // Oldest mutes go first when the list is full.
    while (this.muted.size > MAX_MUTED) {
      const first = this.muted.values().next();
      if (first.done) break;
      this.muted.delete(first.value);
    }
    return true;
  }

  unmute(targetKey: string): boolean {
    return this.muted.delete(targetKey);
  }

  unmuteAll(): boolean {
    const had = this.muted.size > 0;
    this.muted.clear();
    return had;
  }

  isMuted(targetKey: string): boolean {
    return this.muted.has(targetKey);
  }

  mutedTargets(): readonly string[] {
    return [...this.muted];
  }

  toJSON(): PersistedHistory {
    return { version: HISTORY_VERSION, incidents: this.items, muted: [...this.muted] };
  }

  /** Restores a persisted history, keeping only well-formed entries (workspaceState is untrusted). */
  restore(data: unknown): void {
    this.clear();
    this.muted.clear();
    if (typeof data !== 'object' || data === null) return;
    const rec = data as Record<string, unknown>;
    if (rec.version !== HISTORY_VERSION) return;
    if (Array.isArray(rec.muted)) {
      for (const m of rec.muted) if (typeof m === 'string' && m.length < 512) this.mute(m);
    }
    if (!Array.isArray(rec.incidents)) return;
    for (const raw of rec.incidents) {
      const item = sanitizeStored(raw);
      if (!item || this.byKey.has(item.key)) continue;
      this.items.push(item);
      this.byKey.set(item.key, item);
      if (this.items.length >= this.limit) break;
    }
  }

  private trim(): boolean {
    let dropped = false;
    while (this.items.length > this.limit) {
      const gone = this.items.pop();
      if (gone && this.byKey.get(gone.key) === gone) this.byKey.delete(gone.key);
      dropped = true;
    }
    return dropped;
  }
}

const ORIGIN_KINDS = ['terminal', 'debug', 'file', 'manual'] as const;

function str(v: unknown, max = 4_096): string | null {
  return typeof v === 'string' ? v.slice(0, max) : null;
}

function num(v: unknown): number | null {
  return typeof v === 'number' && Number.isFinite(v) ? v : null;
}

/** Checks one persisted incident field by field; returns null when it is malformed. */
export function sanitizeStored(raw: unknown): StoredIncident | null {
  if (typeof raw !== 'object' || raw === null) return null;
  const r = raw as Record<string, unknown>;
  const category = CATEGORIES.find((c) => c === r.category);
  const id = str(r.id, 512);
  const key = str(r.key, 1_024);
  const o = typeof r.origin === 'object' && r.origin !== null ? (r.origin as Record<string, unknown>) : null;
  const kind = o ? ORIGIN_KINDS.find((k) => k === o.kind) : undefined;
  if (!category || !id || !key || !o || !kind) return null;
  const origin: IncidentOrigin = { kind, name: str(o.name, 256) ?? '' };
  const debugType = str(o.debugType, 128);
  if (debugType !== null) origin.debugType = debugType;
  const commandLine = str(o.commandLine);
  if (commandLine !== null) origin.commandLine = commandLine;
  const cwd = str(o.cwd);
  if (cwd !== null) origin.cwd = cwd;
  const exitCode = num(o.exitCode);
  if (exitCode !== null) origin.exitCode = exitCode;
  const now = Date.now();
  return {
    id,
    key,
    category,
    also: Array.isArray(r.also) ? r.also.flatMap((a) => CATEGORIES.filter((c) => c === a)) : [],
    code: str(r.code, 64),
    syscall: str(r.syscall, 64),
    host: str(r.host, 512),
    port: num(r.port),
    url: maskOrNull(str(r.url)),
    ecosystem: str(r.ecosystem, 64),
    rule: str(r.rule, 256) ?? '',
    count: Math.max(1, num(r.count) ?? 1),
    text: clip(maskSecrets(str(r.text, MAX_TEXT_CHARS * 2) ?? ''), MAX_TEXT_CHARS),
    line: num(r.line) ?? 1,
    endLine: num(r.endLine) ?? 1,
    firstSeen: num(r.firstSeen) ?? now,
    lastSeen: num(r.lastSeen) ?? now,
    origin,
  };
}

function maskOrNull(text: string | null): string | null {
  return text === null ? null : maskSecrets(text);
}
