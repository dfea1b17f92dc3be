/**
 * The real client programs of the client × fault table (clients.test.ts): how each one is run
 * against a URL or host:port, with a short timeout of its own, trusting a CA file when the
 * scenario needs it. Java and Go clients are tiny programs compiled once into a temp directory
 * (Go with GOCACHE/GOPATH there too); every other program is the installed binary. A program
 * that is not installed has a reason instead of a command, and its scenarios are skipped.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runProcess } from './harness';
import type { RunOptions, RunResult } from './harness';

/** What a scenario asks of a client run. */
export interface ClientCall {
  /** URL (HTTP clients) or host and port (service clients). */
  url: string;
  host: string;
  port: number;
  /** The client's own timeout, seconds. */
  timeoutS: number;
  /** A CA certificate file the client trusts in addition to (or instead of) the system's. */
  caFile?: string;
  /** The scenario's process options (namespace, environment). */
  options: RunOptions;
}

/** One client program. */
export interface ClientProgram {
  id: string;
  /** The program a person would name (for the figure's "over N programs"). */
  program: string;
  /** Null when usable, else why not (missing binary or module). */
  unavailable(): string | null;
  run(call: ClientCall): Promise<RunResult>;
  /** The program prints the server's error reply and exits 0 (redis-cli without a tty). */
  printsErrorsWithExitZero?: boolean;
}

/** The first existing path of `paths`, or null. */
export function which(...paths: string[]): string | null {
  return paths.find((p) => existsSync(p)) ?? null;
}

const BIN = (name: string): string | null => which(`/usr/bin/${name}`, `/usr/local/bin/${name}`, `/bin/${name}`);

function env(call: ClientCall, extra: NodeJS.ProcessEnv): RunOptions {
  return { ...call.options, env: { ...(call.options.env ?? process.env), ...extra }, timeoutMs: call.timeoutS * 1000 + 8000 };
}

function binary(id: string, program: string, name: string, args: (call: ClientCall) => string[], extraEnv: (call: ClientCall) => NodeJS.ProcessEnv = () => ({})): ClientProgram {
  return {
    id,
    program,
    unavailable: () => (BIN(name) ? null : `${name} is not installed (Debian package in .ci/run)`),
    run: (call) => runProcess(BIN(name) ?? name, args(call), env(call, extraEnv(call))),
  };
}

// ---------------------------------------------------------------- HTTP clients

export const CURL_CLIENT = binary('curl', 'curl', 'curl', (c) => ['-sS', '-o', '/dev/null', '-m', String(c.timeoutS), ...(c.caFile ? ['--cacert', c.caFile] : []), c.url]);

export const WGET_CLIENT = binary('wget', 'wget', 'wget', (c) => ['-O', '/dev/null', '--tries=1', `--timeout=${c.timeoutS}`, ...(c.caFile ? [`--ca-certificate=${c.caFile}`] : []), c.url]);

export const GIT_CLIENT = binary(
  'git',
  'git',
  'git',
  (c) => ['-c', 'http.lowSpeedLimit=1000', '-c', `http.lowSpeedTime=${c.timeoutS}`, 'ls-remote', `${c.url}repo.git`],
  (c) => ({ GIT_TERMINAL_PROMPT: '0', GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null', ...(c.caFile ? { GIT_SSL_CAINFO: c.caFile } : {}) }),
);

const PYTHON = (): string | null => which('/usr/bin/python3', '/usr/local/bin/python3');

function python(id: string, source: string, needs: string | null): ClientProgram {
  return {
    id,
    program: 'python3',
    unavailable: () => {
      const py = PYTHON();
      if (!py) return 'python3 is not installed';
      return needs && !pythonHas(py, needs) ? `python3 has no module ${needs} (Debian python3-${needs})` : null;
    },
    run: (c) => runProcess(PYTHON() ?? 'python3', ['-c', source, c.url, String(c.timeoutS), c.caFile ?? ''], env(c, {})),
  };
}

const moduleCache = new Map<string, boolean>();
function pythonHas(py: string, module: string): boolean {
  const key = `${py} ${module}`;
  let has = moduleCache.get(key);
  if (has === undefined) {
    // Synchronous on purpose: asked once per module, before the scenarios run.
    has = spawnSync(py, ['-c', `import ${module}`], { timeout: 10000 }).status === 0;
    moduleCache.set(key, has);
  }
  return has;
}

/** requests.get, uncaught: the traceback a script prints. */
export const REQUESTS_CLIENT = python(
  'python-requests',
  ['import sys, requests', 'url, t, ca = sys.argv[1:4]', 'r = requests.get(url, timeout=float(t), verify=ca or True)', 'print("ok", r.status_code)'].join('\n'),
  'requests',
);

/** urllib.request.urlopen, uncaught. */
export const URLLIB_CLIENT = python(
  'python-urllib',
  ['import sys, ssl, urllib.request', 'url, t, ca = sys.argv[1:4]', 'ctx = ssl.create_default_context(cafile=ca) if ca else None', 'r = urllib.request.urlopen(url, timeout=float(t), context=ctx)', 'r.read()', 'print("ok", r.status)'].join('\n'),
  null,
);

/** http.get / https.get with AbortSignal.timeout, logging the error as most programs do. */
const NODE_HTTP_SOURCE = `
const [url, t] = process.argv.slice(1);
const lib = url.startsWith('https:') ? require('node:https') : require('node:http');
const req = lib.get(url, { signal: AbortSignal.timeout(Number(t) * 1000) }, (res) => {
  res.on('error', (e) => { console.error(e); process.exitCode = 1; });
  res.resume();
  res.on('end', () => console.log('ok', res.statusCode));
});
req.on('error', (e) => { console.error(e); process.exitCode = 1; });
`;

const NODE_FETCH_SOURCE = `
const [url, t] = process.argv.slice(1);
fetch(url, { signal: AbortSignal.timeout(Number(t) * 1000) })
  .then((r) => r.text().then(() => console.log('ok', r.status)))
  .catch((e) => { console.error(e); process.exitCode = 1; });
`;

function node(id: string, source: string): ClientProgram {
  return {
    id,
    program: 'node',
    unavailable: () => null,
    run: (c) => runProcess(process.execPath, ['-e', source, c.url, String(c.timeoutS)], env(c, c.caFile ? { NODE_EXTRA_CA_CERTS: c.caFile } : {})),
  };
}

export const NODE_HTTP_CLIENT = node('node-http', NODE_HTTP_SOURCE);
export const NODE_FETCH_CLIENT = node('node-fetch', NODE_FETCH_SOURCE);

// ---------------------------------------------------------------- compiled clients

const JAVA_SOURCE = `
import java.io.InputStream;
import java.net.HttpURLConnection;
import java.net.URL;

public class Client {
  public static void main(String[] args) throws Exception {
    HttpURLConnection c = (HttpURLConnection) new URL(args[0]).openConnection();
    int ms = (int) (Double.parseDouble(args[1]) * 1000);
    c.setConnectTimeout(ms);
    c.setReadTimeout(ms);
    try (InputStream in = c.getInputStream()) {
      in.readAllBytes();
    }
    System.out.println("ok " + c.getResponseCode());
  }
}
`;

const GO_SOURCE = `
package main

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"time"
)

func main() {
	t, _ := strconv.ParseFloat(os.Args[2], 64)
	c := &http.Client{Timeout: time.Duration(t * float64(time.Second))}
	r, err := c.Get(os.Args[1])
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer r.Body.Close()
	if _, err := io.ReadAll(r.Body); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	fmt.Println("ok", r.StatusCode)
}
`;

/** Where the compiled clients live, and why one could not be built. */
export interface Compiled {
  javaDir: string | null;
  javaTrustStore: string | null;
  goBinary: string | null;
  reasons: Record<string, string>;
}

const compiled: Compiled = { javaDir: null, javaTrustStore: null, goBinary: null, reasons: {} };

/** Compiles the Java and Go clients into `dir` (and a PKCS12 trust store holding `caFile` for Java). */
export async function compileClients(dir: string, caFile: string): Promise<Compiled> {
  const javac = BIN('javac');
  const keytool = BIN('keytool');
  const go = BIN('go') ?? which('/usr/lib/go/bin/go');
  const jobs: Array<Promise<void>> = [];
  if (!javac || !BIN('java')) compiled.reasons['java'] = 'javac/java are not installed (default-jdk-headless)';
  else {
    const jdir = join(dir, 'java');
    mkdirSync(jdir, { recursive: true });
    writeFileSync(join(jdir, 'Client.java'), JAVA_SOURCE);
    jobs.push(
      (async () => {
        const r = await runProcess(javac, ['-d', jdir, join(jdir, 'Client.java')], { timeoutMs: 90000 });
        if (r.code !== 0) {
          compiled.reasons['java'] = `javac failed: ${r.stderr.slice(0, 300)}`;
          return;
        }
        compiled.javaDir = jdir;
        if (keytool) {
          const store = join(jdir, 'trust.p12');
          const k = await runProcess(keytool, ['-importcert', '-noprompt', '-alias', 'test-ca', '-file', caFile, '-keystore', store, '-storepass', 'changeit', '-storetype', 'PKCS12'], { timeoutMs: 60000 });
          if (k.code === 0) compiled.javaTrustStore = store;
        }
      })(),
    );
  }
  if (!go) compiled.reasons['go'] = 'go is not installed (golang-go)';
  else {
    const gdir = join(dir, 'go');
    mkdirSync(gdir, { recursive: true });
    writeFileSync(join(gdir, 'main.go'), GO_SOURCE);
    const goEnv = { ...process.env, GOCACHE: join(gdir, 'cache'), GOPATH: join(gdir, 'path'), GOFLAGS: '', GO111MODULE: 'off', CGO_ENABLED: '0' };
    jobs.push(
      (async () => {
        const out = join(gdir, 'client');
        const r = await runProcess(go, ['build', '-o', out, join(gdir, 'main.go')], { env: goEnv, timeoutMs: 120000 });
        if (r.code !== 0) compiled.reasons['go'] = `go build failed: ${r.stderr.slice(0, 300)}`;
        else compiled.goBinary = out;
      })(),
    );
  }
  await Promise.all(jobs);
  return compiled;
}

export const JAVA_CLIENT: ClientProgram = {
  id: 'java',
  program: 'java',
  unavailable: () => (compiled.javaDir ? null : (compiled.reasons['java'] ?? 'the Java client was not compiled')),
  run: (c) => {
    const trust = c.caFile && compiled.javaTrustStore ? [`-Djavax.net.ssl.trustStore=${compiled.javaTrustStore}`, '-Djavax.net.ssl.trustStorePassword=changeit'] : [];
    return runProcess(BIN('java') ?? 'java', ['-Xshare:auto', '-XX:TieredStopAtLevel=1', ...trust, '-cp', compiled.javaDir ?? '.', 'Client', c.url, String(c.timeoutS)], env(c, {}));
  },
};

export const GO_CLIENT: ClientProgram = {
  id: 'go',
  program: 'go',
  unavailable: () => (compiled.goBinary ? null : (compiled.reasons['go'] ?? 'the Go client was not built')),
  run: (c) => runProcess(compiled.goBinary ?? 'false', [c.url, String(c.timeoutS)], env(c, c.caFile ? { SSL_CERT_FILE: c.caFile } : {})),
};

/** The HTTP clients, each run against every HTTP fault. */
export const HTTP_CLIENTS: readonly ClientProgram[] = [CURL_CLIENT, WGET_CLIENT, GIT_CLIENT, REQUESTS_CLIENT, URLLIB_CLIENT, JAVA_CLIENT, GO_CLIENT, NODE_HTTP_CLIENT, NODE_FETCH_CLIENT];

// ---------------------------------------------------------------- service clients

export const PSQL_CLIENT = (sslmode: string): ClientProgram =>
  binary(`psql-${sslmode}`, 'psql', 'psql', (c) => ['-w', '-X', `host=${c.host} port=${c.port} user=app dbname=app connect_timeout=${c.timeoutS} sslmode=${sslmode}`, '-c', 'select 1'], () => ({ PGPASSWORD: '', PGCONNECT_TIMEOUT: '' }));

export const REDIS_CLIENT: ClientProgram = { ...binary('redis-cli', 'redis-cli', 'redis-cli', (c) => ['-h', c.host, '-p', String(c.port), 'PING']), printsErrorsWithExitZero: true };

export const MARIADB_CLIENT = binary('mariadb', 'mariadb', 'mariadb', (c) => ['--no-defaults', '-h', c.host, '-P', String(c.port), '-u', 'app', `--connect-timeout=${c.timeoutS}`, '-e', 'select 1']);

export const SSH_CLIENT = binary('ssh', 'ssh', 'ssh', (c) => [
  '-F', '/dev/null', '-o', 'BatchMode=yes', '-o', `ConnectTimeout=${c.timeoutS}`, '-o', 'StrictHostKeyChecking=no', '-o', 'UserKnownHostsFile=/dev/null', '-o', 'LogLevel=ERROR', '-p', String(c.port), `app@${c.host}`, 'true',
]);
