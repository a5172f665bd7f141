import type { ActionOutcome, ActionRequest, Device, DeviceDescription, DeviceEvent, Preparation } from '../../../src/hub/devices.ts';
import type { ScopedLogger } from '../../../src/hub/logger.ts';
import type { HubStatusInfo } from '../../device-manager.ts';
import type { Bitmap } from '../../imaging/bitmap.ts';
import type { RasterStream } from '../../imaging/raster-stream.ts';
import { BreakdownRecorder } from '../../../src/hub/breakdown.ts';
import { CASHBOX_COMMANDS, DLE_EOT, isStatusByte, parseRealTimeStatus, statusCode, type RealTimeStatus } from './commands.ts';
import type { PrinterProfile } from './identify.ts';
import { PrinterLinkError, type PrinterLink } from './printer-link.ts';
import { decodeBase64Field, PayloadError } from './payload.ts';

/** The imaging code is heavy: loaded on the first print, never with the hub. */
const imaging = () => import('../../imaging/index.ts');

/** A printer answers DLE EOT within a few ms; one that stays silent has no status to give. */
const STATUS_REPLY_TIMEOUT_MS = 300;
/**
 * While idle, real-time status is polled this often (9 bytes out, 3 in: nothing a printer
 * notices) so paper, cover, drawer and offline changes reach Odoo and the homepage without a print.
 */
export const STATUS_POLL_MS = 3000;
/** After a job, the status is read again soon: a change found during the job is reported then, after the job's result. */
const STATUS_POLL_AFTER_JOB_MS = 250;
const PDF_MAGIC = [0x25, 0x50, 0x44, 0x46]; // "%PDF"

/** Printer status codes Odoo knows (odoo-iot.md §7). */
type PrinterMessage = 'ERROR_OFFLINE' | 'ERROR_NO_PAPER' | 'ERROR_TIMEOUT' | 'ERROR_UNREACHABLE' | 'ERROR_FAILED' | 'ERROR_UNKNOWN';

/** A receipt being opened: `checked` once the payload is a complete image, then the decode under way. */
type OpeningReceipt = Promise<{ stream: Promise<RasterStream> }>;

/** A receipt being decoded, and the printer's status being read, for a job whose turn has not come yet. */
class ReceiptPreparation implements Preparation {
  constructor(readonly opening: OpeningReceipt, readonly statusBefore: Promise<void>) {
    opening.then(({ stream }) => stream.catch(() => undefined), () => undefined);
    statusBefore.catch(() => undefined);
  }

  release(): void {
    void this.opening.then(({ stream }) => stream.then((s) => s.release()), () => undefined).catch(() => undefined);
  }
}

class JobError extends Error {
  constructor(readonly code: PrinterMessage, message: string) {
    super(message);
  }
}

export interface PrinterDeviceOptions {
  description: DeviceDescription;
  profile: PrinterProfile;
  link: PrinterLink;
  log: ScopedLogger;
  hubStatus?: () => Promise<HubStatusInfo>;
  /** Idle status polling period; tests shorten it. */
  statusPollMs?: number;
}

/** What the homepage shows: the dots of the last thing the hub printed on this printer. */
export interface LastPrintSource {
  lastPrintPng(): Promise<Blob | null>;
}

/**
 * One receipt or label printer: the actions of odoo-iot.md §7, one job at a time, real-time
 * status before and after each job. Each action gets exactly one answer, its outcome (the
 * router sends it as the result); status changes (paper, cover, offline, drawer) are events,
 * found by polling while idle and never sent during a job, so an event cannot pass for a
 * job's result (the POS takes the first message it gets for its session as the result).
 */
export class PrinterDevice implements Device, LastPrintSource {
  readonly description: DeviceDescription;
  /** Status queries (DLE EOT) may go before the job is stored as running; data and drawer kicks wait for it. */
  readonly awaitsRunningStored = true;
  private readonly profile: PrinterProfile;
  private readonly link: PrinterLink;
  private readonly log: ScopedLogger;
  private readonly hubStatus?: () => Promise<HubStatusInfo>;
  private readonly listeners = new Set<(event: DeviceEvent) => void>();
  private queue: Promise<unknown> = Promise.resolve();
  private lastStatus: string | null = null;
  private lastPrint: Bitmap | null = null;
  private closed = false;
  private readonly statusPollMs: number;
  private pollTimer: ReturnType<typeof setTimeout> | undefined;
  /** Jobs accepted and not finished: no status poll runs meanwhile. */
  private jobsPending = 0;
  /** The running job's progress listener (jobs run one at a time). */
  private onProgress: ActionRequest['onProgress'];
  /** The running job's timings. */
  private recorder = new BreakdownRecorder();
  /** The running job may print (drive the printer) once this resolves. */
  private mayAct: Promise<void> = Promise.resolve();
  /** The running job's bytes started out: a lost link then means it may have printed. */
  private dataSent = false;

  constructor(options: PrinterDeviceOptions) {
    this.description = options.description;
    this.profile = options.profile;
    this.link = options.link;
    this.log = options.log;
    this.hubStatus = options.hubStatus;
    this.statusPollMs = options.statusPollMs ?? STATUS_POLL_MS;
    this.schedulePoll(this.statusPollMs);
    // Status a printer pushes (ASB) is reported like a poll's, never during a job: the poll after it reports that.
    this.link.onStatus?.((status) => {
      if (!this.closed && this.jobsPending === 0) this.reportStatus(status);
    });
  }

  run(request: ActionRequest, signal: AbortSignal): Promise<ActionOutcome> {
    this.jobsPending++;
    clearTimeout(this.pollTimer);
    const job = this.queue.then(() => this.runNow(request, signal));
    this.queue = job.catch(() => undefined).finally(() => {
      if (--this.jobsPending === 0) this.schedulePoll(STATUS_POLL_AFTER_JOB_MS);
    });
    return job;
  }

  /**
   * ESC/POS raster receipts are decoded ahead, and the status before printing read (in the
   * printer's queue, after whatever it is doing, once the payload proved to be an image): both
   * are ready when the job's turn comes.
   */
  prepare(request: Pick<ActionRequest, 'action' | 'data' | 'timings'>): Preparation | undefined {
    if (request.action !== 'print_receipt' || !this.streamsRaster()) return undefined;
    const recorder = request.timings ?? new BreakdownRecorder();
    const opening = this.openReceipt(request.data, recorder);
    // Queued now, before the job itself can be: the job finds it done, never waits behind it.
    const status = this.queue.then(async () => {
      await opening;
      await this.statusBefore(recorder);
    });
    this.queue = status.catch(() => undefined);
    return new ReceiptPreparation(opening, status);
  }

  onEvent(listener: (event: DeviceEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async lastPrintPng(): Promise<Blob | null> {
    if (!this.lastPrint) return null;
    return (await imaging()).bitmapToPng(this.lastPrint);
  }

  /** Called when the device is unplugged or the hub stops: a running job fails at once. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.pollTimer);
    this.link.lost();
    await this.link.close().catch(() => undefined);
  }

  private async runNow(request: ActionRequest, signal: AbortSignal): Promise<ActionOutcome> {
    try {
      if (this.closed) throw new JobError('ERROR_UNREACHABLE', 'the printer is disconnected');
      signal.throwIfAborted();
      this.onProgress = request.onProgress;
      this.recorder = request.timings ?? new BreakdownRecorder();
      this.mayAct = request.runningStored ?? Promise.resolve();
      this.dataSent = false;
      switch (request.action) {
        case 'print_receipt':
          return await this.printReceipt(request.data, signal, request.preparation instanceof ReceiptPreparation ? request.preparation : undefined);
        case 'cashbox':
          return await this.openCashbox(signal);
        case 'status':
          return await this.printStatusTicket(signal);
        case '':
          return await this.printDocument(request.data, signal);
        default:
          return { status: 'error', result: `a printer has no action "${request.action}"` };
      }
    } catch (error) {
      return this.failure(error);
    } finally {
      this.onProgress = undefined;
    }
  }

  private async printReceipt(data: Record<string, unknown>, signal: AbortSignal, prepared?: ReceiptPreparation): Promise<ActionOutcome> {
    if (this.profile.kind !== 'receipt_printer') throw new PayloadError('a label printer prints ZPL documents, not receipt images');
    const recorder = this.recorder;
    if (!this.streamsRaster()) {
      const bytes = recorder.time('base64', () => decodeBase64Field(data, 'receipt'));
      const images = await imaging();
      const grey = await recorder.timeAsync('jpegDecode', () => images.decodeGrey(bytes, this.profile.widthDots));
      let bitmap: Bitmap;
      try {
        bitmap = recorder.time('dither', () => images.ditherGrey(grey.grey, grey.stride, grey.width, grey.height));
      } finally {
        grey.release();
      }
      await this.print(await this.encode(bitmap), signal);
      this.lastPrint = bitmap;
      return this.printed();
    }
    // A payload that is no complete image is refused before the printer hears anything; then the
    // image is decoded while the printer answers its status query: neither waits for the other.
    const { stream: decoding } = await (prepared?.opening ?? this.openReceipt(data, recorder));
    const [opened, before] = await Promise.allSettled([decoding, prepared?.statusBefore ?? this.statusBefore()]);
    if (opened.status === 'rejected') throw opened.reason;
    const stream = opened.value;
    try {
      if (before.status === 'rejected') throw before.reason;
      await this.sendStream(stream, signal);
    } finally {
      stream.release();
    }
    await this.statusAfter();
    this.lastPrint = stream.bitmap;
    return this.printed();
  }

  /** ESC/POS raster printers get receipts as streamed `GS v 0` slices; Star and column mode as a whole. */
  private streamsRaster(): boolean {
    return this.profile.kind === 'receipt_printer' && this.profile.protocol === 'escpos' && !this.profile.columnMode;
  }

  private async openReceipt(data: Record<string, unknown>, recorder: BreakdownRecorder): OpeningReceipt {
    const bytes = recorder.time('base64', () => decodeBase64Field(data, 'receipt'));
    const images = await imaging();
    images.readImageHeader(bytes);
    // The stream times its decodes itself (the whole image decodes on while the first slice goes out).
    const stream = images.escposRasterStream(bytes, this.profile.widthDots, recorder);
    return { stream };
  }

  /**
   * Each `GS v 0` slice goes to the printer as soon as it is made, and the next one is made while
   * the transport takes it. A cancel stops the job between two slices: the slices already sent
   * are on paper, the rest never leaves.
   */
  private async sendStream(stream: RasterStream, signal: AbortSignal): Promise<void> {
    const total = stream.totalBytes;
    let sent = 0;
    let piece = await stream.next();
    await this.mayAct;
    this.dataSent = true;
    while (piece) {
      if (signal.aborted) throw new JobError('ERROR_FAILED', 'the job was cancelled');
      const offset = sent;
      this.recorder.mark('firstByte');
      const writing = this.send(piece, signal, (done) => this.onProgress?.(offset + done, total));
      writing.catch(() => undefined);
      let following: Uint8Array | null;
      try {
        following = await stream.next();
      } finally {
        await writing;
      }
      sent += piece.length;
      piece = following;
    }
  }

  private async openCashbox(signal: AbortSignal): Promise<ActionOutcome> {
    if (this.profile.protocol === 'zpl') throw new PayloadError('a label printer has no cash drawer');
    const commands = CASHBOX_COMMANDS[this.profile.protocol];
    await this.mayAct;
    this.dataSent = true;
    for (const command of commands) await this.send(command, signal);
    return { status: 'success', result: true };
  }

  private async printStatusTicket(signal: AbortSignal): Promise<ActionOutcome> {
    const info = await this.hubStatus?.();
    const lines = statusTicketLines(info, this.description, this.profile);
    if (this.profile.protocol === 'zpl') {
      await this.print(new TextEncoder().encode(zplTicket(lines)), signal);
      return this.printed();
    }
    const { renderTextLines } = await imaging();
    const bitmap = renderTextLines(
      lines.map((text, i) => (i === 0 ? { text, size: 36, bold: true, center: true } : { text })),
      this.profile.widthDots,
    );
    await this.print(await this.encode(bitmap), signal);
    this.lastPrint = bitmap;
    return this.printed();
  }

  private async printDocument(data: Record<string, unknown>, signal: AbortSignal): Promise<ActionOutcome> {
    const bytes = decodeBase64Field(data, 'document');
    if (this.profile.kind === 'receipt_printer' && PDF_MAGIC.every((b, i) => bytes[i] === b)) {
      throw new PayloadError('a PDF cannot be printed on a receipt printer: it takes ESC/POS or Star commands (send receipts with print_receipt)');
    }
    await this.print(bytes, signal);
    const printId = data.print_id;
    return { ...this.printed(), result: printId !== undefined ? { print_id: printId } : {} };
  }

  private async encode(bitmap: Bitmap): Promise<Uint8Array> {
    const { escposRaster, escposColumns, starRaster } = await imaging();
    if (this.profile.protocol === 'star') return starRaster(bitmap);
    return this.profile.columnMode ? escposColumns(bitmap, this.profile.columnMode) : escposRaster(bitmap);
  }

  /** Status before (refuse to print without paper), the data, status after. */
  private async print(bytes: Uint8Array, signal: AbortSignal): Promise<void> {
    await this.statusBefore();
    await this.mayAct;
    this.dataSent = true;
    this.recorder.mark('firstByte');
    await this.send(bytes, signal, this.onProgress);
    await this.statusAfter();
  }

  private async statusBefore(recorder = this.recorder): Promise<void> {
    const before = await recorder.timeAsync('statusBefore', () => this.checkStatus());
    if (before?.status === 'error') throw new JobError(before.message as PrinterMessage, `the printer reports ${before.message}`);
  }

  private async statusAfter(): Promise<void> {
    this.recorder.mark('lastByte');
    const after = await this.recorder.timeAsync('statusAfter', () => this.checkStatus());
    if (after?.status === 'error') throw new JobError(after.message as PrinterMessage, `the printer reports ${after.message} after printing`);
  }

  private async send(bytes: Uint8Array, signal: AbortSignal, onProgress?: ActionRequest['onProgress']): Promise<void> {
    let onAbort!: () => void;
    const aborted = new Promise<never>((_, reject) => {
      onAbort = () => reject(new JobError('ERROR_FAILED', 'the job was cancelled'));
      signal.addEventListener('abort', onAbort, { once: true });
    });
    try {
      await Promise.race([this.link.write(bytes, onProgress), aborted]);
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
  }

  /** The job's verdict from ESC/POS real-time status; null when the printer cannot or does not answer (Star, no bulk IN). */
  private async checkStatus(): Promise<{ status: 'error' | 'warning'; message: string } | null> {
    const status = await this.readStatus();
    return status && statusCode(status);
  }

  private async readStatus(): Promise<RealTimeStatus | null> {
    if (!this.polls()) return null;
    // An answer still owed to an earlier query that timed out would shift every reply by one.
    if (!(await this.link.dropLateReply(STATUS_REPLY_TIMEOUT_MS))) return null;
    const replies: number[] = [];
    for (const query of [DLE_EOT.printer, DLE_EOT.offlineCause, DLE_EOT.paper]) {
      await this.link.write(query);
      const reply = await this.link.read(1, STATUS_REPLY_TIMEOUT_MS);
      if (reply.length === 0 || !isStatusByte(reply[0])) return null;
      replies.push(reply[0]);
    }
    return parseRealTimeStatus(replies[0], replies[1], replies[2]);
  }

  /** Only ESC/POS printers with a way back answer DLE EOT (Star uses ASB, label printers their own). */
  private polls(): boolean {
    return this.profile.protocol === 'escpos' && this.link.canAnswer;
  }

  private schedulePoll(delayMs: number): void {
    clearTimeout(this.pollTimer);
    if (this.closed || this.jobsPending > 0 || !this.polls()) return;
    this.pollTimer = setTimeout(() => {
      // Through the job queue: a poll never interleaves with a job's bytes.
      this.queue = this.queue.then(() => this.pollNow());
    }, delayMs);
  }

  private async pollNow(): Promise<void> {
    if (this.closed || this.jobsPending > 0) return;
    try {
      const status = await this.readStatus();
      if (status && !this.closed && this.jobsPending === 0) this.reportStatus(status);
    } catch (error) {
      // An unplug is the device manager's business; anything else shows in the log once per poll at most.
      if (!this.closed) this.log.debug(`${this.description.name}: status poll failed: ${(error as Error)?.message ?? error}`);
    } finally {
      this.schedulePoll(this.statusPollMs);
    }
  }

  /** An event only when the status changed; the first reading only when something is wrong. */
  private reportStatus(status: RealTimeStatus): void {
    const key = JSON.stringify(status);
    if (key === this.lastStatus) return;
    const first = this.lastStatus === null;
    this.lastStatus = key;
    const code = statusCode(status);
    if (first && !code) return;
    this.emit(code ? { status: code.status, message: code.message, result: status } : { status: 'success', result: status });
  }

  private printed(): ActionOutcome {
    return { status: 'success' };
  }

  private failure(error: unknown): ActionOutcome {
    let outcome: ActionOutcome;
    if (error instanceof JobError) outcome = { status: 'error', message: error.code, result: error.message, ...(error.code === 'ERROR_UNREACHABLE' ? { cutOff: 'none' as const } : {}) };
    else if (error instanceof PrinterLinkError) {
      const message = error.code === 'timeout' ? 'ERROR_TIMEOUT' : error.code === 'disconnected' ? 'ERROR_UNREACHABLE' : 'ERROR_FAILED';
      outcome = { status: 'error', message, result: error.message, ...(error.code === 'disconnected' ? { cutOff: this.dataSent ? 'partial' as const : 'none' as const } : {}) };
    } else if (error instanceof PayloadError || (error as Error)?.name === 'ImageError') {
      // Bad input is the sender's problem: no printer status event, just the reason.
      return { status: 'error', result: (error as Error).message };
    } else if ((error as Error)?.name === 'AbortError') outcome = { status: 'error', message: 'ERROR_FAILED', result: 'the job was cancelled' };
    else outcome = { status: 'error', message: 'ERROR_UNKNOWN', result: String((error as Error)?.message ?? error) };
    this.log.warning(`${this.description.name}: ${outcome.message}: ${String(outcome.result)}`);
    return outcome;
  }

  private emit(outcome: ActionOutcome): void {
    const event: DeviceEvent = { deviceIdentifier: this.description.identifier, outcome };
    for (const listener of this.listeners) listener(event);
  }
}

/** The status ticket's text: what the box prints (title, identifier, server, devices). */
export function statusTicketLines(info: HubStatusInfo | undefined, printer: DeviceDescription, profile: PrinterProfile): string[] {
  const lines = [info?.server ? 'IoT Box Connected' : 'IoT Box Status'];
  if (info) {
    lines.push('', `Hub: ${info.name}`, `Identifier: ${info.identifier}`, `Version: ${info.version}`, `Address: ${info.address}`);
    lines.push(info.server ? `Odoo server: ${info.server}` : 'Odoo not connected: pair the hub from its homepage');
    lines.push('', 'Devices:', ...(info.devices.length ? info.devices.map((d) => ` - ${d}`) : [' (none)']));
  }
  lines.push('', `Printed: ${printedAt(profile.language)}`, `This printer: ${printer.name}`, `${printer.identifier}, ${profile.paperWidthMm} mm, ${profile.protocol === 'escpos' ? 'ESC/POS' : profile.protocol === 'star' ? 'Star' : 'ZPL'}`);
  return lines;
}

function printedAt(language: string): string {
  try {
    return new Date().toLocaleString(language);
  } catch {
    return new Date().toLocaleString('en');
  }
}

/** ZPL status label, laid out as the box's print_status_zpl. */
function zplTicket(lines: string[]): string {
  const escape = (text: string) => text.replace(/[\^~]/g, ' ');
  let y = 40;
  let zpl = `^XA^CI28 ^FT35,${y} ^A0N,30 ^FD${escape(lines[0])}^FS`;
  y += 45;
  for (const line of lines.slice(1).filter(Boolean)) {
    zpl += `^FT35,${y} ^A0N,25 ^FD${escape(line)}^FS`;
    y += 35;
  }
  return `${zpl}^XZ`;
}
