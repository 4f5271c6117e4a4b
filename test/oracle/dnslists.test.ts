// dnslists return values against the real Exim and a DNS list it can query: Exim runs in a
// private network namespace whose only name server (test/support/dnsServer.ts) lists the
// client 192.0.2.1 at bl.test with the answer 127.0.0.2. Each value below is what an admin
// means by "listed with 127.0.0.2" (or a mask that 127.0.0.2 has); the analyser must report
// acl-dnslist-value-never-matches exactly for the ones Exim never matches. `exim -bh`
// delivers nothing.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { lintPath } from '../../server/src/core/service';
import { nodeHost } from '../../server/src/node/fsHost';
import { eximValidate, requireExim } from '../support/exim';
import { requireFakeDns, runWithFakeDns, Zones } from '../support/fakeDns';

const ZONES: Zones = {
  '1.2.0.192.bl.test': { A: ['127.0.0.2'], TXT: ['listed'] },
  'example.org.bl.test': { A: ['127.0.0.2'] },
};

const VALUES = [
  'bl.test',
  'bl.test=127.0.0.2',
  'bl.test=127.0.0.2,',
  'bl.test= 127.0.0.2',
  'bl.test==127.0.0.2',
  'bl.test!=127.0.0.3',
  'bl.test&0.0.0.2',
  'bl.test=&0.0.0.2',
  'bl.test=127.0.0.2/$sender_address_domain',
  '<; bl.test=127.0.0.2',
  'bl.test=127.0.0.02',
  'bl.test=127.0.0.256',
  'bl.test=127.2',
  'bl.test=127.0.2',
  'bl.test=foo',
  'bl.test=',
  'bl.test==',
  'bl.test&2',
  'bl.test&0.0.0.256',
  'bl.test&',
  'bl.test=::ffff:127.0.0.2',
  'bl.test=127.0.0.0/24',
];

test('dnslists values that never match an answer are reported, and only those', (t) => {
  const exim = requireExim(t);
  if (!exim || !requireFakeDns(t)) return;
  const dir = mkdtempSync(join(tmpdir(), 'exim-dnslists-values-'));
  try {
    const path = join(dir, 'exim.conf');
    const lines = ['primary_hostname = example.org', 'keep_environment =', 'acl_smtp_rcpt = r', 'begin acl', 'r:'];
    const lineOf = new Map<number, string>();
    VALUES.forEach((value, i) => {
      lineOf.set(lines.length + 1, value);
      lines.push(`  warn dnslists = ${value}`, `       logwrite = MATCHED ${i} $dnslist_value`);
    });
    lines.push('  accept', '');
    writeFileSync(path, lines.join('\n'));
    assert.equal(eximValidate(path, exim).ok, true);

    const session = 'HELO client.example\r\nMAIL FROM:<a@example.org>\r\nRCPT TO:<u@example.org>\r\nQUIT\r\n';
    const run = runWithFakeDns(ZONES, exim, ['-C', path, '-bh', '192.0.2.1'], session);
    const output = run.stdout + run.stderr;
    // The lookups were made and answered: the plain item matches.
    assert.ok(run.queries.includes('1.2.0.192.bl.test A'), `queries: ${run.queries.join(', ')}\n${output}`);
    const matched = new Set([...output.matchAll(/LOG: MATCHED (\d+) /g)].map((m) => VALUES[Number(m[1])]));
    assert.ok(matched.has('bl.test'), output);

    const reported = new Set(
      lintPath(path, nodeHost())
        .findings.filter((f) => f.code === 'acl-dnslist-value-never-matches')
        .map((f) => lineOf.get(f.loc.range.start.line + 1)),
    );
    const wrong = VALUES.filter((v) => matched.has(v) === reported.has(v)).map(
      (v) => `dnslists = ${v}: Exim ${matched.has(v) ? 'matches' : 'never matches'}, the analyser ${reported.has(v) ? 'reports' : 'does not report'} it`,
    );
    assert.deepEqual(wrong, []);
    // Both kinds are in the sample; "/24" looked up "24.bl.test", as the finding says.
    assert.ok(matched.size >= 9 && reported.size >= 10, `${matched.size} matched, ${reported.size} reported`);
    assert.ok(run.queries.includes('24.bl.test A'), run.queries.join(', '));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
