/** The one-sentence verdict of a diagnosis. */
import type { TcpData } from '../probes/types';
import type { RankedCause } from '../types';
import { hostPort } from '../target/address';
import { causeById } from '../knowledge/causes';
import type { EvalRoots } from './predicate';
import type { RankInput } from './rank';
import { fillTemplate } from './template';

/** Below this confidence the verdict says "possibly". */
const SURE = 0.5;

/** One sentence: the top cause's verdict, or what the probes saw when no cause fits. */
export function verdictFor(causes: readonly RankedCause[], input: RankInput, roots: EvalRoots): string {
  const top = causes[0];
  const where = hostPort(input.target.host, input.target.port);
  if (!top && input.target.nameOnly === true) {
    const resolve = input.probes.find((p) => p.id === 'resolve');
    const found = resolve?.status === 'ok' ? resolve.summary : null;
    return found
      ? `The name resolves (${found}); no port was given, so nothing was connected to: diagnose host:port or a URL to test the connection.`
      : `No known cause matches what the resolver said about ${input.target.host}; see the probe results.`;
  }
  if (!top) {
    const tcp = input.probes.find((p) => p.id === 'tcp');
    const accepted = tcp && tcp.status !== 'skipped' && (tcp.data as unknown as TcpData).acceptedFamilies?.length > 0;
    if (accepted) {
      return input.incident
        ? `${where} accepts connections and no probe found a problem: the failure did not reproduce now.`
        : `${where} looks healthy: it accepts connections and no probe found a problem.`;
    }
    if (input.probes.length === 0) return `No likely cause could be named for ${where} from the error alone; run the probes.`;
    return `No known cause matches what the probes saw at ${where}; see the probe results.`;
  }
  const entry = causeById(top.id);
  const sentence = entry ? fillTemplate(entry.verdict, input.target, roots) : top.title;
  return top.confidence >= SURE ? sentence : `Possibly: ${lowerFirst(sentence)}`;
}

function lowerFirst(s: string): string {
  // Keep host names and acronyms ("IPv6", "TLS") as they are.
  return /^[A-Z][a-z]/.test(s) ? s[0].toLowerCase() + s.slice(1) : s;
}
