/** The VS Code side: starts the Exim language server and offers the "Harden TLS" command. */
import * as path from 'node:path';
import { commands, ExtensionContext, window, workspace } from 'vscode';
import { ExecuteCommandRequest, LanguageClient, LanguageClientOptions, ServerOptions, TransportKind } from 'vscode-languageclient/node';

let client: LanguageClient | undefined;

export async function activate(context: ExtensionContext): Promise<void> {
  const serverModule = context.asAbsolutePath(path.join('dist', 'server.js'));
  const serverOptions: ServerOptions = {
    run: { module: serverModule, transport: TransportKind.ipc },
    debug: { module: serverModule, transport: TransportKind.ipc, options: { execArgv: ['--nolazy', '--inspect=6019'] } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: 'file', language: 'exim' },
      { scheme: 'untitled', language: 'exim' },
    ],
    synchronize: { configurationSection: 'exim' },
    // VS Code offers the snippets from package.json itself; the server adds them for other editors.
    // The server runs the user's exim (if asked to) only in a trusted workspace.
    initializationOptions: { snippets: false, workspaceTrusted: workspace.isTrusted },
  };
  client = new LanguageClient('exim', 'Exim Language Server', serverOptions, clientOptions);

  context.subscriptions.push(
    commands.registerCommand('exim.hardenTls', async () => {
      const editor = window.activeTextEditor;
      if (!editor || editor.document.languageId !== 'exim' || !client) {
        void window.showInformationMessage('Open an Exim configuration file to harden its TLS settings.');
        return;
      }
      const result = (await client.sendRequest(ExecuteCommandRequest.type, {
        command: 'exim.server.hardenTls',
        arguments: [editor.document.uri.toString()],
      })) as { applied: boolean; changes: number } | undefined;
      if (result && result.changes === 0) void window.showInformationMessage('Exim: nothing to harden in this file.');
    }),
  );
  context.subscriptions.push(workspace.onDidGrantWorkspaceTrust(() => void client?.sendNotification('exim/workspaceTrusted')));
  await client.start();
}

export async function deactivate(): Promise<void> {
  await client?.stop();
}
