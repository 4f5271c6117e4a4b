// The language server over stdio (`node dist/server.js --stdio`), driven by a small
// JSON-RPC client: capabilities, diagnostics, incremental sync, code actions, the
// harden command, robustness against bad input.
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, describe, test } from 'node:test';
import type { CodeAction, CompletionItem, Diagnostic, WorkspaceEdit } from 'vscode-languageserver';
import { applyTextEdits, editedUris, editsFor, LspClient, SERVER_JS, startServer } from '../support/lspClient';

const ROOT = resolve(__dirname, '..', '..', '..');
const RULES_DOC = join(ROOT, 'docs', 'rules.md');

const dir = mkdtempSync(join(tmpdir(), 'exim-lsp-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** Writes a file (so that it exists on disk too) and returns its path and file:// URI. */
function fixture(name: string, text: string): { path: string; uri: string; text: string } {
  const path = join(dir, name);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
  return { path, uri: pathToFileURL(path).href, text };
}

const INSECURE = [
  'primary_hostname = mail.example.org',
  '',
  'begin routers',
  '',
  'dnslookup:',
  '  driver = dnslookup',
  '  transport = remote_smtp',
  '  no_more',
  '',
  'begin transports',
  '',
  'remote_smtp:', // line 11 (0-based)
  '  driver = smtp', // line 12
  '  port = 25',
  '',
  'begin retry',
  '',
  '*   tls_required',
  '*   *   F,2h,15m; G,16h,1h,1.5; F,4d,6h',
  '',
].join('\n');

/** Everything "Harden TLS" can fix at once: missing settings, hosts_avoid_tls, a shadowed retry rule. */
const VERY_INSECURE = [
  'primary_hostname = mail.example.org',
  '',
  'begin routers',
  '',
  'dnslookup:',
  '  driver = dnslookup',
  '  transport = remote_smtp',
  '  no_more',
  '',
  'begin transports',
  '',
  'remote_smtp:',
  '    driver = smtp',
  '    hosts_avoid_tls = 192.0.2.25',
  '',
  'begin retry',
  '',
  '*   *   F,2h,15m; G,16h,1h,1.5; F,4d,6h',
  '*   tls_required',
  '',
].join('\n');

const TRANSPORT_NAME_RANGE = { start: { line: 11, character: 0 }, end: { line: 11, character: 11 } };

const HARDENING_CODES = ['tls-not-required', 'tls-tryclear', 'tls-avoided', 'retry-section-missing', 'retry-tls-required-missing', 'retry-tls-required-shadowed', 'retry-tls-required-retries'];

const codes = (ds: Diagnostic[]) => ds.map((d) => String(d.code)).sort();
const has = (code: string) => (ds: Diagnostic[]) => ds.some((d) => d.code === code);
const lacks = (code: string) => (ds: Diagnostic[]) => !ds.some((d) => d.code === code);

function isHardening(d: Diagnostic): boolean {
  const fixes = (d.data as { fixes?: { hardening?: boolean }[] } | undefined)?.fixes;
  return HARDENING_CODES.includes(String(d.code)) || !!fixes?.some((f) => f.hardening);
}

/** Starts a server, initializes it, and kills it when the test ends. */
async function session(t: { after: (fn: () => unknown) => void }, options: ConstructorParameters<typeof LspClient>[0] = {}): Promise<LspClient> {
  const client = startServer(options);
  t.after(() => client.shutdown().catch(() => client.dispose()));
  await client.initialize();
  return client;
}

/** Applies every edit a WorkspaceEdit makes to `uri` (and checks it touches nothing else). */
function applyWorkspaceEdit(text: string, edit: WorkspaceEdit, uri: string): string {
  assert.deepEqual([...new Set(editedUris(edit))], [uri], `edit touches other documents: ${JSON.stringify(edit)}`);
  return applyTextEdits(text, editsFor(edit, uri));
}

describe('lsp: initialize', () => {
  test('capabilities: quickfix and source.fixAll.exim code actions, the harden command, incremental sync', async (t) => {
    const client = startServer();
    t.after(() => client.shutdown().catch(() => client.dispose()));
    const result = await client.initialize();
    const caps = result.capabilities;
    const sync = typeof caps.textDocumentSync === 'number' ? caps.textDocumentSync : caps.textDocumentSync?.change;
    assert.equal(sync, 2, `incremental sync expected: ${JSON.stringify(caps.textDocumentSync)}`);
    if (typeof caps.textDocumentSync === 'object') assert.equal(caps.textDocumentSync.openClose, true);
    assert.equal(typeof caps.codeActionProvider, 'object', JSON.stringify(caps.codeActionProvider));
    assert.ok(caps.codeActionProvider.codeActionKinds.includes('quickfix'));
    assert.ok(caps.codeActionProvider.codeActionKinds.includes('source.fixAll.exim'));
    assert.ok(caps.executeCommandProvider.commands.includes('exim.server.hardenTls'));
    assert.equal(result.serverInfo?.name, 'exim-language-server');
    // It registers for configuration changes once initialized.
    await client.waitFor('client/registerCapability', () =>
      client.serverRequests.find((r) => r.method === 'client/registerCapability' && JSON.stringify(r.params).includes('workspace/didChangeConfiguration')),
    );
  });

  test('shutdown and exit end the process with status 0', async () => {
    const client = startServer();
    try {
      await client.initialize();
      await client.request('shutdown', null);
      client.notify('exit');
      await client.waitFor('exit', () => client.exit);
      assert.equal(client.exit?.code, 0);
    } finally {
      client.dispose();
    }
  });
});

describe('lsp: diagnostics', () => {
  test('an insecure transport: tls-not-required and tls-tryclear warnings at its name', async (t) => {
    const client = await session(t);
    const doc = fixture('diag/insecure.conf', INSECURE);
    client.didOpen(doc.uri, doc.text);
    const ds = await client.waitForDiagnostics(doc.uri, (d) => has('tls-not-required')(d) && has('tls-tryclear')(d));
    assert.deepEqual(codes(ds), ['tls-not-required', 'tls-tryclear'], JSON.stringify(ds, null, 1));
    for (const d of ds) {
      assert.deepEqual(d.range, TRANSPORT_NAME_RANGE);
      assert.equal(d.severity, 2, 'warning');
      assert.equal(d.source, 'exim');
      assert.match(d.message, /remote_smtp/);
      const fixes = (d.data as { fixes?: { title: string; edits: unknown[]; hardening?: boolean }[] } | undefined)?.fixes;
      assert.ok(Array.isArray(fixes) && fixes.length > 0, `data.fixes missing: ${JSON.stringify(d)}`);
      assert.ok(fixes.every((f) => typeof f.title === 'string' && Array.isArray(f.edits) && f.edits.length > 0));
      assert.ok(fixes.some((f) => f.hardening === true));
      if (existsSync(RULES_DOC)) {
        assert.ok(d.codeDescription, `codeDescription missing although ${RULES_DOC} exists`);
        assert.ok(d.codeDescription.href.endsWith(`#${d.code}`), d.codeDescription.href);
        assert.ok(d.codeDescription.href.startsWith('file://') || d.codeDescription.href.startsWith('http'), d.codeDescription.href);
        assert.ok(readFileSync(RULES_DOC, 'utf8').includes(String(d.code)), `${RULES_DOC} does not document ${d.code}`);
      } else {
        assert.equal(d.codeDescription, undefined, 'a link to documentation that does not exist');
      }
    }
    // The diagnostics carry the document version.
    const last = client.diagnosticsHistory(doc.uri).at(-1)!;
    assert.equal(last.version, 1);
  });

  test('a lone .endif: conditional-unmatched error over the keyword', async (t) => {
    const client = await session(t);
    const doc = fixture('diag/endif.conf', ['primary_hostname = mail.example.org', '.endif', '', 'begin retry', '*   *   F,2h,15m', ''].join('\n'));
    client.didOpen(doc.uri, doc.text);
    const ds = await client.waitForDiagnostics(doc.uri, has('conditional-unmatched'));
    const d = ds.find((x) => x.code === 'conditional-unmatched')!;
    assert.equal(d.severity, 1, 'error');
    assert.equal(d.source, 'exim');
    assert.deepEqual(d.range, { start: { line: 1, character: 0 }, end: { line: 1, character: 6 } });
    assert.deepEqual(codes(ds), ['conditional-unmatched']);
  });

  test('an unknown option: error with a did-you-mean quick fix', async (t) => {
    const client = await session(t);
    const doc = fixture('diag/typo.conf', ['primary_hostname = mail.example.org', '  tls_advertise_hostz = *', '', 'begin retry', '*   *   F,2h,15m', ''].join('\n'));
    client.didOpen(doc.uri, doc.text);
    const ds = await client.waitForDiagnostics(doc.uri, has('unknown-option'));
    const d = ds.find((x) => x.code === 'unknown-option')!;
    assert.equal(d.severity, 1);
    assert.deepEqual(d.range, { start: { line: 1, character: 2 }, end: { line: 1, character: 21 } });
    const actions = await client.request<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri: doc.uri },
      range: d.range,
      context: { diagnostics: [d], only: ['quickfix'] },
    });
    const rename = actions.find((a) => a.kind === 'quickfix' && /tls_advertise_hosts/.test(a.title));
    assert.ok(rename, JSON.stringify(actions));
    assert.equal(applyWorkspaceEdit(doc.text, rename.edit!, doc.uri).split('\n')[1], '  tls_advertise_hosts = *');
  });

  test('a clean configuration: an empty diagnostics list is published', async (t) => {
    const client = await session(t);
    const doc = fixture('diag/clean.conf', ['primary_hostname = mail.example.org', '', 'begin retry', '*   *   F,2h,15m', ''].join('\n'));
    client.didOpen(doc.uri, doc.text);
    const ds = await client.waitForDiagnostics(doc.uri);
    assert.deepEqual(ds, []);
  });

  test('the editor text counts, not the file on disk', async (t) => {
    const client = await session(t);
    const doc = fixture('diag/dirty.conf', ['primary_hostname = mail.example.org', '', 'begin retry', '*   *   F,2h,15m', ''].join('\n'));
    client.didOpen(doc.uri, INSECURE);
    await client.waitForDiagnostics(doc.uri, (d) => has('tls-not-required')(d) && has('tls-tryclear')(d));
  });

  test('didChange (incremental): adding hosts_require_tls removes tls-not-required', async (t) => {
    const client = await session(t);
    const doc = fixture('change/insecure.conf', INSECURE);
    client.didOpen(doc.uri, doc.text);
    await client.waitForDiagnostics(doc.uri, has('tls-not-required'));
    client.didChange(doc.uri, 2, [{ range: { start: { line: 13, character: 0 }, end: { line: 13, character: 0 } }, text: '  hosts_require_tls = *\n' }]);
    const ds = await client.waitForDiagnostics(doc.uri, (_d, p) => p.version === 2);
    assert.ok(lacks('tls-not-required')(ds), JSON.stringify(ds, null, 1));
    // tls_tempfail_tryclear is still true: that warning stays, still at the transport name.
    const tryclear = ds.find((d) => d.code === 'tls-tryclear');
    assert.ok(tryclear, JSON.stringify(ds, null, 1));
    assert.deepEqual(tryclear.range, TRANSPORT_NAME_RANGE);

    // Undo it with a second incremental change: the warning comes back.
    client.didChange(doc.uri, 3, [{ range: { start: { line: 13, character: 0 }, end: { line: 14, character: 0 } }, text: '' }]);
    const back = await client.waitForDiagnostics(doc.uri, (_d, p) => p.version === 3);
    assert.ok(has('tls-not-required')(back), JSON.stringify(back, null, 1));
  });

  test('typing inside settings (re-read in place) gives the diagnostics of a fresh open of the same text', async (t) => {
    const client = await session(t);
    const doc = fixture('change/typing.conf', INSECURE);
    client.didOpen(doc.uri, doc.text);
    await client.waitForDiagnostics(doc.uri, has('tls-not-required'));
    // "  port = 25" (line 13) becomes "  port = 2525", then "  prt = 2525" (an unknown option), one keystroke at a time.
    let text = doc.text;
    const keystrokes = [
      { range: { start: { line: 13, character: 11 }, end: { line: 13, character: 11 } }, text: '2' },
      { range: { start: { line: 13, character: 12 }, end: { line: 13, character: 12 } }, text: '5' },
      { range: { start: { line: 13, character: 3 }, end: { line: 13, character: 4 } }, text: '' },
    ];
    let version = 1;
    let ds: Diagnostic[] = [];
    for (const k of keystrokes) {
      text = applyTextEdits(text, [{ range: k.range, newText: k.text }]);
      client.didChange(doc.uri, ++version, [k]);
      const v = version;
      ds = await client.waitForDiagnostics(doc.uri, (_d, p) => p.version === v);
    }
    assert.ok(text.includes('  prt = 2525\n'), text);
    assert.ok(ds.some((d) => d.code === 'unknown-option' && d.range.start.line === 13), JSON.stringify(ds, null, 1));
    const fresh = fixture('change/typing-fresh.conf', text);
    client.didOpen(fresh.uri, text);
    const expected = await client.waitForDiagnostics(fresh.uri, () => true);
    const strip = (d: Diagnostic[]) => JSON.stringify(d.map(({ data: _data, ...rest }) => rest));
    assert.equal(strip(ds), strip(expected));
  });

  test('didChange (incremental): several changes in one notification apply in order', async (t) => {
    const client = await session(t);
    const doc = fixture('change/multi.conf', INSECURE);
    client.didOpen(doc.uri, doc.text);
    await client.waitForDiagnostics(doc.uri, has('tls-tryclear'));
    client.didChange(doc.uri, 2, [
      { range: { start: { line: 13, character: 0 }, end: { line: 13, character: 0 } }, text: '  hosts_require_tls = *\n' },
      // Positions of the second change are relative to the text after the first.
      { range: { start: { line: 14, character: 0 }, end: { line: 14, character: 0 } }, text: '  tls_tempfail_tryclear = false\n' },
    ]);
    const ds = await client.waitForDiagnostics(doc.uri, (_d, p) => p.version === 2);
    assert.deepEqual(ds.filter(isHardening), []);
  });

  test('didChange (full text) is accepted too', async (t) => {
    const client = await session(t);
    const doc = fixture('change/full.conf', INSECURE);
    client.didOpen(doc.uri, doc.text);
    await client.waitForDiagnostics(doc.uri, has('tls-tryclear'));
    client.didChange(doc.uri, 2, [{ text: '.endif\n' }]);
    const ds = await client.waitForDiagnostics(doc.uri, (_d, p) => p.version === 2);
    assert.ok(has('conditional-unmatched')(ds));
    assert.ok(lacks('tls-tryclear')(ds));
  });

  test('didClose clears the diagnostics', async (t) => {
    const client = await session(t);
    const doc = fixture('close/insecure.conf', INSECURE);
    client.didOpen(doc.uri, doc.text);
    await client.waitForDiagnostics(doc.uri, (d) => d.length > 0);
    client.didClose(doc.uri);
    const ds = await client.waitForDiagnostics(doc.uri, (d) => d.length === 0);
    assert.deepEqual(ds, []);
    // And nothing is published for it afterwards (a pending analysis must not resurrect them).
    await new Promise((r) => setTimeout(r, 200));
    assert.deepEqual(client.diagnosticsHistory(doc.uri).at(-1)!.diagnostics, []);
  });

  test('didClose right after a change: no stale diagnostics afterwards', async (t) => {
    const client = await session(t);
    const doc = fixture('close/racy.conf', INSECURE);
    client.didOpen(doc.uri, doc.text);
    client.didChange(doc.uri, 2, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '# edited\n' }]);
    client.didClose(doc.uri);
    await client.waitForDiagnostics(doc.uri, (d) => d.length === 0);
    await new Promise((r) => setTimeout(r, 200));
    assert.deepEqual(client.diagnosticsHistory(doc.uri).at(-1)!.diagnostics, []);
  });

  test('exim.rules settings change severities (workspace/configuration)', async (t) => {
    const client = await session(t, { configuration: (section) => (section === 'exim' ? { rules: { 'tls-tryclear': 'error', 'tls-not-required': 'off' } } : {}) });
    const doc = fixture('settings/insecure.conf', INSECURE);
    client.didOpen(doc.uri, doc.text);
    // The server reads the settings at start, and again on each configuration change.
    const first = await client.waitForDiagnostics(doc.uri, (d) => d.some((x) => x.code === 'tls-tryclear' && x.severity === 1));
    assert.ok(!first.some((d) => d.code === 'tls-not-required'), JSON.stringify(first));
    const before = client.serverRequests.filter((r) => r.method === 'workspace/configuration').length;
    client.notify('workspace/didChangeConfiguration', { settings: null });
    const ds = await client.waitForDiagnostics(doc.uri, lacks('tls-not-required'));
    assert.equal(ds.find((d) => d.code === 'tls-tryclear')?.severity, 1, JSON.stringify(ds));
    assert.ok(before >= 1);
    const start = Date.now();
    while (client.serverRequests.filter((r) => r.method === 'workspace/configuration').length <= before && Date.now() - start < 5000) await new Promise((r) => setTimeout(r, 20));
    assert.ok(client.serverRequests.filter((r) => r.method === 'workspace/configuration').length > before, 'settings read again after the change');
  });

  test('a document in a split configuration is analysed with its sibling parts', async (t) => {
    const client = await session(t);
    const base = 'split/conf.d';
    fixture(`${base}/main/01_options`, 'primary_hostname = mail.example.org\n');
    fixture(`${base}/router/00_header`, 'begin routers\n');
    fixture(`${base}/router/200_dnslookup`, 'dnslookup:\n  driver = dnslookup\n  transport = remote_smtp\n');
    fixture(`${base}/transport/00_header`, 'begin transports\n');
    fixture(`${base}/retry/00_header`, 'begin retry\n');
    fixture(`${base}/retry/30_rules`, '*   tls_required\n*   *   F,2h,15m\n');
    const part = fixture(`${base}/transport/30_remote_smtp`, '# remote delivery\nremote_smtp:\n  driver = smtp\n');
    client.didOpen(part.uri, part.text);
    const ds = await client.waitForDiagnostics(part.uri, has('tls-not-required'));
    // Without the header part, "remote_smtp:" would be an unknown main option.
    assert.deepEqual(codes(ds), ['tls-not-required', 'tls-tryclear'], JSON.stringify(ds, null, 1));
    assert.deepEqual(ds[0].range, { start: { line: 1, character: 0 }, end: { line: 1, character: 11 } });
  });
});

describe('lsp: split configurations and encodings', () => {
  test('an edit in one open part re-analyses the other open parts of the same conf.d', async (t) => {
    const client = await session(t);
    const base = 'split-stale/conf.d';
    fixture(`${base}/main/01_options`, 'primary_hostname = mail.example.org\n');
    fixture(`${base}/router/00_header`, 'begin routers\n');
    const a = fixture(`${base}/router/100_first`, 'twin:\n  driver = accept\n');
    const b = fixture(`${base}/router/200_second`, 'twin:\n  driver = accept\n');
    fixture(`${base}/retry/00_header`, 'begin retry\n');
    fixture(`${base}/retry/30_rules`, '*   *   F,2h,15m\n');
    client.didOpen(a.uri, a.text);
    client.didOpen(b.uri, b.text);
    const dup = await client.waitForDiagnostics(b.uri, has('duplicate-name'));
    assert.deepEqual(dup.find((d) => d.code === 'duplicate-name')!.range, { start: { line: 0, character: 0 }, end: { line: 0, character: 4 } });
    // Renaming the first router (not yet saved) resolves the clash reported in the second part.
    client.didChange(a.uri, 2, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 4 } }, text: 'single' }]);
    await client.waitForDiagnostics(a.uri, (_d, p) => p.version === 2);
    await client.waitForDiagnostics(b.uri, lacks('duplicate-name'), 2000);
  });

  test('an edit in an open included file re-analyses the open document that includes it', async (t) => {
    const client = await session(t);
    const b = fixture('include-stale/b.conf', 't1:\n  driver = smtp\n  hosts_require_tls = *\n  tls_tempfail_tryclear = false\n');
    const a = fixture(
      'include-stale/a.conf',
      ['begin routers', 'r:', '  driver = manualroute', '  route_list = * 192.0.2.1', '  transport = t1', 'begin transports', `.include ${b.path}`, 'begin retry', '*   tls_required', '*   *   F,2h,15m', ''].join('\n'),
    );
    client.didOpen(a.uri, a.text);
    client.didOpen(b.uri, b.text);
    await client.waitForDiagnostics(a.uri, lacks('transport-undefined'));
    // Renaming the transport in the included file (not saved) breaks the router in a.conf.
    client.didChange(b.uri, 2, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 2 } }, text: 't2' }]);
    const ds = await client.waitForDiagnostics(a.uri, has('transport-undefined'), 2000);
    assert.match(ds.find((d) => d.code === 'transport-undefined')!.message, /transport "t1" not found in r router/);
    // Closing it without saving: a.conf reads the file on disk again, where t1 is defined.
    client.didClose(b.uri);
    await client.waitForDiagnostics(a.uri, lacks('transport-undefined'), 2000);
  });

  test('an included file that changes or appears on disk re-analyses the open document that includes it', async (t) => {
    const client = await session(t);
    // The server asks the client to report file changes in the workspace.
    await client.waitFor('client/registerCapability', () => client.registrations.find((r) => r.method === 'workspace/didChangeWatchedFiles'), 2000);
    assert.deepEqual(client.registrations.find((r) => r.method === 'workspace/didChangeWatchedFiles')!.registerOptions, { watchers: [{ globPattern: '**/*' }] });
    const b = fixture('include-disk/b.conf', 't1:\n  driver = smtp\n  hosts_require_tls = *\n  tls_tempfail_tryclear = false\n');
    const missing = join(dirname(b.path), 'later.conf');
    rmSync(missing, { force: true });
    const a = fixture(
      'include-disk/a.conf',
      ['begin routers', 'r:', '  driver = manualroute', '  route_list = * 192.0.2.1', '  transport = t1', 'begin transports', `.include ${b.path}`, `.include_if_exists ${missing}`, 'begin retry', '*   tls_required', '*   *   F,2h,15m', ''].join('\n'),
    );
    client.didOpen(a.uri, a.text);
    await client.waitForDiagnostics(a.uri, lacks('transport-undefined'));
    // Another program renames the transport in the included file, which is not open.
    writeFileSync(b.path, b.text.replace('t1:', 't2:'));
    client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: b.uri, type: 2 }] });
    const ds = await client.waitForDiagnostics(a.uri, has('transport-undefined'), 2000);
    assert.match(ds.find((d) => d.code === 'transport-undefined')!.message, /transport "t1" not found in r router/);
    // An optional include that did not exist appears, and defines t1.
    writeFileSync(missing, 't1:\n  driver = smtp\n  hosts_require_tls = *\n  tls_tempfail_tryclear = false\n');
    client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: pathToFileURL(missing).href, type: 1 }] });
    await client.waitForDiagnostics(a.uri, lacks('transport-undefined'), 2000);
    // A change to a file the configuration does not read changes nothing, and is harmless.
    client.notify('workspace/didChangeWatchedFiles', { changes: [{ uri: pathToFileURL(join(dir, 'unrelated.txt')).href, type: 3 }, { uri: 'untitled:x', type: 2 }] });
    assert.equal((await client.request<{ contents: unknown } | null>('textDocument/hover', { textDocument: { uri: a.uri }, position: { line: 4, character: 3 } })) !== undefined, true);
  });

  test('Debian\'s exim4.conf.template is read after the exim4.conf.localmacros beside it, open or on disk', async (t) => {
    const client = await session(t);
    const macros = fixture('debian-nonsplit/exim4.conf.localmacros', 'REMOTE_TLS = *\n');
    const template = fixture(
      'debian-nonsplit/exim4.conf.template',
      ['begin routers', 'r:', '  driver = manualroute', '  route_list = * smtp.example.net', '  transport = t', 'begin transports', 't:', '  driver = smtp', '.ifdef REMOTE_TLS', '  hosts_require_tls = REMOTE_TLS', '.endif', '  tls_tempfail_tryclear = false', 'begin retry', '*   tls_required', '*   *   F,2h,15m', ''].join('\n'),
    );
    client.didOpen(template.uri, template.text);
    await client.waitForDiagnostics(template.uri, lacks('tls-not-required'));
    // Unsaved edits to the macros file count.
    client.didOpen(macros.uri, macros.text);
    client.didChange(macros.uri, 2, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 10 } }, text: 'OTHER' }]);
    await client.waitForDiagnostics(template.uri, has('tls-not-required'), 2000);
  });

  test('a document that starts with a byte order mark: ranges on line 0 count the BOM', async (t) => {
    const client = await session(t);
    const text = '\ufefftls_advertise_hostz = *\n\nbegin retry\n*   *   F,2h,15m\n';
    const doc = fixture('bom/bom.conf', text);
    client.didOpen(doc.uri, text);
    const ds = await client.waitForDiagnostics(doc.uri, has('unknown-option'));
    const d = ds.find((x) => x.code === 'unknown-option')!;
    // In the document the client holds, the BOM is character 0 of line 0.
    assert.deepEqual(d.range, { start: { line: 0, character: 1 }, end: { line: 0, character: 20 } });
    const actions = await client.request<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri: doc.uri },
      range: d.range,
      context: { diagnostics: [d], only: ['quickfix'] },
    });
    const rename = actions.find((a) => /tls_advertise_hosts/.test(a.title));
    assert.ok(rename, JSON.stringify(actions));
    assert.equal(applyWorkspaceEdit(text, rename.edit!, doc.uri).split('\n')[0], '\ufefftls_advertise_hosts = *');
  });
});

describe('lsp: a lone carriage return', () => {
  // Exim reads "# note:\rsee below" as one comment line; LSP clients (and the server's own
  // document) break the line at the "\r". Ranges and edits must be in the client's lines.
  const text = '# note:\rsee below\nbegin routers\nr:\n  driver = manualroute\n  route_list = * h.example\n  transport = t\n\nbegin transports\nt:\n  driver = smtp\n  hosts_require_tls = *\n  tls_tempfail_tryclear = true\n\nbegin retry\n*   tls_required\n*   *   F,2h,15m\n';
  const clientLines = text.split(/\r\n|\r|\n/);
  const tryclearLine = clientLines.indexOf('  tls_tempfail_tryclear = true');

  test('diagnostics, quick-fixes and fix-all land on the lines the client shows', async (t) => {
    const client = await session(t);
    const doc = fixture('lone-cr/exim.conf', text);
    client.didOpen(doc.uri, text);
    const ds = await client.waitForDiagnostics(doc.uri, has('tls-tryclear'));
    assert.equal(ds.filter((d) => d.code !== 'tls-tryclear').length, 0, JSON.stringify(ds));
    const d = ds.find((x) => x.code === 'tls-tryclear')!;
    assert.equal(d.range.start.line, tryclearLine, `the finding points at the setting: ${JSON.stringify(d.range)}`);
    const expected = text.replace('tls_tempfail_tryclear = true', 'tls_tempfail_tryclear = false');
    const quick = await client.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri: doc.uri }, range: d.range, context: { diagnostics: [d], only: ['quickfix'] } });
    assert.equal(quick.length, 1, JSON.stringify(quick));
    assert.equal(applyWorkspaceEdit(text, quick[0].edit!, doc.uri), expected);
    const all = await client.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri: doc.uri }, range: d.range, context: { diagnostics: [], only: ['source.fixAll.exim'] } });
    assert.equal(all.length, 1, JSON.stringify(all));
    assert.equal(applyWorkspaceEdit(text, all[0].edit!, doc.uri), expected);
  });

  test('positions the client sends are read on its lines (hover, definition)', async (t) => {
    const client = await session(t);
    const doc = fixture('lone-cr/nav.conf', text);
    client.didOpen(doc.uri, text);
    await client.waitForDiagnostics(doc.uri);
    const transportLine = clientLines.indexOf('  transport = t');
    const defs = await client.request<{ uri: string; range: { start: { line: number } } }[]>('textDocument/definition', { textDocument: { uri: doc.uri }, position: { line: transportLine, character: 14 } });
    assert.deepEqual(
      defs.map((l) => clientLines[l.range.start.line]),
      ['t:'],
    );
    const hover = await client.request<{ contents: { value: string } } | null>('textDocument/hover', { textDocument: { uri: doc.uri }, position: { line: tryclearLine, character: 4 } });
    assert.match(hover?.contents.value ?? '', /tls_tempfail_tryclear/);
  });
});

describe('lsp: code actions', () => {
  test('quickfix for tls-not-required inserts hosts_require_tls = * after the driver line', async (t) => {
    const client = await session(t);
    const doc = fixture('actions/quickfix.conf', INSECURE);
    client.didOpen(doc.uri, doc.text);
    const ds = await client.waitForDiagnostics(doc.uri, has('tls-not-required'));
    const d = ds.find((x) => x.code === 'tls-not-required')!;
    const actions = await client.request<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri: doc.uri },
      range: d.range,
      context: { diagnostics: [d], triggerKind: 1 },
    });
    const fix = actions.find((a) => a.kind === 'quickfix' && /hosts_require_tls/.test(a.title));
    assert.ok(fix, JSON.stringify(actions, null, 1));
    assert.equal(fix.isPreferred, true);
    assert.deepEqual(fix.diagnostics?.map((x) => x.code), ['tls-not-required']);
    const edits = editsFor(fix.edit!, doc.uri);
    assert.deepEqual(edits, [{ range: { start: { line: 13, character: 0 }, end: { line: 13, character: 0 } }, newText: '  hosts_require_tls = *\n' }]);
    const fixed = applyWorkspaceEdit(doc.text, fix.edit!, doc.uri).split('\n');
    assert.deepEqual(fixed.slice(12, 15), ['  driver = smtp', '  hosts_require_tls = *', '  port = 25']);
  });

  test('a quick-fix in a diagnostic whose data names a file the configuration does not read is not offered', async (t) => {
    const client = await session(t);
    const doc = fixture('actions/foreign.conf', INSECURE);
    client.didOpen(doc.uri, doc.text);
    const ds = await client.waitForDiagnostics(doc.uri, has('tls-not-required'));
    const d = ds.find((x) => x.code === 'tls-not-required')!;
    // The client's copy of the diagnostic carries the fixes: one aimed at another file, one malformed.
    const forged = {
      ...d,
      data: {
        fixes: [
          { title: 'elsewhere', edits: [{ file: '/proc/self/pagemap', range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, newText: 'x' }] },
          { title: 'broken', edits: 'not a list' },
          ...((d.data as { fixes: unknown[] }).fixes ?? []),
        ],
      },
    };
    const actions = await client.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri: doc.uri }, range: d.range, context: { diagnostics: [forged] } });
    const titles = actions.map((a) => a.title);
    assert.ok(!titles.includes('elsewhere') && !titles.includes('broken'), JSON.stringify(titles));
    assert.ok(titles.some((x) => /hosts_require_tls/.test(x)), JSON.stringify(titles));
  });

  test('quickfix for tls-tryclear adds tls_tempfail_tryclear = false', async (t) => {
    const client = await session(t);
    const doc = fixture('actions/tryclear.conf', INSECURE);
    client.didOpen(doc.uri, doc.text);
    const ds = await client.waitForDiagnostics(doc.uri, has('tls-tryclear'));
    const d = ds.find((x) => x.code === 'tls-tryclear')!;
    const actions = await client.request<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri: doc.uri },
      range: d.range,
      context: { diagnostics: [d], only: ['quickfix'] },
    });
    const fix = actions.find((a) => a.kind === 'quickfix' && /tls_tempfail_tryclear/.test(a.title));
    assert.ok(fix, JSON.stringify(actions, null, 1));
    const fixed = applyWorkspaceEdit(doc.text, fix.edit!, doc.uri).split('\n');
    assert.deepEqual(fixed.slice(12, 15), ['  driver = smtp', '  tls_tempfail_tryclear = false', '  port = 25']);
  });

  test('only: ["source.fixAll.exim"] gives an action whose edit hardens the whole file', async (t) => {
    const client = await session(t);
    const doc = fixture('actions/fixall.conf', VERY_INSECURE);
    client.didOpen(doc.uri, doc.text);
    const before = await client.waitForDiagnostics(doc.uri, (d) => has('tls-not-required')(d) && has('tls-avoided')(d) && has('retry-tls-required-shadowed')(d));
    assert.ok(before.filter(isHardening).length >= 4, JSON.stringify(before, null, 1));
    const actions = await client.request<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri: doc.uri },
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      context: { diagnostics: [], only: ['source.fixAll.exim'] },
    });
    assert.ok(actions.every((a) => a.kind === 'source.fixAll.exim'), `only source.fixAll.exim was asked for: ${JSON.stringify(actions.map((a) => a.kind))}`);
    assert.equal(actions.length, 1, JSON.stringify(actions, null, 1));
    const fixedText = applyWorkspaceEdit(doc.text, actions[0].edit!, doc.uri);
    const lines = fixedText.split('\n');
    const driver = lines.indexOf('    driver = smtp');
    assert.deepEqual(lines.slice(driver + 1, driver + 3).sort(), ['    hosts_require_tls = *', '    tls_tempfail_tryclear = false']);
    assert.doesNotMatch(fixedText, /hosts_avoid_tls/);
    assert.ok(fixedText.indexOf('*   tls_required') < fixedText.indexOf('*   *   F,2h'), fixedText);

    // Re-open the result (as another document): nothing left to harden.
    const reopened = fixture('actions/fixall-result.conf', fixedText);
    client.didOpen(reopened.uri, reopened.text);
    const after = await client.waitForDiagnostics(reopened.uri);
    assert.deepEqual(after.filter(isHardening), [], JSON.stringify(after, null, 1));
    // And the same document, changed to that text.
    client.didChange(doc.uri, 2, [{ text: fixedText }]);
    const changed = await client.waitForDiagnostics(doc.uri, (_d, p) => p.version === 2);
    assert.deepEqual(changed.filter(isHardening), []);
    // Now there is nothing to offer.
    const none = await client.request<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri: doc.uri },
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      context: { diagnostics: [], only: ['source.fixAll.exim'] },
    });
    assert.deepEqual(none, []);
  });

  test('only: ["source.fixAll"] and ["source"] include the Exim fix-all action', async (t) => {
    const client = await session(t);
    const doc = fixture('actions/fixall-parent.conf', INSECURE);
    client.didOpen(doc.uri, doc.text);
    await client.waitForDiagnostics(doc.uri, has('tls-tryclear'));
    for (const only of [['source.fixAll'], ['source']]) {
      const actions = await client.request<CodeAction[]>('textDocument/codeAction', {
        textDocument: { uri: doc.uri },
        range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
        context: { diagnostics: [], only },
      });
      assert.ok(actions.some((a) => a.kind === 'source.fixAll.exim'), `${JSON.stringify(only)}: ${JSON.stringify(actions)}`);
      assert.ok(actions.every((a) => a.kind !== 'quickfix'), `${JSON.stringify(only)}: quickfix returned`);
    }
  });

  test('workspace/executeCommand exim.server.hardenTls sends workspace/applyEdit with the hardening', async (t) => {
    const client = await session(t);
    const doc = fixture('actions/command.conf', INSECURE);
    client.didOpen(doc.uri, doc.text);
    await client.waitForDiagnostics(doc.uri, has('tls-not-required'));
    const result = await client.request<{ applied: boolean; changes: number }>('workspace/executeCommand', { command: 'exim.server.hardenTls', arguments: [doc.uri] });
    assert.equal(client.appliedEdits.length, 1);
    assert.equal(result.applied, true);
    assert.ok(result.changes >= 2, JSON.stringify(result));
    const applyRequest = client.serverRequests.find((r) => r.method === 'workspace/applyEdit')!;
    assert.ok(applyRequest);
    const fixedText = applyWorkspaceEdit(doc.text, client.appliedEdits[0], doc.uri);
    const lines = fixedText.split('\n');
    assert.deepEqual(lines.slice(13, 15).sort(), ['  hosts_require_tls = *', '  tls_tempfail_tryclear = false']);
    // The editor applies it and reports the change: the warnings go away.
    client.didChange(doc.uri, 2, [{ text: fixedText }]);
    const ds = await client.waitForDiagnostics(doc.uri, (_d, p) => p.version === 2);
    assert.deepEqual(ds.filter(isHardening), []);
    // Nothing left: no second edit.
    const again = await client.request<{ applied: boolean; changes: number }>('workspace/executeCommand', { command: 'exim.server.hardenTls', arguments: [doc.uri] });
    assert.equal(again.changes, 0);
    assert.equal(client.appliedEdits.length, 1);
  });

  test('exim.server.hardenTls in an editor that cannot apply edits: an error that names the code action, no edit sent', async (t) => {
    const client = startServer();
    t.after(() => client.shutdown().catch(() => client.dispose()));
    await client.initialize({ workspace: {}, textDocument: {} });
    const doc = fixture('actions/no-apply.conf', INSECURE);
    client.didOpen(doc.uri, doc.text);
    await client.waitForDiagnostics(doc.uri, has('tls-not-required'));
    await assert.rejects(client.request('workspace/executeCommand', { command: 'exim.server.hardenTls', arguments: [doc.uri] }), (e: Error) => /cannot|does not apply edits.*Harden TLS in this file/.test(e.message));
    assert.equal(client.serverRequests.filter((r) => r.method === 'workspace/applyEdit').length, 0);
  });

  test('fix-all on a text that ends in a lone carriage return: the same text as exim-lint --fix, line breaks kept', async (t) => {
    const client = await session(t);
    const cases: [string, string][] = [
      [
        'begin transports\r\nt:\r\n  driver = smtp\r',
        'begin transports\r\nt:\r\n  driver = smtp\r\n  hosts_require_tls = *\r\n  tls_tempfail_tryclear = false\r\n\r\nbegin retry\r\n\r\n*   refused\r\n*   quota\r\n*   tls_required\r\n*   *   F,2h,15m; G,16h,1h,1.5; F,4d,6h\r\n\r',
      ],
      // Line feeds only, and a lone "\r" at the end: new lines end in "\n".
      [
        'begin transports\nt:\n  driver = smtp\n\r',
        'begin transports\nt:\n  driver = smtp\n  hosts_require_tls = *\n  tls_tempfail_tryclear = false\n\nbegin retry\n\n*   refused\n*   quota\n*   tls_required\n*   *   F,2h,15m; G,16h,1h,1.5; F,4d,6h\n\n\r',
      ],
    ];
    for (const [i, [text, expected]] of cases.entries()) {
      const doc = fixture(`actions/lone-cr-${i}.conf`, text);
      client.didOpen(doc.uri, text);
      await client.waitForDiagnostics(doc.uri, has('tls-not-required'));
      const actions = await client.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri: doc.uri }, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, context: { diagnostics: [], only: ['source.fixAll.exim'] } });
      assert.equal(applyWorkspaceEdit(text, actions[0].edit!, doc.uri), expected, JSON.stringify(text));
      const cli = spawnSync(process.execPath, [join(dirname(SERVER_JS), 'cli.js'), '--fix', doc.path], { encoding: 'utf8' });
      assert.ok(cli.status === 0 || cli.status === 1, cli.stderr);
      assert.equal(readFileSync(doc.path, 'utf8'), expected, `exim-lint --fix ${JSON.stringify(text)}`);
    }
  });

  test('the fix-all edit is made against the editor text, not the file on disk', async (t) => {
    const client = await session(t);
    // On disk: something else entirely.
    const doc = fixture('actions/dirty.conf', '# not yet saved\n');
    client.didOpen(doc.uri, INSECURE);
    await client.waitForDiagnostics(doc.uri, has('tls-not-required'));
    const actions = await client.request<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri: doc.uri },
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      context: { diagnostics: [], only: ['source.fixAll.exim'] },
    });
    assert.equal(actions.length, 1);
    const fixed = applyWorkspaceEdit(INSECURE, actions[0].edit!, doc.uri);
    assert.equal(fixed.split('\n').length, INSECURE.split('\n').length + 2, fixed);
    assert.match(fixed, /\n {2}driver = smtp\n {2}(hosts_require_tls = \*|tls_tempfail_tryclear = false)\n/);
    assert.match(fixed, /^primary_hostname = mail\.example\.org\n/);
  });

  /** A file whose path has characters that VS Code percent-encodes in URIs and Node's pathToFileURL does not. */
  function vscodeStyleDocument(name: string) {
    const doc = fixture(`actions/with (parens) + plus/${name}`, '# on disk: not saved yet\n');
    // VS Code encodes every character but [A-Za-z0-9-._~/] in a file URI path.
    const uri = 'file://' + doc.path.replace(/[^A-Za-z0-9\-._~/]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0'));
    assert.notEqual(uri, doc.uri, 'the test needs a URI that differs from pathToFileURL');
    return uri;
  }

  test('a percent-encoded file URI (as VS Code sends it): the fix-all edit is made against the editor text', async (t) => {
    const client = await session(t);
    const uri = vscodeStyleDocument('fixall.conf');
    client.didOpen(uri, INSECURE);
    await client.waitForDiagnostics(uri, has('tls-not-required'));
    const all = await client.request<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri },
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      context: { diagnostics: [], only: ['source.fixAll.exim'] },
    });
    assert.equal(all.length, 1, JSON.stringify(all));
    // Whatever URI spelling it uses, the edit must turn the editor text into the hardened text.
    const edited = editedUris(all[0].edit!);
    assert.equal(edited.length, 1, JSON.stringify(all[0].edit));
    const fixed = applyTextEdits(INSECURE, editsFor(all[0].edit!, edited[0]));
    assert.match(fixed, /^primary_hostname = mail\.example\.org\n/, fixed);
    assert.match(fixed, /\n {2}driver = smtp\n {2}(hosts_require_tls = \*|tls_tempfail_tryclear = false)\n/, fixed);
    assert.equal(fixed.split('\n').length, INSECURE.split('\n').length + 2, fixed);
  });

  test('a percent-encoded file URI (as VS Code sends it): code action edits name the document as the client opened it', async (t) => {
    const client = await session(t);
    const uri = vscodeStyleDocument('quickfix.conf');
    client.didOpen(uri, INSECURE);
    const ds = await client.waitForDiagnostics(uri, has('tls-not-required'));
    const d = ds.find((x) => x.code === 'tls-not-required')!;
    const quick = await client.request<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri },
      range: d.range,
      context: { diagnostics: [d], only: ['quickfix'] },
    });
    const fix = quick.find((a) => a.kind === 'quickfix' && /hosts_require_tls/.test(a.title));
    assert.ok(fix);
    assert.deepEqual(editedUris(fix.edit!), [uri], 'the quick fix must edit the document the client opened');
  });
});

describe('lsp: robustness', () => {
  /** The server is still up and answering. */
  async function stillAnswers(client: LspClient, uri: string): Promise<void> {
    assert.ok(client.alive, `server died${client.stderr ? `:\n${client.stderr}` : ''}`);
    const actions = await client.request<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri },
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      context: { diagnostics: [], only: ['source.fixAll.exim'] },
    });
    assert.ok(Array.isArray(actions));
    assert.ok(actions.length === 1, 'the open insecure document still gets its fix-all action');
  }

  test('requests about an unknown document, positions past the end, changes to closed documents', async (t) => {
    const client = await session(t);
    const doc = fixture('robust/insecure.conf', INSECURE);
    client.didOpen(doc.uri, doc.text);
    await client.waitForDiagnostics(doc.uri, has('tls-tryclear'));
    const unknown = pathToFileURL(join(dir, 'robust', 'never-opened.conf')).href;

    const none = await client.request<CodeAction[] | null>('textDocument/codeAction', {
      textDocument: { uri: unknown },
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      context: { diagnostics: [], only: ['source.fixAll.exim'] },
    });
    assert.ok(none === null || (Array.isArray(none) && none.length === 0), JSON.stringify(none));
    await stillAnswers(client, doc.uri);

    const cmd = await client.request<{ applied: boolean; changes: number } | null>('workspace/executeCommand', { command: 'exim.server.hardenTls', arguments: [unknown] });
    assert.ok(cmd === null || cmd.applied === false || cmd.changes === 0, JSON.stringify(cmd));
    assert.equal(client.appliedEdits.length, 0);
    await client.request('workspace/executeCommand', { command: 'exim.server.hardenTls', arguments: [] }).catch(() => undefined);
    await client.request('workspace/executeCommand', { command: 'exim.server.hardenTls' }).catch(() => undefined);
    assert.equal(client.appliedEdits.length, 0);
    await stillAnswers(client, doc.uri);

    // A range far past the end of the document.
    const past = await client.request<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri: doc.uri },
      range: { start: { line: 9999, character: 9999 }, end: { line: 10000, character: 0 } },
      context: { diagnostics: [] },
    });
    assert.ok(Array.isArray(past));
    // No diagnostics list, or an "only" that is no list: nothing to fix, and no error.
    for (const context of [{ diagnostics: null }, {}, { diagnostics: [null, 5], only: 'quickfix' }]) {
      const actions = await client.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri: doc.uri }, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, context });
      assert.ok(Array.isArray(actions), `${JSON.stringify(context)}: ${JSON.stringify(actions)}`);
    }
    // Fixes sent back with a range that cannot be in a file (end before start, negative, fractional) are dropped.
    const mangled = await client.request<CodeAction[]>('textDocument/codeAction', {
      textDocument: { uri: doc.uri },
      range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } },
      context: {
        diagnostics: [
          { start: { line: 56, character: 0 }, end: { line: 0, character: 0 } },
          { start: { line: -1, character: 0 }, end: { line: 0, character: 0 } },
          { start: { line: 0.5, character: 0 }, end: { line: 1, character: 0 } },
        ].map((range) => ({ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } }, message: 'x', source: 'exim', code: 'tls-tryclear', data: { fixes: [{ title: 'x', edits: [{ file: doc.path, range, newText: 'y' }] }] } })),
      },
    });
    assert.deepEqual(mangled, []);
    // A diagnostic from somewhere else, with a range past the end and junk data.
    await client
      .request('textDocument/codeAction', {
        textDocument: { uri: doc.uri },
        range: { start: { line: 500, character: 0 }, end: { line: 500, character: 3 } },
        context: { diagnostics: [{ range: { start: { line: 500, character: 0 }, end: { line: 500, character: 3 } }, message: 'x', source: 'exim', code: 'tls-tryclear', data: { fixes: 'junk' } }] },
      })
      .catch(() => undefined);
    await stillAnswers(client, doc.uri);

    // didChange to a document that was never opened, and to one that was closed.
    client.didChange(unknown, 2, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: 'x' }]);
    const closed = fixture('robust/closed.conf', INSECURE);
    client.didOpen(closed.uri, closed.text);
    client.didClose(closed.uri);
    client.didChange(closed.uri, 2, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: 'x' }]);
    // An incremental change with a range past the end of an open document.
    client.didChange(doc.uri, 2, [{ range: { start: { line: 999, character: 5 }, end: { line: 1000, character: 0 } }, text: '# appended\n' }]);
    await client.waitForDiagnostics(doc.uri, (_d, p) => p.version === 2);
    await stillAnswers(client, doc.uri);
    // A document opened with text that is not a string, and a change without text or with a
    // broken range: other documents keep every feature, and nothing is logged with a stack.
    const bad = pathToFileURL(join(dir, 'robust', 'bad-text.conf')).href;
    client.notify('textDocument/didOpen', { textDocument: { uri: bad, languageId: 'exim', version: 1, text: 123 } });
    client.notify('textDocument/didChange', { textDocument: { uri: doc.uri, version: 3 }, contentChanges: [{ text: 42 }, { range: { start: {} }, text: 'x' }] });
    await client.waitForDiagnostics(bad, (_d, p) => p.version === 1);
    const hover = await client.request<{ contents: unknown } | null>('textDocument/hover', { textDocument: { uri: doc.uri }, position: { line: 12, character: 4 } });
    assert.ok(hover && hover.contents, JSON.stringify(hover));
    await client.request('textDocument/hover', { textDocument: { uri: doc.uri } }).catch(() => undefined);
    // A change whose range lies past the end, then an ordinary edit: the text stays right
    // (no duplicated lines, no false "set for the second time").
    const small = fixture('robust/small.conf', 'primary_hostname = a.example\nqualify_domain = a.example\n');
    client.didOpen(small.uri, small.text);
    await client.waitForDiagnostics(small.uri, (_d, p) => p.version === 1);
    client.didChange(small.uri, 2, [{ range: { start: { line: 10, character: 0 }, end: { line: 11, character: 0 } }, text: '# end\n' }]);
    client.didChange(small.uri, 3, [{ range: { start: { line: 0.5, character: 0 }, end: { line: 0, character: 0 } }, text: '' }]);
    client.didChange(small.uri, 4, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: '# top\n' }]);
    const after4 = await client.waitForDiagnostics(small.uri, (_d, p) => p.version === 4);
    assert.deepEqual(after4.map((d) => d.code), []);
    // Completion far past the end offers nothing (its edits would be past the end too); on the
    // line after the last of a text with no final newline, nothing either; past the end of a
    // line, the line's end stands for it (edit ranges stay inside the document).
    const far = await client.request<unknown[] | null>('textDocument/completion', { textDocument: { uri: doc.uri }, position: { line: 1e9, character: 0 } });
    assert.ok(far === null || (Array.isArray(far) && far.length === 0), JSON.stringify(far).slice(0, 200));
    const open = fixture('robust/open-end.conf', 'begin transports\nremote_smtp:\n  dri');
    client.didOpen(open.uri, open.text);
    await client.waitForDiagnostics(open.uri);
    const after = await client.request<CompletionItem[]>('textDocument/completion', { textDocument: { uri: open.uri }, position: { line: 3, character: 4 } });
    assert.deepEqual(after, []);
    const beyond = await client.request<CompletionItem[]>('textDocument/completion', { textDocument: { uri: open.uri }, position: { line: 2, character: 9 } });
    assert.ok(beyond.some((i) => i.label === 'driver'), JSON.stringify(beyond.map((i) => i.label)));
    for (const i of beyond) assert.deepEqual((i.textEdit as { range: unknown }).range, { start: { line: 2, character: 2 }, end: { line: 2, character: 5 } }, i.label);
    await stillAnswers(client, doc.uri);
    await new Promise((r) => setTimeout(r, 100));
    assert.ok(client.alive);
    assert.deepEqual(client.protocolErrors, []);
    const logged = client.notifications.filter((n) => n.method === 'window/logMessage').map((n) => String((n.params as { message?: unknown }).message));
    assert.deepEqual(logged.filter((m) => /\n\s+at /.test(m)), []);
  });

  test('a frame with a bad Content-Length: the server says so in one line and exits', async () => {
    // The last two announce bodies no client sends (99 GB, 300 MB): waiting would leave the server silent.
    for (const header of ['Content-Length: abc\r\n\r\n{}', 'Content-Type: x\r\n\r\n{}', 'Content-Length: 99999999999\r\n\r\n{}', `Content-Length: ${300 * 1024 * 1024}\r\n\r\n{}`]) {
      const child = spawn(process.execPath, [SERVER_JS, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
      let stderr = '';
      child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
      child.stdin.write(header);
      const code = await new Promise<number | null>((done) => {
        const timer = setTimeout(() => {
          child.kill();
          done(-1);
        }, 10_000);
        child.on('exit', (c) => {
          clearTimeout(timer);
          done(c);
        });
      });
      assert.equal(code, 1, `${JSON.stringify(header)}: ${stderr}`);
      assert.match(stderr, /^exim language server: cannot read the client's messages \([^\n]+\); exiting\n$/);
    }
  });

  test('a message that is not JSON is ignored, and the server goes on', async () => {
    const child = spawn(process.execPath, [SERVER_JS, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    const frame = (body: string) => `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
    child.stdin.write(frame('{{{{{'));
    child.stdin.write(frame(JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { processId: null, rootUri: null, capabilities: {} } })));
    const answered = await new Promise<boolean>((done) => {
      const timer = setInterval(() => {
        if (/"id":1/.test(stdout)) {
          clearInterval(timer);
          done(true);
        }
      }, 50);
      setTimeout(() => {
        clearInterval(timer);
        done(false);
      }, 10_000);
    });
    child.kill();
    assert.ok(answered, stdout);
  });

  test('an unknown request gets an error response, the server keeps going', async (t) => {
    const client = await session(t);
    const doc = fixture('robust/unknown-method.conf', INSECURE);
    client.didOpen(doc.uri, doc.text);
    await client.waitForDiagnostics(doc.uri, has('tls-tryclear'));
    await assert.rejects(client.request('exim/noSuchMethod', {}), /-32601|not found|unhandled/i);
    client.notify('exim/noSuchNotification', {});
    await stillAnswers(client, doc.uri);
  });

  test('an error in an included file is shown on the .include line; an include loop in both files', async (t) => {
    const client = await session(t);
    const b = fixture('inc-err/b.conf', 'no_such_option = 1\n');
    const a = fixture('inc-err/a.conf', `primary_hostname = mail.example.org\n.include ${b.path}\n`);
    client.didOpen(a.uri, a.text);
    const ds = await client.waitForDiagnostics(a.uri, has('unknown-option'));
    const d = ds.find((x) => x.code === 'unknown-option')!;
    assert.equal(d.range.start.line, 1);
    assert.match(d.message, new RegExp(`^${b.path}, line 1: main option "no_such_option" unknown`));
    assert.equal(d.relatedInformation?.[0].location.uri, b.uri);
    const x = fixture('loop/x.conf', '');
    const y = fixture('loop/y.conf', `.include ${x.path}\n`);
    writeFileSync(x.path, `.include ${y.path}\n`);
    client.didOpen(x.uri, `.include ${y.path}\n`);
    const loop = await client.waitForDiagnostics(x.uri, has('include-loop'));
    assert.equal(loop.find((z) => z.code === 'include-loop')!.range.start.line, 0);
  });

  test("Debian's update-exim4.conf.conf: its problems show on the line its macros follow", async (t) => {
    const client = await session(t);
    fixture('debian/update-exim4.conf.conf', "dc_eximconfig_configtype='local'\nDKIM_SELECTOR = mail\n");
    const template = fixture('debian/exim4.conf.template', `UPEX4CmacrosUPEX4C = 1\n${INSECURE}`);
    client.didOpen(template.uri, template.text);
    const ds = await client.waitForDiagnostics(template.uri, has('debian-settings-unreadable'));
    const d = ds.find((x) => x.code === 'debian-settings-unreadable')!;
    assert.equal(d.range.start.line, 0);
    assert.match(d.message, /update-exim4\.conf\.conf, line 2: update-exim4\.conf reads this file with the shell, which runs "DKIM_SELECTOR" as a command/);
  });

  test('documents that are not files: untitled: and a missing .include', async (t) => {
    const client = await session(t);
    const untitled = 'untitled:Untitled-1';
    client.didOpen(untitled, INSECURE);
    const ds = await client.waitForDiagnostics(untitled, has('tls-not-required'));
    assert.deepEqual(ds.find((d) => d.code === 'tls-not-required')!.range, TRANSPORT_NAME_RANGE);
    // A relative .include in an unsaved document is not read (from the server's directory or anywhere).
    const untitled2 = 'untitled:Untitled-2';
    client.didOpen(untitled2, `.include relative/x.conf\n${INSECURE}`);
    const rel = await client.waitForDiagnostics(untitled2, has('include-not-read'));
    assert.match(rel.find((d) => d.code === 'include-not-read')!.message, /not saved/);
    const inc = fixture('robust/include.conf', `.include ${join(dir, 'robust', 'no-such-file.conf')}\n${INSECURE}`);
    client.didOpen(inc.uri, inc.text);
    const incDs = await client.waitForDiagnostics(inc.uri, has('include-missing'));
    assert.deepEqual(incDs.find((d) => d.code === 'include-missing')!.range.start.line, 0);
    await stillAnswers(client, inc.uri);
  });
});
