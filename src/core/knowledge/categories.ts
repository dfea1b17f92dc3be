/** Plain-language meaning of each failure category, shown in the hover and the report. */
import type { Category } from '../types';

const MEANINGS: Readonly<Record<Category, string>> = {
  reset: 'The other side (or something in between) abruptly tore down an open connection with a TCP reset, so any data in flight was lost.',
  timeout: 'No answer came back in time: either the connection attempt was never answered or the server accepted it but did not respond before the deadline.',
  refused: 'The machine answered but nothing was listening on that address and port, so the connection was rejected at once.',
  dns: 'The host name could not be turned into an IP address, either because the name does not exist or because the resolver could not be reached.',
  unreachable: 'The operating system found no route to the destination network or host, so no packet could even be sent.',
  tls: 'The connection opened, but the encrypted (TLS) handshake failed: the certificate was not trusted, had expired, did not match the name, or one side did not speak TLS.',
  closed: 'The server accepted the request and then closed the connection before sending a complete response (for example "socket hang up" or "empty reply").',
};

/** One sentence explaining a failure category to someone who is not a network specialist. */
export function explainCategory(category: Category): string {
  return MEANINGS[category];
}
