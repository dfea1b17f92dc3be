/** What can be said from the incident alone, before any probe runs (for the hover). */
import { targetFromIncident } from '../probes/target';
import type { Incident, RankedCause, Target } from '../types';
import { rankCauses } from './rank';

/** Causes ranked from the error text alone: its category, code, address and timing. */
export function likelyCausesOffline(incident: Incident): RankedCause[] {
  const target: Target = targetFromIncident(incident) ?? { host: incident.host ?? '?', port: incident.port ?? 0, scheme: null, url: incident.url };
  return rankCauses({ target, incident, probes: [] }).causes;
}
