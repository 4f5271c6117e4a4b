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
import { isIpAddress } from '../../server/src/core/util/ipAddress';
import { scanExpansion } from '../../server/src/core/syntax/expansion';
import { requireExim } from '../support/exim';

/** What `exim -be` answers for each string, in order (one session, a minimal configuration). */
function expandAll(exim: string, strings: readonly string[]): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'exim-be-'));
  try {
    const conf = join(dir, 'exim.conf');
    writeFileSync(conf, 'qualify_domain = example.org\nkeep_environment =\n');
    const r = spawnSync(exim, ['-C', conf, '-be'], { input: strings.join('\n') + '\n', encoding: 'utf8', timeout: 60_000 });
    const answers = r.stdout.split(/^> /m).slice(1);
    assert.equal(answers.length >= strings.length, true, r.stdout + r.stderr);
    return answers;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const ACCEPTED = [
  '${lc:abc}',
  // quote_ with a lookup type this Exim has (any of them), and ldap's _dn form; quote_local_part
  // is an operator of its own (found in real configurations: Exim's default received_header_text).
  '${quote_local_part:john doe}',
  '${mask_n:192.168.1.7/24}',
  '${quote_mysql:x}',
  '${quote_lsearch:x}',
  '${quote_ldap_dn:x}',
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
  // Read as Exim reads them (lookups inside a branch Exim skips: it checks them without looking up).
  '${if match_domain{a}{$nosuch}{y}{n}}',
  '${if match_local_part{a}{$}{y}{n}}',
  '${if match_address{a@b}{${lc:x}}{y}{n}}',
  '${r_a-b}',
  '${acl_m_a-b}',
  '${acl_c-}',
  '${s_-1:abc}',
  '${substr_-2_1:abcdef}',
  '$auth03',
  '${regex01}',
  '${if def:h_subj}ect: {y}{n}}',
  '${if def:h_subject }',
  '${if eq{1}{2}{${lookup{foo} lsearch,ret=}key{/f}}}{}}',
  '${if eq{1}{2}{${lookup{x}partial2-lsearch*@{/f}}}{}}',
  '${if eq{1}{2}{${lookup{x}partial(*.)lsearch{/f}}}{}}',
  '${if eq{1}{2}{${lookup dnsdb{a=example.org}}}{}}',
  '${if eq{1}{2}{${lookup passwd{root}}}{}}',
  '${if eq{1}{1}{y}fail}',
  '${extract{a}{a=1}{y}fail}',
  '${extract{1}{:}{a:b}{y}fail}',
  '${listextract{1}{a:b}{y}fail}',
  '${sort{3:1:2}{gei}{$item}}',
  '${sort{3:1:2}{lt x}{$item}}',
  '${sort{3:1:2} {<=} {$item}}',
  '${prvscheck{a}{b}}',
  '${certextract{subject}{$tls_in_peercert}}',
  '${length{ 3}{abc}}',
  '${substr{-1}{2}{abc}}',
  '${listextract{-1}{a}}',
  '${if bool{ yes }}',
  '${if bool{-5}}',
  '${sg{a.b}{\\.}{x}}',
  '${if match{x}{\\N^\\[SPAM\\]\\N}}',
  '${hmac{sha1}{key}{text}}',
  // Not checked where Exim skips it.
  '${if eq{1}{2}{${hmac{sha256}{key}{text}}}{}}',
  // A lookup type that comes with SPF support, not in exim -bV's list of lookups.
  '${if eq{1}{2}{${lookup{192.0.2.1}spf{example.org}}}{}}',
  '${lookup{root}lsearch{/etc/passwd}{y}{n}}',
  '${lookup{root}lsearch,ret=key{/etc/passwd}{y}{n}}',
  '${if eq{1}{2}{${lookup{root}lsearch{etc/passwd}}}{}}',
];

const NUMBERS_ACCEPTED = ['${if <{1k}{2}{y}{n}}', '${if <{ 1 }{2}{y}{n}}', '${if <{}{2}{y}{n}}', '${if <{010}{9}{y}{n}}', '${if <{-1}{+2}{y}{n}}', '${if >={1G }{2M}{y}{n}}', '${if <{-9223372036854775808}{2}{y}{n}}', '${if <{9223372036854775807}{2}{y}{n}}'];

const REFUSED = [
  // Exim wants a letter or digit after "${".
  '${_if >{25}{0}}',
  '${_x}',
  '${quote_bogus:root}',
  '${quote_MYSQL:x}',
  '${quote_:x}',
  '${quote_mysql_x:y}',
  '${lc:abc',
  '${lcx:abc}',
  '${if eqq{a}{b}{y}{n}}',
  '${if and{eq{a}{a}}{y}}',
  '${hmac{md5}{x}}',
  '${hmac{sha256}{key}{text}}',
  '${hmac{MD5}{key}{text}}',
  // A relative lookup file is opened from Exim's working directory; options inside the braces are part of the name.
  '${lookup{root}lsearch{etc/passwd}{y}{n}}',
  '${lookup{root}lsearch{ret=key{/etc/passwd}}{y}{n}}',
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
  '$H_subject:',
  '$Rh_To:',
  '${if def:h_subject}',
  '${if def:{y}}',
  '${l:abc}',
  '${nh:abc}',
  '${substr_1_-2:x}',
  '$auth0',
  '$regex010',
  '${if eq{1}{2}{${lookup{x}nosuch{y}}}{}}',
  '${if eq{1}{2}{${lookup{x}partialx-lsearch{y}}}{}}',
  '${if eq{1}{2}{${lookup partial-dnsdb{a=x}}}{}}',
  '${if eq{1}{2}{${lookup dnsdb*{a=x}}}{}}',
  '${if eq{1}{2}{${lookup{x}dnsdb{a=x}}}{}}',
  '${if eq{1}{2}{${lookup lsearch{/f}}}{}}',
  '${if eq{a}{b}{y}{n}fail}',
  '${if eq{a}{b} fail}',
  '${if eq{a}{b}{y}failx}',
  '${sg{a}{b}{c}fail}',
  '${extract{a}{a=1}{y}{n}{z}}',
  '${sort{3:1:2}{eq}{$item}}',
  '${sort{3:1:2}{$x}{$item}}',
  '${sort{3:1:2}{<}{$item} }',
  '${run,foo{/bin/true}}',
  '${prvscheck{a}}',
  '${certextract{subject}{x}}',
  '${certextract{subject}{$domain}}',
  '${certextract{subject}{$tls_peercert}}',
  '${length{3 }{abc}}',
  '${if eq{1}{2}{${substr{x}{abc}}}}',
  '${nhash{3}{x}{abc}}',
  '${listextract{+1}{a}}',
  '${imapfolder{a}{ab}}',
  '${if bool{1.0}}',
  '${if def:1}',
  '${sg{abc}{\\x28}{x}}',
  '${if match{x}{a\\\\}}',
];

test('the expansion reader finds a problem exactly where exim -be fails', (t) => {
  const exim = requireExim(t);
  if (!exim) return;
  const accepted = [...ACCEPTED, ...NUMBERS_ACCEPTED];
  const all = [...accepted, ...REFUSED];
  const answers = expandAll(exim, all);
  const wrong: string[] = [];
  all.forEach((s, i) => {
    const eximFails = answers[i].startsWith('Failed:');
    const expected = i >= accepted.length;
    if (eximFails !== expected) wrong.push(`exim ${eximFails ? 'fails' : 'accepts'} ${s}: ${answers[i].trim()} (the list says otherwise)`);
    // An escaped brace that shifts the arguments is a warning about a string Exim expands.
    // exim -be has no message, so no data is tainted there: taint is measured with -bh
    // sessions and deliveries (acl-runtime, delivery-runtime). A list cut at its first "}"
    // gives a wrong result rather than a failure (its own test below).
    const problems = scanExpansion(s).problems.filter((p) => p.kind !== 'escaped-brace' && p.kind !== 'tainted' && p.kind !== 'list-cut');
    if ((problems.length > 0) !== eximFails) wrong.push(`${s}: exim ${eximFails ? `fails (${answers[i].trim()})` : 'accepts it'}, the reader ${problems.length ? `says ${problems.map((p) => p.message).join('; ')}` : 'finds nothing'}`);
  });
  assert.deepEqual(wrong, []);
});

/** Broken yes/no strings and numbers, where the reader says what Exim says, word for word. */
const YES_NO = [
  '${if eq{a}{a}x}',
  '${if exists{/etc/x}${lookup{a}lsearch{/etc/x}}{1}}',
  '${if eq{a}{a}{y}x}',
  '${if eq{a}{a}{y}$x}',
  '${if eq{a}{a}{y}{n}x}',
  '${if eq{a}{a}{y}fail x}',
  '${lookup{a}lsearch{/etc/hostname}x}',
  '${lookup{a}lsearch{/etc/hostname}{y}x}',
  // Numbers compared: a macro that is not defined stays a word.
  '${if <={$message_size}{SIZ_LIMIT}{y}{n}}',
  '${if <{ SIZ}{2}{y}{n}}',
  '${if <{0x10}{2}{y}{n}}',
  '${if ={1.5}{2}{y}{n}}',
  '${if <{1 k}{2}{y}{n}}',
  '${if <{1}{2x}{y}{n}}',
  '${if <{99999999999999999999}{2}{y}{n}}',
  '${if <{9223372036854775808}{2}{y}{n}}',
  '${if <{9999999999999999g}{2}{y}{n}}',
];

test('broken yes/no strings and numbers get the words exim -be uses', (t) => {
  const exim = requireExim(t);
  if (!exim) return;
  const answers = expandAll(exim, YES_NO);
  const wrong: string[] = [];
  YES_NO.forEach((s, i) => {
    const exims = /^Failed: (.*)$/m.exec(answers[i] ?? '')?.[1];
    const ours = scanExpansion(s).problems[0]?.message;
    if (exims === undefined || ours !== exims) wrong.push(`${s}: exim says ${exims ?? answers[i]}, the reader says ${ours}`);
  });
  assert.deepEqual(wrong, []);
});

/** Strings for `${if isip{...}}`, Exim's string_is_ip_address(), which util/ipAddress.ts follows. */
const IP_CANDIDATES = [
  '127.0.0.1', '127.0.0.01', '127.1', '0.0.0.0', '255.255.255.255', '256.0.0.1', '01.2.3.4', '1.2.3.4.', '1.2.3.4/24', '[1.2.3.4]', 'eth0', 'localhost', '',
  '::1', '::', ':::', ':1', '1:', '::ffff:1.2.3.4', 'fe80::1%eth0', 'fe80::1%', 'FE80::1', '1:2:3:4:5:6:7:8', '1:2:3:4:5:6:7:8:9', '1::2::3', 'abcd::12345',
  '1:2:3:4:5:6:1.2.3.4', '1:2:3:4:5:6:7:1.2.3.4', '1:2:3:4:5:6::1.2.3.4', '::1.2.3', '0001:2::3', '00000::1', 'g::1', '1:2:3:4:5:6:7::', '::1:2:3:4:5:6:7', '1:2:3:4:5:6:7:8::',
];

test('IP addresses are read as exim -be\'s isip condition reads them', (t) => {
  const exim = requireExim(t);
  if (!exim) return;
  const answers = expandAll(exim, IP_CANDIDATES.map((a) => `\${if isip{${a}}{yes}{no}}`)).map((a) => a.trim());
  const wrong = IP_CANDIDATES.filter((a, i) => (answers[i] === 'yes') !== isIpAddress(a)).map((a) => `${a}: exim says ${answers[IP_CANDIDATES.indexOf(a)]}`);
  assert.deepEqual(wrong, []);
  // Both answers are in the sample.
  assert.ok(answers.filter((a) => a === 'yes').length > 10 && answers.filter((a) => a === 'no').length > 10);
});

test('an escaped "}" followed by "{" in an argument: Exim expands it, with the arguments moved; dropping the backslash gives another result', (t) => {
  const exim = requireExim(t);
  if (!exim) return;
  const cases = ['${if match {no}{\\N^no\\N\\}{yes}{no}}', '${if match {abc\\}{x}{no}{yes}}', '${if eq {a\\}{b}{a}{yes}}'];
  const fixed = cases.map((c) => c.replace('\\}{', '}{'));
  const answers = expandAll(exim, [...cases, ...fixed]);
  const wrong: string[] = [];
  cases.forEach((s, i) => {
    const [as, bs] = [answers[i].trim(), answers[i + cases.length].trim()];
    if (as.startsWith('Failed:') || bs.startsWith('Failed:') || as === bs) wrong.push(`${s}: exim gives ${JSON.stringify(as)}, without the backslash ${JSON.stringify(bs)}`);
    const kinds = scanExpansion(s).problems.map((p) => p.kind);
    if (kinds.join() !== 'escaped-brace') wrong.push(`${s}: the reader says ${kinds.join(', ') || 'nothing'}`);
    if (scanExpansion(fixed[i]).problems.length) wrong.push(`${fixed[i]}: the reader finds a problem`);
  });
  assert.deepEqual(wrong, []);
});

test('an expansion in the list of match_domain and friends is cut at its first "}": Exim gives a wrong result or fails, the reader says so', (t) => {
  const exim = requireExim(t);
  if (!exim) return;
  const cases = ['${if match_domain{a.b}{${lc:a.b}}{yes}{no}}', '${if match_local_part{ab}{${lc:ab}}{yes}{no}}', '${if match_address{a@b}{${lc:a@b}}{yes}{no}}'];
  // match_ip tries the cut list as a host list and fails.
  const failing = ['${if match_ip{1.2.3.4}{${tr{1.2.3.4}{a}{a}}}{yes}{no}}', '${if match_ip{1.2.3.4}{<; ${lc:1.2.3.4}}{yes}{no}}'];
  // A variable without braces is expanded with the item as it is matched.
  const plain = ['${if match_domain{a.b}{$qualify_domain : a.b}{yes}{no}}'];
  const answers = expandAll(exim, [...cases, ...plain, ...failing]);
  const wrong: string[] = [];
  failing.forEach((s, i) => {
    const answer = answers[cases.length + plain.length + i];
    if (!/^Failed: unable to complete match against/.test(answer)) wrong.push(`${s}: exim gives ${answer.trim()}`);
    if (!scanExpansion(s).problems.some((p) => p.kind === 'list-cut')) wrong.push(`${s}: the reader says nothing`);
  });
  cases.forEach((s, i) => {
    if (answers[i].trim() !== 'true{yes}{no}}') wrong.push(`${s}: exim gives ${answers[i].trim()}`);
    if (!scanExpansion(s).problems.some((p) => /is read as it is written, not expanded first/.test(p.message))) wrong.push(`${s}: the reader says nothing`);
  });
  if (answers[cases.length].trim() !== 'yes') wrong.push(`${plain[0]}: exim gives ${answers[cases.length].trim()}`);
  if (scanExpansion(plain[0]).problems.length) wrong.push(`${plain[0]}: the reader finds a problem`);
  assert.deepEqual(wrong, []);
});
