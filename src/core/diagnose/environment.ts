/** The environment a report describes: OS, runtime versions and proxy settings (credentials masked). */
import * as os from 'node:os';
import { PROXY_VARS } from '../target/proxyVars';
import { maskSecrets } from './mask';

/** What `renderReport` prints about the machine the diagnosis ran on. */
export interface EnvironmentSnapshot {
  os: string;
  arch: string;
  /** Runtime name -> version (node, openssl, uv, vscode, ...). */
  runtimes: Record<string, string>;
  /** Proxy variables and VS Code's `http.proxy`, credentials already masked. */
  proxy: Record<string, string>;
}

// The proxy variables, and the Node settings that decide whether and how they apply.
const REPORTED_VARS = [...PROXY_VARS, 'NODE_USE_ENV_PROXY', 'NODE_EXTRA_CA_CERTS', 'NODE_OPTIONS'];

/** Reads the current environment; pass `env` and `vscodeProxy` to describe another. */
export function snapshotEnvironment(options: { env?: NodeJS.ProcessEnv; vscodeProxy?: string; vscodeVersion?: string } = {}): EnvironmentSnapshot {
  const env = options.env ?? process.env;
  const runtimes: Record<string, string> = { node: process.versions.node };
  if (process.versions.openssl) runtimes.openssl = process.versions.openssl;
  if (process.versions.uv) runtimes.libuv = process.versions.uv;
  if (options.vscodeVersion) runtimes.vscode = options.vscodeVersion;
  const proxy: Record<string, string> = {};
  for (const key of REPORTED_VARS) {
    const value = env[key];
    if (value !== undefined && value !== '') proxy[key] = maskSecrets(value);
  }
  if (options.vscodeProxy) proxy['http.proxy (VS Code)'] = maskSecrets(options.vscodeProxy);
  return { os: `${os.type()} ${os.release()}`, arch: os.arch(), runtimes, proxy };
}
