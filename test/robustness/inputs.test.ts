// Robustness of the core and the CLI against hostile or broken input: every input must
// be read without an exception or a hang (each test has a generous timeout, so a hang
// fails instead of blocking), give a clear finding where the input is wrong, and the CLI
// must print no stack trace, exit 0 or 1 for a readable file, and never rewrite a file
// unless --fix (and leave a file with nothing to harden byte-identical under --fix).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, test } from 'node:test';
import { memoryHost } from '../../server/src/core/host';
import { lintPath, lintText, LintResult } from '../../server/src/core/service';
import { nodeHost } from '../../server/src/node/fsHost';
import { rng } from '../support/random';

const ROOT = resolve(__dirname, '..', '..', '..');
const CLI = join(ROOT, 'dist', 'cli.js');
const T = { timeout: 20_000 };

const dir = mkdtempSync(join(tmpdir(), 'exim-lint-robust-'));
after(() => rmSync(dir, { recursive: true, force: true }));


function codes(r: LintResult): string[] {
  return [...new Set(r.findings.map((f) => f.code))].sort();
}

function lintString(text: string): LintResult {
  return lintText('/etc/exim4/exim4.conf', text, memoryHost({}));
}

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function cli(...args: string[]): Run {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', cwd: dir, timeout: 10_000, maxBuffer: 256 * 1024 * 1024 });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** Runs the CLI on a file and checks the contract: exit 0/1, no stack trace, file unchanged. */
function cliOn(name: string, content: Buffer | string): Run {
  const path = join(dir, name);
  writeFileSync(path, content);
  const before = readFileSync(path);
  const r = cli('--format', 'json', path);
  assert.ok(r.status === 0 || r.status === 1, `${name}: exit ${r.status} (signal?) stderr: ${r.stderr.slice(0, 500)}`);
  assert.doesNotMatch(r.stderr, /\n\s+at .*:\d+:\d+/, `${name}: stack trace on stderr`);
  assert.doesNotMatch(r.stdout, /\n\s+at .*:\d+:\d+\)?\n/, `${name}: stack trace on stdout`);
  JSON.parse(r.stdout);
  assert.ok(readFileSync(path).equals(before), `${name}: the CLI rewrote the file without --fix`);
  return r;
}

const REAL = ['/etc/exim4/exim4.conf.template', '/usr/share/doc/exim4-base/examples/example.conf'].filter((p) => existsSync(p));
const SOURCES = REAL.length
  ? REAL
  : [join(ROOT, 'examples', 'exim.conf'), ...readdirSync(join(ROOT, 'test', 'fixtures', 'insecure')).filter((f) => f.endsWith('.conf')).map((f) => join(ROOT, 'test', 'fixtures', 'insecure', f))];

describe('random edits of real configurations', () => {
  for (const src of SOURCES) {
    test(`byte edits and line shuffles of ${src}`, T, () => {
      const original = readFileSync(src);
      const random = rng(0xe1a1 + src.length);
      for (let round = 0; round < 40; round++) {
        const bytes = Buffer.from(original);
        const edits = 1 + Math.floor(random() * 20);
        for (let i = 0; i < edits; i++) {
          const at = Math.floor(random() * bytes.length);
          const pick = random();
          bytes[at] = pick < 0.3 ? Math.floor(random() * 256) : pick < 0.6 ? '${}\\\n"'.charCodeAt(Math.floor(random() * 6)) : 0x20;
        }
        lintString(bytes.toString('utf8'));
      }
      const lines = original.toString('utf8').split('\n');
      for (let round = 0; round < 20; round++) {
        const copy = [...lines];
        for (let i = copy.length - 1; i > 0; i--) {
          if (random() < 0.2) {
            const j = Math.floor(random() * (i + 1));
            [copy[i], copy[j]] = [copy[j], copy[i]];
          }
        }
        lintString(copy.join('\n'));
      }
      // One of each through the CLI.
      const bytes = Buffer.from(original);
      for (let i = 0; i < 50; i++) bytes[Math.floor(random() * bytes.length)] = Math.floor(random() * 256);
      cliOn('edited.conf', bytes);
    });
  }
});

describe('pathological inputs', () => {
  const results: Record<string, string[]> = {};
  after(() => console.log(`robustness codes: ${JSON.stringify(results)}`));
  const check = (name: string, text: string): LintResult => {
    const r = lintString(text);
    results[name] = codes(r);
    return r;
  };

  test('5,000 nested ${', T, () => {
    // primary_hostname is not expanded; an ACL condition is.
    const acl = (s: string) => 'begin acl\nacl_x:\n  accept condition = ' + s + '\n';
    const open = check('nested-expansions', acl('${'.repeat(5000)));
    assert.ok(codes(open).includes('expansion-syntax'), JSON.stringify(codes(open)));
    check('nested-expansions-closed', acl('${if eq{a}{'.repeat(5000) + 'x' + '}{y}{z}}'.repeat(5000)));
    check('nested-lookups', acl('${lookup{'.repeat(5000)));
  });
  test('20,000 nested operators and items around data of the message: no rule fails', T, () => {
    const n = 20_000;
    const transport = (file: string) => `begin transports\nt:\n  driver = appendfile\n  file = /var/mail/${file}\n`;
    for (const [name, text] of [
      ['nested-lc', transport('${lc:'.repeat(n) + '$local_part' + '}'.repeat(n))],
      ['nested-sg', transport('${sg{'.repeat(n) + '$local_part' + '}{a}{b}}'.repeat(n))],
      ['nested-if', transport('${if def:x{'.repeat(n) + '$local_part' + '}{a}}'.repeat(n))],
      ['nested-acl-variable', 'begin acl\nr:\n  warn set acl_m_x = ' + '${hash{'.repeat(n) + '$local_part' + '}}'.repeat(n) + '\n  warn logwrite = ${readfile{/x/$acl_m_x}}\n  accept\n'],
    ]) {
      const r = check(name, text);
      assert.ok(!codes(r).includes('internal-error'), `${name}: ${JSON.stringify(r.findings.filter((f) => f.code === 'internal-error').map((f) => f.message))}`);
    }
  });
  test('a chain of 5,000 ACL variables, each set from the next: read once each', T, () => {
    const sets = Array.from({ length: 5000 }, (_, i) => `  warn set acl_m_v${i} = x$acl_m_v${i + 1}`);
    const r = check('acl-variable-chain', ['begin acl', 'r:', ...sets, '  warn set acl_m_v5000 = $sender_address', '  warn logwrite = ${readfile{/x/$acl_m_v0}}', '  accept', ''].join('\n'));
    assert.ok(codes(r).includes('tainted-data'), JSON.stringify(codes(r)));
  });
  test('a 2 MB line', T, () => {
    check('2mb-line', 'primary_hostname = ' + 'a'.repeat(2 * 1024 * 1024) + '\n');
    check('2mb-comment', '#' + 'x'.repeat(2 * 1024 * 1024) + '\n');
  });
  test('NUL bytes', T, () => {
    check('nul', 'primary_hostname = a\0b\n\0\0\0\nbegin acl\n\0acl_x:\n  accept\n');
  });
  test('invalid UTF-8', T, () => {
    const bytes = Buffer.from([0x70, 0x72, 0x69, 0x6d, 0x61, 0x72, 0x79, 0x5f, 0x68, 0x6f, 0x73, 0x74, 0x6e, 0x61, 0x6d, 0x65, 0x20, 0x3d, 0x20, 0xff, 0xfe, 0xc3, 0x28, 0x0a, 0xe2, 0x82, 0x0a]);
    check('invalid-utf8', bytes.toString('utf8'));
    cliOn('invalid-utf8.conf', bytes);
  });
  test('BOM and CRLF', T, () => {
    check('bom-crlf', '\ufeffprimary_hostname = a\r\nbegin acl\r\nacl_x:\r\n  accept\r\n');
    cliOn('bom-crlf.conf', '\ufeffprimary_hostname = a\r\nbegin acl\r\nacl_x:\r\n  accept\r\n');
  });
  test('5,000 nested .ifdef', T, () => {
    const r = check('nested-ifdef', '.ifdef X\n'.repeat(5000) + 'primary_hostname = a\n' + '.endif\n'.repeat(5000));
    assert.ok(codes(r).includes('conditional-too-deep'), JSON.stringify(codes(r)));
  });
  test('200,000 continuation lines', T, () => {
    check('continuations', 'primary_hostname = a \\\n' + '  b \\\n'.repeat(200_000) + '  c\n');
  });
  test('thousands of begin lines', T, () => {
    check('begins', 'begin acl\nbegin routers\nbegin transports\nbegin nothing\n'.repeat(2500));
  });
  test('an empty file', T, () => {
    check('empty', '');
    cliOn('empty.conf', '');
  });
  test('pure binary junk', T, () => {
    const random = rng(42);
    for (let i = 0; i < 10; i++) {
      const junk = Buffer.alloc(64 * 1024);
      for (let j = 0; j < junk.length; j++) junk[j] = Math.floor(random() * 256);
      check(`junk${i}`, junk.toString('utf8'));
      if (i === 0) cliOn('junk.conf', junk);
    }
  });
  test('4 MB of random bytes: junk that defines and uses thousands of macros', T, () => {
    // Lines of junk that start with a capital and hold "=" define macros, and later junk
    // uses them: each line may grow to the line bound, and the whole to MAX_EXPANDED_TOTAL.
    const random = rng(7);
    const junk = Buffer.alloc(4 * 1024 * 1024);
    for (let j = 0; j < junk.length; j++) junk[j] = Math.floor(random() * 256);
    const r = check('junk-4mb', junk.toString('latin1'));
    assert.ok(r.findings.every((f) => f.message.length <= 1100), 'messages are cut');
    cliOn('junk-4mb.conf', junk);
  });
  test('150,000 findings: every one printed, exit 1', T, () => {
    const path = join(dir, 'many-findings.conf');
    writeFileSync(path, Array.from({ length: 150_000 }, (_, i) => `x${i} = 1`).join('\n') + '\n');
    const r = cli(path);
    assert.equal(r.status, 1, r.stderr.slice(0, 500));
    assert.equal(r.stderr, '');
    assert.equal(r.stdout.split('\n').filter((l) => / error unknown-option: /.test(l)).length, 150_000);
  });

  test('exponentially expanding macros', T, () => {
    const names = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ'.split('').map((c) => `Q${c}`);
    let text = `${names[0]} = xx\n`;
    for (let i = 1; i < names.length; i++) text += `${names[i]} = ${names[i - 1]} ${names[i - 1]}\n`;
    text += `primary_hostname = ${names[names.length - 1]}\n`;
    const r = check('macro-bomb', text);
    assert.ok(codes(r).includes('macro-expansion-too-long'), JSON.stringify(codes(r)));
  });
});

describe('odd values in every option and ACL condition', () => {
  // Each rule reads the values it checks in its own way: none may fail on a value it did not
  // expect (an internal-error finding), whatever the option or condition.
  const OPTIONS = JSON.parse(readFileSync(join(ROOT, 'server', 'src', 'core', 'data', 'exim-options.json'), 'utf8'));
  const ACL = JSON.parse(readFileSync(join(ROOT, 'server', 'src', 'core', 'data', 'exim-acl.json'), 'utf8'));
  const ODD = ['', '<;', '<', '<,', ':', '::', '<; :', ';', ',', '"', '""', '\\', '$', '${', '${if', '!', '+', '*', '/', '=', '==', '&', '(', '[', '%s%s', '0', '-1', '1.5', '99999999999999999999999', 'a b c', 'x'.repeat(3000), '\t', ' : : ', 'a:b:c', '<; ; ;', '/x retry=', 'clamd:', 'cmdline:a:(', 'x=', '=x', '@', '@[]', '127.0.0.1/99'];

  function configWith(value: string): string {
    const lines: string[] = [];
    for (const name of Object.keys(OPTIONS.main)) lines.push(`${name} = ${value}`);
    lines.push('begin acl', 'a:');
    for (const c of ACL.conditions) lines.push(`  warn ${c.name} = ${value}`);
    lines.push('  accept');
    for (const section of ['routers', 'transports', 'authenticators']) {
      lines.push(`begin ${section}`);
      for (const [driver, options] of Object.entries(OPTIONS[section].drivers) as [string, Record<string, unknown>][]) {
        lines.push(`d_${driver.replace(/\W/g, '_')}:`, `  driver = ${driver}`);
        for (const name of [...Object.keys(OPTIONS[section].generic), ...Object.keys(options)]) if (name !== 'driver') lines.push(`  ${name} = ${value}`);
      }
    }
    lines.push('begin retry', `${value} ${value} ${value}`, '*   tls_required', 'begin rewrite', `${value} ${value} ${value}`, '');
    return lines.join('\n');
  }

  test('no rule fails on any of them', T, () => {
    const failures: string[] = [];
    for (const value of ODD) {
      const r = lintString(configWith(value));
      for (const f of r.findings) if (f.code === 'internal-error') failures.push(`${JSON.stringify(value.slice(0, 20))}: ${f.message}`);
    }
    assert.deepEqual(failures, []);
  });
});

describe('printable messages', () => {
  // A message quotes configuration text; a terminal must not act on what a broken file holds.
  const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/;

  test('control characters in a line are written as \\xNN, in the analysis and in the CLI', T, () => {
    const text = 'primary_hostname = a\n\u001b]0;title\u0007\u001b[31mred \u009b junk\nbegin acl\nacl_x:\n  accept \u001b[2J\n';
    const r = lintString(text);
    assert.ok(r.findings.length >= 2, JSON.stringify(codes(r)));
    for (const f of r.findings) assert.doesNotMatch(f.message, CONTROL, f.message);
    const expected = r.findings.find((f) => f.code === 'option-expected');
    assert.ok(expected, JSON.stringify(codes(r)));
    assert.match(expected.message, /\\x1b\]0;title\\x07\\x1b\[31mred \\x9b junk/);

    writeFileSync(join(dir, 'escapes.conf'), text);
    const run = cli(join(dir, 'escapes.conf'));
    assert.equal(run.status, 1, run.stderr);
    assert.ok(run.stdout.length > 0);
    assert.doesNotMatch(run.stdout, /\u001b|\u0007|\u009b/);
  });

  test('a message quoting a line of megabytes keeps its start and end, and says how much it left out', T, () => {
    const junk = 'x'.repeat(3 * 1024 * 1024);
    const r = lintString(`primary_hostname = a\n+${junk}\n`);
    const f = r.findings.find((x) => x.code === 'option-expected');
    assert.ok(f, JSON.stringify(codes(r)));
    assert.ok(f.message.length <= 1100, `message of ${f.message.length} characters`);
    assert.match(f.message, /^main option setting expected: \+x+ … \(\d+ characters left out\) … x+$/);
  });

  test('binary junk gives messages a terminal can print', T, () => {
    const random = rng(7);
    const junk = Buffer.alloc(64 * 1024);
    for (let j = 0; j < junk.length; j++) junk[j] = Math.floor(random() * 256);
    const r = lintString(junk.toString('latin1'));
    assert.ok(r.findings.length > 0);
    for (const f of r.findings) {
      assert.doesNotMatch(f.message, CONTROL);
      assert.ok(f.message.length <= 1100);
    }
  });
});

describe('includes', () => {
  const results: Record<string, string[]> = {};
  after(() => console.log(`robustness include codes: ${JSON.stringify(results)}`));
  const lintFile = (name: string, text: string): LintResult => {
    const path = join(dir, name);
    writeFileSync(path, text);
    const r = lintPath(path, nodeHost());
    results[name] = codes(r);
    return r;
  };
  const messages = (r: LintResult, code: string) => r.findings.filter((f) => f.code === code).map((f) => f.message);

  test('.include of itself', T, () => {
    const r = lintFile('self.conf', `.include ${join(dir, 'self.conf')}\nprimary_hostname = a\n`);
    assert.ok(codes(r).includes('include-loop'), JSON.stringify(codes(r)));
    cliOn('self-cli.conf', `.include ${join(dir, 'self-cli.conf')}\n`);
  });
  test('a loop written another way (the root named relatively, a symbolic link) is found at once: each finding once', T, () => {
    const self = join(dir, 'self-relative.conf');
    writeFileSync(self, `.include ${self}\nfoo_bar = 1\n`);
    const relative = cli('self-relative.conf'); // cwd is dir
    assert.deepEqual(
      relative.stdout.trim().split('\n').map((l) => l.replace(/: .*/, '').replace(/:\d+$/, '')),
      ['self-relative.conf:1', 'self-relative.conf:2'],
      relative.stdout,
    );
    const link = join(dir, 'link-to-loop.conf');
    const target = join(dir, 'loop-through-link.conf');
    writeFileSync(target, `.include ${link}\nfoo_baz = 1\n`);
    symlinkSync(target, link);
    const r = lintPath(target, nodeHost());
    assert.deepEqual(r.findings.map((f) => `${f.loc.file}:${f.loc.range.start.line + 1} ${f.code}`), [`${target}:1 include-loop`, `${target}:2 unknown-option`]);
  });
  test('.include of /dev/zero', T, () => {
    const r = lintFile('zero.conf', '.include /dev/zero\n');
    assert.ok(messages(r, 'include-not-read').some((m) => /not a regular file .*from \/dev\/zero it never finishes/.test(m)), JSON.stringify(r.findings.map((f) => f.message)));
    cliOn('zero-cli.conf', '.include /dev/zero\n');
  });
  test('.include of a /proc file that says it is empty and goes on for gigabytes', T, () => {
    // /proc/self/pagemap is a regular file of size 0 that reads for hundreds of gigabytes.
    const r = lintFile('pagemap.conf', '.include /proc/self/pagemap\n');
    assert.ok(r.findings.some((f) => /larger than \d+ bytes/.test(f.message)), JSON.stringify(r.findings.map((f) => f.message)));
    const run = cliOn('pagemap-cli.conf', '.include /proc/self/pagemap\n');
    assert.match(run.stdout, /larger than/);
  });
  test('.include of a FIFO does not wait for a writer', T, () => {
    const fifo = join(dir, 'a-fifo');
    if (spawnSync('mkfifo', [fifo]).status !== 0) return;
    const r = lintFile('fifo.conf', `.include ${fifo}\n`);
    assert.ok(messages(r, 'include-not-read').some((m) => /not a regular file/.test(m)), JSON.stringify(r.findings.map((f) => f.message)));
  });
  test('includes that fan out (each file includes the next twice) stop at a bound, said once', T, () => {
    const depth = 16; // 2^16 reads without a bound
    for (let i = 0; i < depth; i++) writeFileSync(join(dir, `fan${i}.conf`), i + 1 < depth ? `.include ${join(dir, `fan${i + 1}.conf`)}\n.include ${join(dir, `fan${i + 1}.conf`)}\n` : 'qualify_domain = example.org\n');
    const r = lintPath(join(dir, 'fan0.conf'), nodeHost());
    assert.equal(r.findings.filter((f) => /more than \d+ \.include lines/.test(f.message)).length, 1, JSON.stringify(codes(r)));
    cli(join(dir, 'fan0.conf'));
  });
  test('one big file included many times is read once, and the text read through includes is bounded', T, () => {
    const big = join(dir, 'big-comments.conf');
    writeFileSync(big, `# ${'c'.repeat(97)}\n`.repeat(150_000)); // 15 MB
    const r = lintFile('many-big.conf', `.include ${big}\n`.repeat(50));
    assert.equal(r.findings.filter((f) => /more than \d+ characters in all/.test(f.message)).length, 1, JSON.stringify(codes(r)));
  });
  test('.include of a /proc file that would block (/proc/kmsg) is not waited on', T, () => {
    // Readable by root only; otherwise it cannot be opened, which is said too.
    const r = lintFile('kmsg.conf', '.include /proc/kmsg\n');
    assert.ok(r.findings.some((f) => f.code === 'include-not-read' || f.code === 'include-missing'), JSON.stringify(codes(r)));
  });
  test('.include of a directory', T, () => {
    mkdirSync(join(dir, 'adir'), { recursive: true });
    const r = lintFile('dir.conf', `.include ${join(dir, 'adir')}\n`);
    assert.ok(messages(r, 'include-not-read').some((m) => /is a directory: Exim opens it and reads nothing/.test(m)), JSON.stringify(r.findings.map((f) => f.message)));
    cliOn('dir-cli.conf', `.include ${join(dir, 'adir')}\n`);
  });
  test('.include of a missing file', T, () => {
    const r = lintFile('missing.conf', `.include ${join(dir, 'no-such-file')}\n`);
    assert.ok(codes(r).includes('include-missing'), JSON.stringify(codes(r)));
    cliOn('missing-cli.conf', `.include ${join(dir, 'no-such-file')}\n`);
  });
});

describe('no text lost', () => {
  const quiet = 'primary_hostname = mail.example.org\n';
  const variants: Record<string, Buffer> = {
    plain: Buffer.from(quiet),
    bom: Buffer.from('\ufeff' + quiet),
    crlf: Buffer.from(quiet.replace(/\n/g, '\r\n')),
    nul: Buffer.from('# a\0b\n' + quiet),
    invalid: Buffer.concat([Buffer.from('# '), Buffer.from([0xff, 0xc3, 0x28]), Buffer.from('\n' + quiet)]),
  };
  for (const [name, content] of Object.entries(variants)) {
    test(`--fix leaves a file with nothing to harden byte-identical (${name})`, T, () => {
      const path = join(dir, `fix-${name}.conf`);
      writeFileSync(path, content);
      const r = cli('--fix', path);
      assert.ok(r.status === 0 || r.status === 1, `exit ${r.status}: ${r.stderr}`);
      assert.doesNotMatch(r.stderr, /\n\s+at .*:\d+:\d+/);
      assert.ok(readFileSync(path).equals(content), `${name}: --fix changed the file`);
    });
  }

  test('--fix on 10,000 insecure transports fixes each once, in one pass over the text', T, () => {
    // Accepting fixes and applying their edits was quadratic: 5,000 transports took seconds.
    const n = 10_000;
    const lines = ['begin routers', 'r:', '  driver = dnslookup', '  transport = t0', 'begin transports'];
    for (let i = 0; i < n; i++) lines.push(`t${i}:`, '  driver = smtp', '  hosts_avoid_tls = *');
    lines.push('begin retry', '*   *   F,2h,15m');
    const path = join(dir, 'many-transports.conf');
    writeFileSync(path, lines.join('\n') + '\n');
    const r = cli('--fix', path);
    assert.equal(r.status, 0, r.stderr.slice(0, 500));
    const after = readFileSync(path, 'utf8').split('\n');
    assert.equal(after.filter((l) => l === '  hosts_require_tls = *').length, n);
    assert.equal(after.filter((l) => l === '  tls_tempfail_tryclear = false').length, n);
    assert.equal(after.filter((l) => l.includes('hosts_avoid_tls')).length, 0);
    assert.deepEqual(after.slice(-4), ['begin retry', '*   tls_required', '*   *   F,2h,15m', '']);
    assert.equal(cli(path).stdout.split('\n').filter((l) => / tls-| retry-tls/.test(l)).length, 0);
  });

  const insecure = readFileSync(join(ROOT, 'test', 'fixtures', 'insecure', 'a-default-transport.conf'), 'utf8');
  test('--fix keeps a BOM, CRLF line ends and every original line', T, () => {
    const content = '\ufeff' + insecure.replace(/\n/g, '\r\n');
    const path = join(dir, 'fix-bom-crlf-insecure.conf');
    writeFileSync(path, content);
    const r = cli('--fix', path);
    assert.ok(r.status === 0 || r.status === 1, `exit ${r.status}: ${r.stderr}`);
    const after = readFileSync(path, 'utf8');
    assert.notEqual(after, content, 'nothing was fixed');
    assert.ok(after.startsWith('\ufeff'), 'BOM lost');
    assert.doesNotMatch(after, /[^\r]\n/, 'a bare LF in a CRLF file');
    const kept = after.split('\r\n');
    let i = 0;
    for (const line of content.slice(1).split('\r\n')) {
      while (i < kept.length && kept[i].replace(/^\ufeff/, '') !== line) i++;
      assert.ok(i < kept.length, `original line lost: ${JSON.stringify(line)}`);
      i++;
    }
  });
  test('--fix never rewrites a file that is not valid UTF-8', T, () => {
    const content = Buffer.concat([Buffer.from('# '), Buffer.from([0xff, 0xc3, 0x28]), Buffer.from('\n' + insecure)]);
    const path = join(dir, 'fix-invalid-insecure.conf');
    writeFileSync(path, content);
    const r = cli('--fix', path);
    assert.ok(r.status === 0 || r.status === 1, `exit ${r.status}: ${r.stderr}`);
    assert.ok(readFileSync(path).equals(content), 'the file was rewritten and its bytes lost');
    assert.match(r.stderr, /not valid UTF-8, not rewritten/);
    assert.doesNotMatch(r.stderr, /^fixed /m);
  });
});
