import { test } from 'node:test';
import assert from 'node:assert/strict';
import { foldingRanges } from '../../../server/src/core/features/folding';
import { documentLinks } from '../../../server/src/core/features/links';
import { FILE, parse, quad } from './fixture';

test('folding: comment blocks, each .ifdef branch, sections, ACLs and multi-line statements, drivers', () => {
  assert.deepEqual(
    foldingRanges(parse(), FILE).map((r) => [r.startLine, r.endLine, r.kind]),
    [
      [0, 1, 'comment'],
      [8, 9, 'region'],
      [10, 11, 'region'],
      [14, 24, undefined],
      [16, 21, undefined],
      [18, 19, undefined],
      [23, 24, undefined],
      [26, 37, undefined],
      [28, 32, undefined],
      [34, 37, undefined],
      [39, 49, undefined],
      [41, 45, undefined],
      [47, 49, undefined],
      [51, 54, undefined],
    ],
  );
});

test('folding: a single comment line, a one-line driver and an empty .ifdef fold nothing; nested .ifdef blocks and a section fold', () => {
  const text = '# one\n.ifdef A\n.endif\n.ifdef B\n.ifdef C\nx = 1\n.endif\n.endif\nbegin transports\nt:\n';
  assert.deepEqual(
    foldingRanges(parse(text), FILE).map((r) => [r.startLine, r.endLine, r.kind]),
    [
      [3, 6, 'region'],
      [4, 5, 'region'],
      [8, 9, undefined],
    ],
  );
});

test('folding: a driver whose last option is inside an .ifdef block ends with the block (folds must nest)', () => {
  const text = 'begin transports\n\nremote_smtp:\n  driver = smtp\n.ifdef _HAVE_TLS\n  hosts_require_tls = *\n.ifdef _HAVE_TLS_RESUME\n  tls_resumption_hosts = *\n.endif\n.endif\n\nlocal_delivery:\n  driver = appendfile\n';
  const ranges = foldingRanges(parse(text), FILE).map((r) => [r.startLine, r.endLine]);
  assert.deepEqual(ranges, [
    [0, 12],
    [2, 9],
    [4, 8],
    [6, 7],
    [11, 12],
  ]);
  for (const [a, b] of ranges) for (const [c, d] of ranges) assert.ok(!(a < c && c <= b && b < d), `${a}-${b} crosses ${c}-${d}`);
});

test('document links: .include paths resolved against the including file, quotes left out', () => {
  const files = { '/c/conf/a.conf': '', '/c/b.conf': '' };
  const text = '.include conf/a.conf\n.include_if_exists "/c/b.conf"\n.include /c/missing.conf\n.include_if_exists /c/none.conf\n.ifdef NEVER\n.include other.conf\n.include UNDEFINED_MACRO\n.endif\n';
  const links = documentLinks(parse(text, files), FILE);
  assert.deepEqual(
    links.map((l) => [l.target, ...quad(l.range)]),
    [
      ['/c/conf/a.conf', 0, 9, 0, 20],
      ['/c/b.conf', 1, 20, 1, 29],
      ['/c/other.conf', 5, 9, 5, 19],
    ],
  );
});
