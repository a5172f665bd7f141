import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const CUPSD = '/usr/sbin/cupsd';
const SYSTEM_SERVER_BIN = '/usr/lib/cups';

export interface RunningCups {
  /** `127.0.0.1:<port>`: lp's `-h` and the local server's `cupsServer`. */
  server: string;
  /** Adds an accepting queue whose backend writes each job to `<dir>/job-<id>.pdf`; returns the directory. */
  addQueue(name: string): string;
  /** `cupsdisable -r reason`: the queue is stopped, jobs wait in it. */
  stopQueue(name: string, reason: string): void;
  /** The files the queue's backend wrote. */
  jobs(name: string): Array<{ file: string; bytes: Buffer }>;
  close(): Promise<void>;
}

/**
 * A real CUPS scheduler of the test's own (Debian's cupsd, `.ci/run` installs cups-daemon and
 * cups-client), on a loopback port, with its own configuration, spool and state in a temporary
 * directory, never the terminal's. Its queues are raw and print through a file backend that
 * keeps each job's document as CUPS hands it over, so a test reads what would have printed.
 */
export async function startCups(): Promise<RunningCups> {
  if (!existsSync(CUPSD)) throw new Error(`no CUPS scheduler at ${CUPSD}: install Debian's cups-daemon and cups-client (.ci/run does it)`);
  const root = mkdtempSync(join(tmpdir(), 'hub-cups-'));
  for (const dir of ['etc', 'spool', 'cache', 'state', 'log', 'bin/backend', 'out']) mkdirSync(join(root, dir), { recursive: true });
  // cupsd runs its helpers from ServerBin: the system's daemon and notifier, and our backend.
  for (const name of readdirSync(SYSTEM_SERVER_BIN)) if (name !== 'backend') symlinkSync(join(SYSTEM_SERVER_BIN, name), join(root, 'bin', name));
  writeFileSync(join(root, 'bin/backend/hubtest'), [
    '#!/bin/sh',
    '# Test backend: no arguments lists no device; a job is copied to the directory named by its device URI.',
    '[ $# -eq 0 ] && exit 0',
    'dir="${DEVICE_URI#hubtest:}"',
    'if [ -n "$6" ]; then cat "$6" > "$dir/job-$1.pdf"; else cat > "$dir/job-$1.pdf"; fi',
    '',
  ].join('\n'));
  chmodSync(join(root, 'bin/backend/hubtest'), 0o755);
  const port = await freePort();
  writeFileSync(join(root, 'etc/cupsd.conf'), [
    `Listen 127.0.0.1:${port}`, 'LogLevel warn', 'WebInterface No', 'Browsing Off', 'DefaultAuthType None',
    '<Location />', '  Order allow,deny', '  Allow 127.0.0.1', '</Location>',
    '<Location /admin>', '  Order allow,deny', '  Allow 127.0.0.1', '</Location>', '',
  ].join('\n'));
  const asRoot = process.getuid?.() === 0;
  writeFileSync(join(root, 'etc/cups-files.conf'), [
    `ServerRoot ${root}/etc`, `RequestRoot ${root}/spool`, `CacheDir ${root}/cache`, `StateDir ${root}/state`, `TempDir ${root}/spool`,
    `ErrorLog ${root}/log/error_log`, `AccessLog ${root}/log/access_log`, `PageLog ${root}/log/page_log`,
    `ServerBin ${root}/bin`, 'DataDir /usr/share/cups',
    // As root cupsd refuses to run jobs as root: its helpers run as lp, who must write the spool and the output.
    ...(asRoot ? ['User lp', 'Group lp', 'SystemGroup root'] : []), '',
  ].join('\n'));
  execFileSync('chmod', ['-R', 'a+rwX', root]);
  // cupsd runs no helper that others could have replaced: ServerBin and the backend are 0755.
  for (const path of ['bin', 'bin/backend', 'bin/backend/hubtest']) chmodSync(join(root, path), 0o755);
  const child: ChildProcess = spawn(CUPSD, ['-f', '-c', join(root, 'etc/cupsd.conf'), '-s', join(root, 'etc/cups-files.conf')], { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout?.on('data', (c) => (output += c));
  child.stderr?.on('data', (c) => (output += c));
  const server = `127.0.0.1:${port}`;
  const env = { ...process.env, LANG: 'C', LC_ALL: 'C' };
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (await connects(port)) break;
    if (child.exitCode !== null || Date.now() > deadline) {
      child.kill();
      const log = existsSync(join(root, 'log/error_log')) ? readFileSync(join(root, 'log/error_log'), 'utf8') : '';
      throw new Error(`cupsd did not start: ${output} ${log}`.slice(0, 2000));
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  const run = (command: string, args: string[]) => execFileSync(command, ['-h', server, ...args], { env, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  return {
    server,
    addQueue(name) {
      const dir = join(root, 'out', name);
      mkdirSync(dir, { recursive: true });
      chmodSync(dir, 0o777);
      run('lpadmin', ['-p', name, '-v', `hubtest:${dir}`, '-m', 'raw', '-E']);
      return dir;
    },
    stopQueue(name, reason) {
      run('cupsdisable', ['-r', reason, name]);
    },
    jobs(name) {
      const dir = join(root, 'out', name);
      return readdirSync(dir).sort().map((file) => ({ file, bytes: readFileSync(join(dir, file)) }));
    },
    async close() {
      child.kill('SIGTERM');
      await new Promise((resolve) => (child.exitCode !== null ? resolve(null) : child.once('exit', resolve)));
      rmSync(root, { recursive: true, force: true });
    },
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

function connects(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });
}

/**
 * A PDF report as Odoo's report engine sends it to an IoT printer: `pages` A4 pages of text
 * (an invoice's header and lines), built here object by object with a correct xref table.
 */
export function reportPdf(pages: number, title = 'INVOICE INV/2026/00042'): Buffer {
  const objects: string[] = [];
  const pageIds = Array.from({ length: pages }, (_, i) => 4 + i * 2);
  objects[1] = '<< /Type /Catalog /Pages 2 0 R >>';
  objects[2] = `<< /Type /Pages /Kids [${pageIds.map((id) => `${id} 0 R`).join(' ')}] /Count ${pages} >>`;
  objects[3] = '<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>';
  pageIds.forEach((id, i) => {
    const lines = [`BT /F1 18 Tf 56 780 Td (${title}) Tj ET`, `BT /F1 10 Tf 56 760 Td (Page ${i + 1} of ${pages}) Tj ET`,
      ...Array.from({ length: 30 }, (_, n) => `BT /F1 10 Tf 56 ${730 - n * 20} Td (Line ${i * 30 + n + 1}: Product ${n + 1}   1.00 Units   ${(n + 1) * 3}.50 EUR) Tj ET`)];
    const stream = lines.join('\n');
    objects[id] = `<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 3 0 R >> >> /Contents ${id + 1} 0 R >>`;
    objects[id + 1] = `<< /Length ${Buffer.byteLength(stream)} >>\nstream\n${stream}\nendstream`;
  });
  let out = '%PDF-1.4\n%\xe2\xe3\xcf\xd3\n';
  const offsets: number[] = [];
  for (let id = 1; id < objects.length; id++) {
    offsets[id] = Buffer.byteLength(out, 'latin1');
    out += `${id} 0 obj\n${objects[id]}\nendobj\n`;
  }
  const xref = Buffer.byteLength(out, 'latin1');
  out += `xref\n0 ${objects.length}\n0000000000 65535 f \n${offsets.slice(1).map((o) => `${String(o).padStart(10, '0')} 00000 n \n`).join('')}`;
  out += `trailer\n<< /Size ${objects.length} /Root 1 0 R >>\nstartxref\n${xref}\n%%EOF\n`;
  return Buffer.from(out, 'latin1');
}

/** Pages of a PDF as its page tree counts them (`/Type /Page` objects, not `/Pages`). */
export function pdfPageCount(pdf: Buffer): number {
  return (pdf.toString('latin1').match(/\/Type\s*\/Page(?![a-z])/g) ?? []).length;
}
