import dgram from 'node:dgram';
import type { AddressInfo } from 'node:net';
import dnsPacket, { type Answer, type Question } from 'dns-packet';

export interface AdvertisedPrinter {
  /** The instance name, e.g. "Kitchen TM-T20III". */
  instance: string;
  service: '_pdl-datastream._tcp.local' | '_printer._tcp.local' | '_ipp._tcp.local';
  host: string;
  address: string;
  port: number;
  txt: string[];
}

/**
 * A DNS-SD responder on 127.0.0.1 only, for the discovery tests: answers PTR questions for the
 * services it advertises by unicast to the asker (RFC 6762 §6.7), with SRV, TXT and A records
 * in the additionals as printers send them. It never joins a multicast group.
 */
export async function startDnsSdResponder(printers: AdvertisedPrinter[]): Promise<{ port: number; questions: Question[]; close(): Promise<void> }> {
  const socket = dgram.createSocket('udp4');
  const questions: Question[] = [];
  socket.on('message', (message, rinfo) => {
    const query = dnsPacket.decode(message);
    if (query.type !== 'query') return;
    questions.push(...(query.questions ?? []));
    const asked = new Set((query.questions ?? []).filter((q) => q.type === 'PTR').map((q) => q.name));
    const answers: Answer[] = [];
    const additionals: Answer[] = [];
    for (const p of printers.filter((x) => asked.has(x.service))) {
      const full = `${p.instance}.${p.service}`;
      answers.push({ type: 'PTR', name: p.service, ttl: 120, data: full });
      additionals.push({ type: 'SRV', name: full, ttl: 120, data: { target: p.host, port: p.port, priority: 0, weight: 0 } });
      additionals.push({ type: 'TXT', name: full, ttl: 120, data: p.txt });
      additionals.push({ type: 'A', name: p.host, ttl: 120, data: p.address });
    }
    if (!answers.length) return;
    socket.send(dnsPacket.encode({ type: 'response', id: query.id, flags: dnsPacket.AUTHORITATIVE_ANSWER, questions: query.questions, answers, additionals }), rinfo.port, rinfo.address);
  });
  await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
  return {
    port: (socket.address() as AddressInfo).port,
    questions,
    close: () => new Promise((resolve) => socket.close(() => resolve())),
  };
}
