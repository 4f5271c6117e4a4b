/**
 * Entry point @vscode/test-electron loads in the extension host (`npm run test:vscode`):
 * runs the cases of every *.vscode-test.js file next to it, one after the other, and
 * rejects when one fails. Not a `*.test.js` file: `npm test` never picks this suite up.
 */
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

export interface Case {
  name: string;
  timeoutMs?: number;
  run(): Promise<void>;
}

export async function run(): Promise<void> {
  const failures: string[] = [];
  let passed = 0;
  for (const file of readdirSync(__dirname).filter((f) => f.endsWith('.vscode-test.js')).sort()) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const cases: Case[] = require(join(__dirname, file)).cases;
    for (const c of cases) {
      const started = Date.now();
      let timer: NodeJS.Timeout | undefined;
      try {
        await Promise.race([
          c.run(),
          new Promise((_, rej) => {
            timer = setTimeout(() => rej(new Error(`timed out after ${(c.timeoutMs ?? 30_000) / 1000}s`)), c.timeoutMs ?? 30_000);
          }),
        ]);
        passed++;
        console.log(`ok - ${c.name} (${Date.now() - started} ms)`);
      } catch (e) {
        failures.push(`${c.name}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
        console.log(`not ok - ${c.name}\n${failures[failures.length - 1]}`);
      } finally {
        clearTimeout(timer);
      }
    }
  }
  console.log(`# pass ${passed}\n# fail ${failures.length}`);
  if (failures.length) throw new Error(`${failures.length} extension-host test(s) failed:\n${failures.join('\n')}`);
}
