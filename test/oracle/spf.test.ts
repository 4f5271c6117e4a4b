// spf and spf_guess conditions against the real Exim and a DNS server it can query: Exim runs
// in a private network namespace whose only name server (test/support/dnsServer.ts) gives the
// sender's domain an SPF record with one known result per zone below. A name that is not an
// SPF result never matches (and with "!" matches every result); the analyser must report
// acl-spf-result-unknown exactly for the items that match under no zone or under every zone.
// `exim -bh` delivers nothing.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { lintPath } from '../../server/src/core/service';
import { nodeHost } from '../../server/src/node/fsHost';
import { eximValidate, requireExim } from '../support/exim';
import { requireFakeDns, runWithFakeDns, Zones } from '../support/fakeDns';

/** One zone per SPF result, for the sender domain example.org and the client 192.0.2.1. */
const RESULTS: [string, Zones][] = [
  ['pass', { 'example.org': { TXT: ['v=spf1 +all'] } }],
  ['fail', { 'example.org': { TXT: ['v=spf1 -all'] } }],
  ['softfail', { 'example.org': { TXT: ['v=spf1 ~all'] } }],
  ['neutral', { 'example.org': { TXT: ['v=spf1 ?all'] } }],
  ['none', { 'example.org': { A: ['192.0.2.9'] } }],
  ['permerror', { 'example.org': { TXT: ['v=spf1 -all', 'v=spf1 +all'] } }],
  ['temperror', { 'example.org': { TXT: ['v=spf1 include:broken.example -all'] }, 'broken.example': 'SERVFAIL' }],
  ['invalid', { 'example.org': 'SERVFAIL' }],
];

const ITEMS = [
  ...RESULTS.map(([name]) => name),
  '!fail',
  'fail : softfail',
  'fial',
  'Fail',
  'FAIL',
  '!fial',
  'err_perm',
  'err_temp',
  'fail,softfail',
  'best-guess',
];

test('spf result names that no result matches are reported, and only those', (t) => {
  const exim = requireExim(t);
  if (!exim || !requireFakeDns(t)) return;
  const dir = mkdtempSync(join(tmpdir(), 'exim-spf-'));
  try {
    const path = join(dir, 'exim.conf');
    const lines = ['primary_hostname = mx.example.net', 'keep_environment =', 'acl_smtp_rcpt = r', 'begin acl', 'r:'];
    const lineOf = new Map<number, string>();
    ITEMS.forEach((item, i) => {
      lineOf.set(lines.length + 1, item);
      lines.push(`  warn ${item === 'err_perm' ? 'spf_guess' : 'spf'} = ${item}`, `       logwrite = MATCHED ${i} $spf_result`);
    });
    lines.push('  accept', '');
    writeFileSync(path, lines.join('\n'));
    assert.equal(eximValidate(path, exim).ok, true);

    const session = 'HELO client.example\r\nMAIL FROM:<a@example.org>\r\nRCPT TO:<u@example.net>\r\nQUIT\r\n';
    const matchedUnder = new Map<string, string[]>(ITEMS.map((item) => [item, []]));
    for (const [result, zones] of RESULTS) {
      const run = runWithFakeDns(zones, exim, ['-C', path, '-bh', '192.0.2.1'], session);
      const output = run.stdout + run.stderr;
      const matched = [...output.matchAll(/LOG: MATCHED (\d+) (\S*)/g)];
      // The zone gives the result it is meant to: its own name matched ($spf_result shows
      // "invalid" as "(invalid)").
      assert.ok(matched.some((m) => ITEMS[Number(m[1])] === result && m[2].replace(/^\((.*)\)$/, '$1') === result), `${result}: ${output}`);
      for (const m of matched) matchedUnder.get(ITEMS[Number(m[1])])!.push(result);
    }

    const reported = new Set(
      lintPath(path, nodeHost())
        .findings.filter((f) => f.code === 'acl-spf-result-unknown')
        .map((f) => lineOf.get(f.loc.range.start.line + 1)),
    );
    const wrong = ITEMS.filter((item) => {
      const under = matchedUnder.get(item)!;
      const pointless = under.length === 0 || under.length === RESULTS.length;
      return pointless !== reported.has(item);
    }).map((item) => `spf = ${item}: matches under ${matchedUnder.get(item)!.join(', ') || 'no result'}; the analyser ${reported.has(item) ? 'reports' : 'does not report'} it`);
    assert.deepEqual(wrong, []);
    assert.ok(reported.has('fial') && reported.has('!fial'));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
