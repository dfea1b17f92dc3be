/**
 * How programs write the peer of a failure, one format per case, with the wording of the program's
 * source (cited), and the look-alikes beside each format that name something else: this machine's
 * own address, a local ephemeral port, a masked port, a neighbouring line.
 */
import * as assert from 'node:assert/strict';
import { extractPeer } from '../../../src/core/detect/extract';

const peer = (trigger: string, context: string[] = []): string => {
  const p = extractPeer([trigger], context);
  return `${p.host ?? '-'}:${p.port ?? '-'}`;
};

describe('detect: peer formats of programs', () => {
  const cases: [string, string, string][] = [
    // Android libcore IoBridge.connectErrno: "failed to connect to " + inetAddress + " (port " + port + ")".
    ['android libcore', 'java.net.SocketTimeoutException: failed to connect to /10.0.2.2 (port 8080) after 10000ms', '10.0.2.2:8080'],
    ['android libcore with a name', 'java.net.ConnectException: failed to connect to api.example.org/93.184.216.34 (port 443) after 500ms: isConnected failed: ECONNREFUSED', 'api.example.org:443'],
    // Netty AbstractChannel.toString: `[id: 0x…, L:/LOCAL - R:name/ip:port]`: R is the peer.
    ['netty channel', 'ClosedConnectionException: [s0|id: 0xc889594a, L:/192.168.0.3:44688 - R:db.example.com/54.93.231.213:30042] unexpected failure', 'db.example.com:30042'],
    // OpenBSD/macOS netcat: `nc: connectx to %s port %s (%s) failed: %s`.
    ['netcat connectx', 'nc: connectx to 127.0.0.1 port 4999 (tcp) failed: Operation timed out', '127.0.0.1:4999'],
    // inetutils telnet: `telnet: connect to address %s: %s`.
    ['telnet', 'telnet: connect to address 10.28.96.24: Connection refused', '10.28.96.24:-'],
    // curl < 7.50 (yum's curl#7): `Failed to connect to %s: %s` for an IPv6 address.
    ['curl IPv6 without port', 'curl#7 - "Failed to connect to 2607:f8f8:700:12::10: Network is unreachable"', '2607:f8f8:700:12::10:-'],
    // Perl LWP::Protocol::http: `Can't connect to %s:%d (%s)`.
    ['perl LWP', "Can't connect to greenlight.example.com.au:443 (certificate verify failed)", 'greenlight.example.com.au:443'],
    // gRPC core: `Error received from peer ipv4:…`.
    ['grpc peer', 'debug_error_string = "{"description":"Error received from peer ipv4:172.20.64.67:9010","grpc_status":14}"', '172.20.64.67:9010'],
    ['grpc peer ipv6', 'Error received from peer ipv6:[::1]:50051', '::1:50051'],
    // pgpool-II pool_connection_pool.c: `connection to host:"%s:%d" failed`.
    ['pgpool', 'DETAIL:  connection to host:"pg-0.pg-headless.svc.cluster.local:5432" failed', 'pg-0.pg-headless.svc.cluster.local:5432'],
    // Squid errors/templates/ERR_CONNECT_FAIL: `Connection to %I failed.`, German `Verbindung zu %I fehlgeschlagen.`
    ['squid connect fail', 'Connection to 80.237.242.114 failed.', '80.237.242.114:-'],
    ['squid german', '    Verbindung zu 80.237.242.114 Fehlgeschlagen.', '80.237.242.114:-'],
    // BIND dig: isc_sockaddr_format writes `ADDR#PORT`.
    ['dig communications error', ';; communications error to 127.0.0.53#53: timed out', '127.0.0.53:53'],
    ['dig ipv6 server', ';; Connection to 2a00:edc0:6259:7:9::4#53(2a00:edc0:6259:7:9::4) for bbc.com failed: network unreachable.', '2a00:edc0:6259:7:9::4:53'],
    // Java RMI TCPEndpoint: `Exception creating connection to: HOST; nested exception is:`.
    ['java rmi', 'java.rmi.ConnectIOException: Exception creating connection to: 192.168.10.234; nested exception is:', '192.168.10.234:-'],
    // dart:io SocketException.toString: `address = X, port = N` where N is the local port.
    ['dart socket', 'SocketException: OS Error: Connection refused, errno = 111, address = localhost, port = 38278', 'localhost:-'],
    ['dart lookup', "SocketException: Failed host lookup: 'listener.example.io' (OS Error: No address associated with hostname, errno = 7)", 'listener.example.io:-'],
    // Node dns.resolveSrv (mongodb+srv): `querySrv ENOTFOUND _mongodb._tcp.HOST`.
    ['node querySrv', 'Error: querySrv ENOTFOUND _mongodb._tcp.cluster0.abcde.mongodb.net', '_mongodb._tcp.cluster0.abcde.mongodb.net:-'],
    // netdata python.d SocketService: `connecting socket to "%s", port %s`.
    ['netdata', 'python.d ERROR: squid: connecting socket to "127.0.0.1", port 3128 failed', '127.0.0.1:3128'],
    // shadowsocks-rust: `tcp tunnel {} -> {} connect failed, error: {}`.
    ['tunnel arrow', 'ERROR tcp tunnel 127.0.0.1:57472 -> 127.0.0.1:5001 connect failed, error: Connection refused (os error 111)', '127.0.0.1:5001'],
    // R curl: `%s: [%s] %s` (the error, the host, curl's buffer).
    ['r curl', 'Timeout was reached: [api.example.com] Connection timeout after 10007 ms', 'api.example.com:-'],
    // Ansible: `fatal: [%s]: UNREACHABLE! => …`.
    ['ansible', 'fatal: [10.10.10.3]: UNREACHABLE! => {"changed": false, "msg": "Failed to connect to the host via ssh"}', '10.10.10.3:-'],
    // Chromium and Firefox error pages.
    ['chrome cert page', 'Attackers might be trying to steal your information from www.example.net (for example, passwords, messages, or credit cards).', 'www.example.net:-'],
    ['chrome ssl protocol', 'This site can’t provide a secure connection localhost sent an invalid response. ERR_SSL_PROTOCOL_ERROR', 'localhost:-'],
    ['chrome hsts', 'You cannot visit www.example.co.in right now because the website uses HSTS.', 'www.example.co.in:-'],
    ['firefox', 'The owner of example.com has configured their website improperly.', 'example.com:-'],
    // PHP stream_socket_client: `unable to connect to tcp://host:80 (…)`.
    ['php stream socket', 'stream_socket_client(): unable to connect to tcp://www.example.com:80 (Connection timed out)', 'www.example.com:80'],
    ['nrepl url', 'lein repl :connect nrepl://172.1.1.1:49189', '172.1.1.1:49189'],
    // OpenSSH: `Connection to HOST port N: Broken pipe`, `Connection to HOST closed by remote host.`.
    ['ssh packet write', 'client_loop: send disconnect: Broken pipe\nConnection to 10.0.0.5 port 22: Broken pipe', '10.0.0.5:22'],
    ['ssh closed', 'Connection to bastion.example.com closed by remote host.', 'bastion.example.com:-'],
    // Linux NFS client: `nfs: server %s not responding, still trying`.
    ['nfs', 'nfs: server filer01 not responding, still trying', 'filer01:-'],
    // libmysqlclient CR_UNKNOWN_HOST: `Unknown MySQL server host '%s' (%d)` (the incident adds MySQL's port).
    ['mysql unknown host', "ERROR 2005 (HY000): Unknown MySQL server host 'db.internal' (-2)", 'db.internal:-'],
    // wget: `Connecting to %s (%s)|%s|:%d... failed`, `Resolving %s (%s)... failed`.
    ['wget connecting', 'Connecting to example.com (example.com)|93.184.216.34|:443... failed: Connection refused.', 'example.com:443'],
    ['wget resolving', 'Resolving nosuch.example (nosuch.example)... failed: Name or service not known.', 'nosuch.example:-'],
    // Node dns: every resolver method prints its name: `queryA ETIMEOUT HOST`.
    ['node queryA', 'Error: queryA ETIMEOUT api.example.com', 'api.example.com:-'],
    // CPython asyncio: `Multiple exceptions: [Errno 111] Connect call failed ('::1', 8000, 0, 0), …`.
    ['python ipv6 tuple', "OSError: Multiple exceptions: [Errno 111] Connect call failed ('::1', 8000, 0, 0), [Errno 111] Connect call failed ('127.0.0.1', 8000)", '::1:8000'],
    // A masked port in a URL is no port: the scheme's does not stand in for it.
    ['masked url port', 'Get https://dockerregistry:port/v2/: net/http: request canceled while waiting for connection', 'dockerregistry:-'],
  ];
  for (const [name, text, want] of cases) {
    it(`${name}: ${want}`, () => assert.equal(peer(text), want));
  }

  it('OpenSSH: the name of `Connecting to NAME [ADDR] port N` beside `connect to address ADDR port N`', () => {
    assert.equal(peer('debug1: connect to address 192.168.64.4 port 22: No route to host', ['debug1: Connecting to debian.local [192.168.64.4] port 22.']), 'debian.local:22');
  });
  it('DevTools: the scheme-less URL under net::ERR_…', () => {
    assert.equal(peer('Failed to load resource: net::ERR_CONNECTION_TIMED_OUT', ['api.example.com:5000/v1/unis']), 'api.example.com:5000');
  });
  it('dig: the server of the header', () => {
    assert.equal(peer(';; connection timed out; no servers could be reached', ['; <<>> DiG 9.9.5 <<>> netflix.com @45.55.142.80']), '45.55.142.80:-');
  });

  describe('look-alikes that are not the peer', () => {
    it("Netty's L: (this machine) alone is not the peer", () => {
      assert.equal(peer('ClosedConnectionException: [id: 0x1, L:/192.168.0.3:44688 ! R:/] closed'), '-:-');
    });
    it("Dart's port = N is the local port", () => {
      assert.equal(peer('SocketException: Connection refused (OS Error: Connection refused, errno = 111), address = 192.168.43.2, port = 46740'), '192.168.43.2:-');
    });
    it('an arrow in prose without an address', () => {
      assert.equal(peer('Settings -> Network -> Proxy: connection refused'), '-:-');
    });
    it('a help link after the R curl host', () => {
      assert.equal(peer('Timeout was reached: [api.example.com] see https://curl.se/libcurl/c/libcurl-errors.html'), 'api.example.com:-');
    });
    it('a listener line beside the failure', () => {
      assert.equal(peer('Error: connect ECONNREFUSED', ['INFO Listening on tcp://0.0.0.0:8080']), '-:-');
    });
  });
});
