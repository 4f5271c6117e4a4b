// The exim-lint command-line contract, tested on the bundled CLI (`node dist/cli.js`):
//   exim-lint [--format text|json|github|sarif] [--fix] PATH...
// text: `file:line:column: severity code: message`, one per line; json: an array of
// {file, line, column, endLine, endColumn, severity, code, message} (1-based); github:
// GitHub Actions workflow commands; sarif: a SARIF 2.1.0 log;
// exit 0 without error findings, 1 with at least one, 2 for usage errors or unreadable
// input (one short message on stderr, never a stack trace).
import assert from 'node:assert/strict';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { after, describe, test } from 'node:test';
import { pathToFileURL } from 'node:url';

const ROOT = resolve(__dirname, '..', '..', '..');
const CLI = join(ROOT, 'dist', 'cli.js');

const dir = mkdtempSync(join(tmpdir(), 'exim-lint-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));

interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

function lint(...args: string[]): Run {
  const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', cwd: dir, timeout: 30_000 });
  if (r.error) throw r.error;
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

interface JsonFinding {
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  severity: string;
  code: string;
  message: string;
}

function lintJson(...args: string[]): Run & { findings: JsonFinding[] } {
  const r = lint('--format', 'json', ...args);
  let findings: JsonFinding[];
  try {
    findings = JSON.parse(r.stdout) as JsonFinding[];
  } catch (e) {
    assert.fail(`stdout is not valid JSON (${(e as Error).message}):\n${r.stdout}\nstderr:\n${r.stderr}`);
  }
  return { ...r, findings };
}

function write(name: string, lines: string[] | string): string {
  const path = join(dir, name);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, typeof lines === 'string' ? lines : lines.join('\n') + '\n');
  return path;
}

function lines(text: string): string[] {
  return text.split('\n').filter((l) => l !== '');
}

/** No stack trace, no internal error: what a user may see on stderr. */
function assertCleanStderr(stderr: string): void {
  assert.doesNotMatch(stderr, /^\s+at /m, `stack frame on stderr:\n${stderr}`);
  assert.doesNotMatch(stderr, /internal error|TypeError|ReferenceError|Error:/, `internal error on stderr:\n${stderr}`);
}

const TEXT_LINE = /^(.+):(\d+):(\d+): (error|warning|information|hint) ([a-z0-9]+(?:-[a-z0-9]+)*): (.+)$/;
const SEVERITIES = ['error', 'warning', 'information', 'hint'];
const JSON_KEYS = ['code', 'column', 'endColumn', 'endLine', 'file', 'line', 'message', 'severity'];

/** A configuration with nothing to report. */
const CLEAN = ['primary_hostname = mail.example.org', '', 'begin retry', '', '*   *   F,2h,15m; G,16h,1h,1.5; F,4d,6h'];

/** Line 4 (1-based), column 4: an unknown main option. */
const WITH_ERROR = ['primary_hostname = mail.example.org', '', '# a typo', '   tls_advertise_hostz = *', '', 'begin retry', '', '*   *   F,2h,15m'];

/** An smtp transport used by a dnslookup router, without TLS settings (warnings only). */
function insecure(indent = '  '): string[] {
  return [
    'primary_hostname = mail.example.org',
    '',
    'begin routers',
    '',
    'dnslookup:',
    '  driver = dnslookup',
    '  transport = remote_smtp',
    '  no_more',
    '',
    'begin transports',
    '',
    'remote_smtp:',
    `${indent}driver = smtp`,
    `${indent}port = 25`,
    '',
    'begin retry',
    '',
    '*   tls_required',
    '*   *   F,2h,15m; G,16h,1h,1.5; F,4d,6h',
  ];
}

describe('exim-lint: text output and exit status', () => {
  test('a clean configuration: exit 0, nothing on stdout or stderr', () => {
    const path = write('clean.conf', CLEAN);
    const r = lint(path);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, '');
  });

  test('an unknown main option: exit 1 and the exact text line', () => {
    const path = write('error.conf', WITH_ERROR);
    const r = lint(path);
    assert.equal(r.status, 1, r.stderr);
    const out = lines(r.stdout);
    const expected = `${path}:4:4: error unknown-option: main option "tls_advertise_hostz" unknown; did you mean "tls_advertise_hosts"?`;
    assert.ok(out.includes(expected), `expected line\n${expected}\nin\n${r.stdout}`);
    assert.equal(out.filter((l) => / error /.test(l)).length, 1, r.stdout);
    assert.equal(r.stderr, '');
  });

  test('every text line has the form file:line:column: severity code: message', () => {
    const r = lint(write('insecure-text.conf', insecure()), write('error-text.conf', WITH_ERROR));
    const out = lines(r.stdout);
    assert.ok(out.length >= 3, r.stdout);
    for (const l of out) assert.match(l, TEXT_LINE);
  });

  test('warnings only: exit 0, the warnings point at the transport name', () => {
    const path = write('insecure.conf', insecure());
    const r = lint(path);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    const out = lines(r.stdout);
    assert.ok(out.length > 0);
    for (const l of out) {
      const m = TEXT_LINE.exec(l);
      assert.ok(m, l);
      assert.notEqual(m[4], 'error', l);
    }
    assert.ok(out.some((l) => l.startsWith(`${path}:12:1: warning tls-not-required: `)), r.stdout);
    assert.ok(out.some((l) => l.startsWith(`${path}:12:1: warning tls-tryclear: `)), r.stdout);
  });

  test('several PATHs: findings from each, exit 1 when any has an error', () => {
    const clean = write('multi/clean.conf', CLEAN);
    const insecurePath = write('multi/insecure.conf', insecure());
    const error = write('multi/error.conf', WITH_ERROR);
    const r = lint(clean, insecurePath, error);
    assert.equal(r.status, 1);
    const files = new Set(lines(r.stdout).map((l) => TEXT_LINE.exec(l)![1]));
    assert.deepEqual([...files].sort(), [error, insecurePath].sort());
    const ok = lint(clean, insecurePath);
    assert.equal(ok.status, 0);
  });

  test('a relative PATH is reported as given', () => {
    write('rel/error.conf', WITH_ERROR);
    const r = lint(join('rel', 'error.conf'));
    assert.equal(r.status, 1);
    assert.ok(lines(r.stdout).some((l) => l.startsWith('rel/error.conf:4:4: error unknown-option: ')), r.stdout);
  });

  test('an error inside an inactive .ifdef branch is not an error', () => {
    const path = write('ifdef.conf', ['.ifdef NOT_DEFINED_ANYWHERE', 'tls_advertise_hostz = *', '.endif', ...CLEAN]);
    const r = lintJson(path);
    assert.equal(r.status, 0, r.stdout);
    assert.ok(r.findings.every((f) => f.severity !== 'error'));
  });

  test('a conditional error: .endif alone', () => {
    const path = write('endif.conf', ['primary_hostname = mail.example.org', '.endif', '', 'begin retry', '*   *   F,2h,15m']);
    const r = lint(path);
    assert.equal(r.status, 1);
    assert.ok(lines(r.stdout).some((l) => l.startsWith(`${path}:2:1: error conditional-unmatched: `)), r.stdout);
  });
});

describe('exim-lint: json output', () => {
  test('exact fields, 1-based, for an unknown option', () => {
    const path = write('error-json.conf', WITH_ERROR);
    const r = lintJson(path);
    assert.equal(r.status, 1);
    const errors = r.findings.filter((f) => f.severity === 'error');
    assert.deepEqual(errors, [
      {
        file: path,
        line: 4,
        column: 4,
        endLine: 4,
        endColumn: 23,
        severity: 'error',
        code: 'unknown-option',
        message: 'main option "tls_advertise_hostz" unknown; did you mean "tls_advertise_hosts"?',
      },
    ]);
  });

  test('every finding has exactly the contract fields with sane values', () => {
    const r = lintJson(write('insecure-json.conf', insecure()), write('error-json2.conf', WITH_ERROR), write('endif-json.conf', ['.endif']));
    assert.ok(r.findings.length >= 4);
    for (const f of r.findings) {
      assert.deepEqual(Object.keys(f).sort(), JSON_KEYS, JSON.stringify(f));
      assert.ok(SEVERITIES.includes(f.severity), f.severity);
      for (const k of ['line', 'column', 'endLine', 'endColumn'] as const) assert.ok(Number.isInteger(f[k]) && f[k] >= 1, `${k} = ${f[k]}`);
      assert.ok(f.endLine > f.line || (f.endLine === f.line && f.endColumn >= f.column), JSON.stringify(f));
      assert.equal(typeof f.message, 'string');
      assert.ok(f.message.length > 0);
      assert.match(f.code, /^[a-z0-9]+(-[a-z0-9]+)*$/);
    }
  });

  test('the transport-name range of the TLS warnings', () => {
    const path = write('insecure-range.conf', insecure('\t'));
    const r = lintJson(path);
    assert.equal(r.status, 0);
    const tls = r.findings.filter((f) => f.code === 'tls-not-required' || f.code === 'tls-tryclear');
    assert.deepEqual(
      tls.map((f) => [f.code, f.severity, f.line, f.column, f.endLine, f.endColumn]).sort(),
      [
        ['tls-not-required', 'warning', 12, 1, 12, 12],
        ['tls-tryclear', 'warning', 12, 1, 12, 12],
      ],
    );
  });

  test('zero findings: valid JSON, an empty array', () => {
    const r = lint('--format', 'json', write('clean-json.conf', CLEAN));
    assert.equal(r.status, 0);
    assert.deepEqual(JSON.parse(r.stdout), []);
    assert.equal(r.stderr, '');
  });

  test('--format=json is accepted too', () => {
    const r = lint('--format=json', write('clean-json2.conf', CLEAN));
    assert.equal(r.status, 0);
    assert.deepEqual(JSON.parse(r.stdout), []);
  });

  test('json and text report the same findings', () => {
    const paths = [write('same/insecure.conf', insecure()), write('same/error.conf', WITH_ERROR)];
    const text = lint(...paths);
    const json = lintJson(...paths);
    assert.equal(text.status, json.status);
    assert.deepEqual(
      lines(text.stdout),
      json.findings.map((f) => `${f.file}:${f.line}:${f.column}: ${f.severity} ${f.code}: ${f.message}`),
    );
  });

  test('--format github: one workflow command per finding, with the same places, codes and messages', () => {
    const paths = [write('gh/insecure.conf', insecure()), write('gh/error.conf', WITH_ERROR)];
    const json = lintJson(...paths);
    const r = lint('--format', 'github', ...paths);
    assert.equal(r.status, json.status);
    const command: Record<string, string> = { error: 'error', warning: 'warning', information: 'notice', hint: 'notice' };
    const escape = (s: string) => s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
    const prop = (s: string) => escape(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
    assert.deepEqual(
      lines(r.stdout),
      json.findings.map((f) => `::${command[f.severity]} file=${prop(f.file)},line=${f.line},col=${f.column},endLine=${f.endLine},endColumn=${f.endColumn},title=exim-lint ${f.code}::${escape(f.message)}`),
    );
    assert.ok(lines(r.stdout).some((l) => l.startsWith('::error file=')) && lines(r.stdout).some((l) => l.startsWith('::warning file=')));
  });

  test('--format sarif: a SARIF 2.1.0 log with every rule and one result per finding', () => {
    const path = write('sarif/insecure.conf', insecure());
    const json = lintJson(path);
    const r = lint('--format', 'sarif', path, 'sarif/insecure.conf');
    assert.equal(r.status, json.status);
    const log = JSON.parse(r.stdout);
    assert.equal(log.version, '2.1.0');
    assert.equal(log.runs.length, 1);
    const run = log.runs[0];
    assert.equal(run.tool.driver.name, 'exim-lint');
    assert.match(run.tool.driver.version, /^\d+\.\d+\.\d+$/);
    const rules = run.tool.driver.rules as { id: string; shortDescription: { text: string }; defaultConfiguration: { level: string } }[];
    assert.ok(rules.length > 80);
    assert.equal(new Set(rules.map((x) => x.id)).size, rules.length);
    assert.deepEqual(rules.find((x) => x.id === 'tls-not-required')!.defaultConfiguration, { level: 'warning' });
    // The same file named by its absolute path (a file: URI) and relative to where it ran.
    const results = run.results as { ruleId: string; ruleIndex: number; level: string; message: { text: string }; locations: { physicalLocation: { artifactLocation: { uri: string }; region: Record<string, number> } }[] }[];
    assert.equal(results.length, 2 * json.findings.length);
    results.forEach((res, i) => {
      const f = json.findings[i % json.findings.length];
      assert.equal(res.ruleId, f.code);
      assert.equal(rules[res.ruleIndex].id, f.code);
      assert.equal(res.level, f.severity === 'error' || f.severity === 'warning' ? f.severity : 'note');
      assert.equal(res.message.text, f.message);
      const loc = res.locations[0].physicalLocation;
      assert.equal(loc.artifactLocation.uri, i < json.findings.length ? pathToFileURL(path).href : 'sarif/insecure.conf');
      assert.deepEqual(loc.region, { startLine: f.line, startColumn: f.column, endLine: f.endLine, endColumn: f.endColumn });
    });
  });

  test('--version prints the version of package.json', () => {
    const r = lint('--version');
    assert.equal(r.status, 0);
    assert.equal(r.stdout, `exim-lint ${JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).version}\n`);
  });

  test('unreadable input with --format json: exit 2, stdout still valid JSON', () => {
    const r = lint('--format', 'json', join(dir, 'does-not-exist.conf'));
    assert.equal(r.status, 2);
    assert.ok(Array.isArray(JSON.parse(r.stdout)));
    assertCleanStderr(r.stderr);
  });
});

describe('exim-lint: usage errors and unreadable input (exit 2)', () => {
  test('a missing file: exit 2, one line on stderr naming it, no stack trace', () => {
    const missing = join(dir, 'nope', 'missing.conf');
    const r = lint(missing);
    assert.equal(r.status, 2);
    assert.equal(r.stdout, '');
    const err = lines(r.stderr);
    assert.equal(err.length, 1, r.stderr);
    assert.ok(err[0].startsWith('exim-lint: '), err[0]);
    assert.ok(err[0].includes(missing), err[0]);
    assertCleanStderr(r.stderr);
  });

  test('a missing file next to a good one: exit 2 wins, the good one is still reported', () => {
    const good = write('with-missing/error.conf', WITH_ERROR);
    const r = lint(good, join(dir, 'with-missing', 'missing.conf'));
    assert.equal(r.status, 2);
    assert.ok(lines(r.stdout).some((l) => l.startsWith(`${good}:4:4: error unknown-option`)), r.stdout);
    assert.equal(lines(r.stderr).length, 1, r.stderr);
    assertCleanStderr(r.stderr);
  });

  test('a directory that is not a split configuration: exit 2', () => {
    const plain = join(dir, 'plain-dir');
    mkdirSync(plain, { recursive: true });
    write('plain-dir/exim.conf', CLEAN);
    const r = lint(plain);
    assert.equal(r.status, 2);
    assert.equal(r.stdout, '');
    const err = lines(r.stderr);
    assert.equal(err.length, 1, r.stderr);
    assert.ok(err[0].includes(plain), err[0]);
    assertCleanStderr(r.stderr);
  });

  const usageCases: [string, string[]][] = [
    ['--format xml', ['--format', 'xml', 'x.conf']],
    ['--format=xml', ['--format=xml', 'x.conf']],
    ['--format without a value', ['--format']],
    ['an unknown flag', ['--frobnicate', 'x.conf']],
    ['no PATH', []],
  ];
  for (const [name, args] of usageCases) {
    test(`usage error: ${name} → exit 2, short message on stderr`, () => {
      write('x.conf', CLEAN);
      const r = lint(...args);
      assert.equal(r.status, 2, r.stdout + r.stderr);
      assert.equal(r.stdout, '');
      const err = lines(r.stderr);
      assert.ok(err.length >= 1 && err.length <= 2, r.stderr);
      assert.match(err[0], /^exim-lint: \S/);
      assertCleanStderr(r.stderr);
    });
  }

  test('--help prints the usage on stdout, exit 0', () => {
    for (const flag of ['--help', '-h']) {
      const r = lint(flag);
      assert.equal(r.status, 0);
      assert.match(r.stdout, /^usage: exim-lint \[--format text\|json\|github\|sarif\] \[--fix\] PATH\.\.\./);
      assert.match(r.stdout, /--format/);
      assert.match(r.stdout, /--fix/);
      assert.equal(r.stderr, '');
    }
  });
});

describe('exim-lint: standard input, pipes and devices', () => {
  function lintInput(input: string, ...args: string[]): Run {
    const r = spawnSync(process.execPath, [CLI, ...args], { encoding: 'utf8', cwd: dir, input, timeout: 30_000 });
    if (r.error) throw r.error;
    return { status: r.status, stdout: r.stdout, stderr: r.stderr };
  }

  test('"-" reads standard input; findings name the file "-"', () => {
    const r = lintInput(WITH_ERROR.join('\n') + '\n', '-');
    assert.equal(r.status, 1, r.stderr);
    assert.ok(lines(r.stdout).includes('-:4:4: error unknown-option: main option "tls_advertise_hostz" unknown; did you mean "tls_advertise_hosts"?'), r.stdout);
    assert.equal(r.stderr, '');
  });

  test('"-" gives the same findings as the file, in json too', () => {
    const path = write('stdin-same.conf', WITH_ERROR);
    const fromFile = lintJson(path).findings;
    const r = lintInput(readFileSync(path, 'utf8'), '--format', 'json', '-');
    const fromStdin = JSON.parse(r.stdout) as JsonFinding[];
    assert.deepEqual(
      fromStdin,
      fromFile.map((f) => ({ ...f, file: '-' })),
    );
  });

  test('a relative .include read from standard input is found from the current directory', () => {
    write('part.conf', ['tls_advertise_hostz = *']);
    const r = lintInput('.include part.conf\n', '-');
    assert.equal(r.status, 1, r.stderr);
    assert.match(r.stdout, /^part\.conf:1:1: error unknown-option: /m);
  });

  test('an empty standard input is an empty configuration', () => {
    const r = lintInput('', '-');
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, '');
  });

  test('--fix with "-" is a usage error: nothing to rewrite in place', () => {
    const r = lintInput(CLEAN.join('\n'), '--fix', '-');
    assert.equal(r.status, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^exim-lint: --fix .*standard input/);
    assertCleanStderr(r.stderr);
  });

  test('a named pipe on the command line is read to its end', async () => {
    const fifo = join(dir, 'config.fifo');
    execFileSync('mkfifo', [fifo]);
    // A separate writer process, as with `exim-lint <(generate-config)`.
    const writer = spawn('sh', ['-c', 'printf "%s\\n" "$1" > "$2"', 'sh', WITH_ERROR.join('\n'), fifo], { stdio: 'ignore' });
    const r = await new Promise<Run>((done) => {
      const child = spawn(process.execPath, [CLI, fifo], { cwd: dir });
      let stdout = '';
      let stderr = '';
      child.stdout.on('data', (d) => (stdout += d));
      child.stderr.on('data', (d) => (stderr += d));
      child.on('close', (status) => done({ status, stdout, stderr }));
    });
    await new Promise((done) => (writer.exitCode !== null ? done(undefined) : writer.on('close', done)));
    assert.equal(r.status, 1, r.stderr);
    assert.ok(lines(r.stdout).includes(`${fifo}:4:4: error unknown-option: main option "tls_advertise_hostz" unknown; did you mean "tls_advertise_hosts"?`), r.stdout);
  });

  test('an endless device stops at the size limit: exit 2, one line', () => {
    const r = lint('/dev/zero');
    assert.equal(r.status, 2);
    assert.equal(r.stdout, '');
    assert.deepEqual(lines(r.stderr), ['exim-lint: /dev/zero: larger than 16777216 bytes']);
  });

  test('--fix with one file that cannot be written: the others are fixed and said so, that one is named, findings follow, exit 2', () => {
    const sub = join(dir, 'partial');
    mkdirSync(sub, { recursive: true });
    const t = write('partial/t.conf', ['begin transports', 'remote_smtp:', '  driver = smtp']);
    const r = write('partial/r.conf', ['begin retry', '*   *   F,2h,15m']);
    const main = write('partial/main.conf', ['domainlist local_domains = @', `.include ${t}`, 'begin routers', 'dnslookup:', '  driver = dnslookup', '  domains = ! +local_domains', '  transport = remote_smtp', `.include ${r}`]);
    chmodSync(r, 0o444);
    const before = readFileSync(r, 'utf8');
    // Root writes a read-only file anyway: run without the capabilities that allow it.
    const asRoot = process.getuid?.() === 0;
    const run = asRoot
      ? spawnSync('setpriv', ['--bounding-set=-all', '--', process.execPath, CLI, '--fix', main], { encoding: 'utf8', cwd: dir })
      : spawnSync(process.execPath, [CLI, '--fix', main], { encoding: 'utf8', cwd: dir });
    assert.equal(run.status, 2, run.stderr);
    assert.match(run.stderr, new RegExp(`^fixed ${t}:2: Require TLS for every host`, 'm'));
    assert.match(run.stderr, new RegExp(`exim-lint: ${r}: cannot write the fixes \\((EACCES|read-only)\\); it is unchanged`));
    assert.doesNotMatch(run.stderr, new RegExp(`^fixed ${r}`, 'm'));
    assert.match(readFileSync(t, 'utf8'), /hosts_require_tls = \*/);
    assert.equal(readFileSync(r, 'utf8'), before);
    assert.match(run.stdout, /retry-tls-required-missing/);
    // Root too leaves a read-only file alone.
    const asIs = spawnSync(process.execPath, [CLI, '--fix', main], { encoding: 'utf8', cwd: dir });
    assert.equal(asIs.status, 2);
    assert.match(asIs.stderr, new RegExp(`exim-lint: ${r}: cannot write the fixes \\((read-only|EACCES)\\); it is unchanged`));
    assert.equal(readFileSync(r, 'utf8'), before);
  });

  test('--fix refuses a path that is not a regular file', () => {
    const r = lint('--fix', '/dev/null');
    assert.equal(r.status, 2);
    assert.deepEqual(lines(r.stderr), ['exim-lint: /dev/null: not a regular file, so --fix cannot rewrite it']);
  });
});

describe('exim-lint: output to a closed pipe', () => {
  // `exim-lint big.conf | head -1`: the reader goes away while findings are still being written.
  test('no stack trace when stdout is closed early (EPIPE)', async () => {
    const many = ['primary_hostname = mail.example.org'];
    for (let i = 0; i < 3000; i++) many.push(`unknown_option_number_${i} = 1`);
    const path = write('many.conf', many);
    for (const format of ['text', 'json']) {
      const child = spawn(process.execPath, [CLI, '--format', format, path], { stdio: ['ignore', 'pipe', 'pipe'] });
      child.stdout.destroy();
      let stderr = '';
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
      const status = await new Promise<number | null>((resolve, reject) => {
        const timer = setTimeout(() => {
          child.kill('SIGKILL');
          reject(new Error('exim-lint did not exit'));
        }, 30_000);
        child.on('close', (code) => {
          clearTimeout(timer);
          resolve(code);
        });
      });
      assert.ok(status !== null && [0, 1, 2].includes(status), `${format}: status ${status}`);
      assert.doesNotMatch(stderr, /^\s+at /m, `${format}: stack trace on stderr:\n${stderr}`);
      assert.doesNotMatch(stderr, /Unhandled 'error' event/, `${format}: ${stderr}`);
    }
  });
});

describe('exim-lint: split configuration directories', () => {
  const confd = join(dir, 'split', 'conf.d');
  const part = (p: string, text: string[]) => write(join('split', 'conf.d', p), text);
  part('main/01_options', ['# main options', 'primary_hostname = mail.example.org']);
  part('main/02_typo', ['', '# a typo on line 3', 'tls_advertise_hostz = *']);
  // Backups and package leftovers are not part of the configuration.
  part('main/02_typo~', ['totally_unknown_option_in_backup = 1']);
  part('main/03_old.dpkg-old', ['another_unknown_option_in_dpkg_old = 1']);
  part('main/04_new.dpkg-dist', ['yet_another_unknown_option = 1']);
  part('router/00_header', ['begin routers']);
  part('router/200_dnslookup', ['dnslookup:', '  driver = dnslookup', '  transport = remote_smtp', '  no_more']);
  part('transport/00_header', ['begin transports']);
  part('transport/30_remote_smtp', ['# the smarthost transport', '', 'remote_smtp:', '  driver = smtp']);
  part('transport/30_remote_smtp.bak~', ['broken:', '  driver = smtp_typo']);
  part('retry/00_header', ['begin retry']);
  part('retry/30_rules', ['*   tls_required', '*   *   F,2h,15m; G,16h,1h,1.5; F,4d,6h']);

  test('findings point back to the part file and its line', () => {
    const r = lintJson(confd);
    assert.equal(r.status, 1, r.stderr);
    const brief = r.findings.map((f) => `${f.file}:${f.line}:${f.column} ${f.severity} ${f.code}`);
    assert.deepEqual(brief.sort(), [
      `${confd}/main/02_typo:3:1 error unknown-option`,
      `${confd}/transport/30_remote_smtp:3:1 warning tls-not-required`,
      `${confd}/transport/30_remote_smtp:3:1 warning tls-tryclear`,
    ]);
  });

  test('backup files (~, .dpkg-old, .dpkg-dist) are ignored', () => {
    const r = lint(confd);
    assert.doesNotMatch(r.stdout, /in_backup|dpkg_old|yet_another|smtp_typo|~|dpkg-/, r.stdout);
  });

  test('a trailing slash on the directory works the same', () => {
    const r = lintJson(confd + '/');
    assert.equal(r.status, 1, r.stderr);
    assert.ok(r.findings.some((f) => f.file.endsWith('/main/02_typo') && f.line === 3 && f.code === 'unknown-option'), r.stdout);
  });
});

describe('exim-lint: Debian\'s non-split template and its local macros', () => {
  // update-exim4.conf writes exim4.conf.localmacros before exim4.conf.template.
  const template = [
    'begin routers',
    'smarthost:',
    '  driver = manualroute',
    '  route_list = * smtp.example.net',
    '  transport = remote_smtp_smarthost',
    'begin transports',
    'remote_smtp_smarthost:',
    '  driver = smtp',
    '.ifdef REMOTE_SMTP_SMARTHOST_HOSTS_REQUIRE_TLS',
    '  hosts_require_tls = REMOTE_SMTP_SMARTHOST_HOSTS_REQUIRE_TLS',
    '.endif',
    '  tls_tempfail_tryclear = false',
    'begin retry',
    '*   tls_required',
    '*   *   F,2h,15m',
  ];

  test('the macros of exim4.conf.localmacros beside exim4.conf.template hold in it', () => {
    const path = write('debian/exim4.conf.template', template);
    assert.deepEqual(lintJson(path).findings.map((f) => f.code), ['tls-not-required']);
    const macros = write('debian/exim4.conf.localmacros', ['REMOTE_SMTP_SMARTHOST_HOSTS_REQUIRE_TLS = *']);
    assert.deepEqual(lintJson(path).findings, []);
    // A finding in the macros file points there.
    write('debian/exim4.conf.localmacros', ['REMOTE_SMTP_SMARTHOST_HOSTS_REQUIRE_TLS = *', 'tls_advertise_hostz = *']);
    assert.deepEqual(lintJson(path).findings.map((f) => `${f.file}:${f.line} ${f.code}`), [`${macros}:2 unknown-option`]);
    // Named without a directory, from its own directory: the same.
    const bare = spawnSync(process.execPath, [CLI, '--format', 'json', 'exim4.conf.template'], { encoding: 'utf8', cwd: dirname(path) });
    assert.deepEqual((JSON.parse(bare.stdout) as JsonFinding[]).map((f) => `${f.file}:${f.line} ${f.code}`), ['exim4.conf.localmacros:2 unknown-option']);
    // Only a file of that name: another name reads nothing beside it.
    const other = write('debian/exim4.conf', template);
    assert.deepEqual(lintJson(other).findings.map((f) => f.code), ['tls-not-required']);
  });
});

describe('exim-lint --fix', () => {
  test('adds the TLS settings right after "driver = smtp", same indentation; a second run changes nothing', () => {
    for (const indent of ['  ', '    ', '\t']) {
      const name = `fix-${indent === '\t' ? 'tab' : indent.length}.conf`;
      const path = write(name, insecure(indent));
      const before = readFileSync(path, 'utf8');
      const r = lint('--fix', path);
      assert.equal(r.status, 0, r.stdout + r.stderr);
      const after = readFileSync(path, 'utf8');
      assert.notEqual(after, before);
      const afterLines = after.split('\n');
      const driver = afterLines.indexOf(`${indent}driver = smtp`);
      assert.ok(driver > 0, after);
      assert.deepEqual(
        afterLines.slice(driver + 1, driver + 3).sort(),
        [`${indent}hosts_require_tls = *`, `${indent}tls_tempfail_tryclear = false`].sort(),
        after,
      );
      // Nothing else changed.
      const expected = before.split('\n');
      expected.splice(driver + 1, 0, ...afterLines.slice(driver + 1, driver + 3));
      assert.equal(after, expected.join('\n'));
      // What changed is on stderr, naming the file; stdout has what remains.
      assert.match(r.stderr, /hosts_require_tls/);
      assert.match(r.stderr, /tls_tempfail_tryclear/);
      assert.ok(lines(r.stderr).every((l) => l.includes(path)), r.stderr);
      assertCleanStderr(r.stderr);
      assert.doesNotMatch(r.stdout, /tls-not-required|tls-tryclear/, r.stdout);

      const again = lint('--fix', path);
      assert.equal(again.status, 0);
      assert.equal(readFileSync(path, 'utf8'), after, 'a second --fix must leave the file byte-identical');
      assert.equal(again.stderr, '');
    }
  });

  test('the fixed file lints clean of TLS findings, json stdout stays valid', () => {
    const path = write('fix-json.conf', insecure());
    const r = lintJson('--fix', path);
    assert.equal(r.status, 0);
    assert.deepEqual(
      r.findings.filter((f) => f.code.startsWith('tls-') || f.code.startsWith('retry-')),
      [],
    );
    assert.ok(lines(r.stderr).length >= 2, r.stderr);
  });

  test('exit status follows what remains: an unrelated error stays, exit 1', () => {
    const text = insecure();
    text.splice(1, 0, 'tls_advertise_hostz = *');
    const path = write('fix-with-error.conf', text);
    const r = lint('--fix', path);
    assert.equal(r.status, 1, r.stdout + r.stderr);
    assert.ok(lines(r.stdout).some((l) => l.startsWith(`${path}:2:1: error unknown-option`)), r.stdout);
    assert.match(readFileSync(path, 'utf8'), /\n  driver = smtp\n {2}(hosts_require_tls = \*|tls_tempfail_tryclear = false)\n/);
  });

  test('without --fix the file is never written', () => {
    const path = write('nofix.conf', insecure());
    const before = readFileSync(path, 'utf8');
    lint(path);
    lint('--format', 'json', path);
    assert.equal(readFileSync(path, 'utf8'), before);
  });

  test('CRLF files keep CRLF line ends', () => {
    const path = write('fix-crlf.conf', insecure().join('\r\n') + '\r\n');
    const r = lint('--fix', path);
    assert.equal(r.status, 0, r.stderr);
    const after = readFileSync(path, 'utf8');
    assert.match(after, /\r\n {2}driver = smtp\r\n {2}(hosts_require_tls = \*|tls_tempfail_tryclear = false)\r\n/);
    assert.doesNotMatch(after.replace(/\r\n/g, ''), /\n/, 'a bare LF was written into a CRLF file');
  });

  test('in a split configuration the fix goes into the part file', () => {
    const confd = join(dir, 'split-fix', 'conf.d');
    write('split-fix/conf.d/main/01_options', ['primary_hostname = mail.example.org']);
    write('split-fix/conf.d/router/00_header', ['begin routers']);
    write('split-fix/conf.d/router/200_dnslookup', ['dnslookup:', '  driver = dnslookup', '  transport = remote_smtp']);
    write('split-fix/conf.d/transport/00_header', ['begin transports']);
    const transport = write('split-fix/conf.d/transport/30_remote_smtp', ['remote_smtp:', '  driver = smtp', '  port = 25']);
    write('split-fix/conf.d/retry/00_header', ['begin retry']);
    write('split-fix/conf.d/retry/30_rules', ['*   tls_required', '*   *   F,2h,15m']);
    const backup = write('split-fix/conf.d/transport/30_remote_smtp~', ['remote_smtp:', '  driver = smtp']);
    const backupBefore = readFileSync(backup, 'utf8');
    const r = lint('--fix', confd);
    assert.equal(r.status, 0, r.stdout + r.stderr);
    const after = readFileSync(transport, 'utf8').split('\n');
    assert.equal(after[1], '  driver = smtp');
    assert.deepEqual(after.slice(2, 4).sort(), ['  hosts_require_tls = *', '  tls_tempfail_tryclear = false']);
    assert.equal(readFileSync(backup, 'utf8'), backupBefore);
    // A fix that goes into another part than its finding names that part (the retry rule, not "begin retry").
    write('split-fix/conf.d/retry/30_rules', ['*   *   F,2h,15m']);
    const retry = lint('--fix', confd);
    assert.match(retry.stderr, new RegExp(`^fixed ${join(confd, 'retry', '30_rules')}:1: Insert "\\*   tls_required"`, 'm'));
    const copy = join(dir, 'split-fix-copy');
    copyFileSync(transport, copy);
    const again = lint('--fix', confd);
    assert.equal(again.status, 0);
    assert.equal(readFileSync(transport, 'utf8'), readFileSync(copy, 'utf8'));
  });
});
