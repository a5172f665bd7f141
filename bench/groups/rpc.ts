// 1,000 execute_kw calls against the simulator on loopback, per protocol, through a pool of
// 1, 3 and 10 clients; the anchor is the same 1,000 calls made one at a time, in the same run.
// The simulator runs in its own process (as Odoo would) and answers each call after a
// SERVICE_MS pause that blocks nothing else (a small read on a real Odoo costs a few ms of ORM
// and PostgreSQL time); each figure is the median of 3 rounds.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import type { Figure } from '../figures.ts';
import { median } from '../figures.ts';
import { OdooClient } from '../../src/odoo/client.ts';
import { ConnectionPool } from '../../src/odoo/pool.ts';
import type { OdooProtocol } from '../../src/odoo/target.ts';

const CALLS = 1_000;
const WARMUP = 100;
const ROUNDS = 3;
const SERVICE_MS = 5;
const POOL_SIZES = [1, 3, 10] as const;
const API_KEY = 'bench0123456789abcdef0123456789abcdef0123';
const PROTOCOLS: Array<[OdooProtocol, string]> = [['JSON-RPC', 'jsonrpc'], ['XML-RPC', 'xmlrpc'], ['JSON-2', 'json2']];

async function startSimulatorProcess() {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('../support/rpc-simulator.ts', import.meta.url)), API_KEY, String(SERVICE_MS)], { stdio: ['pipe', 'pipe', 'inherit'] });
  const [line] = (await once(child.stdout, 'data')) as [Buffer];
  const url = new URL(line.toString().trim());
  return { host: url.hostname, port: Number(url.port), stop: () => child.stdin.end() };
}

export async function run(): Promise<Figure[]> {
  const sim = await startSimulatorProcess();
  console.log(`  simulator answers each call after ${SERVICE_MS} ms of simulated server time`);
  const figures: Figure[] = [];
  try {
    for (const [protocol, key] of PROTOCOLS) {
      const newClient = () => new OdooClient(
        { protocol, host: sim.host, port: sim.port, database: 'shop', user: 'admin', secret: API_KEY },
        { page: { origin: null, forwardedOdoo: null } },
      );
      const call = (client: OdooClient, i: number) => client.executeKw('product.product', 'read', [[(i % 50) + 1], ['name', 'list_price', 'barcode']]);
      const sequential = async () => {
        const client = newClient();
        for (let i = 0; i < WARMUP; i++) await call(client, i);
        const started = performance.now();
        for (let i = 0; i < CALLS; i++) await call(client, i);
        return CALLS / ((performance.now() - started) / 1000);
      };
      const pooled = async (size: number) => {
        const pool = new ConnectionPool({ name: 'bench', size, maxWaitMs: 120_000, create: newClient });
        await Promise.all(Array.from({ length: WARMUP }, (_, i) => pool.use((client) => call(client, i))));
        const started = performance.now();
        await Promise.all(Array.from({ length: CALLS }, (_, i) => pool.use((client) => call(client, i))));
        pool.close('ended with the benchmark');
        return CALLS / ((performance.now() - started) / 1000);
      };
      const anchor: number[] = [];
      const rates = new Map<number, number[]>(POOL_SIZES.map((s) => [s, []]));
      // Rounds interleave the anchor and the pools so drift in machine load hits them alike.
      for (let round = 0; round < ROUNDS; round++) {
        anchor.push(await sequential());
        for (const size of POOL_SIZES) rates.get(size)!.push(await pooled(size));
      }
      for (const size of POOL_SIZES) {
        figures.push({ key: `rpc.${key}_calls_per_s_pool${size}`, value: median(rates.get(size)!), unit: 'calls/s', anchor: 'one call at a time', anchor_value: median(anchor) });
      }
    }
  } finally {
    sim.stop();
  }
  return figures;
}
