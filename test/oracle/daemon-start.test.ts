// Main options only the daemon reads, against the real Exim: for each case `exim -bV`
// accepts the configuration, a real daemon (test/support/daemon.ts: its own spool, logs and
// port on 127.0.0.1) shows whether it starts, and local-interfaces-invalid /
// daemon-ports-invalid must report exactly the cases where it does not. Needs real Exim and
// root; fails under CI=true without them.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { connect } from 'node:net';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { lintPath } from '../../server/src/core/service';
import { nodeHost } from '../../server/src/node/fsHost';
import { freePort, startDaemon } from '../support/daemon';
import { requireDeliveryHarness } from '../support/delivery';
import { findExim } from '../support/exim';

interface DaemonCases {
  /** The main settings for a value, given free ports (PORT and OTHER in the cases stand for them). */
  settings: (value: string, port: number) => string[];
  /** Each value, and whether the daemon refuses to start with it. */
  cases: [string, boolean][];
  /** Why the daemon stops, as it says. */
  refusal: RegExp;
  code: string;
}

async function checkDaemonStart(t: TestContext, c: DaemonCases): Promise<void> {
  if (!requireDeliveryHarness(t)) return;
  const exim = findExim()!;
  const dir = mkdtempSync(join(tmpdir(), 'exim-daemon-start-'));
  chmodSync(dir, 0o777);
  const wrong: string[] = [];
  try {
    for (const [value, refused] of c.cases) {
      const port = await freePort();
      const setting = value.replaceAll('PORT', String(port)).replaceAll('OTHER', String(await freePort()));
      const lines = ['primary_hostname = localhost', 'keep_environment =', `spool_directory = ${dir}/spool`, `log_file_path = ${dir}/%slog`, 'tls_advertise_hosts =', ...c.settings(setting, port)];
      const daemon = await startDaemon(exim, dir, lines);
      daemon.stop();
      const path = join(dir, 'exim.conf');
      const bv = spawnSync(exim, ['-C', path, '-bV'], { encoding: 'utf8', timeout: 30_000 });
      if (bv.status !== 0) wrong.push(`${setting}: exim -bV refuses it: ${bv.stderr}`);
      if (daemon.started === refused) wrong.push(`${setting}: the daemon ${daemon.started ? 'starts' : `does not start (${daemon.stderr.trim()})`}, the case says otherwise`);
      if (!daemon.started && !c.refusal.test(daemon.stderr)) wrong.push(`${setting}: the daemon stops for another reason: ${daemon.stderr.trim()}`);
      const reported = lintPath(path, nodeHost()).findings.some((f) => f.code === c.code);
      if (reported !== !daemon.started) wrong.push(`${setting}: the analyser ${reported ? 'reports' : 'does not report'} it`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  assert.deepEqual(wrong, []);
}

test('a local_interfaces item that is not an address stops the daemon, and is reported', async (t) => {
  // Only 127.0.0.1 is used: whether other addresses exist depends on the machine.
  await checkDaemonStart(t, {
    settings: (value, port) => [`daemon_smtp_ports = ${port}`, `local_interfaces = ${value}`],
    cases: [
      ['127.0.0.1', false],
      ['127.0.0.1.PORT', false],
      ['<; [127.0.0.1]:PORT', false],
      ['eth0', true],
      ['localhost', true],
      ['[127.0.0.1]:PORT', true],
      ['<; 127.0.0.1 ; lo', true],
      ['127.0.0.1.x', true],
    ],
    refusal: /Malformed IP address/,
    code: 'local-interfaces-invalid',
  });
});

test('a daemon_smtp_ports item that is not a port stops the daemon, and is reported', async (t) => {
  await checkDaemonStart(t, {
    settings: (value) => ['local_interfaces = 127.0.0.1', `daemon_smtp_ports = ${value}`],
    cases: [
      ['PORT', false],
      ['PORT : OTHER', false],
      ['<, PORT, OTHER', false],
      [' PORT :', false],
      ['PORT,OTHER', true],
      ['PORT OTHER', true],
      ['PORT/tcp', true],
      ['PORTx', true],
      ['PORT : -1', true],
    ],
    refusal: /invalid SMTP port|TCP port ".*" not found/,
    code: 'daemon-ports-invalid',
  });
});

/** Whether something accepts a TCP connection on 127.0.0.1:port. */
function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port }, () => {
      socket.destroy();
      resolve(true);
    });
    socket.on('error', () => resolve(false));
    socket.setTimeout(2_000, () => {
      socket.destroy();
      resolve(false);
    });
  });
}

test('a daemon_smtp_ports number read as octal or beyond 16 bits makes the daemon listen elsewhere, and is reported', async (t) => {
  if (!requireDeliveryHarness(t)) return;
  const exim = findExim()!;
  const dir = mkdtempSync(join(tmpdir(), 'exim-daemon-ports-'));
  chmodSync(dir, 0o777);
  const wrong: string[] = [];
  try {
    for (const [write, reported] of [
      [(p: number) => String(p), false],
      [(p: number) => `0${p.toString(8)}`, true],
      [(p: number) => String(p + 65536), true],
      [(p: number) => `0x${p.toString(16)}`, false],
    ] as const) {
      const port = await freePort();
      const value = write(port);
      const lines = ['primary_hostname = localhost', 'keep_environment =', `spool_directory = ${dir}/spool`, `log_file_path = ${dir}/%slog`, 'tls_advertise_hosts =', 'local_interfaces = 127.0.0.1', `daemon_smtp_ports = ${value}`];
      const daemon = await startDaemon(exim, dir, lines);
      try {
        if (!daemon.started) wrong.push(`${value}: the daemon does not start (${daemon.stderr.trim()})`);
        else if (!(await listening(port))) wrong.push(`${value}: the daemon does not listen on port ${port}`);
      } finally {
        daemon.stop();
      }
      const findings = lintPath(join(dir, 'exim.conf'), nodeHost()).findings.filter((f) => f.code === 'daemon-ports-invalid');
      if ((findings.length > 0) !== reported) wrong.push(`${value}: the analyser ${findings.length ? `says ${findings[0].message}` : 'says nothing'}`);
      else if (reported && !new RegExp(`listens on port ${port}$`).test(findings[0].message)) wrong.push(`${value}: the analyser names another port: ${findings[0].message}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  assert.deepEqual(wrong, []);
});
