// How a configuration of the parity corpus fares: Exim's verdict against the analyser's
// errors, and whether an error sits where Exim (or, without a line, the cause) says.
import { Finding } from '../../server/src/core/analysis/types';
import { ConfigTree } from '../../server/src/core/syntax/tree';
import { EximVerdict } from '../support/exim';
import { Mutant } from './corpus';

/**
 * Errors by design on configurations Exim accepts: hosts_avoid_tls overlapping
 * hosts_require_tls makes delivery to those hosts fail for certain, which -bV does not
 * check. Counted apart from false errors.
 */
export const CERTAIN_FAILURE_CODES = new Set(['tls-avoided']);

export interface Outcome {
  mutant: Mutant;
  ok: boolean;
  eximLine?: number;
  eximMessage?: string;
  errors: Finding[];
  /** On a configuration Exim accepts: errors for failures that are certain at delivery. */
  certainFailures: Finding[];
  onLine: boolean;
  noLine: boolean;
  endifMissing: boolean;
}

/** Physical lines (0-based) of the logical line that contains `line`, in `file`. */
export function logicalSpan(tree: ConfigTree, file: string, line: number): [number, number] {
  for (const l of tree.lines) if (l.file.path === file && l.firstLine <= line && line <= l.lastLine) return [l.firstLine, l.lastLine];
  return [line, line];
}

/**
 * Where Exim names no line, the thing its message names: the driver, ACL or macro whose
 * definition lines are the place that causes the error.
 */
export function namedLines(tree: ConfigTree, file: string, message: string, context: string | undefined): number[] {
  const name =
    /(?:called|for (?:router|transport|authenticator)|macro) "([^"]+)"/.exec(message)?.[1] ??
    /^"([^"]+)" cannot be defined as a macro/.exec(message)?.[1] ??
    /^(\S+) (?:router|transport|authenticator)\b/.exec(context ?? message)?.[1] ??
    /for the (\S+) (?:router|transport|authenticator)/.exec(message)?.[1];
  if (!name) return [];
  const out: number[] = [];
  for (const s of tree.sections) for (const i of s.items) if ((i.kind === 'driver' || i.kind === 'acl') && i.name === name && i.nameLoc.file === file) out.push(i.nameLoc.range.start.line);
  for (const m of tree.macros) if (m.name === name && m.nameLoc.file === file) out.push(m.nameLoc.range.start.line);
  return out;
}

export function errorsIn(errors: Finding[], file: string, [a, b]: [number, number]): boolean {
  return errors.some((f) => f.loc.file === file && f.loc.range.start.line >= a && f.loc.range.start.line <= b);
}


/** Compares one configuration's Exim verdict with the analyser's findings. */
export function judge(mutant: Mutant, path: string, verdict: EximVerdict, tree: ConfigTree, findings: Finding[]): Outcome {
  let errors = findings.filter((f) => f.severity === 'error');
  let certainFailures: Finding[] = [];
  if (verdict.ok) {
    certainFailures = errors.filter((f) => CERTAIN_FAILURE_CODES.has(f.code));
    errors = errors.filter((f) => !CERTAIN_FAILURE_CODES.has(f.code));
  }
  const outcome: Outcome = { mutant, ok: verdict.ok, eximLine: verdict.line, eximMessage: verdict.message, errors, certainFailures, onLine: false, noLine: false, endifMissing: false };
  if (verdict.ok) return outcome;
  if (verdict.line !== undefined && verdict.file === path) {
    if (/\.endif missing/.test(verdict.message ?? '')) {
      // Exim names the end of the file; the cause is the .ifdef left open.
      outcome.endifMissing = true;
      outcome.onLine = errors.some((f) => f.code === 'conditional-unterminated');
    } else outcome.onLine = errorsIn(errors, path, logicalSpan(tree, path, verdict.line - 1));
  } else {
    outcome.noLine = true;
    const places = [...mutant.cause, ...namedLines(tree, path, verdict.message ?? '', verdict.context)];
    outcome.onLine = places.some((c) => errorsIn(errors, path, logicalSpan(tree, path, c)));
  }
  return outcome;
}
