/**
 * Where one job's time went, from the POS's message reaching the hub to the result leaving it:
 * points in time (`marks`, wall-clock ms with sub-ms precision, comparable between the window
 * and the hub worker) and the work done in between (`spans`, ms). A streamed print converts
 * while it sends, so its spans overlap the marks: dither and encode are sums over the slices.
 */

/** Points in a job's life, in the order they happen. */
export const BREAKDOWN_MARKS = [
  'received', // WebRTC: the first chunk reached the window; bus: the frame reached the worker
  'complete', // WebRTC: the last chunk, message reassembled; bus: the frame parsed
  'accepted', // de-duplicated and written to IndexedDB (queued)
  'started', // written as running; the device starts
  'firstByte', // the first byte of the job's data handed to the transport
  'lastByte', // the transport took the job's last byte
  'done', // the device answered (status checked after printing)
  'resultSentWebrtc', // the result left on the WebRTC channel
  'resultSentBus', // Odoo took the result (send_websocket answered)
] as const;
export type BreakdownMark = (typeof BREAKDOWN_MARKS)[number];

/** Work a device reports, in ms. */
export const BREAKDOWN_SPANS = ['base64', 'jpegDecode', 'dither', 'encode', 'statusBefore', 'statusAfter'] as const;
export type BreakdownSpan = (typeof BREAKDOWN_SPANS)[number];

export interface JobBreakdown {
  via?: 'bus' | 'webrtc';
  marks: Partial<Record<BreakdownMark, number>>;
  spans: Partial<Record<BreakdownSpan, number>>;
}

/** What a device measured of its part (ActionOutcome.breakdown). */
export type DeviceBreakdown = Pick<JobBreakdown, 'spans'> & { marks: Partial<Record<'firstByte' | 'lastByte', number>> };

/** When the action reached the hub (IotAction.arrival). */
export interface ActionArrival {
  receivedAt: number;
  completeAt: number;
}

/**
 * Wall-clock ms with the monotonic clock's precision: `performance.timeOrigin` differs between
 * the window and the worker, their sum does not (both count from the same epoch).
 */
export function wallClock(): number {
  return performance.timeOrigin + performance.now();
}

/** Accumulates a device's spans and marks while it works. */
export class BreakdownRecorder {
  readonly spans: DeviceBreakdown['spans'] = {};
  readonly marks: DeviceBreakdown['marks'] = {};

  /** Runs `work`, adding its time to `span` (a span measured several times is their sum). */
  time<T>(span: BreakdownSpan, work: () => T): T {
    const start = wallClock();
    try {
      return work();
    } finally {
      this.add(span, wallClock() - start);
    }
  }

  async timeAsync<T>(span: BreakdownSpan, work: () => Promise<T>): Promise<T> {
    const start = wallClock();
    try {
      return await work();
    } finally {
      this.add(span, wallClock() - start);
    }
  }

  add(span: BreakdownSpan, ms: number): void {
    this.spans[span] = (this.spans[span] ?? 0) + ms;
  }

  /** Sets a mark once: the first time is the one that counts. */
  mark(mark: 'firstByte' | 'lastByte', at = wallClock()): void {
    this.marks[mark] ??= at;
  }

  result(): DeviceBreakdown {
    return { spans: { ...this.spans }, marks: { ...this.marks } };
  }
}

/** One line of the job's details: a step and its ms (from the previous mark, or its own duration). */
export interface BreakdownStep {
  label: string;
  ms: number;
  /** Since the job was received, for marks. */
  at?: number;
}

const MARK_LABELS: Record<BreakdownMark, string> = {
  received: 'received',
  complete: 'receive and reassemble',
  accepted: 'queued (IndexedDB)',
  started: 'marked running (IndexedDB)',
  firstByte: 'first byte to the printer',
  lastByte: 'last byte taken',
  done: 'status checked, done',
  resultSentWebrtc: 'result sent (WebRTC)',
  resultSentBus: 'result sent (bus)',
};

const SPAN_LABELS: Record<BreakdownSpan, string> = {
  base64: 'base64 decode',
  jpegDecode: 'JPEG decode',
  dither: 'dither',
  encode: 'encode (GS v 0)',
  statusBefore: 'status check before',
  statusAfter: 'status check after',
};

/** The timeline as the homepage lists it: each mark with its ms since the previous one, then the work spans. */
export function breakdownSteps(breakdown: JobBreakdown): { timeline: BreakdownStep[]; work: BreakdownStep[] } {
  const timeline: BreakdownStep[] = [];
  const origin = breakdown.marks.received;
  let previous = origin;
  for (const mark of BREAKDOWN_MARKS) {
    const at = breakdown.marks[mark];
    if (at === undefined || origin === undefined || previous === undefined || mark === 'received') continue;
    // Both results leave after `done`: each is timed from there, not from the other.
    const from = mark === 'resultSentBus' && breakdown.marks.done !== undefined ? breakdown.marks.done : previous;
    timeline.push({ label: MARK_LABELS[mark], ms: at - from, at: at - origin });
    if (mark !== 'resultSentWebrtc') previous = at;
  }
  const work = BREAKDOWN_SPANS.filter((span) => breakdown.spans[span] !== undefined).map((span) => ({ label: SPAN_LABELS[span], ms: breakdown.spans[span]! }));
  return { timeline, work };
}
