/**
 * Masks credentials before anything leaves the machine in a report. Every
 * pattern is linear: single character classes with bounded context, no nested
 * quantifiers, no ambiguous alternation under a quantifier.
 */

const MASK = '****';

// scheme://user:password@host -> scheme://user:****@host
const URL_USERINFO = /([a-z][a-z0-9+.-]{0,30}:\/\/[^\s:/@]{0,256}:)[^\s@/]{1,512}@/gi;
// Authorization: Bearer xyz / Basic xyz / token xyz (header style, also JSON "authorization": "...")
const AUTH_HEADER = /((?:proxy-)?authorization["']?\s{0,4}[:=]\s{0,4}["']?(?:bearer|basic|token|digest|negotiate)?\s{0,4})[^\s"',;]{1,4096}/gi;
// Bare "Bearer xyz" anywhere else.
const BEARER = /(\bbearer\s{1,4})[A-Za-z0-9._~+/=-]{8,4096}/gi;
// password=..., token=..., api_key=... in query strings, env dumps and configs.
const SECRET_PARAM =
  /((?:^|[?&;\s"'])(?:password|passwd|pwd|pass|token|access_token|refresh_token|id_token|api_key|apikey|api-key|secret|client_secret|auth|sig|signature|x-amz-signature|x-amz-security-token)["']?\s{0,4}[=:]\s{0,4}["']?)[^\s&"';,]{1,4096}/gi;
// AWS access key ids and secret access keys.
const AWS_KEY_ID = /\b(?:AKIA|ASIA|AGPA|AIDA|AROA|ANPA|ANVA|AIPA)[A-Z0-9]{16}\b/g;
const AWS_SECRET = /((?:aws_secret_access_key|aws_session_token|secretaccesskey)["']?\s{0,4}[=:]\s{0,4}["']?)[A-Za-z0-9/+=]{16,4096}/gi;

/** Replaces passwords, tokens and keys in free text with ****, keeping the surrounding structure readable. */
export function maskSecrets(text: string): string {
  return text
    .replace(URL_USERINFO, `$1${MASK}@`)
    .replace(AUTH_HEADER, `$1${MASK}`)
    .replace(BEARER, `$1${MASK}`)
    .replace(SECRET_PARAM, `$1${MASK}`)
    .replace(AWS_SECRET, `$1${MASK}`)
    .replace(AWS_KEY_ID, 'AKIA' + MASK);
}
