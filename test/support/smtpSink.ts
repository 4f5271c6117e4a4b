// A tiny SMTP server on 127.0.0.1 for loopback delivery tests with real Exim. It never
// speaks TLS; its modes decide what a client that wants TLS gets:
//   notls         EHLO does not advertise STARTTLS
//   starttls-454  STARTTLS advertised, answered "454 4.7.0 TLS not available"
//   starttls-bad  STARTTLS advertised, answered "220", then junk instead of a TLS
//                 handshake, and the connection is closed (the handshake fails)
// Every message body it accepts (DATA) was necessarily received in clear, and is
// recorded. Node built-ins only; binds an ephemeral port on 127.0.0.1 and nothing else.
import { createServer, type Server, type Socket } from 'node:net';

export type SinkMode = 'notls' | 'starttls-454' | 'starttls-bad';
export const SINK_MODES: readonly SinkMode[] = ['notls', 'starttls-454', 'starttls-bad'];

export interface SinkMessage {
  from: string;
  to: string[];
  /** The message as received after DATA, dot-unstuffed, without the final ".". */
  data: string;
}

export interface SmtpSink {
  readonly mode: SinkMode;
  readonly port: number;
  /** Connections accepted so far. */
  readonly connections: number;
  /** Messages whose DATA was accepted: all of them travelled in clear. */
  readonly messages: readonly SinkMessage[];
  /** Whether any message body was received in clear. */
  readonly receivedInClear: boolean;
  /** "S: ..." / "C: ..." / "SINK: ..." lines of every connection, for failure messages. */
  readonly transcript: readonly string[];
  /** Stops listening, drops open connections; resolves when the server is closed. */
  close(): Promise<void>;
}

/** Bytes sent after "220" in starttls-bad mode: not a TLS ServerHello. */
const JUNK = 'THIS IS NOT TLS\r\n';
const IDLE_TIMEOUT_MS = 30_000;
const MAX_LINE = 64 * 1024;

export function startSmtpSink(mode: SinkMode): Promise<SmtpSink> {
  if (!SINK_MODES.includes(mode)) return Promise.reject(new Error(`unknown sink mode ${mode}`));
  const messages: SinkMessage[] = [];
  const transcript: string[] = [];
  const sockets = new Set<Socket>();
  let connections = 0;
  let nextId = 0;

  const server: Server = createServer((socket) => {
    connections++;
    const id = ++nextId;
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', (e) => transcript.push(`SINK[${id}]: socket error ${e.message}`));
    socket.setTimeout(IDLE_TIMEOUT_MS, () => {
      transcript.push(`SINK[${id}]: idle timeout, closing`);
      socket.destroy();
    });
    transcript.push(`SINK[${id}]: connection from ${socket.remoteAddress}:${socket.remotePort} (mode ${mode})`);

    const send = (line: string) => {
      if (socket.destroyed || !socket.writable) return;
      transcript.push(`S[${id}]: ${line}`);
      socket.write(`${line}\r\n`);
    };

    let buffer = '';
    let inData = false;
    let done = false;
    let from = '';
    let to: string[] = [];
    let data: string[] = [];

    const handleCommand = (line: string) => {
      transcript.push(`C[${id}]: ${line}`);
      const verb = line.slice(0, 4).toUpperCase();
      const upper = line.toUpperCase();
      if (verb === 'EHLO') {
        const caps = ['sink.invalid', 'PIPELINING', '8BITMIME', 'SIZE 10485760'];
        if (mode !== 'notls') caps.push('STARTTLS');
        caps.forEach((c, i) => send(`250${i === caps.length - 1 ? ' ' : '-'}${c}`));
      } else if (verb === 'HELO') send('250 sink.invalid');
      else if (upper.startsWith('STARTTLS')) {
        if (mode === 'starttls-454') send('454 4.7.0 TLS not available');
        else if (mode === 'starttls-bad') {
          send('220 2.0.0 go ahead');
          transcript.push(`SINK[${id}]: sending junk instead of a TLS handshake, closing`);
          done = true;
          socket.end(JUNK);
        } else send('502 5.5.1 STARTTLS not implemented');
      } else if (verb === 'MAIL') {
        from = /<([^>]*)>/.exec(line)?.[1] ?? '';
        to = [];
        send('250 2.1.0 OK');
      } else if (verb === 'RCPT') {
        to.push(/<([^>]*)>/.exec(line)?.[1] ?? '');
        send('250 2.1.5 OK');
      } else if (verb === 'DATA') {
        inData = true;
        data = [];
        send('354 go ahead');
      } else if (verb === 'RSET') {
        from = '';
        to = [];
        send('250 2.0.0 OK');
      } else if (verb === 'NOOP') send('250 2.0.0 OK');
      else if (verb === 'QUIT') {
        send('221 2.0.0 bye');
        done = true;
        socket.end();
      } else send('500 5.5.2 unrecognised command');
    };

    const handleDataLine = (line: string) => {
      if (line === '.') {
        inData = false;
        const message = { from, to, data: data.join('\n') };
        messages.push(message);
        transcript.push(`SINK[${id}]: MESSAGE RECEIVED IN CLEAR (${message.data.length} bytes, from <${from}> to ${to.map((r) => `<${r}>`).join(' ')})`);
        send('250 2.0.0 OK queued');
        return;
      }
      data.push(line.startsWith('.') ? line.slice(1) : line);
    };

    socket.setEncoding('latin1');
    socket.on('data', (chunk: string) => {
      if (done) return;
      buffer += chunk;
      let nl: number;
      while (!done && (nl = buffer.indexOf('\n')) >= 0) {
        const line = buffer.slice(0, nl).replace(/\r$/, '');
        buffer = buffer.slice(nl + 1);
        if (inData) handleDataLine(line);
        else handleCommand(line);
      }
      if (buffer.length > MAX_LINE) {
        transcript.push(`SINK[${id}]: line too long, closing`);
        done = true;
        socket.destroy();
      }
    });
    socket.on('end', () => {
      if (!done) transcript.push(`SINK[${id}]: client closed`);
      socket.end();
    });

    send(`220 sink.invalid ESMTP loopback sink (${mode})`);
  });

  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: 0, exclusive: true }, () => {
      server.off('error', reject);
      const address = server.address();
      if (!address || typeof address === 'string') {
        server.close();
        reject(new Error('sink: no TCP address'));
        return;
      }
      transcript.push(`SINK: listening on 127.0.0.1:${address.port} mode=${mode}`);
      let closing: Promise<void> | undefined;
      resolve({
        mode,
        port: address.port,
        get connections() {
          return connections;
        },
        messages,
        get receivedInClear() {
          return messages.length > 0;
        },
        transcript,
        close() {
          closing ??= new Promise<void>((done) => {
            server.close(() => done());
            for (const s of sockets) s.destroy();
          });
          return closing;
        },
      });
    });
  });
}
