/**
 * The Exim language server: a thin layer that feeds editor text to the core and maps
 * its findings and fixes to LSP. Start with `node dist/server.js --stdio` (or IPC from
 * the VS Code client).
 */
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  CodeAction,
  CodeActionKind,
  CodeActionParams,
  createConnection,
  StreamMessageReader,
  StreamMessageWriter,
  Diagnostic,
  DiagnosticSeverity,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  MessageType,
  ShowMessageNotification,
  ProposedFeatures,
  ResponseError,
  ErrorCodes,
  TextDocuments,
  TextDocumentSyncKind,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { analyze, AnalyzeOptions } from '../core/analysis/analyze';
import { Finding, Severity } from '../core/analysis/types';
import { harden } from '../core/fixes/hardening';
import { lineDiffEdit } from '../core/fixes/edits';
import { ConfigHost } from '../core/host';
import { parseOptionsFor, parsePath, withLocalMacros } from '../core/service';
import { splitConfigRootOf } from '../core/splitConfig';
import { reparseChangedSetting } from '../core/syntax/incremental';
import { parseFiles } from '../core/syntax/parser';
import { SourceFile } from '../core/syntax/source';
import { ConfigTree } from '../core/syntax/tree';
import { builtinMacroValues, builtinMacros } from '../core/options';
import { nodeHost } from '../node/fsHost';
import { ClientView, toCodeActions, toDiagnostic, toWorkspaceEdit } from './convert';
import { runEximCheck } from './eximCheck';
import { Features, oneLine } from './features';
import { LineMapping } from './lineMapping';
import { pathToUri, uriToPath } from './uri';

export const HARDEN_COMMAND = 'exim.server.hardenTls';
export const FIX_ALL_KIND = 'source.fixAll.exim';

/**
 * The largest message body the server waits for. A document is read up to 16 MB, which JSON
 * escaping can make six times longer; a Content-Length beyond this is a broken or hostile
 * client, and waiting for its body would leave the server silent for good.
 */
export const MAX_MESSAGE_BYTES = 256 * 1024 * 1024;

/**
 * A stdio reader that refuses a Content-Length above MAX_MESSAGE_BYTES as a header error.
 * The base reader parses headers in its onData and keeps the announced length in
 * nextMessageLength; neither is public, so the check wraps them on the instance.
 */
function boundedStdinReader(): StreamMessageReader {
  const reader = new StreamMessageReader(process.stdin);
  const internals = reader as unknown as { onData(data: Buffer | string): void; nextMessageLength: number };
  const onData = internals.onData.bind(reader);
  internals.onData = (data) => {
    onData(data);
    const announced = internals.nextMessageLength;
    if (announced > MAX_MESSAGE_BYTES) {
      internals.nextMessageLength = -1;
      (reader as unknown as { fireError(e: Error): void }).fireError(
        new Error(`Content-Length ${announced} is larger than the ${MAX_MESSAGE_BYTES} bytes a message may have`),
      );
    }
  };
  return reader;
}

/**
 * Over stdio, a frame the server cannot read (a bad or missing Content-Length) leaves the
 * stream out of step for good: the server says so in one line on stderr and exits, rather
 * than lingering without answering.
 */
function stdioConnection() {
  const reader = boundedStdinReader();
  reader.onError((e) => {
    // A body that is not JSON leaves the stream in step: the next message is read as usual.
    if (!/content-length|header/i.test(e instanceof Error ? e.message : String(e))) {
      process.stderr.write(`exim language server: a message from the client is not JSON; ignored\n`);
      return;
    }
    process.stderr.write(`exim language server: cannot read the client's messages (${(e instanceof Error ? e.message : String(e)).replace(/\s*\n\s*/g, ' ')}); exiting\n`);
    process.exit(1);
  });
  return createConnection(ProposedFeatures.all, reader, new StreamMessageWriter(process.stdout));
}
const connection = process.argv.includes('--stdio') ? stdioConnection() : createConnection(ProposedFeatures.all);
/**
 * Documents as the client sends them, with what a client should never send left out: text
 * that is not a string opens an empty document, and a change without text or with a range
 * that is not one is dropped (the next full change puts the text right).
 */
const isPosition = (p: unknown): boolean => !!p && typeof p === 'object' && Number.isFinite((p as { line: unknown }).line) && Number.isFinite((p as { character: unknown }).character);
const documents = new TextDocuments<TextDocument>({
  create: (uri, languageId, version, content) => TextDocument.create(String(uri), String(languageId), Number(version) || 0, typeof content === 'string' ? content : ''),
  update: (document, changes, version) => {
    const valid = (Array.isArray(changes) ? changes : []).filter(
      (c) => c && typeof c.text === 'string' && (!('range' in c) || (c.range && isPosition(c.range.start) && isPosition(c.range.end))),
    );
    // One change at a time, each range first clamped to the text it applies to (whole
    // numbers, within the document): a range past the end would otherwise corrupt the text.
    let doc = document;
    const v = Number(version) || document.version;
    for (const c of valid) {
      if (!('range' in c)) {
        doc = TextDocument.update(doc, [c], v);
        continue;
      }
      const clamp = (p: { line: number; character: number }) => doc.positionAt(doc.offsetAt({ line: Math.max(0, Math.floor(p.line)), character: Math.max(0, Math.floor(p.character)) }));
      const start = clamp(c.range.start);
      const end = clamp(c.range.end);
      const ordered = doc.offsetAt(start) <= doc.offsetAt(end) ? { start, end } : { start: end, end: start };
      doc = TextDocument.update(doc, [{ range: ordered, text: c.text }], v);
    }
    return valid.length === 0 ? TextDocument.update(document, [], v) : doc;
  },
});
const diskHost = nodeHost();

/**
 * Open documents by path, under the URI the client used (clients percent-encode paths
 * differently from Node, so a URI is never rebuilt from a path for an open document).
 */
const openUris = new Map<string, string>();
const uriFor = (path: string): string => openUris.get(path) ?? pathToUri(path);
const openDocument = (path: string): TextDocument | undefined => {
  const uri = openUris.get(path);
  return uri ? documents.get(uri) : undefined;
};

/**
 * Line mappings for texts with a lone "\r" (see LineMapping), kept per path with the text they
 * were made for; files that are not open are read once per document change.
 */
const mappings = new Map<string, { text: string; mapping: LineMapping | undefined }>();
function mappingFor(path: string): LineMapping | undefined {
  const open = openDocument(path)?.getText();
  const cached = mappings.get(path);
  if (cached && (open === undefined || cached.text === open)) return cached.mapping;
  const text = open ?? currentText(path) ?? '';
  const mapping = LineMapping.of(text);
  // Requests about many files that are not open must not make the cache grow for good.
  if (mappings.size >= 1000) mappings.clear();
  mappings.set(path, { text, mapping });
  return mapping;
}

const view: ClientView = {
  uri: uriFor,
  range: (path, range) => mappingFor(path)?.toClientRange(range) ?? range,
  position: (path, position) => mappingFor(path)?.fromClient(position) ?? position,
};

/** Files open in the editor are read from the editor, not the disk. */
const host: ConfigHost = {
  ...diskHost,
  readFile(path) {
    const doc = openDocument(path);
    return doc ? { kind: 'file', text: doc.getText() } : diskHost.readFile(path);
  },
  exists(path) {
    return !!openDocument(path) || diskHost.exists(path);
  },
};

// The build copies docs/rules.md beside the bundle (and into the .vsix).
const docsFile = [resolve(__dirname, 'rules.md'), resolve(__dirname, '..', 'docs', 'rules.md')].find((p) => existsSync(p));
const docsBase = docsFile ? pathToUri(docsFile) : undefined;

let settings: { severities: AnalyzeOptions['severities']; eximCheck?: string } = { severities: {} };
let hasConfigurationCapability = false;
/** The client applies edits the server sends (workspace/applyEdit): needed by the Harden TLS command. */
let canApplyEdit = false;
/** The client can watch files for the server (included files changed outside the editor). */
let canWatchFiles = false;
/** The settings request in flight; a save waits for it, so an early save still gets its check. */
let settingsLoaded: Promise<void> = Promise.resolve();

/** Set by the client: running the user's exim is allowed only in a trusted workspace. */
let workspaceTrusted = false;

connection.onInitialize((params) => {
  hasConfigurationCapability = !!params.capabilities.workspace?.configuration;
  canApplyEdit = !!params.capabilities.workspace?.applyEdit;
  canWatchFiles = !!params.capabilities.workspace?.didChangeWatchedFiles?.dynamicRegistration;
  workspaceTrusted = (params.initializationOptions as { workspaceTrusted?: unknown } | undefined)?.workspaceTrusted === true;
  return {
    capabilities: {
      textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
      codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix, FIX_ALL_KIND] },
      executeCommandProvider: { commands: [HARDEN_COMMAND] },
      ...features.capabilities(params),
    },
    serverInfo: { name: 'exim-language-server' },
  };
});

connection.onNotification('exim/workspaceTrusted', () => {
  workspaceTrusted = true;
});

connection.onInitialized(() => {
  if (hasConfigurationCapability) void connection.client.register(DidChangeConfigurationNotification.type, { section: 'exim' });
  // Files an open configuration includes may change outside the editor (a checkout, another
  // tool, a missing include created): the client reports changes in the workspace.
  if (canWatchFiles) void connection.client.register(DidChangeWatchedFilesNotification.type, { watchers: [{ globPattern: '**/*' }] });
  // Read the settings once at start; clients need not send a configuration change first.
  settingsLoaded = loadSettings();
  void settingsLoaded.then(() => {
    for (const doc of documents.all()) schedule(doc.uri);
  });
});

connection.onDidChangeConfiguration(async () => {
  settingsLoaded = loadSettings();
  await settingsLoaded;
  // Also a chance to see included files that changed on disk.
  parsed.clear();
  latest.clear();
  for (const doc of documents.all()) schedule(doc.uri);
});

async function loadSettings(): Promise<void> {
  if (!hasConfigurationCapability) return;
  try {
    const config = (await connection.workspace.getConfiguration('exim')) as
      | { rules?: Record<string, string>; validateWithExim?: { enabled?: unknown; path?: unknown } }
      | undefined;
    const severities: Record<string, Severity | 'off'> = {};
    for (const [code, level] of Object.entries(config?.rules ?? {})) {
      if (['off', 'error', 'warning', 'information', 'hint'].includes(level)) severities[code] = level as Severity | 'off';
    }
    const check = config?.validateWithExim;
    settings = {
      severities,
      eximCheck: check?.enabled === true ? (typeof check.path === 'string' && check.path.trim() !== '' ? check.path.trim() : 'exim') : undefined,
    };
  } catch {
    // A client without settings keeps the defaults.
  }
}

/**
 * Parses the configuration a document belongs to: its split configuration, or the file itself
 * (`current`, when given, is the document's text already split into lines).
 */
function parseFor(uri: string, overrides: Map<string, string> = new Map(), current?: SourceFile): ConfigTree {
  const path = uriToPath(uri);
  const split = path.startsWith('/') ? splitConfigRootOf(path) : undefined;
  if (split && diskHost.isDirectory?.(split)) {
    try {
      return parsePath(split, host, overrides);
    } catch {
      // Fall back to the file alone.
    }
  }
  const text = overrides.get(path) ?? documents.get(uri)?.getText() ?? '';
  const file = current && current.path === path && current.text === text ? current : new SourceFile(path, text);
  const reader: ConfigHost = { ...host, readFile: (p) => (overrides.has(p) ? { kind: 'file', text: overrides.get(p)! } : host.readFile(p)) };
  return parseFiles(path, withLocalMacros(path, file, reader), reader, parseOptionsFor(path, reader));
}

/**
 * One parse per document state, shared by diagnostics and the language features; any
 * change to an open document can change what another one includes, so all are dropped.
 */
const parsed = new Map<string, ConfigTree>();
/** The latest tree of each document: when an edit changed one setting only, that line alone is read again. */
const latest = new Map<string, ConfigTree>();
function parsedFor(uri: string): ConfigTree {
  // A request about a document that is not open reads it from disk and keeps nothing.
  if (!documents.get(uri)) return parseFor(uri);
  let tree = parsed.get(uri);
  if (!tree) {
    const previous = latest.get(uri);
    const text = documents.get(uri)?.getText();
    // After an edit the new text is split into lines once, whether the changed line alone or
    // the whole text is then read again.
    const current = previous && text !== undefined ? new SourceFile(uriToPath(uri), text) : undefined;
    tree = (previous && current && reparseChangedSetting(previous, current, host)) || parseFor(uri, undefined, current);
    parsed.set(uri, tree);
    latest.set(uri, tree);
  }
  return tree;
}
const dropParses = () => {
  parsed.clear();
  mappings.clear();
};
documents.onDidOpen(dropParses);
documents.onDidChangeContent(dropParses);
documents.onDidClose(dropParses);

function findingsFor(uri: string, overrides?: Map<string, string>): Finding[] {
  return analyze(overrides && overrides.size > 0 ? parseFor(uri, overrides) : parsedFor(uri), { severities: settings.severities });
}

const pending = new Map<string, NodeJS.Timeout>();
/** How long the last analysis of each document took (ms). */
const analysisTime = new Map<string, number>();

/**
 * Coalesces bursts of keystrokes into one analysis. A document whose analysis is slow
 * (a very large configuration) waits about as long as one analysis takes, so that typing
 * is not held up by analyses of text that is already out of date.
 */
function schedule(uri: string): void {
  clearTimeout(pending.get(uri));
  const last = analysisTime.get(uri) ?? 0;
  const delay = last < 50 ? 15 : Math.min(last, 500);
  pending.set(
    uri,
    setTimeout(() => {
      pending.delete(uri);
      validate(uri);
    }, delay),
  );
}

function validate(uri: string): void {
  const doc = documents.get(uri);
  if (!doc) return;
  const path = uriToPath(uri);
  let findings: Finding[];
  const started = Date.now();
  try {
    findings = findingsFor(uri);
    analysisTime.set(uri, Date.now() - started);
  } catch (e) {
    connection.console.error(`analysis failed for ${uri}: ${oneLine(e)}`);
    return;
  }
  const diagnostics = findings.filter((f) => f.loc.file === path).map((f) => toDiagnostic(f, docsBase, view));
  diagnostics.push(...includedErrors(findings, path));
  const verdict = eximVerdicts.get(uri);
  if (verdict && verdict.version === doc.version) diagnostics.push(...verdict.diagnostics);
  void connection.sendDiagnostics({ uri, version: doc.version, diagnostics });
}

/**
 * Errors in files this document includes (directly or through other includes), which make
 * Exim refuse the whole configuration: each is shown on the `.include` line of this document
 * that leads to it, and links to where it is. Parts of a split configuration are not
 * included this way, and keep their findings to themselves. Findings in Debian's
 * update-exim4.conf.conf (not an Exim file, so not open as one) show on the line after
 * which update-exim4.conf inserts its macros.
 */
function includedErrors(findings: Finding[], path: string): Diagnostic[] {
  const tree = latest.get(openUris.get(path) ?? pathToUri(path));
  if (!tree || (tree.includes.length === 0 && !tree.generatedMacros)) return [];
  const via = new Map<string, { file: string; loc: Finding['loc'] }>();
  for (const d of tree.includes) if ((d.status === 'included' || d.status === 'loop') && !via.has(d.path)) via.set(d.path, { file: d.loc.file, loc: d.loc });
  // What update-exim4.conf.conf gives (Debian's generated macros) shows on the line they follow.
  const generated = tree.generatedMacros;
  if (generated && !via.has(generated.from)) via.set(generated.from, { file: generated.at.file, loc: generated.at });
  const out: Diagnostic[] = [];
  for (const f of findings) {
    if (f.loc.file === path || (f.severity !== 'error' && f.loc.file !== generated?.from)) continue;
    let at = via.get(f.loc.file);
    for (let hops = 0; at && at.file !== path && hops < 64; hops++) at = via.get(at.file);
    if (!at || at.file !== path) continue;
    const d = toDiagnostic(f, docsBase, view);
    d.range = view.range(path, at.loc.range);
    d.message = `${f.loc.file}, line ${f.loc.range.start.line + 1}: ${f.message}`;
    d.relatedInformation = [{ location: { uri: view.uri(f.loc.file), range: view.range(f.loc.file, f.loc.range) }, message: 'the error is here' }];
    delete d.data;
    out.push(d);
  }
  return out;
}

/** Exim's own verdict on the saved file, shown until the text changes again. */
const eximVerdicts = new Map<string, { version: number; diagnostics: Diagnostic[] }>();
const reportedMissing = new Set<string>();

documents.onDidSave(async (e) => {
  await settingsLoaded;
  const binary = settings.eximCheck;
  const uri = e.document.uri;
  const path = uriToPath(uri);
  // A conf.d part is not a configuration on its own, and unsaved buffers have no file.
  if (!binary || !workspaceTrusted || !uri.startsWith('file:') || splitConfigRootOf(path)) return;
  const version = e.document.version;
  const verdict = await runEximCheck(binary, path);
  if (verdict.kind === 'missing') {
    if (!reportedMissing.has(binary)) void connection.sendNotification(ShowMessageNotification.type, { type: MessageType.Warning, message: `Exim: ${verdict.message}.` });
    reportedMissing.add(binary);
    return;
  }
  const diagnostics: Diagnostic[] = [];
  if (verdict.kind !== 'ok') {
    const here = verdict.kind === 'error' && verdict.line !== undefined && verdict.file === path ? verdict.line - 1 : 0;
    const text = documents.get(uri)?.getText().split('\n')[here] ?? '';
    diagnostics.push({
      range: view.range(path, { start: { line: here, character: 0 }, end: { line: here, character: text.replace(/\r$/, '').length } }),
      severity: verdict.kind === 'error' ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning,
      source: 'exim -bV',
      code: 'exim-bV',
      message: verdict.kind === 'error' && verdict.file && verdict.file !== path ? `${verdict.message} (in ${verdict.file}, line ${verdict.line})` : verdict.message,
    });
  }
  eximVerdicts.set(uri, { version, diagnostics });
  validate(uri);
});

/**
 * An edit to one file can change what other open documents show: the other open parts of
 * its split configuration, and the documents whose configuration includes it (open
 * documents are read with their unsaved text).
 */
function scheduleWithDependents(uri: string): void {
  if (documents.get(uri)) schedule(uri);
  const path = uriToPath(uri);
  const root = splitConfigRootOf(path);
  for (const doc of documents.all()) {
    if (doc.uri === uri) continue;
    if ((root && splitConfigRootOf(uriToPath(doc.uri)) === root) || reads(latest.get(doc.uri), path)) schedule(doc.uri);
  }
}

/** Whether a configuration read `path`, or tried to (an include that was missing may now be open). */
function reads(tree: ConfigTree | undefined, path: string): boolean {
  return tree !== undefined && (tree.files.some((f) => f.path === path) || tree.includes.some((d) => d.path === path));
}

/**
 * A file changed, appeared or went on disk: the open documents whose configuration reads it
 * (or tried to, or is the split configuration it belongs to) are read again. Open files are
 * read from the editor, so their changes on disk do not matter until they are closed.
 */
connection.onDidChangeWatchedFiles((params) => {
  const changed = params.changes.map((c) => uriToPath(c.uri)).filter((path) => !openDocument(path));
  if (changed.length === 0) return;
  const affected = documents.all().filter((doc) => {
    const tree = latest.get(doc.uri);
    const root = splitConfigRootOf(uriToPath(doc.uri));
    return changed.some((path) => reads(tree, path) || (root !== undefined && splitConfigRootOf(path) === root));
  });
  if (affected.length === 0) return;
  for (const path of changed) mappings.delete(path);
  for (const doc of affected) {
    parsed.delete(doc.uri);
    latest.delete(doc.uri);
    schedule(doc.uri);
  }
});

documents.onDidOpen((e) => {
  openUris.set(uriToPath(e.document.uri), e.document.uri);
  scheduleWithDependents(e.document.uri);
});
documents.onDidChangeContent((e) => scheduleWithDependents(e.document.uri));
documents.onDidClose((e) => {
  eximVerdicts.delete(e.document.uri);
  const path = uriToPath(e.document.uri);
  if (openUris.get(path) === e.document.uri) openUris.delete(path);
  clearTimeout(pending.get(e.document.uri));
  pending.delete(e.document.uri);
  analysisTime.delete(e.document.uri);
  latest.delete(e.document.uri);
  void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
  // Documents that include it now read the file on disk instead of its unsaved text.
  scheduleWithDependents(e.document.uri);
});

function currentText(path: string): string | undefined {
  const doc = openDocument(path);
  if (doc) return doc.getText();
  const r = diskHost.readFile(path);
  return r.kind === 'file' ? r.text : undefined;
}

function hardenDocument(uri: string) {
  return harden((overrides) => findingsFor(uri, overrides), currentText);
}

/** One edit per changed file, covering only the lines that differ. */
function changedFileEdits(changed: Map<string, string>) {
  const edits = [];
  for (const [path, text] of changed) edits.push(lineDiffEdit(path, currentText(path) ?? '', text));
  return toWorkspaceEdit(edits, view);
}

connection.onCodeAction((params: CodeActionParams): CodeAction[] => {
  const doc = documents.get(params.textDocument.uri);
  if (!doc) return [];
  // A client's malformed context (no diagnostics list, a non-array "only") asks for nothing it can name.
  const diagnostics = Array.isArray(params.context?.diagnostics) ? params.context.diagnostics : [];
  const only = Array.isArray(params.context?.only) ? params.context.only : undefined;
  const actions: CodeAction[] = [];
  if (!only || only.some((k) => k === CodeActionKind.QuickFix || CodeActionKind.QuickFix.startsWith(k))) {
    // The fixes travel in the client's copy of the diagnostic: only edits to files this
    // document's configuration reads are taken (nothing else is read to map their lines).
    const tree = parsedFor(params.textDocument.uri);
    const readable = (path: string) => path === uriToPath(params.textDocument.uri) || tree.files.some((f) => f.path === path);
    for (const d of diagnostics) if (d?.source === 'exim') actions.push(...toCodeActions(d, view, readable));
  }
  // Offered when asked for (source / source.fixAll / source.fixAll.exim), and beside the
  // quick-fixes of a hardening finding when the client did not restrict the kinds.
  const wantsFixAll = only?.some((k) => FIX_ALL_KIND.startsWith(k)) ?? false;
  const hardeningHere = !only && diagnostics.some((d) => (d?.data as { fixes?: { hardening?: boolean }[] } | undefined)?.fixes?.some((f) => f?.hardening));
  if (wantsFixAll || hardeningHere) {
    const result = hardenDocument(doc.uri);
    if (result && result.changed.size > 0) {
      actions.push({ title: 'Harden TLS in this file (apply all hardening fixes)', kind: FIX_ALL_KIND, edit: changedFileEdits(result.changed) });
    }
  }
  return actions;
});

connection.onExecuteCommand(async (params) => {
  if (params.command !== HARDEN_COMMAND) return undefined;
  const uri = params.arguments?.[0] as string | undefined;
  if (!uri || !documents.get(uri)) return { applied: false, changes: 0 };
  const result = hardenDocument(uri);
  if (!result || result.changed.size === 0) return { applied: true, changes: 0 };
  // A client that cannot apply edits gets the same fixes as the "source.fixAll.exim" code action.
  if (!canApplyEdit) throw new ResponseError(ErrorCodes.InvalidRequest, 'this editor does not apply edits the server sends (workspace/applyEdit); use the code action "Harden TLS in this file" instead');
  const applied = await connection.workspace.applyEdit({ label: 'Harden TLS', edit: changedFileEdits(result.changed) });
  return { applied: applied?.applied === true, changes: result.log.length };
});

// Completion, hover, symbols, navigation, folding and links.
const features = new Features({ documents, parseFor: parsedFor, view });
features.register(connection);

documents.listen(connection);
connection.listen();
