import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FoldState, parseFolded } from '../../../src/app/fold-state.ts';

describe('homepage fold state', () => {
  it('remembers folded sections in storage and reads them back', () => {
    const items = new Map<string, string>();
    const storage = { getItem: (k: string) => items.get(k) ?? null, setItem: (k: string, v: string) => void items.set(k, v) };
    const folds = new FoldState(storage);
    folds.set('logs', true);
    folds.set('queue', true);
    folds.set('queue', false);
    assert.equal(new FoldState(storage).isFolded('logs'), true);
    assert.equal(new FoldState(storage).isFolded('queue'), false);
  });

  it('ignores a stored value that is not ours: malformed, oversized, wrong types', () => {
    for (const text of [null, '', '{', '"logs"', '{"a":1}', '[1,2]', JSON.stringify(Array(33).fill('x')), 'x'.repeat(3000)]) {
      assert.deepEqual(parseFolded(text), [], String(text).slice(0, 20));
    }
    assert.deepEqual(parseFolded('["logs", 3, "<img>", "queue"]'), ['logs', 'queue']);
  });
});
