/**
 * One-shot entry points over the streaming detector: whole text (CLI `--error`, diagnosis)
 * and one line of a document (hover), which reads only that line and a few neighbours.
 */
import type { Incident } from '../types';
import { StreamDetector } from './stream';

const HOVER_CONTEXT = 6;
/** Characters read of one document line: a giant line (a minified bundle, a 48 MB log line) keeps its start and end. */
export const HOVER_LINE_CHARS = 65_536;

/** Every connection failure in a whole text, repeats folded, in order of first line. */
export function detectText(text: string): Incident[] {
  const detector = new StreamDetector({ now: () => 0, foldWindowMs: Infinity });
  detector.write(text);
  detector.end();
  return detector.snapshot();
}

/** The failure that covers line `index` (0-based) of a document, reading at most a few lines around it. */
export function detectAtLine(getLine: (index: number) => string, lineCount: number, index: number): Incident | null {
  if (index < 0 || index >= lineCount) return null;
  const from = Math.max(0, index - HOVER_CONTEXT);
  const to = Math.min(lineCount, index + HOVER_CONTEXT + 1);
  const lines: string[] = [];
  for (let i = from; i < to; i++) lines.push(boundedLine(getLine(i)));
  const target = index - from + 1;
  for (const incident of detectText(lines.join('\n'))) {
    if (incident.line <= target && target <= incident.endLine) {
      return { ...incident, line: incident.line + from, endLine: incident.endLine + from };
    }
  }
  return null;
}

/** A line cut to HOVER_LINE_CHARS around its middle (the detector reads a long line's start and end too). */
function boundedLine(line: string): string {
  if (line.length <= HOVER_LINE_CHARS) return line;
  const half = HOVER_LINE_CHARS >> 1;
  return `${line.slice(0, half)} … ${line.slice(line.length - half)}`;
}
