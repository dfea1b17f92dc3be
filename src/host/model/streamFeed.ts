/**
 * Feeds a stream of output into a detector without blocking the extension host:
 * big chunks are cut into slices with a yield between them, and the pending
 * queue is bounded (a runaway stream drops what does not fit instead of growing).
 * Pure (no 'vscode').
 */
import type { Incident } from '../../core/types';

/**
 * The part of the core's stream detector the host uses. `write`, `end` and
 * `flush` return the incidents that are new or whose (cumulative) count grew.
 */
export interface ChunkDetector {
  write(chunk: string): Incident[];
  end(): Incident[];
  /** Closes a failure block still waiting for context lines (when output goes quiet). */
  flush?(): Incident[];
}

/** How long output must stay quiet before an open failure block is closed. */
export const QUIET_FLUSH_MS = 400;
/** Most incident keys whose counts are remembered per stream. */
const MAX_COUNTED_KEYS = 5_000;

/** Most characters waiting to be scanned per stream. */
export const MAX_QUEUED_CHARS = 4 * 1024 * 1024;
/** Characters scanned between two yields to the event loop. */
export const SLICE_CHARS = 64 * 1024;

const yieldToLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** One output stream (a terminal command, a debug session's stdout, ...). */
export class StreamFeed {
  private queue: string[] = [];
  private queued = 0;
  private draining: Promise<void> | null = null;
  private ended = false;
  private quietTimer: ReturnType<typeof setTimeout> | undefined;
  /** Count already reported per incident key: the detector reports cumulative counts, consumers get increments. */
  private readonly reported = new Map<string, number>();
  /** Characters dropped because the queue was full. */
  dropped = 0;

  constructor(
    private readonly detector: ChunkDetector,
    private readonly onIncident: (incident: Incident) => void,
    private readonly maxQueued = MAX_QUEUED_CHARS,
  ) {}

  /** Queues a chunk; scanning happens asynchronously. */
  push(chunk: string): void {
    if (this.ended || chunk.length === 0) return;
    // A chunk is already in memory when it arrives: with nothing waiting, scanning it
    // (in slices) costs no more memory than dropping it, and loses no failure. Only a
    // producer that outruns the scanner has its surplus dropped.
    if (this.queued > 0 && this.queued + chunk.length > this.maxQueued) {
      this.dropped += chunk.length;
      return;
    }
    this.queue.push(chunk);
    this.queued += chunk.length;
    this.draining ??= this.drain();
  }

  /** Resolves once everything queued so far has been scanned (back-pressure for async readers). */
  async idle(): Promise<void> {
    while (this.draining) await this.draining;
  }

  /** Scans what is queued, then flushes the detector's last partial line. */
  async end(): Promise<void> {
    if (this.ended) return;
    await this.idle();
    if (this.ended) return;
    this.ended = true;
    if (this.quietTimer) clearTimeout(this.quietTimer);
    this.emit(this.detector.end());
  }

  /** After a quiet spell, closes a failure block that is still waiting for context lines. */
  private armQuietFlush(): void {
    if (!this.detector.flush) return;
    if (this.quietTimer) clearTimeout(this.quietTimer);
    this.quietTimer = setTimeout(() => {
      this.quietTimer = undefined;
      if (!this.ended && !this.draining && this.detector.flush) this.emit(this.detector.flush());
    }, QUIET_FLUSH_MS);
  }

  private async drain(): Promise<void> {
    try {
      while (this.queue.length > 0) {
        const chunk = this.queue.shift() ?? '';
        this.queued -= chunk.length;
        for (let at = 0; at < chunk.length; at += SLICE_CHARS) {
          this.emit(this.detector.write(chunk.slice(at, at + SLICE_CHARS)));
          await yieldToLoop();
        }
      }
    } finally {
      this.draining = null;
      if (!this.ended) this.armQuietFlush();
    }
  }

  private emit(incidents: Incident[]): void {
    for (const incident of incidents) {
      const prev = this.reported.get(incident.key);
      // A count that went down means the detector forgot the key and saw it anew.
      const before = prev !== undefined && prev <= incident.count ? prev : 0;
      const increment = incident.count - before;
      if (increment <= 0) continue;
      if (this.reported.size >= MAX_COUNTED_KEYS && before === 0) this.reported.clear();
      this.reported.set(incident.key, incident.count);
      try {
        this.onIncident(before === 0 ? incident : { ...incident, count: increment });
      } catch {
        // A failing consumer must not stop the stream.
      }
    }
  }
}
