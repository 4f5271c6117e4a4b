// Language features of the server over stdio (`node dist/server.js --stdio`): completion,
// hover, document and workspace symbols, definition, references, rename, folding ranges,
// document links and signature help, on a single file, a file with an .include and a
// Debian split configuration in a temporary directory.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, describe, test } from 'node:test';
import type { CompletionItem, CompletionList, DocumentHighlight, DocumentLink, DocumentSymbol, FoldingRange, Hover, Location, SignatureHelp, SymbolInformation, WorkspaceEdit } from 'vscode-languageserver';
import { applyTextEdits, DEFAULT_CAPABILITIES, editedUris, editsFor, LspClient, ResponseError, startServer } from '../support/lspClient';

const dir = mkdtempSync(join(tmpdir(), 'exim-lsp-features-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function fixture(name: string, text: string): { path: string; uri: string; text: string } {
  const path = join(dir, name);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
  return { path, uri: pathToFileURL(path).href, text };
}

const CONFIG = [
  'SMTP_PORT = 25', // 0
  'domainlist local_domains = @ : localhost', // 1
  'acl_smtp_rcpt = acl_check_rcpt', // 2
  '', // 3
  'begin acl', // 4
  '', // 5
  'acl_check_rcpt:', // 6
  '  deny domains = ! +local_domains', // 7
  '  accept', // 8
  '', // 9
  'begin routers', // 10
  '', // 11
  'dnslookup:', // 12
  '  driver = dnslookup', // 13
  '  domains = ! +local_domains', // 14
  '  transport = remote_smtp', // 15
  '  no_more', // 16
  '', // 17
  'begin transports', // 18
  '', // 19
  'remote_smtp:', // 20
  '  driver = smtp', // 21
  '  port = SMTP_PORT', // 22
  '  tls_tempfail_tryclear = false', // 23
  '', // 24
  '.include transports.conf', // 25
  '',
].join('\n');

const INCLUDED = ['# more transports', '# for local delivery', 'local_delivery:', '  driver = appendfile', '  file = /var/mail/$local_part', ''].join('\n');

const pos = (line: number, character: number) => ({ line, character });
const range = (l1: number, c1: number, l2: number, c2: number) => ({ start: pos(l1, c1), end: pos(l2, c2) });

async function session(t: { after: (fn: () => unknown) => void }, capabilities: Record<string, unknown> = DEFAULT_CAPABILITIES): Promise<LspClient> {
  const client = startServer();
  t.after(() => client.shutdown().catch(() => client.dispose()));
  await client.initialize(capabilities);
  return client;
}

function items(result: CompletionItem[] | CompletionList | null): CompletionItem[] {
  if (!result) return [];
  return Array.isArray(result) ? result : result.items;
}

describe('lsp features: one configuration with an .include', () => {
  const main = fixture('single/exim.conf', CONFIG);
  const included = fixture('single/transports.conf', INCLUDED);
  const doc = { textDocument: { uri: main.uri } };

  test('capabilities', async (t) => {
    const client = startServer();
    t.after(() => client.shutdown().catch(() => client.dispose()));
    const { capabilities: caps } = await client.initialize();
    assert.deepEqual(caps.completionProvider.triggerCharacters, ['$', '{', '+', '=', '.']);
    for (const p of ['hoverProvider', 'documentSymbolProvider', 'workspaceSymbolProvider', 'definitionProvider', 'referencesProvider', 'documentHighlightProvider', 'foldingRangeProvider']) assert.equal(caps[p], true, p);
    assert.deepEqual(caps.renameProvider, { prepareProvider: true });
    assert.deepEqual(caps.documentLinkProvider, { resolveProvider: false });
    assert.deepEqual(caps.signatureHelpProvider, { triggerCharacters: ['{'], retriggerCharacters: ['}', ' '] });
    // The existing capabilities stay.
    assert.ok(caps.codeActionProvider.codeActionKinds.includes('quickfix'));
  });

  test('completion: transport options, transport names, driver names; follows edits', async (t) => {
    const client = await session(t);
    client.didOpen(main.uri, main.text);
    const options = items(await client.request('textDocument/completion', { ...doc, position: pos(24, 0) }));
    const labels = options.map((i) => i.label);
    assert.ok(labels.includes('hosts_require_tls') && labels.includes('no_tls_tempfail_tryclear'));
    assert.ok(!labels.includes('check_local_user'));
    const hrt = options.find((i) => i.label === 'hosts_require_tls')!;
    assert.equal(hrt.kind, 10 /* Property */);
    assert.deepEqual(hrt.textEdit, { range: range(24, 0, 24, 0), newText: 'hosts_require_tls' });
    assert.match((hrt.documentation as { kind: string; value: string }).value, /never send in clear text/);

    const transports = items(await client.request('textDocument/completion', { ...doc, position: pos(15, 25) }));
    assert.deepEqual(
      transports.map((i) => [i.label, i.detail, i.kind]),
      [
        ['remote_smtp', 'transport (smtp)', 7],
        ['local_delivery', 'transport (appendfile)', 7],
      ],
    );
    assert.deepEqual(transports[0].textEdit, { range: range(15, 14, 15, 25), newText: 'remote_smtp' });

    // Type "driver =" in a new transport: the driver names, with a space first.
    client.didChange(main.uri, 2, [{ range: range(24, 0, 24, 0), text: 'other:\n  driver =' }]);
    const drivers = items(await client.request('textDocument/completion', { ...doc, position: pos(25, 10), context: { triggerKind: 2, triggerCharacter: '=' } }));
    assert.deepEqual(
      drivers.map((i) => i.label),
      ['appendfile', 'autoreply', 'lmtp', 'pipe', 'smtp'],
    );
    assert.deepEqual(drivers[4].textEdit, { range: range(25, 10, 25, 10), newText: ' smtp' });
  });

  test('completion: the hardening snippets for editors that do not contribute them; none when the client says it has them', async (t) => {
    const client = await session(t);
    client.didOpen(main.uri, main.text);
    const list = items(await client.request('textDocument/completion', { ...doc, position: pos(24, 0) }));
    const snippet = list.find((i) => i.label === 'exim-transport-smtp-hardened');
    assert.ok(snippet, 'snippet offered');
    assert.equal(snippet!.kind, 15 /* Snippet */);
    assert.equal(snippet!.insertTextFormat, 2 /* Snippet */);
    assert.match((snippet!.textEdit as { newText: string }).newText, /^\$\{1:remote_smtp\}:\n {2}driver = smtp\n {2}# TLS for every host/);

    const vscode = startServer();
    t.after(() => vscode.shutdown().catch(() => vscode.dispose()));
    await vscode.request('initialize', { processId: process.pid, rootUri: null, capabilities: DEFAULT_CAPABILITIES, initializationOptions: { snippets: false } });
    vscode.notify('initialized', {});
    vscode.didOpen(main.uri, main.text);
    const plain = items(await vscode.request('textDocument/completion', { ...doc, position: pos(24, 0) }));
    assert.ok(plain.some((i) => i.label === 'hosts_require_tls'));
    assert.ok(!plain.some((i) => i.kind === 15));
  });

  test('hover: option facts and the tls_tempfail_tryclear caveat, macro value, transport TLS posture', async (t) => {
    const client = await session(t);
    client.didOpen(main.uri, main.text);
    const option = await client.request<Hover>('textDocument/hover', { ...doc, position: pos(23, 5) });
    assert.deepEqual(option.range, range(23, 2, 23, 23));
    const md = (option.contents as { kind: string; value: string });
    assert.equal(md.kind, 'markdown');
    assert.match(md.value, /Type: `boolean` · Default: `true`/);
    assert.match(md.value, /a 454 answer to STARTTLS is retried, not bounced/);
    assert.match(md.value, /hosts_require_tls = \* nothing is sent in clear either way/);
    assert.match(md.value, /ch-the_smtp_transport\.html/);

    const macro = await client.request<Hover>('textDocument/hover', { ...doc, position: pos(22, 12) });
    assert.equal((macro.contents as { value: string }).value, '**Macro** `SMTP_PORT`\n\n```exim\nSMTP_PORT = 25\n```\n\nDefined in `exim.conf` line 1.');
    assert.deepEqual(macro.range, range(22, 9, 22, 18));

    const transport = await client.request<Hover>('textDocument/hover', { ...doc, position: pos(15, 18) });
    assert.match((transport.contents as { value: string }).value, /TLS: \*\*opportunistic\*\*/);
    assert.equal(await client.request('textDocument/hover', { ...doc, position: pos(3, 0) }), null);
  });

  test('signature help: the expansion item and argument at the cursor, in UTF-16 columns; null elsewhere', async (t) => {
    const client = await session(t);
    client.didOpen(main.uri, main.text);
    // "😀" is two UTF-16 units (the client's columns); the cursor goes after "{" of the regex argument.
    const line = '  headers_remove = ${sg{😀}{';
    client.didChange(main.uri, 2, [{ range: range(24, 0, 24, 0), text: line }]);
    const help = await client.request<SignatureHelp>('textDocument/signatureHelp', { ...doc, position: pos(24, line.length), context: { triggerKind: 2, triggerCharacter: '{', isRetrigger: false } });
    assert.equal(help.signatures[help.activeSignature!].label, '${sg{<subject>}{<regex>}{<replacement>}}');
    const param = help.signatures[0].parameters![help.activeParameter!].label as [number, number];
    assert.equal(help.signatures[0].label.slice(...param), '{<regex>}');
    assert.equal(await client.request('textDocument/signatureHelp', { ...doc, position: pos(21, 5) }), null);
    assert.equal(await client.request('textDocument/signatureHelp', { ...doc, position: pos(900, 5) }), null);
  });

  test('document symbols, folding ranges and the .include link', async (t) => {
    const client = await session(t);
    client.didOpen(main.uri, main.text);
    const symbols = await client.request<DocumentSymbol[]>('textDocument/documentSymbol', doc);
    assert.deepEqual(
      symbols.map((s) => [s.name, s.kind, s.children?.map((c) => [c.name, c.kind])]),
      [
        ['main', 3, [['SMTP_PORT', 14], ['local_domains', 18]]],
        ['acl', 3, [['acl_check_rcpt', 12]]],
        ['routers', 3, [['dnslookup', 5]]],
        ['transports', 3, [['remote_smtp', 5]]],
      ],
    );
    assert.deepEqual(symbols[3].children![0].range, range(20, 0, 23, 31));
    assert.deepEqual(symbols[3].children![0].selectionRange, range(20, 0, 20, 11));

    const folds = await client.request<FoldingRange[]>('textDocument/foldingRange', doc);
    assert.deepEqual(
      folds.map((f) => [f.startLine, f.endLine]),
      [
        [4, 8],
        [6, 8],
        [10, 16],
        [12, 16],
        [18, 23],
        [20, 23],
      ],
    );
    const includedFolds = await client.request<FoldingRange[]>('textDocument/foldingRange', { textDocument: { uri: included.uri } });
    // Not open itself, but seen through the open file that includes it.
    assert.deepEqual(includedFolds, [
      { startLine: 0, endLine: 1, kind: 'comment' },
      { startLine: 2, endLine: 4 },
    ]);

    const links = await client.request<DocumentLink[]>('textDocument/documentLink', doc);
    assert.deepEqual(links, [{ range: range(25, 9, 25, 24), target: included.uri, tooltip: included.path }]);
  });

  test('definition, references and rename into the included file', async (t) => {
    const client = await session(t);
    client.didOpen(main.uri, main.text);
    client.didOpen(included.uri, included.text);
    // local_delivery is defined in the included file; the open included file sees the main file's tree.
    const defs = await client.request<Location[]>('textDocument/definition', { textDocument: { uri: included.uri }, position: pos(2, 3) });
    assert.deepEqual(defs, [{ uri: included.uri, range: range(2, 0, 2, 14) }]);
    const incFolds = await client.request<FoldingRange[]>('textDocument/foldingRange', { textDocument: { uri: included.uri } });
    assert.deepEqual(incFolds, [
      { startLine: 0, endLine: 1, kind: 'comment' },
      { startLine: 2, endLine: 4 },
    ]);
    // Completion in the included file knows it is in the transports section, in an appendfile transport.
    const opts = items(await client.request('textDocument/completion', { textDocument: { uri: included.uri }, position: pos(5, 0) })).map((i) => i.label);
    assert.ok(opts.includes('maildir_format') && !opts.includes('hosts_require_tls'));

    const refs = await client.request<Location[]>('textDocument/references', { ...doc, position: pos(1, 14), context: { includeDeclaration: true } });
    assert.deepEqual(refs, [
      { uri: main.uri, range: range(1, 11, 1, 24) },
      { uri: main.uri, range: range(7, 20, 7, 33) },
      { uri: main.uri, range: range(14, 15, 14, 28) },
    ]);

    const highlights = await client.request<DocumentHighlight[]>('textDocument/documentHighlight', { ...doc, position: pos(7, 25) });
    assert.deepEqual(highlights, [
      { range: range(1, 11, 1, 24), kind: 3 /* Write */ },
      { range: range(7, 20, 7, 33), kind: 2 /* Read */ },
      { range: range(14, 15, 14, 28), kind: 2 },
    ]);
    // In the included file, only its own occurrence of a transport the main file uses.
    const incHighlights = await client.request<DocumentHighlight[]>('textDocument/documentHighlight', { textDocument: { uri: included.uri }, position: pos(2, 3) });
    assert.deepEqual(incHighlights, [{ range: range(2, 0, 2, 14), kind: 3 }]);
    assert.deepEqual(await client.request('textDocument/documentHighlight', { ...doc, position: pos(900, 0) }), []);

    const prepared = await client.request('textDocument/prepareRename', { ...doc, position: pos(15, 16) });
    assert.deepEqual(prepared, { range: range(15, 14, 15, 25), placeholder: 'remote_smtp' });
    const edit = await client.request<WorkspaceEdit>('textDocument/rename', { ...doc, position: pos(15, 16), newName: 'smarthost' });
    assert.deepEqual(editedUris(edit), [main.uri]);
    const renamed = applyTextEdits(main.text, editsFor(edit, main.uri));
    assert.equal(renamed, main.text.replace('transport = remote_smtp', 'transport = smarthost').replace('remote_smtp:', 'smarthost:'));

    await assert.rejects(client.request('textDocument/rename', { ...doc, position: pos(15, 16), newName: 'bad name' }), (e: unknown) => e instanceof ResponseError && e.code === -32803 && /not a valid transport name/.test(e.message));
    await assert.rejects(client.request('textDocument/prepareRename', { ...doc, position: pos(16, 4) }), (e: unknown) => e instanceof ResponseError && /Nothing to rename here/.test(e.message));

    const symbols = await client.request<SymbolInformation[]>('workspace/symbol', { query: 'deliv' });
    assert.deepEqual(symbols, [{ name: 'local_delivery', kind: 5, location: { uri: included.uri, range: range(2, 0, 2, 14) }, containerName: 'transports' }]);
  });
});

describe('lsp features: a Debian split configuration', () => {
  const root = 'split/exim4/conf.d';
  const mainPart = fixture(`${root}/main/00_main`, 'primary_hostname = mail.example.org\ndomainlist local_domains = @\n');
  const routerHeader = fixture(`${root}/router/00_exim4-config_header`, 'begin routers\n');
  const router = fixture(`${root}/router/200_exim4-config_primary`, ['dnslookup:', '  driver = dnslookup', '  domains = ! +local_domains', '  transport = remote_smtp', '  no_more', ''].join('\n'));
  const transportHeader = fixture(`${root}/transport/00_exim4-config_header`, 'begin transports\n');
  const transport = fixture(`${root}/transport/30_exim4-config_remote_smtp`, ['# the remote transport', 'remote_smtp:', '  driver = smtp', ''].join('\n'));
  void routerHeader;
  void transportHeader;

  test('definition jumps from the router part to the transport part; rename edits both; symbols come from every part', async (t) => {
    const client = await session(t);
    client.didOpen(router.uri, router.text);
    const defs = await client.request<Location[]>('textDocument/definition', { textDocument: { uri: router.uri }, position: pos(3, 16) });
    assert.deepEqual(defs, [{ uri: transport.uri, range: range(1, 0, 1, 11) }]);
    const listDef = await client.request<Location[]>('textDocument/definition', { textDocument: { uri: router.uri }, position: pos(2, 17) });
    assert.deepEqual(listDef, [{ uri: mainPart.uri, range: range(1, 11, 1, 24) }]);

    const refs = await client.request<Location[]>('textDocument/references', { textDocument: { uri: router.uri }, position: pos(3, 16), context: { includeDeclaration: false } });
    assert.deepEqual(refs, [{ uri: router.uri, range: range(3, 14, 3, 25) }]);

    const edit = await client.request<WorkspaceEdit>('textDocument/rename', { textDocument: { uri: router.uri }, position: pos(3, 16), newName: 'remote_tls' });
    assert.deepEqual(editedUris(edit).sort(), [router.uri, transport.uri].sort());
    assert.equal(applyTextEdits(router.text, editsFor(edit, router.uri)), router.text.replace('remote_smtp', 'remote_tls'));
    assert.equal(applyTextEdits(transport.text, editsFor(edit, transport.uri)), transport.text.replace('remote_smtp', 'remote_tls'));

    // The part has no "begin routers" line but knows its section.
    const symbols = await client.request<DocumentSymbol[]>('textDocument/documentSymbol', { textDocument: { uri: router.uri } });
    assert.deepEqual(symbols.map((s) => [s.name, s.children?.map((c) => c.name)]), [['routers', ['dnslookup']]]);
    const opts = items(await client.request('textDocument/completion', { textDocument: { uri: router.uri }, position: pos(5, 0) })).map((i) => i.label);
    assert.ok(opts.includes('same_domain_copy_routing') && !opts.includes('hosts_require_tls'));
    const hover = await client.request<Hover>('textDocument/hover', { textDocument: { uri: router.uri }, position: pos(3, 16) });
    assert.match((hover.contents as { value: string }).value, /^\*\*Transport\*\* `remote_smtp` \(smtp\)\n\nTLS: \*\*opportunistic\*\*/);

    const all = await client.request<SymbolInformation[]>('workspace/symbol', { query: '' });
    assert.deepEqual(
      all.map((s) => [s.name, s.containerName, s.location.uri]),
      [
        ['local_domains', 'main', mainPart.uri],
        ['dnslookup', 'routers', router.uri],
        ['remote_smtp', 'transports', transport.uri],
      ],
    );
  });

  test('an edit in one open part is seen from another', async (t) => {
    const client = await session(t);
    client.didOpen(router.uri, router.text);
    client.didOpen(transport.uri, transport.text);
    client.didChange(transport.uri, 2, [{ range: range(1, 0, 1, 11), text: 'smarthost_smtp' }]);
    const list = items(await client.request('textDocument/completion', { textDocument: { uri: router.uri }, position: pos(3, 25) }));
    assert.deepEqual(
      list.map((i) => i.label),
      ['smarthost_smtp'],
    );
    const defs = await client.request<Location[]>('textDocument/definition', { textDocument: { uri: router.uri }, position: pos(3, 16) });
    assert.deepEqual(defs, []);
  });
});
