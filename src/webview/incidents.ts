/**
 * The incidents side view's page: incidents grouped by target, a filter box,
 * and actions (diagnose, mute, remove, clear). Data only enters the DOM as text.
 * The filter and the collapsed groups survive hiding through setState.
 */
import type { IncidentGroupView, IncidentView, ToIncidents } from '../shared/protocol';
import { assertNever } from '../shared/protocol';
import type { StringKey } from '../shared/strings';
import { CATEGORY_ICON, append, button, categoryLabel, clear, h, icon, originLabel, relativeTime } from './dom';
import { shownHostPort } from '../core/target/address';
import { currentStrings, setStrings, t } from './l10n';
import { onHostMessage, vscodeApi } from './vscodeApi';
import { clip } from '../core/clip';

interface ViewState {
  filter: string;
  collapsed: string[];
  groups: IncidentGroupView[];
  total: number;
  /** The host's translations, so a re-shown page renders in the same language before `ready`. */
  strings?: Partial<Record<StringKey, string>>;
}

const vscode = vscodeApi<ViewState>();
const root = document.getElementById('root') as HTMLElement;
let state: ViewState = vscode.getState() ?? { filter: '', collapsed: [], groups: [], total: 0 };
if (state.strings) setStrings(state.strings);
let received = false;

const live = h('div', { class: 'sr-only', role: 'status', 'aria-live': 'polite', id: 'notice' });
const filterInput = h('input', {
  type: 'search',
  class: 'filter',
  id: 'filter',
  placeholder: t('filterPlaceholder'),
  'aria-label': t('filterLabel'),
  spellcheck: 'false',
  autocomplete: 'off',
});
filterInput.value = state.filter;
filterInput.addEventListener('input', () => {
  state.filter = filterInput.value;
  save();
  renderList();
});
filterInput.addEventListener('keydown', (ev) => {
  if (ev.key === 'Escape' && filterInput.value !== '') {
    filterInput.value = '';
    state.filter = '';
    save();
    renderList();
    ev.stopPropagation();
  }
});
const clearAll = button(t('clearAll'), 'clear-all', () => vscode.postMessage({ type: 'clear' }), { iconOnly: true });
const summary = h('p', { class: 'summary', id: 'summary' });
const list = h('ul', { class: 'groups', id: 'groups', 'aria-label': t('groupsLabel') });
append(
  root,
  h('div', { class: 'bar' }, h('div', { class: 'filter-box' }, icon('filter'), filterInput), clearAll),
  summary,
  list,
  live,
);

function save(): void {
  vscode.setState({ ...state, strings: currentStrings() });
}

/**
 * The static chrome is built once, before the host's table arrives: it is
 * relabelled when the table comes.
 */
function relabelChrome(): void {
  filterInput.placeholder = t('filterPlaceholder');
  filterInput.setAttribute('aria-label', t('filterLabel'));
  clearAll.title = t('clearAll');
  clearAll.setAttribute('aria-label', t('clearAll'));
  list.setAttribute('aria-label', t('groupsLabel'));
}

function announce(text: string): void {
  live.textContent = '';
  window.setTimeout(() => {
    live.textContent = text;
  }, 50);
}

/** Case-insensitive substring match over everything a row shows. */
function matches(g: IncidentGroupView, i: IncidentView, needle: string): boolean {
  if (needle === '') return true;
  const hay = [g.targetKey, categoryLabel(i.category), i.category, i.code ?? '', i.text, i.ecosystem ?? '', i.origin?.name ?? '', i.origin?.kind ?? '', i.url ?? '']
    .join('\n')
    .toLowerCase();
  return hay.includes(needle);
}

function originText(i: IncidentView): string {
  return i.origin ? originLabel(i.origin) : t('unknownSource');
}

function firstLine(text: string): string {
  const line = text.split(/\r?\n/, 1)[0] ?? '';
  return clip(line, 200);
}

function renderList(): void {
  const focusKey = document.activeElement instanceof HTMLElement ? document.activeElement.dataset.focusKey : undefined;
  clear(list);
  const needle = state.filter.trim().toLowerCase();
  const now = Date.now();
  let shownGroups = 0;
  let shownIncidents = 0;
  for (const g of state.groups) {
    const incidents = g.incidents.filter((i) => matches(g, i, needle));
    if (incidents.length === 0) continue;
    shownGroups++;
    shownIncidents += incidents.length;
    list.appendChild(renderGroup(g, incidents, now));
  }
  clearAll.disabled = state.total === 0;
  if (!received && state.groups.length === 0) {
    summary.textContent = t('loading');
  } else if (state.total === 0) {
    summary.textContent = '';
    append(
      list,
      h(
        'li',
        { class: 'empty' },
        h('p', {}, icon('pass'), ' ', t('emptyTitle')),
        h('p', { class: 'muted' }, t('emptyBody')),
      ),
    );
  } else if (shownIncidents === 0) {
    summary.textContent = '';
    append(list, h('li', { class: 'empty' }, h('p', {}, t('noMatch', state.filter.trim()))));
  } else {
    const all = needle === '';
    const incidents = shownIncidents === 1 ? t('incidentCountOne') : t('incidentCountMany', shownIncidents);
    const targets = shownGroups === 1 ? t('targetCountOne') : t('targetCountMany', shownGroups);
    summary.textContent = all ? t('summary', incidents, targets) : t('summaryFiltered', incidents, targets, state.total);
  }
  if (focusKey) list.querySelector<HTMLElement>(`[data-focus-key="${CSS.escape(focusKey)}"]`)?.focus();
}

function renderGroup(g: IncidentGroupView, incidents: IncidentView[], now: number): HTMLLIElement {
  const collapsed = state.collapsed.includes(g.targetKey);
  const listId = `group-${encodeURIComponent(g.targetKey)}`;
  const twistie = h(
    'button',
    { type: 'button', class: 'icon-button twistie', 'aria-expanded': collapsed ? 'false' : 'true', 'aria-controls': listId, 'aria-label': t(collapsed ? 'expandTarget' : 'collapseTarget', g.targetKey), 'data-focus-key': `twistie-${g.targetKey}` },
    icon(collapsed ? 'chevron-right' : 'chevron-down'),
  );
  twistie.addEventListener('click', () => {
    const set = new Set(state.collapsed);
    if (set.has(g.targetKey)) set.delete(g.targetKey);
    else set.add(g.targetKey);
    state.collapsed = [...set];
    save();
    renderList();
  });
  const newest = incidents[0];
  const count = incidents.reduce((n, i) => n + i.count, 0);
  const main = h(
    'button',
    { type: 'button', class: 'row-main group-main', title: t('diagnoseTarget', g.targetKey), 'data-focus-key': `group-${g.targetKey}` },
    icon(CATEGORY_ICON[g.category] ?? 'question', `category category-${g.category}`),
    h('span', { class: 'target' }, shownHostPort(g.host, g.port)),
    h('span', { class: 'badge', 'aria-label': t('times', count) }, String(count)),
    g.muted ? h('span', { class: 'muted-tag', title: t('mutedTitle') }, icon('bell-slash'), h('span', { class: 'sr-only' }, t('muted'))) : null,
    h('span', { class: 'when' }, relativeTime(g.lastSeen, now)),
  );
  main.addEventListener('click', () => vscode.postMessage({ type: 'diagnose', id: newest.id ?? '' }));
  const actions = h('span', { class: 'actions' });
  if (!g.muted) append(actions, button(t('muteTarget', g.targetKey), 'bell-slash', () => vscode.postMessage({ type: 'mute', targetKey: g.targetKey }), { iconOnly: true }));
  append(
    actions,
    button(t('removeTarget', g.targetKey), 'trash', () => {
      const ids = g.incidents.map((i) => i.id).filter((id): id is string => id !== null);
      if (ids.length > 0) vscode.postMessage({ type: 'remove', ids });
    }, { iconOnly: true }),
  );
  const header = h('div', { class: 'group-header' }, twistie, main, actions);
  const items = h('ul', { class: 'incidents', id: listId, hidden: collapsed, role: 'list' });
  for (const i of incidents) items.appendChild(renderIncident(i, now));
  return h('li', { class: 'group', 'data-target': g.targetKey }, header, items);
}

function renderIncident(i: IncidentView, now: number): HTMLLIElement {
  const id = i.id ?? '';
  const main = h(
    'button',
    { type: 'button', class: 'row-main incident-main', 'data-focus-key': `incident-${id}`, title: clip(i.text, 2000) },
    icon(CATEGORY_ICON[i.category] ?? 'question', `category category-${i.category}`),
    h('span', { class: 'incident-lines' }, h('span', { class: 'incident-text' }, firstLine(i.text)), h('span', { class: 'incident-meta' }, [i.code ?? categoryLabel(i.category), originText(i), i.count > 1 ? t('repeatCount', i.count) : '', relativeTime(i.lastSeen, now)].filter((x) => x !== '').join(' · '))),
  );
  main.addEventListener('click', () => {
    if (id) vscode.postMessage({ type: 'diagnose', id });
  });
  const actions = h('span', { class: 'actions' }, button(t('diagnose'), 'pulse', () => id && vscode.postMessage({ type: 'diagnose', id }), { iconOnly: true }), button(t('remove'), 'trash', () => id && vscode.postMessage({ type: 'remove', ids: [id] }), { iconOnly: true }));
  return h('li', { class: 'incident', 'data-id': id }, main, actions);
}

function onMessage(msg: ToIncidents): void {
  switch (msg.type) {
    case 'incidents': {
      const before = state.total;
      received = true;
      if (msg.strings !== undefined) {
        setStrings(msg.strings);
        relabelChrome();
      }
      state = { ...state, groups: msg.groups, total: msg.total };
      // Collapsed groups of targets that are gone need not be remembered.
      state.collapsed = state.collapsed.filter((k) => msg.groups.some((g) => g.targetKey === k));
      save();
      renderList();
      if (msg.total > before) announce(msg.total - before === 1 ? t('newIncidentOne') : t('newIncidentsMany', msg.total - before));
      return;
    }
    case 'notice':
      announce(msg.text);
      return;
    default:
      return assertNever(msg, 'message');
  }
}

onHostMessage<ToIncidents>(onMessage);

// Relative times ("3 min ago") age while the view is open.
window.setInterval(() => {
  if (state.groups.length > 0) renderList();
}, 30_000);

renderList();
vscode.postMessage({ type: 'ready' });
