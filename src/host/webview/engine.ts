/**
 * Loads the diagnosis engine on first use, so that the probes and the knowledge
 * base stay out of activation (esbuild inlines the modules; the import only runs
 * when the panel first needs them).
 */
import type { runDiagnosis } from '../../core/diagnose/diagnose';
import type { renderReport } from '../../core/diagnose/report';
import type { snapshotEnvironment } from '../../core/diagnose/environment';

/** The engine functions the panel calls. */
export interface Engine {
  runDiagnosis: typeof runDiagnosis;
  renderReport: typeof renderReport;
  snapshotEnvironment: typeof snapshotEnvironment;
}

let engine: Promise<Engine> | undefined;

/** The engine, imported once. */
export function loadEngine(): Promise<Engine> {
  engine ??= Promise.all([import('../../core/diagnose/diagnose'), import('../../core/diagnose/report'), import('../../core/diagnose/environment')]).then(
    ([d, r, e]) => ({ runDiagnosis: d.runDiagnosis, renderReport: r.renderReport, snapshotEnvironment: e.snapshotEnvironment }),
  );
  return engine;
}
