import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { DEFAULT_CAPABILITIES, startServer } from '../support/lspClient';
import { requireExim } from '../support/exim';
import { parseEximVerdict } from '../../server/src/lsp/eximCheck';

// A config that Exim rejects: `hosts_require_tls` is a transport option, not a main one.
const BAD = 'primary_hostname = a.example\nqualify_domain = b.example\nhosts_require_tls = *\n';

const dir = mkdtempSync(join(tmpdir(), 'exim-save-'));
after(() => rmSync(dir, { recursive: true, force: true }));
// A regular file used as a directory in a path: spawn fails with ENOTDIR, thrown at once.
const BLOCKER = join(dir, 'a-file');
writeFileSync(BLOCKER, '');

async function session(settings: { enabled: boolean; path?: string }, trusted: boolean, answerDelayMs = 0) {
  const client = startServer({ configuration: (section) => (section === 'exim' ? { validateWithExim: settings } : {}), answerDelayMs });
  await client.request('initialize', { processId: process.pid, rootUri: null, capabilities: DEFAULT_CAPABILITIES, initializationOptions: { workspaceTrusted: trusted } });
  client.notify('initialized', {});
  const file = join(mkdtempSync(join(dir, 'session-')), 'exim.conf');
  writeFileSync(file, BAD);
  const uri = pathToFileURL(file).href;
  client.didOpen(uri, BAD);
  await client.waitForDiagnostics(uri, () => true);
  client.notify('textDocument/didSave', { textDocument: { uri } });
  return { client, uri };
}

test('Exim verdicts are read from -bV stderr', () => {
  assert.deepEqual(parseEximVerdict(0, 'Warning: purging the environment.\n Suggested action: use keep_environment.\n'), { kind: 'ok' });
  assert.deepEqual(parseEximVerdict(1, '2026-11-27 10:00:00 Exim configuration error in line 3 of /x/exim.conf:\n  main option "foo" unknown\n'), {
    kind: 'error',
    line: 3,
    file: '/x/exim.conf',
    message: 'main option "foo" unknown',
  });
  assert.deepEqual(parseEximVerdict(1, 'Exim configuration error:\n  there are two routers called "r"\n'), { kind: 'error', message: 'Exim configuration error: there are two routers called "r"' });
});

test('on save in a trusted workspace with the setting on, exim -bV adds its verdict on its line', async (t) => {
  const exim = requireExim(t);
  if (!exim) return;
  const { client, uri } = await session({ enabled: true, path: exim }, true);
  try {
    const diags = await client.waitForDiagnostics(uri, (d) => d.some((x) => x.source === 'exim -bV'), 20_000);
    const verdict = diags.find((x) => x.source === 'exim -bV')!;
    assert.equal(verdict.range.start.line, 2);
    assert.match(verdict.message, /main option "hosts_require_tls" unknown/);
  } finally {
    client.dispose();
  }
});

test('exim is never run in an untrusted workspace or with the setting off', async () => {
  for (const [settings, trusted] of [
    [{ enabled: true, path: '/usr/sbin/exim' }, false],
    [{ enabled: false, path: '/usr/sbin/exim' }, true],
  ] as const) {
    const { client, uri } = await session(settings, trusted);
    try {
      // a hover round-trip after the save: by then a check would have been started
      await client.request('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 2 } });
      await new Promise((r) => setTimeout(r, 1500));
      assert.ok(!client.notifications.some((n) => n.method === 'textDocument/publishDiagnostics' && JSON.stringify(n.params).includes('exim -bV')));
      assert.ok(!client.notifications.some((n) => n.method === 'window/showMessage'));
    } finally {
      client.dispose();
    }
  }
});

for (const [name, binary, answerDelayMs] of [
  ['', () => join(dir, 'no-such-dir', 'exim'), 0],
  [' (a path through a file)', () => join(BLOCKER, 'exim'), 0],
  [' (saved before the editor has answered the settings request)', () => join(dir, 'no-such-dir', 'exim'), 1500],
] as const)
test(`a missing exim binary gets one clear message, not a diagnostic or a crash${name}`, async () => {
  const { client, uri } = await session({ enabled: true, path: binary() }, true, answerDelayMs);
  try {
    const start = Date.now();
    while (!client.notifications.some((n) => n.method === 'window/showMessage') && Date.now() - start < 10_000) await new Promise((r) => setTimeout(r, 50));
    const msg = client.notifications.find((n) => n.method === 'window/showMessage');
    assert.ok(msg, 'a window/showMessage notification');
    assert.match(JSON.stringify(msg.params), /was not found; set exim\.validateWithExim\.path/);
    const hover = await client.request('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 2 } });
    assert.ok(hover !== undefined);
  } finally {
    client.dispose();
  }
});
