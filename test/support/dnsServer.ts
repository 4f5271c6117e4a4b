// A DNS server for the oracle tests, answering A and TXT questions over UDP from a table
// (node built-ins only). Run by fakeDns.ts inside a private network namespace:
//   node dnsServer.js ZONES.json QUERY_LOG READY_FILE
// ZONES.json maps names (no trailing dot, any case) to { "A": [...], "TXT": [...] }, or to
// "SERVFAIL". A name not in the table gets NXDOMAIN; a known name without the type asked
// for gets an empty answer. Each question is appended to QUERY_LOG as "NAME TYPE"; READY_FILE
// is written once the socket listens on 127.0.0.1:53. Answers must fit in 512 bytes.
import { createSocket } from 'node:dgram';
import { appendFileSync, readFileSync, writeFileSync } from 'node:fs';

type Zone = { A?: string[]; TXT?: string[] } | 'SERVFAIL';

const [zonesFile, queryLog, readyFile] = process.argv.slice(2);
const zones = new Map<string, Zone>();
for (const [name, zone] of Object.entries(JSON.parse(readFileSync(zonesFile, 'utf8')) as Record<string, Zone>)) zones.set(name.toLowerCase(), zone);

const TYPE_A = 1;
const TYPE_TXT = 16;

/** The question's name and the offset after it (questions are never compressed). */
function readName(msg: Buffer, offset: number): [string, number] {
  const labels: string[] = [];
  while (msg[offset] !== 0) {
    const len = msg[offset];
    labels.push(msg.toString('latin1', offset + 1, offset + 1 + len));
    offset += 1 + len;
  }
  return [labels.join('.'), offset + 1];
}

function rdata(type: number, value: string): Buffer {
  if (type === TYPE_A) return Buffer.from(value.split('.').map(Number));
  const text = Buffer.from(value, 'utf8').subarray(0, 255);
  return Buffer.concat([Buffer.from([text.length]), text]);
}

const socket = createSocket('udp4');
socket.on('message', (msg, peer) => {
  try {
    const [name, end] = readName(msg, 12);
    const type = msg.readUInt16BE(end);
    const zone = zones.get(name.toLowerCase());
    const rcode = zone === undefined ? 3 /* NXDOMAIN */ : zone === 'SERVFAIL' ? 2 : 0;
    const values = typeof zone === 'object' ? ((type === TYPE_A ? zone.A : type === TYPE_TXT ? zone.TXT : undefined) ?? []) : [];
    const answers = values.map((v) => {
      const data = rdata(type, v);
      const rr = Buffer.alloc(12);
      rr.writeUInt16BE(0xc00c, 0); // the name: a pointer to the question's
      rr.writeUInt16BE(type, 2);
      rr.writeUInt16BE(1, 4); // class IN
      rr.writeUInt32BE(60, 6); // TTL
      rr.writeUInt16BE(data.length, 10);
      return Buffer.concat([rr, data]);
    });
    const header = Buffer.alloc(12);
    header.writeUInt16BE(msg.readUInt16BE(0), 0); // the question's id
    // QR, the question's opcode and RD, AA, RA, and the answer code.
    header.writeUInt16BE(0x8000 | (msg.readUInt16BE(2) & 0x7900) | 0x0400 | 0x0080 | rcode, 2);
    header.writeUInt16BE(1, 4);
    header.writeUInt16BE(answers.length, 6);
    socket.send(Buffer.concat([header, msg.subarray(12, end + 4), ...answers]), peer.port, peer.address);
    appendFileSync(queryLog, `${name} ${type === TYPE_A ? 'A' : type === TYPE_TXT ? 'TXT' : type}\n`);
  } catch (e) {
    appendFileSync(queryLog, `unreadable question: ${(e as Error).message}\n`);
  }
});
socket.bind(53, '127.0.0.1', () => writeFileSync(readyFile, String(process.pid)));
