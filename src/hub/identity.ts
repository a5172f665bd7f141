/**
 * Who the hub is to Odoo (shared/protocol/odoo-iot.md §1).
 *
 * The version is `<letter><hub version>-<odoo serie>[#<hash>]`. `L` would make the database
 * call us a Raspberry Pi "IoT Box" and a `YYYY.MM.DD`-like version makes the 19.0 POS skip
 * WebRTC, so the hub uses `B` (browser) and a semver of its own.
 */
export const VERSION_LETTER = 'B';
export const DEFAULT_ODOO_SERIE = '19.0';
/** odoo-iot.md §1: a MAC is sent in 19.0; a browser cannot read one, so it sends none. */
export const NO_MAC = '00:00:00:00:00:00';

const IDENTIFIER_BYTES = 8;
const DATE_LIKE = /^\D?\d{4}\.\d{2}\.\d{2}/;
const SEMVER_CORE = /^\d+\.\d+(\.\d+)?$/;

export function newIdentifier(random: (bytes: Uint8Array) => Uint8Array = (b) => crypto.getRandomValues(b)): string {
  const bytes = random(new Uint8Array(IDENTIFIER_BYTES));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
}

export function isIdentifier(value: unknown): value is string {
  return typeof value === 'string' && new RegExp(`^[0-9a-f]{${IDENTIFIER_BYTES * 2}}$`).test(value);
}

export function hubVersion(appVersion: string, serie = DEFAULT_ODOO_SERIE, buildHash = ''): string {
  if (!SEMVER_CORE.test(appVersion)) throw new Error(`hub version "${appVersion}" is not like 1.2.3`);
  const version = `${VERSION_LETTER}${appVersion}-${serie}${buildHash ? `#${buildHash}` : ''}`;
  if (version.startsWith('L') || DATE_LIKE.test(version)) throw new Error(`hub version "${version}" would mislead Odoo`);
  return version;
}
