// DKIM signing settings against the real Exim: each case is an smtp transport that signs
// (a key made here), passes `exim -bV`, and delivers one message to a local SMTP sink;
// whether the message arrives signed, and what Exim logs, must match what
// dkim-setting-invalid says. Needs real Exim and root; fails under CI=true without them.
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { lintPath } from '../../server/src/core/service';
import { nodeHost } from '../../server/src/node/fsHost';
import { applyEdits } from '../../server/src/core/fixes/edits';
import { deliver, deliverThroughSmarthost, requireDeliveryHarness } from '../support/delivery';
import { startSmtpSink } from '../support/smtpSink';
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

test('a DKIM key file named from data of the message: Exim sends the message unsigned (or defers it with dkim_strict), and it is reported', async (t) => {
  if (!requireDeliveryHarness(t)) return;
  const dir = mkdtempSync(join(tmpdir(), 'exim-dkim-taint-'));
  chmodSync(dir, 0o755);
  try {
    // The probe message is "From: probe@probe.invalid"; the key is KEYS/probe.invalid.pem.
    const keys = join(dir, 'keys');
    mkdirSync(keys, { mode: 0o755 });
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 1024, privateKeyEncoding: { type: 'pkcs1', format: 'pem' }, publicKeyEncoding: { type: 'spki', format: 'pem' } });
    writeFileSync(join(keys, 'probe.invalid.pem'), privateKey, { mode: 0o644 });
    mkdirSync(join(keys, 'probe.invalid'), { mode: 0o755 });
    writeFileSync(join(keys, 'probe.invalid', 'dkim.pem'), privateKey, { mode: 0o644 });
    const fromHeader = '${lc:${domain:$h_from:}}';
    const wrong: string[] = [];
    // VestaCP and HestiaCP write the path in a macro that another macro tests.
    const panelMacros = [`DKIM_FILE = ${keys}/${fromHeader}/dkim.pem`, 'DKIM_PRIVATE_KEY = ${if exists{DKIM_FILE}{DKIM_FILE}{0}}'];
    for (const [options, signed, outcome, main] of [
      [['dkim_domain = probe.invalid', `dkim_private_key = ${keys}/\${dkim_domain}.pem`], true, 'DELIVERED_CLEAR'],
      [['dkim_domain = probe.invalid', 'dkim_private_key = DKIM_PRIVATE_KEY'], false, 'DELIVERED_CLEAR', panelMacros],
      [['dkim_domain = probe.invalid', `dkim_private_key = \${if exists\\\n    {${keys}/${fromHeader}.pem}\\\n    {${keys}/${fromHeader}.pem}{0}}`], false, 'DELIVERED_CLEAR'],
      [[`dkim_domain = ${fromHeader}`, `dkim_private_key = ${keys}/\${dkim_domain}.pem`], false, 'DELIVERED_CLEAR'],
      [['dkim_domain = probe.invalid', `dkim_private_key = \${if exists{${keys}/${fromHeader}.pem}{${keys}/${fromHeader}.pem}{0}}`], false, 'DELIVERED_CLEAR'],
      [[`dkim_domain = ${fromHeader}`, `dkim_private_key = ${keys}/\${lookup{\${dkim_domain}.pem}dsearch{${keys}}}`], true, 'DELIVERED_CLEAR'],
      // A directory per domain, as VestaCP and HestiaCP keep them.
      [['dkim_domain = probe.invalid', `dkim_private_key = \${if exists{${keys}/${fromHeader}/dkim.pem}{${keys}/${fromHeader}/dkim.pem}{0}}`], false, 'DELIVERED_CLEAR'],
      // dkim_strict defers ("DKIM: message could not be signed, and dkim_strict is set"); with no
      // retry rules in this configuration the deferred address then fails at once.
      [[`dkim_domain = ${fromHeader}`, `dkim_private_key = ${keys}/\${dkim_domain}.pem`, 'dkim_strict = true'], false, 'BOUNCED'],
    ] as const) {
      const result = await deliverThroughSmarthost(dir, ['dkim_selector = s1', ...options], 'notls', main ? [...main] : []);
      const name = options.join('; ');
      const wasSigned = result.received.some((m) => /^DKIM-Signature:/im.test(m.data));
      if (result.outcome !== outcome || wasSigned !== signed) wrong.push(`${name}: ${result.outcome}, ${wasSigned ? 'signed' : 'unsigned'}\n${result.log}`);
      if (!signed && !result.log.includes('Tainted filename')) wrong.push(`${name}: no "Tainted filename" in the log\n${result.log}`);
      const found = lintPath(result.path, nodeHost()).findings.filter((f) => f.code === 'tainted-data');
      if ((found.length > 0) === signed) wrong.push(`${name}: Exim ${signed ? 'signs' : 'does not sign'}, the analyser ${found.length ? 'reports' : 'does not report'} it`);
      if (outcome === 'BOUNCED' && !/dkim_strict is set\. Deferring/.test(result.log)) wrong.push(`${name}: not deferred by dkim_strict\n${result.log}`);
      if (found.length && !found[0].message.includes(outcome === 'BOUNCED' ? 'defer every delivery' : 'unsigned')) wrong.push(`${name}: ${found[0].message}`);
      // The quick fix names the key file through a dsearch lookup: then the message is signed.
      const fix = found[0]?.fixes?.[0];
      if (found.length && !fix) wrong.push(`${name}: no quick fix`);
      if (fix) {
        const fixed = join(dir, 'fixed.conf');
        writeFileSync(fixed, applyEdits(readFileSync(result.path, 'utf8'), fix.edits), { mode: 0o644 });
        const sink = await startSmtpSink('notls');
        try {
          const after = await deliver(fixed, { port: sink.port, recipient: 'r@remote.example' });
          const signedAfter = sink.messages.some((m) => /^DKIM-Signature:/im.test(m.data));
          if (!signedAfter || after.outcome !== 'DELIVERED_CLEAR') wrong.push(`${name}: after the fix (${fix.edits[0].newText}): ${after.outcome}, ${signedAfter ? 'signed' : 'unsigned'}\n${after.log}`);
        } finally {
          await sink.close();
        }
        if (lintPath(fixed, nodeHost()).findings.some((f) => f.code === 'tainted-data')) wrong.push(`${name}: still reported after the fix (${fix.edits[0].newText})`);
      }
    }
    assert.deepEqual(wrong, []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
