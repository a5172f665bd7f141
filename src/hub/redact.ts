/**
 * Keeps secrets out of logs, errors and the UI. Values the hub knows to be secret (pairing
 * token, connection passwords, API keys) are registered and replaced wherever they appear;
 * patterns catch the common shapes of secrets the hub was never told about.
 */
const MASK = '****';
const MIN_SECRET_LENGTH = 4;

const knownSecrets = new Set<string>();

const SECRET_PATTERNS: readonly RegExp[] = [
  // query strings and form fields: token=..., password=..., api_key=...
  /((?:token|password|passwd|api[_-]?key|secret|enterprise_code)=)[^&\s"'|]+/gi,
  // JSON fields
  /("(?:token|password|passwd|api[_-]?key|secret|enterprise_code|pairing_code)"\s*:\s*")[^"]*/gi,
  // HTTP authorization headers
  /(\bbearer\s+)[\w.~+/=-]+/gi,
];

export function registerSecret(value: string | null | undefined): void {
  if (value && value.length >= MIN_SECRET_LENGTH) knownSecrets.add(value);
}

export function forgetSecret(value: string | null | undefined): void {
  if (value) knownSecrets.delete(value);
}

export function redact(text: string): string {
  let out = text;
  for (const secret of knownSecrets) out = out.split(secret).join(MASK);
  for (const pattern of SECRET_PATTERNS) out = out.replace(pattern, `$1${MASK}`);
  return out;
}

/** How a secret is shown to a person: whether it is set, never what it is. */
export function maskSecret(value: string | null | undefined): string {
  return value ? MASK : '';
}
