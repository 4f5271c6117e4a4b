// TLS files and DH primes Exim loads only when it starts TLS, against the real Exim:
//  - client side: real deliveries through an smtp transport to a local server that offers
//    STARTTLS (test/support/delivery.ts); a relative certificate, CA or CRL path makes Exim
//    fail before the handshake and deliver in clear, and tls-file-invalid reports it;
//  - server side: a daemon on a free port (its own spool and logs, no certificate, so that
//    GnuTLS's Exim makes a self-signed one) is asked for STARTTLS by Node's TLS client; an
//    unknown tls_dhparam name or a relative tls_certificate makes every handshake fail.
// Needs real Exim and root; fails under CI=true without them.
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { connect as connectTcp, Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { connect as connectTls } from 'node:tls';
import { lintPath } from '../../server/src/core/service';
import { nodeHost } from '../../server/src/node/fsHost';
import { freePort, startDaemon } from '../support/daemon';
import { deliverThroughSmarthost, requireDeliveryHarness } from '../support/delivery';
import { findExim } from '../support/exim';

const reported = (path: string) => lintPath(path, nodeHost()).findings.filter((f) => f.code === 'tls-file-invalid').length > 0;

test('a relative TLS file on an smtp transport makes Exim deliver in clear, and is reported', async (t) => {
  if (!requireDeliveryHarness(t)) return;
  const dir = mkdtempSync(join(tmpdir(), 'exim-tls-files-'));
  chmodSync(dir, 0o755);
  try {
    const cases: [string[], boolean][] = [
      [['tls_certificate = client.pem', 'tls_privatekey = client.pem'], true],
      [['tls_verify_certificates = ca.pem'], true],
      [['tls_verify_certificates = system', 'tls_crl = revoked.pem'], true],
      [['tls_verify_certificates = system'], false],
    ];
    for (const [options, refused] of cases) {
      // The sink offers STARTTLS and breaks the handshake: a usable setting gets that far.
      const result = await deliverThroughSmarthost(dir, options, 'starttls-bad');
      const { path, outcome } = result;
      const log = result.mainlog.join('\n');
      const setupFailed = /could not stat|Error while reading file/.test(log);
      const reachedHandshake = /gnutls_handshake/.test(log);
      assert.equal(setupFailed, refused, `${options.join('; ')}: ${log}`);
      assert.equal(reachedHandshake, !refused, `${options.join('; ')}: ${log}`);
      assert.equal(outcome, 'DELIVERED_CLEAR', log);
      assert.equal(reported(path), refused, options.join('; '));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

/** EHLO, STARTTLS, then a TLS handshake with Node's client: true when the handshake completes. */
function startTls(port: number): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const socket: Socket = connectTcp(port, '127.0.0.1');
    const timer = setTimeout(() => (socket.destroy(), reject(new Error('no answer within 10 s'))), 10_000);
    let buffer = '';
    let step = 0;
    socket.setEncoding('utf8');
    socket.on('error', (e) => (clearTimeout(timer), reject(e)));
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      if (!/^\d{3} [^\r\n]*\r?\n/m.test(buffer)) return;
      const reply = buffer;
      buffer = '';
      if (step === 0) socket.write('EHLO probe.example\r\n');
      else if (step === 1) {
        if (!/STARTTLS/.test(reply)) return void (clearTimeout(timer), socket.destroy(), reject(new Error(`STARTTLS not offered: ${reply}`)));
        socket.write('STARTTLS\r\n');
      } else if (step === 2) {
        socket.removeAllListeners('data');
        if (!reply.startsWith('220')) return void (clearTimeout(timer), socket.destroy(), resolve(false));
        const tls = connectTls({ socket, rejectUnauthorized: false, servername: 'localhost' });
        tls.on('secureConnect', () => (clearTimeout(timer), tls.destroy(), resolve(true)));
        tls.on('error', () => (clearTimeout(timer), tls.destroy(), resolve(false)));
      }
      step++;
    });
  });
}

test('a relative tls_certificate or an unknown tls_dhparam makes every STARTTLS to the daemon fail, and is reported', async (t) => {
  if (!requireDeliveryHarness(t)) return;
  const exim = findExim()!;
  const dir = mkdtempSync(join(tmpdir(), 'exim-tls-daemon-'));
  chmodSync(dir, 0o777);
  try {
    for (const [setting, refused] of [['tls_dhparam = Default', true], ['tls_dhparam = default', false], ['tls_certificate = exim.crt', true], ['tls_verify_certificates = ca.pem', true], ['tls_crl = revoked.pem', false]] as const) {
      const port = await freePort();
      const lines = ['primary_hostname = localhost', 'keep_environment =', `spool_directory = ${dir}/spool`, `log_file_path = ${dir}/%slog`, `daemon_smtp_ports = ${port}`, 'local_interfaces = 127.0.0.1', setting];
      const daemon = await startDaemon(exim, dir, lines);
      try {
        assert.ok(daemon.started, `${setting}: ${daemon.stderr}`);
        // The daemon listens once it has written its pid file; allow for a slow start.
        const deadline = Date.now() + 5_000;
        let ok: boolean | undefined;
        while (ok === undefined) {
          try {
            ok = await startTls(port);
          } catch (e) {
            if (Date.now() > deadline) throw new Error(`${setting}: ${e instanceof Error ? e.message : e}`);
            await new Promise((r) => setTimeout(r, 100));
          }
        }
        assert.equal(ok, !refused, `${setting}: handshake ${ok ? 'completed' : 'failed'}`);
      } finally {
        daemon.stop();
      }
      assert.equal(reported(join(dir, 'exim.conf')), refused, setting);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
