/**
 * Every limit of the probes in one place: attempts, timeouts, watch windows and size caps.
 * The CLI's and the settings' bounds read from here, so what a user may ask for is what a probe accepts.
 */

/** Default per-probe timeout and overall budget of runProbes. */
export const DEFAULT_TIMEOUT_MS = 3000;
/** Largest `--timeout` the CLI takes (the settings cap theirs lower, in package.json). */
export const MAX_TIMEOUT_MS = 600_000;

/** Default number of repeat attempts. */
export const DEFAULT_ATTEMPTS = 5;
/** Most repeat attempts a probe runs; the CLI's `--attempts` and the `repeatAttempts` setting share this bound. */
export const MAX_ATTEMPTS = 50;
/** Start-to-start spacing of repeat attempts. */
export const DEFAULT_SPACING_MS = 200;
/**
 * Spacing when every resolved address is loopback: no network path to flap, so a long gap only
 * delays the verdict, while a short one still catches an overloaded or flapping local server.
 */
export const LOOPBACK_SPACING_MS = 20;

/**
 * The shortest watch of an accepted connection for a reset, close or banner. Within runProbes the
 * watch lasts until the other connecting probes are done (ctx.watchUntil): a busy server resets
 * late, and the http probe must not see a reset the tcp probe was too quick to wait for.
 */
export const SETTLE_MS = 100;
/** Extra watch after `watchUntil` settles: the server handles connections in accept order, ours may come last. */
export const WATCH_GRACE_MS = 10;
/** Addresses the tcp probe connects to, per family. */
export const MAX_PER_FAMILY = 4;
/** How far past the shared deadline a probe may run before runProbes' wall stops it. */
// Large enough that a probe's own timer (due at the deadline) wins on a loaded machine, where timers fire late.
export const DEADLINE_GRACE_MS = 50;

/** What a plaintext client gets from a port that completed a TLS handshake: a short look. */
export const PLAIN_AFTER_TLS_MS = 500;
/** The plaintext answer of a port that failed the TLS handshake in plaintext. */
export const PLAIN_AFTER_PLAINTEXT_MS = 1000;

/** Idle watch of the keepalive probe when the advertised timeout is unknown or beyond the budget. */
export const SHORT_WATCH_MS = 500;
/**
 * Added to the advertised Keep-Alive timeout: the header floors to whole seconds (up to 1 s lost)
 * and Node 20.20+ servers close keepAliveTimeoutBuffer (1 s) after it; plus a margin. The wait ends
 * early when the server closes, so the allowance only costs time with servers that never close.
 */
export const PAST_ADVERTISED_MS = 2100;
/** Budget the keepalive probe keeps for its second request (at most a quarter of what is left). */
export const REUSE_RESERVE_MS = 500;

/** HTTP body bytes read before the probe stops reading (the answer is known by then). */
export const BODY_CAP = 64 * 1024;
/** Bytes of a proxy's answer to CONNECT read while looking for its status line. */
export const CONNECT_REPLY_CAP = 4096;
/** Characters of untrusted text (a banner, a status line) kept in a result. */
export const TEXT_CAP = 120;

/** Bytes of a service's answers the service probe keeps (greetings and first replies are far smaller). */
export const SERVICE_READ_CAP = 16 * 1024;
/**
 * Share of the budget a server-first service (SSH, MySQL, SMTP ...) gets to greet before the probe
 * sends a request of its own to find out what listens: the client would still be waiting.
 */
export const GREETING_SHARE = 0.5;
