/**
 * The hub's `default` Trusted Types policy (see csp.ts). Under `require-trusted-types-for
 * 'script'` every string that reaches a script sink goes through it: it lets same-origin script
 * URLs through (`new Worker(url)`, the service worker registration) and refuses everything else.
 * It has no createHTML or createScript, so no string ever becomes HTML or script.
 */
interface TrustedTypePolicyFactoryLike {
  createPolicy(name: string, rules: { createScriptURL(input: string): string }): unknown;
  defaultPolicy: unknown;
}

export function allowScriptUrl(input: string, base: string): string {
  const url = new URL(input, base);
  if (url.origin !== new URL(base).origin) throw new TypeError(`script URL refused: ${url.origin} is not the hub's origin`);
  return url.href;
}

export function installDefaultPolicy(): void {
  const factory = (globalThis as { trustedTypes?: TrustedTypePolicyFactoryLike }).trustedTypes;
  if (!factory || factory.defaultPolicy) return;
  factory.createPolicy('default', { createScriptURL: (input) => allowScriptUrl(input, location.href) });
}

installDefaultPolicy();
