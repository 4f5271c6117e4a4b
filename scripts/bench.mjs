// `npm run bench`: performance figures, compared with real Exim on the same files.
//  - per size (1k, 10k, 100k lines): in-process parse + analysis time, peak memory,
//    whole-process `exim-lint` against `exim -C FILE -bV` (medians, ratio);
//  - the language server's keystroke-to-diagnostics latency on 3,000- and 30,000-line documents
//    over the real LSP protocol (median of repeated edits).
// Prints a Markdown report; `--write` also stores it in docs/performance.md.
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { generateConfig } from './bench/generate.mjs';

const ROOT = resolve(import.meta.dirname, '..');
execFileSync(process.execPath, ['scripts/build.mjs'], { cwd: ROOT, stdio: 'inherit' });
const dir = mkdtempSync(join(tmpdir(), 'exim-bench-'));
// The generated files (tens of MB at 100k lines) go when the run ends, however it ends.
process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (x) => `${x.toFixed(x < 10 ? 1 : 0)} ms`;

function timeCommand(cmd, args, runs) {
  const times = [];
  let status;
  for (let i = 0; i < runs; i++) {
    const t = process.hrtime.bigint();
    const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
    status = r.status ?? r.error?.code;
  }
  return { median: median(times), status };
}

/** Parse + analysis inside one process; reports the median of several runs and the peak RSS. */
const IN_PROCESS = `
const { lintPath } = require(${JSON.stringify(join(ROOT, 'out/server/src/core/service.js'))});
const { nodeHost } = require(${JSON.stringify(join(ROOT, 'out/server/src/node/fsHost.js'))});
const file = process.argv[1]; const runs = Number(process.argv[2]); const times = [];
let findings = 0;
let maxRss = 0;
for (let i = 0; i < runs; i++) {
  const t = process.hrtime.bigint(); findings = lintPath(file, nodeHost()).findings.length; times.push(Number(process.hrtime.bigint() - t) / 1e6);
  // the peak of one analysis, as in one exim-lint run (later runs add garbage of earlier ones)
  if (i === 0) maxRss = process.resourceUsage().maxRSS * 1024;
}
times.sort((a, b) => a - b);
console.log(JSON.stringify({ median: times[Math.floor(times.length / 2)], maxRss, findings }));
`;

execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', '.'], { cwd: ROOT, stdio: 'inherit' });
const exim = ['/usr/sbin/exim', '/usr/sbin/exim4'].find((p) => spawnSync(p, ['-bV']).status === 0);
const rows = [];
for (const size of [1000, 10000, 100000]) {
  const file = join(dir, `bench-${size}.conf`);
  const text = generateConfig(size);
  writeFileSync(file, text);
  const lines = text.split('\n').length;
  const runs = size >= 100000 ? 5 : 9;
  const inproc = JSON.parse(execFileSync(process.execPath, ['-e', IN_PROCESS, file, String(runs)], { encoding: 'utf8' }));
  const lint = timeCommand(process.execPath, [join(ROOT, 'dist/cli.js'), file], runs);
  const bv = exim ? timeCommand(exim, ['-C', file, '-bV'], runs) : undefined;
  const floor = timeCommand(process.execPath, [join(ROOT, 'scripts/bench/floor.cjs'), file], runs);
  const floorTree = timeCommand(process.execPath, [join(ROOT, 'scripts/bench/floor.cjs'), '--tree', file], runs);
  rows.push({ size, lines, inproc, lint, bv, floor, floorTree });
  process.stderr.write(`${lines} lines: analysis ${ms(inproc.median)}, exim-lint ${ms(lint.median)}, exim -bV ${bv ? ms(bv.median) : 'n/a'}\n`);
}

/** Keystroke-to-diagnostics latency over stdio. */
async function keystrokeLatency(lines, edits, where) {
  const text = generateConfig(lines);
  const file = join(dir, 'keystroke.conf');
  writeFileSync(file, text);
  const uri = pathToFileURL(file).href;
  const child = spawn(process.execPath, [join(ROOT, 'dist/server.js'), '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
  let buffer = Buffer.alloc(0);
  const listeners = [];
  child.stdout.on('data', (chunk) => {
    buffer = Buffer.concat([buffer, chunk]);
    for (;;) {
      const head = buffer.indexOf('\r\n\r\n');
      if (head < 0) return;
      const length = Number(/Content-Length: (\d+)/i.exec(buffer.subarray(0, head).toString())[1]);
      if (buffer.length < head + 4 + length) return;
      const msg = JSON.parse(buffer.subarray(head + 4, head + 4 + length).toString());
      buffer = buffer.subarray(head + 4 + length);
      if (msg.id !== undefined && msg.method) send({ jsonrpc: '2.0', id: msg.id, result: msg.method === 'workspace/configuration' ? [{}] : null });
      for (const l of [...listeners]) l(msg);
    }
  });
  const send = (m) => {
    const body = JSON.stringify(m);
    child.stdin.write(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
  };
  const waitFor = (pred) =>
    new Promise((res, rej) => {
      const timer = setTimeout(() => rej(new Error('timed out waiting for the server')), 30000);
      const l = (m) => {
        if (pred(m)) {
          clearTimeout(timer);
          listeners.splice(listeners.indexOf(l), 1);
          res(m);
        }
      };
      listeners.push(l);
    });
  send({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { processId: process.pid, rootUri: null, capabilities: {} } });
  await waitFor((m) => m.id === 1);
  send({ jsonrpc: '2.0', method: 'initialized', params: {} });
  send({ jsonrpc: '2.0', method: 'textDocument/didOpen', params: { textDocument: { uri, languageId: 'exim', version: 1, text } } });
  await waitFor((m) => m.method === 'textDocument/publishDiagnostics' && m.params.uri === uri);
  const times = [];
  // 'setting': a line the server can re-read in place; 'macro': the line that uses a macro
  // (port = SMTP_PORT), which makes the server parse the whole document again.
  const line = text.split('\n').findIndex((l) => l.startsWith('  port = ')) + (where === 'setting' ? 1 : 0);
  for (let v = 2; v < 2 + edits; v++) {
    const t = process.hrtime.bigint();
    send({
      jsonrpc: '2.0',
      method: 'textDocument/didChange',
      // one typed character: the indentation of the line grows by a space
      params: { textDocument: { uri, version: v }, contentChanges: [{ range: { start: { line, character: 0 }, end: { line, character: 0 } }, text: ' ' }] },
    });
    await waitFor((m) => m.method === 'textDocument/publishDiagnostics' && m.params.uri === uri && m.params.version === v);
    times.push(Number(process.hrtime.bigint() - t) / 1e6);
  }
  child.kill();
  return { median: median(times), min: Math.min(...times), max: Math.max(...times), edits };
}
const keystrokes = [];
for (const [lines, edits] of [[3000, 40], [30000, 20]]) {
  for (const where of ['setting', 'macro']) {
    const k = await keystrokeLatency(lines, edits, where);
    keystrokes.push({ lines, where, ...k });
    process.stderr.write(`keystroke latency on ${lines} lines (${where}): median ${ms(k.median)}\n`);
  }
}

const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'unknown CPU'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB RAM, Node ${process.version}${exim ? `, ${execFileSync(exim, ['-bV'], { encoding: 'utf8' }).split('\n')[0]}` : ', no Exim installed'}`;
const report = [
  '# Performance',
  '',
  `Measured by \`npm run bench\` on ${new Date().toISOString().slice(0, 10)}; machine: ${machine}.`,
  'Generated configurations (scripts/bench/generate.mjs) are valid for `exim -bV`: ACLs, manualroute routers, smtp transports, retry rules.',
  '',
  '| lines | parse + analysis (in process, median) | peak memory (one analysis) | `exim-lint` whole process (median) | `exim -C FILE -bV` (median) | ratio exim-lint / exim -bV | Node alone (median, ratio to exim -bV) | Node alone with a minimal tree (median, ratio) |',
  '|---:|---:|---:|---:|---:|---:|---:|---:|',
  ...rows.map((r) => {
    const ratio = (x) => (r.bv ? (x / r.bv.median).toFixed(1) + 'x' : 'n/a');
    return `| ${r.lines.toLocaleString('en')} | ${ms(r.inproc.median)} | ${(r.inproc.maxRss / 2 ** 20).toFixed(0)} MB | ${ms(r.lint.median)} | ${r.bv ? ms(r.bv.median) : 'n/a'} | ${ratio(r.lint.median)} | ${ms(r.floor.median)} (${ratio(r.floor.median)}) | ${ms(r.floorTree.median)} (${ratio(r.floorTree.median)}) |`;
  }),
  '',
  '"Node alone" is scripts/bench/floor.cjs: Node.js starting, reading the file and splitting it into lines, with no analysis; "with a minimal tree" also keeps one object per line (the trimmed line, its first word, the text after "="). They are the least any linter running on Node.js spends on the file, and the least a syntax tree of it costs.',
  '',
  'Language server, keystroke to fresh diagnostics over stdio (one space typed per edit; a setting line is re-read in place, a line that uses a macro makes the server parse the document again):',
  '',
  '| document | edited line | median | min | max | edits |',
  '|---:|---|---:|---:|---:|---:|',
  ...keystrokes.map((k) => `| ${k.lines.toLocaleString('en')} lines | ${k.where === 'setting' ? 'a setting' : 'uses a macro'} | ${ms(k.median)} | ${ms(k.min)} | ${ms(k.max)} | ${k.edits} |`),
  '',
  'Targets: whole-process exim-lint at most 2.0x `exim -bV` on 100k lines, peak memory under 256 MB, time linear in size, keystroke latency median under 50 ms (3,000 lines).',
  '',
].join('\n');
console.log(report);
// --write replaces the figures and keeps any hand-written sections after them (from "## ").
if (process.argv.includes('--write')) {
  const path = join(ROOT, 'docs/performance.md');
  let notes = '';
  try {
    const old = readFileSync(path, 'utf8');
    const at = old.indexOf('\n## ');
    if (at >= 0) notes = old.slice(at + 1);
  } catch {
    // no earlier report
  }
  writeFileSync(path, notes ? `${report}\n${notes}` : report);
}
