/** localStorage key of the homepage sections a person folded. */
const FOLDED_KEY = 'hub.folded-sections';
/** More ids than the homepage has sections means the value is not ours: it is ignored. */
const MAX_IDS = 32;

/** Which homepage sections are folded, kept in this browser's localStorage (bounded parse). */
export class FoldState {
  private folded: Set<string>;

  constructor(private readonly storage: Pick<Storage, 'getItem' | 'setItem'> | undefined) {
    this.folded = new Set(parseFolded(storage?.getItem(FOLDED_KEY) ?? null));
  }

  isFolded(id: string): boolean {
    return this.folded.has(id);
  }

  set(id: string, folded: boolean): void {
    if (folded === this.folded.has(id)) return;
    if (folded) this.folded.add(id); else this.folded.delete(id);
    this.storage?.setItem(FOLDED_KEY, JSON.stringify([...this.folded]));
  }
}

export function parseFolded(text: string | null): string[] {
  if (!text || text.length > 2_000) return [];
  try {
    const value: unknown = JSON.parse(text);
    if (!Array.isArray(value) || value.length > MAX_IDS) return [];
    return value.filter((v): v is string => typeof v === 'string' && /^[a-z-]{1,32}$/.test(v));
  } catch {
    return [];
  }
}
