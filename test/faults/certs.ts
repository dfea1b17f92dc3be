/**
 * Test certificates made with the openssl CLI (execFile, no shell) into a temp directory,
 * once per process: a test CA, leaves it signs (valid, expired, wrong host name) and a
 * self-signed leaf. Pass `ca` to the probes' `tlsCa` (or NODE_EXTRA_CA_CERTS=caFile to a child)
 * to trust the CA, so each fault shows alone.
 */
import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A key and certificate pair, PEM. */
export interface KeyCert {
  key: string;
  cert: string;
}

/** Every certificate the fault servers use. */
export interface TestCerts {
  dir: string;
  /** The test CA's certificate (PEM) and its file, to trust. */
  ca: string;
  caFile: string;
  /** Signed by the CA for localhost, 127.0.0.1 and ::1, valid now. */
  valid: KeyCert;
  /** Signed by the CA for localhost, 127.0.0.1 and ::1, valid only in January 2020. */
  expired: KeyCert;
  /** Signed by the CA for wrong.example only, valid now. */
  wrongHost: KeyCert;
  /** Self-signed for localhost, 127.0.0.1 and ::1, valid now. */
  selfSigned: KeyCert;
}

const LOCAL_SAN = 'subjectAltName=DNS:localhost,IP:127.0.0.1,IP:::1';

function openssl(args: string[], cwd: string): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile('openssl', args, { cwd, timeout: 20000 }, (err, _stdout, stderr) => {
      if (err) reject(new Error(`openssl ${args[0] ?? ''} failed: ${stderr || err.message}`));
      else resolve();
    });
  });
}

const EC = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];

const CA_CONFIG = `[ ca ]
default_ca = test
[ test ]
dir = .
database = ./index.txt
serial = ./serial
new_certs_dir = .
default_md = sha256
policy = any
copy_extensions = copy
unique_subject = no
[ any ]
commonName = supplied
`;

function stamp(d: Date): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${d.getUTCFullYear()}${p(d.getUTCMonth() + 1)}${p(d.getUTCDate())}${p(d.getUTCHours())}${p(d.getUTCMinutes())}${p(d.getUTCSeconds())}Z`;
}

async function leaf(dir: string, name: string, cn: string, san: string, start: string, end: string): Promise<KeyCert> {
  await openssl(['req', '-new', ...EC, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${cn}`, '-addext', san], dir);
  await openssl(['ca', '-batch', '-config', 'ca.cnf', '-cert', 'ca.pem', '-keyfile', 'ca.key', '-in', `${name}.csr`, '-out', `${name}.pem`, '-startdate', start, '-enddate', end, '-notext'], dir);
  return { key: await readFile(join(dir, `${name}.key`), 'utf8'), cert: await readFile(join(dir, `${name}.pem`), 'utf8') };
}

async function generate(): Promise<TestCerts> {
  const dir = await mkdtemp(join(tmpdir(), 'cd-certs-'));
  await writeFile(join(dir, 'ca.cnf'), CA_CONFIG);
  await writeFile(join(dir, 'index.txt'), '');
  await writeFile(join(dir, 'serial'), '1000\n');
  await openssl(['req', '-x509', ...EC, '-keyout', 'ca.key', '-out', 'ca.pem', '-days', '30', '-subj', '/CN=Connection Doctor Test CA', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], dir);
  const now = Date.now();
  const from = stamp(new Date(now - 24 * 3600 * 1000));
  const to = stamp(new Date(now + 30 * 24 * 3600 * 1000));
  const valid = await leaf(dir, 'valid', 'localhost', LOCAL_SAN, from, to);
  const expired = await leaf(dir, 'expired', 'localhost', LOCAL_SAN, '20200101000000Z', '20200201000000Z');
  const wrongHost = await leaf(dir, 'wrong', 'wrong.example', 'subjectAltName=DNS:wrong.example', from, to);
  await openssl(['req', '-x509', ...EC, '-keyout', 'self.key', '-out', 'self.pem', '-days', '30', '-subj', '/CN=localhost', '-addext', LOCAL_SAN], dir);
  const selfSigned = { key: await readFile(join(dir, 'self.key'), 'utf8'), cert: await readFile(join(dir, 'self.pem'), 'utf8') };
  const caFile = join(dir, 'ca.pem');
  return { dir, ca: await readFile(caFile, 'utf8'), caFile, valid, expired, wrongHost, selfSigned };
}

let cached: Promise<TestCerts> | null = null;

/** The test certificates, generated on first use and cached for the process; removed at exit. */
export function testCerts(): Promise<TestCerts> {
  if (!cached) {
    cached = generate();
    cached.then((c) => process.once('exit', () => rmSync(c.dir, { recursive: true, force: true })), () => undefined);
  }
  return cached;
}
