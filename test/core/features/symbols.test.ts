import { test } from 'node:test';
import assert from 'node:assert/strict';
import { documentSymbols, DocumentSymbol, workspaceSymbols } from '../../../server/src/core/features/symbols';
import { memoryHost } from '../../../server/src/core/host';
import { parsePath } from '../../../server/src/core/service';
import { FILE, parse, quad } from './fixture';

const tree = parse();
const outline = (list: DocumentSymbol[]): unknown[] => list.map((s) => [s.kind, s.name, ...quad(s.range), ...quad(s.selectionRange), ...(s.children.length ? [outline(s.children)] : [])]);

test('document symbols: sections with macros, named lists, ACLs, drivers and retry rules (options are not listed)', () => {
  const symbols = documentSymbols(tree, FILE);
  assert.deepEqual(
    symbols.map((s) => [s.kind, s.name, s.detail, ...quad(s.range), ...quad(s.selectionRange)]),
    [
      ['section', 'main', 'main configuration', 2, 0, 11, 40, 2, 0, 2, 11],
      ['section', 'acl', 'begin acl', 14, 0, 24, 8, 14, 6, 14, 9],
      ['section', 'routers', 'begin routers', 26, 0, 37, 28, 26, 6, 26, 13],
      ['section', 'transports', 'begin transports', 39, 0, 49, 30, 39, 6, 39, 16],
      ['section', 'retry', 'begin retry', 51, 0, 54, 39, 51, 6, 51, 11],
    ],
  );
  assert.deepEqual(outline(symbols[0].children), [
    ['macro', 'REMOTE_PORT', 2, 0, 2, 16, 2, 0, 2, 11],
    ['namedList', 'local_domains', 3, 0, 3, 40, 3, 11, 3, 24],
    ['namedList', 'relay_from_hosts', 4, 0, 4, 43, 4, 9, 4, 25],
  ]);
  assert.deepEqual(outline(symbols[1].children), [
    ['acl', 'acl_check_rcpt', 16, 0, 21, 29, 16, 0, 16, 14],
    ['acl', 'acl_check_data', 23, 0, 24, 8, 23, 0, 23, 14],
  ]);
  assert.deepEqual(outline(symbols[3].children), [
    ['transport', 'remote_smtp', 41, 0, 45, 31, 41, 0, 41, 11],
    ['transport', 'local_delivery', 47, 0, 49, 30, 47, 0, 47, 14],
  ]);
  assert.equal(symbols[2].children[0].detail, 'dnslookup');
  assert.deepEqual(outline(symbols[4].children), [
    ['retryRule', '* tls_required', 53, 0, 53, 27, 53, 0, 53, 1],
    ['retryRule', '* *', 54, 0, 54, 39, 54, 0, 54, 1],
  ]);
  // Every selection range lies inside its range, every child inside its parent.
  const inside = (outer: DocumentSymbol['range'], inner: DocumentSymbol['range']) =>
    (outer.start.line < inner.start.line || (outer.start.line === inner.start.line && outer.start.character <= inner.start.character)) &&
    (outer.end.line > inner.end.line || (outer.end.line === inner.end.line && outer.end.character >= inner.end.character));
  const check = (s: DocumentSymbol) => {
    assert.ok(inside(s.range, s.selectionRange), s.name);
    for (const c of s.children) assert.ok(inside(s.range, c.range), c.name), check(c);
  };
  symbols.forEach(check);
});

test('document symbols of one part of a split configuration: its own drivers, under its section', () => {
  const host = memoryHost({
    '/e/conf.d/router/00_header': 'begin routers\n',
    '/e/conf.d/router/200_dnslookup': '# comment\ndnslookup:\n  driver = dnslookup\n',
    '/e/conf.d/transport/00_header': 'begin transports\n',
    '/e/conf.d/transport/30_remote_smtp': 'remote_smtp:\n  driver = smtp\n',
  });
  const t = parsePath('/e/conf.d', host);
  assert.deepEqual(outline(documentSymbols(t, '/e/conf.d/router/200_dnslookup')), [
    ['section', 'routers', 1, 0, 2, 20, 1, 0, 1, 9, [['router', 'dnslookup', 1, 0, 2, 20, 1, 0, 1, 9]]],
  ]);
  assert.deepEqual(outline(documentSymbols(t, '/e/conf.d/router/00_header')), [['section', 'routers', 0, 0, 0, 13, 0, 6, 0, 13]]);
  // A file of main options only: the main section, without children.
  assert.deepEqual(outline(documentSymbols(parse('primary_hostname = a\nqualify_domain = b\n'), FILE)), [['section', 'main', 0, 0, 1, 18, 0, 0, 0, 20]]);
  // Workspace symbols: names from every part.
  assert.deepEqual(
    workspaceSymbols([t], '').map((s) => [s.kind, s.name, s.container, s.loc.file]),
    [
      ['router', 'dnslookup', 'routers', '/e/conf.d/router/200_dnslookup'],
      ['transport', 'remote_smtp', 'transports', '/e/conf.d/transport/30_remote_smtp'],
    ],
  );
});

test('workspace symbols: drivers, ACLs, macros and named lists, matched by substring or characters in order, without duplicates', () => {
  const all = workspaceSymbols([tree, tree], '');
  assert.deepEqual(
    all.map((s) => [s.kind, s.name]),
    [
      ['macro', 'REMOTE_PORT'],
      ['namedList', 'local_domains'],
      ['namedList', 'relay_from_hosts'],
      ['acl', 'acl_check_rcpt'],
      ['acl', 'acl_check_data'],
      ['router', 'dnslookup'],
      ['router', 'local_user'],
      ['transport', 'remote_smtp'],
      ['transport', 'local_delivery'],
    ],
  );
  assert.deepEqual(workspaceSymbols([tree], 'rsmtp').map((s) => [s.name, s.container, ...quad(s.loc.range)]), [['remote_smtp', 'transports', 41, 0, 41, 11]]);
  assert.deepEqual(workspaceSymbols([tree], 'LOCAL').map((s) => s.name), ['local_domains', 'local_user', 'local_delivery']);
});
