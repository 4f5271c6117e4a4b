// The options the content-scanning ACL conditions read, against the real Exim: for each case
// `exim -bV` accepts the configuration, and an SMTP session under `exim -bh` (nothing is
// delivered) runs the condition in the DATA ACL with no scanner listening. A usable setting
// only fails to connect; one Exim cannot use is logged as such (spam.c, malware.c), and
// spamd-address-invalid / av-scanner-invalid must report exactly those.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { lintPath } from '../../server/src/core/service';
import { nodeHost } from '../../server/src/node/fsHost';
import { eximIds } from '../support/delivery';
import { eximValidate, requireExim } from '../support/exim';

const SESSION = 'EHLO x.example\r\nMAIL FROM:<a@b.example>\r\nRCPT TO:<u@example.org>\r\nDATA\r\nSubject: t\r\n\r\nbody\r\n.\r\nQUIT\r\n';

/** A private spool the conditions write the message to (owned by exim's user), or undefined when skipped. */
function privateSpool(t: TestContext, exim: string): { dir: string; spool: string } | undefined {
  if (process.getuid?.() !== 0) {
    if (process.env.CI === 'true') throw new Error('the content-scanning tests need root under CI=true (a private spool owned by exim)');
    t.skip('needs root: the conditions write the message to a private spool owned by exim');
    return undefined;
  }
  const dir = mkdtempSync(join(tmpdir(), 'exim-scan-'));
  chmodSync(dir, 0o755);
  const spool = join(dir, 'spool');
  mkdirSync(spool);
  const { uid, gid } = eximIds(exim);
  chownSync(spool, uid, gid);
  return { dir, spool };
}

/** Runs the DATA ACL statement with the main setting; returns Exim's output and whether the rule reports the setting. */
function run(exim: string, dir: string, spool: string, setting: string, statement: string, code: string): { output: string; reported: boolean } {
  const path = join(dir, 'exim.conf');
  const conf = ['primary_hostname = example.org', 'keep_environment =', `spool_directory = ${spool}`, setting, 'acl_smtp_rcpt = accept', 'acl_smtp_data = data', 'begin acl', 'data:', `  ${statement}`, '  accept', ''];
  writeFileSync(path, conf.join('\n'));
  const verdict = eximValidate(path, exim);
  assert.equal(verdict.ok, true, `${setting}: ${verdict.raw}`);
  const r = spawnSync(exim, ['-C', path, '-bh', '192.0.2.1'], { input: SESSION, encoding: 'utf8', timeout: 30_000 });
  return { output: r.stdout + r.stderr, reported: lintPath(path, nodeHost()).findings.some((f) => f.code === code) };
}

interface Forms {
  option: string;
  /** The DATA ACL statement that reads the option. */
  statement: string;
  /** What the session shows when the statement ran. */
  ran: RegExp;
  /** What Exim logs when it cannot use (part of) the setting. */
  unusable: RegExp;
  code: string;
  /** The values to try; Exim must log `unusableCount` of them as unusable (so the sample has both kinds). */
  values: string[];
  unusableCount: number;
}

/** Runs each value in its own session; the analyser must report exactly the ones Exim logs as unusable. */
function checkForms(t: TestContext, forms: Forms): void {
  const exim = requireExim(t);
  if (!exim) return;
  const where = privateSpool(t, exim);
  if (!where) return;
  const { dir, spool } = where;
  const wrong: string[] = [];
  let unusable = 0;
  try {
    for (const value of forms.values) {
      const { output, reported } = run(exim, dir, spool, `${forms.option} = ${value}`, forms.statement, forms.code);
      if (!forms.ran.test(output)) wrong.push(`${forms.option} = ${value}: the condition did not run:\n${output}`);
      const logged = forms.unusable.test(output);
      if (logged) unusable++;
      if (logged !== reported) wrong.push(`${forms.option} = ${value}: Exim ${logged ? 'cannot use (part of) it' : 'uses it'}, the analyser ${reported ? 'reports' : 'does not report'} it`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  assert.deepEqual(wrong, []);
  assert.equal(unusable, forms.unusableCount);
}

test('spamd_address forms the spam condition cannot use are reported, and only those', (t) => {
  // Nothing listens on port 783, so a usable server fails to connect ("Connection refused")
  // and one Exim cannot use is logged as such (spam.c) before any connection.
  checkForms(t, {
    option: 'spamd_address',
    statement: 'warn spam = nobody',
    ran: /spam acl condition/,
    unusable: /invalid spamd|no useable spamd|invalid socket|no IP address found for host :/,
    code: 'spamd-address-invalid',
    values: [
      '127.0.0.1 783',
      '/var/run/spamd.sock',
      '127.0.0.1 783 : 127.0.0.2 783',
      '127.0.0.1 783 variant=rspamd tmo=10s pri=1 weight=2',
      '127.0.0.1 783 weight=0',
      '127.0.0.1 783 time=0-24',
      '<; ::1 783',
      '127.0.0.1:783',
      '127.0.0.1',
      'relative/sock',
      '',
      '127.0.0.1 bogus',
      '::1 783',
      '127.0.0.1 783 foo=bar',
      '127.0.0.1 783 tmo=30',
      '127.0.0.1 783 retry=abc',
      '127.0.0.1 783 time=bogus',
      '127.0.0.1 783 : 127.0.0.2',
    ],
    unusableCount: 11,
  });
});

test('av_scanner forms the malware condition cannot use are reported, and only those', (t) => {
  // No scanner listens, so a usable setting fails to connect; one Exim cannot use is logged
  // as such (malware.c), or connects to port 0 (a port that is not a number). "sock" is left
  // out: Exim connects before it reads the rest of its setting.
  checkForms(t, {
    option: 'av_scanner',
    statement: 'warn malware = *',
    ran: /check malware = \*/,
    unusable: /unknown scanner type|configuration variable is empty|missing port|no useable server|bad option|invalid socket|missing trigger|missing virus name|regular expression error|cmdline {2}: NULL|\]:0 :|no IP address found for host \//,
    code: 'av-scanner-invalid',
    values: [
      'clamd:/var/run/clamav/clamd.ctl',
      'clamd:127.0.0.1 3310',
      'clamd: 127.0.0.1 3310 : 127.0.0.2 3310',
      'clamd:/var/run/clamav/clamd.ctl:local',
      'clamd:127.0.0.1 3310:local',
      'clamd',
      'ClamD:/var/run/clamav/clamd.ctl',
      'sophie:/var/run/sophie',
      'fsecure:/var/run/.fsav',
      'drweb:/usr/local/drweb/run/drwebd.sock',
      'drweb:127.0.0.1 3000',
      'f-protd:localhost 10200-10204',
      'avast:/var/run/avast/scan.sock:FLAGS -fullfiles',
      'cmdline:/bin/true %s:found:(.+)',
      'clamd:127.0.0.1:3310',
      'clamd:relative/sock',
      'clamd:localhost',
      'clamd:local',
      'clamd:127.0.0.1 bogus',
      'clamd:127.0.0.1 3310 foo',
      // A server Exim cannot reach beside a usable one: skipped, the other is used.
      'clamd:127.0.0.1 3310 : /run/clamd.sock retry=5s',
      'clamd:127.0.0.1 3310 : 127.0.0.1 abc',
      'clamd:/tmp/c.sock retry=bogus',
      'clamav:/var/run/clamav/clamd.ctl',
      'kavdaemon:/var/run/AvpCtl',
      'f-protd:localhost',
      'drweb:127.0.0.1',
      'cmdline:/bin/true %s',
      'cmdline:/bin/true %s:(:x',
      'cmdline',
      '',
    ],
    unusableCount: 17,
  });
});
