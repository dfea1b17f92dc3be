import type { RunningServer } from './vscodeServer.mjs';
export interface Demo { url: string; workspace: string; version: string; running: RunningServer; stop(): void }
export function startDemo(options?: { log?: (line: string) => void }): Promise<Demo>;
