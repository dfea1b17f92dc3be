/**
 * Loads dist/engine.js (probes, ranking, knowledge base of causes, reports) on
 * first use. esbuild keeps `../../engine` out of dist/extension.js (see esbuild.js),
 * so activation parses only the watchers and the detector.
 */
import type * as EngineModule from '../../engine';

/** The engine's exports. */
export type Engine = typeof EngineModule;

let engine: Promise<Engine> | undefined;

/** The engine module, imported once. */
export function loadEngine(): Promise<Engine> {
  engine ??= import('../../engine');
  return engine;
}
