/**
 * The hub pages' Content Security Policy, one source for the local server's header and the
 * `<meta http-equiv>` in index.html (checked equal by test/unit/security/csp.test.ts).
 *
 * - scripts only from the hub's own origin: no inline script, no eval; `'wasm-unsafe-eval'`
 *   lets the hub compile WebAssembly (the camera's barcode decoder, zxing-cpp, fetched from the
 *   hub's own origin) and nothing else: JavaScript eval and `new Function` stay refused. Without
 *   it Chrome refuses `WebAssembly.instantiate` under this policy, in the hub worker too (a
 *   worker takes the policy of its script's response);
 * - Trusted Types: lit's own policy for its templates, and the hub's `default` policy, which
 *   only lets same-origin script URLs through (the hub worker, the service worker); any string
 *   headed for an HTML or script sink is refused;
 * - connections only to the own origin ('self' covers the same-host ws:/wss: bus in CSP 3);
 * - images from the hub itself, blob: (the last-print preview) and data: (camera snapshots).
 */
export const TRUSTED_TYPES_POLICIES = ['lit-html', 'default'] as const;

export const CSP_DIRECTIVES: ReadonlyArray<readonly [string, string]> = [
  ['default-src', "'self'"],
  ['script-src', "'self' 'wasm-unsafe-eval'"],
  ['style-src', "'self'"],
  ['img-src', "'self' blob: data:"],
  ['media-src', "'self' blob:"],
  ['connect-src', "'self'"],
  ['worker-src', "'self'"],
  ['manifest-src', "'self'"],
  ['object-src', "'none'"],
  ['base-uri', "'none'"],
  ['form-action', "'none'"],
  ['require-trusted-types-for', "'script'"],
  ['trusted-types', TRUSTED_TYPES_POLICIES.join(' ')],
];

/** Directives a `<meta>` policy may not carry (CSP 3 §6.1): only the header sets them. */
export const HEADER_ONLY_DIRECTIVES: ReadonlyArray<readonly [string, string]> = [
  ['frame-ancestors', "'none'"],
];

const join = (directives: ReadonlyArray<readonly [string, string]>) => directives.map(([name, value]) => `${name} ${value}`).join('; ');

/** What index.html's `<meta http-equiv="Content-Security-Policy">` says. */
export const META_CSP = join(CSP_DIRECTIVES);
/** What the local server sends with every hub file. */
export const HEADER_CSP = join([...CSP_DIRECTIVES, ...HEADER_ONLY_DIRECTIVES]);
