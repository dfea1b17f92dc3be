/** What every protocol module of the service probe is: how it opens the conversation and what it learns from the answer. */
import type { AuthState, ServiceName } from '../types';
import type { Conversation, Session } from './session';

/** What a module is told besides the session. */
export interface TalkContext {
  host: string;
  port: number;
  /** How long a server-first service gets to send its greeting. */
  greetingWaitMs: number;
  /** Opens another plaintext connection to the same port within what is left of the budget. */
  again<T>(script: (s: Session) => Promise<T>): Promise<Conversation<T>>;
}

/** What a module concludes from the first answer. */
export interface Reply {
  /** The answer belongs to this service's protocol. */
  recognized: boolean;
  /** One phrase on what the service said ("asked for a SCRAM-SHA-256 password"). */
  said: string;
  version?: string | null;
  tlsOffered?: boolean | null;
  tlsRequired?: boolean | null;
  auth?: AuthState | null;
  serverError?: string | null;
  serverErrorCode?: string | null;
  /** The server's answer turns every client from here away (protected mode, host not allowed, too many clients ...). */
  blocking?: boolean;
  details?: Record<string, string | number | boolean>;
}

/** One protocol module. */
export interface ServiceModule {
  service: ServiceName;
  /** Name shown to users. */
  label: string;
  /** The server speaks first (the client waits for its greeting). */
  serverFirst: boolean;
  /** With TLS required the conversation starts with a TLS handshake (false: TLS is negotiated inside the protocol). */
  tlsFromStart: boolean;
  talk(session: Session, ctx: TalkContext): Promise<Reply>;
}

/** A reply for bytes that are not this protocol. */
export function notThis(said: string): Reply {
  return { recognized: false, said };
}

/** The lines of a text answer (CRLF or LF), without the line ends. */
export function linesOf(b: Buffer): string[] {
  return b.toString('latin1').split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
}
