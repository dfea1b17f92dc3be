/**
 * `connection-doctor scan [--json] [FILE...]`: finds connection failures in files or
 * standard input. Files are streamed chunk by chunk, never read whole. Exit status like
 * grep: 0 found, 1 nothing found, 2 error (other files are still scanned).
 */
import { createReadStream } from 'node:fs';
import type { Readable } from 'node:stream';
import { StreamDetector } from '../core/detect/stream';
import type { Incident } from '../core/types';
import { painter, useColor } from './format';

const USAGE = 'Usage: connection-doctor scan [--json] [FILE...]\n';

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
      process.stderr.write(`connection-doctor scan: unknown option '${arg}'\n${USAGE}`);
      return 2;
    } else files.push(arg);
  }
  const sources = files.length === 0 ? ['-'] : files;
  const paint = painter(!json && useColor(process.stdout));
  let found = 0;
  let failed = false;
  for (const file of sources) {
    try {
      const incidents = await scanStream(file === '-' ? process.stdin : createReadStream(file));
      found += incidents.length;
      for (const incident of incidents) {
        process.stdout.write(json ? toJsonLine(incident, files.length > 1 ? file : null) : toHuman(incident, files.length > 1 ? file : null, paint));
      }
    } catch (error) {
      failed = true;
      const reason = error instanceof Error && 'code' in error ? String((error as NodeJS.ErrnoException).code) : error instanceof Error ? error.message : String(error);
      process.stderr.write(`connection-doctor scan: cannot read '${file}': ${reason}\n`);
    }
  }
  if (failed) return 2;
  return found > 0 ? 0 : 1;
}

/** Feeds a byte stream through one detector; incidents in order of first line. */
async function scanStream(input: Readable): Promise<Incident[]> {
  // Every incident is reported (the detector's history bound is for long-lived watchers);
  // memory grows with distinct failures only, not with the input.
  const detector = new StreamDetector({ foldWindowMs: Infinity, maxIncidents: Number.MAX_SAFE_INTEGER });
  for await (const chunk of input) {
    detector.write(typeof chunk === 'string' ? chunk : (chunk as Uint8Array));
  }
  detector.end();
  return detector.snapshot();
}

/** The JSON Lines contract of issue 3 (field order kept stable). */
function toJsonLine(incident: Incident, file: string | null): string {
  const record = {
    ...(file !== null ? { file } : {}),
    line: incident.line,
    endLine: incident.endLine,
    category: incident.category,
    also: incident.also,
    code: incident.code,
    syscall: incident.syscall,
    host: incident.host,
    port: incident.port,
    url: incident.url,
    ecosystem: incident.ecosystem,
    rule: incident.rule,
    count: incident.count,
    text: incident.text,
    occurrences: incident.occurrences ?? [{ line: incident.line, endLine: incident.endLine }],
  };
  return `${JSON.stringify(record)}\n`;
}

function toHuman(incident: Incident, file: string | null, paint: (code: number, text: string) => string): string {
  const where = `${file !== null ? `${file}:` : ''}${incident.line}${incident.endLine !== incident.line ? `-${incident.endLine}` : ''}`;
  const peer = incident.host !== null ? `${incident.host}${incident.port !== null ? `:${incident.port}` : ''}` : incident.port !== null ? `port ${incident.port}` : 'unknown peer';
  const extra = [incident.code, incident.count > 1 ? `×${incident.count}` : null, incident.also.length > 0 ? `also ${incident.also.join(', ')}` : null].filter((x) => x !== null).join('  ');
  const head = `${paint(2, where)}  ${paint(CATEGORY_COLOR[incident.category], incident.category.padEnd(11))} ${paint(1, peer)}${extra ? `  ${paint(2, extra)}` : ''}  ${paint(2, `[${incident.rule}]`)}`;
  const body = incident.text.split('\n').slice(0, 3).map((l) => `    ${l.length > 160 ? `${l.slice(0, 157)}...` : l}`).join('\n');
  return `${head}\n${body}\n`;
}
