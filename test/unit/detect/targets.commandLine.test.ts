import * as assert from 'node:assert/strict';
import { commandLineTarget, commandWords, completeTarget } from '../../../src/core/detect/commandLine';
import type { Incident } from '../../../src/core/types';

function incident(over: Partial<Incident> = {}): Incident {
  return {
    key: 'refused|os.connection-refused||', category: 'refused', also: [], code: 'ECONNREFUSED', syscall: null,
    host: null, port: null, url: null, ecosystem: null, rule: 'os.connection-refused', count: 1,
    text: 'Connection refused', line: 1, endLine: 1, firstSeen: 0, lastSeen: 0, ...over,
  };
}

const target = (line: string): { host: string | null; port: number | null; proxy?: unknown } | null => {
  const t = commandLineTarget(line);
  return t === null ? null : { host: t.host, port: t.port, ...(t.proxy ? { proxy: t.proxy } : {}) };
};

describe('targets: the command line that ran', () => {
  it('splits words as a shell would, without running anything', () => {
    assert.deepEqual(commandWords(`psql "host=db port=6543" -c 'select 1' && echo ok | tee x; a\\ b`), [
      ['psql', 'host=db port=6543', '-c', 'select 1'], ['echo', 'ok'], ['tee', 'x'], ['a b'],
    ]);
    assert.deepEqual(commandWords('$(curl http://a:1)'), [['$'], ['curl', 'http://a:1']]);
  });

  it('ssh: -p, -o Port=, user@host, ssh:// and options after the destination; -J is the jump host', () => {
    assert.deepEqual(target('ssh -p 2222 deploy@build.example'), { host: 'build.example', port: 2222 });
    assert.deepEqual(target('ssh -v -p2222 build.example'), { host: 'build.example', port: 2222 });
    assert.deepEqual(target('ssh build.example -p 2200 uptime -l'), { host: 'build.example', port: 2200 });
    assert.deepEqual(target('ssh -o Port=2022 -i ~/.ssh/id build.example'), { host: 'build.example', port: 2022 });
    assert.deepEqual(target('ssh ssh://git@[::1]:2222'), { host: '::1', port: 2222 });
    assert.deepEqual(target('ssh -l deploy 10.0.0.7 ls -p'), { host: '10.0.0.7', port: null });
    assert.deepEqual(target('ssh -J jump.example:2201 inner.example'), { host: 'inner.example', port: null, proxy: { host: 'jump.example', port: 2201 } });
  });

  it('psql: -h/-p, --host=, a URI, a conninfo string, PGHOST/PGPORT; a Unix socket names no host', () => {
    assert.deepEqual(target('psql -h db.internal -p 6543 -U app'), { host: 'db.internal', port: 6543 });
    assert.deepEqual(target('psql --host=db.internal --port 6000 mydb'), { host: 'db.internal', port: 6000 });
    assert.deepEqual(target('psql "postgresql://app:pw@db.internal:6432/app?sslmode=require"'), { host: 'db.internal', port: 6432 });
    assert.deepEqual(target("psql 'host=db.internal port=7000 dbname=x'"), { host: 'db.internal', port: 7000 });
    assert.deepEqual(target('PGHOST=db.internal PGPORT=5433 psql -c "select 1"'), { host: 'db.internal', port: 5433 });
    assert.equal(target('psql -h /var/run/postgresql'), null);
    assert.equal(target('psql -U postgres'), null);
  });

  it('redis-cli, mysql/mariadb, mongosh, nc, telnet', () => {
    assert.deepEqual(target('redis-cli -h cache.internal -p 6390 ping'), { host: 'cache.internal', port: 6390 });
    assert.deepEqual(target('redis-cli ping'), { host: '127.0.0.1', port: null });
    assert.deepEqual(target('redis-cli -u redis://cache.internal:6400/0 ping'), { host: 'cache.internal', port: 6400 });
    assert.deepEqual(target('mysql -h db.internal -P 3307 -u root -psecret'), { host: 'db.internal', port: 3307 });
    assert.deepEqual(target('mariadb -hdb.internal -P3308 -p'), { host: 'db.internal', port: 3308 });
    assert.deepEqual(target('mysql --host=127.0.0.1 --port=3310 -e "select 1"'), { host: '127.0.0.1', port: 3310 });
    // localhost without --protocol=tcp is the Unix socket.
    assert.equal(target('mysql -h localhost -u root'), null);
    assert.deepEqual(target('mongosh "mongodb://a.internal:27018,b.internal:27019/db"'), { host: 'a.internal', port: 27018 });
    assert.deepEqual(target('nc -vz -w 2 10.1.2.3 8443'), { host: '10.1.2.3', port: 8443 });
    // -p is nc's source port and -s its source address: never the peer.
    assert.deepEqual(target('nc -p 4444 -s 10.0.0.9 db.internal 5432'), { host: 'db.internal', port: 5432 });
    assert.deepEqual(target('nc -X connect -x proxy.internal:3128 db.internal 22'), { host: 'db.internal', port: 22, proxy: { host: 'proxy.internal', port: 3128 } });
    assert.equal(target('nc -l 0.0.0.0 8080'), null);
    assert.deepEqual(target('telnet mail.internal 25'), { host: 'mail.internal', port: 25 });
  });

  it('curl, wget, git: the URL they were given, never a referer or a header; the proxy they use', () => {
    assert.deepEqual(target("curl -sS -e https://referer.example/ -H 'Host: other.example' https://api.example.com/v1"), { host: 'api.example.com', port: 443 });
    assert.deepEqual(target('curl localhost:8080/health'), { host: 'localhost', port: 8080 });
    assert.deepEqual(target('curl -x http://proxy.internal:3128 https://api.example.com/'), { host: 'api.example.com', port: 443, proxy: { host: 'proxy.internal', port: 3128 } });
    assert.deepEqual(target('https_proxy=http://127.0.0.1:8888 curl https://api.example.com/'), { host: 'api.example.com', port: 443, proxy: { host: '127.0.0.1', port: 8888 } });
    assert.deepEqual(target('wget -O- -e https_proxy=proxy.internal:3128 https://files.example/x.tgz'), { host: 'files.example', port: 443, proxy: { host: 'proxy.internal', port: 3128 } });
    assert.deepEqual(target('git clone git@github.com:org/repo.git'), { host: 'github.com', port: 22 });
    assert.deepEqual(target('git -C /src fetch ssh://git@git.internal:2222/org/repo.git'), { host: 'git.internal', port: 2222 });
    assert.deepEqual(target('git -c http.proxy=http://proxy.internal:8080 ls-remote https://git.internal/x.git'), { host: 'git.internal', port: 443, proxy: { host: 'proxy.internal', port: 8080 } });
    assert.deepEqual(target('git ls-remote git://127.0.0.1:9999/x.git'), { host: '127.0.0.1', port: 9999 });
    assert.equal(target('git status'), null);
    assert.equal(target('curl --unix-socket /var/run/docker.sock http://localhost/info'), null);
  });

  it('wrappers, other programs, and several different targets', () => {
    assert.deepEqual(target('sudo -u postgres psql -h db.internal'), { host: 'db.internal', port: null });
    assert.deepEqual(target('timeout 5 nc db.internal 5432'), { host: 'db.internal', port: 5432 });
    assert.deepEqual(target('node fetch.js http://127.0.0.1:3000/x'), { host: '127.0.0.1', port: 3000 });
    assert.equal(target('npm start'), null);
    assert.equal(target('curl http://a.example:1 http://b.example:2'), null);
    assert.equal(commandLineTarget('curl https://a.example https://a.example/x')?.port, 443);
    assert.equal(target(`curl ${'x'.repeat(5000)}`), null);
  });
});

describe('targets: the command line completes the incident', () => {
  it('takes the one URL of the command when the output names no host', () => {
    const inc = incident({ category: 'reset', rule: 'curl.recv-failure', key: 'reset|curl.recv-failure||' });
    const out = completeTarget(inc, "curl -sS 'http://127.0.0.1:4000/x'");
    assert.equal(out.host, '127.0.0.1');
    assert.equal(out.port, 4000);
    assert.equal(out.portFrom, 'commandLine');
    assert.equal(out.key, 'reset|curl.recv-failure|127.0.0.1|4000');
  });

  it('keeps the incident when the output has a target, or the command names none or several', () => {
    const named = incident({ host: 'x', port: 1, portFrom: 'output' });
    assert.equal(completeTarget(named, 'curl http://x:2'), named);
    const inc = incident();
    assert.equal(completeTarget(inc, 'npm start'), inc);
    assert.equal(completeTarget(inc, 'curl http://a:1 http://b:2'), inc);
  });

  it('masks credentials of the URL', () => {
    const out = completeTarget(incident(), 'curl https://user:secret@api.example.com/');
    assert.ok(!String(out.url).includes('secret'));
  });

  it('a host without a port gets the port of the command line, then the program default', () => {
    // MariaDB 10.11 prints no port: `Can't connect to server on '127.0.0.1' (115)`.
    const maria = incident({ host: '127.0.0.1', ecosystem: 'mysql' });
    assert.deepEqual(pick(completeTarget(maria, 'mariadb -h 127.0.0.1 -P 3307')), { host: '127.0.0.1', port: 3307, portFrom: 'commandLine' });
    assert.deepEqual(pick(completeTarget(maria, 'mariadb -h localhost --protocol=tcp -P 3307')), { host: '127.0.0.1', port: 3307, portFrom: 'commandLine' });
    assert.deepEqual(pick(completeTarget(maria, 'make db')), { host: '127.0.0.1', port: 3306, portFrom: 'default' });
    // A default put there by the detector yields to the command line.
    const psql = incident({ host: 'db.internal', port: 5432, portFrom: 'default', ecosystem: 'postgres' });
    assert.deepEqual(pick(completeTarget(psql, 'psql -h db.internal -p 6543')), { host: 'db.internal', port: 6543, portFrom: 'commandLine' });
    assert.deepEqual(pick(completeTarget(incident({ host: 'git.internal' }), 'ssh git.internal')), { host: 'git.internal', port: 22, portFrom: 'default' });
    // Another host on the command line says nothing about this one's port.
    assert.deepEqual(pick(completeTarget(incident({ host: 'other.internal' }), 'psql -h db.internal -p 6543')), { host: 'other.internal', port: 5432, portFrom: 'default' });
  });

  it('a failure at the proxy names both: the destination as the target, the proxy as proxy', () => {
    // curl 7.88: `curl: (7) Failed to connect to 127.0.0.1 port 8888 after 0 ms: Couldn't connect to server`.
    const inc = incident({ host: '127.0.0.1', port: 8888, portFrom: 'output', rule: 'curl.connect-failed' });
    const out = completeTarget(inc, 'https_proxy=http://127.0.0.1:8888 curl https://api.example.com/v1');
    assert.deepEqual(pick(out), { host: 'api.example.com', port: 443, portFrom: 'commandLine' });
    assert.deepEqual(out.proxy, { host: '127.0.0.1', port: 8888 });
    assert.equal(out.url, 'https://api.example.com/v1');
    // The output naming the destination keeps it; the proxy is still recorded.
    const direct = completeTarget(incident({ host: 'api.example.com', port: 443, portFrom: 'output' }), 'curl -x proxy.internal:3128 https://api.example.com/');
    assert.deepEqual(direct.proxy, { host: 'proxy.internal', port: 3128 });
  });
});

function pick(i: Incident): { host: string | null; port: number | null; portFrom: string | undefined } {
  return { host: i.host, port: i.port, portFrom: i.portFrom };
}
