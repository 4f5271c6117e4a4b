/** Maps the core's findings and edits to LSP types. */
import { CodeAction, CodeActionKind, Diagnostic, DiagnosticSeverity, DiagnosticTag, TextEdit as LspTextEdit, WorkspaceEdit } from 'vscode-languageserver/node';
import { Finding, Fix, Severity, TextEdit } from '../core/analysis/types';
import { comparePositions, Position, Range } from '../core/syntax/source';
import { pathToUri } from './uri';

const SEVERITY: Record<Severity, DiagnosticSeverity> = {
  error: DiagnosticSeverity.Error,
  warning: DiagnosticSeverity.Warning,
  information: DiagnosticSeverity.Information,
  hint: DiagnosticSeverity.Hint,
};

/** What a diagnostic carries so that its code actions need no second analysis. */
export interface DiagnosticData {
  fixes: Fix[];
}

/** How the client knows a file: by which URI, and where its lines break (see LineMapping). */
export interface ClientView {
  uri(path: string): string;
  /** A range of the core as the client counts it. */
  range(path: string, range: Range): Range;
  /** A position the client sent, as the core counts it. */
  position(path: string, position: Position): Position;
}

/** Files by their file: URI, with lines as the core counts them. */
export const plainView: ClientView = { uri: pathToUri, range: (_path, range) => range, position: (_path, position) => position };

export function toDiagnostic(f: Finding, docsBase: string | undefined, view: ClientView = plainView): Diagnostic {
  const d: Diagnostic = {
    range: view.range(f.loc.file, f.loc.range),
    severity: SEVERITY[f.severity],
    code: f.code,
    source: 'exim',
    message: f.message,
  };
  if (docsBase) d.codeDescription = { href: `${docsBase}#${f.code}` };
  if (f.related?.length) d.relatedInformation = f.related.map((r) => ({ location: { uri: view.uri(r.loc.file), range: view.range(r.loc.file, r.loc.range) }, message: r.message }));
  if (f.unnecessary) d.tags = [DiagnosticTag.Unnecessary];
  if (f.fixes?.length) d.data = { fixes: f.fixes } satisfies DiagnosticData;
  return d;
}

export function toWorkspaceEdit(edits: TextEdit[], view: ClientView = plainView): WorkspaceEdit {
  const changes: Record<string, LspTextEdit[]> = {};
  for (const e of edits) (changes[view.uri(e.file)] ??= []).push({ range: view.range(e.file, e.range), newText: e.newText });
  return { changes };
}

export function toCodeActions(diagnostic: Diagnostic, view: ClientView = plainView, fileAllowed: (path: string) => boolean = () => true): CodeAction[] {
  const data = diagnostic.data as DiagnosticData | undefined;
  if (!data || !Array.isArray(data.fixes)) return [];
  // The data comes back from the client: an edit is taken only with a range that can be in a file.
  const position = (p: unknown): p is Position => !!p && Number.isInteger((p as Position).line) && Number.isInteger((p as Position).character) && (p as Position).line >= 0 && (p as Position).character >= 0;
  const validRange = (r: Range | undefined) => !!r && position(r.start) && position(r.end) && comparePositions(r.start, r.end) <= 0;
  const wellFormed = (fix: DiagnosticData['fixes'][number]) =>
    fix && typeof fix.title === 'string' && Array.isArray(fix.edits) && fix.edits.every((e) => e && typeof e.file === 'string' && typeof e.newText === 'string' && validRange(e.range) && fileAllowed(e.file));
  return data.fixes.filter(wellFormed).map((fix) => ({
    title: fix.title,
    kind: CodeActionKind.QuickFix,
    diagnostics: [diagnostic],
    isPreferred: fix.isPreferred,
    edit: toWorkspaceEdit(fix.edits, view),
  }));
}
