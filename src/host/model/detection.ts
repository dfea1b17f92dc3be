/**
 * The one place the host reaches into the detection core (pure, no 'vscode').
 * The offline cause ranking is loaded lazily: it pulls in the knowledge base of
 * causes, which activation does not need.
 */
import type { Incident, RankedCause } from '../../core/types';
import { detectAtLine } from '../../core/detect/detect';
import { loadEngine } from './engineLoader';

/** A failure found at a document line, with the 0-based line range it spans. */
export interface LineHit {
  incident: Incident;
  startLine: number;
  endLine: number;
}

/** The failure at a 0-based line, reading only that line and its neighbours. */
export function detectNear(getLine: (index: number) => string, lineCount: number, index: number): LineHit | null {
  const incident = detectAtLine(getLine, lineCount, index);
  if (!incident) return null;
  return { incident, startLine: incident.line - 1, endLine: incident.endLine - 1 };
}

let offline: Promise<(incident: Incident) => RankedCause[]> | undefined;

/** `likelyCausesOffline`, imported on first use. */
export function loadOfflineCauses(): Promise<(incident: Incident) => RankedCause[]> {
  offline ??= loadEngine().then((m) => m.likelyCausesOffline);
  return offline;
}
