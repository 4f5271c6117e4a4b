// ACL checks that only a running ACL shows, against the real Exim: for each case the
// configuration passes `exim -bV`, an SMTP session under `exim -bh` (nothing is delivered)
// shows whether Exim refuses the statement (a 451 and the logged reason), and the analyser
// must report the rule exactly for the refused ones. Spot checks of the measured tables
// (data/exim-acl-placement.json, the control, verify, condition and time readers).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { applyEdits } from '../../server/src/core/fixes/edits';
import { lintPath } from '../../server/src/core/service';
import { nodeHost } from '../../server/src/node/fsHost';
import { eximValidate, requireExim } from '../support/exim';

interface Case {
  /** acl_smtp_* option that runs the ACL. */
  option: string;
  statement: string;
  /** The rule that must report it when Exim refuses it, or undefined when Exim runs it. */
  code?: string;
}

const CASES: Case[] = [
  { option: 'acl_smtp_mail', statement: 'warn domains = example.org', code: 'acl-misplaced' },
  { option: 'acl_smtp_rcpt', statement: 'warn domains = example.org' },
  { option: 'acl_smtp_connect', statement: 'warn add_header = X-T: 1', code: 'acl-misplaced' },
  { option: 'acl_smtp_rcpt', statement: 'warn add_header = X-T: 1' },
  { option: 'acl_smtp_quit', statement: 'require condition = no', code: 'acl-misplaced' },
  { option: 'acl_smtp_mail', statement: 'warn verify = recipient', code: 'acl-misplaced' },
  { option: 'acl_smtp_rcpt', statement: 'warn control = no_multiline_respones', code: 'acl-control-invalid' },
  { option: 'acl_smtp_rcpt', statement: 'warn control = no_multiline_responses' },
  // Options of controls: each control reads its own, and some ignore what they do not know.
  { option: 'acl_smtp_rcpt', statement: 'warn control = queue_only/first_pass_route' },
  { option: 'acl_smtp_rcpt', statement: 'warn control = queue_only/' },
  { option: 'acl_smtp_rcpt', statement: 'warn control = debug/' },
  { option: 'acl_smtp_rcpt', statement: 'warn control = freeze/no_tell' },
  { option: 'acl_smtp_rcpt', statement: 'warn control = freeze/tell', code: 'acl-control-invalid' },
  { option: 'acl_smtp_rcpt', statement: 'warn control = submission/domain=example.org/name=Mail Robot' },
  { option: 'acl_smtp_rcpt', statement: 'warn control = submission/domain=example.org/retain', code: 'acl-control-invalid' },
  { option: 'acl_smtp_rcpt', statement: 'warn control = utf8_downconvert/-1' },
  { option: 'acl_smtp_rcpt', statement: 'warn control = utf8_downconvert/2', code: 'acl-control-invalid' },
  { option: 'acl_smtp_rcpt', statement: 'warn control = no_pipelining/', code: 'acl-control-invalid' },
  { option: 'acl_smtp_rcpt', statement: 'warn verify = recipient/callout=10', code: 'acl-verify-invalid' },
  { option: 'acl_smtp_rcpt', statement: 'warn verify = recipient/defer_ok' },
  { option: 'acl_smtp_rcpt', statement: 'deny condition = foo', code: 'acl-condition-invalid' },
  { option: 'acl_smtp_rcpt', statement: 'deny condition = 00' },
  { option: 'acl_smtp_rcpt', statement: 'deny condition = $sender_helo_name is empty', code: 'acl-condition-invalid' },
  { option: 'acl_smtp_rcpt', statement: 'deny condition = ${if eq{$sender_helo_name}{}}{yes}{no}}', code: 'acl-condition-invalid' },
  { option: 'acl_smtp_rcpt', statement: 'deny condition = ${if eq{$sender_helo_name}{x}{yes}{no}}' },
  { option: 'acl_smtp_rcpt', statement: 'deny condition = ${if eq{$sender_helo_name}{x}}' },
  { option: 'acl_smtp_rcpt', statement: 'deny condition = ${if eq{$sender_helo_name}{x}{1}{0}}0' },
  { option: 'acl_smtp_rcpt', statement: 'warn delay = 1', code: 'acl-argument-invalid' },
  { option: 'acl_smtp_rcpt', statement: 'warn delay = 0s' },
  { option: 'acl_smtp_rcpt', statement: 'warn udpsend = 127.0.0.1 9 hello', code: 'acl-argument-invalid' },
  { option: 'acl_smtp_rcpt', statement: 'warn udpsend = 127.0.0.1 : discard : hello', code: 'acl-argument-invalid' },
  { option: 'acl_smtp_rcpt', statement: 'warn udpsend = 127.0.0.1 : 9 : hello' },
  { option: 'acl_smtp_rcpt', statement: 'warn logwrite = :main,Reject: hello', code: 'acl-log-name-unknown' },
  { option: 'acl_smtp_rcpt', statement: 'warn logwrite = :main,reject: hello' },
  { option: 'acl_smtp_rcpt', statement: 'deny log_reject_target = main, reject', code: 'acl-log-name-unknown' },
  { option: 'acl_smtp_rcpt', statement: 'deny log_reject_target = main : reject' },
  { option: 'acl_smtp_rcpt', statement: 'deny domains = +local_domains extra', code: 'named-list-undefined' },
  { option: 'acl_smtp_rcpt', statement: 'deny domains = + local_domains', code: 'named-list-undefined' },
  { option: 'acl_smtp_rcpt', statement: 'deny domains = <; +local_domains ;; x', code: 'named-list-undefined' },
  { option: 'acl_smtp_rcpt', statement: 'deny domains = +local_domains', code: 'named-list-undefined' },
  { option: 'acl_smtp_rcpt', statement: 'deny senders = +caseful : A@b.example' },
  { option: 'acl_smtp_rcpt', statement: 'deny local_parts = +caseful : X' },
  { option: 'acl_smtp_rcpt', statement: 'deny ratelimit = 10k / 1h / strict / strict' },
  { option: 'acl_smtp_rcpt', statement: 'deny ratelimit = / 1h / count=' },
  { option: 'acl_smtp_rcpt', statement: 'deny ratelimit = 100 / 1h / PER_RCPT / per_mail', code: 'acl-argument-invalid' },
  { option: 'acl_smtp_mail', statement: 'deny ratelimit = 100 / 1h / per_rcpt / strict', code: 'acl-misplaced' },
  { option: 'acl_smtp_mail', statement: 'deny ratelimit = 100 / 1h / PER_RCPT' },
  { option: 'acl_smtp_rcpt', statement: 'deny ratelimit = 100 / 1h / per_rcpt / leaky' },
  { option: 'acl_smtp_helo', statement: 'deny ratelimit = 100 / 1h / per_mail / leaky', code: 'acl-misplaced' },
  { option: 'acl_smtp_helo', statement: 'deny ratelimit = 100 / 1h / per_mail / noupdate / strict' },
  { option: 'acl_smtp_rcpt', statement: 'warn acl = Sub', code: 'acl-undefined' },
  { option: 'acl_smtp_rcpt', statement: 'warn acl = sub' },
];

const SESSION = 'HELO x.example\r\nMAIL FROM:<a@b.example>\r\nRCPT TO:<x@example.org>\r\nQUIT\r\n';

test('ACL statements Exim refuses only when it runs them are reported, and only those', (t) => {
  const exim = requireExim(t);
  if (!exim) return;
  const dir = mkdtempSync(join(tmpdir(), 'exim-acl-runtime-'));
  const wrong: string[] = [];
  try {
    CASES.forEach((c, i) => {
      const path = join(dir, `${i}.conf`);
      const acls = ['acl_smtp_connect', 'acl_smtp_helo', 'acl_smtp_mail', 'acl_smtp_rcpt', 'acl_smtp_quit'];
      const options = acls.map((o) => `${o} = ${o === c.option ? 'test' : 'pass'}`);
      writeFileSync(path, ['primary_hostname = example.org', 'keep_environment =', ...options, 'begin acl', 'sub:', '  accept', 'pass:', '  accept', 'test:', `  ${c.statement}`, '  accept', ''].join('\n'));
      const verdict = eximValidate(path, exim);
      assert.equal(verdict.ok, true, `${c.statement}: ${verdict.raw}`);
      const r = spawnSync(exim, ['-C', path, '-bh', '192.0.2.1'], { input: SESSION, encoding: 'utf8', timeout: 30_000 });
      // A refused statement answers 451; in the QUIT ACL the answer stays 221, and only the log
      // says, as it does for a log name Exim does not know.
      const refused = /^451 /m.test(r.stdout) || /may not fail|unknown log name/.test(r.stdout + r.stderr);
      if (refused !== (c.code !== undefined)) wrong.push(`${c.option} "${c.statement}": Exim ${refused ? 'refuses' : 'runs'} it, the case says otherwise:\n${r.stdout}${r.stderr}`);
      const codes = lintPath(path, nodeHost()).findings.map((f) => f.code);
      if (c.code && !codes.includes(c.code)) wrong.push(`${c.option} "${c.statement}": no ${c.code} finding (${codes.join(', ')})`);
      if (!c.code) {
        const extra = codes.filter((x) => x.startsWith('acl-'));
        if (extra.length) wrong.push(`${c.option} "${c.statement}": Exim runs it, the analyser says ${extra.join(', ')}`);
      }
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  assert.deepEqual(wrong, []);
});

/**
 * Writes a configuration whose ACL "r" (named by the `main` lines) holds `statements` then
 * "accept", runs an SMTP session on it under exim -bh, and lints it: Exim's output and the
 * analyser's codes.
 */
function runAcl(exim: string, dir: string, main: string[], statements: string[], session = SESSION): { output: string; codes: string[] } {
  const path = join(dir, 'exim.conf');
  writeFileSync(path, ['primary_hostname = example.org', 'keep_environment =', ...main, 'begin acl', 'r:', ...statements.map((st) => `  ${st}`), '  accept', ''].join('\n'));
  const r = spawnSync(exim, ['-C', path, '-bh', '192.0.2.1'], { input: session, encoding: 'utf8', timeout: 30_000 });
  return { output: r.stdout + r.stderr, codes: lintPath(path, nodeHost()).findings.map((f) => f.code) };
}

test('remove_header lists that remove nothing as written are reported, and only those', (t) => {
  const exim = requireExim(t);
  if (!exim) return;
  const dir = mkdtempSync(join(tmpdir(), 'exim-remove-header-'));
  // The size Exim logs for the received message shows whether a header went.
  const session = 'HELO x.example\r\nMAIL FROM:<a@b.example>\r\nRCPT TO:<u@example.org>\r\nDATA\r\nFrom: a@b.example\r\nX-Rm: 1\r\nX-Other: 2\r\n\r\nbody\r\n.\r\nQUIT\r\n';
  const size = (statement: string) => {
    const { output, codes } = runAcl(exim, dir, ['acl_smtp_rcpt = accept', 'acl_smtp_data = r'], [statement], session);
    return { size: Number(/ S=(\d+)/.exec(output)?.[1]), reported: codes.includes('acl-remove-header-ineffective') };
  };
  const wrong: string[] = [];
  try {
    const full = size('warn logwrite = nothing removed').size;
    for (const value of ['X-Rm', 'x-rm : X-Other', 'X-Rm:', '<; X-Rm ; X-Other', '<, X-Rm', 'X-R*', '^X-R.*', 'X Rm']) {
      const { size: got, reported } = size(`warn remove_header = ${value}`);
      const removed = got < full;
      if (reported === removed) wrong.push(`remove_header = ${value}: Exim ${removed ? 'removes a header' : 'removes nothing'} (S=${got}, ${full} without), the analyser ${reported ? 'reports' : 'does not report'} it`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  assert.deepEqual(wrong, []);
});

test('add_header lines Exim turns into X-ACL-Warn headers are reported, and only those', (t) => {
  const exim = requireExim(t);
  if (!exim) return;
  const dir = mkdtempSync(join(tmpdir(), 'exim-add-header-'));
  const wrong: string[] = [];
  let warnedCases = 0;
  try {
    for (const value of ['X-Test: one', 'no colon here', 'X Test: v', ':at_start:X-A: v', ':AT_END:no colon', 'X-A: 1\\nX-B: 2', 'X-A: 1\\nbad line', 'X-A: 1\\n\\tcontinued', '-: v', ':at_start:', ':at_end:\\n', 'X-A: 1\\n', '\\nX-A: 1']) {
      const { output, codes } = runAcl(exim, dir, ['acl_smtp_rcpt = r'], [`warn add_header = ${value}`, 'warn logwrite = ADDED[$headers_added]']);
      const warned = /X-ACL-Warn:/.test(/LOG: ADDED\[[\s\S]*?\]/.exec(output)?.[0] ?? '');
      const reported = codes.includes('acl-add-header-not-header');
      if (warned) warnedCases++;
      if (warned !== reported) wrong.push(`add_header = ${value}: Exim ${warned ? 'adds an X-ACL-Warn header' : 'adds it as written'}, the analyser ${reported ? 'reports' : 'does not report'} it`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  assert.deepEqual(wrong, []);
  // The sample has both kinds.
  assert.equal(warnedCases, 6);
});

test('dnslists domains Exim logs as strange are reported, and only those', (t) => {
  const exim = requireExim(t);
  if (!exim) return;
  const dir = mkdtempSync(join(tmpdir(), 'exim-dnslists-'));
  const wrong: string[] = [];
  try {
    // No DNS is needed: Exim logs the domain before it looks anything up.
    for (const value of ['zen.example = 127.0.0.2', 'zen.example =127.0.0.2', 'zen+x.example', 'zen.ex ample', 'zen.example=127.0.0.2', 'zen_x.example', 'ZEN.Example.', 'zen.example,txt.example', 'zen.example&0.0.0.2', '<; a.example ; b .example']) {
      const { output, codes } = runAcl(exim, dir, ['acl_smtp_rcpt = r'], [`deny dnslists = ${value}`]);
      const logged = /contains strange characters/.test(output);
      const reported = codes.includes('acl-dnslist-domain-strange');
      if (logged !== reported) wrong.push(`dnslists = ${value}: Exim ${logged ? 'logs strange characters' : 'logs nothing'}, the analyser ${reported ? 'reports' : 'does not report'} it`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  assert.deepEqual(wrong, []);
});

test('host list items that end the list without a match (a leading dot, a malformed address) are reported', (t) => {
  const exim = requireExim(t);
  if (!exim) return;
  const dir = mkdtempSync(join(tmpdir(), 'exim-host-items-'));
  const wrong: string[] = [];
  // The client is 192.0.2.1. Each case: whether Exim matches it, what Exim says of the list,
  // and the rule that must report the case (none when Exim reads the list as meant).
  const cases: [string, boolean, RegExp, string | undefined][] = [
    ['192.0.2.1', true, /yes \(matched/, undefined],
    ['192.0.2.9 : 192.0.2.1', true, /yes \(matched/, undefined],
    ['192.0.2.0/24', true, /yes \(matched/, undefined],
    ['<; 2001:db8::/32 ; 192.0.2.1', true, /yes \(matched/, undefined],
    ['.example.net : 192.0.2.1', false, /failed to find IP address for \.example\.net/, 'host-list-leading-dot'],
    ['! .example.net : 192.0.2.1', false, /failed to find IP address for \.example\.net/, 'host-list-leading-dot'],
    ['+ignore_unknown : .example.net : 192.0.2.1', true, /yes \(matched "192\.0\.2\.1"/, undefined],
    ['+include_unknown : .example.net : 192.0.2.9', true, /yes/, 'host-list-leading-dot'],
    ['192.0.2/24 : 192.0.2.1', false, /malformed IPv4 address or address mask/, 'host-list-address-malformed'],
    ['10.0.0.0/8 ; 192.0.2.1', false, /malformed IPv4 address or address mask/, 'host-list-address-malformed'],
    ['192.0.2.1/24x', false, /malformed IPv4 address or address mask/, 'host-list-address-malformed'],
    ['192.0.2.1 ; 10.0.0.0', false, /list match deferred/, 'list-lookup-invalid'],
  ];
  try {
    for (const [value, matches, says, code] of cases) {
      const { output, codes } = runAcl(exim, dir, ['acl_smtp_rcpt = r'], [`warn hosts = ${value}`, '     logwrite = MATCHED']);
      const matched = /LOG: MATCHED/.test(output);
      const answer = /host in ".*"\? .*/.exec(output)?.[0] ?? '';
      if (matched !== matches || !says.test(answer)) wrong.push(`hosts = ${value}: Exim says ${answer}${matched ? ' and matches' : ''}; the case says otherwise`);
      const ours = codes.filter((c) => ['host-list-leading-dot', 'host-list-address-malformed', 'list-lookup-invalid'].includes(c));
      if (ours.join() !== (code ?? '')) wrong.push(`hosts = ${value}: the analyser says ${ours.join(', ') || 'nothing'}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  assert.deepEqual(wrong, []);
});

test('an ACL named by an expansion is used: no unused-acl for the ACLs it may pick', (t) => {
  const exim = requireExim(t);
  if (!exim) return;
  const dir = mkdtempSync(join(tmpdir(), 'exim-acl-dynamic-'));
  try {
    const path = join(dir, 'exim.conf');
    writeFileSync(
      path,
      ['primary_hostname = example.org', 'keep_environment =', 'acl_smtp_rcpt = rcpt_${if eq{$sender_host_address}{192.0.2.1}{strict}{open}}', 'begin acl', 'rcpt_strict:', '  deny message = picked by the expansion', 'rcpt_open:', '  accept', 'leftover:', '  accept', ''].join('\n'),
    );
    assert.equal(eximValidate(path, exim).ok, true);
    const r = spawnSync(exim, ['-C', path, '-bh', '192.0.2.1'], { input: SESSION, encoding: 'utf8', timeout: 30_000 });
    assert.match(r.stdout, /^550 picked by the expansion/m);
    const unused = lintPath(path, nodeHost()).findings.filter((f) => f.code === 'unused-acl').map((f) => f.message);
    assert.deepEqual(unused, ['ACL "leftover" is not used: no acl_smtp_* option, "acl =" condition or ${acl} expansion names it']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('an ACL that calls itself with nothing changed is stopped as a loop, and reported; one that sets a variable first is not', (t) => {
  const exim = requireExim(t);
  if (!exim) return;
  const dir = mkdtempSync(join(tmpdir(), 'exim-acl-loop-'));
  const wrong: string[] = [];
  try {
    for (const [acls, loops] of [
      [['r:', '  accept acl = r'], true],
      [['r:', '  warn hosts = 192.0.2.9', '  accept acl = other', 'other:', '  accept acl = r'], true],
      // The second call finds acl_m_seen set, and the first statement ends the recursion.
      [['r:', '  accept condition = ${if def:acl_m_seen{yes}{no}}', '  warn set acl_m_seen = 1', '  accept acl = r'], false],
      // An argument may end it too.
      [['r:', '  accept condition = ${if eq{$acl_arg1}{2}}', '  accept acl = r 2'], false],
    ] as const) {
      const path = join(dir, 'exim.conf');
      writeFileSync(path, ['primary_hostname = example.org', 'keep_environment =', 'acl_smtp_rcpt = r', 'begin acl', ...acls, ''].join('\n'));
      assert.equal(eximValidate(path, exim).ok, true);
      const r = spawnSync(exim, ['-C', path, '-bh', '192.0.2.1'], { input: SESSION, encoding: 'utf8', timeout: 30_000 });
      const stopped = /ACL nested too deep: possible loop/.test(r.stdout + r.stderr) && /^451 /m.test(r.stdout);
      if (stopped !== loops) wrong.push(`${acls.join(' | ')}: Exim ${stopped ? 'stops it as a loop' : 'runs it'}, the case says otherwise:\n${r.stdout}${r.stderr}`);
      const reported = lintPath(path, nodeHost()).findings.some((f) => f.code === 'acl-loop');
      if (reported !== stopped) wrong.push(`${acls.join(' | ')}: Exim ${stopped ? 'stops it as a loop' : 'runs it'}, the analyser ${reported ? 'reports' : 'does not report'} it`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  assert.deepEqual(wrong, []);
});

test('a list lookup whose file is not absolute stops the process, and is reported', (t) => {
  const exim = requireExim(t);
  if (!exim) return;
  const dir = mkdtempSync(join(tmpdir(), 'exim-list-file-'));
  const wrong: string[] = [];
  try {
    writeFileSync(join(dir, 'hosts'), '192.0.2.1\n');
    for (const [file, stops] of [
      ['etc/hosts', true],
      [join(dir, 'hosts'), false],
    ] as const) {
      const { output, codes } = runAcl(exim, dir, ['acl_smtp_rcpt = r'], [`warn hosts = net-lsearch;${file}`, '     logwrite = LISTED']);
      // The process dies at RCPT: no answer to it, nor to QUIT.
      const died = /failed to open etc\/hosts for linear search/.test(output) && !/^221 /m.test(output);
      if (died !== stops) wrong.push(`hosts = net-lsearch;${file}: Exim ${died ? 'stops' : 'goes on'}, the case says otherwise:\n${output}`);
      if (codes.includes('list-lookup-invalid') !== stops) wrong.push(`hosts = net-lsearch;${file}: the analyser says ${codes.join(', ') || 'nothing'}`);
    }
    const path = join(dir, 'exim.conf');
    writeFileSync(path, ['domainlist local_domains = lsearch;etc/domains', 'begin routers', 'r:', '  driver = redirect', '  domains = +local_domains', '  data = :blackhole:', ''].join('\n'));
    const r = spawnSync(exim, ['-C', path, '-bt', 'u@example.org'], { encoding: 'utf8', timeout: 30_000 });
    assert.match(r.stdout + r.stderr, /PANIC DIE[\s\S]*failed to open etc\/domains for linear search/);
    assert.ok(lintPath(path, nodeHost()).findings.some((f) => f.code === 'list-lookup-invalid'));
    // A file named after data of the message: refused as tainted, and the process dies too.
    for (const [list, dies] of [
      [`lsearch;${dir}/$domain`, true],
      [`lsearch;${dir}/$domain_data`, false],
      // Picked by an expansion, as a list a file per mailbox gives.
      [`\${if exists{${dir}/$domain}{lsearch;${dir}/$domain}{}}`, true],
      [`\${if exists{${dir}/$domain}{lsearch;${dir}/$domain_data}{}}`, false],
    ] as const) {
      writeFileSync(join(dir, 'example.org'), 'u\n');
      writeFileSync(path, ['begin routers', 'r:', '  driver = redirect', '  domains = example.org', `  local_parts = ${list}`, '  data = :blackhole:', ''].join('\n'));
      const bt = spawnSync(exim, ['-C', path, '-bt', 'u@example.org'], { encoding: 'utf8', timeout: 30_000 });
      const died = /Tainted filename for search/.test(bt.stdout + bt.stderr) && /PANIC DIE/.test(bt.stdout + bt.stderr);
      if (died !== dies) wrong.push(`local_parts = ${list}: Exim ${died ? 'dies' : 'goes on'}, the case says otherwise:\n${bt.stdout}${bt.stderr}`);
      if (lintPath(path, nodeHost()).findings.some((f) => f.code === 'list-lookup-invalid') !== dies) wrong.push(`local_parts = ${list}: the analyser ${dies ? 'does not report' : 'reports'} it`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  assert.deepEqual(wrong, []);
});

test('a sqlite lookup that names its file in a query with data of the message fails; the fix (file=) works', (t) => {
  const exim = requireExim(t);
  if (!exim) return;
  const dir = mkdtempSync(join(tmpdir(), 'exim-sqlite-file-'));
  try {
    // An empty file is an empty SQLite database (Exim opens it read-only: it must exist).
    const db = join(dir, 'grey.db');
    writeFileSync(db, '', { mode: 0o644 });
    chmodSync(dir, 0o755);
    const statements = (lookup: string) => [`deny condition = ${lookup}`, '     message = found'];
    // The Exim wiki's greylisting, shortened: the file (through a macro) starts the query.
    const main = ['acl_smtp_rcpt = r', `GREYDB = ${db}`];
    const tainted = "${lookup sqlite {GREYDB SELECT 1 WHERE '${quote_sqlite:$sender_helo_name}' <> ''}{yes}{no}}";
    const refused = runAcl(exim, dir, main, statements(tainted));
    assert.match(refused.output, /Tainted filename for search/);
    assert.match(refused.output, /^451 /m);
    assert.ok(refused.codes.includes('tainted-data'), refused.codes.join(', '));
    // The quick fix moves the file into a file= option, macro and all; Exim then runs the query.
    const path = join(dir, 'exim.conf');
    const finding = lintPath(path, nodeHost()).findings.find((f) => f.code === 'tainted-data')!;
    assert.equal(finding.fixes?.[0].title, 'Name the file in a file= option: sqlite,file=GREYDB');
    const fixed = applyEdits(readFileSync(path, 'utf8'), finding.fixes![0].edits);
    assert.ok(fixed.includes("${lookup sqlite,file=GREYDB {SELECT 1 WHERE '${quote_sqlite:$sender_helo_name}' <> ''}{yes}{no}}"), fixed);
    writeFileSync(path, fixed);
    const r = spawnSync(exim, ['-C', path, '-bh', '192.0.2.1'], { input: SESSION, encoding: 'utf8', timeout: 30_000 });
    assert.doesNotMatch(r.stdout + r.stderr, /Tainted/);
    assert.match(r.stdout, /^550 found/m);
    assert.ok(!lintPath(path, nodeHost()).findings.some((f) => f.code === 'tainted-data'));
    // Without data of the message in the query, the file at its start is fine.
    const plain = runAcl(exim, dir, main, statements('${lookup sqlite {GREYDB SELECT 1}{yes}{no}}'));
    assert.match(plain.output, /^550 found/m);
    assert.ok(!plain.codes.includes('tainted-data'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('taint goes through ACL variables and the operators and items that pass data on, not through digests', (t) => {
  const exim = requireExim(t);
  if (!exim) return;
  const dir = mkdtempSync(join(tmpdir(), 'exim-acl-taint-'));
  chmodSync(dir, 0o755);
  // The sender's local part is "1", so numeric operators have a number to work on.
  const session = 'HELO x.example\r\nMAIL FROM:<1@b.example>\r\nRCPT TO:<x@example.org>\r\nQUIT\r\n';
  const data = '$sender_address_local_part';
  const wrong: string[] = [];
  try {
    for (const [value, tainted] of [
      [data, true],
      [`\${lc:${data}}`, true],
      [`\${hash{20}{62}{${data}}}`, true],
      [`\${sg{${data}}{x}{y}}`, true],
      [`\${sg{abc}{${data}}{y}}`, false],
      [`\${tr{abc}{a}{${data}}}`, false],
      [`\${listextract{1}{${data}}}`, true],
      // ${if}: data in a yes or no string reaches the result, data in the condition does not.
      [`\${if def:sender_address_local_part{${data}}{x}}`, true],
      [`\${if eq{${data}}{1}{a}{b}}`, false],
      [`\${if and{{eq{${data}}{1}}{def:sender_address}}{a}{b}}`, false],
      [`\${quote_sqlite:${data}}`, true],
      [`\${md5:${data}}`, false],
      [`\${sha256:${data}}`, false],
      [`\${nhash_5:${data}}`, false],
      [`\${eval:${data}+1}`, false],
      [`\${strlen:${data}}`, false],
      ['constant', false],
    ] as const) {
      // The variable is set in one statement and used in a file name in the next.
      const { output, codes } = runAcl(exim, dir, ['acl_smtp_rcpt = r'], [`warn set acl_m_v = ${value}`, `warn logwrite = \${readfile{${dir}/f$acl_m_v}{}}`], session);
      const refused = /Tainted filename/.test(output);
      if (refused !== tainted) wrong.push(`set acl_m_v = ${value}: Exim ${refused ? 'refuses' : 'opens'} the file, the case says otherwise:\n${output}`);
      if (codes.includes('tainted-data') !== tainted) wrong.push(`set acl_m_v = ${value}: the analyser says ${codes.join(', ') || 'nothing'}`);
    }
    // ${expand:...} refuses data of the message; ${mask:...} stops the process (no answer to RCPT).
    const expand = runAcl(exim, dir, ['acl_smtp_rcpt = r'], [`warn set acl_m_v = \${expand:${data}}`], session);
    assert.match(expand.output, /attempt to expand tainted string/);
    assert.ok(expand.codes.includes('tainted-data'), expand.codes.join(', '));
    const mask = runAcl(exim, dir, ['acl_smtp_rcpt = r'], [`warn set acl_m_v = \${mask:192.0.2.${data}/24}`], session);
    assert.match(mask.output, /Taint mismatch/);
    assert.doesNotMatch(mask.output, /^250 Accepted/m);
    assert.ok(mask.codes.includes('tainted-data'), mask.codes.join(', '));
    const clean = runAcl(exim, dir, ['acl_smtp_rcpt = r'], ['warn set acl_m_v = ${mask:$sender_host_address/24}'], session);
    assert.match(clean.output, /^250 Accepted/m);
    assert.ok(!clean.codes.includes('tainted-data'), clean.codes.join(', '));
    // An ACL variable whose data went through the lookup's quote operator stays quoted in the query.
    const ldap = (value: string) => runAcl(exim, dir, ['acl_smtp_rcpt = r', 'ldap_default_servers = 127.0.0.1::1'], [`warn set acl_c_q = ${value}`, 'warn set acl_m_r = ${lookup ldap{ldap:///o=$acl_c_q?cn?sub}{y}{n}}'], session);
    const unquoted = ldap(`cn=${data}`);
    assert.match(unquoted.output, /not properly quoted/);
    assert.ok(unquoted.codes.includes('lookup-query-unquoted'), unquoted.codes.join(', '));
    const quoted = ldap(`cn=\${quote_ldap_dn:${data}}`);
    assert.doesNotMatch(quoted.output, /not properly quoted/);
    assert.ok(!quoted.codes.includes('lookup-query-unquoted'), quoted.codes.join(', '));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  assert.deepEqual(wrong, []);
});

test('"${extract json {" with a space fails where Exim skips it, and is reported; without the space it works', (t) => {
  const exim = requireExim(t);
  if (!exim) return;
  const dir = mkdtempSync(join(tmpdir(), 'exim-extract-json-'));
  try {
    // $acl_m_po is not set, so the branch with the extract is skipped.
    const run = (extract: string) => runAcl(exim, dir, ['acl_smtp_rcpt = r'], [`warn set acl_m_mode = \${if def:acl_m_po {${extract}}{none}}`, 'deny message = mode $acl_m_mode']);
    const spaced = run('${extract json {mode}{$acl_m_po}}');
    assert.match(spaced.output, /missing '}' closing extract/);
    assert.match(spaced.output, /^451 /m);
    assert.ok(spaced.codes.includes('expansion-syntax'), spaced.codes.join(', '));
    const joined = run('${extract json{mode}{$acl_m_po}}');
    assert.match(joined.output, /^550 mode none/m);
    assert.ok(!joined.codes.includes('expansion-syntax'), joined.codes.join(', '));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('the client\'s AUTH data is tainted: $auth1-$auth3, $authenticated_id taken from them, $authenticated_sender', (t) => {
  const exim = requireExim(t);
  if (!exim) return;
  const dir = mkdtempSync(join(tmpdir(), 'exim-auth-taint-'));
  chmodSync(dir, 0o755);
  try {
    // Files that exist and can be read, so only taint can refuse them.
    for (const name of ['pass', 'user', '<user@b.example>']) writeFileSync(join(dir, `f${name}`), 'x\n', { mode: 0o644 });
    const path = join(dir, 'exim.conf');
    const run = (serverCondition: string, acl: string) => {
      writeFileSync(
        path,
        ['primary_hostname = example.org', 'keep_environment =', 'acl_smtp_rcpt = r', 'auth_advertise_hosts = *', 'begin acl', 'r:', `  warn logwrite = ${acl}`, '  accept',
          'begin authenticators', 'plain:', '  driver = plaintext', '  public_name = PLAIN', '  server_prompts = :', `  server_condition = ${serverCondition}`, '  server_set_id = $auth2', ''].join('\n'),
      );
      // AUTH PLAIN with user "user" and password "pass".
      const session = 'EHLO x.example\r\nAUTH PLAIN AHVzZXIAcGFzcw==\r\nMAIL FROM:<a@b.example> AUTH=<user@b.example>\r\nRCPT TO:<x@example.org>\r\nQUIT\r\n';
      const r = spawnSync(exim, ['-C', path, '-bh', '192.0.2.1'], { input: session, encoding: 'utf8', timeout: 30_000 });
      return { output: r.stdout + r.stderr, codes: lintPath(path, nodeHost()).findings.map((f) => f.code) };
    };
    // $3 is $auth3 inside an authenticator.
    for (const variable of ['$auth3', '$3']) {
      const auth = run(`\${if eq{\${readfile{${dir}/f${variable}}{}}}{x}{yes}{no}}`, 'ok');
      assert.match(auth.output, /Tainted filename/);
      assert.match(auth.output, /^435 /m);
      assert.ok(auth.codes.includes('tainted-data'), `${variable}: ${auth.codes.join(', ')}`);
    }
    for (const variable of ['$authenticated_id', '$authenticated_sender']) {
      const acl = run('yes', `\${readfile{${dir}/f${variable}}{}}`);
      assert.match(acl.output, /^235 /m);
      assert.match(acl.output, /Tainted filename/);
      assert.match(acl.output, /^451 /m);
      assert.ok(acl.codes.includes('tainted-data'), `${variable}: ${acl.codes.join(', ')}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
