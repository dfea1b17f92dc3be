/** A live progress line per probe for a TTY: rewritten in place while probes run. */
import type { ProbeResult } from '../core/types';

/** Shows which probes are running and what finished. */
export class ProgressLine {
  private readonly running = new Set<string>();
  private drawn = false;

  constructor(private readonly stream: NodeJS.WriteStream) {}

  /** Called by runDiagnosis for every probe start and end. */
  update(result: ProbeResult, phase: 'start' | 'done'): void {
    this.clear();
    if (phase === 'start') {
      this.running.add(result.id);
    } else {
      this.running.delete(result.id);
      const mark = result.status === 'ok' ? '✔' : result.status === 'fail' ? '✘' : '–';
      this.stream.write(`${mark} ${result.id.padEnd(9)} ${String(Math.round(result.ms)).padStart(5)} ms  ${oneLine(result.summary)}\n`);
    }
    if (this.running.size > 0) {
      this.stream.write(`… probing: ${[...this.running].join(', ')}`);
      this.drawn = true;
    }
  }

  /** Removes the in-place line before the report is printed. */
  done(): void {
    this.clear();
  }

  private clear(): void {
    if (!this.drawn) return;
    this.stream.write('\r\x1b[2K');
    this.drawn = false;
  }
}

function oneLine(text: string): string {
  // Summaries may quote what a server sent: no control characters reach the terminal.
  // eslint-disable-next-line no-control-regex
  return text.replace(/[\x00-\x1f\x7f]+/g, ' ').slice(0, 160);
}
