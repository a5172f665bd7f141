import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { redact, registerSecret, forgetSecret, maskSecret } from '../../../src/hub/redact.ts';

describe('secret redaction', () => {
  it('masks registered secrets wherever they appear', () => {
    registerSecret('4f1c2a9be0d34e5f8a7b6c5d4e3f2a1b');
    assert.equal(redact('setup with 4f1c2a9be0d34e5f8a7b6c5d4e3f2a1b failed'), 'setup with **** failed');
    forgetSecret('4f1c2a9be0d34e5f8a7b6c5d4e3f2a1b');
  });

  it('masks secrets in query strings, JSON and authorization headers it was never told about', () => {
    assert.equal(redact('GET /x?db=shop&token=abc123&enterprise_code=M1'), 'GET /x?db=shop&token=****&enterprise_code=****');
    assert.equal(redact('{"login":"admin","password":"hunter2"}'), '{"login":"admin","password":"****"}');
    assert.equal(redact('Authorization: Bearer 0123456789abcdef'), 'Authorization: Bearer ****');
  });

  it('shows only whether a secret is set', () => {
    assert.equal(maskSecret('anything'), '****');
    assert.equal(maskSecret(''), '');
  });
});
