import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { hubVersion, newIdentifier, isIdentifier } from '../../../src/hub/identity.ts';

describe('hub identity', () => {
  it('makes a random hex identifier', () => {
    const a = newIdentifier();
    assert.ok(isIdentifier(a));
    assert.notEqual(a, newIdentifier());
    assert.equal(newIdentifier((b) => b.fill(0xab)), 'abababababababab');
  });

  it('builds the version as <letter><version>-<serie>[#hash], never L and never date-like', () => {
    assert.equal(hubVersion('0.1.0'), 'B0.1.0-19.0');
    assert.equal(hubVersion('1.2.3', '18.0', '1a2b3c4'), 'B1.2.3-18.0#1a2b3c4');
    assert.throws(() => hubVersion('2026.11.22'), /would mislead Odoo/);
    assert.throws(() => hubVersion('latest'), /is not like 1.2.3/);
  });
});
