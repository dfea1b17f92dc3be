/**
 * The diagnosis panel's page. It renders the host's PanelModel: the incident,
 * live probe progress, the verdict and the ranked causes. Data only ever enters
 * the DOM as text (see dom.ts). State is kept with setState so the page can be
 * discarded while hidden and restored after a window reload.
 */
import type { Evidence, Fix, ProbeId, RankedCause } from '../core/types';
import type { PanelModel, ProbeRowView, ToPanel } from '../shared/protocol';
import { applyToPanel } from '../shared/panelModel';
import { assertNever } from '../shared/protocol';
import type { StringKey } from '../shared/strings';
import type { Child } from './dom';
import { targetShown } from '../core/target/address';
import { CATEGORY_ICON, append, button, categoryLabel, clear, duration, h, icon, originLabel, probeLabel, relativeTime } from './dom';
import { currentStrings, setStrings, t, tNodes } from './l10n';
import { onHostMessage, vscodeApi } from './vscodeApi';

interface PanelState {
  model: PanelModel;
  /** Ids of causes the user opened or closed. */
  open: Record<string, boolean>;
  /** Ids of probe rows whose details are shown. */
  expanded: ProbeId[];
  /** The host's translations, so a re-shown or restored page renders in the same language before `ready`. */
  strings?: Partial<Record<StringKey, string>>;
}

const vscode = vscodeApi<PanelState>();
const root = document.getElementById('root') as HTMLElement;
let state: PanelState | undefined = vscode.getState();
if (state?.strings) setStrings(state.strings);

const PROBE_ICON: Readonly<Record<ProbeRowView['state'], string>> = {
  pending: 'circle-large-outline',
  running: 'loading',
  ok: 'pass',
  fail: 'error',
  skipped: 'circle-slash',
};
const PROBE_STATE_LABEL: Readonly<Record<ProbeRowView['state'], StringKey>> = {
  pending: 'statePending',
  running: 'stateRunning',
  ok: 'stateOk',
  fail: 'stateFail',
  skipped: 'stateSkipped',
};
// What a row without a summary says in its details.
const PROBE_NO_SUMMARY: Readonly<Record<ProbeRowView['state'], StringKey>> = {
  pending: 'probeNotStarted',
  running: 'probeInProgress',
  ok: 'probeNoDetails',
  fail: 'probeNoDetails',
  skipped: 'probeNotRun',
};
const SIDE_LABEL: Readonly<Record<Fix['side'], StringKey>> = { client: 'sideClient', server: 'sideServer', network: 'sideNetwork' };
const SIDE_ICON: Readonly<Record<Fix['side'], string>> = { client: 'code', server: 'server', network: 'globe' };

// Regions that outlive a re-render, so screen readers keep their live regions.
const liveProgress = h('div', { class: 'sr-only', role: 'status', 'aria-live': 'polite', id: 'progress-live' });
const liveNotice = h('div', { class: 'toast', role: 'status', 'aria-live': 'polite', id: 'notice' });
const view = h('div', { class: 'panel' });
append(root, view, liveProgress, liveNotice);

function save(): void {
  if (state) vscode.setState({ ...state, strings: currentStrings() });
}

function announce(region: HTMLElement, text: string): void {
  // Clearing first makes the same text be announced again.
  region.textContent = '';
  window.setTimeout(() => {
    region.textContent = text;
  }, 50);
}

let noticeTimer: number | undefined;
function notice(text: string): void {
  announce(liveNotice, text);
  liveNotice.classList.add('visible');
  window.clearTimeout(noticeTimer);
  noticeTimer = window.setTimeout(() => liveNotice.classList.remove('visible'), 3000);
}

// ------------------------------------------------------------------ rendering

function render(): void {
  const s = state;
  const hadFocus = document.activeElement instanceof HTMLElement ? document.activeElement.dataset.focusKey : undefined;
  clear(view);
  if (!s) {
    append(view, h('p', { class: 'empty' }, t('waiting')));
    return;
  }
  const m = s.model;
  append(view, renderHeader(m), renderToolbar(m), renderProgress(m), renderVerdict(m));
  if (hadFocus) {
    const again = view.querySelector<HTMLElement>(`[data-focus-key="${CSS.escape(hadFocus)}"]`);
    if (again && !again.hasAttribute('disabled')) again.focus();
  }
}

function renderHeader(m: PanelModel): HTMLElement {
  const inc = m.incident;
  const target = targetShown(m.target);
  const title = h(
    'h1',
    { class: 'title' },
    icon(inc ? CATEGORY_ICON[inc.category] : 'pulse'),
    ...(inc ? tNodes('titleIncident', categoryLabel(inc.category), h('span', { class: 'target' }, target)) : tNodes('titleDiagnosis', h('span', { class: 'target' }, target))),
  );
  const meta = h('dl', { class: 'meta' });
  const row = (label: string, ...value: Child[]): void => append(meta, h('div', { class: 'meta-row' }, h('dt', {}, label), h('dd', {}, ...value)));
  row(t('metaTarget'), h('code', {}, m.target.url ?? `${m.target.scheme ? `${m.target.scheme}://` : ''}${target}`));
  if (inc) {
    if (inc.code) row(t('metaError'), h('code', {}, inc.code));
    if (inc.origin) {
      const o = inc.origin;
      const where = originLabel(o);
      row(t('metaSeenIn'), where, o.commandLine ? ' ' : null, o.commandLine ? h('code', { class: 'command-line' }, o.commandLine) : null, o.exitCode !== undefined ? ` ${t('exitCode', o.exitCode)}` : '');
    }
    if (inc.ecosystem) row(t('metaProgram'), inc.ecosystem);
    const now = Date.now();
    // Incidents typed or pasted by hand carry no time of their own.
    if (inc.lastSeen > 0) row(t('metaWhen'), h('time', { datetime: new Date(inc.lastSeen).toISOString(), title: new Date(inc.lastSeen).toLocaleString() }, relativeTime(inc.lastSeen, now)), inc.count > 1 ? ` ${t('firstSeen', relativeTime(inc.firstSeen, now))}` : '');
    row(t('metaHowOften'), inc.count === 1 ? t('once') : t('times', inc.count));
  }
  row(t('metaRan'), ...whereText(m));
  const header = h('header', { class: 'header' }, title, meta);
  if (inc) {
    append(
      header,
      h('details', { class: 'incident-text', open: true }, h('summary', {}, t('errorOutput')), h('pre', { class: 'output', tabindex: 0, 'aria-label': t('errorOutput') }, inc.text)),
    );
  }
  return header;
}

// Product names (WSL, Codespaces) are not translated.
const REMOTE_LABEL: Readonly<Record<string, StringKey | { name: string }>> = {
  wsl: { name: 'WSL' },
  'ssh-remote': 'remoteSsh',
  'dev-container': 'remoteDevContainer',
  'attached-container': 'remoteContainer',
  codespaces: { name: 'Codespaces' },
  tunnel: 'remoteTunnel',
};

function remoteLabel(remoteName: string): string {
  const label = Object.prototype.hasOwnProperty.call(REMOTE_LABEL, remoteName) ? REMOTE_LABEL[remoteName] : undefined;
  if (label === undefined) return t('remoteNamed', remoteName);
  return typeof label === 'string' ? t(label) : label.name;
}

function whereText(m: PanelModel): Child[] {
  const w = m.where;
  const out: Child[] = [];
  if (w.remoteName) {
    const remote = remoteLabel(w.remoteName);
    out.push(icon('remote'), ' ', w.machine ? t('ranRemoteOnMachine', remote, w.machine) : t('ranRemote', remote));
  } else out.push(icon('vm'), ' ', w.machine ? t('ranLocalOnMachine', w.machine) : t('ranLocal'));
  out.push(h('br'), ...tNodes('networkView', w.programProxy ? h('span', {}, ...tNodes('throughProxy', h('code', {}, w.programProxy))) : t('directNoProxy')));
  if (w.vscodeProxy !== w.programProxy && w.vscodeProxy !== null) {
    out.push(h('br'), h('span', { class: 'differs' }, icon('warning'), ' ', ...tNodes('vscodeProxyDiffers', h('code', {}, w.vscodeProxy))));
  }
  return out;
}

function renderToolbar(m: PanelModel): HTMLElement {
  const running = m.phase === 'running';
  const done = m.phase === 'done';
  const cancel = button(t('cancel'), 'debug-stop', () => vscode.postMessage({ type: 'cancel' }));
  const rerun = button(t('rerun'), 'refresh', () => vscode.postMessage({ type: 'rerun' }));
  const copy = button(t('copyReport'), 'copy', () => vscode.postMessage({ type: 'copyReport' }));
  const md = button(t('openMarkdown'), 'markdown', () => vscode.postMessage({ type: 'openMarkdown' }));
  cancel.disabled = !running;
  rerun.disabled = running;
  copy.disabled = !done;
  md.disabled = !done;
  cancel.dataset.focusKey = 'cancel';
  rerun.dataset.focusKey = 'rerun';
  copy.dataset.focusKey = 'copy';
  md.dataset.focusKey = 'md';
  return h('div', { class: 'toolbar', role: 'toolbar', 'aria-label': t('diagnosisActions') }, cancel, rerun, copy, md);
}

function renderProgress(m: PanelModel): HTMLElement {
  const list = h('ol', { class: 'probes', id: 'probes', 'aria-busy': m.phase === 'running' ? 'true' : 'false' });
  for (const p of m.probes) list.appendChild(renderProbe(p));
  const finished = m.probes.filter((p) => p.state !== 'pending' && p.state !== 'running').length;
  return h(
    'section',
    { class: 'progress', 'aria-labelledby': 'probes-h' },
    h('h2', { id: 'probes-h' }, ...tNodes('probesHeading', h('span', { class: 'count', id: 'probes-count' }, `${finished}/${m.probes.length}`))),
    list,
  );
}

function renderProbe(p: ProbeRowView): HTMLLIElement {
  const expanded = state?.expanded.includes(p.id) ?? false;
  const detailsId = `probe-${p.id}-details`;
  const toggle = h(
    'button',
    { type: 'button', class: 'probe-row', 'aria-expanded': expanded ? 'true' : 'false', 'aria-controls': detailsId, 'data-focus-key': `probe-${p.id}` },
    icon(PROBE_ICON[p.state], p.state === 'running' ? 'codicon-modifier-spin' : ''),
    h('span', { class: 'probe-name' }, probeLabel(p.id)),
    h('span', { class: 'probe-state' }, t(PROBE_STATE_LABEL[p.state])),
    h('span', { class: 'probe-ms' }, p.ms === null ? '' : duration(p.ms)),
  );
  toggle.addEventListener('click', () => {
    if (!state) return;
    const set = new Set(state.expanded);
    if (set.has(p.id)) set.delete(p.id);
    else set.add(p.id);
    state.expanded = [...set];
    save();
    const li = toggle.closest('li');
    if (li) li.replaceWith(renderProbe(p));
    document.querySelector<HTMLElement>(`[data-focus-key="probe-${p.id}"]`)?.focus();
  });
  const details = h('div', { class: 'probe-summary', id: detailsId, hidden: !expanded }, p.summary || t(PROBE_NO_SUMMARY[p.state]));
  return h('li', { class: `probe state-${p.state}`, 'data-probe': p.id }, toggle, details);
}

function renderVerdict(m: PanelModel): HTMLElement {
  const section = h('section', { class: 'verdict', 'aria-labelledby': 'verdict-h' }, h('h2', { id: 'verdict-h' }, t('verdict')));
  switch (m.phase) {
    case 'running':
      append(section, h('p', { class: 'muted' }, icon('loading', 'codicon-modifier-spin'), ' ', t('probing')));
      return section;
    case 'cancelled':
      append(section, h('p', { class: 'muted' }, icon('debug-stop'), ' ', t('cancelledNote')));
      return section;
    case 'failed':
      append(section, h('p', { class: 'error' }, icon('error'), ' ', t('failedNote', m.error ?? t('unknownError'))));
      return section;
    case 'restored':
      append(section, h('p', { class: 'muted restored' }, icon('history'), ' ', t('restoredNote')));
      break;
    case 'done':
      break;
    default:
      return assertNever(m.phase, 'phase');
  }
  if (m.verdict) append(section, h('p', { class: 'verdict-text', id: 'verdict-text' }, m.verdict));
  if (m.causes.length === 0) {
    append(section, h('p', { class: 'muted' }, t('noCause')));
    return section;
  }
  const list = h('ol', { class: 'causes', 'aria-label': t('causesLabel') });
  m.causes.forEach((c, i) => list.appendChild(renderCause(m, c, i)));
  append(section, list);
  return section;
}

function renderCause(m: PanelModel, c: RankedCause, index: number): HTMLLIElement {
  const pct = Math.round(Math.max(0, Math.min(1, c.confidence)) * 100);
  const open = state?.open[c.id] ?? index === 0;
  const details = h('details', { class: 'cause', open, 'data-cause': c.id });
  details.addEventListener('toggle', () => {
    if (!state) return;
    state.open[c.id] = details.open;
    save();
  });
  const summary = h(
    'summary',
    { 'data-focus-key': `cause-${c.id}` },
    icon('chevron-right', 'chevron'),
    h('span', { class: 'cause-title' }, c.title),
    h(
      'span',
      { class: 'confidence', role: 'meter', 'aria-valuemin': 0, 'aria-valuemax': 100, 'aria-valuenow': pct, 'aria-valuetext': t('confidenceValue', pct), 'aria-label': t('confidence') },
      h('span', { class: 'bar' }, h('span', { class: `fill ${pct >= 70 ? 'high' : pct >= 35 ? 'mid' : 'low'}` })),
      h('span', { class: 'pct' }, t('percent', pct)),
    ),
  );
  append(details, summary, h('p', { class: 'explanation' }, c.explanation));
  const body = h('div', { class: 'cause-body' });
  append(body, renderEvidence(c.evidence), renderFixes(m, c), renderVerify(m, c), renderReferences(c.references));
  append(details, body);
  // The CSP forbids inline styles set from markup; CSSOM properties are allowed and carry no markup.
  const fill = summary.querySelector<HTMLElement>('.fill');
  if (fill) fill.style.width = `${pct}%`;
  return h('li', {}, details);
}

function renderEvidence(evidence: Evidence[]): HTMLElement | null {
  if (evidence.length === 0) return null;
  const pro = evidence.filter((e) => e.supports);
  const con = evidence.filter((e) => !e.supports);
  const list = (items: Evidence[], label: StringKey, iconName: string, cls: string): HTMLElement | null =>
    items.length === 0
      ? null
      : h(
          'div',
          { class: `evidence ${cls}` },
          h('h4', {}, icon(iconName), ` ${t(label)}`),
          h('ul', {}, ...items.map((e) => h('li', {}, h('span', { class: 'source' }, e.probe === 'incident' ? t('evidenceErrorText') : probeLabel(e.probe)), ' ', e.text))),
        );
  return h('div', { class: 'evidence-group' }, h('h3', {}, t('evidence')), list(pro, 'evidenceFor', 'check', 'for'), list(con, 'evidenceAgainst', 'close', 'against'));
}

function renderFixes(m: PanelModel, c: RankedCause): HTMLElement | null {
  if (c.fixes.length === 0) return null;
  const wrap = h('div', { class: 'fixes' }, h('h3', {}, t('fixes')));
  for (const side of ['client', 'server', 'network'] as const) {
    // Code for the incident's ecosystem first; other ecosystems after it.
    const fixes = c.fixes
      .filter((f) => f.side === side)
      .sort((a, b) => Number(b.code?.ecosystem === m.ecosystem) - Number(a.code?.ecosystem === m.ecosystem));
    if (fixes.length === 0) continue;
    const ul = h('ul', {});
    for (const f of fixes) {
      const li = h('li', {}, h('p', {}, f.text));
      if (f.code) {
        const src = f.code.source;
        append(
          li,
          h(
            'div',
            { class: 'code-block' },
            h('div', { class: 'code-head' }, h('span', { class: 'lang' }, `${f.code.ecosystem} · ${f.code.language}`), button(t('copyCode'), 'copy', () => vscode.postMessage({ type: 'copyText', text: src }), { iconOnly: true })),
            h('pre', { tabindex: 0 }, h('code', {}, src)),
          ),
        );
      }
      append(ul, li);
    }
    append(wrap, h('div', { class: `side side-${side}` }, h('h4', {}, icon(SIDE_ICON[side]), ` ${t(SIDE_LABEL[side])}`), ul));
  }
  return wrap;
}

function renderVerify(m: PanelModel, c: RankedCause): HTMLElement | null {
  if (c.verify.length === 0) return null;
  const ul = h('ul', { class: 'verify' });
  c.verify.forEach((command, i) => {
    // Only the position crosses back: the host renders and runs its own copy of the command.
    const copy = button(t('copy'), 'copy', () => vscode.postMessage({ type: 'copyCommand', causeId: c.id, index: i }), { title: t('copyCommand') });
    const run = button(t('runInTerminal'), 'terminal', () => vscode.postMessage({ type: 'runInTerminal', causeId: c.id, index: i }), { title: t('runInTerminalTitle') });
    run.disabled = m.phase !== 'done' || command.text === null;
    copy.disabled = command.text === null;
    copy.dataset.focusKey = `copy-${c.id}-${i}`;
    run.dataset.focusKey = `run-${c.id}-${i}`;
    const shown = command.text ?? `${t('withheld')}: ${command.withheld ?? ''}`;
    append(ul, h('li', {}, h('code', { class: 'command' }, shown), h('span', { class: 'actions' }, copy, run)));
  });
  return h('div', { class: 'verify-group' }, h('h3', {}, t('checkYourself')), ul);
}

function renderReferences(refs: string[]): HTMLElement | null {
  const safe = refs.filter((r) => /^https:\/\/[^\s]+$/.test(r));
  if (safe.length === 0) return null;
  return h('div', { class: 'references' }, h('h3', {}, t('references')), h('ul', {}, ...safe.map((r) => h('li', {}, h('a', { href: r }, r)))));
}

// ------------------------------------------------------------------ progress updates in place

function updateProbe(run: number, probe: ProbeRowView): void {
  if (!state || state.model.run !== run) return;
  const m = state.model;
  applyToPanel(m, { type: 'probe', run, probe });
  save();
  const old = view.querySelector(`li[data-probe="${CSS.escape(probe.id)}"]`);
  const focused = old?.contains(document.activeElement) ?? false;
  const fresh = renderProbe(probe);
  if (old) old.replaceWith(fresh);
  if (focused) fresh.querySelector<HTMLElement>('button')?.focus();
  const count = document.getElementById('probes-count');
  if (count) count.textContent = `${m.probes.filter((p) => p.state !== 'pending' && p.state !== 'running').length}/${m.probes.length}`;
  if (probe.state !== 'running' && probe.state !== 'pending') {
    const name = probeLabel(probe.id);
    const stateWord = t(PROBE_STATE_LABEL[probe.state]);
    announce(liveProgress, probe.ms === null ? t('announceProbe', name, stateWord) : t('announceProbeMs', name, stateWord, duration(probe.ms)));
  }
}

// ------------------------------------------------------------------ messages

/** What the live region says when a run ends without a verdict. */
const ENDED_ANNOUNCEMENT = { cancelled: 'announceCancelled', failed: 'announceFailed' } as const;

function onMessage(msg: ToPanel): void {
  switch (msg.type) {
    case 'start':
      if (msg.strings !== undefined) setStrings(msg.strings);
      state = { model: msg.model, open: state?.model.run === msg.model.run ? state.open : {}, expanded: state?.expanded ?? [] };
      save();
      render();
      if (msg.model.phase === 'running') announce(liveProgress, t('announceDiagnosing', targetShown(msg.model.target)));
      return;
    case 'probe':
      updateProbe(msg.run, msg.probe);
      return;
    case 'result':
    case 'cancelled':
    case 'failed':
      if (!state || state.model.run !== msg.run) return;
      applyToPanel(state.model, msg);
      save();
      render();
      announce(liveProgress, msg.type === 'result' ? t('announceVerdict', msg.verdict) : t(ENDED_ANNOUNCEMENT[msg.type]));
      return;
    case 'notice':
      notice(msg.text);
      return;
    default:
      return assertNever(msg, 'message');
  }
}

onHostMessage<ToPanel>(onMessage);

// A restored or re-shown page renders what it kept, then asks the host for the current state.
render();
vscode.postMessage({ type: 'ready' });
