import { execFile, spawn } from 'node:child_process';
import type { CupsQueue, PrinterList } from '../../src/hub/network-printers.ts';

/** lpstat answers in milliseconds; a scheduler that takes this long is not answering. */
const COMMAND_TIMEOUT_MS = 10_000;
/** Far above any shop's printer list. */
const MAX_OUTPUT_BYTES = 1024 * 1024;
/** How often a job's state is read while it prints. */
const FOLLOW_EVERY_MS = 200;
/** As the box (printer_driver_base.py job_timeout_seconds): a job not done by then is cancelled and reported. */
export const OFFICE_JOB_TIMEOUT_MS = 120_000;
/** job-state-reasons (RFC 8011 §5.3.8) of a job that left the queue without printing. */
const FAILED_REASONS = /aborted|canceled|cancelled|completed-with-errors|job-stopped/;

type JobEnd =
  | { status: 'success'; result: string }
  | { status: 'error'; message: 'ERROR_FAILED' | 'ERROR_OFFLINE' | 'ERROR_TIMEOUT' | 'ERROR_UNKNOWN' | 'ERROR_UNREACHABLE'; result: string };
/** A job's end in the box's result codes; `acceptedMs`: from the request to CUPS taking the job. */
export type OfficeOutcome = JobEnd & { jobId?: string; acceptedMs?: number };

export interface CupsOptions {
  /** `host:port` of the CUPS scheduler (lp's `-h`); unset: the terminal's own (CUPS_SERVER or the default socket). */
  server?: string;
  jobTimeoutMs?: number;
  /** Hears each job CUPS accepted, as `lp` returns (the benchmark's clock; nothing else needs it). */
  onAccepted?: (jobId: string) => void;
}

/**
 * The terminal's print system through CUPS's own commands (`lpstat`, `lp`, `cancel`): the list
 * of queues, and PDF jobs followed to their end, reported in the box's result codes
 * (printer_driver_L.py _check_job_status). Windows has no CUPS: said so, never attempted.
 */
export class Cups {
  constructor(private readonly options: CupsOptions = {}) {}

  async queues(): Promise<PrinterList['cups']> {
    if (process.platform === 'win32') {
      return { available: false, reason: 'Office printers (PDF reports) on Windows are not supported yet: the hub prints them through CUPS, which Windows does not have', queues: [] };
    }
    let devices: string;
    let printers: string;
    try {
      [devices, printers] = await Promise.all([this.run('lpstat', ['-v']), this.run('lpstat', ['-p'])]);
    } catch (error) {
      const problem = error as CommandError;
      if (problem.code === 'ENOENT') return { available: false, reason: 'CUPS is not installed on this terminal (no lpstat command): office printers (PDF reports) cannot be printed; install it (Debian, Ubuntu: apt install cups)', queues: [] };
      if (/No destinations added/i.test(problem.stderr ?? '')) return { available: true, reason: 'CUPS has no printer yet: add the office printer in CUPS (lpadmin, or http://localhost:631)', queues: [] };
      if (/Scheduler is not running/i.test(problem.stderr ?? '')) return { available: false, reason: 'CUPS is installed but its scheduler is not running on this terminal (systemctl start cups): office printers (PDF reports) cannot be printed until it runs', queues: [] };
      return { available: false, reason: `CUPS does not answer: ${firstLine(problem.stderr) || problem.message}`, queues: [] };
    }
    return { available: true, reason: '', queues: parseQueues(devices, printers) };
  }

  /** Prints a PDF on a queue and follows the job until CUPS says it is done, failed, or it times out. */
  async print(queue: string, pdf: Uint8Array, title: string): Promise<OfficeOutcome> {
    if (!isQueueName(queue)) return { status: 'error', message: 'ERROR_FAILED', result: `"${queue.slice(0, 80)}" is not a CUPS queue name` };
    const started = performance.now();
    let jobId: string;
    try {
      const answer = await this.run('lp', ['-d', queue, '-t', title.replace(/[\x00-\x1f]/g, ' ').slice(0, 200) || 'Odoo print job', '-'], pdf);
      const match = /request id is (\S+)/.exec(answer);
      if (!match) return { status: 'error', message: 'ERROR_FAILED', result: `CUPS did not say which job it made: ${firstLine(answer)}` };
      jobId = match[1];
      this.options.onAccepted?.(jobId);
    } catch (error) {
      const problem = error as CommandError;
      if (problem.code === 'ENOENT') return { status: 'error', message: 'ERROR_UNREACHABLE', result: 'CUPS is not installed on this terminal (no lp command)' };
      if (/does not exist/i.test(problem.stderr ?? '')) return { status: 'error', message: 'ERROR_UNREACHABLE', result: `"${queue.slice(0, 80)}" is not a CUPS queue on this terminal` };
      return { status: 'error', message: 'ERROR_FAILED', result: `CUPS refused the job: ${firstLine(problem.stderr) || problem.message}` };
    }
    const acceptedMs = performance.now() - started;
    return { ...(await this.follow(queue, jobId)), jobId, acceptedMs };
  }

  private async follow(queue: string, jobId: string): Promise<JobEnd> {
    const deadline = Date.now() + (this.options.jobTimeoutMs ?? OFFICE_JOB_TIMEOUT_MS);
    for (;;) {
      const waiting = await this.run('lpstat', ['-o', queue]).catch((error: CommandError) => error.stdout ?? '');
      if (!jobLines(waiting).has(jobId)) {
        const done = await this.run('lpstat', ['-l', '-W', 'completed', '-o', queue]).catch(() => '');
        const reasons = completedReasons(done, jobId);
        if (reasons !== null && FAILED_REASONS.test(reasons)) return { status: 'error', message: 'ERROR_UNKNOWN', result: `CUPS did not print job ${jobId}: ${reasons}` };
        return { status: 'success', result: `printed by CUPS as job ${jobId}` };
      }
      const state = parsePrinterStates(await this.run('lpstat', ['-p', queue]).catch(() => '')).get(queue);
      if (state?.state === 'stopped') {
        await this.cancel(jobId);
        const why = state.reason ? ` (${state.reason})` : '';
        return { status: 'error', message: 'ERROR_OFFLINE', result: `the CUPS queue ${queue} is stopped${why}: job ${jobId} was cancelled; start the queue again (cupsenable ${queue}) and print again` };
      }
      if (Date.now() > deadline) {
        await this.cancel(jobId);
        return { status: 'error', message: 'ERROR_TIMEOUT', result: `job ${jobId} was not printed within ${Math.round((this.options.jobTimeoutMs ?? OFFICE_JOB_TIMEOUT_MS) / 1000)} s: cancelled` };
      }
      await new Promise((resolve) => setTimeout(resolve, FOLLOW_EVERY_MS));
    }
  }

  private async cancel(jobId: string): Promise<void> {
    await this.run('cancel', [jobId]).catch(() => undefined);
  }

  private run(command: string, args: string[], input?: Uint8Array): Promise<string> {
    const server = this.options.server ? ['-h', this.options.server] : [];
    // Untranslated messages: the answers are parsed.
    const env = { ...process.env, LANG: 'C', LC_ALL: 'C' };
    return new Promise((resolve, reject) => {
      const child = input
        ? spawn(command, [...server, ...args], { env, stdio: ['pipe', 'pipe', 'pipe'], timeout: COMMAND_TIMEOUT_MS })
        : null;
      if (child) {
        let stdout = '';
        let stderr = '';
        child.stdout!.on('data', (chunk) => (stdout = (stdout + String(chunk)).slice(0, MAX_OUTPUT_BYTES)));
        child.stderr!.on('data', (chunk) => (stderr = (stderr + String(chunk)).slice(0, MAX_OUTPUT_BYTES)));
        child.on('error', (error: NodeJS.ErrnoException) => reject(Object.assign(new Error(error.message), { code: error.code, stdout, stderr })));
        child.on('close', (code) => (code === 0 ? resolve(stdout) : reject(Object.assign(new Error(`${command} exited with ${code}`), { code: String(code), stdout, stderr }))));
        child.stdin!.on('error', () => undefined);
        child.stdin!.end(input);
        return;
      }
      execFile(command, [...server, ...args], { env, timeout: COMMAND_TIMEOUT_MS, maxBuffer: MAX_OUTPUT_BYTES }, (error, stdout, stderr) => {
        if (error) reject(Object.assign(error, { stdout: String(stdout), stderr: String(stderr) }));
        else resolve(String(stdout));
      });
    });
  }
}

interface CommandError extends Error {
  code?: string | number;
  stdout?: string;
  stderr?: string;
}

/** CUPS queue names: printable, no space, `/`, `#` or `\` (lpadmin(8)), at most 127 bytes. */
export function isQueueName(name: string): boolean {
  return /^[^\s/#\\\x00-\x1f\x7f]{1,127}$/.test(name);
}

/** `lpstat -v` and `lpstat -p` (LANG=C) into the queue list. */
export function parseQueues(devices: string, printers: string): CupsQueue[] {
  const states = parsePrinterStates(printers);
  const queues: CupsQueue[] = [];
  for (const line of devices.split('\n').slice(0, 1000)) {
    const match = /^device for ([^:\s]+): (.*)$/.exec(line.trim());
    if (!match || !isQueueName(match[1])) continue;
    // lpstat shows a file: device without its scheme.
    const uri = match[2].startsWith('///') ? `file:${match[2]}` : match[2];
    queues.push({ name: match[1], uri: uri.slice(0, 1024), state: states.get(match[1])?.state ?? 'unknown' });
  }
  return queues;
}

/** `printer NAME is idle.`, `printer NAME now printing NAME-3.`, `printer NAME disabled since ... -` plus a reason line. */
export function parsePrinterStates(text: string): Map<string, { state: 'idle' | 'printing' | 'stopped'; reason: string }> {
  const states = new Map<string, { state: 'idle' | 'printing' | 'stopped'; reason: string }>();
  let last: { state: 'idle' | 'printing' | 'stopped'; reason: string } | null = null;
  for (const line of text.split('\n').slice(0, 5000)) {
    const match = /^printer (\S+) (is idle|now printing|disabled)/.exec(line);
    if (match) {
      last = { state: match[2] === 'is idle' ? 'idle' : match[2] === 'now printing' ? 'printing' : 'stopped', reason: '' };
      states.set(match[1], last);
    } else if (last && line.startsWith('\t') && !last.reason && !/^\t(Alerts|Description|Location|Connection|Interface|On fault|After fault|Users|Forms|Banner|Form mounted|Content types|Printer types)/.test(line)) {
      last.reason = line.trim().slice(0, 200);
    }
  }
  return states;
}

/** Job ids at the start of `lpstat -o` lines. */
function jobLines(text: string): Set<string> {
  return new Set(text.split('\n').map((line) => line.split(/\s+/)[0]).filter(Boolean));
}

/** The `Alerts:` of one job in `lpstat -l -W completed` (its job-state-reasons), or null when it is not listed. */
export function completedReasons(text: string, jobId: string): string | null {
  const lines = text.split('\n');
  const at = lines.findIndex((line) => line.split(/\s+/)[0] === jobId);
  if (at < 0) return null;
  for (const line of lines.slice(at + 1, at + 6)) {
    const alerts = /^\s+Alerts:\s*(.*)$/.exec(line);
    if (alerts) return alerts[1].trim();
    if (!/^\s/.test(line)) break;
  }
  return '';
}

function firstLine(text: string | undefined): string {
  return (text ?? '').trim().split('\n')[0]?.slice(0, 300) ?? '';
}
