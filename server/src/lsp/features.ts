/**
 * Language features over LSP: completion, hover, symbols, definition, references, document
 * highlights, rename, folding, document links and signature help. The core computes them on
 * the parsed configuration; this file only finds the right configuration for a document and
 * converts the results.
 */
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import {
  CompletionItem,
  CompletionItemKind,
  DocumentHighlight,
  DocumentHighlightKind,
  Connection,
  DocumentLink,
  DocumentSymbol,
  FoldingRange,
  FoldingRangeKind,
  Hover,
  InitializeParams,
  InsertTextFormat,
  Location,
  LSPErrorCodes,
  MarkupKind,
  Range,
  ResponseError,
  ServerCapabilities,
  SignatureHelp,
  SymbolInformation,
  SymbolKind,
  TextDocuments,
  WorkspaceEdit,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { complete, CompletionItem as CoreCompletionItem, CompletionKind, SnippetDefinition } from '../core/features/completion';
import { foldingRanges } from '../core/features/folding';
import { hover } from '../core/features/hover';
import { documentLinks } from '../core/features/links';
import { definitions, documentHighlights, prepareRename, references, rename } from '../core/features/navigation';
import { signatureHelp } from '../core/features/signature';
import { documentSymbols, DocumentSymbol as CoreDocumentSymbol, SymbolNodeKind, workspaceSymbols } from '../core/features/symbols';
import { Location as CoreLocation } from '../core/syntax/source';
import { ConfigTree } from '../core/syntax/tree';
import { ClientView, toWorkspaceEdit } from './convert';
import { uriToPath } from './uri';

export interface FeatureHost {
  documents: TextDocuments<TextDocument>;
  /**
   * The parsed configuration a document belongs to (its split configuration, or the file with
   * its includes); the server keeps one per document state.
   */
  parseFor(uri: string): ConfigTree;
  view: ClientView;
}

const COMPLETION_KIND: Record<CompletionKind, CompletionItemKind> = {
  option: CompletionItemKind.Property,
  keyword: CompletionItemKind.Keyword,
  driver: CompletionItemKind.Module,
  section: CompletionItemKind.Module,
  transport: CompletionItemKind.Class,
  router: CompletionItemKind.Class,
  acl: CompletionItemKind.Function,
  namedList: CompletionItemKind.Enum,
  macro: CompletionItemKind.Constant,
  variable: CompletionItemKind.Variable,
  expansionItem: CompletionItemKind.Function,
  operator: CompletionItemKind.Operator,
  condition: CompletionItemKind.Operator,
  verb: CompletionItemKind.Keyword,
  aclCondition: CompletionItemKind.Field,
  aclModifier: CompletionItemKind.Method,
  retryError: CompletionItemKind.EnumMember,
  value: CompletionItemKind.Value,
  directive: CompletionItemKind.Keyword,
  rule: CompletionItemKind.Reference,
  snippet: CompletionItemKind.Snippet,
};

const SYMBOL_KIND: Record<SymbolNodeKind, SymbolKind> = {
  section: SymbolKind.Namespace,
  router: SymbolKind.Class,
  transport: SymbolKind.Class,
  authenticator: SymbolKind.Class,
  acl: SymbolKind.Function,
  macro: SymbolKind.Constant,
  namedList: SymbolKind.Array,
  retryRule: SymbolKind.Event,
  rewriteRule: SymbolKind.Event,
};

/** The hardening snippets of the extension, for clients that do not read package.json contributions. */
function loadSnippets(): Record<string, SnippetDefinition> | undefined {
  const file = [resolve(__dirname, '..', 'snippets', 'exim.code-snippets'), resolve(__dirname, '..', '..', '..', 'snippets', 'exim.code-snippets')].find((p) => existsSync(p));
  if (!file) return undefined;
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as Record<string, SnippetDefinition>;
  } catch {
    return undefined;
  }
}

export class Features {
  private snippets: Record<string, SnippetDefinition> | undefined;

  constructor(private readonly host: FeatureHost) {}

  /**
   * Capabilities to announce. The VS Code extension passes `initializationOptions.snippets
   * = false` because VS Code already offers the snippets from package.json; other clients
   * get them as completion items.
   */
  capabilities(params: InitializeParams): ServerCapabilities {
    const init = params.initializationOptions as { snippets?: boolean } | undefined;
    this.snippets = init?.snippets === false ? undefined : loadSnippets();
    return {
      completionProvider: { triggerCharacters: ['$', '{', '+', '=', '.'] },
      hoverProvider: true,
      documentSymbolProvider: true,
      workspaceSymbolProvider: true,
      definitionProvider: true,
      referencesProvider: true,
      documentHighlightProvider: true,
      renameProvider: { prepareProvider: true },
      foldingRangeProvider: true,
      documentLinkProvider: { resolveProvider: false },
      // Shown on "{" inside an expansion; kept up to date as arguments close and new ones open.
      signatureHelpProvider: { triggerCharacters: ['{'], retriggerCharacters: ['}', ' '] },
    };
  }

  private treeOf(uri: string): ConfigTree {
    return this.host.parseFor(uri);
  }

  /**
   * The configuration to answer in: the document's own, or the largest configuration of
   * another open document that includes this file (so a file opened on its own still
   * knows the section it is included in and the names defined around it).
   */
  private treeFor(uri: string): { tree: ConfigTree; path: string } {
    const path = uriToPath(uri);
    let best = this.treeOf(uri);
    for (const doc of this.host.documents.all()) {
      if (doc.uri === uri) continue;
      const other = this.treeOf(doc.uri);
      if (other.files.length > best.files.length && other.files.some((f) => f.path === path)) best = other;
    }
    return { tree: best, path };
  }

  private location(loc: CoreLocation): Location {
    return { uri: this.host.view.uri(loc.file), range: this.host.view.range(loc.file, loc.range) };
  }

  register(connection: Connection): void {
    const safe =
      <P, R>(name: string, fn: (p: P) => R, fallback: R) =>
      (p: P): R => {
        try {
          return fn(p);
        } catch (e) {
          if (e instanceof ResponseError) throw e;
          // One line, without the stack: the client shows this to the user.
          connection.console.error(`${name} failed: ${oneLine(e)}`);
          return fallback;
        }
      };

    connection.onCompletion(
      safe(
        'completion',
        (p) => {
          const { tree, path } = this.treeFor(p.textDocument.uri);
          const view = this.host.view;
          // A position past the last line completes nothing (its ranges would be past it too);
          // one past the end of a line stands for the line's end, as LSP has it.
          const file = tree.files.find((f) => f.path === path);
          if (!file || !(p.position.line >= 0) || !(p.position.character >= 0)) return [];
          const at = view.position(path, p.position);
          const lastLine = file.text.endsWith('\n') ? file.lineCount : file.lineCount - 1;
          if (at.line > lastLine) return [];
          const pos = { line: at.line, character: Math.min(at.character, (file.lines[at.line] ?? '').length) };
          return complete(tree, path, pos, { snippets: this.snippets }).map((i) => toCompletionItem(i, view.range(path, i.range)));
        },
        [] as CompletionItem[],
      ),
    );

    connection.onHover(
      safe(
        'hover',
        (p): Hover | null => {
          const { tree, path } = this.treeFor(p.textDocument.uri);
          const h = hover(tree, path, this.host.view.position(path, p.position));
          return h ? { contents: { kind: MarkupKind.Markdown, value: h.markdown }, range: this.host.view.range(path, h.range) } : null;
        },
        null,
      ),
    );

    connection.onSignatureHelp(
      safe(
        'signatureHelp',
        (p): SignatureHelp | null => {
          const { tree, path } = this.treeFor(p.textDocument.uri);
          const help = signatureHelp(tree, path, this.host.view.position(path, p.position));
          return help ?? null;
        },
        null,
      ),
    );

    connection.onDocumentSymbol(
      safe(
        'documentSymbol',
        (p) => {
          const { tree, path } = this.treeFor(p.textDocument.uri);
          const range = (r: Range) => this.host.view.range(path, r);
          return documentSymbols(tree, path).map((s) => toDocumentSymbol(s, range));
        },
        [] as DocumentSymbol[],
      ),
    );

    connection.onWorkspaceSymbol(
      safe(
        'workspaceSymbol',
        (p) => {
          const trees = this.host.documents.all().map((d) => this.treeOf(d.uri));
          return workspaceSymbols(trees, p.query).map(
            (s): SymbolInformation => ({ name: s.name, kind: SYMBOL_KIND[s.kind], location: this.location(s.loc), containerName: s.container }),
          );
        },
        [] as SymbolInformation[],
      ),
    );

    connection.onDefinition(
      safe(
        'definition',
        (p) => {
          const { tree, path } = this.treeFor(p.textDocument.uri);
          return definitions(tree, path, this.host.view.position(path, p.position)).map((l) => this.location(l));
        },
        [] as Location[],
      ),
    );

    connection.onReferences(
      safe(
        'references',
        (p) => {
          const { tree, path } = this.treeFor(p.textDocument.uri);
          return references(tree, path, this.host.view.position(path, p.position), p.context.includeDeclaration).map((l) => this.location(l));
        },
        [] as Location[],
      ),
    );

    connection.onDocumentHighlight(
      safe(
        'documentHighlight',
        (p) => {
          const { tree, path } = this.treeFor(p.textDocument.uri);
          return documentHighlights(tree, path, this.host.view.position(path, p.position)).map(
            (h): DocumentHighlight => ({
              range: this.host.view.range(path, h.range),
              kind: h.kind === 'write' ? DocumentHighlightKind.Write : DocumentHighlightKind.Read,
            }),
          );
        },
        [] as DocumentHighlight[],
      ),
    );

    connection.onPrepareRename(
      safe(
        'prepareRename',
        (p): { range: Range; placeholder: string } | null => {
          const { tree, path } = this.treeFor(p.textDocument.uri);
          const check = prepareRename(tree, path, this.host.view.position(path, p.position));
          if (!check.ok) throw new ResponseError(LSPErrorCodes.RequestFailed, check.message);
          return { range: this.host.view.range(check.loc.file, check.loc.range), placeholder: check.name };
        },
        null,
      ),
    );

    connection.onRenameRequest(
      safe(
        'rename',
        (p): WorkspaceEdit | null => {
          const { tree, path } = this.treeFor(p.textDocument.uri);
          const result = rename(tree, path, this.host.view.position(path, p.position), p.newName);
          if (!result.ok) throw new ResponseError(LSPErrorCodes.RequestFailed, result.message);
          return toWorkspaceEdit(result.edits, this.host.view);
        },
        null,
      ),
    );

    connection.onFoldingRanges(
      safe(
        'foldingRange',
        (p) => {
          const { tree, path } = this.treeFor(p.textDocument.uri);
          return foldingRanges(tree, path).map((r): FoldingRange => {
            // A line of the core may be several lines in the client: from the first to the last.
            const lines = this.host.view.range(path, { start: { line: r.startLine, character: 0 }, end: { line: r.endLine, character: Number.MAX_SAFE_INTEGER } });
            return {
              startLine: lines.start.line,
              endLine: lines.end.line,
              ...(r.kind ? { kind: r.kind === 'comment' ? FoldingRangeKind.Comment : FoldingRangeKind.Region } : {}),
            };
          });
        },
        [] as FoldingRange[],
      ),
    );

    connection.onDocumentLinks(
      safe(
        'documentLink',
        (p) => {
          const { tree, path } = this.treeFor(p.textDocument.uri);
          return documentLinks(tree, path).map((l): DocumentLink => ({ range: this.host.view.range(path, l.range), target: this.host.view.uri(l.target), tooltip: l.target }));
        },
        [] as DocumentLink[],
      ),
    );
  }
}

function toCompletionItem(i: CoreCompletionItem, range: Range): CompletionItem {
  const item: CompletionItem = {
    label: i.label,
    kind: COMPLETION_KIND[i.kind],
    textEdit: { range, newText: i.insertText },
  };
  if (i.detail) item.detail = i.detail;
  if (i.documentation) item.documentation = { kind: MarkupKind.Markdown, value: i.documentation };
  if (i.snippet) item.insertTextFormat = InsertTextFormat.Snippet;
  if (i.filterText) item.filterText = i.filterText;
  if (i.sortText) item.sortText = i.sortText;
  return item;
}

function toDocumentSymbol(s: CoreDocumentSymbol, range: (r: Range) => Range): DocumentSymbol {
  const out: DocumentSymbol = {
    name: s.name || '?',
    kind: SYMBOL_KIND[s.kind],
    range: range(s.range),
    selectionRange: range(s.selectionRange),
    children: s.children.map((c) => toDocumentSymbol(c, range)),
  };
  if (s.detail) out.detail = s.detail.length > 80 ? s.detail.slice(0, 79) + '…' : s.detail;
  return out;
}

/** An error as one line of text, for the client's log. */
export function oneLine(e: unknown): string {
  return (e instanceof Error ? `${e.name}: ${e.message}` : String(e)).replace(/\s*\n\s*/g, ' ').slice(0, 500);
}
