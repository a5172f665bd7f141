import type { HubDb } from '../../store/db.ts';
import type { PairingRecord } from '../../store/schema.ts';
import { forgetSecret, registerSecret } from '../../hub/redact.ts';

/** The one pairing the hub has, in the `pairing` store; its secrets are registered for redaction. */
export const PAIRING_KEY = 'current';

export async function loadPairing(db: HubDb): Promise<PairingRecord | null> {
  const record = (await db.get('pairing', PAIRING_KEY)) ?? null;
  if (record) protect(record);
  return record;
}

export async function savePairing(db: HubDb, record: PairingRecord): Promise<void> {
  protect(record);
  await db.put('pairing', record);
}

export async function forgetPairing(db: HubDb, record: PairingRecord | null): Promise<void> {
  await db.delete('pairing', PAIRING_KEY);
  if (record) {
    forgetSecret(record.token);
    forgetSecret(record.enterpriseCode);
  }
}

function protect(record: PairingRecord): void {
  registerSecret(record.token);
  registerSecret(record.enterpriseCode);
}
