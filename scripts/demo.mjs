// `npm run demo`: lints the bundled example configuration, then hardens a copy of it
// with `exim-lint --fix` and shows what changed and what remains.
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const example = 'examples/exim.conf';
const cli = (...args) => spawnSync(process.execPath, ['dist/cli.js', ...args], { encoding: 'utf8' });

console.log(`$ exim-lint ${example}`);
const first = cli(example);
process.stdout.write(first.stdout + first.stderr);
console.log(`(exit status ${first.status})\n`);

const copyDir = mkdtempSync(join(tmpdir(), 'exim-demo-'));
process.on('exit', () => rmSync(copyDir, { recursive: true, force: true }));
const copy = join(copyDir, 'exim.conf');
copyFileSync(example, copy);
console.log(`$ exim-lint --fix ${copy}`);
const fixed = cli('--fix', copy);
process.stdout.write(fixed.stderr + fixed.stdout);
console.log(`(exit status ${fixed.status})\n`);

const before = readFileSync(example, 'utf8').split('\n');
const after = readFileSync(copy, 'utf8').split('\n');
console.log('The hardened transport and retry section:');
for (const line of after.slice(after.findIndex((l) => l.startsWith('begin transports')))) {
  const marker = before.includes(line) ? '  ' : '+ ';
  console.log(marker + line);
}

for (const exim of ['/usr/sbin/exim', '/usr/sbin/exim4']) {
  const r = spawnSync(exim, ['-C', copy, '-bV'], { encoding: 'utf8' });
  if (r.error) continue;
  console.log(`\n$ ${exim} -C ${copy} -bV  ->  ${r.status === 0 ? 'accepted' : 'REJECTED:\n' + r.stderr}`);
  break;
}
