// Device benchmarks in real Chromium, each in a dedicated worker as the hub runs them: the hub's own overhead on a Toledo read_once,
// HID POS scan-to-outbox latency. Pages are served by vite on loopback. (The camera has its own group, camera.ts.)
import type { Figure } from '../figures.ts';
import { runBenchPage } from '../support/bench-page.ts';

export async function run(): Promise<Figure[]> {
  const r = await runBenchPage<{ toledo: { overhead: number; roundTrip: number }; hid: number }>('bench/devices/index.html');
  console.log(`  Toledo read_once: whole round trip ${r.toledo.roundTrip.toFixed(2)} ms, of which the hub's own ${r.toledo.overhead.toFixed(2)} ms`);
  return [
    {
      key: 'scale.toledo_read_once_overhead_ms', value: r.toledo.overhead, unit: 'ms', goal: '<= 20',
      anchor: 'the hub\'s own time in a read_once: action accepted → request bytes at the port, plus last reply byte readable → result written in the outbox (the virtual scale\'s wire and answer time taken out)',
    },
    { key: 'scanner.hid_event_latency_ms', value: r.hid, unit: 'ms', goal: '< 5' },
  ];
}
