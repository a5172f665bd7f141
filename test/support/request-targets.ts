// Raw request targets as an attacker writes them, and an independent reading of what an
// upstream would make of one: shared by the fuzz test of the checks and the property tests that
// send targets through a real socket.
import fc from 'fast-check';
import { FORWARDED_PREFIXES, PAIRING_PROXY_PREFIX } from '../../server/forwarding.ts';

/** Pieces that change how a path is read somewhere: separators, dots, escapes, bad UTF-8. */
const HOSTILE = [
  '//', '.', '..', '%2e', '%2E', '%2f', '%2F', '%5c', '%5C', '%00', '%', '%zz', '%4', '%c0%af', '%C0%AE', '%e0%80%af',
  '%ff', '%ed%a0%80', '\\', '#', '{', '}', '"', "'", '\u00e9', '\u0001',
];
/** Pieces of ordinary targets, so that many generated targets are forwarded too. */
const ORDINARY = ['/', 'a', 'web', 'x', 'jsonrpc', '?', '&', '=', ';', '@', ':', '|', '^', '~', '+', '-', '_', '%20', '%41', '%e2%82%ac', '.x'];
const piece = fc.oneof({ arbitrary: fc.constantFrom(...ORDINARY), weight: 5 }, { arbitrary: fc.constantFrom(...HOSTILE), weight: 1 });

/** Where a target starts: every forwarded prefix, the pairing proxy's, and the hub's own files. */
const STARTS = [...FORWARDED_PREFIXES, PAIRING_PROXY_PREFIX, '/', '/assets/', '/odoo-enterprise/'];

export const rawTarget = fc
  .tuple(fc.constantFrom(...STARTS), fc.array(piece, { maxLength: 12 }))
  .map(([start, pieces]) => `${start}${pieces.join('')}`);

/**
 * True when every reading of `path` (path and query) names the same resource: what `new URL`
 * sees, what a server that percent-decodes the path once sees, and the raw string itself.
 */
export function upstreamWouldReadTheSame(path: string): boolean {
  if (!path.startsWith('/') || /[^\x21-\x7e]/.test(path) || path.includes('#') || /%(?![0-9a-f]{2})/i.test(path)) return false;
  const queryAt = path.indexOf('?');
  const rawPath = queryAt === -1 ? path : path.slice(0, queryAt);
  // '//x' (or '/\\x', the same to a URL parser) is scheme-relative: another host.
  if (/^\/[\/\\]/.test(rawPath)) return false;
  const url = new URL(path, 'http://upstream');
  if (url.pathname !== rawPath) return false;
  if (queryAt !== -1 && url.search !== path.slice(queryAt)) return false;
  let decoded: string;
  try {
    decoded = decodeURIComponent(rawPath);
  } catch {
    return false;
  }
  const segments = rawPath.split('/');
  const decodedSegments = decoded.split('/');
  if (decodedSegments.length !== segments.length || /[\\\0]/.test(decoded)) return false;
  // Only the segment before the first '/' and after a trailing '/' may be empty.
  return decodedSegments.every((s, i) => s !== '.' && s !== '..' && (s !== '' || i === 0 || i === decodedSegments.length - 1));
}
