// Transport values Exim reads only when it delivers, against the real Exim: each case is an
// appendfile or smtp transport that passes `exim -bV`; one real delivery
// (test/support/delivery.ts: private spool and logs, null sender, so nothing bounces
// anywhere; smtp to a local sink) shows whether Exim refuses the value, and
// delivery-value-invalid must report exactly the refused ones.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import type { Finding } from '../../server/src/core/analysis/types';
import { lintPath } from '../../server/src/core/service';
import { nodeHost } from '../../server/src/node/fsHost';
import { deliver, deliverThroughSmarthost, requireDeliveryHarness } from '../support/delivery';
import { eximValidate, findExim } from '../support/exim';

interface Case {
  /** Transport options after `driver = appendfile` and `user =`; MAILDIR stands for a directory exim's user may write. */
  options: string[];
  refused: boolean;
}

const CASES: Case[] = [
  { options: ['file = MAILDIR/mbox'], refused: false },
  // Data from the message is tainted: Exim refuses it in a file name ('Tainted ... not permitted').
  { options: ['file = MAILDIR/$local_part'], refused: true },
  // A create_file path above the mailbox de-taints it; "/dir/" with a final slash does not.
  { options: ['file = MAILDIR/$local_part', 'create_file = MAILDIR'], refused: false },
  { options: ['directory = MAILDIR/$local_part', 'maildir_format', 'create_file = MAILDIR'], refused: false },
  { options: ['file = MAILDIR/$local_part', 'create_file = MAILDIR/'], refused: true },
  { options: ['file = MAILDIR/$local_part', 'create_file = anywhere'], refused: true },
  { options: ['file = MAILDIR/${lc:$local_part}'], refused: true },
  // Data from the message after a lookup's result is still tainted.
  { options: ['file = ${lookup{x}lsearch{/dev/null}{$value}{MAILDIR}}/$local_part'], refused: true },
  { options: ['directory = MAILDIR/$domain/$local_part', 'maildir_format'], refused: true },
  { options: ['file = MAILDIR/mbox-$primary_hostname'], refused: false },
  { options: ['file = mail/$local_part'], refused: true },
  { options: ['file = MAILDIR/mbox', 'quota = 10KB'], refused: true },
  { options: ['file = MAILDIR/mbox', 'quota = 1.5G'], refused: false },
  { options: ['file = MAILDIR/mbox', 'quota = 10M/no_check'], refused: false },
  { options: ['file = MAILDIR/mbox', 'quota = 10M /no_check'], refused: true },
  { options: ['file = MAILDIR/mbox', 'quota = 1G', 'quota_warn_threshold = 75%'], refused: false },
  { options: ['file = MAILDIR/mbox', 'quota = 1G', 'quota_warn_threshold = 75 percent'], refused: true },
  { options: ['file = MAILDIR/mbox', 'message_size_limit = 1.5M'], refused: true },
  { options: ['file = MAILDIR/mbox', 'message_size_limit = 20M'], refused: false },
  { options: ['directory = MAILDIR/md', 'maildir_format', 'quota = 1G', 'quota_filecount = 5T'], refused: true },
  { options: ['file = MAILDIR/mbox', 'maildir_format'], refused: true },
  { options: ['directory = MAILDIR/md', 'maildir_format'], refused: false },
];

/**
 * One delivery to rcpt@example.org through an appendfile transport "t" run as exim's own user
 * (so that it can change to it under -C), with `options`; MAILDIR stands for a new
 * directory that user owns.
 */
async function deliverLocally(exim: string, dir: string, name: string, options: string[]) {
  const user = spawnSync(exim, ['-bP', '-n', 'exim_user'], { encoding: 'utf8' }).stdout.trim() || 'Debian-exim';
  const maildir = join(dir, 'mail');
  rmSync(maildir, { recursive: true, force: true });
  const made = spawnSync('install', ['-d', '-o', user, '-m', '0755', maildir], { encoding: 'utf8' });
  assert.equal(made.status, 0, made.stderr);
  const path = join(dir, `${name}.conf`);
  const lines = options.map((o) => `  ${o.replace('MAILDIR', maildir)}`);
  writeFileSync(path, ['begin routers', 'r:', '  driver = accept', '  transport = t', 'begin transports', 't:', '  driver = appendfile', `  user = ${user}`, ...lines, ''].join('\n'));
  chmodSync(path, 0o644);
  const verdict = eximValidate(path, exim);
  assert.equal(verdict.ok, true, `${options.join('; ')}: ${verdict.raw}`);
  return { path, result: await deliver(path, { port: 0, recipient: 'rcpt@example.org' }) };
}

test('transport values Exim cannot read when it delivers are reported, and only those', async (t) => {
  if (!requireDeliveryHarness(t)) return;
  const exim = findExim()!;
  const dir = mkdtempSync(join(tmpdir(), 'exim-delivery-runtime-'));
  chmodSync(dir, 0o755);
  const wrong: string[] = [];
  try {
    for (const [i, c] of CASES.entries()) {
      const { path, result } = await deliverLocally(exim, dir, String(i), c.options);
      const refused = result.mainlog.some((l) => / == rcpt@example\.org R=r T=t defer /.test(l));
      const delivered = result.mainlog.some((l) => / => /.test(l));
      if (refused === delivered) wrong.push(`${c.options.join('; ')}: neither delivered nor refused by the transport:\n${result.log}`);
      else if (refused !== c.refused) wrong.push(`${c.options.join('; ')}: Exim ${refused ? 'refuses' : 'accepts'} it, the case says otherwise:\n${result.log}`);
      const reported = lintPath(path, nodeHost()).findings.some((f) => f.code === 'delivery-value-invalid' || f.code === 'tainted-data');
      if (reported !== refused) wrong.push(`${c.options.join('; ')}: Exim ${refused ? 'refuses' : 'accepts'} it, the analyser ${reported ? 'reports' : 'does not report'} it`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  assert.deepEqual(wrong, []);
});

test('a shadow_transport that names no transport: the delivery is made, the shadow copy is not, and it is reported', async (t) => {
  if (!requireDeliveryHarness(t)) return;
  const exim = findExim()!;
  const dir = mkdtempSync(join(tmpdir(), 'exim-shadow-'));
  chmodSync(dir, 0o755);
  try {
    for (const [shadow, missing] of [['copyy', true], ['t', false]] as const) {
      const { path, result } = await deliverLocally(exim, dir, shadow, ['file = MAILDIR/mbox', `shadow_transport = ${shadow}`]);
      assert.ok(result.mainlog.some((l) => / => /.test(l)), result.log);
      assert.equal(result.mainlog.some((l) => l.includes(`shadow transport "${shadow}" not found`)), missing, result.log);
      assert.equal(lintPath(path, nodeHost()).findings.some((f) => f.code === 'transport-undefined'), missing);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('smtp interface values Exim cannot use defer deliveries, and are reported', async (t) => {
  if (!requireDeliveryHarness(t)) return;
  const exim = findExim()!;
  const dir = mkdtempSync(join(tmpdir(), 'exim-smtp-runtime-'));
  chmodSync(dir, 0o755);
  const cases: Case[] = [
    { options: ['interface = 127.0.0.1'], refused: false },
    { options: ['interface = lo'], refused: true },
    { options: ['interface = ::1'], refused: true },
  ];
  const wrong: string[] = [];
  try {
    for (const c of cases) {
      const result = await deliverThroughSmarthost(dir, c.options, 'notls');
      const verdict = eximValidate(result.path, exim);
      assert.equal(verdict.ok, true, `${c.options.join('; ')}: ${verdict.raw}`);
      const refused = result.mainlog.some((l) => / == r@remote\.example R=smarthost T=remote_smtp defer /.test(l));
      if (refused !== c.refused) wrong.push(`${c.options.join('; ')}: Exim ${refused ? 'defers' : 'delivers'}, the case says otherwise:\n${result.log}`);
      const reported = lintPath(result.path, nodeHost()).findings.some((f) => f.code === 'delivery-value-invalid');
      if (reported !== refused) wrong.push(`${c.options.join('; ')}: Exim ${refused ? 'defers' : 'delivers'}, the analyser ${reported ? 'reports' : 'does not report'} it`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  assert.deepEqual(wrong, []);
});

/** One configuration to deliver through: what it is, its text, and whether Exim refuses it. */
interface DeliveryCase {
  name: string;
  text: string;
  refused: boolean;
  /** What shows that Exim refused it, when not the test's own. */
  refusal?: RegExp;
}

/**
 * Delivers one message to rcpt@example.org through each configuration (which must pass exim
 * -bV) and returns every disagreement: Exim refusing it (`refusal` found in the delivery's
 * log) where the case says otherwise, one Exim accepts not delivered, or the analyser
 * reporting it (`reported` on its findings) where Exim does not refuse it, or the other way.
 */
async function judgeDeliveries(exim: string, dir: string, cases: DeliveryCase[], refusal: RegExp, reported: (f: Finding) => boolean): Promise<string[]> {
  const wrong: string[] = [];
  const path = join(dir, 'exim.conf');
  for (const c of cases) {
    writeFileSync(path, c.text, { mode: 0o644 });
    const verdict = eximValidate(path, exim);
    assert.equal(verdict.ok, true, `${c.name}: ${verdict.raw}`);
    const result = await deliver(path, { port: 0, recipient: 'rcpt@example.org' });
    const refused = (c.refusal ?? refusal).test(result.log);
    if (refused !== c.refused) wrong.push(`${c.name}: Exim ${refused ? 'refuses' : 'accepts'} it (${result.outcome}), the case says otherwise:\n${result.log}`);
    if (!refused && result.outcome !== 'DELIVERED_CLEAR') wrong.push(`${c.name}: not delivered (${result.outcome}):\n${result.log}`);
    const found = lintPath(path, nodeHost()).findings.some(reported);
    if (found !== refused) wrong.push(`${c.name}: Exim ${refused ? 'refuses' : 'accepts'} it, the analyser ${found ? 'reports' : 'does not report'} it`);
  }
  return wrong;
}

test('an autoreply once_repeat that is not a time fails the address, and is reported', async (t) => {
  if (!requireDeliveryHarness(t)) return;
  const exim = findExim()!;
  const dir = mkdtempSync(join(tmpdir(), 'exim-autoreply-'));
  chmodSync(dir, 0o755);
  const user = spawnSync(exim, ['-bP', '-n', 'exim_user'], { encoding: 'utf8' }).stdout.trim() || 'Debian-exim';
  const onceDir = join(dir, 'once');
  assert.equal(spawnSync('install', ['-d', '-o', user, '-m', '0755', onceDir]).status, 0);
  const config = (repeat: string, once: boolean) =>
    ['begin routers', 'away:', '  driver = accept', '  local_parts = rcpt', '  transport = vacation', `  user = ${user}`, 'others:', '  driver = redirect', '  data = :blackhole:', 'begin transports', 'vacation:', '  driver = autoreply', '  from = rcpt@example.org', '  to = other@example.org', '  subject = away', '  text = away until Monday', ...(once ? [`  once = ${onceDir}/db`] : []), `  once_repeat = ${repeat}`, ''].join('\n');
  try {
    // A time needs a unit, as retry times do ("0" and "7" are refused); once or not. The address fails (a bounce).
    const cases = ([['7d', true, false], ['1w2d', true, false], ['7', true, true], ['0', true, true], ['7 d', true, true], ['7', false, true]] as const).map(([repeat, once, refused]) => ({
      name: `once_repeat = ${repeat}${once ? '' : ' without once'}`,
      text: config(repeat, once),
      refused,
    }));
    assert.deepEqual(await judgeDeliveries(exim, dir, cases, /\*\* rcpt@example\.org R=away T=vacation: Invalid time value "[^"]*" for "once_repeat"/, (f) => f.code === 'delivery-value-invalid'), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a local transport run as root, or as a user never_users names, defers every delivery, and is reported', async (t) => {
  if (!requireDeliveryHarness(t)) return;
  const exim = findExim()!;
  const dir = mkdtempSync(join(tmpdir(), 'exim-never-users-'));
  chmodSync(dir, 0o755);
  const user = spawnSync(exim, ['-bP', '-n', 'exim_user'], { encoding: 'utf8' }).stdout.trim() || 'Debian-exim';
  const mbox = join(dir, 'mail');
  assert.equal(spawnSync('install', ['-d', '-o', user, '-m', '0755', mbox]).status, 0);
  const appendfile = ['driver = appendfile', `file = ${mbox}/mbox`];
  try {
    // [main options, router options, transport options, refused]
    const cases = (
      [
        [[], [], [...appendfile, 'user = root'], true],
        [[], [], ['driver = pipe', 'command = /bin/cat', 'user = root'], true],
        [[], [], [...appendfile, 'user = 0', 'group = 0'], true],
        [[], ['user = root'], appendfile, true],
        [[], [`user = ${user}`], [...appendfile, 'user = root'], true],
        [[], [], [...appendfile, `user = ${user}`], false],
        [[`never_users = root : ${user}`], [], [...appendfile, `user = ${user}`], true],
        [['never_users = root'], ['user = root'], [...appendfile, `user = ${user}`], false],
      ] as const
    ).map(([main, router, transport, refused]) => {
      const text = [...main, 'begin routers', 'r:', '  driver = accept', '  transport = t', ...router.map((o) => `  ${o}`), 'begin transports', 't:', ...transport.map((o) => `  ${o}`), ''].join('\n');
      return { name: text.replace(/\n/g, ' | '), text, refused };
    });
    const refusal = /== rcpt@example\.org R=r T=t defer \(-29\): User \d+ set for t transport is on the (fixed_)?never_users list/;
    assert.deepEqual(await judgeDeliveries(exim, dir, cases, refusal, (f) => f.code === 'delivery-value-invalid' && f.data?.option === 'user'), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('appendfile create_file as an absolute path: a crash for a literal mailbox under it, none created under "/dir/"; reported', async (t) => {
  if (!requireDeliveryHarness(t)) return;
  const exim = findExim()!;
  const dir = mkdtempSync(join(tmpdir(), 'exim-create-file-'));
  chmodSync(dir, 0o755);
  const user = spawnSync(exim, ['-bP', '-n', 'exim_user'], { encoding: 'utf8' }).stdout.trim() || 'Debian-exim';
  const mail = join(dir, 'mail');
  const wrong: string[] = [];
  try {
    // [mailbox options (MAIL is a directory exim's user owns), create_file, existing mailbox, outcome, reported]
    for (const [mailbox, create, exists, outcome, reported] of [
      [['file = MAIL/mbox'], 'anywhere', false, 'delivered', false],
      [['file = MAIL/mbox'], 'MAIL', false, 'crash', true],
      [['file = MAIL/mbox'], 'MAIL', true, 'crash', true],
      [['file = MAIL/mbox$primary_hostname'], 'MAIL', false, 'delivered', false],
      [['file = MAIL/mbox'], 'MAIL/', false, 'not created', true],
      // Documented: no mailbox is created outside the path (an existing one is delivered to).
      [['file = MAIL/mbox'], '/nonexistent', false, 'not created', false],
      [['file = MAIL/mbox'], '/nonexistent', true, 'delivered', false],
      [['directory = MAIL/Maildir', 'maildir_format'], 'MAIL', false, 'delivered', false],
    ] as const) {
      rmSync(mail, { recursive: true, force: true });
      assert.equal(spawnSync('install', ['-d', '-o', user, '-m', '0755', mail]).status, 0);
      if (exists) assert.equal(spawnSync('install', ['-o', user, '-m', '0600', '/dev/null', join(mail, 'mbox')]).status, 0);
      const path = join(dir, 'exim.conf');
      const options = [...mailbox, `user = ${user}`, `create_file = ${create}`].map((o) => `  ${o.replace('MAIL', mail)}`);
      const text = ['begin routers', 'r:', '  driver = accept', '  transport = t', 'begin transports', 't:', '  driver = appendfile', ...options, ''].join('\n');
      writeFileSync(path, text, { mode: 0o644 });
      const verdict = eximValidate(path, exim);
      assert.equal(verdict.ok, true, `${text}\n${verdict.raw}`);
      const result = await deliver(path, { port: 0, recipient: 'rcpt@example.org' });
      const seen = result.mainlog.some((l) => / => /.test(l))
        ? 'delivered'
        : result.mainlog.some((l) => /terminated by signal 11/.test(l))
          ? 'crash'
          : result.mainlog.some((l) => /creation outside the home directory is not permitted/.test(l))
            ? 'not created'
            : 'other';
      if (seen !== outcome) wrong.push(`${text}: ${seen}, the case says ${outcome}:\n${result.log}`);
      const found = lintPath(path, nodeHost()).findings.some((f) => f.code === 'delivery-value-invalid' && f.data?.option === 'create_file');
      if (found !== reported) wrong.push(`${text}: ${seen}, the analyser ${found ? 'reports' : 'does not report'} it`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  assert.deepEqual(wrong, []);
});

test('a headers_rewrite pattern that fails to expand rewrites nothing, and is reported', async (t) => {
  if (!requireDeliveryHarness(t)) return;
  const exim = findExim()!;
  const dir = mkdtempSync(join(tmpdir(), 'exim-headers-rewrite-'));
  chmodSync(dir, 0o755);
  const wrong: string[] = [];
  try {
    for (const [pattern, rewritten] of [
      ['^(.*)@probe\\.invalid$', false],
      ['\\N^(.*)@probe\\.invalid$\\N', true],
      ['*@probe.invalid', true],
    ] as const) {
      const { path, result } = await deliverLocally(exim, dir, 'hr', ['file = MAILDIR/mbox', `headers_rewrite = ${pattern} rewritten@new.example f`]);
      assert.ok(result.mainlog.some((l) => / => /.test(l)), result.log);
      const mbox = readFileSync(join(dir, 'mail', 'mbox'), 'utf8');
      const seen = /^From: rewritten@new\.example$/m.test(mbox);
      if (seen !== rewritten) wrong.push(`headers_rewrite = ${pattern}: the From: header is ${seen ? '' : 'not '}rewritten, the case says otherwise:\n${mbox}\n${result.log}`);
      const reported = lintPath(path, nodeHost()).findings.some((f) => f.code === 'expansion-syntax');
      if (reported === rewritten) wrong.push(`headers_rewrite = ${pattern}: the analyser ${reported ? 'reports' : 'does not report'} it`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  assert.deepEqual(wrong, []);
});

test('tainted data in a pipe argument, a redirect file and a lookup file name is refused, and reported', async (t) => {
  if (!requireDeliveryHarness(t)) return;
  const exim = findExim()!;
  const dir = mkdtempSync(join(tmpdir(), 'exim-tainted-'));
  chmodSync(dir, 0o755);
  const user = spawnSync(exim, ['-bP', '-n', 'exim_user'], { encoding: 'utf8' }).stdout.trim() || 'Debian-exim';
  const data = join(dir, 'data', 'example.org');
  assert.equal(spawnSync('install', ['-d', '-m', '0755', data]).status, 0);
  writeFileSync(join(data, 'filter'), ':blackhole:\n', { mode: 0o644 });
  writeFileSync(join(data, 'passwd'), 'rcpt: yes\n', { mode: 0o644 });
  const DATA = join(dir, 'data');
  const sink = ['sink:', '  driver = redirect', '  data = :blackhole:'];
  const pipe = (command: string, shell = false) => ['domainlist local_domains = example.org', 'begin routers', 'r:', '  driver = accept', '  local_parts = rcpt', '  transport = t', 'begin transports', 't:', '  driver = pipe', `  command = ${command}`, `  user = ${user}`, ...(shell ? ['  use_shell'] : []), ''];
  const redirect = (file: string) => ['domainlist local_domains = example.org', 'begin routers', 'f:', '  driver = redirect', '  domains = +local_domains', `  file = ${file}`, `  user = ${user}`, ''];
  const lookup = (file: string) => ['domainlist local_domains = example.org', 'begin routers', 'r:', '  driver = redirect', '  domains = +local_domains', `  condition = \${lookup{$local_part}lsearch{${file}}{true}{false}}`, '  data = :blackhole:', ...sink, ''];
  const readfile = (file: string) => ['domainlist local_domains = example.org', 'begin routers', 'r:', '  driver = redirect', '  domains = +local_domains', `  data = \${readfile{${file}}}`, ''];
  const autoreply = (option: string) => ['domainlist local_domains = example.org', 'begin routers', 'r:', '  driver = accept', '  local_parts = rcpt', '  domains = +local_domains', '  transport = t', ...sink, 'begin transports', 't:', '  driver = autoreply', '  to = other@example.org', '  from = rcpt@example.org', '  subject = away', '  text = away', `  ${option}`, `  user = ${user}`, ''];
  const generatedPipe = (command: string, data = '|/bin/true') => ['begin routers', 'r:', '  driver = redirect', '  local_parts = rcpt', `  data = ${data}`, '  pipe_transport = t', 'begin transports', 't:', '  driver = pipe', `  command = ${command}`, `  user = ${user}`, ''];
  try {
    // [configuration, what Exim logs when it refuses the tainted value, refused]
    const cases = (
      [
        [pipe('/bin/true $local_part'), /Tainted arg \d+ for t transport command/, true],
        [pipe('/bin/true ${lc:$local_part}'), /Tainted arg \d+ for t transport command/, true],
        [pipe('/bin/true $local_part_data'), /Tainted arg/, false],
        [pipe('/bin/true $local_part', true), /Tainted arg/, false],
        [redirect(`${DATA}/$domain/filter`), /Tainted name '.*' for file read not permitted/, true],
        [redirect(`${DATA}/$domain_data/filter`), /Tainted name/, false],
        [lookup(`${DATA}/$domain/passwd`), /Tainted filename for search/, true],
        [lookup(`${DATA}/$domain_data/passwd`), /Tainted filename/, false],
        [readfile(`${DATA}/$domain/filter`), /Tainted filename/, true],
        [readfile(`${DATA}/$domain_data/filter`), /Tainted filename/, false],
        [autoreply(`file = ${DATA}/$domain/filter`), /Tainted '.*' \(file for t transport\) not permitted/, true],
        [autoreply(`once = ${DATA}/once-$local_part`), /Tainted '.*' \(once file for t transport\) not permitted/, true],
        [autoreply(`file = ${DATA}/$domain_data/filter`), /Tainted/, false],
        // A log file: nothing is logged, the reply still goes out.
        [autoreply(`log = ${DATA}/log-$local_part`), /Tainted filename '[^']*log-rcpt'/, true],
        [autoreply(`log = ${DATA}/log-$local_part_data`), /Tainted/, false],
        // A pipe transport that only generated pipes reach runs their command, not its own.
        [generatedPipe('/bin/true $local_part'), /Tainted arg/, false],
        // A generated pipe whose command comes from the message.
        [generatedPipe('/bin/true', '|/bin/true $local_part'), /Tainted '.*' \(command for t transport\) not permitted/, true],
        [generatedPipe('/bin/true', '|/bin/true $local_part_data'), /Tainted/, false],
      ] as const
    ).map(([lines, refusal, refused]) => ({ name: lines.join(' | '), text: lines.join('\n'), refusal, refused }));
    assert.deepEqual(await judgeDeliveries(exim, dir, cases, /Tainted/, (f) => f.code === 'tainted-data'), []);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
