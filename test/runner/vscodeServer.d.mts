import type { ChildProcess } from 'node:child_process';
export const ROOT: string;
export interface ServerInstall { flavour: 'latest' | 'minimum'; dir: string; node: string; vscodeDir: string; version: string }
export interface Profile { base: string; userDataDir: string; serverDataDir: string; extensionsDir: string }
export interface RunningServer { port: number; base: string; child: ChildProcess; stop(): void; output(): string }
export function ensureServer(flavour?: 'latest' | 'minimum'): ServerInstall;
export function freePort(): Promise<number>;
export function makeProfile(extensionsDir?: string): Profile;
export function quietSettings(): Record<string, unknown>;
export function writeUserSettings(profile: Profile, settings: Record<string, unknown>): void;
export function packageVsix(options?: { out?: string; quiet?: boolean }): string;
export function installExtension(server: ServerInstall, profile: Profile, vsix: string): string;
export function startServer(server: ServerInstall, profile: Profile, options?: { log?: (s: string) => void; smokeTestDriver?: boolean }): Promise<RunningServer>;
export function workbenchUrl(running: RunningServer, options: { folder?: string; extensionDevelopmentPath?: string; extensionTestsPath?: string }): string;
export function removeProfile(profile: Profile): void;
