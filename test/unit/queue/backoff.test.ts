import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { backoffCap, backoffDelay } from '../../../src/hub/backoff.ts';

/** mulberry32: a small seeded PRNG so the distribution checks are repeatable. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const OPTIONS = { minMs: 500, maxMs: 30_000 };

describe('backoff with full jitter', () => {
  it('caps grow by doubling from the minimum and stop at the maximum', () => {
    assert.deepEqual([0, 1, 2, 3, 4, 5, 6, 7, 100].map((n) => backoffCap(n, OPTIONS)), [500, 1000, 2000, 4000, 8000, 16000, 30000, 30000, 30000]);
    assert.equal(backoffDelay(3, OPTIONS, () => 0), 0);
    assert.ok(backoffDelay(3, OPTIONS, () => 0.999999) < 4000);
  });

  it('draws delays uniformly over [0, cap) (chi-square over 20 buckets)', () => {
    const random = seeded(7);
    const buckets = new Array(20).fill(0);
    const n = 100_000;
    for (let i = 0; i < n; i++) {
      const delay = backoffDelay(4, OPTIONS, random);
      assert.ok(delay >= 0 && delay < 8000);
      buckets[Math.floor((delay / 8000) * 20)]++;
    }
    const expected = n / 20;
    const chi2 = buckets.reduce((sum, observed) => sum + (observed - expected) ** 2 / expected, 0);
    // 19 degrees of freedom: 43.8 is the 0.1 % critical value.
    assert.ok(chi2 < 43.8, `chi-square ${chi2.toFixed(1)} for ${buckets.join(' ')}`);
    // Full jitter, not "equal jitter": a good share of retries come in the first half of the window.
    const firstHalf = buckets.slice(0, 10).reduce((a, b) => a + b, 0) / n;
    assert.ok(firstHalf > 0.48 && firstHalf < 0.52, `first half ${firstHalf}`);
  });

  it('1,000 hubs losing the server for 60 s come back spread out, not as a storm', () => {
    const random = seeded(42);
    const hubs = 1_000;
    const backAt = 60_000;
    const arrivals: number[] = [];
    for (let h = 0; h < hubs; h++) {
      // Every hub notices the loss at the same moment and retries until a try lands after the return.
      let t = 0;
      let attempt = 0;
      while (t < backAt) t += backoffDelay(attempt++, OPTIONS, random);
      arrivals.push(t - backAt);
    }
    const perSecond = new Map<number, number>();
    for (const a of arrivals) perSecond.set(Math.floor(a / 1000), (perSecond.get(Math.floor(a / 1000)) ?? 0) + 1);
    const worst = Math.max(...perSecond.values());
    // Without jitter all 1,000 would knock within the same millisecond; with it no second sees more than 10 %.
    assert.ok(worst <= hubs * 0.1, `worst second: ${worst} reconnects`);
    assert.ok(Math.max(...arrivals) <= OPTIONS.maxMs, 'nobody waits longer than the cap after the return');
    const sorted = [...arrivals].sort((a, b) => a - b);
    assert.ok(sorted[hubs / 2] < 15_000, `half are back within ${sorted[hubs / 2]} ms`);
  });
});
