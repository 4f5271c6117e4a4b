// Authenticator server_condition values against the real Exim: for each case a plaintext
// authenticator passes `exim -bV`, an SMTP session under `exim -bh` (nothing is delivered)
// sends AUTH PLAIN, and Exim's answer must match what the analyser says: 435 for
// auth-condition-invalid, 235 or 535 for auth-condition-constant, and no finding for a
// condition that depends on the credentials.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { lintPath } from '../../server/src/core/service';
import { nodeHost } from '../../server/src/node/fsHost';
import { eximValidate, requireExim } from '../support/exim';

const CASES: [string, '235' | '535' | '435', string | undefined][] = [
  ['foo', '435', 'auth-condition-invalid'],
  ['01', '435', 'auth-condition-invalid'],
  ['"yes "', '435', 'auth-condition-invalid'],
  ['YES', '235', 'auth-condition-constant'],
  ['1', '235', 'auth-condition-constant'],
  ['false', '535', 'auth-condition-constant'],
  ['${if eq{$auth3}{secret}}', '535', undefined],
  ['${if eq{$auth3}{p}}', '235', undefined],
];

test('server_condition values are reported as Exim answers AUTH with them', (t) => {
  const exim = requireExim(t);
  if (!exim) return;
  const dir = mkdtempSync(join(tmpdir(), 'exim-auth-runtime-'));
  const wrong: string[] = [];
  try {
    CASES.forEach(([condition, answer, code], i) => {
      const path = join(dir, `${i}.conf`);
      const lines = ['primary_hostname = example.org', 'keep_environment =', 'auth_advertise_hosts = *', 'begin authenticators', 'plain:', '  driver = plaintext', '  public_name = PLAIN', '  server_prompts = :', `  server_condition = ${condition}`, '  server_set_id = $auth2', ''];
      writeFileSync(path, lines.join('\n'));
      const verdict = eximValidate(path, exim);
      assert.equal(verdict.ok, true, `${condition}: ${verdict.raw}`);
      // AUTH PLAIN with user "u" and password "p".
      const r = spawnSync(exim, ['-C', path, '-bh', '192.0.2.1'], { input: 'EHLO x.example\r\nAUTH PLAIN AHUAcA==\r\nQUIT\r\n', encoding: 'utf8', timeout: 30_000 });
      const got = /^(235|535|435) /m.exec(r.stdout)?.[1];
      if (got !== answer) wrong.push(`${condition}: Exim answers ${got ?? r.stdout}, the case says ${answer}`);
      const codes = lintPath(path, nodeHost()).findings.map((f) => f.code).filter((c) => c.startsWith('auth-condition'));
      if (JSON.stringify(codes) !== JSON.stringify(code ? [code] : [])) wrong.push(`${condition}: the analyser says ${codes.join(', ') || 'nothing'}`);
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  assert.deepEqual(wrong, []);
});
