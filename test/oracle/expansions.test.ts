// The expansion reader against the real Exim: each string is expanded with `exim -be`,
// which fails on syntax (unknown items, operators, conditions and variables, braces,
// argument counts) before it does anything; the reader must find a problem exactly when
// Exim fails. Strings that fail only at run time (a lookup that finds nothing, an ACL that
// does not exist) are not in the list.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { scanExpansion } from '../../server/src/core/syntax/expansion';
import { requireExim } from '../support/exim';

const ACCEPTED = [
  '${lc:abc}',
  '${if eq{a}{b}{y}{n}}',
  '${if and{{eq{a}{a}}{eq{b}{b}}}{y}{n}}',
  '${if or{{eq{a}{b}}{eq{a}{a}}}}',
  '${hmac{md5}{x}{y}}',
  '$domain',
  '${domain}',
  '$h_subject:',
  '$acl_m0',
  '${acl_m_x}',
  '${sg{a}{b}{c}}',
  '${if def:h_X-Spam:{y}{n}}',
  '${if !eq{a}{b}{y}}',
  '${if ={1}{1}{y}}',
  '${if >={1}{1}{y}}',
  '${l_3:abcdef}',
  '${hash_3:abcdef}',
  '${sha2_256:x}',
  '${extract{1}{:}{a:b}}',
  '${map{a:b}{<$item>}}',
  '${reduce{a:b}{}{$value$item}}',
  '${filter{a:b}{eq{$item}{a}}}',
  '${sort{3:1:2}{<}{$item}}',
  '${if forany{a:b}{eq{$item}{a}}}',
  '${if match{abc}{\\N^a.c$\\N}{y}}',
  'a \\$ b',
  '${tr{abc}{a}{b}}',
  '${substr{1}{2}{abcd}}',
  '${length{2}{abcd}}',
  '${if isip {1.2.3.4} {y}{n}}',
  '${if eq {$sender_host_address}{}{y}{n}}',
  '${expand:$domain}',
  '${quote_mysql:x}',
  '${if inlist{a}{a:b}}',
  '${eval:1+1}',
  '${randint:10}',
  '${if bool{true}}',
  '${tod_log}',
  '$1',
  '${1}',
  '${address:a@b}',
  '${if match_ip{1.2.3.4}{1.2.3.0/24}}',
  '${if eq{a}{b} {y} {n} }',
  '${lookup dnsdb{>: mx=example.invalid}{$value}}',
  '${if first_delivery{y}{n}}',
  '${if eq{a}{y}{n}}',
];

const REFUSED = [
  '${lc:abc',
  '${lcx:abc}',
  '${if eqq{a}{b}{y}{n}}',
  '${if and{eq{a}{a}}{y}}',
  '${hmac{md5}{x}}',
  '${tr{a}{b}{c}{d}}',
  '$domian',
  '${domian}',
  '${h_subject:}',
  '${sg{a}{b}}',
  '${if def:domian{y}{n}}',
  '${lookup{x}lsearch{/etc/aliases}',
  '${if match{abc}{^a.c$}{y}}',
  'a $ b',
  '${length_x:abc}',
  '${if eq{a}{b}{y}{n}{z}}',
  '${ if eq{a}{b}{y}}',
  '$acl_mx',
  '${if eq{a}}',
  '${hash}',
];

test('the expansion reader finds a problem exactly where exim -be fails', (t) => {
  const exim = requireExim(t);
  if (!exim) return;
  const dir = mkdtempSync(join(tmpdir(), 'exim-be-'));
  try {
    const conf = join(dir, 'exim.conf');
    writeFileSync(conf, 'qualify_domain = example.org\nkeep_environment =\n');
    const all = [...ACCEPTED, ...REFUSED];
    const r = spawnSync(exim, ['-C', conf, '-be'], { input: all.join('\n') + '\n', encoding: 'utf8', timeout: 60_000 });
    const answers = r.stdout.split(/^> /m).slice(1);
    assert.equal(answers.length >= all.length, true, r.stdout + r.stderr);
    const wrong: string[] = [];
    all.forEach((s, i) => {
      const eximFails = answers[i].startsWith('Failed:');
      const expected = i >= ACCEPTED.length;
      if (eximFails !== expected) wrong.push(`exim ${eximFails ? 'fails' : 'accepts'} ${s}: ${answers[i].trim()} (the list says otherwise)`);
      const problems = scanExpansion(s).problems;
      if ((problems.length > 0) !== eximFails) wrong.push(`${s}: exim ${eximFails ? `fails (${answers[i].trim()})` : 'accepts it'}, the reader ${problems.length ? `says ${problems.map((p) => p.message).join('; ')}` : 'finds nothing'}`);
    });
    assert.deepEqual(wrong, []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
