import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';

test('the grammar is generated from the current option table (scripts/gen-grammar.mjs --check)', () => {
  const r = spawnSync(process.execPath, ['scripts/gen-grammar.mjs', '--check'], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(r.status, 0, r.stdout + r.stderr);
});
