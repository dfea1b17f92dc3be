/**
 * How each host→panel message changes the panel's model, written once for both sides:
 * the host keeps its copy (for a restore) and the page renders its own, and both apply
 * the same message the same way. Pure: no 'vscode', no DOM.
 */
import type { PanelModel, ProbeRowView, ToPanel } from './protocol';
import { assertNever } from './protocol';

/** Replaces one probe's row (or adds it). */
export function applyProbeRow(model: PanelModel, row: ProbeRowView): void {
  const i = model.probes.findIndex((p) => p.id === row.id);
  if (i >= 0) model.probes[i] = row;
  else model.probes.push(row);
}

/** Finished runs leave no row "running": a cancelled probe shows as skipped (the page says "Not run." in its language). */
export function settleRows(model: PanelModel): void {
  model.probes = model.probes.map((p) => (p.state === 'running' || p.state === 'pending' ? { ...p, state: 'skipped' } : p));
}

/**
 * Applies one message to the model in place and returns the model now shown: a `start`
 * replaces it; messages of an older run (or before any start) change nothing.
 */
export function applyToPanel(model: PanelModel | null, msg: ToPanel): PanelModel | null {
  if (msg.type === 'start') return msg.model;
  if (msg.type === 'notice' || model === null || model.run !== msg.run) return model;
  switch (msg.type) {
    case 'probe':
      applyProbeRow(model, msg.probe);
      return model;
    case 'result':
      model.phase = 'done';
      model.verdict = msg.verdict;
      model.causes = msg.causes;
      break;
    case 'cancelled':
      model.phase = 'cancelled';
      break;
    case 'failed':
      model.phase = 'failed';
      model.error = msg.message;
      break;
    default:
      return assertNever(msg, 'message');
  }
  settleRows(model);
  return model;
}
