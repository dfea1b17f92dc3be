import * as assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { STRINGS, STRING_KEYS, formatString, isStringKey, readStrings, splitTemplate, translateStrings } from '../../../src/shared/strings';

const WEBVIEW_DIR = join(__dirname, '..', '..', '..', 'src', 'webview');

/** The source of every page module (src/webview/*.ts). */
function webviewSources(): { file: string; text: string }[] {
  return readdirSync(WEBVIEW_DIR)
    .filter((f) => f.endsWith('.ts'))
    .map((f) => ({ file: f, text: readFileSync(join(WEBVIEW_DIR, f), 'utf8') }));
}

// The first argument of each t(...) / tNodes(...) call, up to its first comma or parenthesis.
const T_CALL = /\bt(?:Nodes)?\(([^,)]*)/g;
const QUOTED = /'([A-Za-z0-9_]+)'/g;

describe('webview strings', () => {
  it('every key a page passes to t() or tNodes() is declared in strings.ts', () => {
    const used = new Set<string>();
    for (const { file, text } of webviewSources()) {
      for (const call of text.matchAll(T_CALL)) {
        for (const key of call[1].matchAll(QUOTED)) {
          assert.ok(isStringKey(key[1]), `${file}: t('${key[1]}') is not a key of src/shared/strings.ts`);
          used.add(key[1]);
        }
      }
    }
    // The scan itself works: it found the pages' literal keys.
    assert.ok(used.has('rerun') && used.has('filterPlaceholder') && used.has('restoredNote'), [...used].join(' '));
  });

  it('every declared key is used by a page (no dead strings to translate)', () => {
    const all = webviewSources()
      .map((s) => s.text)
      .join('\n');
    const unused = STRING_KEYS.filter((key) => !all.includes(`'${key}'`));
    assert.deepEqual(unused, []);
  });

  it('the pages hold no English left outside strings.ts', () => {
    // A few of the words the pages showed before they were localised.
    for (const { file, text } of webviewSources()) {
      for (const english of ['Waiting for the diagnosis', 'Run in terminal', 'Filter incidents', 'No connection failures seen yet', 'Check it yourself', 'TCP connect']) {
        assert.ok(!text.includes(english), `${file} still says "${english}"`);
      }
    }
  });

  it('the host\'s table covers every key with the translator\'s output', () => {
    const seen: string[] = [];
    const table = translateStrings((english) => {
      seen.push(english);
      return `«${english}»`;
    });
    assert.deepEqual(Object.keys(table).sort(), [...STRING_KEYS].sort());
    for (const key of STRING_KEYS) assert.equal(table[key], `«${STRINGS[key]}»`, key);
    // Each English string went through the translator exactly once.
    assert.deepEqual(seen, STRING_KEYS.map((k) => STRINGS[k]));
  });

  it('placeholders are numbered from {0} without gaps, and only digits sit between braces', () => {
    for (const key of STRING_KEYS) {
      const english: string = STRINGS[key];
      const indexes = splitTemplate(english).filter((p): p is number => typeof p === 'number');
      const distinct = [...new Set(indexes)].sort((a, b) => a - b);
      assert.deepEqual(distinct, distinct.map((_, i) => i), `${key}: ${english}`);
      assert.ok(!/\{(?!\d\})/.test(english), `${key} has a brace that is not a placeholder`);
    }
  });

  it('formats placeholders as text and splits templates around them', () => {
    assert.equal(formatString('{0} on {1} (filtered from {2})', ['3 incidents', '2 targets', 9]), '3 incidents on 2 targets (filtered from 9)');
    assert.equal(formatString('Mute {0}', ['<b>x</b>']), 'Mute <b>x</b>', 'arguments are not interpreted');
    assert.equal(formatString('{1} before {0}', ['a', 'b']), 'b before a');
    assert.equal(formatString('{0} and {1}', ['only']), 'only and {1}', 'a missing argument leaves its placeholder');
    assert.equal(formatString('no args {0}', []), 'no args {0}');
    assert.equal(formatString('{0}', ['{1}', 'x']), '{1}', 'an argument is not formatted again');
    assert.deepEqual(splitTemplate('Probes {0}'), ['Probes ', 0]);
    assert.deepEqual(splitTemplate('{0}: {1}'), [0, ': ', 1]);
    assert.deepEqual(splitTemplate('plain'), ['plain']);
  });

  it('reads a table from a message or saved state: our keys only, strings only, bounded', () => {
    assert.deepEqual(readStrings({ rerun: 'Erneut ausführen', cancel: 'Abbrechen' }), { rerun: 'Erneut ausführen', cancel: 'Abbrechen' });
    const hostile = JSON.parse('{"__proto__": "x", "toString": "y", "rerun": 5, "cancel": "ok", "nope": "z"}') as unknown;
    const read = readStrings(hostile);
    assert.deepEqual(read, { cancel: 'ok' });
    assert.equal(Object.getPrototypeOf(read), Object.prototype);
    assert.deepEqual(readStrings({ rerun: 'x'.repeat(100_000) }), {});
    for (const bad of [null, undefined, 'rerun', 42, ['rerun']]) assert.deepEqual(readStrings(bad), {});
  });
});
