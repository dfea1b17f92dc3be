/**
 * The one HTML builder for both webviews: a fixed skeleton, a strict Content
 * Security Policy and a fresh nonce per page. Pure (no 'vscode'), so it is unit-tested
 * in plain Node. No state is baked into the page: the webview asks for it with `ready`.
 */
import { randomBytes } from 'node:crypto';

/** What one webview page needs. URIs are already converted with `webview.asWebviewUri`. */
export interface WebviewHtmlOptions {
  /** `webview.cspSource`. */
  cspSource: string;
  /** From `createNonce()`; a new one for every page. */
  nonce: string;
  title: string;
  scriptUri: string;
  styleUris: readonly string[];
  /** Language tag of the page (vscode.env.language). */
  lang?: string;
}

/** A nonce from the system CSPRNG (128 bits, base64), never Math.random. */
export function createNonce(): string {
  return randomBytes(16).toString('base64');
}

/** The Content-Security-Policy of every webview page. */
export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `style-src ${cspSource}`,
    `script-src 'nonce-${nonce}'`,
    // codicon.css draws its icons with a font served from the extension.
    `font-src ${cspSource}`,
  ].join('; ');
}

/** Escapes text for an HTML attribute value or text node. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Builds the page: CSP meta, styles, an empty root and the nonce'd script. */
export function buildWebviewHtml(o: WebviewHtmlOptions): string {
  if (!/^[A-Za-z0-9+/=]{16,}$/.test(o.nonce)) throw new Error('webview nonce must be base64 of at least 16 characters');
  const csp = escapeHtml(contentSecurityPolicy(o.cspSource, o.nonce));
  const styles = o.styleUris.map((u) => `    <link rel="stylesheet" href="${escapeHtml(u)}">`).join('\n');
  return `<!DOCTYPE html>
<html lang="${escapeHtml(o.lang ?? 'en')}">
  <head>
    <meta charset="UTF-8">
    <meta http-equiv="Content-Security-Policy" content="${csp}">
    <meta name="viewport" content="width=device-width, initial-scale=1.0">
${styles}
    <title>${escapeHtml(o.title)}</title>
  </head>
  <body>
    <div id="root"></div>
    <script nonce="${escapeHtml(o.nonce)}" src="${escapeHtml(o.scriptUri)}"></script>
  </body>
</html>
`;
}
