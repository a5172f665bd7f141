import { it } from 'node:test';
import assert from 'node:assert/strict';
import { encodeTwoLines, linesFromPosData } from '../../../workers/drivers/display/dmd-encoder.ts';

it('encodes two 20-column lines with init, clear and cursor moves', () => {
  const bytes = encodeTwoLines('Apples', 'TOTAL 3.50 €');
  assert.deepEqual([...bytes.subarray(0, 7)], [0x1b, 0x40, 0x0c, 0x1f, 0x24, 1, 1]);
  assert.equal(bytes.length, 2 + 1 + 4 + 20 + 4 + 20);
  assert.equal(String.fromCharCode(...bytes.subarray(31)), 'TOTAL 3.50 ?        ');
});

it('takes the last line and the total from set data, and survives garbage', () => {
  const [top, bottom] = linesFromPosData({ lines: [{ productName: 'Bread', price: '2.00' }, { productName: 'Apples', price: '1.50' }], amount: '3.50' });
  assert.equal(top, 'Apples          1.50');
  assert.equal(bottom, 'TOTAL           3.50');
  assert.deepEqual(linesFromPosData('{not json'), ['', 'TOTAL'.padEnd(20)]);
});
