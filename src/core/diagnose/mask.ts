/**
 * The one credential masker: every exit (terminal text, --json, Markdown,
 * hovers, the panel, stored history, tool results) passes text through it.
 * Every pattern is linear: bounded character classes, no nested unbounded
 * quantifiers, no ambiguous alternation under a quantifier.
 */

const MASK = '****';

// scheme://user:password@host -> scheme://user:****@host. The password runs to the last '@' of the
// token, so one holding '@' or '/' is masked whole; `host:8080/` (a port) is not a password.
const URL_USERINFO = /([a-z][a-z0-9+.-]{0,30}:\/\/[^\s:/@"'<>]{0,256}:)(?!\d{1,5}(?:[/?#\s"'<>]|$))[^\s"'<>]{0,512}@/gi;
// Authorization: Bearer xyz / Basic xyz / token xyz (header style, also JSON "authorization": "...")
const AUTH_HEADER = /((?:proxy-)?authorization["']?\s{0,4}[:=]\s{0,4}["']?(?:bearer|basic|token|digest|negotiate)?\s{0,4})[^\s"',;]{1,4096}/gi;
// Headers whose whole value is a secret: cookies and API keys (to the end of the line or quote).
const SECRET_HEADER = /(\b(?:set-cookie|cookie|x-api-key|api-key|x-auth-token|x-access-token|x-csrf-token|private-token|x-goog-api-key|ocp-apim-subscription-key)["']?\s{0,4}:\s{0,4}["']?)[^\r\n"']{1,4096}/gi;
// Bare "Bearer xyz" anywhere else.
const BEARER = /(\bbearer\s{1,4})[A-Za-z0-9._~+/=-]{8,4096}/gi;
// password=..., DB_PASSWORD=..., --password=..., token=..., _authToken=... in query strings, env dumps, configs.
const SECRET_PARAM =
  /((?:^|[?&;:\s"'])-{0,2}(?:[A-Za-z0-9]{1,40}[_.-]){0,6}(?:password|passwd|pwd|pass|passphrase|token|access_token|refresh_token|id_token|authtoken|_authtoken|auth_token|api_key|apikey|api-key|secret|client_secret|secret_key|private_key_id|auth|sig|signature|x-amz-signature|x-amz-security-token|pgpassword|mysql_pwd|rediscli_auth|accountkey|sharedaccesskey|sharedaccesssignature|credential|credentials)["']?\s{0,4}[=:]\s{0,4}["']?)[^\s&"';,]{1,4096}/gi;
// --password VALUE and -p VALUE style flags on a command line.
const PASSWORD_FLAG = /((?:^|\s)--(?:password|passwd|token|api-key|secret)\s{1,4})[^\s"']{1,4096}/gi;
// PEM private keys (service-account JSON holds them with escaped newlines): the whole block.
const PEM_KEY = /-----BEGIN ([A-Z ]{0,40})PRIVATE KEY-----[A-Za-z0-9+/=\s\\]{0,20000}(?:-----END [A-Z ]{0,40}PRIVATE KEY-----)?/g;
// Tokens recognisable by their prefix, each with its own alphabet and length: GitHub, Slack, npm,
// Stripe, GCP, GitLab, OpenAI, SendGrid. The prefix stays, so a reader sees which kind leaked.
const PREFIXED_TOKENS: readonly RegExp[] = [
  /\b(gh[pousr]_)[A-Za-z0-9]{36,255}\b/g,
  /\b(github_pat_)[A-Za-z0-9_]{22,255}/g,
  /\b(xox[abposr]-)[A-Za-z0-9-]{10,255}/g,
  /\b(xapp-)[A-Za-z0-9-]{10,255}/g,
  /\b(npm_)[A-Za-z0-9]{36}\b/g,
  /\b((?:sk|rk|pk)_(?:live|test)_)[A-Za-z0-9]{16,255}/g,
  /\b(whsec_)[A-Za-z0-9]{16,255}/g,
  /\b(AIza)[0-9A-Za-z_-]{35}/g,
  /\b(ya29\.)[0-9A-Za-z_-]{20,4096}/g,
  /\b(glpat-)[0-9A-Za-z_-]{20,255}/g,
  /\b(sk-(?:proj-|svcacct-|admin-)?)[A-Za-z0-9_-]{32,4096}/g,
  /\b(SG\.)[A-Za-z0-9_-]{16,64}\.[A-Za-z0-9_-]{16,128}/g,
];
// A JSON Web Token anywhere (header.payload.signature, both parts base64url JSON).
const JWT = /\beyJ[A-Za-z0-9_-]{4,4096}\.eyJ[A-Za-z0-9_-]{4,8192}\.[A-Za-z0-9_-]{0,4096}/g;
// Azure AD client secrets (the `8Q~` family) and storage keys written bare.
const AZURE_SECRET = /\b[A-Za-z0-9_~.-]{3}\dQ~[A-Za-z0-9_~.-]{31,34}/g;
// AWS access key ids and secret access keys.
const AWS_KEY_ID = /\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[A-Z0-9]{16}\b/g;
const AWS_SECRET = /((?:aws_secret_access_key|aws_session_token|secretaccesskey)["']?\s{0,4}[=:]\s{0,4}["']?)[A-Za-z0-9/+=]{16,4096}/gi;

/** Replaces passwords, tokens and keys in free text with ****, keeping the surrounding structure readable. */
export function maskSecrets(text: string): string {
  let out = text;
  for (const re of PREFIXED_TOKENS) out = out.replace(re, `$1${MASK}`);
  return out
    .replace(PEM_KEY, `-----BEGIN $1PRIVATE KEY-----${MASK}-----END $1PRIVATE KEY-----`)
    .replace(URL_USERINFO, `$1${MASK}@`)
    .replace(AUTH_HEADER, `$1${MASK}`)
    .replace(SECRET_HEADER, `$1${MASK}`)
    .replace(BEARER, `$1${MASK}`)
    .replace(JWT, MASK)
    .replace(AZURE_SECRET, MASK)
    .replace(SECRET_PARAM, `$1${MASK}`)
    .replace(PASSWORD_FLAG, `$1${MASK}`)
    .replace(AWS_SECRET, `$1${MASK}`)
    .replace(AWS_KEY_ID, 'AKIA' + MASK);
}

/** A deep copy of a JSON value with every string masked (for --json and tool results). */
export function maskDeep<T>(value: T): T {
  if (typeof value === 'string') return maskSecrets(value) as T;
  if (Array.isArray(value)) return value.map((v: unknown) => maskDeep(v)) as T;
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = maskDeep(v);
    return out as T;
  }
  return value;
}
