// `npm run test:vscode`: the extension-host suite in test/vscode/ (written against the `vscode`
// API) run inside a desktop VS Code that @vscode/test-electron downloads and starts.
// Needs a machine that can download VS Code and run Electron (on a headless Linux box: xvfb-run).
// Not part of `npm test` (CI here cannot download VS Code; it runs the code-server E2E suite).
//   VSCODE_TEST_VERSION=1.100.3   VS Code version to download (default: stable)
//   VSCODE_EXECUTABLE_PATH=/path  use an installed VS Code instead of downloading one
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { runTests } from '@vscode/test-electron';

const root = resolve(import.meta.dirname, '..');
const run = (cmd, args) => execFileSync(cmd, args, { stdio: 'inherit', cwd: root });

run(process.execPath, ['scripts/build.mjs']);
rmSync(join(root, 'out'), { recursive: true, force: true });
run(process.execPath, ['node_modules/typescript/bin/tsc', '-p', '.']);

// A throw-away workspace and profile: an insecure exim.conf, no other extensions.
const tmp = mkdtempSync(join(tmpdir(), 'exim-vscode-test-'));
const workspace = join(tmp, 'workspace');
mkdirSync(workspace);
cpSync(join(root, 'test', 'e2e', 'fixtures', 'insecure.conf'), join(workspace, 'exim.conf'));

let status = 0;
try {
  await runTests({
    version: process.env.VSCODE_TEST_VERSION || 'stable',
    vscodeExecutablePath: process.env.VSCODE_EXECUTABLE_PATH || undefined,
    extensionDevelopmentPath: root,
    extensionTestsPath: join(root, 'out', 'test', 'vscode', 'index.js'),
    launchArgs: [workspace, '--disable-extensions', '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes', '--user-data-dir', join(tmp, 'user-data')],
    extensionTestsEnv: { EXIM_TEST_WORKSPACE: workspace },
  });
} catch (e) {
  console.error(`test:vscode failed: ${e instanceof Error ? e.message : e}`);
  status = 1;
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
process.exit(status);
