/**
 * One-shot entry points over the streaming detector: whole text (CLI `--error`, diagnosis)
 * and one line of a document (hover), which reads only that line and a few neighbours.
 */
import type { Incident } from '../types';
import { StreamDetector } from './stream';

const HOVER_CONTEXT = 6;

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
  for (let i = from; i < to; i++) lines.push(getLine(i));
  const target = index - from + 1;
  for (const incident of detectText(lines.join('\n'))) {
    if (incident.line <= target && target <= incident.endLine) {
      return { ...incident, line: incident.line + from, endLine: incident.endLine + from };
    }
  }
  return null;
}
