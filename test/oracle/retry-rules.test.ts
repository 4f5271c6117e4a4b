// Which retry rule Exim picks, against the real Exim: `exim -brt ADDRESS ERROR` prints the
// rule that applies (nothing is delivered). The analyser must say when a "* tls_required"
// rule is shadowed by an earlier rule, and when a rule's pattern cannot be expanded (Exim
// then skips the rule).
import assert from 'node:assert/strict';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { lintPath } from '../../server/src/core/service';
import { nodeHost } from '../../server/src/node/fsHost';
import { eximValidate, requireExim } from '../support/exim';

interface Case {
  rules: string[];
  /** The address -brt asks about, with the error tls_required. */
  address: string;
  /** The first word of the rule Exim picks. */
  picks: string;
  /** Codes the analyser must report (of the three checked here). */
  codes: string[];
}

const CASES: Case[] = [
  { rules: ['*   tls_required', '*   *   F,2h,15m'], address: 'u@other.example', picks: '*', codes: [] },
  { rules: ['!example.com   *   F,2h,15m', '*   tls_required', '*   *   F,2h,15m'], address: 'u@other.example', picks: '!example.com', codes: ['retry-tls-required-shadowed'] },
  { rules: ['!example.com   *   F,2h,15m', '*   tls_required', '*   *   F,2h,15m'], address: 'u@example.com', picks: '*', codes: ['retry-tls-required-shadowed'] },
  { rules: ['example.com   *   F,2h,15m', '*   tls_required', '*   *   F,2h,15m'], address: 'u@other.example', picks: '*', codes: [] },
  // A regular expression that matches everything is a catch-all tls_required rule too...
  { rules: ['^.*\\$   tls_required', '*   *   F,2h,15m'], address: 'u@other.example', picks: '^.*\\$', codes: [] },
  { rules: ['\\N^.*$\\N   tls_required', '*   *   F,2h,15m'], address: 'u@other.example', picks: '\\N^.*$\\N', codes: [] },
  { rules: ['^.*   tls_required', '*   *   F,2h,15m'], address: 'u@other.example', picks: '^.*', codes: [] },
  // ...but one whose "$" fails to expand is skipped, and TLS failures wait under the catch-all.
  { rules: ['^.*$   tls_required', '*   *   F,2h,15m'], address: 'u@other.example', picks: '*', codes: ['expansion-syntax', 'retry-tls-required-missing'] },
  // "!+name" names an address list; without one, Exim skips the rule, which shadows nothing.
  { rules: ['!+local_domains   *   F,2h,15m', '*   tls_required', '*   *   F,2h,15m'], address: 'u@other.example', picks: '*', codes: ['named-list-undefined'] },
  // "+name" is an address list too, and local_domains a domain list: the rule is skipped even
  // for its own domains; "*@+name" names the domain list.
  { rules: ['+local_domains   *   F,1h,10m', '*   tls_required', '*   *   F,2h,15m'], address: 'u@example.org', picks: '*', codes: ['named-list-undefined'] },
  { rules: ['*@+local_domains   *   F,1h,10m', '*   tls_required', '*   *   F,2h,15m'], address: 'u@example.org', picks: '*@+local_domains', codes: [] },
  { rules: ['*@+remote_domains   *   F,1h,10m', '*   tls_required', '*   *   F,2h,15m'], address: 'u@example.org', picks: '*', codes: ['named-list-undefined'] },
  { rules: ['*   *   F,2h,15m'], address: 'u@other.example', picks: '*', codes: ['retry-tls-required-missing'] },
];

test('the retry rule Exim picks for a TLS failure, and what the analyser says of the rules', (t) => {
  const exim = requireExim(t);
  if (!exim) return;
  const dir = mkdtempSync(join(tmpdir(), 'exim-retry-'));
  const wrong: string[] = [];
  try {
    for (const c of CASES) {
      const path = join(dir, 'exim.conf');
      // A transport that requires TLS, so that a missing tls_required rule is reported.
      writeFileSync(path, ['domainlist local_domains = example.org', 'begin transports', 't:', '  driver = smtp', '  hosts_require_tls = *', '  tls_tempfail_tryclear = false', 'begin retry', ...c.rules, ''].join('\n'));
      assert.equal(eximValidate(path, exim).ok, true);
      const r = spawnSync(exim, ['-C', path, '-brt', c.address, 'tls_required'], { encoding: 'utf8', timeout: 30_000 });
      const picked = /^Retry rule: (\S+)/m.exec(r.stdout)?.[1];
      if (picked !== c.picks) wrong.push(`${c.rules.join(' / ')} for ${c.address}: Exim picks "${picked}" (${(r.stdout + r.stderr).trim()}), the case says "${c.picks}"`);
      const codes = lintPath(path, nodeHost()).findings.map((f) => f.code).filter((x) => ['retry-tls-required-shadowed', 'retry-tls-required-missing', 'expansion-syntax', 'named-list-undefined'].includes(x));
      if ([...codes].sort().join() !== [...c.codes].sort().join()) wrong.push(`${c.rules.join(' / ')}: the analyser says ${codes.join(', ') || 'nothing'}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  assert.deepEqual(wrong, []);
});

test('rewrite rules Exim skips (a pattern naming no address list, a pattern that fails to expand) are reported', (t) => {
  const exim = requireExim(t);
  if (!exim) return;
  const dir = mkdtempSync(join(tmpdir(), 'exim-rewrite-'));
  const lists = ['domainlist old_domains = old.example', 'addresslist old_addresses = *@old.example'];
  try {
    const path = join(dir, 'exim.conf');
    // [rule, whether Exim rewrites u@old.example with it, what Exim says when it skips it, the code reported then]
    for (const [rule, rewritten, says, code] of [
      ['+old_domains   new@new.example   F', false, /unknown named address list "\+old_domains"/, 'named-list-undefined'],
      ['*@+old_domains   new@new.example   F', true, undefined, undefined],
      ['+old_addresses   new@new.example   F', true, undefined, undefined],
      ['^(.*)@old\\.example$   new@new.example   F', false, /failed to expand/, 'expansion-syntax'],
      ['\\N^(.*)@old\\.example$\\N   new@new.example   F', true, undefined, undefined],
      ['^(.*)@old\\.example\\$   new@new.example   F', true, undefined, undefined],
    ] as const) {
      writeFileSync(path, [...lists, 'begin rewrite', rule, ''].join('\n'));
      assert.equal(eximValidate(path, exim).ok, true);
      const r: SpawnSyncReturns<string> = spawnSync(exim, ['-C', path, '-brw', 'u@old.example'], { encoding: 'utf8', timeout: 30_000 });
      assert.equal(/^env-from: new@new\.example$/m.test(r.stdout), rewritten, `${rule}: ${r.stdout}${r.stderr}`);
      if (says) assert.match(r.stdout + r.stderr, says);
      const codes = lintPath(path, nodeHost()).findings.map((f) => f.code).filter((c) => c === 'named-list-undefined' || c === 'expansion-syntax');
      assert.deepEqual(codes, code ? [code] : [], `${rule}: the analyser says ${codes.join(', ') || 'nothing'}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
