/**
 * The extension seen through the `vscode` API in a real extension host: activation, language
 * id, diagnostics, quick-fixes and the "Harden TLS" command on an insecure exim.conf.
 * Run by `npm run test:vscode` (see test/vscode/index.ts).
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import * as vscode from 'vscode';
import type { Case } from './index';

const EXTENSION_ID = 'exim-config-tools.exim-config-tools';
const HARDENING = /^(tls|retry)-/;

const workspaceFile = (): vscode.Uri => {
  const folder = process.env.EXIM_TEST_WORKSPACE ?? vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  assert.ok(folder, 'no workspace folder');
  return vscode.Uri.file(join(folder, 'exim.conf'));
};

const codeOf = (d: vscode.Diagnostic): string => String(typeof d.code === 'object' ? d.code.value : d.code);

/** Resolves with the file's diagnostics once `test` accepts them. */
function diagnosticsWhere(uri: vscode.Uri, test: (d: vscode.Diagnostic[]) => boolean, timeoutMs = 20_000): Promise<vscode.Diagnostic[]> {
  return new Promise((res, rej) => {
    const check = () => {
      const d = vscode.languages.getDiagnostics(uri);
      if (!test(d)) return false;
      sub.dispose();
      clearTimeout(timer);
      res(d);
      return true;
    };
    const sub = vscode.languages.onDidChangeDiagnostics(() => check());
    const timer = setTimeout(() => {
      sub.dispose();
      rej(new Error(`diagnostics never matched; last: ${JSON.stringify(vscode.languages.getDiagnostics(uri).map(codeOf))}`));
    }, timeoutMs);
    check();
  });
}

async function openInsecure(): Promise<vscode.TextEditor> {
  const doc = await vscode.workspace.openTextDocument(workspaceFile());
  return vscode.window.showTextDocument(doc);
}

export const cases: Case[] = [
  {
    name: 'exim.conf opens as language "exim" and activates the extension',
    async run() {
      const editor = await openInsecure();
      assert.equal(editor.document.languageId, 'exim');
      const ext = vscode.extensions.getExtension(EXTENSION_ID);
      assert.ok(ext, `${EXTENSION_ID} is not installed`);
      await ext.activate();
      assert.equal(ext.isActive, true);
      assert.ok((await vscode.commands.getCommands(true)).includes('exim.hardenTls'));
    },
  },
  {
    name: 'the language server reports the TLS and retry findings',
    async run() {
      const { document } = await openInsecure();
      const expected = ['tls-not-required', 'tls-tryclear', 'tls-avoided', 'retry-tls-required-shadowed'];
      const diagnostics = await diagnosticsWhere(document.uri, (d) => expected.every((c) => d.map(codeOf).includes(c)));
      for (const d of diagnostics.filter((x) => HARDENING.test(codeOf(x)))) {
        assert.equal(d.severity, vscode.DiagnosticSeverity.Warning, codeOf(d));
        assert.equal(d.source, 'exim');
      }
    },
  },
  {
    name: 'the tls-not-required finding offers the hosts_require_tls quick-fix',
    async run() {
      const { document } = await openInsecure();
      const diagnostics = await diagnosticsWhere(document.uri, (d) => d.some((x) => codeOf(x) === 'tls-not-required'));
      const finding = diagnostics.find((x) => codeOf(x) === 'tls-not-required')!;
      const actions = (await vscode.commands.executeCommand<vscode.CodeAction[]>('vscode.executeCodeActionProvider', document.uri, finding.range, vscode.CodeActionKind.QuickFix.value)) ?? [];
      const fix = actions.find((a) => a.title.includes('hosts_require_tls = *'));
      assert.ok(fix, `no hosts_require_tls quick-fix among ${JSON.stringify(actions.map((a) => a.title))}`);
      assert.ok(fix.edit, 'the quick-fix carries no edit');
    },
  },
  {
    name: '"Exim: Harden TLS in this file" fixes every hardening finding',
    timeoutMs: 40_000,
    async run() {
      const editor = await openInsecure();
      await diagnosticsWhere(editor.document.uri, (d) => d.some((x) => HARDENING.test(codeOf(x))));
      await vscode.commands.executeCommand('exim.hardenTls');
      await diagnosticsWhere(editor.document.uri, (d) => !d.some((x) => HARDENING.test(codeOf(x))));
      const text = editor.document.getText();
      assert.match(text, /^ {2}hosts_require_tls = \*$/m);
      assert.match(text, /^ {2}tls_tempfail_tryclear = false$/m);
      assert.doesNotMatch(text, /hosts_avoid_tls/);
      await vscode.commands.executeCommand('workbench.action.files.revert');
    },
  },
];
