/**
 * A scanner set to AZERTY typed on a QWERTY system (or the reverse) swaps these characters;
 * digits on AZERTY need Shift, which scanners send, so the common case is letters.
 */
const AZERTY_FROM_QWERTY: Record<string, string> = { a: 'q', q: 'a', z: 'w', w: 'z', A: 'Q', Q: 'A', Z: 'W', W: 'Z', m: ',', ';': 'm', M: '?', ':': 'M' };
const QWERTZ_FROM_QWERTY: Record<string, string> = { y: 'z', z: 'y', Y: 'Z', Z: 'Y' };

/** Corrects a scan typed with the scanner's layout `scanner` but read with the OS's `us` layout. */
export function layoutRemap(scannerLayout: string): (text: string) => string {
  const table = scannerLayout === 'fr' || scannerLayout === 'be' ? AZERTY_FROM_QWERTY : scannerLayout === 'de' || scannerLayout === 'ch' ? QWERTZ_FROM_QWERTY : null;
  if (!table) return (t) => t;
  return (text) => [...text].map((c) => table[c] ?? c).join('');
}
