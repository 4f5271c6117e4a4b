// A small LSP client for tests: JSON-RPC 2.0 with Content-Length framing over the stdio
// of `node dist/server.js --stdio`. Every wait has a timeout, so a test can never hang,
// and dispose() always kills the child.
import { TextDocument } from 'vscode-languageserver-textdocument';
import { ChildProcessWithoutNullStreams, spawn } from 'node:child_process';
import { resolve } from 'node:path';
import type { Diagnostic, PublishDiagnosticsParams, WorkspaceEdit } from 'vscode-languageserver';

export const SERVER_JS = resolve(__dirname, '..', '..', '..', 'dist', 'server.js');

export const DEFAULT_TIMEOUT_MS = 5000;

export interface Message {
  jsonrpc: '2.0';
  id?: number | string | null;
  method?: string;
  params?: unknown;
  result?: unknown;
  error?: { code: number; message: string; data?: unknown };
}

export interface LspClientOptions {
  /** The value returned for each `workspace/configuration` item, by section (default `{}`). */
  configuration?: (section: string | undefined) => unknown;
  /** Extra arguments for node before the server script. */
  execArgv?: string[];
  /** Delay before answering each request from the server, like a busy editor (default none). */
  answerDelayMs?: number;
}

/** An error response from the server. */
export class ResponseError extends Error {
  constructor(
    readonly method: string,
    readonly code: number,
    message: string,
  ) {
    super(`${method} failed (${code}): ${message}`);
  }
}

interface Waiter {
  check(): boolean;
  reject(e: Error): void;
}

export class LspClient {
  private readonly child: ChildProcessWithoutNullStreams;
  private buffer = Buffer.alloc(0);
  private nextId = 1;
  private readonly pending = new Map<number, { method: string; resolve: (v: unknown) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }>();
  private readonly waiters = new Set<Waiter>();
  private exitInfo: { code: number | null; signal: NodeJS.Signals | null } | undefined;

  /** Every notification from the server, in order. */
  readonly notifications: { method: string; params: unknown }[] = [];
  /** Every request from the server, in order. */
  readonly serverRequests: { method: string; params: unknown }[] = [];
  /** Edits the server asked to apply (workspace/applyEdit), in order. */
  readonly appliedEdits: WorkspaceEdit[] = [];
  /** What the server registered with client/registerCapability. */
  readonly registrations: { method: string; registerOptions?: unknown }[] = [];
  /** Everything the server wrote on stderr. */
  stderr = '';
  /** Frames that could not be parsed (should stay empty). */
  readonly protocolErrors: string[] = [];

  constructor(private readonly options: LspClientOptions = {}) {
    this.child = spawn(process.execPath, [...(options.execArgv ?? []), SERVER_JS, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.child.stdout.on('data', (chunk: Buffer) => this.onData(chunk));
    this.child.stderr.on('data', (chunk: Buffer) => (this.stderr += chunk.toString('utf8')));
    // Writing to a dead child must not throw asynchronously and kill the test run.
    this.child.stdin.on('error', () => undefined);
    this.child.on('exit', (code, signal) => {
      this.exitInfo = { code, signal };
      const error = new Error(`server exited (code ${code}, signal ${signal})${this.stderrTail()}`);
      for (const [, p] of this.pending) {
        clearTimeout(p.timer);
        p.reject(error);
      }
      this.pending.clear();
      this.notifyWaiters();
    });
  }

  /** True while the server process is running. */
  get alive(): boolean {
    return this.exitInfo === undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  get exit(): { code: number | null; signal: NodeJS.Signals | null } | undefined {
    return this.exitInfo;
  }

  private stderrTail(): string {
    const tail = this.stderr.trim().split('\n').slice(-20).join('\n');
    return tail ? `\nserver stderr:\n${tail}` : '';
  }

  private onData(chunk: Buffer): void {
    this.buffer = Buffer.concat([this.buffer, chunk]);
    for (;;) {
      const headerEnd = this.buffer.indexOf('\r\n\r\n');
      if (headerEnd < 0) return;
      const header = this.buffer.subarray(0, headerEnd).toString('ascii');
      const m = /^content-length:\s*(\d+)\s*$/im.exec(header);
      if (!m) {
        this.protocolErrors.push(`frame without Content-Length: ${JSON.stringify(header)}`);
        this.buffer = this.buffer.subarray(headerEnd + 4);
        continue;
      }
      const length = Number(m[1]);
      const start = headerEnd + 4;
      if (this.buffer.length < start + length) return;
      const body = this.buffer.subarray(start, start + length).toString('utf8');
      this.buffer = this.buffer.subarray(start + length);
      let message: Message;
      try {
        message = JSON.parse(body) as Message;
      } catch {
        this.protocolErrors.push(`invalid JSON body: ${body.slice(0, 200)}`);
        continue;
      }
      this.dispatch(message);
    }
  }

  private dispatch(message: Message): void {
    if (message.method !== undefined && message.id !== undefined && message.id !== null) {
      this.serverRequests.push({ method: message.method, params: message.params });
      const reply: Message = { jsonrpc: '2.0', id: message.id, result: this.answer(message.method, message.params) };
      if (this.options.answerDelayMs) setTimeout(() => this.send(reply), this.options.answerDelayMs);
      else this.send(reply);
    } else if (message.method !== undefined) {
      this.notifications.push({ method: message.method, params: message.params });
    } else if (typeof message.id === 'number') {
      const p = this.pending.get(message.id);
      if (!p) return;
      this.pending.delete(message.id);
      clearTimeout(p.timer);
      if (message.error) p.reject(new ResponseError(p.method, message.error.code, message.error.message));
      else p.resolve(message.result);
    }
    this.notifyWaiters();
  }

  /** The reply to a request from the server. */
  private answer(method: string, params: unknown): unknown {
    switch (method) {
      case 'workspace/configuration': {
        const items = (params as { items?: { section?: string }[] } | undefined)?.items ?? [];
        return items.map((item) => (this.options.configuration ? this.options.configuration(item.section) : {}) ?? null);
      }
      case 'workspace/applyEdit':
        this.appliedEdits.push((params as { edit: WorkspaceEdit }).edit);
        return { applied: true };
      case 'client/registerCapability':
        this.registrations.push(...((params as { registrations?: { method: string; registerOptions?: unknown }[] }).registrations ?? []));
        return null;
      case 'client/unregisterCapability':
      case 'window/workDoneProgress/create':
      default:
        return null;
    }
  }

  private notifyWaiters(): void {
    for (const w of [...this.waiters]) {
      let done = false;
      try {
        done = w.check();
      } catch (e) {
        this.waiters.delete(w);
        w.reject(e as Error);
        continue;
      }
      if (done) this.waiters.delete(w);
    }
  }

  private send(message: Message): void {
    if (!this.alive) return;
    const body = Buffer.from(JSON.stringify(message), 'utf8');
    this.child.stdin.write(`Content-Length: ${body.length}\r\n\r\n`);
    this.child.stdin.write(body);
  }

  /** Sends a request and waits for its response (rejects on an error response, timeout or server exit). */
  request<T = unknown>(method: string, params?: unknown, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<T> {
    if (!this.alive) return Promise.reject(new Error(`${method}: server is not running${this.stderrTail()}`));
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`${method}: no response within ${timeoutMs} ms${this.stderrTail()}`));
      }, timeoutMs);
      this.pending.set(id, { method, resolve: resolve as (v: unknown) => void, reject, timer });
      this.send({ jsonrpc: '2.0', id, method, params });
    });
  }

  notify(method: string, params?: unknown): void {
    this.send({ jsonrpc: '2.0', method, params });
  }

  /**
   * Resolves with the first value `probe` returns that is not undefined; `probe` runs now
   * and after every message from the server. Rejects after `timeoutMs` or when the server exits.
   */
  waitFor<T>(what: string, probe: () => T | undefined, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      let timer: NodeJS.Timeout | undefined;
      const waiter: Waiter = {
        check: () => {
          const value = probe();
          if (value !== undefined) {
            clearTimeout(timer);
            resolve(value);
            return true;
          }
          if (!this.alive) {
            clearTimeout(timer);
            reject(new Error(`${what}: server exited${this.stderrTail()}`));
            return true;
          }
          return false;
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      };
      if (waiter.check()) return;
      timer = setTimeout(() => {
        this.waiters.delete(waiter);
        reject(new Error(`${what}: not within ${timeoutMs} ms${this.stderrTail()}`));
      }, timeoutMs);
      this.waiters.add(waiter);
    });
  }

  /** Every publishDiagnostics for `uri`, oldest first. */
  diagnosticsHistory(uri: string): PublishDiagnosticsParams[] {
    return this.notifications
      .filter((n) => n.method === 'textDocument/publishDiagnostics' && (n.params as PublishDiagnosticsParams).uri === uri)
      .map((n) => n.params as PublishDiagnosticsParams);
  }

  /**
   * Waits until the latest publishDiagnostics for `uri` satisfies `predicate` (checked on
   * the latest one already received, then on each new one) and returns its diagnostics.
   */
  waitForDiagnostics(
    uri: string,
    predicate: (diagnostics: Diagnostic[], params: PublishDiagnosticsParams) => boolean = () => true,
    timeoutMs = DEFAULT_TIMEOUT_MS,
  ): Promise<Diagnostic[]> {
    let seen = -1;
    return this.waitFor(
      `diagnostics for ${uri}`,
      () => {
        const history = this.diagnosticsHistory(uri);
        if (history.length - 1 === seen) return undefined;
        seen = history.length - 1;
        const latest = history[history.length - 1];
        return latest && predicate(latest.diagnostics, latest) ? latest.diagnostics : undefined;
      },
      timeoutMs,
    ).catch((e: Error) => {
      const latest = this.diagnosticsHistory(uri).at(-1);
      throw new Error(`${e.message}\nlatest diagnostics: ${latest ? JSON.stringify(latest, null, 1) : 'none'}`);
    });
  }

  /** Waits for a workspace/applyEdit request beyond the first `count` ones and returns it. */
  waitForAppliedEdit(count: number, timeoutMs = DEFAULT_TIMEOUT_MS): Promise<WorkspaceEdit> {
    return this.waitFor('workspace/applyEdit', () => this.appliedEdits[count], timeoutMs);
  }

  /** initialize + initialized, with the capabilities of a typical editor. */
  async initialize(capabilities: Record<string, unknown> = DEFAULT_CAPABILITIES, rootUri: string | null = null): Promise<{ capabilities: Record<string, any>; serverInfo?: { name: string } }> {
    const result = await this.request<{ capabilities: Record<string, any>; serverInfo?: { name: string } }>('initialize', {
      processId: process.pid,
      clientInfo: { name: 'exim-test-client' },
      rootUri,
      capabilities,
      workspaceFolders: null,
    });
    this.notify('initialized', {});
    return result;
  }

  didOpen(uri: string, text: string, version = 1, languageId = 'exim'): void {
    this.notify('textDocument/didOpen', { textDocument: { uri, languageId, version, text } });
  }

  didChange(uri: string, version: number, contentChanges: unknown[]): void {
    this.notify('textDocument/didChange', { textDocument: { uri, version }, contentChanges });
  }

  didClose(uri: string): void {
    this.notify('textDocument/didClose', { textDocument: { uri } });
  }

  /** shutdown + exit, then waits for the process to end; kills it if it does not. */
  async shutdown(timeoutMs = 3000): Promise<void> {
    if (!this.alive) return;
    try {
      await this.request('shutdown', null, timeoutMs);
      this.notify('exit');
      await this.waitFor('server exit', () => (this.alive ? undefined : true), timeoutMs);
    } finally {
      this.dispose();
    }
  }

  /** Kills the server (if still running) and rejects whatever is still waiting. */
  dispose(): void {
    if (this.alive) this.child.kill('SIGKILL');
    for (const [, p] of this.pending) {
      clearTimeout(p.timer);
      p.reject(new Error(`${p.method}: client disposed`));
    }
    this.pending.clear();
    for (const w of this.waiters) w.reject(new Error('client disposed'));
    this.waiters.clear();
    this.child.stdout.destroy();
    this.child.stderr.destroy();
    this.child.stdin.destroy();
  }
}

export const DEFAULT_CAPABILITIES = {
  workspace: {
    configuration: true,
    applyEdit: true,
    workspaceEdit: { documentChanges: false },
    didChangeConfiguration: { dynamicRegistration: true },
    didChangeWatchedFiles: { dynamicRegistration: true },
    executeCommand: { dynamicRegistration: false },
  },
  textDocument: {
    synchronization: { dynamicRegistration: false, didSave: false },
    publishDiagnostics: { relatedInformation: true, versionSupport: true, codeDescriptionSupport: true, dataSupport: true, tagSupport: { valueSet: [1, 2] } },
    codeAction: {
      dataSupport: true,
      isPreferredSupport: true,
      codeActionLiteralSupport: { codeActionKind: { valueSet: ['', 'quickfix', 'refactor', 'source', 'source.fixAll'] } },
    },
  },
};

/** Starts a server; pair with `t.after(() => client.dispose())` or `after(...)`. */
export function startServer(options: LspClientOptions = {}): LspClient {
  return new LspClient(options);
}

interface Pos {
  line: number;
  character: number;
}

/** Applies LSP text edits (non-overlapping, positions relative to the original text). */
export function applyTextEdits(text: string, edits: { range: { start: Pos; end: Pos }; newText: string }[]): string {
  // Positions as LSP counts them: lines end at "\r\n", "\n" or a lone "\r"; a character past
  // the end of its line is clamped to it, as editors do.
  const doc = TextDocument.create('file:///edited', 'exim', 0, text);
  const located = edits.map((e, i) => ({ e, i, a: doc.offsetAt(e.range.start), b: doc.offsetAt(e.range.end) }));
  located.sort((x, y) => x.a - y.a || x.b - y.b || x.i - y.i);
  for (let k = 1; k < located.length; k++) {
    if (located[k].a < located[k - 1].b) throw new Error(`overlapping edits: ${JSON.stringify(located[k - 1].e)} and ${JSON.stringify(located[k].e)}`);
  }
  let out = '';
  let at = 0;
  for (const { e, a, b } of located) {
    out += text.slice(at, a) + e.newText;
    at = b;
  }
  return out + text.slice(at);
}

/** The edits of a WorkspaceEdit for one URI (from `changes` or `documentChanges`). */
export function editsFor(edit: WorkspaceEdit, uri: string): { range: { start: Pos; end: Pos }; newText: string }[] {
  const fromChanges = edit.changes?.[uri] ?? [];
  const fromDocumentChanges = (edit.documentChanges ?? []).flatMap((c) => ('textDocument' in c && c.textDocument.uri === uri ? c.edits : []));
  return [...fromChanges, ...fromDocumentChanges] as { range: { start: Pos; end: Pos }; newText: string }[];
}

/** URIs a WorkspaceEdit touches. */
export function editedUris(edit: WorkspaceEdit): string[] {
  return [...Object.keys(edit.changes ?? {}), ...(edit.documentChanges ?? []).flatMap((c) => ('textDocument' in c ? [c.textDocument.uri] : []))];
}
