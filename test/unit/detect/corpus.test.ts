import { strict as assert } from 'node:assert';
import { detectText } from '../../../src/core/detect/detect';
import { loadCorpus } from './corpusLoader';

describe('detect: labelled corpus', () => {
  const samples = loadCorpus();

  it('has samples to check', () => {
    assert.ok(samples.length >= 389);
  });

  for (const sample of samples) {
    const label = `${sample.id} (${sample.file}) ${sample.category} ${sample.ecosystem}`;
    if (sample.category === 'none') {
      it(`${label} stays silent`, () => {
        const found = detectText(sample.text);
        assert.deepEqual(found.map((i) => `${i.category} ${i.rule}`), []);
      });
      continue;
    }
    it(`${label} -> ${sample.host}:${sample.port}`, () => {
      const [first] = detectText(sample.text);
      assert.ok(first, 'no incident');
      assert.deepEqual(
        { category: first.category, host: first.host, port: first.port },
        { category: sample.category, host: sample.host, port: sample.port },
      );
      for (const also of sample.also ?? []) assert.ok(first.also.includes(also as never), `also should include ${also}`);
    });
  }
});
