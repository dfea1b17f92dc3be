/**
 * `connection-doctor scan [--json] [FILE...]`: finds connection failures in files or
 * standard input. Input is streamed chunk by chunk, never read whole, and incidents are
 * printed as they close, so memory stays bounded whatever the number of distinct failures.
 * Exit status like grep: 0 found, 1 nothing found, 2 error (other files are still scanned).
 */
import { createReadStream } from 'node:fs';
import { once } from 'node:events';
import { TextDecoder } from 'node:util';
import type { Readable } from 'node:stream';
import { StreamDetector } from '../core/detect/stream';
import { maskSecrets } from '../core/diagnose/mask';
import type { Incident } from '../core/types';
import { painter, useColor } from './format';
import { jsonForTerminal, sanitizeForTerminal } from './terminalText';

const USAGE = 'Usage: connection-doctor scan [--json] [FILE...]\n';

/** Incidents held open for folding; past it, the least recently seen closes (and is printed). */
export const SCAN_MAX_OPEN = 1000;
/** A repeat more lines than this after an incident's last occurrence starts a new incident. */
export const SCAN_FOLD_LINES = 5000;
/**
 * Bytes detected between two prints of what closed, so that memory never holds more than their
 * incidents whatever the size of the chunks read. (Reading files 1 MB at a time took no less CPU
 * and more time than the stream's 64 KB default on a busy machine: reads overlap detection less.)
 */
const DETECT_SLICE = 64 * 1024;
/** Standard input quiet this long (a live pipe): what is open is printed. */
const IDLE_MS = 2000;

const CATEGORY_COLOR: Record<Incident['category'], number> = {
  reset: 35, timeout: 33, refused: 31, dns: 36, unreachable: 34, tls: 95, closed: 90,
};

/** Runs the scan command; resolves to the exit status. */
export async function runScan(args: string[]): Promise<number> {
  let json = false;
  const files: string[] = [];
  for (const arg of args) {
    if (arg === '--json') json = true;
    else if (arg === '--help' || arg === '-h') {
      process.stdout.write(USAGE);
      return 0;
    } else if (arg.startsWith('-') && arg !== '-') {
      process.stderr.write(`connection-doctor scan: unknown option '${sanitizeForTerminal(arg)}'\n${USAGE}`);
      return 2;
    } else files.push(arg);
  }
  const sources = files.length === 0 ? ['-'] : files;
  const paint = painter(!json && useColor(process.stdout));
  let found = 0;
  let failed = false;
  for (const file of sources) {
    const name = files.length > 1 ? file : null;
    const print = async (batch: Incident[]): Promise<void> => {
      found += batch.length;
      // Back-pressure: a slow reader pauses the scan instead of letting output pile up in memory.
      if (!process.stdout.write(batch.map((i) => (json ? toJsonLine(i, name) : toHuman(i, name, paint))).join(''))) await once(process.stdout, 'drain');
    };
    try {
      await streamIncidents(file === '-' ? process.stdin : createReadStream(file), print, file === '-');
    } catch (error) {
      failed = true;
      const reason = error instanceof Error && 'code' in error ? String((error as NodeJS.ErrnoException).code) : error instanceof Error ? error.message : String(error);
      process.stderr.write(`connection-doctor scan: cannot read '${sanitizeForTerminal(file)}': ${sanitizeForTerminal(reason)}\n`);
    }
  }
  if (failed) return 2;
  return found > 0 ? 0 : 1;
}

/** Every incident of a byte stream, in order of first line (for a bounded input: the MCP tool's text). */
export async function scanStream(input: Readable): Promise<Incident[]> {
  const all: Incident[] = [];
  await streamIncidents(input, (batch) => void all.push(...batch), false);
  return all.sort((a, b) => a.line - b.line);
}

/**
 * Feeds a byte stream through one detector and hands over the incidents as they close (at most
 * SCAN_MAX_OPEN held open, so memory is bounded). With `live` (standard input), a quiet input closes what is open.
 */
export async function streamIncidents(input: Readable, emit: (batch: Incident[]) => Promise<void> | void, live: boolean): Promise<void> {
  const closed: Incident[] = [];
  const detector = new StreamDetector({ foldWindowMs: Infinity, maxIncidents: SCAN_MAX_OPEN, foldLines: SCAN_FOLD_LINES, onClose: (i) => closed.push(i), reportChanges: false });
  const decoder = new BomDecoder();
  // One emit at a time: the idle timer may fire while the loop waits for a slow reader.
  let emitting: Promise<void> = Promise.resolve();
  const flush = (): Promise<void> => {
    if (closed.length > 0) {
      const batch = closed.splice(0);
      emitting = emitting.then(() => emit(batch));
    }
    return emitting;
  };
  let idle: ReturnType<typeof setTimeout> | undefined;
  try {
    for await (const chunk of input) {
      if (idle !== undefined) clearTimeout(idle);
      const text = decoder.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Uint8Array));
      if (typeof text === 'string') detector.write(text);
      else if (text !== null) {
        // Detect in slices: what closes is printed (and freed) every DETECT_SLICE bytes.
        for (let at = 0; at < text.length; at += DETECT_SLICE) {
          detector.write(text.subarray(at, Math.min(text.length, at + DETECT_SLICE)));
          await flush();
        }
      }
      await flush();
      if (live) {
        idle = setTimeout(() => {
          detector.closeAll();
          void flush();
        }, IDLE_MS);
        idle.unref();
      }
    }
  } finally {
    if (idle !== undefined) clearTimeout(idle);
  }
  const rest = decoder.end();
  if (rest !== null) detector.write(rest);
  detector.end();
  await flush();
}

/**
 * Passes UTF-8 through (without its byte order mark) and decodes UTF-16 that starts with its
 * byte order mark (PowerShell's `>` and many Windows tools write UTF-16LE with a BOM).
 */
class BomDecoder {
  private head: Uint8Array | null = new Uint8Array(0);
  private utf16: TextDecoder | null = null;

  /** The next piece to scan, or null while the first bytes are still too few to tell. */
  push(bytes: Uint8Array): Uint8Array | string | null {
    if (this.utf16 !== null) return this.utf16.decode(bytes, { stream: true });
    if (this.head === null) return bytes;
    const head = concat(this.head, bytes);
    if (head.length < 3) {
      this.head = head;
      return null;
    }
    this.head = null;
    return this.start(head);
  }

  /** What is left at the end of the input. */
  end(): Uint8Array | string | null {
    if (this.utf16 !== null) return this.utf16.decode();
    const head = this.head;
    this.head = null;
    return head !== null && head.length > 0 ? this.start(head) : null;
  }

  private start(head: Uint8Array): Uint8Array | string {
    if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return head.subarray(3);
    const le = head[0] === 0xff && head[1] === 0xfe;
    if (le || (head[0] === 0xfe && head[1] === 0xff)) {
      this.utf16 = new TextDecoder(le ? 'utf-16le' : 'utf-16be');
      return this.utf16.decode(head.subarray(2), { stream: true });
    }
    return head;
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

/** One incident of the JSON Lines contract (README, "connection-doctor scan"): fields are only ever added. */
export function scanRecord(incident: Incident, file: string | null = null): ScanRecord {
  return {
    ...(file !== null ? { file } : {}),
    line: incident.line,
    endLine: incident.endLine,
    category: incident.category,
    also: incident.also,
    code: incident.code,
    syscall: incident.syscall,
    host: incident.host,
    port: incident.port,
    url: incident.url === null ? null : maskSecrets(incident.url),
    ecosystem: incident.ecosystem,
    rule: incident.rule,
    count: incident.count,
    text: maskSecrets(incident.text),
    occurrences: incident.occurrences ?? [{ line: incident.line, endLine: incident.endLine }],
  };
}

/** What `scan --json` prints per incident. */
export type ScanRecord = { file?: string } & Pick<Incident, 'line' | 'endLine' | 'category' | 'also' | 'code' | 'syscall' | 'host' | 'port' | 'url' | 'ecosystem' | 'rule' | 'count' | 'text'> & Required<Pick<Incident, 'occurrences'>>;

function toJsonLine(incident: Incident, file: string | null): string {
  return `${jsonForTerminal(scanRecord(incident, file))}
`;
}

/** One incident as the human-readable scan prints it (colours through `paint`; text from the input made inert). */
export function toHuman(incident: Incident, file: string | null, paint: (code: number, text: string) => string): string {
  const where = `${file !== null ? `${sanitizeForTerminal(file)}:` : ''}${incident.line}${incident.endLine !== incident.line ? `-${incident.endLine}` : ''}`;
  const peer = incident.host !== null ? `${sanitizeForTerminal(incident.host)}${incident.port !== null ? `:${incident.port}` : ''}` : incident.port !== null ? `port ${incident.port}` : 'unknown peer';
  const extra = [incident.code === null ? null : sanitizeForTerminal(incident.code), incident.count > 1 ? `×${incident.count}` : null, incident.also.length > 0 ? `also ${incident.also.join(', ')}` : null].filter((x) => x !== null).join('  ');
  const head = `${paint(2, where)}  ${paint(CATEGORY_COLOR[incident.category], incident.category.padEnd(11))} ${paint(1, peer)}${extra ? `  ${paint(2, extra)}` : ''}  ${paint(2, `[${incident.rule}]`)}`;
  const body = maskSecrets(incident.text).split('\n').slice(0, 3).map((l) => `    ${sanitizeForTerminal(l.length > 160 ? `${l.slice(0, 157)}...` : l)}`).join('\n');
  return `${head}\n${body}\n`;
}
