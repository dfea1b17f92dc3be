import { readFileSync } from 'node:fs';
import { bundledMatcher } from '../src/core/detect/matcher';
const data = readFileSync('bench/.data/terminal-32mb.log');
const m = bundledMatcher();
const f = m.byteFilter;
console.log('stride', f.stride);
for (let rep = 0; rep < 3; rep++) {
  const t = performance.now();
  let hits = 0; let pos = 0; const end = data.length;
  const view = new DataView(data.buffer, data.byteOffset, data.length);
  while (pos < end) {
    const h = f.find(view, pos, end);
    if (h === -1) break;
    hits++;
    const le = data.indexOf(10, h);
    pos = le + 1;
  }
  const dt = performance.now() - t;
  console.log('hits(lines)', hits, 'MB/s', (data.length / 1048576 / (dt / 1000)).toFixed(0));
}
