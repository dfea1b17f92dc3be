// Shared helpers of the host-layer integration tests (bundled into each test file).
import * as net from 'node:net';
import * as vscode from 'vscode';
import type { InternalTestApi } from '../../src/host/host';
import type { StoredIncident } from '../../src/host/model/incidentHistory';

export const EXTENSION_ID = 'connection-doctor.connection-doctor';

/** Activates the extension and returns its internal test API. */
export async function testApi(): Promise<InternalTestApi> {
  const ext = vscode.extensions.getExtension<InternalTestApi>(EXTENSION_ID);
  if (!ext) throw new Error(`${EXTENSION_ID} is not installed`);
  return ext.activate();
}

/** Polls until `check` returns a value (not undefined/false), or fails with `what` after `limitMs`. */
export async function waitFor<T>(what: string, check: () => T | undefined | false, limitMs = 30_000): Promise<T> {
  const until = Date.now() + limitMs;
  for (;;) {
    const value = check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}


/** A loopback server that resets every connection once the client has sent something. */
export async function resettingServer(): Promise<{ port: number; close(): Promise<void> }> {
  const server = net.createServer((socket) => {
    socket.once('data', () => socket.resetAndDestroy());
    socket.on('error', () => undefined);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return { port, close: () => new Promise<void>((resolve) => server.close(() => resolve())) };
}

/** A loopback server that counts the connections it accepts (a probe that must not happen shows here). */
export async function countingServer(): Promise<{ port: number; accepted(): number; close(): Promise<void> }> {
  const sockets: net.Socket[] = [];
  const server = net.createServer((s) => sockets.push(s.on('error', () => undefined)));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  return {
    port,
    accepted: () => sockets.length,
    close: () => {
      sockets.forEach((s) => s.destroy());
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

/** A bash terminal whose shell integration is active. */
export async function integratedTerminal(name: string): Promise<vscode.Terminal & { shellIntegration: vscode.TerminalShellIntegration }> {
  const terminal = vscode.window.createTerminal({ name, shellPath: '/bin/bash', env: { PS1: '$ ' } });
  await waitFor(`shell integration in '${name}'`, () => terminal.shellIntegration !== undefined, 45_000);
  return terminal as vscode.Terminal & { shellIntegration: vscode.TerminalShellIntegration };
}

/** Runs a command through shell integration and resolves with its exit code once it ends. */
export function runCommand(terminal: vscode.Terminal & { shellIntegration: vscode.TerminalShellIntegration }, command: string): Promise<number | undefined> {
  return new Promise((resolve) => {
    const execution = terminal.shellIntegration.executeCommand(command);
    const sub = vscode.window.onDidEndTerminalShellExecution((e) => {
      if (e.execution !== execution) return;
      sub.dispose();
      resolve(e.exitCode);
    });
  });
}

/** Shell-quotes one argument for bash. */
export function sq(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/** The stored incident about a target, if any. */
export function incidentFor(api: InternalTestApi, host: string, port: number): StoredIncident | undefined {
  return api.incidents.list().find((i) => i.host === host && i.port === port);
}

export { refusedPort } from '../support/refusedPort';
