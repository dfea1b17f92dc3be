/** The causes the knowledge base must always have (the product's promise), in one list for every test. */
export const REQUIRED_CAUSES: readonly string[] = [
  'no-listener', 'wrong-port', 'ip-family-mismatch', 'loopback-only-listener', 'accept-queue-full', 'packet-drop',
  'network-unreachable', 'slow-server', 'reset-on-connect', 'closed-mid-response', 'keepalive-race', 'tls-to-plain-port',
  'plain-to-tls-port', 'tls-untrusted-cert', 'tls-expired-cert', 'tls-hostname-mismatch', 'proxy-failure', 'dns-nxdomain',
  'dns-resolver-failure', 'intermittent-network',
];

/** The seed article's causes, each made concrete. */
export const SEED_CAUSES: readonly string[] = ['server-overload', 'network-congestion', 'firewall-block', 'protocol-misconfiguration', 'client-tcp-settings', 'dos-protection'];
