// Bundles the three entry points into dist/ with esbuild.
import { build } from 'esbuild';
import { chmodSync, copyFileSync, readFileSync } from 'node:fs';

const { version } = JSON.parse(readFileSync('package.json', 'utf8'));

const common = {
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'cjs',
  sourcemap: true,
  logLevel: 'warning',
};

await Promise.all([
  build({ ...common, entryPoints: ['client/src/extension.ts'], outfile: 'dist/client.js', external: ['vscode'] }),
  build({ ...common, entryPoints: ['server/src/lsp/server.ts'], outfile: 'dist/server.js' }),
  build({ ...common, entryPoints: ['server/src/cli/main.ts'], outfile: 'dist/cli.js', banner: { js: '#!/usr/bin/env node' }, define: { EXIM_LINT_VERSION: JSON.stringify(version) } }),
]);
chmodSync('dist/cli.js', 0o755);
// The rule documentation travels with the server: diagnostics link to it.
copyFileSync('docs/rules.md', 'dist/rules.md');
