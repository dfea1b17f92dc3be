/**
 * DOM helpers for both webviews. Every element is built with createElement and
 * every piece of data goes in as a text node or an attribute value: output text
 * is attacker-controlled, so nothing here ever parses HTML (no innerHTML).
 */
import type { Category, ProbeId } from '../core/types';
import type { OriginView } from '../shared/protocol';
import { assertNever } from '../shared/protocol';
import type { StringKey } from '../shared/strings';
import { t } from './l10n';

/** A child: a node, text (added as a text node), or nothing. */
export type Child = Node | string | null | undefined | false;

/** Attributes set with setAttribute (values are plain strings, never HTML). */
export type Attrs = Record<string, string | number | boolean | null | undefined>;

/** Creates an element with attributes and children; `false`/`null` attributes are left out. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    el.setAttribute(name, value === true ? '' : String(value));
  }
  append(el, ...children);
  return el;
}

/** Appends children, turning strings into text nodes. */
export function append(parent: Node, ...children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
  }
}

/** A decorative codicon (hidden from screen readers; the text beside it says the same). */
export function icon(name: string, extraClass = ''): HTMLSpanElement {
  return h('span', { class: `codicon codicon-${name}${extraClass ? ` ${extraClass}` : ''}`, 'aria-hidden': 'true' });
}

/** A button with an icon and a visible label (or an icon-only button with an accessible name). */
export function button(label: string, iconName: string | null, onClick: (ev: MouseEvent) => void, opts: { iconOnly?: boolean; className?: string; title?: string } = {}): HTMLButtonElement {
  const b = h(
    'button',
    {
      type: 'button',
      class: opts.className ?? (opts.iconOnly ? 'icon-button' : 'button'),
      title: opts.title ?? (opts.iconOnly ? label : null),
      'aria-label': opts.iconOnly ? label : null,
    },
    iconName ? icon(iconName) : null,
    opts.iconOnly ? null : h('span', { class: 'label' }, label),
  );
  b.addEventListener('click', onClick);
  return b;
}

/** Removes every child of an element. */
export function clear(el: Element): void {
  while (el.firstChild) el.removeChild(el.firstChild);
}

/** The codicon of a failure category. */
export const CATEGORY_ICON: Readonly<Record<Category, string>> = {
  reset: 'debug-disconnect',
  timeout: 'watch',
  refused: 'circle-slash',
  dns: 'globe',
  unreachable: 'error',
  tls: 'lock',
  closed: 'plug',
};

const CATEGORY_LABEL_KEY: Readonly<Record<Category, StringKey>> = {
  reset: 'categoryReset',
  timeout: 'categoryTimeout',
  refused: 'categoryRefused',
  dns: 'categoryDns',
  unreachable: 'categoryUnreachable',
  tls: 'categoryTls',
  closed: 'categoryClosed',
};

/** Where an incident was seen, in the same words as the host's notifications. */
export function originLabel(o: OriginView): string {
  switch (o.kind) {
    case 'terminal':
      return t('originTerminal', o.name);
    case 'debug':
      return t('originDebugSession', o.name);
    case 'file':
      return t('originFile', o.name);
    case 'manual':
      return t('originManual');
    default:
      return assertNever(o.kind, 'origin');
  }
}

/** The translated label of an id, or the id itself when it has none (an id from a newer host). */
function labelOf<K extends string>(keys: Readonly<Record<K, StringKey>>, id: K): string {
  const key = keys[id] as StringKey | undefined;
  return key ? t(key) : id;
}

/** A short name of a failure category, translated (the category id for an unknown one). */
export function categoryLabel(category: Category): string {
  return labelOf(CATEGORY_LABEL_KEY, category);
}

const PROBE_LABEL_KEY: Readonly<Record<ProbeId, StringKey>> = {
  resolve: 'probeResolve',
  tcp: 'probeTcp',
  tls: 'probeTls',
  http: 'probeHttp',
  listeners: 'probeListeners',
  proxy: 'probeProxy',
  repeat: 'probeRepeat',
  keepalive: 'probeKeepalive',
  service: 'probeService',
};

/** What a probe checks, in a few words, translated (the probe id for an unknown one). */
export function probeLabel(id: ProbeId): string {
  return labelOf(PROBE_LABEL_KEY, id);
}

/** "5 s ago", "3 min ago", "2 h ago", or a date for older times; empty for an unknown time (0). */
export function relativeTime(then: number, now: number): string {
  if (then <= 0) return '';
  const s = Math.max(0, Math.round((now - then) / 1000));
  if (s < 10) return t('justNow');
  if (s < 60) return t('secondsAgo', s);
  const m = Math.round(s / 60);
  if (m < 60) return t('minutesAgo', m);
  const hours = Math.round(m / 60);
  if (hours < 24) return t('hoursAgo', hours);
  return new Date(then).toLocaleString();
}

/** "12 ms", "1.4 s". */
export function duration(ms: number): string {
  return ms < 1000 ? t('durationMs', Math.round(ms)) : t('durationSeconds', (ms / 1000).toFixed(1));
}
