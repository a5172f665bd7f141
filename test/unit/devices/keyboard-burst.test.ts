import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { BurstDetector } from '../../../src/app/keyboard-scanner.ts';
import { layoutRemap } from '../../../workers/drivers/scanner/keyboard-layout.ts';

function typeAt(detector: BurstDetector, text: string, msPerKey: number, start = 0): Array<string | null> {
  const keys = [...text, 'Enter'];
  return keys.map((key, i) => detector.key({ key, time: start + i * msPerKey }));
}

describe('keyboard scanner burst detection', () => {
  it('takes a scanner burst (2 ms per key) ended by Enter', () => {
    const results = typeAt(new BurstDetector(), '5901234123457', 2);
    assert.equal(results.at(-1), '5901234123457');
    assert.ok(results.slice(0, -1).every((r) => r === null));
  });

  it('ignores a person typing (80 ms per key)', () => {
    assert.deepEqual(typeAt(new BurstDetector(), '5901234123457', 80).filter(Boolean), []);
  });

  it('a scan right after typing is still taken; a short burst is not', () => {
    const d = new BurstDetector();
    typeAt(d, 'hello', 80);
    assert.equal(typeAt(d, '96385074', 2, 1000).at(-1), '96385074');
    assert.equal(typeAt(d, 'ab', 2, 2000).at(-1), null);
  });

  it('skips named keys like Shift inside a burst', () => {
    const d = new BurstDetector();
    const keys = ['Shift', 'P', 'O', 'S', 'Shift', '-', '1', '2', 'Enter'];
    const out = keys.map((key, i) => d.key({ key, time: i * 2 }));
    assert.equal(out.at(-1), 'POS-12');
  });

  it('never mistakes any human pace (>= 40 ms) for a scan', () => {
    fc.assert(fc.property(fc.string({ minLength: 1, maxLength: 30 }), fc.array(fc.integer({ min: 40, max: 400 }), { minLength: 31, maxLength: 31 }), (text, gaps) => {
      const d = new BurstDetector();
      let time = 0;
      const keys = [...text.replace(/[\s\S]/gu, (c) => (c.length === 1 ? c : 'x')), 'Enter'];
      return keys.every((key, i) => {
        time += gaps[i];
        return d.key({ key, time }) === null;
      });
    }));
  });

  it('remaps AZERTY and QWERTZ scanner layouts', () => {
    assert.equal(layoutRemap('fr')('qzerty'), 'awerty');
    assert.equal(layoutRemap('de')('zyx'), 'yzx');
    assert.equal(layoutRemap('us')('abc'), 'abc');
  });
});
