/** Where a failure line gets its terminal links (pure, no 'vscode'). */
import { hostPort } from '../../core/target/address';
import type { Incident } from '../../core/types';

/** Where in a line to put links: the host:port (or host) and the error code, else the whole trimmed line. */
export function linkSpans(line: string, incident: Incident): Array<{ start: number; length: number }> {
  const spans: Array<{ start: number; length: number }> = [];
  const add = (needle: string | null): void => {
    if (!needle) return;
    const start = line.indexOf(needle);
    if (start < 0) return;
    const end = start + needle.length;
    if (spans.some((s) => start < s.start + s.length && s.start < end)) return;
    spans.push({ start, length: needle.length });
  };
  if (incident.host !== null && incident.port !== null) {
    add(`${incident.host}:${incident.port}`);
    // Node writes `::1:3000`; most others write `[::1]:3000`.
    if (spans.length === 0) add(hostPort(incident.host, incident.port));
  }
  if (spans.length === 0) add(incident.host);
  add(incident.code);
  if (spans.length === 0) {
    const start = line.length - line.trimStart().length;
    const length = line.trim().length;
    if (length > 0) spans.push({ start, length });
  }
  return spans.sort((a, b) => a.start - b.start);
}
