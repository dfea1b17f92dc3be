/**
 * The diagnosis engine as one lazily loaded bundle (dist/engine.js): probes,
 * ranking, the knowledge base of causes and the reports. The extension loads it
 * on first use, so activation never parses it. Pure: never imports 'vscode'.
 */
export { runDiagnosis } from './core/diagnose/diagnose';
export type { DiagnosisOptions } from './core/diagnose/diagnose';
export { renderReport } from './core/diagnose/report';
export { snapshotEnvironment } from './core/diagnose/environment';
export type { EnvironmentSnapshot } from './core/diagnose/environment';
export { likelyCausesOffline } from './core/diagnose/offline';
export { diagnosisResult, explanationResult } from './core/agents/agentResults';
