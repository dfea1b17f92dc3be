/**
 * The knowledge base of causes: every JSON file under ./causes/, imported
 * statically so esbuild bundles them, validated once on first use.
 */
import { validateCause } from './causeSchema';
import type { CauseEntry } from './causeSchema';
import acceptQueueFull from './causes/accept-queue-full.json';
import authNotNetwork from './causes/auth-not-network.json';
import clientTcpSettings from './causes/client-tcp-settings.json';
import closedMidResponse from './causes/closed-mid-response.json';
import dnsNxdomain from './causes/dns-nxdomain.json';
import dnsResolverFailure from './causes/dns-resolver-failure.json';
import dosProtection from './causes/dos-protection.json';
import firewallBlock from './causes/firewall-block.json';
import handshakeStall from './causes/handshake-stall.json';
import healthyFromHere from './causes/healthy-from-here.json';
import hostsFileOverride from './causes/hosts-file-override.json';
import intermittentNetwork from './causes/intermittent-network.json';
import ipFamilyMismatch from './causes/ip-family-mismatch.json';
import keepaliveRace from './causes/keepalive-race.json';
import lbIdleTimeout from './causes/lb-idle-timeout.json';
import loopbackOnlyListener from './causes/loopback-only-listener.json';
import networkCongestion from './causes/network-congestion.json';
import networkUnreachable from './causes/network-unreachable.json';
import noListener from './causes/no-listener.json';
import packetDrop from './causes/packet-drop.json';
import plainToTlsPort from './causes/plain-to-tls-port.json';
import protocolMisconfiguration from './causes/protocol-misconfiguration.json';
import proxyFailure from './causes/proxy-failure.json';
import resetOnConnect from './causes/reset-on-connect.json';
import serverOverload from './causes/server-overload.json';
import serviceNoTls from './causes/service-no-tls.json';
import serviceRequiresTls from './causes/service-requires-tls.json';
import slowServer from './causes/slow-server.json';
import tlsExpiredCert from './causes/tls-expired-cert.json';
import tlsHostnameMismatch from './causes/tls-hostname-mismatch.json';
import tlsToPlainPort from './causes/tls-to-plain-port.json';
import tlsUntrustedCert from './causes/tls-untrusted-cert.json';
import wrongPort from './causes/wrong-port.json';
import wrongServiceOnPort from './causes/wrong-service-on-port.json';

/** The raw cause files by file name (the schema test validates each). */
export const CAUSE_FILES: ReadonlyArray<readonly [string, unknown]> = [
  ['accept-queue-full.json', acceptQueueFull],
  ['auth-not-network.json', authNotNetwork],
  ['client-tcp-settings.json', clientTcpSettings],
  ['closed-mid-response.json', closedMidResponse],
  ['dns-nxdomain.json', dnsNxdomain],
  ['dns-resolver-failure.json', dnsResolverFailure],
  ['dos-protection.json', dosProtection],
  ['firewall-block.json', firewallBlock],
  ['handshake-stall.json', handshakeStall],
  ['healthy-from-here.json', healthyFromHere],
  ['hosts-file-override.json', hostsFileOverride],
  ['intermittent-network.json', intermittentNetwork],
  ['ip-family-mismatch.json', ipFamilyMismatch],
  ['keepalive-race.json', keepaliveRace],
  ['lb-idle-timeout.json', lbIdleTimeout],
  ['loopback-only-listener.json', loopbackOnlyListener],
  ['network-congestion.json', networkCongestion],
  ['network-unreachable.json', networkUnreachable],
  ['no-listener.json', noListener],
  ['packet-drop.json', packetDrop],
  ['plain-to-tls-port.json', plainToTlsPort],
  ['protocol-misconfiguration.json', protocolMisconfiguration],
  ['proxy-failure.json', proxyFailure],
  ['reset-on-connect.json', resetOnConnect],
  ['server-overload.json', serverOverload],
  ['service-no-tls.json', serviceNoTls],
  ['service-requires-tls.json', serviceRequiresTls],
  ['slow-server.json', slowServer],
  ['tls-expired-cert.json', tlsExpiredCert],
  ['tls-hostname-mismatch.json', tlsHostnameMismatch],
  ['tls-to-plain-port.json', tlsToPlainPort],
  ['tls-untrusted-cert.json', tlsUntrustedCert],
  ['wrong-port.json', wrongPort],
  ['wrong-service-on-port.json', wrongServiceOnPort],
];

let loaded: readonly CauseEntry[] | null = null;

/** Validates a set of raw files: every entry must pass the schema and ids must be unique and match file names. */
export function validateCauseFiles(files: ReadonlyArray<readonly [string, unknown]>): CauseEntry[] {
  const seen = new Set<string>();
  return files.map(([file, raw]) => {
    const entry = validateCause(raw, `causes/${file}`);
    if (`${entry.id}.json` !== file) throw new Error(`causes/${file}: id: must match the file name, got "${entry.id}"`);
    if (seen.has(entry.id)) throw new Error(`causes/${file}: id: duplicate "${entry.id}"`);
    seen.add(entry.id);
    return entry;
  });
}

/** All causes of the knowledge base, validated (throws a CauseSchemaError naming file and field). */
export function loadCauses(): readonly CauseEntry[] {
  loaded ??= Object.freeze(validateCauseFiles(CAUSE_FILES));
  return loaded;
}

/** One cause by id, or undefined. */
export function causeById(id: string): CauseEntry | undefined {
  return loadCauses().find((c) => c.id === id);
}
