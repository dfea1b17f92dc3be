/**
 * Turns a block of lines (triggers plus context) into an Incident: the strongest trigger
 * names the category, the others add to `also`, and the peer comes from the whole block.
 */
import type { Category, Incident } from '../types';
import type { LineMatch } from './matcher';
import { extractCodeAndSyscall, extractPeer } from './extract';
import type { Peer } from './hosts';

/** One visible line of a block; `match` is set on trigger lines. */
export interface BlockLine {
  text: string;
  line: number;
  match: LineMatch | null;
}

const MAX_TEXT = 4000;

/**
 * Rules at or below this priority are supporting evidence: generic exit codes (`curl: (56)`),
 * consequences (`the remote end hung up`), hints (`Is the server running…`) and property dumps
 * (`code: 'ECONNRESET'`). Such a line never starts a failure of its own inside a block.
 */
const SUPPORTING_PRIORITY = 35;

// A line that links to the failure above it: Java/Rust `Caused by:`, Node `[cause]:` / `cause:`,
// .NET inner exceptions ` ---> `.
const CHAIN_LINK = /^\s*(?:Caused by:|\[cause\]:|cause:|--->)/;
// Python prints the chain between two tracebacks, Rust's anyhow a bare `Caused by:` above its list:
// the failures after it belong to the same chain.
const CHAIN_MARKER = /^\s*(?:During handling of the above exception|The above exception was the direct cause of the following exception|Caused by:\s*$)/;
// Node's AggregateError (Happy Eyeballs) lists each attempt under `[errors]: [`.
const AGGREGATE_LIST = /^\s*\[errors\]: \[/;
// Stack frames and their elision: part of the failure above, not unrelated context.
const STACK_FRAME = /^\s+(?:at\s|\.\.\. \d{1,9} (?:more|common frames omitted)|File ")/;
// A tool that prefixes every line of one error report (`npm ERR! code …`, `npm error network …`).
const REPORT_PREFIX = /^(\w{2,10} (?:ERR!|error)) /;
// The message prefix of a line (`connectex:`, `fatal:`), for adjacent lines of one report.
const REPORT_LINE_PREFIX = /^\s*([a-z][\w.-]{0,39}:)\s/;
// A timestamp that opens a log record (ISO 8601, `2024/01/02 10:00`, syslog, glog, a time of day,
// `[10:00]`), with the rest of its token and one space: what follows is the record's own text.
const TIMESTAMP = /^(?:\[\d{1,2}:\d{2}|[[<(]?(?:\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}|\d{4}\/\d{2}\/\d{2} \d{2}:\d{2}|(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) [ \d]\d \d{2}:\d{2}|[IWEF]\d{4} \d{2}:\d{2}|\d{2}:\d{2}:\d{2}))[^\s\]>)]{0,40}[\]>)]? ?/;
// A shell prompt: `$ `, `user@host:~/dir$ `, zsh's `user@host dir % `, `❯ `, `➜ `, PowerShell's `PS C:\dir> `.
const PROMPT = /^(?:\([\w.-]{1,40}\) )?(?:[$❯➜]|[\w.-]{1,64}@[\w.-]{1,64}[: ][^$#%]{0,200}[$#%]|PS [A-Za-z]:\\[^>]{0,200}>) /;
// A broken pipe of this machine's own output: the reader of a shell pipeline went away (`… | head -n 1`,
// `echo x | node app.js`), Python's `<stdout>` flush at exit (`Exception ignored in: <_io.TextIOWrapper
// name='<stdout>'`, Python 2's `close failed in file object destructor`), a process's stdin/stdout stream,
// or a text about piping. No peer was involved, so it is no connection failure.
const LOCAL_PIPE = /^\s*[$#>❯➜%] .{0,300}?\| ?[\w./-]|\| ?(?:head|tail|less|more|grep|wc|sort|jq|cut|awk|sed|tee)\b|<std(?:out|in|err)>|\b(?:sys|process)\.std(?:out|in)\b|\bclose failed in file object destructor|\bthe stdin\b|\b[Pp]iping\b|^\s{2,}print\(/;
// Chromium's IPC channel (Firefox and Electron child processes) talks over a local socket pair:
// `pipe error (65): Connection reset by peer: file …/ipc_channel_posix.cc` is a crashed child, not a peer.
const LOCAL_IPC = /\bpipe error \(\d{1,5}\): |\bipc_channel(?:_posix|_win)?\.cc\b|\[MessageChannel\] Error: /;
const PIPE_WORDING = /\b[Bb]roken ?[Pp]ipe|\[Errno 32\]|\bEPIPE\b/;
// Python's traceback header: the frames under it continue the record.
const TRACEBACK = /^Traceback \(most recent call last\):/;

/** Incident key: what folds repeats together. */
export function incidentKey(category: Category, rule: string, host: string | null, port: number | null): string {
  return `${category}|${rule}|${host ?? ''}|${port ?? ''}`;
}

/** Builds the incident of a block that holds at least one trigger line. */
export function buildIncident(lines: readonly BlockLine[], now: number): Incident | null {
  const triggers = lines.filter((l) => l.match !== null);
  if (triggers.length === 0) return null;
  let primary = triggers[0];
  for (const t of triggers) if (t.match!.rule.priority > primary.match!.rule.priority) primary = t;
  const rule = primary.match!.rule;
  const also = new Set<Category>(rule.also);
  for (const t of triggers) {
    const m = t.match!;
    also.add(m.rule.category);
    for (const c of m.rule.also) also.add(c);
    for (const c of m.otherCategories) also.add(c);
  }
  also.delete(rule.category);
  const triggerTexts = [primary.text, ...triggers.filter((t) => t !== primary).map((t) => t.text)];
  const contextTexts = lines
    .filter((l) => l.match === null)
    .sort((a, b) => Math.abs(a.line - primary.line) - Math.abs(b.line - primary.line) || a.line - b.line)
    .map((l) => l.text);
  const peer = extractPeer(triggerTexts, contextTexts);
  if (peer.host === null && (isLocalPipe(primary.match!.code, triggerTexts, lines) || lines.some((l) => LOCAL_IPC.test(l.text)))) return null;
  const written = extractCodeAndSyscall([...triggerTexts, ...contextTexts]);
  const first = triggers[0].line;
  const last = reportEnd(lines, triggers[triggers.length - 1]);
  const occurrences = [{ line: first, endLine: last }];
  let text = lines.filter((l) => l.line >= first && l.line <= last).map((l) => l.text).join('\n');
  if (text.length > MAX_TEXT) text = text.slice(0, MAX_TEXT);
  return {
    key: incidentKey(rule.category, rule.id, peer.host, peer.port),
    category: rule.category,
    also: [...also],
    code: primary.match!.code ?? written.code,
    syscall: primary.match!.syscall ?? written.syscall,
    host: peer.host,
    port: peer.port,
    url: peer.url,
    ecosystem: rule.ecosystem,
    rule: rule.id,
    count: 1,
    text,
    line: first,
    endLine: last,
    occurrences,
    firstSeen: now,
    lastSeen: now,
  };
}

/** A broken pipe (EPIPE) whose block shows this machine's own pipe or standard stream, not a socket. */
function isLocalPipe(code: string | null, triggers: readonly string[], lines: readonly BlockLine[]): boolean {
  return (code === 'EPIPE' || triggers.some((t) => PIPE_WORDING.test(t))) && lines.some((l) => LOCAL_PIPE.test(l.text));
}

/** The last line of the report that ends with `trigger`: its stack frames and same-prefix lines follow it. */
function reportEnd(lines: readonly BlockLine[], trigger: BlockLine): number {
  const prefix = REPORT_PREFIX.exec(trigger.text)?.[1];
  let last = trigger.line;
  for (const l of lines) {
    if (l.line <= last) continue;
    if (l.line !== last + 1 || !(isStackFrame(l.text) || (prefix !== undefined && l.text.startsWith(`${prefix} `)))) break;
    last = l.line;
  }
  return last;
}

/** True for stack frames (`at …`, `... 30 more`, Python `File "…"`): they belong to the failure above them. */
export function isStackFrame(text: string): boolean {
  return STACK_FRAME.test(recordBody(text));
}

/** A line's text after a leading timestamp (CI and container logs stamp every line of a program's output). */
function recordBody(text: string): string {
  const m = TIMESTAMP.exec(text);
  return m === null ? text : text.slice(m[0].length);
}

/**
 * Whether a line opens a new log record: a shell prompt (the next command), or a timestamp followed
 * by text that does not continue the record above it (a frame, an indented or empty line, a chain link).
 */
export function startsRecord(text: string): boolean {
  if (PROMPT.test(text)) return true;
  const m = TIMESTAMP.exec(text);
  if (m === null) return false;
  const body = text.slice(m[0].length);
  return !(body.trim() === '' || /^\s/.test(body) || CHAIN_LINK.test(body) || CHAIN_MARKER.test(body) || TRACEBACK.test(body));
}

/** A line between two exceptions of one chain ("During handling of the above exception…"). */
export function isChainMarker(text: string): boolean {
  return CHAIN_MARKER.test(recordBody(text));
}

/**
 * Whether the block waits for the next exception of a chain: Python's "During handling of the above
 * exception" (or a bare `Caused by:`) after its last failure, so a whole traceback may come first.
 */
export function awaitsChain(lines: readonly BlockLine[]): boolean {
  for (let i = lines.length - 1; i >= 0 && lines[i].match === null; i--) if (CHAIN_MARKER.test(recordBody(lines[i].text))) return true;
  return false;
}

/**
 * Whether a trigger line starts a new failure instead of adding to the open block: another peer,
 * or a failure of another kind, unless the line is a link of the same chain (cause, inner
 * exception, Python's chained traceback, an AggregateError's attempts) or only supporting evidence.
 */
export function startsNewFailure(lines: readonly BlockLine[], text: string, match: LineMatch): boolean {
  const triggers = lines.filter((l) => l.match !== null);
  if (triggers.length === 0) return false;
  // A new record (timestamp, prompt) is a new failure, except the next exception of a chain in a stamped log.
  if (startsRecord(text) && !awaitsChain(lines)) return true;
  if (continuesChain(lines, text)) return false;
  if (namesAnotherPeer(triggers, text)) return true;
  if (match.rule.priority <= SUPPORTING_PRIORITY || continuesReport(lines, text)) return false;
  if (triggers.every((t) => t.match!.rule.priority <= SUPPORTING_PRIORITY)) return false;
  // Same kind: the line shows a category the block already shows (a reset read and a reset write).
  const kinds = new Set<Category>();
  for (const t of triggers) for (const c of categoriesOf(t.match!)) kinds.add(c);
  return !categoriesOf(match).some((c) => kinds.has(c));
}

function categoriesOf(match: LineMatch): Category[] {
  return [match.rule.category, ...match.rule.also, ...match.otherCategories];
}

function continuesChain(lines: readonly BlockLine[], text: string): boolean {
  if (CHAIN_LINK.test(recordBody(text))) return true;
  // Once a chain marker follows a failure, every failure after it is part of that chain.
  const firstTrigger = lines.findIndex((l) => l.match !== null);
  for (let i = firstTrigger + 1; i < lines.length; i++) if (lines[i].match === null && CHAIN_MARKER.test(recordBody(lines[i].text))) return true;
  if (/^\s/.test(text)) {
    for (let i = lines.length - 1; i >= 0; i--) {
      if (AGGREGATE_LIST.test(lines[i].text)) return true;
      if (!/^\s/.test(lines[i].text)) break;
    }
  }
  return false;
}

/**
 * Adjacent lines of one report with the same prefix and no peer, like Go's `connectex:` lines for
 * each address it tried (refused on one, timed out on the other), describe one failure.
 */
function continuesReport(lines: readonly BlockLine[], text: string): boolean {
  const last = lines[lines.length - 1];
  if (last.match === null) return false;
  const prefix = REPORT_LINE_PREFIX.exec(text)?.[1];
  if (prefix === undefined || !last.text.trimStart().startsWith(`${prefix} `)) return false;
  return linePeer(text).host === null && linePeer(last.text).host === null;
}

/** A trigger that names a host other than the one the block's triggers name. */
function namesAnotherPeer(triggers: readonly BlockLine[], text: string): boolean {
  const own = linePeer(text);
  if (own.host === null) return false;
  for (const l of triggers) {
    const other = linePeer(l.text);
    if (other.host !== null) return other.host !== own.host || (own.port !== null && other.port !== null && own.port !== other.port);
  }
  return false;
}

// A block asks about the same lines again and again (each new trigger against the block's, then
// the trigger itself): remember the last few answers. extractPeer is pure; callers only read.
const LINE_PEERS = new Map<string, Peer>();
const LINE_PEERS_MAX = 64;

/** The peer one line names on its own: extractPeer([text], []), remembered for the last few lines. */
export function linePeer(text: string): Peer {
  let peer = LINE_PEERS.get(text);
  if (peer === undefined) {
    peer = extractPeer([text], []);
    if (LINE_PEERS.size >= LINE_PEERS_MAX) LINE_PEERS.clear();
    LINE_PEERS.set(text, peer);
  }
  return peer;
}

/** Every regular expression of this module, for the static ReDoS check. */
export function blockRegExps(): RegExp[] {
  return [LOCAL_PIPE, PIPE_WORDING, LOCAL_IPC, CHAIN_LINK, CHAIN_MARKER, AGGREGATE_LIST, STACK_FRAME, REPORT_PREFIX, REPORT_LINE_PREFIX, TIMESTAMP, PROMPT, TRACEBACK];
}
