// Branches for other builds of Exim: `.ifdef _HAVE_DMARC` (and any name starting with "_")
// tests one of Exim's built-in macros, which only Exim defines: a configuration may not
// define such a name itself. A skipped branch of such a block holds options this build does
// not know, and the analyser must say nothing about them; a skipped branch of a user macro
// is still read (its findings carry the skipped-branch note).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { lintPath } from '../../server/src/core/service';
import { nodeHost } from '../../server/src/node/fsHost';
import { eximValidate, requireExim } from '../support/exim';

test('a skipped branch for a feature this Exim lacks gives no findings; one for a user macro does', (t) => {
  const exim = requireExim(t);
  if (!exim) return;
  const dir = mkdtempSync(join(tmpdir(), 'exim-builtin-macros-'));
  try {
    const path = join(dir, 'exim.conf');
    // Exim refuses a macro of the configuration's own whose name starts with "_".
    writeFileSync(path, '_HAVE_DMARC = yes\n');
    assert.equal(eximValidate(path, exim).ok, false);

    const guards = ['_HAVE_DMARC', '_HAVE_ARC', '_OPT_MAIN_DMARC_TLD_FILE'];
    for (const name of guards) {
      const r = spawnSync(exim, ['-bP', 'macro', name], { encoding: 'utf8' });
      assert.match(r.stdout + r.stderr, /not found/, `${name} is not defined by this Exim`);
    }
    const text = [
      '.ifdef _HAVE_DMARC',
      'dmarc_tld_file = /etc/exim4/public_suffix_list.dat',
      '.endif',
      '.ifndef _HAVE_TLS',
      'no_such_option_without_tls = 1',
      '.endif',
      '.ifdef LOCAL_EXTRAS',
      'dmarc_history_file = /var/spool/exim4/opendmarc.hist',
      '.endif',
      'acl_smtp_data = data',
      'begin acl',
      'data:',
      '.ifdef _HAVE_ARC',
      '  warn verify = arc',
      '.elifdef _OPT_MAIN_DMARC_TLD_FILE',
      '  warn dmarc_status = reject',
      '.else',
      '  accept',
      '.endif',
      '  accept',
      '',
    ].join('\n');
    writeFileSync(path, text);
    assert.equal(eximValidate(path, exim).ok, true);
    const findings = lintPath(path, nodeHost()).findings.map((f) => `${f.loc.range.start.line + 1} ${f.code}`);
    assert.deepEqual(findings, ['8 unknown-option']);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
