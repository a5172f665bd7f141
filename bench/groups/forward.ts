// Group `forward` (issue 12): what the local server costs a JSON-RPC call on its way to Odoo.
// A loopback HTTPS upstream (the RPC simulator behind TLS, a certificate made now with openssl)
// answers execute_kw reads after SERVICE_MS of simulated server time, as Odoo's ORM would; the
// same keep-alive client calls it through the local server and, side by side in each round,
// directly. Upstream, local server and client each run in their own process.
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import https from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { makeSelfSignedCert } from '../../test/support/self-signed-cert.ts';
import { median, type Figure } from '../figures.ts';

const SERVICE_MS = 5;
const SEQUENTIAL_CALLS = 300;
const POOL_CALLS = 1_000;
const POOL_SIZE = 10;
const WARMUP = 50;
const ROUNDS = 3;
const API_KEY = 'bench0123456789abcdef0123456789abcdef0123';

/** A child that prints its URL on its first line and answers lines on stdin. */
async function startChild(script: string, args: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL(script, import.meta.url)), ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout });
  const [url] = (await once(lines, 'line')) as [string];
  return {
    url,
    ask: async (question: string) => {
      child.stdin.write(`${question}\n`);
      return ((await once(lines, 'line')) as [string])[0];
    },
    stop: () => child.stdin.end(),
  };
}

/** One JSON-RPC client with its own keep-alive pool, as the hub's pool of connections is. */
function rpcClient(base: string, agent: http.Agent, headers: http.OutgoingHttpHeaders = {}) {
  const request = base.startsWith('https:') ? https.request : http.request;
  const post = (params: unknown) =>
    new Promise<unknown>((resolve, reject) => {
      const body = JSON.stringify({ jsonrpc: '2.0', method: 'call', id: 1, params });
      const req = request(`${base}/jsonrpc`, { method: 'POST', agent, headers: { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(body), ...headers } }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const answer = JSON.parse(Buffer.concat(chunks).toString());
          if (res.statusCode !== 200 || answer.error) reject(new Error(`${base}: ${res.statusCode} ${JSON.stringify(answer.error ?? answer)}`));
          else resolve(answer.result);
        });
      });
      req.on('error', reject);
      req.end(body);
    });
  let uid: unknown;
  return {
    async login() {
      uid = await post({ service: 'common', method: 'login', args: ['shop', 'admin', API_KEY] });
    },
    read: (i: number) => post({ service: 'object', method: 'execute_kw', args: ['shop', uid, API_KEY, 'product.product', 'read', [[(i % 50) + 1]], { fields: ['name', 'list_price', 'barcode'] }] }),
  };
}

type Client = ReturnType<typeof rpcClient>;

async function sequentialLatencies(client: Client): Promise<number[]> {
  const latencies: number[] = [];
  for (let i = 0; i < SEQUENTIAL_CALLS; i++) {
    const started = performance.now();
    await client.read(i);
    latencies.push(performance.now() - started);
  }
  return latencies;
}

async function pooledRate(client: Client): Promise<number> {
  let next = 0;
  const started = performance.now();
  await Promise.all(Array.from({ length: POOL_SIZE }, async () => {
    while (next < POOL_CALLS) await client.read(next++);
  }));
  return POOL_CALLS / ((performance.now() - started) / 1000);
}

export async function run(): Promise<Figure[]> {
  const scratch = mkdtempSync(join(tmpdir(), 'hub-bench-forward-'));
  try {
    const cert = makeSelfSignedCert();
    writeFileSync(join(scratch, 'tls.json'), JSON.stringify(cert));
    writeFileSync(join(scratch, 'ca.pem'), cert.cert);
    mkdirSync(join(scratch, 'dist'));
    const upstream = await startChild('../support/rpc-simulator.ts', [API_KEY, String(SERVICE_MS), join(scratch, 'tls.json')]);
    const hub = await startChild('../support/forward-hub.ts', [upstream.url, join(scratch, 'ca.pem'), join(scratch, 'dist')]);
    console.log(`  upstream ${upstream.url} answers each call after ${SERVICE_MS} ms; local server ${hub.url}`);
    try {
      const agentOptions = { keepAlive: true, maxSockets: POOL_SIZE };
      const direct = rpcClient(upstream.url, new https.Agent({ ...agentOptions, ca: cert.cert }));
      // As the hub's page calls it: same origin, so the Origin is the server's own.
      const viaHub = rpcClient(hub.url, new http.Agent(agentOptions), { Origin: hub.url });
      const upstreamConnections = async () => Number(await upstream.ask('connections'));
      const counted = async <T>(counter: { connections: number; calls: number }, calls: number, work: () => Promise<T>): Promise<T> => {
        const before = await upstreamConnections();
        const result = await work();
        counter.connections += (await upstreamConnections()) - before;
        counter.calls += calls;
        return result;
      };
      const directCount = { connections: 0, calls: 0 };
      const hubCount = { connections: 0, calls: 0 };
      await counted(directCount, WARMUP + 1, async () => { await direct.login(); for (let i = 0; i < WARMUP; i++) await direct.read(i); });
      await counted(hubCount, WARMUP + 1, async () => { await viaHub.login(); for (let i = 0; i < WARMUP; i++) await viaHub.read(i); });

      const latency = { direct: [] as number[], hub: [] as number[] };
      const rate = { direct: [] as number[], hub: [] as number[] };
      // Rounds interleave the two paths so drift in machine load hits them alike.
      for (let round = 0; round < ROUNDS; round++) {
        latency.direct.push(...(await counted(directCount, SEQUENTIAL_CALLS, () => sequentialLatencies(direct))));
        latency.hub.push(...(await counted(hubCount, SEQUENTIAL_CALLS, () => sequentialLatencies(viaHub))));
        rate.direct.push(await counted(directCount, POOL_CALLS, () => pooledRate(direct)));
        rate.hub.push(await counted(hubCount, POOL_CALLS, () => pooledRate(viaHub)));
      }
      const directMs = median(latency.direct);
      const hubMs = median(latency.hub);
      const directRate = median(rate.direct);
      const hubRate = median(rate.hub);
      const anchor = 'the same keep-alive client calling the HTTPS upstream directly';
      return [
        { key: 'forward.rpc_latency_ratio', value: hubMs / directMs, unit: 'x', goal: '<= 1.2', anchor: `${anchor} (median of ${ROUNDS * SEQUENTIAL_CALLS} sequential calls each)` },
        { key: 'forward.rpc_latency_ms', value: hubMs, unit: 'ms', anchor, anchor_value: directMs },
        { key: 'forward.rpc_calls_per_s_pool10', value: hubRate, unit: 'calls/s', anchor: `${anchor}, ${POOL_SIZE} calls in flight`, anchor_value: directRate },
        { key: 'forward.rpc_calls_per_s_pool10_ratio', value: hubRate / directRate, unit: 'x', goal: '>= 0.8', anchor: `${anchor}, ${POOL_SIZE} calls in flight` },
        {
          key: 'forward.upstream_connections_per_100_calls',
          value: (hubCount.connections / hubCount.calls) * 100,
          unit: 'connections',
          goal: '<= 10',
          anchor,
          anchor_value: (directCount.connections / directCount.calls) * 100,
        },
      ];
    } finally {
      hub.stop();
      upstream.stop();
    }
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
}
