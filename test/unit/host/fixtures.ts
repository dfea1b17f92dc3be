// Incident literals for the host's pure tests (the detector is tested in test/unit/detect).
import type { Incident } from '../../../src/core/types';
import type { IncidentOrigin, StoredIncident } from '../../../src/host/model/incidentHistory';

/** An incident with sensible defaults; override what a test is about. */
export function incident(over: Partial<Incident> = {}): Incident {
  const host = over.host === undefined ? '127.0.0.1' : over.host;
  const port = over.port === undefined ? 5432 : over.port;
  return {
    key: `${over.category ?? 'refused'}|node.econnrefused|${host}|${port}`,
    category: 'refused',
    also: [],
    code: 'ECONNREFUSED',
    syscall: 'connect',
    host,
    port,
    url: null,
    ecosystem: 'node',
    rule: 'node.econnrefused',
    count: 1,
    text: `Error: connect ECONNREFUSED ${host}:${port}`,
    line: 1,
    endLine: 1,
    firstSeen: 1_000,
    lastSeen: 1_000,
    ...over,
  };
}

/** A stored incident seen in a terminal. */
export function stored(over: Partial<StoredIncident> = {}, origin: Partial<IncidentOrigin> = {}): StoredIncident {
  return { ...incident(over), id: over.id ?? 'id-1', origin: { kind: 'terminal', name: 'server', ...origin } };
}
