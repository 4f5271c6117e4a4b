// Runs the TextMate grammar assertion files (test/grammar/*.exim) through
// vscode-tmgrammar-test. Each file starts with `# SYNTAX TEST "source.exim" "..."`;
// lines that start with `#` followed by `^` or `<-` are scope assertions for the source
// line above them (see node_modules/vscode-tmgrammar-test/README.md).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/** The repository root: the nearest directory above this file with the grammar in it. */
function findRoot(): string {
  let dir = __dirname;
  for (;;) {
    if (existsSync(join(dir, 'syntaxes', 'exim.tmLanguage.json')) && existsSync(join(dir, 'package.json'))) return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error(`no repository root above ${__dirname}`);
    dir = up;
  }
}

const root = findRoot();
const grammarPath = 'syntaxes/exim.tmLanguage.json';
const casesDir = join(root, 'test', 'grammar');

function assertionFiles(): string[] {
  return readdirSync(casesDir)
    .filter((f) => f.endsWith('.exim'))
    .sort()
    .map((f) => join('test', 'grammar', f));
}

function toolBin(): string {
  const pkgPath = require.resolve('vscode-tmgrammar-test/package.json', { paths: [root] });
  const pkg = JSON.parse(readFileSync(pkgPath, 'utf8')) as { bin: Record<string, string> | string };
  const bin = typeof pkg.bin === 'string' ? pkg.bin : pkg.bin['vscode-tmgrammar-test'];
  assert.ok(bin, 'vscode-tmgrammar-test declares no vscode-tmgrammar-test bin');
  return resolve(dirname(pkgPath), bin);
}

test('grammar file declares the Exim scope', () => {
  const grammar = JSON.parse(readFileSync(join(root, grammarPath), 'utf8')) as { scopeName: string; name: string };
  assert.equal(grammar.scopeName, 'source.exim');
  assert.equal(grammar.name, 'Exim');
});

test('assertion files are well-formed', () => {
  const files = assertionFiles();
  assert.ok(files.length > 0, `no *.exim assertion files in ${casesDir}`);
  for (const f of files) {
    const lines = readFileSync(join(root, f), 'utf8').split(/\r?\n/);
    assert.match(lines[0], /^# SYNTAX TEST "source\.exim"( "[^"]+")?\s*$/, `${f}: bad header line`);
    const assertions = lines.slice(1).filter((l) => /^#\s*(\^|<~*-+)/.test(l));
    assert.ok(assertions.length > 0, `${f}: no scope assertions`);
  }
});

test('grammar assertions pass (vscode-tmgrammar-test)', () => {
  const files = assertionFiles();
  assert.ok(files.length > 0, `no *.exim assertion files in ${casesDir}`);
  const res = spawnSync(process.execPath, [toolBin(), '-g', grammarPath, ...files], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, FORCE_COLOR: '0' },
    maxBuffer: 64 * 1024 * 1024,
    // A malformed assertion line can send the tool's own parser into heavy backtracking.
    timeout: 5 * 60 * 1000,
  });
  if (res.stdout) process.stdout.write(res.stdout);
  if (res.stderr) process.stderr.write(res.stderr);
  assert.equal(res.error, undefined, `could not run vscode-tmgrammar-test: ${res.error}`);
  assert.equal(res.status, 0, `vscode-tmgrammar-test exited with ${res.status} (signal ${res.signal}) on ${files.length} files`);
});
