/** Maps the core's findings and edits to LSP types. */
import { CodeAction, CodeActionKind, Diagnostic, DiagnosticSeverity, DiagnosticTag, TextEdit as LspTextEdit, WorkspaceEdit } from 'vscode-languageserver/node';
import { Finding, Fix, Severity, TextEdit } from '../core/analysis/types';
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

/** Maps a file path to the URI the client knows it by. */
export type UriFor = (path: string) => string;

export function toDiagnostic(f: Finding, docsBase: string | undefined, uriFor: UriFor = pathToUri): Diagnostic {
  const d: Diagnostic = {
    range: f.loc.range,
    severity: SEVERITY[f.severity],
    code: f.code,
    source: 'exim',
    message: f.message,
  };
  if (docsBase) d.codeDescription = { href: `${docsBase}#${f.code}` };
  if (f.related?.length) d.relatedInformation = f.related.map((r) => ({ location: { uri: uriFor(r.loc.file), range: r.loc.range }, message: r.message }));
  if (f.unnecessary) d.tags = [DiagnosticTag.Unnecessary];
  if (f.fixes?.length) d.data = { fixes: f.fixes } satisfies DiagnosticData;
  return d;
}

export function toWorkspaceEdit(edits: TextEdit[], uriFor: UriFor = pathToUri): WorkspaceEdit {
  const changes: Record<string, LspTextEdit[]> = {};
  for (const e of edits) (changes[uriFor(e.file)] ??= []).push({ range: e.range, newText: e.newText });
  return { changes };
}

export function toCodeActions(diagnostic: Diagnostic, uriFor: UriFor = pathToUri): CodeAction[] {
  const data = diagnostic.data as DiagnosticData | undefined;
  if (!data?.fixes) return [];
  return data.fixes.map((fix) => ({
    title: fix.title,
    kind: CodeActionKind.QuickFix,
    diagnostics: [diagnostic],
    isPreferred: fix.isPreferred,
    edit: toWorkspaceEdit(fix.edits, uriFor),
  }));
}
