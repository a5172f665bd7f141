/** Decodes the base64 payloads of printer actions, refusing anything that is not strict base64. */
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;
/** A long receipt is ~1 MB of JPEG; 32 MiB of base64 leaves room for raw documents and refuses absurd payloads. */
export const MAX_BASE64_LENGTH = 32 * 1024 * 1024;

export class PayloadError extends Error {
  override name = 'PayloadError';
}

export function decodeBase64Field(data: Record<string, unknown>, field: string): Uint8Array {
  const value = data[field];
  if (typeof value !== 'string') throw new PayloadError(`"${field}" is missing or not a string`);
  // Data URLs and line-wrapped base64 happen; whitespace and the data: prefix are not part of the bytes.
  const text = value.replace(/^data:[^,]*;base64,/, '').replace(/\s+/g, '');
  if (text.length === 0) throw new PayloadError(`"${field}" is empty`);
  if (text.length > MAX_BASE64_LENGTH) throw new PayloadError(`"${field}" is ${text.length} characters, more than the ${MAX_BASE64_LENGTH} accepted`);
  if (text.length % 4 === 1 || !BASE64.test(text)) throw new PayloadError(`"${field}" is not valid base64`);
  const binary = atob(text);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}
