// DKIM signing settings against the real Exim: each case is an smtp transport that signs
// (a key made here), passes `exim -bV`, and delivers one message to a local SMTP sink;
// whether the message arrives signed, and what Exim logs, must match what
// dkim-setting-invalid says. Needs real Exim and root; fails under CI=true without them.
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { lintPath } from '../../server/src/core/service';
import { nodeHost } from '../../server/src/node/fsHost';
import { deliverThroughSmarthost, requireDeliveryHarness } from '../support/delivery';
import { eximValidate, findExim } from '../support/exim';

/** The setting, then what Exim does: signs, sends unsigned, or defers (the transport crashes). */
const CASES: [string, 'signed' | 'unsigned' | 'deferred', string | undefined][] = [
  ['dkim_hash = sha512', 'signed', undefined],
  ['dkim_hash = SHA256', 'unsigned', 'warning'],
  ['dkim_hash = md5', 'unsigned', 'warning'],
  ['dkim_canon = simple', 'signed', undefined],
  ['dkim_canon = relaxed/simple', 'signed', 'information'],
  ['dkim_sign_headers = From:To', 'signed', undefined],
  ['dkim_sign_headers = :', 'deferred', 'warning'],
  ['dkim_private_key = dkim/example.org.key', 'deferred', 'warning'],
];

test('DKIM settings Exim cannot use are reported with what they do', async (t) => {
  if (!requireDeliveryHarness(t)) return;
  const exim = findExim()!;
  const dir = mkdtempSync(join(tmpdir(), 'exim-dkim-'));
  chmodSync(dir, 0o755);
  const key = join(dir, 'dkim.pem');
  writeFileSync(key, generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }));
  chmodSync(key, 0o644);
  const wrong: string[] = [];
  try {
    for (const [setting, outcome, severity] of CASES) {
      // A setting of dkim_private_key replaces the one made here.
      const keyOption = setting.startsWith('dkim_private_key') ? [] : [`dkim_private_key = ${key}`];
      const result = await deliverThroughSmarthost(dir, ['dkim_domain = example.org', 'dkim_selector = s1', ...keyOption, setting], 'notls');
      const verdict = eximValidate(result.path, exim);
      assert.equal(verdict.ok, true, `${setting}: ${verdict.raw}`);
      const got = result.outcome === 'DEFERRED' ? 'deferred' : result.received.some((m) => /^DKIM-Signature:/im.test(m.data)) ? 'signed' : 'unsigned';
      if (got !== outcome) wrong.push(`${setting}: Exim ${got === 'deferred' ? 'defers' : `sends it ${got}`}, the case says ${outcome}:\n${result.log}`);
      const findings = lintPath(result.path, nodeHost()).findings.filter((f) => f.code === 'dkim-setting-invalid');
      if (findings.map((f) => f.severity).join() !== (severity ?? '')) wrong.push(`${setting}: the analyser says ${findings.map((f) => `${f.severity} ${f.message}`).join('; ') || 'nothing'}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  assert.deepEqual(wrong, []);
});
