/**
 * Keyboard-mode barcode scanners type the code and Enter in a few milliseconds; a person types
 * a key every ~80 ms or more. Key events closer than `maxGapMs` form a burst; a burst of at
 * least `minLength` characters ended by Enter is a scan. Typing in the hub's own fields is never
 * taken: those events are ignored.
 */
export interface BurstOptions {
  /** Longest gap between two keys of one scan (scanners: ~2 ms/key; USB polling adds up to ~10 ms). */
  maxGapMs: number;
  /** Shortest barcode worth taking (EAN-8 is 8; shorter bursts are key repeats or chords). */
  minLength: number;
}

export const DEFAULT_BURST: BurstOptions = { maxGapMs: 30, minLength: 4 };
const MAX_SCAN_LENGTH = 4096;

export interface KeyInput {
  key: string;
  time: number;
}

/** The timing logic, apart from the DOM so it can be tested with scripted timings. */
export class BurstDetector {
  private chars: string[] = [];
  private last = -Infinity;

  constructor(private readonly options: BurstOptions = DEFAULT_BURST) {}

  /** Feeds one key; returns the scan when this Enter completes one. */
  key({ key, time }: KeyInput): string | null {
    const gap = time - this.last;
    this.last = time;
    if (gap > this.options.maxGapMs) this.chars = [];
    if (key === 'Enter') {
      const scan = this.chars.length >= this.options.minLength ? this.chars.join('') : null;
      this.chars = [];
      return scan;
    }
    if (key.length !== 1) return null; // Shift, Alt and other named keys carry no character
    if (this.chars.length < MAX_SCAN_LENGTH) this.chars.push(key);
    return null;
  }
}

/**
 * Listens to the hub window's key events and hands each burst to `onScan` as typed. `event.key`
 * already carries the character the OS layout produced; the worker's keyboard scanner device
 * corrects it with the layout setting (`update_layout`) when the scanner's layout differs.
 */
export class KeyboardScanner {
  private readonly detector: BurstDetector;
  private readonly onKey = (event: KeyboardEvent) => {
    if (isEditable(event.composedPath()[0])) return;
    const scan = this.detector.key({ key: event.key, time: event.timeStamp });
    if (scan !== null) this.onScan(scan);
  };

  constructor(
    private readonly target: EventTarget,
    private readonly onScan: (text: string) => void,
    options?: BurstOptions,
  ) {
    this.detector = new BurstDetector(options);
    target.addEventListener('keydown', this.onKey as EventListener, { capture: true });
  }

  stop(): void {
    this.target.removeEventListener('keydown', this.onKey as EventListener, { capture: true });
  }
}

function isEditable(target: EventTarget | undefined): boolean {
  if (!(target instanceof HTMLElement)) return false;
  return target.isContentEditable || target instanceof HTMLInputElement || target instanceof HTMLTextAreaElement || target instanceof HTMLSelectElement;
}
