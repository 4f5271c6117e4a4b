// Router settings that only routing shows, against the real Exim: each case is a router
// that passes `exim -bV`; address testing (`exim -bt`, which routes and delivers nothing)
// shows whether Exim refuses it, and the analyser must report the case's rule exactly for
// the refused ones.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { lintPath } from '../../server/src/core/service';
import { nodeHost } from '../../server/src/node/fsHost';
import { eximValidate, requireExim } from '../support/exim';

interface Case {
  /** Options of the router (after `driver = redirect` unless they set a driver), one per line. */
  options: string[];
  refused: boolean;
  /** The rule that reports it; redirect-data-invalid unless given. */
  code?: string;
}

const CASES: Case[] = [
  { options: ['data = :fail: Mailing to remote domains not supported'], refused: true },
  { options: ['allow_fail', 'data = :fail: Mailing to remote domains not supported'], refused: false },
  { options: ['data = :fail: no mail for $local_part'], refused: true },
  { options: ['data = "a@b.example, :defer: later"'], refused: true },
  { options: ['allow_defer', 'data = :defer: later'], refused: false },
  { options: ['data = :blackhole:'], refused: false },
  { options: ['forbid_blackhole', 'data = :blackhole:'], refused: true },
  { options: ['data = :blackhol:'], refused: true },
  { options: ['data = :include:aliases'], refused: true },
  { options: ['data = :include:/dev/null'], refused: false },
  { options: ['forbid_include', 'data = :include:/dev/null'], refused: true },
  { options: ['data = a@b.example, |/bin/true'], refused: true },
  { options: ['pipe_transport = t', 'data = a@b.example, |/bin/true'], refused: false },
  { options: ['pipe_transport = t', 'forbid_pipe', 'data = |/bin/true'], refused: true },
  { options: ['data = /tmp/mbox'], refused: true },
  { options: ['file_transport = t', 'data = /tmp/mbox'], refused: false },
  { options: ['file_transport = t', 'data = /tmp/maildir/'], refused: true },
  { options: ['data = ${lookup{$local_part}lsearch{/dev/null}}'], refused: false },
  { options: ['driver = accept', 'transport = t', 'set = r_a = 1 ; a = 2'], refused: true, code: 'router-variable-invalid' },
  { options: ['driver = accept', 'transport = t', 'set = R_a = 1'], refused: true, code: 'router-variable-invalid' },
  { options: ['driver = accept', 'transport = t', 'set = r_a = ${if eq{1}{1}{x;y}{z}}'], refused: true, code: 'router-variable-invalid' },
  { options: ['driver = accept', 'transport = t', 'set = r_a = ${if eq{1}{1}{x;;y}{z}} ; r_b'], refused: false, code: 'router-variable-invalid' },
  { options: ['driver = accept', 'transport = t', 'set = <, r_a = $local_part, r_b = 2'], refused: false, code: 'router-variable-invalid' },
  { options: ['driver = accept', 'transport = t', 'user = 65534'], refused: true, code: 'router-user-without-group' },
  { options: ['data = a@b.example', 'user = 65534'], refused: true, code: 'router-user-without-group' },
  { options: ['driver = accept', 'transport = t', 'user = 65534', 'group = 65534'], refused: false, code: 'router-user-without-group' },
  { options: ['driver = accept', 'transport = t', 'user = nobody'], refused: false, code: 'router-user-without-group' },
  { options: ['driver = accept', 'transport = t', 'require_files = /etc/hostname'], refused: false, code: 'router-require-files-relative' },
  { options: ['driver = accept', 'transport = t', 'require_files = +/etc/hostname : !/nonexistent'], refused: false, code: 'router-require-files-relative' },
  { options: ['driver = accept', 'transport = t', 'require_files = etc/hostname'], refused: true, code: 'router-require-files-relative' },
  { options: ['driver = accept', 'transport = t', 'require_files = !etc/nonexistent'], refused: true, code: 'router-require-files-relative' },
  // Data of the message in a mysql, pgsql or ldap query without the lookup's quoting: a panic
  // line at every lookup (the query runs; here it defers, as no server listens).
  ...[
    ["mysql,servers=127.0.0.1::1/db/u/p{SELECT 1 WHERE a='$local_part'}", true],
    ["mysql,servers=127.0.0.1::1/db/u/p{SELECT 1 WHERE a='${quote_mysql:$local_part}'}", false],
    ["mysql,servers=127.0.0.1::1/db/u/p{SELECT 1 WHERE a='${lc:${quote_mysql:$local_part}}'}", false],
    ["mysql,servers=127.0.0.1::1/db/u/p{SELECT 1 WHERE a='${quote_pgsql:$local_part}'}", true],
    ["mysql,servers=127.0.0.1::1/db/u/p{SELECT 1 WHERE a='${quote:$local_part}' AND b='${quote_mysql:$domain}'}", true],
    ["pgsql,servers=127.0.0.1::1/db/u/p{SELECT 1 WHERE a='${lc:$domain}'}", true],
    ['ldap{ldap:///o=x?cn?sub?(uid=$local_part)}', true],
    ['ldapm{ldap:///o=x?cn?sub?(uid=${quote_ldap:$local_part})}', false],
    ['ldap{ldap:///uid=$local_part,o=x?cn?base}', true],
    ['ldap{ldap:///uid=${quote_ldap_dn:$local_part},o=x?cn?sub?(cn=${quote_ldap:$domain})}', false],
    ['dnsdb{a=$domain}', false],
  ].map(([query, refused]) => ({ options: ['driver = accept', 'transport = t', `condition = \${lookup ${query}{yes}{no}}`], refused: refused as boolean, code: 'lookup-query-unquoted' })),
  // ${perl} with no perl_startup in the configuration: every call fails.
  { options: ['driver = accept', 'transport = t', 'condition = ${perl{check}{$local_part}}'], refused: true, code: 'perl-startup-missing' },
  // Data of the message anywhere in a redirect list with an :include: item: Exim dies.
  { options: ['data = :include:/dev/null, $local_part@b.example'], refused: true, code: 'tainted-data' },
  { options: ['data = ${local_part}@b.example, :include:/dev/null'], refused: true, code: 'tainted-data' },
  { options: ['local_parts = user', 'data = :include:/dev/null, $local_part_data@b.example'], refused: false, code: 'tainted-data' },
  { options: ['data = :include:/dev/null'], refused: false, code: 'tainted-data' },
  { options: ['data = $local_part@b.example'], refused: false, code: 'tainted-data' },
  { options: ['driver = queryprogram', 'command = /bin/echo ACCEPT $local_part', 'command_user = nobody', 'transport = t'], refused: true, code: 'tainted-data' },
  { options: ['driver = queryprogram', 'local_parts = user', 'command = /bin/echo ACCEPT $local_part_data', 'command_user = nobody', 'transport = t'], refused: false, code: 'tainted-data' },
  { options: ['driver = manualroute', 'transport = t', 'self = send', 'route_list = ^.*\\.example\\.org$ 127.0.0.1'], refused: true, code: 'expansion-syntax' },
  { options: ['driver = manualroute', 'transport = t', 'self = send', 'route_list = ^.*\\.example\\.org\\$ 127.0.0.1'], refused: false, code: 'expansion-syntax' },
  { options: ['driver = manualroute', 'transport = t', 'self = send', 'route_list = \\N^.*\\.example\\.org$\\N 127.0.0.1'], refused: false, code: 'expansion-syntax' },
];

/** What `exim -bt` prints when it refuses a case, by rule. */
const REFUSED: Record<string, RegExp> = {
  // A deferred address, or a pipe or file it will not deliver to.
  'redirect-data-invalid': /error in redirect data|\*\*\* forbidden|Error in setting up pipe, file, or autoreply/,
  // The message is dropped: neither delivered nor bounced (none of these cases is a :blackhole:).
  'router-variable-invalid': /bad router variable name|is discarded/,
  'router-user-without-group': /user set without group/,
  'router-require-files-relative': /require_files: ".*" is not absolute/,
  // A route_list domain pattern that cannot be expanded: the lookup defers.
  'expansion-syntax': /failed to expand ".*" while checking a list/,
  'lookup-query-unquoted': /tainted search query is not properly quoted/,
  'perl-startup-missing': /A setting of perl_startup is needed/,
  // The process dies, or a queryprogram command is refused and the address defers.
  'tainted-data': /Taint mismatch|Tainted arg \d+ for queryprogram router command/,
};

test('router settings Exim refuses when it routes are reported, and only those', (t) => {
  const exim = requireExim(t);
  if (!exim) return;
  const dir = mkdtempSync(join(tmpdir(), 'exim-redirect-runtime-'));
  const wrong: string[] = [];
  try {
    CASES.forEach((c, i) => {
      const path = join(dir, `${i}.conf`);
      const code = c.code ?? 'redirect-data-invalid';
      const driver = c.options.some((o) => o.startsWith('driver =')) ? [] : ['driver = redirect'];
      const router = ['begin routers', 'r:', ...[...driver, ...c.options].map((o) => `  ${o}`)];
      const transport = ['begin transports', 't:', '  driver = appendfile', '  file = /dev/null', '  user = nobody'];
      writeFileSync(path, ['primary_hostname = example.org', 'keep_environment =', ...router, ...transport, ''].join('\n'));
      const verdict = eximValidate(path, exim);
      assert.equal(verdict.ok, true, `${c.options.join('; ')}: ${verdict.raw}`);
      const r = spawnSync(exim, ['-C', path, '-bt', 'user@example.org'], { encoding: 'utf8', timeout: 30_000 });
      const output = r.stdout + r.stderr;
      const refused = REFUSED[code].test(output);
      if (refused !== c.refused) wrong.push(`${c.options.join('; ')}: Exim ${refused ? 'refuses' : 'carries out'} it, the case says otherwise:\n${output}`);
      const reported = lintPath(path, nodeHost()).findings.some((f) => f.code === code);
      if (reported !== refused) wrong.push(`${c.options.join('; ')}: Exim ${refused ? 'refuses' : 'carries out'} it, the analyser ${reported ? 'reports' : 'does not report'} it`);
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  assert.deepEqual(wrong, []);
});

test('a "<;" list with ":" left between items matches nothing there, and is reported', (t) => {
  const exim = requireExim(t);
  if (!exim) return;
  const dir = mkdtempSync(join(tmpdir(), 'exim-list-separator-'));
  const wrong: string[] = [];
  try {
    // The router sends to 127.0.0.1; where ignore_target_hosts covers it, the host is ignored
    // ('lookup of host "127.0.0.1" failed'), else routing reaches the local host.
    for (const value of ['<; 0.0.0.0 ; 127.0.0.0/8 ; ::1', '127.0.0.0/8', '<; 0.0.0.0 : 127.0.0.0/8 ; ::1', '<; 127.0.0.0/8 : 0.0.0.0', '<, 0.0.0.0 : 127.0.0.1']) {
      const path = join(dir, 'exim.conf');
      writeFileSync(path, ['begin routers', 'r:', '  driver = manualroute', '  route_list = * 127.0.0.1', `  ignore_target_hosts = ${value}`, '  transport = t', 'begin transports', 't:', '  driver = smtp', ''].join('\n'));
      assert.equal(eximValidate(path, exim).ok, true);
      const r = spawnSync(exim, ['-C', path, '-bt', 'a@remote.example'], { encoding: 'utf8', timeout: 30_000 });
      const ignored = /lookup of host "127\.0\.0\.1" failed/.test(r.stdout + r.stderr);
      const reported = lintPath(path, nodeHost()).findings.some((f) => f.code === 'list-separator-mixed');
      if (reported === ignored) wrong.push(`ignore_target_hosts = ${value}: Exim ${ignored ? 'ignores' : 'does not ignore'} 127.0.0.1, the analyser ${reported ? 'reports' : 'does not report'} it`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  assert.deepEqual(wrong, []);
});

test('a transport whose name a router builds with an expansion is used: no unused-transport for it', (t) => {
  const exim = requireExim(t);
  if (!exim) return;
  const dir = mkdtempSync(join(tmpdir(), 'exim-built-transport-'));
  try {
    const path = join(dir, 'exim.conf');
    writeFileSync(
      path,
      [
        'begin routers',
        'r:',
        '  driver = accept',
        '  local_part_prefix = bsmtp_ : lmtp_',
        '  local_part_prefix_optional',
        '  transport = ${local_part_prefix}local_delivery',
        'begin transports',
        'local_delivery:',
        '  driver = appendfile',
        '  file = /tmp/x',
        'bsmtp_local_delivery:',
        '  driver = appendfile',
        '  file = /tmp/y',
        '  use_bsmtp',
        'leftover:',
        '  driver = appendfile',
        '  file = /tmp/z',
        '',
      ].join('\n'),
    );
    assert.equal(eximValidate(path, exim).ok, true);
    const r = spawnSync(exim, ['-C', path, '-bt', 'bsmtp_a@example.org'], { encoding: 'utf8', timeout: 30_000 });
    assert.match(r.stdout, /transport = bsmtp_local_delivery/, r.stdout + r.stderr);
    const unused = lintPath(path, nodeHost()).findings.filter((f) => f.code === 'unused-transport').map((f) => f.message);
    assert.deepEqual(unused, ['transport "leftover" is not used by any router']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a router condition with text left outside its expansions is never false: the router takes every address', (t) => {
  const exim = requireExim(t);
  if (!exim) return;
  const dir = mkdtempSync(join(tmpdir(), 'exim-router-condition-'));
  try {
    const path = join(dir, 'exim.conf');
    const route = (condition: string) => {
      writeFileSync(path, ['primary_hostname = example.org', 'keep_environment =', 'begin routers', 'r:', '  driver = redirect', `  condition = ${condition}`, '  data = :blackhole:', 'last:', '  driver = redirect', '  data = :fail: no', ''].join('\n'));
      const r = spawnSync(exim, ['-C', path, '-bt', 'someone@example.org'], { encoding: 'utf8', timeout: 30_000 });
      return { discarded: /is discarded/.test(r.stdout + r.stderr), codes: lintPath(path, nodeHost()).findings.map((f) => f.code) };
    };
    // A stray "{" (an MTA-STS recipe) and a stray "}" before the yes/no strings (an Exim wiki vacation recipe).
    for (const condition of ['${if eq{{$local_part}{enforce}}}', '${if or {{eq{$local_part}{x}} } } {no} {yes} }']) {
      const r = route(condition);
      assert.equal(r.discarded, true, condition);
      assert.ok(r.codes.includes('router-condition-always-true'), `${condition}: ${r.codes.join(', ')}`);
    }
    const right = route('${if eq{$local_part}{enforce}}');
    assert.equal(right.discarded, false);
    assert.ok(!right.codes.includes('router-condition-always-true'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
