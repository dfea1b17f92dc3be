/**
 * The diagnosis engine for the panel, loaded on first use from dist/engine.js
 * (see ../engineLoader.ts), so the probes and the knowledge base stay out of
 * activation.
 */
import { loadEngine as loadEngineModule } from '../engineLoader';
import type { Engine as EngineModule } from '../engineLoader';

/** The engine functions the panel calls. */
export type Engine = Pick<EngineModule, 'runDiagnosis' | 'renderReport' | 'snapshotEnvironment'>;

/** The engine, imported once. */
export function loadEngine(): Promise<Engine> {
  return loadEngineModule();
}
