import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { isIdentifier } from '../src/hub/identity.ts';

/** A few fields: anything longer is not this file. */
const MAX_STATE_BYTES = 4_096;
const STATE_FILE = 'hub.json';

/**
 * What the local server keeps for the hub outside the browser profile: the hub's identifier,
 * so that clearing the site's data (or a new profile) does not make Odoo list a new IoT box.
 * One JSON file in the data directory, written whole (temp file, then rename), readable only
 * by the user who runs the server.
 */
export class HubStateFile {
  constructor(private readonly dir: string) {}

  get path(): string {
    return join(this.dir, STATE_FILE);
  }

  /** The kept identifier, or null when none is kept (or the file is not this server's). */
  async identifier(): Promise<string | null> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch {
      return null;
    }
    return parseHubState(text);
  }

  /**
   * Keeps the first identifier a hub offers. Another one later is refused: two browser
   * profiles on one terminal must not take turns being the same box.
   */
  async keepIdentifier(identifier: string): Promise<{ kept: string; changed: boolean }> {
    if (!isIdentifier(identifier)) throw new Error(`"${String(identifier).slice(0, 40)}" is not a hub identifier (16 hex digits)`);
    const kept = await this.identifier();
    if (kept) return { kept, changed: false };
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
    const temp = `${this.path}.${process.pid}.tmp`;
    await writeFile(temp, `${JSON.stringify({ identifier })}\n`, { mode: 0o600 });
    await rename(temp, this.path);
    return { kept: identifier, changed: true };
  }
}

/** The identifier in a state file's text, or null for anything else (bounded, never throws). */
export function parseHubState(text: string): string | null {
  if (text.length > MAX_STATE_BYTES) return null;
  try {
    const identifier = (JSON.parse(text) as { identifier?: unknown })?.identifier;
    return isIdentifier(identifier) ? identifier : null;
  } catch {
    return null;
  }
}
