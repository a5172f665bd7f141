/**
 * A real Odoo 19.0 community server for the e2e suite and the iot-real benchmark, started from
 * the trimmed source in ../shared/odoo19 (its README says how): a PostgreSQL cluster of its own,
 * the source extracted to a temporary folder, one database created with `-i base,web,bus` (and
 * the test addons asked for), Odoo on a free loopback port. `stop()` ends both servers and
 * removes every file they wrote. Start it once per process: creating the database is the slow
 * part (10-90 s on 2 cores).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** The trimmed Odoo 19.0 source; ODOO19_TARBALL names another copy. */
export const ODOO_TARBALL = process.env.ODOO19_TARBALL ?? join(ROOT, '..', 'shared', 'odoo19', 'odoo-19.0-trimmed.tar.xz');
/** Debian's interpreter, which has the python3-* packages the README lists (another python3 on PATH may not). */
const PYTHON = '/usr/bin/python3';
const PG_BIN_ROOT = '/usr/lib/postgresql';
/** The modules every test database gets (odoo19/README.md). */
const BASE_MODULES = ['base', 'web', 'bus'];
/** The addons this repository keeps for the real server (test/odoo-addons/<name>). */
export const TEST_ADDONS_DIR = join(ROOT, 'test', 'odoo-addons');
/** The README's admin user of a fresh database. */
export const ODOO_ADMIN = { login: 'admin', password: 'admin', uid: 2 } as const;
/** Odoo answers `/websocket/health` with this once its HTTP server is up. */
const HEALTH_PATH = '/websocket/health';
const INSTALL_STEP = 'run .ci/run, or the apt-get line of ../shared/odoo19/README.md';

const DATABASE_TIMEOUT_MS = 240_000;
const START_TIMEOUT_MS = 60_000;

export interface RealOdooOptions {
  /** Test addons to install beside base, web and bus (folders of test/odoo-addons). */
  addons?: string[];
}

export interface RealOdoo {
  /** Where Odoo answers, e.g. http://127.0.0.1:40123 (also its web.base.url). */
  url: string;
  host: string;
  port: number;
  database: string;
  /** An API key of the admin user, made in the setup (for JSON-2). */
  apiKey: string;
  /** An internal user without settings rights (calls it may not make are access errors), with an API key. */
  limitedUser: { login: string; password: string; uid: number; apiKey: string };
  /** `execute_kw` as admin through /jsonrpc, for setup and for what the tests send. */
  call(model: string, method: string, args?: unknown[], kwargs?: Record<string, unknown>): Promise<unknown>;
  /** `bus.bus._sendone(channel, type, payload)`, through RPC (a server action: _sendone itself is private). */
  sendBus(channel: string, type: string, payload: Record<string, unknown>): Promise<void>;
  stop(): Promise<void>;
}

/** Why the real server cannot start here, naming the install step; null when it can. */
export function missingPrerequisite(): string | null {
  if (!existsSync(ODOO_TARBALL)) return `the Odoo 19 source ${ODOO_TARBALL} is missing (set ODOO19_TARBALL to its path)`;
  if (!pgBin()) return `PostgreSQL's server programs are not installed (${PG_BIN_ROOT}/<version>/bin/initdb): ${INSTALL_STEP}`;
  const probe = spawnSync(PYTHON, ['-c', 'import werkzeug, psycopg2, lxml, gevent, babel, PIL, reportlab, passlib, rjsmin, docutils'], { encoding: 'utf8' });
  if (probe.status !== 0) {
    const missing = /No module named '([^']+)'/.exec(probe.stderr ?? '')?.[1] ?? probe.error?.message ?? 'a module';
    return `${PYTHON} lacks ${missing}, which Odoo needs: ${INSTALL_STEP}`;
  }
  return null;
}

export async function startRealOdoo(options: RealOdooOptions = {}): Promise<RealOdoo> {
  const missing = missingPrerequisite();
  if (missing) throw new Error(`cannot start the real Odoo server: ${missing}`);
  const work = mkdtempSync(join(tmpdir(), 'real-odoo-'));
  const cleanups = new Cleanups();
  cleanups.add(() => rmSync(work, { recursive: true, force: true }));
  const cleanup = () => cleanups.run();
  try {
    const [postgres] = await Promise.all([startPostgres(cleanups), extract(work)]);
    const database = `hub_test_${randomBytes(4).toString('hex')}`;
    const port = await freePort();
    const logfile = join(work, 'odoo.log');
    const flags = [
      `--addons-path=${[join(work, 'src', 'addons'), join(work, 'src', 'odoo', 'addons'), ...(options.addons?.length ? [TEST_ADDONS_DIR] : [])].join(',')}`,
      `--data-dir=${join(work, 'data')}`,
      // The cluster trusts loopback: any password does.
      '--db_host=127.0.0.1', `--db_port=${postgres.port}`, `--db_user=${postgres.user}`, '--db_password=trusted',
      '-d', database, `--db-filter=^${database}$`,
      `--logfile=${logfile}`, '--max-cron-threads=0',
    ];
    const odooBin = join(work, 'src', 'odoo-bin');
    const modules = [...BASE_MODULES, ...(options.addons ?? [])].join(',');
    await runToEnd(PYTHON, [odooBin, ...flags, '-i', modules, '--stop-after-init', '--no-http'], DATABASE_TIMEOUT_MS, `creating the database (-i ${modules})`, logfile);

    const url = `http://127.0.0.1:${port}`;
    const odoo = spawn(PYTHON, [odooBin, ...flags, '--http-interface=127.0.0.1', `--http-port=${port}`], { stdio: 'ignore' });
    cleanups.add(() => stopProcess(odoo), () => odoo.kill('SIGKILL'));
    // API keys need Odoo's shell (res.users.apikeys._generate is private): made while the server starts.
    const [{ apiKey, limitedUser }] = await Promise.all([createUsersAndKeys(odooBin, flags, logfile), waitHealthy(url, odoo, logfile)]);

    const call = (model: string, method: string, args: unknown[] = [], kwargs: Record<string, unknown> = {}) =>
      adminCall(url, database, model, method, args, kwargs);
    // Odoo rewrites web.base.url when the admin logs in through the web unless it is frozen: pin
    // it to the address the tests use, so origin comparisons see one spelling.
    await call('ir.config_parameter', 'set_param', ['web.base.url', url]);
    await call('ir.config_parameter', 'set_param', ['web.base.url.freeze', 'True']);
    const sendBusAction = await createBusSendAction(call);

    return {
      url, host: '127.0.0.1', port, database, apiKey, limitedUser, call,
      async sendBus(channel, type, payload) {
        await call('ir.actions.server', 'run', [[sendBusAction]], { context: { hub_test_bus: { channel, type, payload } } });
      },
      stop: cleanup,
    };
  } catch (error) {
    await cleanup();
    throw error;
  }
}

/**
 * What to undo, last first. A process that ends without `stop()` (a crash, Ctrl-C, a test
 * runner's timeout) still kills the servers and removes their files, synchronously on exit.
 */
class Cleanups {
  private readonly steps: Array<{ stop: () => Promise<void> | void; kill: () => void }> = [];
  private readonly onExit = () => {
    for (const step of this.steps.splice(0).reverse()) step.kill();
  };
  private readonly onSignal = (signal: NodeJS.Signals) => {
    this.onExit();
    process.kill(process.pid, signal);
  };

  constructor() {
    process.once('exit', this.onExit);
    process.once('SIGINT', this.onSignal);
    process.once('SIGTERM', this.onSignal);
  }

  /** `kill` is the synchronous form for an abrupt exit; by default the same as `stop`. */
  add(stop: () => Promise<void> | void, kill: () => void = () => void stop()): void {
    this.steps.push({ stop, kill });
  }

  async run(): Promise<void> {
    process.off('exit', this.onExit);
    process.off('SIGINT', this.onSignal);
    process.off('SIGTERM', this.onSignal);
    for (const step of this.steps.splice(0).reverse()) await step.stop();
  }
}

interface Postgres {
  port: number;
  user: string;
}

/**
 * A cluster of its own in a temporary folder (trust authentication on loopback, no fsync: the
 * data is thrown away), rather than Debian's shared cluster: stopping it at the end cannot cut
 * another run off, and nothing needs a superuser's psql.
 */
async function startPostgres(cleanups: Cleanups): Promise<Postgres> {
  const bin = pgBin()!;
  const dir = mkdtempSync(join(tmpdir(), 'real-odoo-pg-'));
  cleanups.add(() => rmSync(dir, { recursive: true, force: true }));
  // PostgreSQL refuses to run as root: as root, run it as Debian's postgres user.
  const owner = process.getuid?.() === 0 ? userIds('postgres') : null;
  if (owner) chownSync(dir, owner.uid, owner.gid);
  const as = owner ? { uid: owner.uid, gid: owner.gid } : {};
  const user = 'odoo';
  await runToEnd(join(bin, 'initdb'), ['-D', join(dir, 'data'), '-U', user, '--auth=trust', '--encoding=UTF8', '--locale=C', '--no-sync'], 60_000, 'initdb', null, as);
  const port = await freePort();
  const settings = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off`;
  await runToEnd(join(bin, 'pg_ctl'), ['-D', join(dir, 'data'), '-l', join(dir, 'postgres.log'), '-o', settings, '-w', '-t', '60', 'start'], 90_000, 'starting PostgreSQL', join(dir, 'postgres.log'), as);
  const stop = ['-D', join(dir, 'data'), '-w', 'stop', '-m'];
  cleanups.add(
    () => runToEnd(join(bin, 'pg_ctl'), [...stop, 'fast'], 60_000, 'stopping PostgreSQL', null, as).then(() => undefined, () => undefined),
    () => void spawnSync(join(bin, 'pg_ctl'), [...stop, 'immediate'], { ...as, stdio: 'ignore' }),
  );
  return { port, user };
}

function pgBin(): string | null {
  if (!existsSync(PG_BIN_ROOT)) return null;
  const versions = readdirSync(PG_BIN_ROOT).filter((v) => existsSync(join(PG_BIN_ROOT, v, 'bin', 'initdb'))).sort((a, b) => Number(b) - Number(a));
  return versions.length ? join(PG_BIN_ROOT, versions[0], 'bin') : null;
}

function userIds(name: string): { uid: number; gid: number } {
  const uid = Number(spawnSync('id', ['-u', name], { encoding: 'utf8' }).stdout.trim());
  const gid = Number(spawnSync('id', ['-g', name], { encoding: 'utf8' }).stdout.trim());
  if (!Number.isInteger(uid) || !Number.isInteger(gid) || uid <= 0) throw new Error(`no "${name}" user to run PostgreSQL as (Debian's postgresql package creates it): ${INSTALL_STEP}`);
  return { uid, gid };
}

async function extract(work: string): Promise<void> {
  const src = join(work, 'src');
  mkdirSync(src, { recursive: true });
  await runToEnd('tar', ['-xJf', ODOO_TARBALL, '-C', src], 120_000, `extracting ${ODOO_TARBALL}`, null);
}

/** The admin's API key, and the limited user with a password and an API key, in one odoo-bin shell run. */
async function createUsersAndKeys(odooBin: string, flags: string[], logfile: string): Promise<{ apiKey: string; limitedUser: RealOdoo['limitedUser'] }> {
  const login = 'hub-test-clerk';
  const password = `clerk-${randomBytes(8).toString('hex')}`;
  const code = [
    'import datetime',
    "keys = env['res.users.apikeys'].sudo()",
    // Users without settings rights may only have keys that expire.
    'expires = datetime.datetime.now() + datetime.timedelta(days=1)',
    `clerk = env['res.users'].create({'name': 'Hub test clerk', 'login': ${JSON.stringify(login)}, 'password': ${JSON.stringify(password)}})`,
    "print('HUB_TEST_ADMIN_KEY=' + keys.with_user(env.ref('base.user_admin'))._generate(None, 'hub tests', expires))",
    "print('HUB_TEST_CLERK_KEY=' + keys.with_user(clerk)._generate(None, 'hub tests', expires))",
    "print('HUB_TEST_CLERK_UID=%d' % clerk.id)",
    'env.cr.commit()',
  ].join('\n');
  const out = await runToEnd(PYTHON, [odooBin, 'shell', ...flags, '--no-http'], 120_000, 'making users and API keys in odoo-bin shell', logfile, {}, code);
  const value = (name: string) => {
    const found = new RegExp(`${name}=(\\S+)`).exec(out)?.[1];
    if (!found) throw new Error(`odoo-bin shell printed no ${name}: ${out.slice(-500)}`);
    return found;
  };
  return { apiKey: value('HUB_TEST_ADMIN_KEY'), limitedUser: { login, password, uid: Number(value('HUB_TEST_CLERK_UID')), apiKey: value('HUB_TEST_CLERK_KEY') } };
}

/** A server action that hands its context's `hub_test_bus` to bus.bus._sendone. */
async function createBusSendAction(call: RealOdoo['call']): Promise<number> {
  const [model] = (await call('ir.model', 'search', [[['model', '=', 'bus.bus']]], { limit: 1 })) as number[];
  const code = "m = env.context['hub_test_bus']\nenv['bus.bus']._sendone(m['channel'], m['type'], m['payload'])";
  return (await call('ir.actions.server', 'create', [{ name: 'Hub tests: send on the bus', model_id: model, state: 'code', code }])) as number;
}

/** A bare /jsonrpc call, independent of the clients under test. */
async function adminCall(url: string, database: string, model: string, method: string, args: unknown[], kwargs: Record<string, unknown>): Promise<unknown> {
  const response = await fetch(`${url}/jsonrpc`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', method: 'call', id: 1, params: { service: 'object', method: 'execute_kw', args: [database, ODOO_ADMIN.uid, ODOO_ADMIN.password, model, method, args, kwargs] } }),
  });
  const body = (await response.json()) as { result?: unknown; error?: { data?: { name?: string; message?: string } } };
  if (body.error) throw new Error(`${model}.${method} on the real Odoo failed: ${body.error.data?.name}: ${body.error.data?.message}`);
  return body.result ?? null;
}

async function waitHealthy(url: string, odoo: ChildProcess, logfile: string): Promise<void> {
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (odoo.exitCode !== null) throw new Error(`Odoo exited with ${odoo.exitCode} while starting:\n${tail(logfile)}`);
    const answer = await fetch(`${url}${HEALTH_PATH}`).then((r) => r.text(), () => '');
    if (answer.includes('"pass"')) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`Odoo did not answer ${HEALTH_PATH} within ${START_TIMEOUT_MS / 1000} s:\n${tail(logfile)}`);
}

function runToEnd(command: string, args: string[], timeoutMs: number, what: string, logfile: string | null, ids: { uid?: number; gid?: number } = {}, input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...ids, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] });
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr!.on('data', (d: Buffer) => (out += d.toString()));
    if (input !== undefined) child.stdin!.end(input);
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.on('error', (error) => (clearTimeout(timer), reject(new Error(`${what}: ${error.message}`))));
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      if (code === 0) return resolve(out);
      const why = signal === 'SIGKILL' ? `did not finish within ${timeoutMs / 1000} s` : `failed (${signal ?? `exit ${code}`})`;
      reject(new Error(`${what} ${why}:\n${out.slice(-2000)}${logfile ? `\n${tail(logfile)}` : ''}`));
    });
  });
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  // Odoo's graceful shutdown waits for open websockets; a second signal forces it.
  const forced = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(forced);
}

function tail(file: string, lines = 40): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

/** A loopback port nothing listens on now. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
