import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { decodeCall, decodeResponse, encodeCall, encodeFault, encodeResponse, XmlRpcFormatError, type XmlRpcValue } from '../../../src/odoo/xml-rpc-codec.ts';

/** Characters XML 1.0 can carry (the encoder strips the others, as Odoo does). */
const xmlText = fc.string({ unit: 'binary', maxLength: 40 }).map((s) => s.replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, ''));
const wholeSecondDate = fc.date({ min: new Date('0001-01-01T00:00:00Z'), max: new Date('9999-12-31T23:59:59Z'), noInvalidDate: true }).map((d) => new Date(Math.floor(d.getTime() / 1000) * 1000));

const value: fc.Arbitrary<XmlRpcValue> = fc.letrec<{ v: XmlRpcValue }>((tie) => ({
  v: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    fc.integer(),
    fc.maxSafeInteger(),
    fc.double(),
    xmlText,
    wholeSecondDate,
    fc.uint8Array({ maxLength: 20 }),
    fc.array(tie('v'), { maxLength: 4 }),
    fc.dictionary(xmlText, tie('v'), { maxKeys: 4, noNullPrototype: true }),
  ),
})).v;

describe('XML-RPC codec', () => {
  it('round-trips every value type through a response (property)', () => {
    fc.assert(fc.property(value, (v) => {
      const decoded = decodeResponse(encodeResponse(v));
      assert.equal(decoded.kind, 'value');
      assert.deepEqual(decoded.kind === 'value' && decoded.value, v);
    }), { numRuns: 400 });
  });

  it('round-trips method calls with any parameters (property)', () => {
    fc.assert(fc.property(fc.stringMatching(/^[a-z_.]{1,20}$/), fc.array(value, { maxLength: 4 }), (method, params) => {
      assert.deepEqual(decodeCall(encodeCall(method, params)), { method, params });
    }), { numRuns: 200 });
  });

  it('round-trips faults (property)', () => {
    fc.assert(fc.property(fc.oneof(fc.integer({ min: 1, max: 4 }), xmlText), xmlText, (faultCode, faultString) => {
      assert.deepEqual(decodeResponse(encodeFault({ faultCode, faultString })), { kind: 'fault', fault: { faultCode, faultString } });
    }));
  });

  it('never throws anything but XmlRpcFormatError on arbitrary or mangled input (property)', () => {
    const mangled = fc.tuple(value, fc.nat(), fc.nat(), xmlText).map(([v, cut, at, junk]) => {
      const xml = encodeResponse(v);
      return xml.slice(0, cut % (xml.length + 1)) + junk + xml.slice(at % (xml.length + 1));
    });
    fc.assert(fc.property(fc.oneof(mangled, fc.string({ maxLength: 200 })), (input) => {
      try {
        decodeResponse(input);
      } catch (error) {
        assert.ok(error instanceof XmlRpcFormatError, `unexpected ${String(error)}`);
      }
    }), { numRuns: 1000 });
  });

  it('reads what Python and Odoo write: untyped strings, i4/i8, nil, dates without dashes, whitespace, comments', () => {
    const xml = `<?xml version='1.0'?>
<!-- Python's xmlrpc.client -->
<methodResponse>
<params>
<param>
<value><array><data>
<value>plain text</value>
<value>  kept  </value>
<value/>
<value><i4>-12</i4></value>
<value><i8>9007199254740991</i8></value>
<value><int>+3</int></value>
<value><double>1e-3</double></value>
<value><double>-inf</double></value>
<value><boolean>1</boolean></value>
<value><nil/></value>
<value><ex:nil/></value>
<value><string>&lt;&amp;&gt;&#233;&#x1F600;<![CDATA[<raw>]]></string></value>
<value><dateTime.iso8601>20260131T23:59:58</dateTime.iso8601></value>
<value><dateTime.iso8601>2026-01-31T23:59:58+02:00</dateTime.iso8601></value>
<value><base64>AAEC
/f7/</base64></value>
<value><struct><member><name>a</name><value><int>1</int></value></member><member><name>__proto__</name><value>x</value></member></struct></value>
</data></array></value>
</param>
</params>
</methodResponse>
`;
    const decoded = decodeResponse(xml);
    assert.equal(decoded.kind, 'value');
    const v = (decoded as { value: XmlRpcValue[] }).value;
    assert.deepEqual(v.slice(0, 11), ['plain text', '  kept  ', '', -12, 9007199254740991, 3, 0.001, -Infinity, true, null, null]);
    assert.equal(v[11], '<&>é😀<raw>');
    assert.deepEqual(v[12], new Date(Date.UTC(2026, 0, 31, 23, 59, 58)));
    assert.deepEqual(v[13], new Date(Date.UTC(2026, 0, 31, 21, 59, 58)));
    assert.deepEqual(v[14], new Uint8Array([0, 1, 2, 253, 254, 255]));
    const struct = v[15] as Record<string, XmlRpcValue>;
    assert.equal(struct.a, 1);
    assert.equal(Object.getPrototypeOf(struct), Object.prototype);
    assert.equal(Object.getOwnPropertyDescriptor(struct, '__proto__')?.value, 'x');
  });

  it('writes dates the way Python parses them and strips characters XML cannot carry', () => {
    const xml = encodeCall('m', [new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 678)), 'a\u0001b']);
    assert.match(xml, /<dateTime\.iso8601>20260102T03:04:05<\/dateTime\.iso8601>/);
    assert.match(xml, /<string>ab<\/string>/);
    assert.match(encodeCall('m', [3, 2 ** 40, 0.5, -0]), /<int>3<\/int>.*<i8>1099511627776<\/i8>.*<double>0\.5<\/double>.*<double>-0\.0<\/double>/);
  });

  for (const [what, xml, pattern] of [
    ['truncated XML', encodeResponse({ a: [1, 2, 3] }).slice(0, 60), /expected|truncated|unterminated/],
    ['an HTML error page', '<!DOCTYPE html><html><body><h1>502 Bad Gateway</h1></body></html>', /DOCTYPE/],
    ['an HTML page without doctype', '<html><body>Internal Server Error</body></html>', /expected <methodResponse>/],
    ['an empty body', '', /expected <methodResponse>/],
    ['JSON', '{"result": 1}', /expected <methodResponse>/],
    ['a bad integer', '<methodResponse><params><param><value><int>12x</int></value></param></params></methodResponse>', /not an integer/],
    ['an int beyond 32 bits', '<methodResponse><params><param><value><int>4294967296</int></value></param></params></methodResponse>', /out of range/],
    ['a bad boolean', '<methodResponse><params><param><value><boolean>true</boolean></value></param></params></methodResponse>', /0 or 1/],
    ['a bad date', '<methodResponse><params><param><value><dateTime.iso8601>20260231T00:00:00</dateTime.iso8601></value></param></params></methodResponse>', /not a real date/],
    ['bad base64', '<methodResponse><params><param><value><base64>@@@</base64></value></param></params></methodResponse>', /not base64/],
    ['an unknown type', '<methodResponse><params><param><value><float>1</float></value></param></params></methodResponse>', /unknown XML-RPC type <float>/],
    ['a bad entity', '<methodResponse><params><param><value>&bogus;</value></param></params></methodResponse>', /entity/],
    ['a fault without a struct', '<methodResponse><fault><value>oops</value></fault></methodResponse>', /struct/],
    ['trailing content', `${encodeResponse(1)}<extra/>`, /after the end/],
  ] as const) {
    it(`refuses ${what} with a clear error`, () => {
      assert.throws(() => decodeResponse(xml), (error: Error) => error instanceof XmlRpcFormatError && pattern.test(error.message));
    });
  }

  it('bounds nesting depth and document size', () => {
    const deep = `<methodResponse><params><param>${'<value><array><data>'.repeat(200)}${'</data></array></value>'.repeat(200)}</param></params></methodResponse>`;
    assert.throws(() => decodeResponse(deep), /nested deeper than 64/);
    assert.throws(() => decodeResponse(encodeResponse('x'.repeat(2000)), { maxChars: 1000, maxDepth: 64 }), /over 1000 characters/);
  });

  it('parses a 5 MB answer in linear time without a stack overflow', () => {
    const rows = Array.from({ length: 20_000 }, (_, i) => ({ id: i, name: `row ${i}`, qty: i / 2 }));
    const decoded = decodeResponse(encodeResponse(rows));
    assert.equal(decoded.kind === 'value' && (decoded.value as unknown[]).length, 20_000);
  });
});
