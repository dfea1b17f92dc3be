/**
 * The target a command line names: `ssh -p 2222 user@host`, `psql -h db -p 6543`,
 * `psql postgresql://…`, `redis-cli -h … -p …`, `mysql -h … -P …`, `nc HOST PORT`,
 * the URL given to curl/wget/git (and its proxy: `curl -x`, `https_proxy=… curl`),
 * and the program's default port. Pure and linear: the command line is untrusted
 * text, split into words by hand (never a shell), at most MAX_COMMAND_LINE characters.
 *
 * Option letters come from the clients' own usage (this machine: OpenSSH_9.2p1, psql 15.18,
 * redis-cli 7.0.15, mariadb 10.11, OpenBSD netcat 1.219, curl 7.88.1, GNU Wget 1.21.3, git 2.39.5).
 */
import { maskSecrets } from '../diagnose/mask';
import { isLoopbackHost, unbracket } from '../target/address';
import { PROXY_VARS } from '../target/proxyVars';
import { defaultPort, programScheme } from '../target/schemes';
import type { Incident } from '../types';
import { parseUrlOf, programOfLines, serviceDefaultPort } from './extract';
import { cleanHost, cleanPort, splitHostPort } from './hosts';
import { incidentKey } from './incidentBuilder';

/** Longest command line examined. */
export const MAX_COMMAND_LINE = 4_096;

/** A proxy (or jump host) the connection goes through. */
export interface ProxyRef {
  host: string;
  port: number | null;
}

/** What a command line names. `port` is only what is written; see programPort for the default. */
export interface CommandLineTarget {
  /** Base name of the program that ran (`psql`, `ssh`, `curl`, …). */
  program: string;
  /** The scheme the program speaks (`ssh`, `postgresql`, …), or the URL's, or null. */
  scheme: string | null;
  host: string | null;
  port: number | null;
  url: string | null;
  proxy: ProxyRef | null;
}

/** Proxy variables a command line may set before the program (no_proxy is not a proxy). */
const PROXY_VARIABLES: ReadonlySet<string> = new Set(PROXY_VARS.filter((v) => !/^no_proxy$/i.test(v)));

/** Words of a shell command line, split into simple commands at `;`, `&&`, `||`, `|`, `&`. Quotes are removed; nothing is expanded. */
export function commandWords(commandLine: string): string[][] {
  const commands: string[][] = [];
  let words: string[] = [];
  let word = '';
  let inWord = false;
  let quote: '"' | "'" | null = null;
  const endWord = (): void => {
    if (inWord) words.push(word);
    word = '';
    inWord = false;
  };
  const endCommand = (): void => {
    endWord();
    if (words.length > 0) commands.push(words);
    words = [];
  };
  const text = commandLine.length > MAX_COMMAND_LINE ? commandLine.slice(0, MAX_COMMAND_LINE) : commandLine;
  for (let i = 0; i < text.length; i++) {
    const ch = text[i];
    if (quote !== null) {
      if (ch === quote) quote = null;
      else if (ch === '\\' && quote === '"' && i + 1 < text.length && '"\\$`'.includes(text[i + 1])) word += text[++i];
      else word += ch;
      continue;
    }
    if (ch === '"' || ch === "'") {
      quote = ch;
      inWord = true;
    } else if (ch === '\\' && i + 1 < text.length) {
      word += text[++i];
      inWord = true;
    } else if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r') {
      endWord();
    } else if (ch === ';' || ch === '|' || ch === '&' || ch === '(' || ch === ')') {
      endCommand();
    } else {
      word += ch;
      inWord = true;
    }
  }
  endCommand();
  return commands;
}

/** Options and operands of one command, getopt style: `-p22`, `-p 22`, `-vp 22`, `--port=22`, `--port 22`, `--`. */
interface Parsed {
  options: Map<string, string[]>;
  flags: Set<string>;
  operands: string[];
}

interface OptionSpec {
  /** Short option letters that take an argument. */
  short: string;
  /** Long options (without `--`) that take an argument. */
  long?: readonly string[];
  /** Short options whose argument must be attached (`mysql -psecret`). */
  attachedOnly?: string;
  /** Options stop once this many operands are read. */
  stopAfter?: number;
  /** With stopAfter: options may still follow the last operand, up to the next operand (ssh: `ssh host -p 22 cmd`). */
  optionsAfter?: boolean;
}

function getopt(args: readonly string[], spec: OptionSpec): Parsed {
  const options = new Map<string, string[]>();
  const flags = new Set<string>();
  const operands: string[] = [];
  const long = new Set(spec.long ?? []);
  const add = (name: string, value: string): void => {
    const list = options.get(name);
    if (list) list.push(value);
    else options.set(name, [value]);
  };
  let i = 0;
  for (; i < args.length; i++) {
    const a = args[i];
    if (spec.stopAfter !== undefined && operands.length >= spec.stopAfter && (!spec.optionsAfter || !a.startsWith('-'))) break;
    if (a === '--') {
      i++;
      break;
    }
    if (a.startsWith('--')) {
      const eq = a.indexOf('=');
      const name = eq === -1 ? a.slice(2) : a.slice(2, eq);
      if (eq !== -1) add(name, a.slice(eq + 1));
      else if (long.has(name) && i + 1 < args.length) add(name, args[++i]);
      else flags.add(name);
      continue;
    }
    if (a.startsWith('-') && a.length > 1) {
      for (let j = 1; j < a.length; j++) {
        const letter = a[j];
        if (spec.attachedOnly?.includes(letter)) {
          add(letter, a.slice(j + 1));
          break;
        }
        if (spec.short.includes(letter)) {
          const rest = a.slice(j + 1);
          if (rest !== '') add(letter, rest);
          else if (i + 1 < args.length) add(letter, args[++i]);
          break;
        }
        flags.add(letter);
      }
      continue;
    }
    operands.push(a);
  }
  for (; i < args.length; i++) operands.push(args[i]);
  return { options, flags, operands };
}

const first = (p: Parsed, ...names: string[]): string | undefined => {
  for (const n of names) {
    const v = p.options.get(n);
    if (v && v.length > 0) return v[v.length - 1];
  }
  return undefined;
};

type Found = Omit<CommandLineTarget, 'program'>;

const NOTHING: Found = { scheme: null, host: null, port: null, url: null, proxy: null };

/** A URL or `host[:port]` word as a target; `defaultScheme` for words without `://` (curl assumes http). */
function urlWord(word: string, defaultScheme: string | null): Found | null {
  if (word.includes('://')) {
    const peer = parseUrlOf(word);
    if (peer === null || peer.host === null) return null;
    const scheme = word.slice(0, word.indexOf('://')).toLowerCase();
    return { scheme, host: peer.host, port: peer.port, url: peer.url, proxy: null };
  }
  if (defaultScheme === null || word.startsWith('-') || word.startsWith('/') || word.startsWith('.')) return null;
  const authority = word.split(/[/?#]/, 1)[0];
  const { host, port } = splitHostPort(authority.slice(authority.lastIndexOf('@') + 1));
  // A bare word names a host only when it looks like one (has a dot, a port, or is localhost).
  if (host === null || (port === null && !host.includes('.') && !host.includes(':') && host !== 'localhost')) return null;
  return { scheme: defaultScheme, host, port: port ?? defaultPort(defaultScheme), url: null, proxy: null };
}

/** A proxy written as `[scheme://][user@]host[:port]`. */
function proxyWord(word: string | undefined, defaultPort: number | null): ProxyRef | null {
  if (!word) return null;
  const rest = word.includes('://') ? word.slice(word.indexOf('://') + 3) : word;
  const authority = rest.split(/[/?#]/, 1)[0];
  const { host, port } = splitHostPort(authority.slice(authority.lastIndexOf('@') + 1));
  return host === null ? null : { host, port: port ?? (word.startsWith('https://') ? 443 : defaultPort) };
}

/** `[user@]host` or `ssh://[user@]host[:port]`. */
function sshDestination(word: string | undefined): { host: string | null; port: number | null } {
  if (!word) return { host: null, port: null };
  if (word.startsWith('ssh://')) {
    const authority = word.slice(6).split(/[/?#]/, 1)[0];
    return splitHostPort(authority.slice(authority.lastIndexOf('@') + 1));
  }
  const host = word.slice(word.lastIndexOf('@') + 1);
  return { host: cleanHost(host), port: null };
}

function ssh(args: readonly string[]): Found {
  // OpenSSH 9.2 getopt: "1246ab:c:e:fgi:kl:m:no:p:qstvxAB:CD:E:F:GI:J:KL:MNO:P:Q:R:S:TVw:W:XYy"; options may follow the destination.
  const p = getopt(args, { short: 'bceilmopBDEFIJLOPQRSwW', stopAfter: 1, optionsAfter: true });
  const dest = sshDestination(p.operands[0]);
  let port = cleanPort(first(p, 'p'));
  for (const o of p.options.get('o') ?? []) {
    const m = /^port\s*[= ]\s*(\d{1,5})$/i.exec(o.trim());
    if (m) port = cleanPort(m[1]);
  }
  const jump = first(p, 'J')?.split(',')[0];
  return { scheme: 'ssh', host: dest.host, port: dest.port ?? port, url: null, proxy: jump ? proxyWord(jump.slice(jump.lastIndexOf('@') + 1), 22) : null };
}

/** `host=… port=…` (libpq keyword/value connection string). */
function conninfo(text: string): { host: string | null; port: number | null } {
  let host: string | null = null;
  let port: number | null = null;
  for (const part of text.split(/\s+/)) {
    const eq = part.indexOf('=');
    if (eq === -1) continue;
    const key = part.slice(0, eq).toLowerCase();
    const value = part.slice(eq + 1).replace(/^'|'$/g, '');
    if (key === 'host' || (key === 'hostaddr' && host === null)) host = value.startsWith('/') ? null : cleanHost(value.split(',')[0]);
    if (key === 'port') port = cleanPort(value.split(',')[0]);
  }
  return { host, port };
}

function postgres(args: readonly string[], env: ReadonlyMap<string, string>): Found {
  // psql 15 options with an argument: -c -d -f -h -L -o -p -P -R -F -T -U -v (and their long forms).
  const p = getopt(args, {
    short: 'cdfhLopPRFTUvt',
    long: ['command', 'dbname', 'file', 'host', 'log-file', 'output', 'port', 'pset', 'record-separator', 'field-separator', 'table-attr', 'username', 'set', 'variable', 'timeout'],
  });
  const db = first(p, 'd', 'dbname') ?? p.operands[0];
  let host: string | null = null;
  let port: number | null = null;
  let url: string | null = null;
  if (db !== undefined && /^postgres(?:ql)?:\/\//i.test(db)) {
    const peer = parseUrlOf(db);
    if (peer !== null) ({ host, port, url } = { host: peer.host, port: peer.url !== null && /:\d{1,5}(?:[/?]|$)/.test(db.split('@').pop() ?? '') ? peer.port : null, url: peer.url });
  } else if (db !== undefined && db.includes('=')) {
    ({ host, port } = conninfo(db));
  }
  const h = first(p, 'h', 'host') ?? env.get('PGHOST');
  if (h !== undefined) host = h.startsWith('/') ? null : cleanHost(h.split(',')[0]);
  const written = first(p, 'p', 'port') ?? env.get('PGPORT');
  if (written !== undefined) port = cleanPort(written.split(',')[0]);
  return { scheme: 'postgresql', host, port, url, proxy: null };
}

function mysql(args: readonly string[]): Found {
  // mariadb 10.11 / mysql 8: -h host, -P port, -u user, -D db, -e stmt, -S socket; -p[password] takes only an attached value.
  const p = getopt(args, { short: 'hPuDeSO', attachedOnly: 'p', long: ['host', 'port', 'user', 'database', 'execute', 'socket', 'protocol', 'defaults-file'] });
  const h = first(p, 'h', 'host');
  const protocol = first(p, 'protocol')?.toLowerCase();
  // Without -h (or with localhost and no --protocol=tcp) the client uses the Unix socket.
  const host = h === undefined || (h === 'localhost' && protocol !== 'tcp') ? null : cleanHost(h);
  return { scheme: 'mysql', host, port: cleanPort(first(p, 'P', 'port')), url: null, proxy: null };
}

function redis(args: readonly string[]): Found {
  // redis-cli 7.0: -h host (default 127.0.0.1), -p port, -s socket, -a password, -u uri, -n db, -r/-i repeat, -d/-D delimiters.
  const p = getopt(args, { short: 'hpsaunridD', long: ['user', 'pass', 'sni', 'cacert', 'cacertdir', 'cert', 'key', 'tls-ciphers', 'tls-ciphersuites', 'pattern', 'count', 'eval', 'rdb', 'functions-rdb', 'pipe-timeout', 'memkeys-samples', 'intrinsic-latency'] });
  const scheme = p.flags.has('tls') ? 'rediss' : 'redis';
  const uri = first(p, 'u');
  if (uri !== undefined) {
    const found = urlWord(uri, null);
    if (found !== null) return found;
  }
  if (first(p, 's') !== undefined) return NOTHING;
  return { scheme, host: cleanHost(first(p, 'h') ?? '127.0.0.1'), port: cleanPort(first(p, 'p')), url: null, proxy: null };
}

function mongo(args: readonly string[]): Found {
  const p = getopt(args, { short: 'uph', long: ['host', 'port', 'username', 'password', 'eval', 'file', 'authenticationDatabase', 'tlsCAFile'] });
  const uri = p.operands.find((o) => o.startsWith('mongodb://') || o.startsWith('mongodb+srv://'));
  if (uri !== undefined) return urlWord(uri, null) ?? NOTHING;
  const h = first(p, 'host') ?? p.operands[0];
  if (h === undefined) return NOTHING;
  const hp = splitHostPort(h.split('/')[0]);
  return { scheme: 'mongodb', host: hp.host, port: cleanPort(first(p, 'port')) ?? hp.port, url: null, proxy: null };
}

function netcat(args: readonly string[]): Found {
  // OpenBSD netcat 1.219: -I -i -M -m -O -P -p (source port) -s (source address) -T -V -W -w -X -x (proxy) take an argument.
  const p = getopt(args, { short: 'IiMmOPpsTVWwXxe', long: ['proxy', 'proxy-type', 'source', 'source-port', 'wait'] });
  if (p.flags.has('l') || p.flags.has('listen')) return NOTHING;
  const host = cleanHost(p.operands[0]);
  const portWord = p.operands[1];
  const port = portWord === undefined ? null : cleanPort(/^\d{1,5}/.exec(portWord)?.[0]);
  const proxyKind = first(p, 'X', 'proxy-type');
  const proxy = proxyWord(first(p, 'x', 'proxy'), proxyKind === 'connect' ? 3128 : 1080);
  return { scheme: null, host, port, url: null, proxy };
}

function telnet(args: readonly string[]): Found {
  const p = getopt(args, { short: 'beklnSX' });
  return { scheme: 'telnet', host: cleanHost(p.operands[0]), port: cleanPort(p.operands[1]), url: null, proxy: null };
}

// curl 7.88 options that take an argument (so their argument is never read as the URL: `-e REFERER`, `-H`, `-d`, …).
const CURL_SHORT = 'AbcCdDeEFHKmoPQrTtuUwxXyYz';
const CURL_LONG = [
  'abstract-unix-socket', 'alt-svc', 'aws-sigv4', 'cacert', 'capath', 'cert', 'cert-type', 'ciphers', 'config', 'connect-timeout', 'connect-to', 'continue-at',
  'cookie', 'cookie-jar', 'create-file-mode', 'crlfile', 'curves', 'data', 'data-ascii', 'data-binary', 'data-raw', 'data-urlencode', 'delegation', 'dns-interface',
  'dns-ipv4-addr', 'dns-ipv6-addr', 'dns-servers', 'doh-url', 'dump-header', 'egd-file', 'engine', 'etag-compare', 'etag-save', 'expect100-timeout', 'form',
  'form-string', 'ftp-account', 'ftp-alternative-to-user', 'ftp-method', 'ftp-port', 'ftp-ssl-ccc-mode', 'happy-eyeballs-timeout-ms', 'haproxy-clientip', 'header',
  'hostpubmd5', 'hostpubsha256', 'hsts', 'interface', 'json', 'keepalive-time', 'key', 'key-type', 'krb', 'libcurl', 'limit-rate', 'local-port', 'login-options',
  'mail-auth', 'mail-from', 'mail-rcpt', 'max-filesize', 'max-redirs', 'max-time', 'netrc-file', 'noproxy', 'oauth2-bearer', 'output', 'output-dir', 'parallel-max',
  'pass', 'pinnedpubkey', 'preproxy', 'proto', 'proto-default', 'proto-redir', 'proxy', 'proxy-cacert', 'proxy-capath', 'proxy-cert', 'proxy-cert-type',
  'proxy-ciphers', 'proxy-crlfile', 'proxy-header', 'proxy-key', 'proxy-key-type', 'proxy-pass', 'proxy-pinnedpubkey', 'proxy-service-name', 'proxy-tls13-ciphers',
  'proxy-tlsauthtype', 'proxy-tlspassword', 'proxy-tlsuser', 'proxy-user', 'proxy1.0', 'pubkey', 'quote', 'random-file', 'range', 'rate', 'referer', 'request',
  'request-target', 'resolve', 'retry', 'retry-delay', 'retry-max-time', 'sasl-authzid', 'service-name', 'socks4', 'socks4a', 'socks5', 'socks5-gssapi-service',
  'socks5-hostname', 'speed-limit', 'speed-time', 'stderr', 'telnet-option', 'tftp-blksize', 'time-cond', 'tls-max', 'tls13-ciphers', 'tlsauthtype', 'tlspassword',
  'tlsuser', 'trace', 'trace-ascii', 'unix-socket', 'upload-file', 'url', 'url-query', 'user', 'user-agent', 'variable', 'write-out', 'ws-subprotocol',
];

function curl(args: readonly string[], env: ReadonlyMap<string, string>): Found[] {
  const p = getopt(args, { short: CURL_SHORT, long: CURL_LONG });
  if (first(p, 'unix-socket', 'abstract-unix-socket') !== undefined) return [];
  const words = [...(p.options.get('url') ?? []), ...p.operands];
  const proxy =
    proxyWord(first(p, 'x', 'proxy'), 1080) ??
    proxyWord(first(p, 'socks5', 'socks5-hostname', 'socks4', 'socks4a', 'preproxy'), 1080) ??
    null;
  return words.map((w) => urlWord(w, 'http')).filter((f): f is Found => f !== null).map((f) => ({ ...f, proxy: proxy ?? envProxy(env, f.scheme) }));
}

function wget(args: readonly string[], env: ReadonlyMap<string, string>): Found[] {
  // GNU Wget 1.21: -e COMMAND (`-e https_proxy=…`), -O -o -a -i -t -T -w -P -U -B -Q -D -A -R -I -X take an argument.
  const p = getopt(args, { short: 'eOoaitTwPUBQDARIXl', long: ['execute', 'output-document', 'output-file', 'header', 'user', 'password', 'post-data', 'post-file', 'user-agent', 'tries', 'timeout', 'wait', 'directory-prefix', 'referer', 'load-cookies', 'save-cookies', 'ca-certificate', 'certificate', 'private-key', 'bind-address'] });
  const commands = new Map(env);
  for (const e of p.options.get('e') ?? []) {
    const eq = e.indexOf('=');
    if (eq > 0) commands.set(e.slice(0, eq).trim(), e.slice(eq + 1).trim());
  }
  if (/^(?:off|no)$/i.test(commands.get('use_proxy') ?? '') || p.flags.has('no-proxy')) commands.clear();
  return p.operands.map((w) => urlWord(w, 'http')).filter((f): f is Found => f !== null).map((f) => ({ ...f, proxy: envProxy(commands, f.scheme) }));
}

/** `[user@]host:path` (git's scp-like syntax): an ssh remote on port 22. */
function scpLike(word: string): Found | null {
  const colon = word.indexOf(':');
  const slash = word.indexOf('/');
  if (colon <= 1 || (slash !== -1 && slash < colon) || word.includes('://')) return null;
  const host = cleanHost(word.slice(word.lastIndexOf('@', colon) + 1, colon));
  return host === null ? null : { scheme: 'ssh', host, port: 22, url: null, proxy: null };
}

const GIT_REMOTE_COMMANDS = new Set(['clone', 'ls-remote', 'fetch', 'pull', 'push', 'archive', 'submodule', 'remote']);

function git(args: readonly string[], env: ReadonlyMap<string, string>): Found[] {
  // Global options before the subcommand: -C DIR, -c name=value (http.proxy), --git-dir, --work-tree, --namespace.
  const globals = getopt(args, { short: 'Cc', long: ['git-dir', 'work-tree', 'namespace', 'exec-path', 'config-env'], stopAfter: 1 });
  const [sub, ...rest] = globals.operands;
  if (sub === undefined || !GIT_REMOTE_COMMANDS.has(sub)) return [];
  let proxyText: string | undefined;
  for (const c of globals.options.get('c') ?? []) if (/^https?\.proxy=/i.test(c)) proxyText = c.slice(c.indexOf('=') + 1);
  const p = getopt(rest, { short: 'obujc', long: ['origin', 'branch', 'upload-pack', 'receive-pack', 'reference', 'depth', 'config', 'template', 'separate-git-dir', 'server-option', 'filter', 'shallow-since', 'shallow-exclude', 'jobs', 'remote', 'exec', 'format', 'prefix', 'output'] });
  const words = [...p.operands, ...(p.options.get('remote') ?? [])];
  const found: Found[] = [];
  for (const w of words) {
    const f = w.includes('://') ? urlWord(w, null) : scpLike(w);
    if (f !== null) found.push({ ...f, proxy: f.scheme === 'http' || f.scheme === 'https' ? proxyWord(proxyText, 1080) ?? envProxy(env, f.scheme) : null });
  }
  return found;
}

/** The proxy the environment of the command names for a scheme (`https_proxy=… curl …`). */
function envProxy(env: ReadonlyMap<string, string>, scheme: string | null): ProxyRef | null {
  if (scheme !== 'http' && scheme !== 'https') return null;
  const value = env.get(`${scheme}_proxy`) ?? env.get(`${scheme.toUpperCase()}_PROXY`) ?? env.get('all_proxy') ?? env.get('ALL_PROXY');
  return proxyWord(value, 1080);
}

/** Wrappers that run the next word as the command (`sudo`, `time`, `env`, …), with their options that take an argument. */
const WRAPPERS: Readonly<Record<string, string>> = { sudo: 'ugCDhprtUT', doas: 'uC', env: 'uCS', time: 'fo', nice: 'n', nohup: '', exec: 'a', command: '', timeout: 'sk', stdbuf: 'ioe', ionice: 'cnp', chronic: '', unbuffer: '', caffeinate: 'tw' };

function targetsOfCommand(words: readonly string[]): { program: string; found: Found[] } | null {
  const env = new Map<string, string>();
  let i = 0;
  for (;;) {
    while (i < words.length && /^[A-Za-z_][A-Za-z0-9_]{0,63}=/.test(words[i])) {
      const eq = words[i].indexOf('=');
      env.set(words[i].slice(0, eq), words[i].slice(eq + 1));
      i++;
    }
    if (i >= words.length) return null;
    const name = basename(words[i]);
    const wrapper = WRAPPERS[name];
    if (wrapper === undefined) break;
    const p = getopt(words.slice(i + 1), { short: wrapper, stopAfter: name === 'timeout' ? 2 : 1 });
    const skipped = words.length - (i + 1) - p.operands.length;
    i += 1 + skipped + (name === 'timeout' ? 1 : 0);
  }
  const program = basename(words[i]);
  const args = words.slice(i + 1);
  for (const k of [...env.keys()]) if (!PROXY_VARIABLES.has(k) && k !== 'PGHOST' && k !== 'PGPORT') env.delete(k);
  let found: Found[];
  // curl and wget speak HTTP by default and git several schemes: they are told apart by name, the others by the service they speak.
  switch (['curl', 'wget', 'git', 'nc', 'ncat', 'netcat'].includes(program) ? program : (programScheme(program) ?? program)) {
    case 'ssh':
      found = program === 'ssh' || program === 'autossh' ? [ssh(args)] : [];
      break;
    case 'postgresql':
      found = [postgres(args, env)];
      break;
    case 'mysql':
      found = [mysql(args)];
      break;
    case 'redis':
      found = [redis(args)];
      break;
    case 'mongodb':
      found = [mongo(args)];
      break;
    case 'telnet':
      found = [telnet(args)];
      break;
    case 'nc':
    case 'ncat':
    case 'netcat':
      found = [netcat(args)];
      break;
    case 'curl':
      found = curl(args, env);
      break;
    case 'wget':
      found = wget(args, env);
      break;
    case 'git':
      found = git(args, env);
      break;
    default:
      // Any other program (node, python3, java, go run, …): the URLs among its arguments.
      found = args.map((a) => urlWord(a, null)).filter((f): f is Found => f !== null).map((f) => ({ ...f, proxy: envProxy(env, f.scheme) }));
  }
  return { program, found: found.filter((f) => f.host !== null || f.port !== null) };
}

function basename(word: string): string {
  const name = word.slice(word.lastIndexOf('/') + 1);
  return name.endsWith('.exe') ? name.slice(0, -4) : name;
}

/** The one target a command line names, or null when it names none or several different ones. */
export function commandLineTarget(commandLine: string): CommandLineTarget | null {
  if (commandLine.length > MAX_COMMAND_LINE) return null;
  let result: CommandLineTarget | null = null;
  for (const words of commandWords(commandLine)) {
    const named = targetsOfCommand(words);
    if (named === null) continue;
    for (const f of named.found) {
      if (result !== null && (result.host !== f.host || (result.port ?? defaultPort(result.scheme)) !== (f.port ?? defaultPort(f.scheme)))) return null;
      result ??= { program: named.program, ...f };
    }
  }
  return result;
}

/** The port a command line's target is reached on: the one written, else its program's or scheme's default. */
export function commandLinePort(target: CommandLineTarget): number | null {
  return target.port ?? serviceDefaultPort(target.program) ?? defaultPort(target.scheme);
}

/** True when two host spellings name the same peer (case, brackets, trailing dot), or both are this machine's loopback. */
function samePeerHost(a: string, b: string): boolean {
  const norm = (h: string): string => unbracket(h).toLowerCase().replace(/\.$/, '');
  return norm(a) === norm(b) || (isLoopbackHost(a) && isLoopbackHost(b));
}

/**
 * The incident with what the command line adds, in this order: the output's own target first;
 * then the command line (`ssh -p`, `psql -h`, the URL given to curl); then the program's
 * default port. When the output names the proxy the command line goes through, the proxy moves
 * to `proxy` and the destination becomes the target.
 */
export function completeTarget(incident: Incident, commandLine: string | undefined): Incident {
  const cmd = commandLine ? commandLineTarget(commandLine) : null;
  let { host, port, url } = incident;
  let portFrom = incident.portFrom ?? (port !== null ? 'output' : undefined);
  let proxy = incident.proxy ?? null;
  if (cmd !== null) {
    const viaProxy = cmd.proxy !== null && host !== null && samePeerHost(host, cmd.proxy.host) && (port === null || cmd.proxy.port === null || port === cmd.proxy.port);
    if (viaProxy && cmd.host !== null && cmd.proxy !== null && !samePeerHost(cmd.host, cmd.proxy.host)) {
      proxy = { host: cmd.proxy.host, port: cmd.proxy.port ?? port };
      host = cmd.host;
      port = commandLinePort(cmd);
      url = cmd.url;
      portFrom = 'commandLine';
    } else if (host === null && cmd.host !== null) {
      host = cmd.host;
      if (port === null && cmd.port !== null) port = cmd.port;
      url ??= cmd.url;
      portFrom = port !== null ? 'commandLine' : undefined;
      proxy ??= cmd.proxy;
    } else if (host !== null && cmd.host !== null && samePeerHost(host, cmd.host)) {
      if ((port === null || portFrom === 'default') && cmd.port !== null) {
        port = cmd.port;
        portFrom = 'commandLine';
      }
      url ??= port === cmd.port || cmd.port === null ? cmd.url : null;
      proxy ??= cmd.proxy;
    }
  }
  if (host !== null && port === null) {
    port = serviceDefaultPort(cmd?.program) ?? serviceDefaultPort(programOfLines(incident.text.split('\n', 3))) ?? serviceDefaultPort(incident.ecosystem);
    if (port !== null) portFrom = 'default';
  }
  if (host === incident.host && port === incident.port && url === incident.url && proxy === (incident.proxy ?? null) && portFrom === incident.portFrom) return incident;
  return {
    ...incident,
    host,
    port,
    url: url === incident.url || url === null ? url : maskSecrets(url),
    proxy,
    ...(portFrom ? { portFrom } : {}),
    key: incidentKey(incident.category, incident.rule, host, port),
  };
}
