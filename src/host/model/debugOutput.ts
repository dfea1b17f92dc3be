/** Reading Debug Adapter Protocol `output` events (pure, no 'vscode'); messages from adapters are untrusted. */

/** Output categories that carry program output (telemetry and the like are skipped). */
export const WATCHED_CATEGORIES: ReadonlySet<string> = new Set(['stdout', 'stderr', 'console', 'important']);

/** The category and text of a DAP `output` event, or null for any other message (messages are untrusted). */
export function outputOf(message: unknown): { category: string; output: string } | null {
  if (typeof message !== 'object' || message === null) return null;
  const m = message as Record<string, unknown>;
  if (m.type !== 'event' || m.event !== 'output') return null;
  const body = m.body;
  if (typeof body !== 'object' || body === null) return null;
  const b = body as Record<string, unknown>;
  if (typeof b.output !== 'string') return null;
  // DAP: a missing category means 'console'.
  const category = typeof b.category === 'string' ? b.category : 'console';
  return WATCHED_CATEGORIES.has(category) ? { category, output: b.output } : null;
}
