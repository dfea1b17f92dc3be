/**
 * The streaming detector: bytes or text in any chunking -> folded incidents.
 *
 * Work is proportional to the candidate lines, not to the output: complete lines are
 * scanned in place as raw bytes by the keyword prefilter (byteFilter.ts); only lines that
 * contain a rule keyword (and the few lines around a failure) are decoded, stripped of
 * escapes and matched. Line feeds are counted lazily. Splitting on the LF byte is safe for
 * UTF-8 (0x0A never occurs inside a multi-byte sequence), so a character split across
 * chunks stays in the carried line. A keyword interrupted by escape sequences in the raw
 * bytes (`Connection \x1b[1mrefused`, `ECONN\x1b[0mREFUSED`, an OSC 633 marker mid-word) is
 * found too: the lines the raw scan passes over that hold an ESC are walked from ESC to ESC
 * (ByteFilter.escapeSplit: native ESC search, the escape bytes, a few bytes around each run),
 * and only when the bytes around a run form a piece of a keyword is the line stripped
 * (visibleBytes) and scanned again. Lines without an ESC keep the raw fast path untouched. C1
 * control bytes (0x9b CSI) are not escapes here, as visibleText does not treat them as such.
 */
import type { Incident } from '../types';
import { MAX_OCCURRENCES } from '../types';
import type { BlockLine } from './incidentBuilder';
import { awaitsChain, buildIncident, isChainMarker, isStackFrame, linePeer, startsNewFailure, startsRecord } from './incidentBuilder';
import type { LineMatch, RuleMatcher } from './matcher';
import { bundledMatcher } from './matcher';
import { visibleBytes, visibleText } from './visibleText';

/** Options of a StreamDetector. */
export interface StreamDetectorOptions {
  /** Clock for firstSeen/lastSeen (epoch ms). */
  now?: () => number;
  /** Longest visible line kept; longer lines are cut (and a line with no end is not buffered past this). */
  maxLineLength?: number;
  /** Lines of context read before and after a failure line. */
  contextLines?: number;
  /** Repeats within this many ms of the last one fold into the same incident. */
  foldWindowMs?: number;
  /** Incidents remembered for folding; the least recently seen are forgotten (closed) first. */
  maxIncidents?: number;
  /** A repeat more than this many lines after an incident's last occurrence starts a new incident. */
  foldLines?: number;
  /**
   * Called once per incident when it closes: forgotten for room (maxIncidents), past foldLines, or
   * at end(), where the rest close in order of first line. A closed incident is no longer in snapshot().
   */
  onClose?: (incident: Incident) => void;
  /** Rules to use instead of the bundled ones (tests). */
  matcher?: RuleMatcher;
  /**
   * Whether write, end and flush return what changed (default true). A consumer that only reads
   * onClose (scan) turns it off, so that no copy is made of every incident each chunk touches.
   */
  reportChanges?: boolean;
}

const LF = 10;
const ESC = 0x1b;
/** Longest block: room for a chained traceback (Python prints every traceback of the chain whole). */
const MAX_BLOCK_LINES = 400;
/** Lines a block waits, after a chain marker, for the next exception of the chain (its traceback comes first). */
const CHAIN_FOLLOW = 200;
const EMPTY = new Uint8Array(0);
/** Where an overlong line was cut. */
const CUT = ' … ';

interface OpenBlock {
  lines: BlockLine[];
  follow: number;
  /** When the first trigger was seen (the block closes later, when its context is read). */
  openedAt: number;
}

/** Bytes with a native line-feed search (Buffer when available: several times faster than Uint8Array#indexOf). */
function asSearchable(bytes: Uint8Array): Uint8Array {
  const B = (globalThis as { Buffer?: { from(a: ArrayBufferLike, o: number, l: number): Uint8Array } }).Buffer;
  return B ? B.from(bytes.buffer, bytes.byteOffset, bytes.byteLength) : bytes;
}

/** A copy of bytes[from, to): Buffer#slice would share memory with a chunk the caller may reuse. */
function copyOf(bytes: Uint8Array, from: number, to: number): Uint8Array {
  // A plain Uint8Array view as the source: slice and subarray of a Buffer go through its species.
  const out = new Uint8Array(to - from);
  out.set(new Uint8Array(bytes.buffer, bytes.byteOffset + from, to - from));
  return out;
}

/** Finds connection failures in an output stream, folding repeats. */
export class StreamDetector {
  private readonly matcher: RuleMatcher;
  private readonly now: () => number;
  private readonly maxLineLength: number;
  private readonly contextLines: number;
  private readonly foldWindowMs: number;
  private readonly maxIncidents: number;
  private readonly foldLines: number;
  private readonly onClose: ((incident: Incident) => void) | undefined;
  private readonly reportChanges: boolean;
  /** Last line of each remembered incident's latest occurrence (same keys and order as `incidents`). */
  private readonly lastLines = new Map<string, number>();
  private readonly decoder = new TextDecoder('utf-8');
  private readonly encoder = new TextEncoder();

  private carry: Uint8Array = EMPTY;
  /** Line number of the line that starts at `countPos` in the current region. */
  private lineNo = 1;
  private countPos = 0;
  private block: OpenBlock | null = null;
  /** Last line number that belongs to a closed block: context never reaches back past it. */
  private lastBlockEnd = 0;
  /** Raw last lines of the previous region, for context that crosses a chunk boundary. */
  private tail: { bytes: Uint8Array; line: number }[] = [];
  private readonly incidents = new Map<string, Incident>();
  private changed = new Map<string, Incident>();
  /** Room for one stripped line (escapeHit). */
  private scratch = new Uint8Array(256);

  constructor(options: StreamDetectorOptions = {}) {
    this.matcher = options.matcher ?? bundledMatcher();
    this.now = options.now ?? Date.now;
    this.maxLineLength = options.maxLineLength ?? 16384;
    this.contextLines = options.contextLines ?? 6;
    this.foldWindowMs = options.foldWindowMs ?? 10 * 60_000;
    this.maxIncidents = options.maxIncidents ?? 1000;
    this.foldLines = options.foldLines ?? Infinity;
    this.onClose = options.onClose;
    this.reportChanges = options.reportChanges ?? true;
  }

  /** Feeds a chunk; returns the incidents that are new or whose count changed. */
  write(chunk: string | Uint8Array): Incident[] {
    const bytes = typeof chunk === 'string' ? this.encoder.encode(chunk) : chunk;
    if (bytes.length > 0) this.consume(bytes);
    return this.takeChanged();
  }

  /** Ends the stream: the last line without a line feed counts, open blocks close. */
  end(): Incident[] {
    if (this.carry.length > 0) {
      const last = new Uint8Array(this.carry.length + 1);
      last.set(this.carry);
      last[this.carry.length] = LF;
      this.carry = EMPTY;
      this.processRegion(asSearchable(last), last.length);
    }
    this.closeBlock();
    const changed = this.takeChanged();
    if (this.onClose !== undefined) this.closeAll();
    return changed;
  }

  /** Closes the pending block and every remembered incident (onClose, in order of first line); the stream goes on. */
  closeAll(): void {
    this.closeBlock();
    const rest = [...this.incidents.values()].sort((a, b) => a.line - b.line);
    this.incidents.clear();
    this.lastLines.clear();
    if (this.onClose !== undefined) for (const incident of rest) this.onClose(copyIncident(incident));
  }

  /** Closes a pending block now (a host calls this when output goes quiet) and returns what changed. */
  flush(): Incident[] {
    this.closeBlock();
    return this.takeChanged();
  }

  /** Every incident remembered, in order of first line. */
  snapshot(): Incident[] {
    return [...this.incidents.values()].sort((a, b) => a.line - b.line).map(copyIncident);
  }

  private takeChanged(): Incident[] {
    const out = [...this.changed.values()].map(copyIncident);
    this.changed = new Map();
    return out;
  }

  private consume(chunk: Uint8Array): void {
    let data = asSearchable(chunk);
    if (this.carry.length > 0) {
      // Only the carried line is joined with the start of the chunk; the rest is scanned in place.
      const lf = data.indexOf(LF);
      const head = lf === -1 ? data.length : lf + 1;
      const joined = asSearchable(new Uint8Array(this.carry.length + head));
      joined.set(this.carry);
      joined.set(data.subarray(0, head), this.carry.length);
      if (lf === -1) {
        this.carry = this.boundedCarry(joined);
        return;
      }
      this.carry = EMPTY;
      this.processRegion(joined, joined.length);
      data = data.subarray(head);
    }
    const end = data.lastIndexOf(LF) + 1;
    if (end > 0) this.processRegion(data, end);
    this.carry = end === data.length ? EMPTY : this.boundedCarry(data.subarray(end));
  }

  /** A copy of an unfinished line (the caller may reuse its buffer); an endless line keeps its start and its end. */
  private boundedCarry(rest: Uint8Array): Uint8Array {
    return this.boundedLine(rest, 0, rest.length);
  }

  /**
   * A copy of data[from, to) that decodeLine reads as it reads the original: longer than 2 caps,
   * it keeps the first and the last cap bytes around one 0xFF byte (never in UTF-8, so never in a
   * keyword), and stays longer than 2 caps, so that decodeLine cuts it at the same places.
   */
  private boundedLine(data: Uint8Array, from: number, to: number): Uint8Array {
    const cap = this.maxLineLength * 4;
    if (to - from <= 2 * cap + 1) return copyOf(data, from, to);
    const out = new Uint8Array(2 * cap + 1);
    out.set(data.subarray(from, from + cap));
    out[cap] = 0xff;
    out.set(data.subarray(to - cap, to), cap + 1);
    return out;
  }

  /** Handles the complete lines in data[0, end) (end is just past a line feed). */
  private processRegion(data: Uint8Array, end: number): void {
    const filter = this.matcher.byteFilter;
    this.countPos = 0;
    // The next ESC at or after `pos` (data.length when none): found once per stretch, not per line.
    let esc = -1;
    let pos = this.followLines(data, 0, end);
    while (pos < end) {
      const hit = filter.find(data, pos, end);
      let start = hit === -1 ? end : hit === 0 ? 0 : Math.max(pos, data.lastIndexOf(LF, hit - 1) + 1);
      // The lines the raw scan passed over may hold a keyword split by escape sequences.
      if (esc < pos) esc = nextEsc(data, pos);
      while (esc < start) {
        const escEnd = data.indexOf(LF, esc);
        const next = filter.escapeSplit(data, esc, escEnd);
        if (next === -1 && this.escapeHit(data, pos, esc, escEnd)) {
          start = esc === 0 ? 0 : Math.max(pos, data.lastIndexOf(LF, esc - 1) + 1);
          break;
        }
        esc = next === -1 ? nextEsc(data, escEnd + 1) : next;
      }
      if (start >= end) break;
      const lineEnd = data.indexOf(LF, start);
      this.countTo(data, start);
      const text = this.decodeLine(data, start, lineEnd);
      const match = this.matcher.matchLine(text);
      if (match !== null) {
        this.openBlock(data, start, text, match);
        this.countPos = lineEnd + 1;
        this.lineNo++;
        pos = this.followLines(data, lineEnd + 1, end);
      } else {
        pos = lineEnd + 1;
      }
    }
    this.countTo(data, end);
    this.saveTail(data, end);
    this.expire(this.lineNo);
  }

  /** Whether the line holding data[esc] (its first ESC), stripped of escapes, contains a keyword. */
  private escapeHit(data: Uint8Array, pos: number, esc: number, lineEnd: number): boolean {
    const start = lineStart(data, esc, pos);
    // The same bytes decodeLine reads: an overlong line, its start and its end.
    const cap = this.maxLineLength * 4;
    if (lineEnd - start > 2 * cap) return this.visibleHit(data, start, start + cap) || this.visibleHit(data, lineEnd - cap, lineEnd);
    return this.visibleHit(data, start, lineEnd);
  }

  private visibleHit(data: Uint8Array, from: number, to: number): boolean {
    if (this.scratch.length < to - from) this.scratch = new Uint8Array(Math.max(to - from, 2 * this.scratch.length));
    const n = visibleBytes(data, from, to, this.scratch);
    return this.matcher.byteFilter.find(this.scratch, 0, n) !== -1;
  }

  /** While a block wants more lines, reads them one by one from `pos`; returns where scanning resumes. */
  private followLines(data: Uint8Array, pos: number, end: number): number {
    while (this.block !== null && pos < end) {
      this.countTo(data, pos);
      const lineEnd = data.indexOf(LF, pos);
      const text = this.decodeLine(data, pos, lineEnd);
      this.addToBlock(text, this.lineNo, this.matcher.matchLine(text));
      this.countPos = lineEnd + 1;
      this.lineNo++;
      pos = lineEnd + 1;
    }
    return pos;
  }

  private countTo(data: Uint8Array, to: number): void {
    let i = this.countPos;
    let n = 0;
    while ((i = data.indexOf(LF, i)) !== -1 && i < to) {
      n++;
      i++;
    }
    this.lineNo += n;
    this.countPos = to;
  }

  /**
   * The visible text of the raw line data[start, end). An overlong line keeps its start and its end
   * (a terminal wraps it, so its start stays on screen; progress output ends with the failure).
   */
  private decodeLine(data: Uint8Array, start: number, end: number): string {
    const cap = this.maxLineLength * 4;
    const half = Math.max(1, (this.maxLineLength - CUT.length) >> 1);
    if (end - start > 2 * cap) {
      const head = visibleText(this.decoder.decode(data.subarray(start, start + cap)), Infinity);
      const tail = visibleText(this.decoder.decode(data.subarray(end - cap, end)), Infinity);
      return `${head.slice(0, half)}${CUT}${tail.slice(-half)}`;
    }
    const text = visibleText(this.decoder.decode(data.subarray(start, end)), Infinity);
    return text.length > this.maxLineLength ? `${text.slice(0, half)}${CUT}${text.slice(-half)}` : text;
  }

  private openBlock(data: Uint8Array, start: number, text: string, match: LineMatch): void {
    const line = this.lineNo;
    if (this.block !== null) {
      this.addToBlock(text, line, match);
      return;
    }
    this.block = { lines: [...this.previousLines(data, start, line), { text, line, match }], follow: this.contextLines, openedAt: this.now() };
    if (this.block.follow === 0) this.closeBlock();
  }

  /** Up to contextLines lines before the line at `start` (numbered `line`), not reaching into the last block. */
  private previousLines(data: Uint8Array, start: number, line: number): BlockLine[] {
    const wanted = Math.min(this.contextLines, line - 1 - this.lastBlockEnd);
    const out: BlockLine[] = [];
    let end = start - 1; // the line feed before this line
    let n = line - 1;
    while (out.length < wanted && end >= 0) {
      const begin = end === 0 ? 0 : data.lastIndexOf(LF, end - 1) + 1;
      out.push({ text: this.decodeLine(data, begin, end), line: n, match: null });
      n--;
      end = begin - 1;
    }
    for (let t = this.tail.length - 1; out.length < wanted && t >= 0; t--) {
      const saved = this.tail[t];
      if (saved.line !== n) break;
      out.push({ text: this.decodeLine(saved.bytes, 0, saved.bytes.length), line: n, match: null });
      n--;
    }
    return out.reverse();
  }

  private saveTail(data: Uint8Array, end: number): void {
    const lines: { bytes: Uint8Array; line: number }[] = [];
    let stop = end - 1;
    let n = this.lineNo - 1;
    while (lines.length < this.contextLines && stop >= 0) {
      const begin = stop === 0 ? 0 : data.lastIndexOf(LF, stop - 1) + 1;
      lines.push({ bytes: this.boundedLine(data, begin, stop), line: n });
      n--;
      stop = begin - 1;
    }
    lines.reverse();
    // Short regions (one line per chunk) keep older lines from the regions before.
    const keep = this.tail.filter((t) => t.line < (lines[0]?.line ?? Infinity));
    this.tail = [...keep, ...lines].slice(-this.contextLines);
  }

  private addToBlock(text: string, line: number, match: LineMatch | null): void {
    const block = this.block;
    if (block === null) return;
    if (match !== null && (this.isRepeat(block, text, match) || startsNewFailure(block.lines, text, match))) {
      this.closeBlock();
      this.block = { lines: [{ text, line, match }], follow: this.contextLines, openedAt: this.now() };
      return;
    }
    // Another log record (a timestamp, the next prompt) ends the failure, unless a chain is pending.
    if (match === null && startsRecord(text) && !awaitsChain(block.lines)) {
      this.closeBlock();
      return;
    }
    block.lines.push({ text, line, match });
    if (match !== null) block.follow = this.contextLines;
    else if (isChainMarker(text)) block.follow = CHAIN_FOLLOW;
    else if (!isStackFrame(text)) block.follow--;
    if (block.follow <= 0 || block.lines.length >= MAX_BLOCK_LINES) this.closeBlock();
  }

  /** The same wording about the same peer again: a retry loop, so a new occurrence to fold. */
  private isRepeat(block: OpenBlock, text: string, match: LineMatch): boolean {
    let peer: string | null = null;
    const shape = lineShape(text);
    for (const l of block.lines) {
      if (l.match === null || l.match.rule !== match.rule || l.match.pattern !== match.pattern || lineShape(l.text) !== shape) continue;
      peer ??= peerKey(text);
      if (peerKey(l.text) === peer) return true;
    }
    return false;
  }

  private closeBlock(): void {
    const block = this.block;
    if (block === null) return;
    this.block = null;
    this.lastBlockEnd = block.lines[block.lines.length - 1].line;
    const incident = buildIncident(block.lines, block.openedAt);
    if (incident !== null) this.fold(incident);
  }

  private fold(incident: Incident): void {
    const existing = this.incidents.get(incident.key);
    const last = this.lastLines.get(incident.key);
    if (existing !== undefined && incident.firstSeen - existing.lastSeen <= this.foldWindowMs && (last === undefined || incident.line - last <= this.foldLines)) {
      existing.count++;
      existing.lastSeen = incident.lastSeen;
      if (existing.occurrences !== undefined && existing.occurrences.length < MAX_OCCURRENCES) existing.occurrences.push({ line: incident.line, endLine: incident.endLine });
      for (const c of incident.also) if (!existing.also.includes(c)) existing.also.push(c);
      this.remember(existing, incident.endLine);
      if (this.reportChanges) this.changed.set(existing.key, existing);
    } else {
      if (existing !== undefined) this.close(existing.key);
      this.remember(incident, incident.endLine);
      if (this.reportChanges) this.changed.set(incident.key, incident);
      if (this.incidents.size > this.maxIncidents) {
        const oldest = this.incidents.keys().next().value;
        if (oldest !== undefined) this.close(oldest);
      }
    }
    this.expire(incident.line);
  }

  /** Moves an incident, last seen ending at `lastLine`, to the most recently seen end. */
  private remember(incident: Incident, lastLine: number): void {
    this.incidents.delete(incident.key);
    this.incidents.set(incident.key, incident);
    this.lastLines.delete(incident.key);
    this.lastLines.set(incident.key, lastLine);
  }

  /** Closes the incidents whose last occurrence lies more than foldLines before `line` (least recent first). */
  private expire(line: number): void {
    if (this.foldLines === Infinity) return;
    for (const [key, last] of this.lastLines) {
      if (line - last <= this.foldLines) break;
      this.close(key);
    }
  }

  private close(key: string): void {
    const incident = this.incidents.get(key);
    this.incidents.delete(key);
    this.lastLines.delete(key);
    if (incident !== undefined && this.onClose !== undefined) this.onClose(copyIncident(incident));
  }
}

/** Start of the line that holds data[at], not before `from` (a line start). */
function lineStart(data: Uint8Array, at: number, from: number): number {
  return at === 0 ? 0 : Math.max(from, data.lastIndexOf(LF, at - 1) + 1);
}

/** Index of the first ESC in data at or after `from`, or data.length. */
function nextEsc(data: Uint8Array, from: number): number {
  const i = from < data.length ? data.indexOf(ESC, from) : -1;
  return i === -1 ? data.length : i;
}

/** A line with its numbers blanked: retry loops differ only in timestamps, ports and counters. */
function lineShape(text: string): string {
  return text.replace(/\d+/g, '#').trim();
}

function peerKey(text: string): string {
  const p = linePeer(text);
  return `${p.host ?? ''}|${p.port ?? ''}`;
}

function copyIncident(incident: Incident): Incident {
  return { ...incident, also: [...incident.also], ...(incident.occurrences !== undefined ? { occurrences: incident.occurrences.map((o) => ({ ...o })) } : {}) };
}
