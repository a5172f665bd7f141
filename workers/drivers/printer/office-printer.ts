import type { ActionOutcome, ActionRequest, Device, DeviceDescription } from '../../../src/hub/devices.ts';
import { boxPrinterIdentifier, cupsConnection, OFFICE_PRINT_PATH, type CupsQueue } from '../../../src/hub/network-printers.ts';
import type { DriverFactory } from '../../device-manager.ts';
import { OfficePrinterHandle } from '../../network-printers.ts';
import { decodeBase64Field, PayloadError } from './payload.ts';

/** The local server's answer is one small JSON object. */
const MAX_ANSWER_LENGTH = 64 * 1024;
/** odoo-iot.md §7 printer codes the local server may answer with (server/printers/cups.ts). */
const CODES = new Set(['ERROR_FAILED', 'ERROR_OFFLINE', 'ERROR_TIMEOUT', 'ERROR_UNKNOWN', 'ERROR_UNREACHABLE']);

/**
 * An office printer: a CUPS queue on the terminal, printing the documents Odoo sends to an IoT
 * printer (invoices, delivery slips, PDF labels) through the local server, which follows each
 * job to its end. Registered as the box registers CUPS printers: identifier from the queue name
 * (get_identifier), `office_printer`, `direct` for a USB queue and `network` for the rest.
 */
export class OfficePrinterDevice implements Device {
  readonly description: DeviceDescription;

  constructor(private readonly queue: CupsQueue, private readonly fetcher: typeof fetch = (...args) => fetch(...args)) {
    this.description = {
      identifier: boxPrinterIdentifier(queue.name), name: queue.name, type: 'printer', manufacturer: '', connection: cupsConnection(queue.uri), subtype: 'office_printer',
    };
  }

  async run(request: ActionRequest, signal: AbortSignal): Promise<ActionOutcome> {
    if (request.action !== '') {
      return { status: 'error', result: `an office printer prints documents (PDF reports); "${request.action.slice(0, 40)}" is for a receipt printer` };
    }
    let document: Uint8Array;
    try {
      document = decodeBase64Field(request.data, 'document');
    } catch (error) {
      if (error instanceof PayloadError) return { status: 'error', result: error.message };
      throw error;
    }
    const query = new URLSearchParams({ queue: this.queue.name, title: 'Odoo print job' });
    let text: string;
    try {
      const response = await this.fetcher(`${OFFICE_PRINT_PATH}?${query}`, { method: 'POST', body: document as Uint8Array<ArrayBuffer>, headers: { 'Content-Type': 'application/pdf' }, signal });
      text = (await response.text()).slice(0, MAX_ANSWER_LENGTH + 1);
    } catch (error) {
      if ((error as Error)?.name === 'AbortError') return { status: 'error', message: 'ERROR_FAILED', result: 'the job was cancelled' };
      return { status: 'error', message: 'ERROR_UNREACHABLE', result: `the local server did not answer: ${(error as Error)?.message ?? error}` };
    }
    const answer = parseOfficeAnswer(text);
    if (!answer) return { status: 'error', message: 'ERROR_UNKNOWN', result: 'the local server answered something that is not a print result' };
    if (answer.status === 'success') {
      const printId = request.data.print_id;
      return { status: 'success', result: printId !== undefined ? { print_id: printId } : {} };
    }
    return { status: 'error', message: answer.message, result: answer.result };
  }

  onEvent(): () => void {
    return () => undefined;
  }

  async close(): Promise<void> {}
}

/** The local server's office print answer, or null for anything else (bounded, never throws). */
export function parseOfficeAnswer(text: string): { status: 'success'; result: string } | { status: 'error'; message: string; result: string } | null {
  if (text.length > MAX_ANSWER_LENGTH) return null;
  let raw: { status?: unknown; message?: unknown; result?: unknown };
  try {
    raw = JSON.parse(text) as typeof raw;
  } catch {
    return null;
  }
  if (!raw || typeof raw !== 'object') return null;
  const result = typeof raw.result === 'string' ? raw.result.slice(0, 1000) : '';
  if (raw.status === 'success') return { status: 'success', result };
  if (raw.status === 'error') return { status: 'error', message: typeof raw.message === 'string' && CODES.has(raw.message) ? raw.message : 'ERROR_UNKNOWN', result };
  return null;
}

export const officePrinterFactory: DriverFactory = {
  name: 'Office printer (CUPS)',
  transport: 'network',
  async open(handle) {
    return handle instanceof OfficePrinterHandle ? new OfficePrinterDevice(handle.queue) : null;
  },
};
