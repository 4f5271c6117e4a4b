// Transports that keep mail out of clear text without "hosts_require_tls = *" (a list that
// covers every host they deliver to, TLS on connect, required DANE), against the real Exim: one delivery each (test/support/delivery.ts: private spool and logs,
// null sender, so nothing bounces anywhere) to a local sink that does not offer STARTTLS.
// Where the list covers the host, Exim refuses to send in clear ("a TLS session is
// required") and tls-not-required must stay silent; where it does not, Exim delivers in
// clear and the rule must report it.
import assert from 'node:assert/strict';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { lintPath } from '../../server/src/core/service';
import { nodeHost } from '../../server/src/node/fsHost';
import { deliver, deliverThroughSmarthost, requireDeliveryHarness } from '../support/delivery';
import { startSmtpSink } from '../support/smtpSink';

const reported = (path: string) => lintPath(path, nodeHost()).findings.some((f) => f.code === 'tls-not-required');

test('hosts_require_tls = $host_address requires TLS of every host, as "*" does', async (t) => {
  if (!requireDeliveryHarness(t)) return;
  const dir = mkdtempSync(join(tmpdir(), 'exim-tls-coverage-'));
  chmodSync(dir, 0o755);
  try {
    for (const [options, covered] of [
      [['hosts_require_tls = $host_address'], true],
      [['hosts_require_tls = ${host_address}'], true],
      [['hosts_require_tls = 192.0.2.9'], false],
    ] as const) {
      const result = await deliverThroughSmarthost(dir, [...options], 'notls');
      const clear = result.outcome === 'DELIVERED_CLEAR';
      assert.equal(clear, !covered, `${options}: ${result.outcome}\n${result.log}`);
      if (covered) assert.match(result.log, /a TLS session is required, but the server did not offer TLS support/);
      assert.equal(reported(result.path), !covered, `${options}: the analyser ${covered ? 'reports' : 'does not report'} it`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('hosts_require_tls naming the one host a manualroute router sends to covers the transport', async (t) => {
  if (!requireDeliveryHarness(t)) return;
  const dir = mkdtempSync(join(tmpdir(), 'exim-tls-coverage-'));
  chmodSync(dir, 0o755);
  // The analyser reads the file with the macros as written (192.0.2.x); the delivery points
  // both at the sink (-DSMARTHOST=127.0.0.1::PORT, -DREQUIRED=127.0.0.x), so that the
  // list names the routed host exactly when it does in the file.
  const config = (required: string, smarthost = '192.0.2.1') =>
    [
      `SMARTHOST = ${smarthost}`,
      `REQUIRED = ${required}`,
      'begin routers',
      'gateway:',
      '  driver = manualroute',
      '  domains = ! example.org',
      '  transport = remote_smtp',
      '  route_list = * SMARTHOST byname',
      '  self = send',
      'begin transports',
      'remote_smtp:',
      '  driver = smtp',
      '  hosts_require_tls = REQUIRED',
      '  tls_tempfail_tryclear = false',
      'begin retry',
      '*   tls_required',
      '*   *   F,2h,15m',
      '',
    ].join('\n');
  try {
    // The sink's port is given as "address::port" at delivery (a ":" list); in the file too, in
    // the fourth row. The last rows route to a host name (localhost at delivery), which a list
    // item of the same name matches.
    for (const [inFile, atDelivery, covered, smarthost, hostAtDelivery] of [
      ['192.0.2.1', '127.0.0.1', true, undefined, undefined],
      ['192.0.2.0/24', '127.0.0.0/24', true, undefined, undefined],
      ['192.0.2.9', '127.0.0.9', false, undefined, undefined],
      ['192.0.2.1', '127.0.0.1', true, '192.0.2.1::587', undefined],
      ['smtp.example.net', 'localhost', true, 'smtp.example.net', 'localhost'],
      ['*.example.net', '*.localdomain : localhost', true, 'smtp.example.net', 'localhost'],
      ['mx2.example.net', '127.0.0.9', false, 'smtp.example.net', 'localhost'],
    ] as const) {
      const path = join(dir, 'exim.conf');
      writeFileSync(path, config(inFile, smarthost), { mode: 0o644 });
      const sink = await startSmtpSink('notls');
      try {
        const macros: Record<string, string> = { REQUIRED: atDelivery };
        if (hostAtDelivery) macros.SMARTHOST = `${hostAtDelivery}::${sink.port}`;
        const result = await deliver(path, { port: sink.port, recipient: 'r@remote.example', macros, hostMacros: hostAtDelivery ? [] : undefined });
        assert.equal(result.outcome === 'DELIVERED_CLEAR', !covered, `hosts_require_tls = ${atDelivery}: ${result.outcome}\n${result.log}`);
      } finally {
        await sink.close();
      }
      assert.equal(reported(path), !covered, `hosts_require_tls = ${inFile}: the analyser ${covered ? 'reports' : 'does not report'} it`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('TLS on connect, required DANE and a named hostlist of every host keep mail out of clear text', async (t) => {
  if (!requireDeliveryHarness(t)) return;
  const dir = mkdtempSync(join(tmpdir(), 'exim-tls-coverage-'));
  chmodSync(dir, 0o755);
  try {
    for (const [options, covered, shows] of [
      [['protocol = smtps'], true, /TLS session: \(gnutls_handshake\)|gnutls_handshake/],
      [['protocol = SMTPS'], true, /gnutls_handshake/],
      [['protocol = smtps', 'hosts_avoid_tls = *'], true, /gnutls_handshake/],
      [['hosts_require_dane = *'], true, /DANE error/],
      [['hosts_try_dane = *'], false, undefined],
      [['hosts_require_tls = +tls_hosts'], true, /a TLS session is required/],
    ] as const) {
      const result = await deliverThroughSmarthost(dir, [...options], 'notls', ['hostlist tls_hosts = *']);
      assert.equal(result.outcome === 'DELIVERED_CLEAR', !covered, `${options}: ${result.outcome}\n${result.log}`);
      if (shows) assert.match(result.log, shows);
      assert.equal(reported(result.path), !covered, `${options}: the analyser ${covered ? 'reports' : 'does not report'} it`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a failed TLS-on-connect handshake is a tls_required error: the retry rule bounces it at once', async (t) => {
  if (!requireDeliveryHarness(t)) return;
  const dir = mkdtempSync(join(tmpdir(), 'exim-tls-coverage-'));
  chmodSync(dir, 0o755);
  try {
    const path = join(dir, 'exim.conf');
    const config = (retry: string[]) =>
      ['SMARTHOST = smtp.example.net', 'begin routers', 'gateway:', '  driver = manualroute', '  domains = ! example.org', '  transport = remote_smtp', '  route_list = * SMARTHOST byname', '  self = send', 'begin transports', 'remote_smtp:', '  driver = smtp', '  protocol = smtps', 'begin retry', ...retry, ''].join('\n');
    for (const [retry, outcome, codes] of [
      [['*   tls_required', '*   *   F,2h,15m'], 'BOUNCED', []],
      [['*   *   F,2h,15m'], 'DEFERRED', ['retry-tls-required-missing']],
    ] as const) {
      writeFileSync(path, config([...retry]), { mode: 0o644 });
      const sink = await startSmtpSink('notls');
      try {
        const result = await deliver(path, { port: sink.port, recipient: 'r@remote.example' });
        assert.equal(result.outcome, outcome, result.log);
      } finally {
        await sink.close();
      }
      const found = lintPath(path, nodeHost()).findings.filter((f) => /^(tls|retry-tls)-/.test(f.code)).map((f) => f.code);
      assert.deepEqual(found, [...codes]);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('hosts_avoid_tls with a hosts_require_tls that covers every host: no delivery at all, reported as an error', async (t) => {
  if (!requireDeliveryHarness(t)) return;
  const dir = mkdtempSync(join(tmpdir(), 'exim-tls-coverage-'));
  chmodSync(dir, 0o755);
  try {
    for (const [options, main] of [
      [['hosts_require_tls = $host_address', 'hosts_avoid_tls = 127.0.0.1'], []],
      [['hosts_require_tls = +tls_hosts', 'hosts_avoid_tls = 127.0.0.1'], ['hostlist tls_hosts = *']],
      [['hosts_require_tls = *', 'hosts_avoid_tls = 127.0.0.1'], []],
    ] as const) {
      const result = await deliverThroughSmarthost(dir, [...options, 'tls_tempfail_tryclear = false'], 'notls', [...main]);
      assert.notEqual(result.outcome, 'DELIVERED_CLEAR', `${options}: ${result.outcome}\n${result.log}`);
      assert.match(result.log, /a TLS session is required/);
      assert.equal(result.received.length, 0, `${options}: the sink got nothing`);
      const avoided = lintPath(result.path, nodeHost()).findings.filter((f) => f.code === 'tls-avoided');
      assert.deepEqual(
        avoided.map((f) => f.severity),
        ['error'],
        `${options}: ${result.outcome}\n${result.log}`,
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
