// The committed option table is what `npm run gen:options` produces from the installed
// Exim and its manual. Needs exim (exim4-daemon-heavy, with libsasl2-modules for the
// cyrus_sasl authenticator) and the manual (exim4-doc-html), and an Exim admin user
// (root or the Exim group) because only admins may list macros. Missing pieces skip the
// test locally and fail it under CI=true.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test, type TestContext } from 'node:test';
import { requireExim } from '../support/exim';
import { repoRoot } from '../support/paths';

const MANUAL_DIR = '/usr/share/doc/exim4-doc-html/spec_html';


/** Skips locally, fails under CI=true. */
function unavailable(t: TestContext, why: string): void {
  if (process.env.CI === 'true') throw new Error(`${why} (required under CI=true)`);
  t.skip(why);
}

/** Paths of keys whose values differ, for a readable failure. */
function differences(a: unknown, b: unknown, path = '', out: string[] = []): string[] {
  if (out.length >= 20) return out;
  if (a && b && typeof a === 'object' && typeof b === 'object' && !Array.isArray(a) && !Array.isArray(b)) {
    const ao = a as Record<string, unknown>;
    const bo = b as Record<string, unknown>;
    for (const k of [...new Set([...Object.keys(ao), ...Object.keys(bo)])].sort()) {
      differences(ao[k], bo[k], path ? `${path}.${k}` : k, out);
    }
  } else if (JSON.stringify(a) !== JSON.stringify(b)) {
    out.push(`${path}: committed ${JSON.stringify(a)?.slice(0, 120)}, regenerated ${JSON.stringify(b)?.slice(0, 120)}`);
  }
  return out;
}

test('regenerating the option table gives the committed file', (t) => {
  const exim = requireExim(t);
  if (!exim) return;
  if (!existsSync(MANUAL_DIR)) {
    unavailable(t, `the Exim manual is not installed (apt-get install -y exim4-doc-html): ${MANUAL_DIR}`);
    return;
  }
  const root = repoRoot();
  const dir = mkdtempSync(join(tmpdir(), 'gen-options-test-'));
  try {
    const out = join(dir, 'exim-options.json');
    const r = spawnSync(
      process.execPath,
      [join(root, 'scripts', 'gen-options.mjs'), '--out', out, '--exim', exim, '--manual', MANUAL_DIR],
      { encoding: 'utf8', cwd: root, timeout: 120_000 },
    );
    if (r.status !== 0 && /only to admin users/.test(r.stderr)) {
      unavailable(t, 'exim lists its macros only to admin users: run as root or in the Exim group');
      return;
    }
    assert.equal(r.status, 0, `gen-options failed:\n${r.stderr}${r.stdout}`);

    const committedText = readFileSync(join(root, 'server', 'src', 'core', 'data', 'exim-options.json'), 'utf8');
    const regeneratedText = readFileSync(out, 'utf8');
    if (committedText !== regeneratedText) {
      const diff = differences(JSON.parse(committedText), JSON.parse(regeneratedText));
      assert.fail(
        `server/src/core/data/exim-options.json is stale or depends on this machine; run \`npm run gen:options\`:\n  ` +
          (diff.length ? diff.join('\n  ') : 'formatting differs'),
      );
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
