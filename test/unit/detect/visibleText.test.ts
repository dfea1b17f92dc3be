/* eslint-disable no-control-regex -- the reference terminal model parses control characters */
import { strict as assert } from 'node:assert';
import fc from 'fast-check';
import { visibleBytes, visibleText } from '../../../src/core/detect/visibleText';

/**
 * A plain terminal line, written the obvious way (an array of cells, every erase applied at once):
 * the model visibleText must agree with. The cursor never passes the characters read so far.
 */
function reference(raw: string): string {
  let line = raw;
  while (line.endsWith('\r')) line = line.slice(0, -1);
  const cells: (string | null)[] = [];
  let col = 0;
  let i = 0;
  while (i < line.length) {
    const ch = line[i];
    if (ch === '\r') {
      col = 0;
      i++;
    } else if (ch === '\b') {
      col = Math.max(0, col - 1);
      i++;
    } else if (ch === '\x1b') {
      const csi = /^\x1b\[([0-?]*)[ -/]*([@-~])/.exec(line.slice(i));
      if (csi && !csi[0].includes('\r')) {
        i += csi[0].length;
        const first = Number(/^\d*/.exec(csi[1])?.[0] || 0);
        const count = Math.max(1, first);
        if (csi[2] === 'K') {
          if (first === 2) cells.fill(null);
          else if (first === 1) cells.fill(null, 0, col + 1);
          else cells.fill(null, col);
        } else if (csi[2] === 'G' || csi[2] === '`') col = Math.min(count - 1, i);
        else if (csi[2] === 'C' || csi[2] === 'a') col = Math.min(col + count, i);
        else if (csi[2] === 'D') col = Math.max(col - count, 0);
      } else {
        // The only other escapes of the generated lines: OSC strings (BEL-terminated).
        const osc = /^\x1b\][^\x07\x1b\r]*\x07/.exec(line.slice(i));
        i += osc ? osc[0].length : 1;
      }
    } else {
      const cp = line.codePointAt(i) ?? 0;
      const s = String.fromCodePoint(cp);
      while (cells.length < col) cells.push(null);
      cells[col] = s;
      col++;
      i += s.length;
    }
  }
  while (cells.length > 0 && cells[cells.length - 1] === null) cells.pop();
  return cells.map((c) => c ?? ' ').join('');
}

describe('detect: visible text of a terminal line', () => {
  const cases: [string, string, string][] = [
    ['OpenSSH under a pty: \\r\\r\\n keeps the line', 'ssh: connect to host 127.0.0.1 port 1: Connection refused\r\r', 'ssh: connect to host 127.0.0.1 port 1: Connection refused'],
    ['\\r\\n keeps the line', 'Connecting to 127.0.0.1:1... failed: Connection refused.\r', 'Connecting to 127.0.0.1:1... failed: Connection refused.'],
    ['a longer redraw covers the progress', '50%\rError: connect ECONNREFUSED 127.0.0.1:1', 'Error: connect ECONNREFUSED 127.0.0.1:1'],
    ['a shorter redraw leaves the tail, as on screen', '####### 100%\rcurl: (7)', 'curl: (7)00%'],
    ['CR then erase to the end clears the bar', 'Downloading 37%\r\x1b[KError: getaddrinfo ENOTFOUND db', 'Error: getaddrinfo ENOTFOUND db'],
    ['erase the whole line, cursor stays', 'x\x1b[2Ky', ' y'],
    ['erase to the line start', 'abcdef\x1b[3G\x1b[1KZ', '  Zdef'],
    ['backspace overwrites', 'abc\bX', 'abX'],
    ['a spinner drawn with backspaces', 'resolving |\b/\b-\b\\\bdone', 'resolving done'],
    ['cursor back', 'abc\x1b[2DX', 'aXc'],
    ['cursor forward leaves blanks', 'a\x1b[3Cb', 'a   b'],
    ['column absolute', 'name\x1b[10Gvalue', 'name     value'],
    ['a huge move is bounded by the input read so far', 'a\x1b[999999999Cb', `a${' '.repeat(12)}b`],
    ['colours are dropped', '\x1b[31mError:\x1b[0m connect', 'Error: connect'],
    ['a surrogate pair is one cell', '😀😀\r😀X', '😀X'],
    ['VS Code\'s OSC 633 markers', '\x1b]633;C\x07\rcurl: (7) x', 'curl: (7) x'],
  ];
  for (const [what, raw, shown] of cases) {
    it(what, () => assert.equal(visibleText(raw, Infinity), shown));
  }

  it('keeps the last maxLength characters', () => {
    assert.equal(visibleText('progress\rError: connect ECONNREFUSED 127.0.0.1:1', 10), '127.0.0.1:1'.slice(1));
  });

  const piece = fc.oneof(
    fc.constantFrom('\r', '\b', '\x1b[K', '\x1b[0K', '\x1b[1K', '\x1b[2K', '\x1b[G', '\x1b[5G', '\x1b[3`', '\x1b[C', '\x1b[4C', '\x1b[2a', '\x1b[D', '\x1b[3D', '\x1b[31m', '\x1b[?25l', '\x1b]633;C\x07'),
    fc.constantFrom('ECONNREFUSED', 'Connection refused', '#####', ' 42%', 'ü', '日本', '😀', ' '),
    fc.string({ maxLength: 5 }).map((s) => s.replace(/[\n\r\b\x1b]/g, '.')),
  );

  it('renders a line as a plain cell-by-cell terminal model does', () => {
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 20 }), (parts) => {
        const line = parts.join('');
        assert.equal(visibleText(line, Infinity), reference(line), JSON.stringify(line));
      }),
      { numRuns: 2000 },
    );
  });

  it('gives the same on bytes as on text, never longer than the line', () => {
    const encoder = new TextEncoder();
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 20 }), (parts) => {
        const line = parts.join('');
        const raw = encoder.encode(line);
        const out = new Uint8Array(raw.length);
        const n = visibleBytes(raw, 0, raw.length, out);
        assert.equal(new TextDecoder().decode(out.subarray(0, n)), visibleText(line, Infinity), JSON.stringify(line));
        assert.ok(visibleText(line, Infinity).length <= line.length);
      }),
      { numRuns: 1000 },
    );
  });

  it('stays linear on adversarial redraws (erase-left with the cursor far right, whole-line erases, huge moves)', () => {
    const n = 200_000;
    for (const unit of ['\x1b[1K', '\x1b[2Kx', '\x1b[999999Gx\x1b[K', '\rx', 'x\b', '\x1b[1Dxy']) {
      const line = `${'a'.repeat(n)}${unit.repeat(n / unit.length)}`;
      const shown = visibleText(line, Infinity);
      assert.ok(shown.length <= line.length);
    }
  });
});
