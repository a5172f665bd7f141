// The local server in its own process for bench/groups/forward.ts, forwarding to the benchmark's
// HTTPS upstream, so that the server, the upstream and the client do not share an event loop.
// argv: <odoo origin> <CA file (PEM)> <an empty dist dir>. Prints its URL on the first line; stops when stdin closes.
import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { createLocalServer } from '../../server/local-server.ts';
import { DEFAULT_MAX_BODY_BYTES, LOOPBACK_HOSTNAMES } from '../../server/config.ts';

const [odooOrigin, caFile, distDir] = process.argv.slice(2);
const server = createLocalServer(
  // Only forwarded paths are measured: no built hub is needed.
  { odooOrigin, host: '127.0.0.1', port: 0, allowedHosts: [...LOOPBACK_HOSTNAMES], maxBodyBytes: DEFAULT_MAX_BODY_BYTES, distDir },
  { odooCa: readFileSync(caFile, 'utf8'), log: (line) => process.stderr.write(`${line}\n`) },
);
await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
process.stdout.write(`http://127.0.0.1:${(server.address() as AddressInfo).port}\n`);
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
