import * as assert from 'node:assert/strict';
import { buildWebviewHtml, contentSecurityPolicy, createNonce, escapeHtml } from '../../../src/host/model/html';

const CSP_SOURCE = 'https://*.vscode-cdn.net';

function page(nonce = createNonce()): { html: string; nonce: string } {
  return {
    nonce,
    html: buildWebviewHtml({
      cspSource: CSP_SOURCE,
      nonce,
      title: 'Diagnosis',
      scriptUri: 'https://file+.vscode-resource.vscode-cdn.net/ext/dist/webview/panel.js',
      styleUris: ['https://file+.vscode-resource.vscode-cdn.net/ext/dist/codicons/codicon.css', 'https://file+.vscode-resource.vscode-cdn.net/ext/media/panel.css'],
    }),
  };
}

/** The CSP meta tag's content, unescaped. */
function cspOf(html: string): string {
  const m = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html);
  assert.ok(m, 'the page has a CSP meta tag');
  return m[1].replace(/&#39;/g, "'").replace(/&quot;/g, '"').replace(/&amp;/g, '&');
}

describe('webview HTML builder', () => {
  it('puts a strict CSP first in <head>, before any stylesheet or script', () => {
    const { html } = page();
    const head = html.slice(html.indexOf('<head>'), html.indexOf('</head>'));
    assert.ok(head.indexOf('Content-Security-Policy') < head.indexOf('<link'), 'CSP comes before the stylesheets');
    const csp = cspOf(html);
    const directives = new Map(csp.split(';').map((d) => {
      const [name, ...values] = d.trim().split(/\s+/);
      return [name, values] as const;
    }));
    assert.deepEqual(directives.get('default-src'), ["'none'"]);
    assert.deepEqual(directives.get('style-src'), [CSP_SOURCE]);
    assert.deepEqual(directives.get('font-src'), [CSP_SOURCE]);
    assert.equal(directives.get('script-src')?.length, 1);
    assert.match(directives.get('script-src')?.[0] ?? '', /^'nonce-[A-Za-z0-9+/=]{16,}'$/);
    assert.ok(!directives.has('img-src'), 'no images are allowed at all');
  });

  it('never allows unsafe-inline, unsafe-eval or wildcards', () => {
    const csp = cspOf(page().html);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|unsafe-hashes/);
    assert.doesNotMatch(csp, /(^|\s)\*(\s|;|$)/);
    assert.doesNotMatch(csp, /data:|blob:/);
  });

  it('gives the only script the nonce of the CSP, and loads no inline script', () => {
    const { html, nonce } = page();
    const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
    assert.equal(scripts.length, 1);
    assert.ok(scripts[0][1].includes(`nonce="${nonce}"`));
    assert.ok(scripts[0][1].includes('src="https://'), 'the script is a file, not inline code');
    assert.equal(scripts[0][2].trim(), '', 'no inline code');
    assert.ok(cspOf(html).includes(`'nonce-${nonce}'`));
    assert.doesNotMatch(html, /\son[a-z]+=/i, 'no inline event handlers');
    assert.doesNotMatch(html, /style="/, 'no inline styles');
  });

  it('uses a fresh 128-bit nonce for every page', () => {
    const nonces = new Set<string>();
    for (let i = 0; i < 200; i++) {
      const n = createNonce();
      assert.equal(Buffer.from(n, 'base64').length, 16);
      nonces.add(n);
    }
    assert.equal(nonces.size, 200, 'a nonce was reused');
    const a = page();
    const b = page();
    assert.notEqual(a.nonce, b.nonce);
    assert.ok(!b.html.includes(a.nonce), 'the second page carries nothing of the first nonce');
  });

  it('refuses a weak or malformed nonce', () => {
    assert.throws(() => page('abc'));
    assert.throws(() => page('"><script>alert(1)</script>'));
  });

  it('escapes every value it places in the page and bakes in no state', () => {
    const html = buildWebviewHtml({
      cspSource: CSP_SOURCE,
      nonce: createNonce(),
      title: '</title><script>alert(1)</script>',
      scriptUri: 'https://x/panel.js"><script>alert(2)</script>',
      styleUris: ['https://x/a.css"><img src=x onerror=alert(3)>'],
      lang: 'en"><script>',
    });
    assert.equal((html.match(/<script/g) ?? []).length, 1, 'only the page script is a script element');
    assert.doesNotMatch(html, /<img/);
    assert.ok(html.includes('&lt;/title&gt;&lt;script&gt;'));
    assert.ok(html.includes('<div id="root"></div>'), 'the body is an empty root: state arrives by message');
  });

  it('escapes the five HTML metacharacters', () => {
    assert.equal(escapeHtml(`<a href="x" title='y'>&</a>`), '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
    assert.equal(contentSecurityPolicy('src', 'n').split('; ').length, 4);
  });
});
