/**
 * The one reading of a request target that the local server checks and forwards. An upstream
 * (Odoo's werkzeug, a reverse proxy in front of it) may decode and normalise a path differently
 * from `new URL()`, so a target is accepted only when every reading of it is the same: it is
 * already canonical, and what goes upstream is rebuilt from that checked reading.
 */

/** Far above any path the hub or Odoo uses; bounds the work on one target. */
export const MAX_TARGET_LENGTH = 8192;

export interface CanonicalTarget {
  /** The checked path, e.g. `/web/webclient/version_info`. */
  pathname: string;
  /** Path and query as they go upstream (the query may be empty). */
  path: string;
}

export type TargetReading = { target: CanonicalTarget; problem?: undefined } | { target?: undefined; problem: string };

/** Encoded characters that would change a path's segments once an upstream decodes them. */
const ENCODED_IN_PATH: ReadonlyArray<[RegExp, string]> = [
  [/%2f/i, "an encoded '/' (%2F)"],
  [/%5c/i, "an encoded '\\' (%5C)"],
  [/%2e/i, "an encoded '.' (%2E)"],
  [/%00/, 'an encoded NUL (%00)'],
];

/**
 * Reads an origin-form target (`/path?query`). Returns the canonical target, or what is wrong
 * with it (said so that the person who sent it can see which part was refused).
 */
export function readOriginForm(raw: string): TargetReading {
  if (raw.length > MAX_TARGET_LENGTH) return { problem: `the request target is longer than ${MAX_TARGET_LENGTH} characters` };
  if (!raw.startsWith('/')) return { problem: 'the request target is not a path' };
  // Node's parser lets some of these through; a browser never sends them unencoded.
  if (/[\x00-\x1f\x7f]/.test(raw)) return { problem: 'the request target contains a control character' };
  if (/[^\x20-\x7e]/.test(raw)) return { problem: 'the request target contains a character that is not percent-encoded ASCII' };
  if (raw.includes('#')) return { problem: "the request target contains a fragment ('#'), which is never sent to a server" };
  if (/%(?![0-9a-f]{2})/i.test(raw)) return { problem: "the request target contains a '%' that is not followed by two hex digits" };

  const queryAt = raw.indexOf('?');
  const rawPath = queryAt === -1 ? raw : raw.slice(0, queryAt);
  const rawQuery = queryAt === -1 ? '' : raw.slice(queryAt + 1);
  if (rawPath.includes('//')) return { problem: "the path has an empty segment ('//')" };
  if (rawPath.includes('\\')) return { problem: "the path contains a '\\'" };
  if (rawPath.split('/').some((segment) => segment === '.' || segment === '..')) return { problem: "the path has a '.' or '..' segment" };
  for (const [pattern, what] of ENCODED_IN_PATH) if (pattern.test(rawPath)) return { problem: `the path contains ${what}` };
  try {
    // Rejects invalid UTF-8, overlong forms (%C0%AF for '/') and lone surrogates.
    decodeURIComponent(rawPath);
  } catch {
    return { problem: 'the path has percent-escapes that are not valid UTF-8' };
  }

  const url = new URL(raw, 'http://hub');
  if (url.pathname !== rawPath) return { problem: `the path is not in canonical form (it reads as ${url.pathname.slice(0, 200)})` };
  // A lone '?' reads as no query at all; any other query must already be what a browser sends.
  if (rawQuery !== '' && url.search !== `?${rawQuery}`) return { problem: 'the query is not in canonical form (a browser would have percent-encoded some of it)' };
  return { target: { pathname: url.pathname, path: `${url.pathname}${url.search}` } };
}
