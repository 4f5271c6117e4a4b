// Validation parity with `exim -bV`: every configuration of the corpus (Debian's and the
// project's configurations, and seeded mutations of them) is checked with the real Exim
// and with the analyser. Every configuration Exim rejects must get an error, on the logical
// line Exim names (or, when Exim names none, at the line that causes it); no configuration
// Exim accepts may get an error, except the errors for deliveries that fail for certain
// (an undefined transport or ACL), which -bV does not check: those are counted apart.
// Prints the agreement figures.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { lintPath } from '../../server/src/core/service';
import { nodeHost } from '../../server/src/node/fsHost';
import { eximValidate, requireExim } from '../support/exim';
import { buildCorpus } from './corpus';
import { judge, Outcome } from './judge';

test('parity with exim -bV on the corpus', (t) => {
  const exim = requireExim(t);
  if (!exim) return;
  const corpus = buildCorpus();
  const dir = mkdtempSync(join(tmpdir(), 'exim-parity-'));
  const outcomes: Outcome[] = [];
  try {
    corpus.forEach((mutant, i) => {
      const path = join(dir, `${String(i).padStart(4, '0')}-${mutant.id.replace(/[^A-Za-z0-9_.-]+/g, '_')}.conf`);
      writeFileSync(path, mutant.text);
      const verdict = eximValidate(path, exim);
      const { tree, findings } = lintPath(path, nodeHost());
      const outcome = judge(mutant, path, verdict, tree, findings);
      outcomes.push(outcome);
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }

  const rejected = outcomes.filter((o) => !o.ok);
  const detected = rejected.filter((o) => o.errors.length > 0);
  const onLine = rejected.filter((o) => o.onLine);
  const accepted = outcomes.filter((o) => o.ok);
  const falseErrors = accepted.filter((o) => o.errors.length > 0);
  const noLine = rejected.filter((o) => o.noLine);
  const endif = rejected.filter((o) => o.endifMissing);
  const pct = (a: number, b: number) => (b === 0 ? '100.0' : ((100 * a) / b).toFixed(1));
  const describe = (o: Outcome) =>
    `  ${o.mutant.id} (${o.mutant.description}): exim ${o.ok ? 'OK' : `line ${o.eximLine ?? '-'}: ${o.eximMessage}`}; ours: ${o.errors.map((f) => `${f.loc.range.start.line + 1}: ${f.code}: ${f.message}`).join(' | ') || 'no error'}`;
  const lines = [
    `parity: ${rejected.length} rejected, ${detected.length} detected (${pct(detected.length, rejected.length)}%), ${onLine.length} on Exim's line (${pct(onLine.length, rejected.length)}%); ${accepted.length} accepted, ${falseErrors.length} false errors`,
    `  of the rejected: ${noLine.length} without a line from Exim (${noLine.filter((o) => o.onLine).length} found at the line that causes them), ${endif.length} ".endif missing" at the end of the file (${endif.filter((o) => o.onLine).length} found at the open .ifdef)`,
    `  corpus: ${outcomes.length} configurations from ${new Set(outcomes.map((o) => o.mutant.base)).size} bases`,
    `  of the accepted: ${accepted.filter((o) => o.certainFailures.length).length} with an error by design for a delivery that fails for certain (${[...new Set(accepted.flatMap((o) => o.certainFailures.map((f) => f.code)))].join(', ') || 'none'}; exim -bV does not check these)`,
  ];
  const kinds = [...new Set(outcomes.map((o) => o.mutant.kind))];
  lines.push(
    '  per mutation (rejected/detected/on line, accepted/false errors): ' +
      kinds
        .map((k) => {
          const of = outcomes.filter((o) => o.mutant.kind === k);
          const rej = of.filter((o) => !o.ok);
          const acc = of.filter((o) => o.ok);
          return `${k} ${rej.length}/${rej.filter((o) => o.errors.length).length}/${rej.filter((o) => o.onLine).length} ${acc.length}/${acc.filter((o) => o.errors.length).length}`;
        })
        .join(', '),
  );
  if (process.env.PARITY_VERBOSE) lines.push('all:', ...outcomes.map(describe));
  const missed = rejected.filter((o) => !o.onLine);
  if (missed.length) lines.push('not found on the line:', ...missed.map(describe));
  if (falseErrors.length) lines.push('false errors:', ...falseErrors.map(describe));
  console.log(lines.join('\n'));

  assert.ok(rejected.length >= 100, `the corpus should hold enough rejected configurations (${rejected.length})`);
  assert.ok(accepted.length >= 50, `the corpus should hold enough accepted configurations (${accepted.length})`);
  assert.ok(detected.length >= 0.98 * rejected.length, `detection ${pct(detected.length, rejected.length)}% < 98%`);
  assert.ok(onLine.length >= 0.95 * rejected.length, `same line ${pct(onLine.length, rejected.length)}% < 95%`);
  assert.equal(falseErrors.length, 0, 'no error on a configuration Exim accepts');
});
