/**
 * XML-RPC codec (http://xmlrpc.com/spec.md) with the semantics Odoo's Python side has
 * (xmlrpc.client.loads / Marshaller): `<nil/>` ⇄ null, `<dateTime.iso8601>` ⇄ Date in UTC to the
 * second (Python parses "%Y%m%dT%H:%M:%S"), `<base64>` ⇄ Uint8Array, a `<value>` with bare text is
 * a string, `<i8>` accepted. It runs in a window, a worker (no DOMParser there) and Node, and its
 * parser is bounded: input length, nesting depth, no DOCTYPE (so no entity expansion).
 * It is loaded lazily (dynamic import) by the XML-RPC client only.
 */

export type XmlRpcValue = null | boolean | number | string | Date | Uint8Array | XmlRpcValue[] | { [key: string]: XmlRpcValue };

export interface XmlRpcFault {
  faultCode: number | string;
  faultString: string;
}

export type XmlRpcResponse = { kind: 'value'; value: XmlRpcValue } | { kind: 'fault'; fault: XmlRpcFault };

export interface XmlRpcLimits {
  maxChars: number;
  maxDepth: number;
}

export const DEFAULT_LIMITS: XmlRpcLimits = { maxChars: 64 * 1024 * 1024, maxDepth: 64 };

export class XmlRpcFormatError extends Error {
  name = 'XmlRpcFormatError';
}

const INT32_MIN = -(2 ** 31);
const INT32_MAX = 2 ** 31 - 1;
/** XML 1.0 forbids these characters; Odoo strips them from strings it sends (CONTROL_CHARACTERS). */
// eslint-disable-next-line no-control-regex
const XML_FORBIDDEN = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g;

// ---------------------------------------------------------------- encoding

export function encodeCall(method: string, params: readonly XmlRpcValue[]): string {
  return `<?xml version="1.0"?>\n<methodCall><methodName>${escapeText(method)}</methodName><params>${params.map((p) => `<param>${encodeValue(p)}</param>`).join('')}</params></methodCall>\n`;
}

export function encodeResponse(value: XmlRpcValue): string {
  return `<?xml version="1.0"?>\n<methodResponse>\n<params>\n<param>\n${encodeValue(value)}\n</param>\n</params>\n</methodResponse>\n`;
}

export function encodeFault(fault: XmlRpcFault): string {
  return `<?xml version="1.0"?>\n<methodResponse>\n<fault>\n${encodeValue({ faultCode: fault.faultCode, faultString: fault.faultString })}\n</fault>\n</methodResponse>\n`;
}

export function encodeValue(value: XmlRpcValue | undefined, depth = 0): string {
  if (depth > DEFAULT_LIMITS.maxDepth) throw new XmlRpcFormatError(`value nested deeper than ${DEFAULT_LIMITS.maxDepth} levels`);
  if (value === null || value === undefined) return '<value><nil/></value>';
  switch (typeof value) {
    case 'boolean':
      return `<value><boolean>${value ? 1 : 0}</boolean></value>`;
    case 'string':
      return `<value><string>${escapeText(value)}</string></value>`;
    case 'number':
      return `<value>${encodeNumber(value)}</value>`;
    case 'object':
      break;
    default:
      throw new XmlRpcFormatError(`XML-RPC cannot carry a ${typeof value}`);
  }
  if (value instanceof Date) return `<value><dateTime.iso8601>${encodeDate(value)}</dateTime.iso8601></value>`;
  if (value instanceof Uint8Array) return `<value><base64>${encodeBase64(value)}</base64></value>`;
  if (Array.isArray(value)) return `<value><array><data>${value.map((v) => encodeValue(v, depth + 1)).join('')}</data></array></value>`;
  const members = Object.entries(value).map(([k, v]) => `<member><name>${escapeText(k)}</name>${encodeValue(v, depth + 1)}</member>`);
  return `<value><struct>${members.join('')}</struct></value>`;
}

function encodeNumber(n: number): string {
  if (Number.isInteger(n) && !Object.is(n, -0)) {
    if (n >= INT32_MIN && n <= INT32_MAX) return `<int>${n}</int>`;
    if (Number.isSafeInteger(n)) return `<i8>${n}</i8>`;
  }
  if (Number.isNaN(n)) return '<double>nan</double>';
  if (!Number.isFinite(n)) return `<double>${n > 0 ? 'inf' : '-inf'}</double>`;
  if (Object.is(n, -0)) return '<double>-0.0</double>';
  // Always with a dot or exponent, so Python reads a float back.
  const text = String(n);
  return `<double>${/[.e]/.test(text) ? text : `${text}.0`}</double>`;
}

/** Python writes and reads "%Y%m%dT%H:%M:%S"; Odoo's datetimes are naive UTC. */
function encodeDate(date: Date): string {
  if (Number.isNaN(date.getTime())) throw new XmlRpcFormatError('cannot encode an invalid Date');
  const year = date.getUTCFullYear();
  if (year < 1 || year > 9999) throw new XmlRpcFormatError(`year ${year} is outside the XML-RPC date range 0001-9999`);
  const p = (n: number, w = 2) => String(n).padStart(w, '0');
  return `${p(year, 4)}${p(date.getUTCMonth() + 1)}${p(date.getUTCDate())}T${p(date.getUTCHours())}:${p(date.getUTCMinutes())}:${p(date.getUTCSeconds())}`;
}

/** `\r` is written as a character reference: XML parsers turn a literal CR into LF. */
function escapeText(text: string): string {
  return text.replace(XML_FORBIDDEN, '').replace(/[&<>\r]/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : '&#13;'));
}

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

function encodeBase64(bytes: Uint8Array): string {
  let out = '';
  for (let i = 0; i < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | ((bytes[i + 1] ?? 0) << 8) | (bytes[i + 2] ?? 0);
    out += B64[(n >> 18) & 63] + B64[(n >> 12) & 63];
    out += i + 1 < bytes.length ? B64[(n >> 6) & 63] : '=';
    out += i + 2 < bytes.length ? B64[n & 63] : '=';
  }
  return out;
}

function decodeBase64(text: string): Uint8Array {
  const clean = text.replace(/[\s]+/g, '');
  if (clean.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(clean)) throw new XmlRpcFormatError(`<base64> holds something that is not base64: "${clean.slice(0, 40)}"`);
  const pad = clean.endsWith('==') ? 2 : clean.endsWith('=') ? 1 : 0;
  const out = new Uint8Array((clean.length / 4) * 3 - pad);
  let o = 0;
  for (let i = 0; i < clean.length; i += 4) {
    const n = (B64.indexOf(clean[i]) << 18) | (B64.indexOf(clean[i + 1]) << 12) | ((B64.indexOf(clean[i + 2]) & 63) << 6) | (B64.indexOf(clean[i + 3]) & 63);
    if (o < out.length) out[o++] = (n >> 16) & 255;
    if (o < out.length) out[o++] = (n >> 8) & 255;
    if (o < out.length) out[o++] = n & 255;
  }
  return out;
}

// ---------------------------------------------------------------- decoding

export function decodeResponse(xml: string, limits: XmlRpcLimits = DEFAULT_LIMITS): XmlRpcResponse {
  const p = new Parser(xml, limits);
  p.prolog();
  p.open('methodResponse');
  let result: XmlRpcResponse;
  const next = p.peekOpen();
  if (next === 'params') {
    p.open('params');
    p.open('param');
    result = { kind: 'value', value: p.value(0) };
    p.close('param');
    p.close('params');
  } else if (next === 'fault') {
    p.open('fault');
    const fault = p.value(0);
    p.close('fault');
    result = { kind: 'fault', fault: checkFault(fault) };
  } else {
    throw p.fail(`expected <params> or <fault> in <methodResponse>, found ${next ? `<${next}>` : 'no element'}`);
  }
  p.close('methodResponse');
  p.end();
  return result;
}

export function decodeCall(xml: string, limits: XmlRpcLimits = DEFAULT_LIMITS): { method: string; params: XmlRpcValue[] } {
  const p = new Parser(xml, limits);
  p.prolog();
  p.open('methodCall');
  p.open('methodName');
  const method = p.text();
  p.close('methodName');
  const params: XmlRpcValue[] = [];
  if (p.peekOpen() === 'params') {
    if (!p.open('params')) {
      while (p.peekOpen() === 'param') {
        p.open('param');
        params.push(p.value(0));
        p.close('param');
      }
      p.close('params');
    }
  }
  p.close('methodCall');
  p.end();
  return { method, params };
}

function checkFault(value: XmlRpcValue): XmlRpcFault {
  if (value === null || typeof value !== 'object' || Array.isArray(value) || value instanceof Date || value instanceof Uint8Array) {
    throw new XmlRpcFormatError('<fault> does not hold a struct');
  }
  const { faultCode, faultString } = value as Record<string, XmlRpcValue>;
  if ((typeof faultCode !== 'number' && typeof faultCode !== 'string') || typeof faultString !== 'string') {
    throw new XmlRpcFormatError('<fault> lacks faultCode or faultString');
  }
  return { faultCode, faultString };
}

const NAME = /[A-Za-z_:][\w.:-]*/y;

/** A pull parser for the small XML subset XML-RPC uses: elements, text, entities, CDATA, comments, PIs. */
class Parser {
  private pos = 0;

  constructor(private readonly s: string, private readonly limits: XmlRpcLimits) {
    if (s.length > limits.maxChars) throw new XmlRpcFormatError(`XML-RPC document over ${limits.maxChars} characters`);
  }

  fail(message: string): XmlRpcFormatError {
    return new XmlRpcFormatError(`${message} (at character ${this.pos})`);
  }

  prolog(): void {
    if (this.s.charCodeAt(0) === 0xfeff) this.pos = 1;
    this.misc();
  }

  end(): void {
    this.misc();
    if (this.pos < this.s.length) throw this.fail('content after the end of the document');
  }

  /** Skips whitespace, comments and processing instructions between elements. */
  private misc(): void {
    for (;;) {
      while (this.pos < this.s.length && isSpace(this.s.charCodeAt(this.pos))) this.pos++;
      if (this.s.startsWith('<!--', this.pos)) this.skipPast('-->', 'comment');
      else if (this.s.startsWith('<?', this.pos)) this.skipPast('?>', 'processing instruction');
      else if (this.s.startsWith('<!', this.pos)) throw this.fail('DOCTYPE and other declarations are not allowed in XML-RPC');
      else return;
    }
  }

  private skipPast(end: string, what: string): void {
    const at = this.s.indexOf(end, this.pos);
    if (at < 0) throw this.fail(`unterminated ${what}`);
    this.pos = at + end.length;
  }

  /** The name of the next start tag, without consuming it; null when something else comes next. */
  peekOpen(): string | null {
    this.misc();
    if (this.s[this.pos] !== '<' || this.s[this.pos + 1] === '/') return null;
    NAME.lastIndex = this.pos + 1;
    const m = NAME.exec(this.s);
    return m ? m[0] : null;
  }

  /** Consumes `<name ...>` or `<name .../>`; returns true when it was self-closing. */
  open(name: string): boolean {
    const found = this.peekOpen();
    if (found !== name) throw this.fail(`expected <${name}>, found ${this.describeHere()}`);
    this.pos += 1 + name.length;
    return this.tagEnd(name);
  }

  private tagEnd(name: string): boolean {
    // Attributes carry nothing in XML-RPC; skip them with their quoted values.
    for (;;) {
      const c = this.s[this.pos];
      if (c === undefined) throw this.fail(`unterminated <${name}> tag`);
      if (c === '>') {
        this.pos++;
        return false;
      }
      if (c === '/' && this.s[this.pos + 1] === '>') {
        this.pos += 2;
        return true;
      }
      if (c === '"' || c === "'") {
        const close = this.s.indexOf(c, this.pos + 1);
        if (close < 0) throw this.fail(`unterminated attribute in <${name}>`);
        this.pos = close + 1;
      } else if (c === '<') throw this.fail(`unterminated <${name}> tag`);
      else this.pos++;
    }
  }

  close(name: string): void {
    this.misc();
    if (!this.s.startsWith(`</${name}`, this.pos)) throw this.fail(`expected </${name}>, found ${this.describeHere()}`);
    this.pos += 2 + name.length;
    while (isSpace(this.s.charCodeAt(this.pos))) this.pos++;
    if (this.s[this.pos] !== '>') throw this.fail(`malformed </${name}>`);
    this.pos++;
  }

  private describeHere(): string {
    if (this.pos >= this.s.length) return 'the end of the document (truncated?)';
    return `"${this.s.slice(this.pos, this.pos + 30)}"`;
  }

  /** Character data up to the next tag: entities resolved, CDATA kept, comments dropped. */
  text(): string {
    let out = '';
    for (;;) {
      const lt = this.s.indexOf('<', this.pos);
      if (lt < 0) throw this.fail('text runs to the end of the document (truncated?)');
      out += decodeEntities(this.s.slice(this.pos, lt).replace(/\r\n?/g, '\n'), () => this.fail('bad character or entity reference'));
      this.pos = lt;
      if (this.s.startsWith('<![CDATA[', lt)) {
        const end = this.s.indexOf(']]>', lt + 9);
        if (end < 0) throw this.fail('unterminated CDATA section');
        out += this.s.slice(lt + 9, end).replace(/\r\n?/g, '\n');
        this.pos = end + 3;
      } else if (this.s.startsWith('<!--', lt)) {
        this.skipPast('-->', 'comment');
      } else return out;
    }
  }

  value(depth: number): XmlRpcValue {
    if (depth > this.limits.maxDepth) throw this.fail(`values nested deeper than ${this.limits.maxDepth} levels`);
    if (this.open('value')) return '';
    const leading = this.text();
    const type = this.s[this.pos + 1] === '/' ? null : this.peekOpen();
    if (type === null) {
      this.close('value');
      return leading; // untyped value: a string, whitespace and all
    }
    if (leading.trim() !== '') throw this.fail(`text "${leading.trim().slice(0, 20)}" before <${type}>`);
    const value = this.typed(type, depth);
    if (this.text().trim() !== '') throw this.fail(`text after <${type}>`);
    this.close('value');
    return value;
  }

  private typed(type: string, depth: number): XmlRpcValue {
    switch (type) {
      case 'array':
        return this.array(depth);
      case 'struct':
        return this.struct(depth);
      case 'nil':
      case 'ex:nil':
        if (!this.open(type)) this.close(type);
        return null;
    }
    const scalar = this.open(type) ? '' : this.textThenClose(type);
    switch (type) {
      case 'string':
        return scalar;
      case 'int':
      case 'i4':
      case 'i8':
        return this.integer(scalar, type);
      case 'boolean':
        if (scalar.trim() === '1') return true;
        if (scalar.trim() === '0') return false;
        throw this.fail(`<boolean> must hold 0 or 1, not "${scalar.slice(0, 20)}"`);
      case 'double':
        return this.double(scalar);
      case 'dateTime.iso8601':
        return this.date(scalar);
      case 'base64':
        return decodeBase64(scalar);
      default:
        throw this.fail(`unknown XML-RPC type <${type}>`);
    }
  }

  private textThenClose(type: string): string {
    const t = this.text();
    this.close(type);
    return t;
  }

  private integer(text: string, type: string): number {
    const t = text.trim();
    if (!/^[+-]?\d{1,20}$/.test(t)) throw this.fail(`<${type}> holds "${t.slice(0, 20)}", not an integer`);
    const n = Number(t);
    const fits = type === 'i8' ? Number.isSafeInteger(n) : n >= INT32_MIN && n <= INT32_MAX;
    if (!fits) throw this.fail(`<${type}> ${t} is out of range`);
    return n;
  }

  private double(text: string): number {
    const t = text.trim().toLowerCase();
    if (t === 'nan' || t === '+nan' || t === '-nan') return NaN;
    if (/^[+]?inf(inity)?$/.test(t)) return Infinity;
    if (/^-inf(inity)?$/.test(t)) return -Infinity;
    if (!/^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/.test(t)) throw this.fail(`<double> holds "${t.slice(0, 30)}", not a number`);
    return Number(t);
  }

  private date(text: string): Date {
    const m = /^(\d{4})-?(\d{2})-?(\d{2})T(\d{2}):?(\d{2}):?(\d{2})(\.\d+)?(Z|[+-]\d{2}:?\d{2})?$/.exec(text.trim());
    if (!m) throw this.fail(`<dateTime.iso8601> holds "${text.trim().slice(0, 30)}", not a date`);
    const [, y, mo, d, h, mi, s, frac, zone] = m;
    const naive = new Date(Date.UTC(2000, +mo - 1, +d, +h, +mi, +s, frac ? Math.floor(Number(`0${frac}`) * 1000) : 0));
    naive.setUTCFullYear(+y); // Date.UTC maps years 0-99 to 1900-1999
    if (naive.getUTCMonth() !== +mo - 1 || naive.getUTCDate() !== +d || naive.getUTCHours() !== +h || naive.getUTCMinutes() !== +mi || naive.getUTCSeconds() !== +s) {
      throw this.fail(`<dateTime.iso8601> "${text.trim()}" is not a real date and time`);
    }
    if (!zone || zone === 'Z') return naive;
    const sign = zone[0] === '-' ? -1 : 1;
    const digits = zone.slice(1).replace(':', '');
    return new Date(naive.getTime() - sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2))) * 60_000);
  }

  private array(depth: number): XmlRpcValue[] {
    const out: XmlRpcValue[] = [];
    if (this.open('array')) return out;
    if (!this.open('data')) {
      while (this.peekOpen() === 'value') out.push(this.value(depth + 1));
      this.close('data');
    }
    this.close('array');
    return out;
  }

  private struct(depth: number): Record<string, XmlRpcValue> {
    const entries: Array<[string, XmlRpcValue]> = [];
    if (this.open('struct')) return {};
    while (this.peekOpen() === 'member') {
      this.open('member');
      let name = '';
      if (!this.open('name')) name = this.textThenClose('name');
      entries.push([name, this.value(depth + 1)]);
      this.close('member');
    }
    this.close('struct');
    // fromEntries defines own properties, so a member named "__proto__" stays data.
    return Object.fromEntries(entries);
  }
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0a || c === 0x0d;
}

const NAMED_ENTITIES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decodeEntities(text: string, fail: () => Error): string {
  if (!text.includes('&')) return text;
  return text.replace(/&([^;]{0,10});?/g, (whole, body: string) => {
    if (!whole.endsWith(';')) throw fail();
    if (body in NAMED_ENTITIES) return NAMED_ENTITIES[body];
    const code = body.startsWith('#x') ? parseInt(body.slice(2), 16) : body.startsWith('#') ? parseInt(body.slice(1), 10) : NaN;
    if (!Number.isInteger(code) || code < 0 || code > 0x10ffff || !/^#(x[0-9a-fA-F]+|\d+)$/.test(body)) throw fail();
    return String.fromCodePoint(code);
  });
}
