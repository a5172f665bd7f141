/**
 * The connection token a user pastes into the hub (shared/protocol/odoo-iot.md §2.1).
 * Three generations exist and all are accepted:
 *   old: `<url>|<token>|<db_uuid>|<enterprise_code>`
 *   18:  `<url>?token=<t>&db_uuid=<u>&enterprise_code=<c>`
 *   19:  the 18 form plus `&db_name=<db>`
 */
export type TokenGeneration = 'old' | '18' | '19';

export interface ConnectionToken {
  generation: TokenGeneration;
  /** The database origin (and path, if the database lives under one), without a trailing slash. */
  serverUrl: string;
  token: string;
  dbUuid: string;
  enterpriseCode: string;
  dbName: string;
  /** The real box refuses a localhost server; the hub allows it for development and says so. */
  localhost: boolean;
}

/** Far above any real token (a URL, 32 hex, a uuid, a code, a database name). */
export const MAX_TOKEN_LENGTH = 2048;
const OLD_SEPARATOR = '|';
const OLD_PARTS = 4;
const MAX_FIELD_LENGTH = 256;
const LOCALHOST_NAMES = new Set(['localhost', '127.0.0.1', '[::1]']);

export class TokenError extends Error {
  name = 'TokenError';
}

export function parseConnectionToken(input: string): ConnectionToken {
  if (typeof input !== 'string') throw new TokenError('The connection token must be text.');
  const text = input.trim();
  if (!text) throw new TokenError('The connection token is empty: copy it from the IoT app of your database (IoT > Connect).');
  if (text.length > MAX_TOKEN_LENGTH) {
    throw new TokenError(`This is not a connection token: it is ${text.length} characters long, a token is at most ${MAX_TOKEN_LENGTH}.`);
  }
  if (/[\s\u0000-\u001f\u007f]/.test(text)) {
    throw new TokenError('The connection token contains spaces, line breaks or control characters: paste it on one line, exactly as the IoT app shows it.');
  }
  return text.includes(OLD_SEPARATOR) ? parseOld(text) : parseQuery(text);
}

function parseOld(text: string): ConnectionToken {
  const parts = text.split(OLD_SEPARATOR);
  if (parts.length !== OLD_PARTS) {
    throw new TokenError(`An old-style connection token has ${OLD_PARTS} parts separated by "|" (url|token|db_uuid|enterprise_code); this one has ${parts.length}.`);
  }
  const [url, token, dbUuid, enterpriseCode] = parts;
  const server = parseServerUrl(url);
  return {
    generation: 'old',
    ...server,
    token: field('token', token, true),
    dbUuid: field('db_uuid', dbUuid, false),
    enterpriseCode: field('enterprise_code', enterpriseCode, false),
    dbName: '',
  };
}

function parseQuery(text: string): ConnectionToken {
  const question = text.indexOf('?');
  if (question === -1) {
    // A URL alone is the most common mistake: the database address instead of the token.
    const looksLikeUrl = /^[a-z][a-z0-9+.-]*:\/\//i.test(text);
    throw new TokenError(looksLikeUrl
      ? 'This is a web address without a token: copy the whole connection token from the IoT app (it contains "?token=").'
      : 'This is not a connection token: it should start with the database address (https://...) and contain "?token=".');
  }
  const server = parseServerUrl(text.slice(0, question));
  let query: URLSearchParams;
  try {
    query = new URLSearchParams(text.slice(question + 1));
  } catch {
    throw new TokenError('The part of the connection token after "?" cannot be read.');
  }
  const one = (name: string) => {
    const values = query.getAll(name);
    if (values.length > 1) throw new TokenError(`The connection token names ${name} ${values.length} times.`);
    return values[0];
  };
  const dbName = one('db_name');
  return {
    generation: dbName === undefined ? '18' : '19',
    ...server,
    token: field('token', one('token'), true),
    dbUuid: field('db_uuid', one('db_uuid'), false),
    enterpriseCode: field('enterprise_code', one('enterprise_code'), false),
    dbName: dbName === undefined ? '' : field('db_name', dbName, true),
  };
}

function parseServerUrl(raw: string): { serverUrl: string; localhost: boolean } {
  if (!raw) throw new TokenError('The connection token does not start with the database address (https://...).');
  let url: URL;
  try {
    url = new URL(raw);
  } catch {
    throw new TokenError(`The connection token does not start with a web address: "${raw.slice(0, 60)}" is not a URL.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new TokenError(`The database address in the token must start with http:// or https://, not ${url.protocol}//.`);
  }
  if (!url.hostname) throw new TokenError('The database address in the token has no host name.');
  if (url.username || url.password) throw new TokenError('The database address in the token must not contain a user name or password.');
  if (url.hash) throw new TokenError('The database address in the token must not contain "#".');
  const path = url.pathname.replace(/\/+$/, '');
  return { serverUrl: `${url.origin}${path}`, localhost: LOCALHOST_NAMES.has(url.hostname) };
}

/** `required` fields must be present and non-empty; the others may be empty (community databases have no code). */
function field(name: string, value: string | undefined, required: boolean): string {
  if (value === undefined) {
    throw new TokenError(`The connection token has no ${name}: copy the whole token from the IoT app, it may have been cut.`);
  }
  if (required && !value) throw new TokenError(`The ${name} in the connection token is empty.`);
  if (value.length > MAX_FIELD_LENGTH) throw new TokenError(`The ${name} in the connection token is too long (${value.length} characters).`);
  return value;
}
