// The language server keeps serving after malformed requests and hostile documents:
// after each one it still answers a normal hover on a valid document and has not exited.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { LspClient, ResponseError, startServer } from '../support/lspClient';
import { rng } from '../support/random';

const dir = mkdtempSync(join(tmpdir(), 'exim-lsp-robust-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const VALID = ['primary_hostname = mail.example.org', '', 'begin transports', '', 'remote_smtp:', '  driver = smtp', ''].join('\n');
const T = { timeout: 30_000 };


describe('the server survives malformed input', () => {
  let client: LspClient;
  const valid = { path: join(dir, 'valid.conf'), uri: '' };
  valid.uri = pathToFileURL(valid.path).href;

  before(async () => {
    writeFileSync(valid.path, VALID);
    client = startServer();
    await client.initialize();
    client.didOpen(valid.uri, VALID);
    await client.waitForDiagnostics(valid.uri);
  });
  after(() => client.dispose());

  /** The server is alive and answers a normal hover on the valid document. */
  async function stillServing(): Promise<void> {
    assert.ok(client.alive, `server exited: ${JSON.stringify(client.exit)}\n${client.stderr}`);
    const hover = await client.request<{ contents: unknown } | null>('textDocument/hover', { textDocument: { uri: valid.uri }, position: { line: 5, character: 4 } });
    assert.ok(hover && hover.contents, 'no hover on a valid option');
    assert.deepEqual(client.protocolErrors, []);
  }

  /** A request that may succeed or fail with a JSON-RPC error, but must be answered. */
  async function answered(method: string, params: unknown): Promise<unknown> {
    try {
      return await client.request(method, params);
    } catch (e) {
      if (e instanceof ResponseError) return e;
      throw e;
    }
  }

  test('the valid document answers', T, stillServing);

  test('positions past the end', T, async () => {
    for (const position of [{ line: 10_000, character: 0 }, { line: 0, character: 10_000 }, { line: 5, character: 1_000_000 }, { line: -1, character: -1 }]) {
      for (const method of ['textDocument/hover', 'textDocument/completion', 'textDocument/definition', 'textDocument/signatureHelp']) {
        await answered(method, { textDocument: { uri: valid.uri }, position });
      }
    }
    await stillServing();
  });

  test('requests for unknown documents', T, async () => {
    const uri = pathToFileURL(join(dir, 'never-opened.conf')).href;
    for (const method of ['textDocument/hover', 'textDocument/completion', 'textDocument/definition', 'textDocument/signatureHelp']) {
      await answered(method, { textDocument: { uri }, position: { line: 0, character: 0 } });
    }
    await answered('textDocument/hover', { textDocument: { uri: 'untitled:Untitled-1' }, position: { line: 0, character: 0 } });
    await stillServing();
  });

  test('didChange to a closed document', T, async () => {
    const uri = pathToFileURL(join(dir, 'closed.conf')).href;
    client.didOpen(uri, VALID);
    await client.waitForDiagnostics(uri);
    client.didClose(uri);
    client.didChange(uri, 2, [{ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, text: 'x' }]);
    client.didChange(pathToFileURL(join(dir, 'never.conf')).href, 2, [{ text: 'primary_hostname = a\n' }]);
    await stillServing();
  });

  test('a request with invalid params', T, async () => {
    for (const method of ['textDocument/hover', 'textDocument/completion', 'textDocument/definition', 'textDocument/codeAction', 'textDocument/signatureHelp']) {
      await answered(method, { position: { line: 0, character: 0 } });
      await answered(method, {});
      await answered(method, null);
      await answered(method, { textDocument: { uri: 42 }, position: 'x' });
    }
    client.notify('textDocument/didOpen', {});
    client.notify('textDocument/didChange', { textDocument: {} });
    client.notify('textDocument/didClose', null);
    await stillServing();
  });

  test('an unknown method', T, async () => {
    const r = await answered('exim/noSuchMethod', {});
    assert.ok(r instanceof ResponseError, `expected an error, got ${JSON.stringify(r)}`);
    assert.equal(r.code, -32601);
    client.notify('exim/noSuchNotification', {});
    await stillServing();
  });

  test('a binary-junk document', T, async () => {
    const random = rng(7);
    const junk = Buffer.alloc(64 * 1024);
    for (let i = 0; i < junk.length; i++) junk[i] = Math.floor(random() * 256);
    const uri = pathToFileURL(join(dir, 'junk.conf')).href;
    client.didOpen(uri, junk.toString('utf8'));
    await client.waitForDiagnostics(uri, undefined, 20_000);
    await answered('textDocument/hover', { textDocument: { uri }, position: { line: 3, character: 3 } });
    await answered('textDocument/completion', { textDocument: { uri }, position: { line: 3, character: 3 } });
    await answered('textDocument/signatureHelp', { textDocument: { uri }, position: { line: 3, character: 3 } });
    await stillServing();
  });

  test('a 2 MB-line document', T, async () => {
    const uri = pathToFileURL(join(dir, 'long.conf')).href;
    client.didOpen(uri, 'primary_hostname = ' + 'a'.repeat(2 * 1024 * 1024) + '\n');
    await client.waitForDiagnostics(uri, undefined, 20_000);
    await answered('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 1_000_000 } });
    await answered('textDocument/completion', { textDocument: { uri }, position: { line: 0, character: 2_000_000 } });
    // 2 MB of unclosed expansion items: signature help reads them without recursion.
    const nested = pathToFileURL(join(dir, 'nested.conf')).href;
    client.didOpen(nested, 'begin acl\na:\n  accept condition = ' + '${if eq{${sg{'.repeat(170_000) + '\n');
    await client.waitForDiagnostics(nested, undefined, 20_000);
    const help = await answered('textDocument/signatureHelp', { textDocument: { uri: nested }, position: { line: 2, character: 21 + 13 * 170_000 } });
    assert.equal((help as { signatures: { label: string }[] }).signatures[0].label, '${sg{<subject>}{<regex>}{<replacement>}}');
    await stillServing();
  });
});
