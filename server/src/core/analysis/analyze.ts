/** Runs every rule over a parsed configuration and returns its findings, sorted. */
import { comparePositions, Location } from '../syntax/source';
import { printable } from '../util/printable';
import { ConfigTree } from '../syntax/tree';
import { MacroUse } from '../syntax/reader';
import { writtenText } from '../util/sourceText';
import { ConfigModel } from './model';
import { PARSE_PROBLEMS, RULES, ruleMeta } from './registry';
import { applySuppressions } from './suppress';
import { Finding, Fix, ReportedFinding, Severity } from './types';

export interface AnalyzeOptions {
  /** Per-code severity, or 'off'. */
  severities?: Record<string, Severity | 'off'>;
}

const SEVERITY_RANK: Record<Severity, number> = { error: 0, warning: 1, information: 2, hint: 3 };

/** Exim skips inactive `.ifdef` branches: what is wrong there is at most a warning. */
function capForInactive(severity: Severity): Severity {
  return severity === 'error' ? 'warning' : severity;
}
/** What Exim does with a line of a skipped .ifdef branch holds only once the branch is used: said so. */
const INACTIVE_NOTE = ' (this line is in an .ifdef branch that Exim skips as configured: it matters once the branch is used)';

/**
 * Lines of `.ifdef` blocks that test one of Exim's built-in macros (`_HAVE_DMARC`,
 * `_OPT_MAIN_DMARC_TLD_FILE`, `_DRIVER_...`: names starting with "_", which only Exim
 * defines, each when the binary has the feature). A skipped branch of such a block is
 * written for another build of Exim, so what this build would refuse there (an unknown
 * option, condition or control) says nothing about the configuration: not reported.
 */
function otherBuildBranches(tree: ConfigTree): (loc: Location) => boolean {
  const spans: { file: string; from: number; to: number }[] = [];
  for (const block of tree.conditionals) {
    const tests = block.directives.filter((d) => d.kind !== 'else' && d.kind !== 'endif');
    if (!tests.some((d) => d.writtenArgument.trimStart().startsWith('_'))) continue;
    const first = block.directives[0].loc;
    const last = block.directives[block.directives.length - 1].loc;
    if (first.file !== last.file) continue;
    spans.push({ file: first.file, from: first.range.start.line, to: last.range.start.line });
  }
  if (spans.length === 0) return () => false;
  return (loc) => spans.some((s) => s.file === loc.file && loc.range.start.line > s.from && loc.range.start.line < s.to);
}

/**
 * Whether a fix would rewrite the name of a macro where the macro is used (`domains = !
 * LOCALS` with a did-you-mean edit over "LOCALS"): Exim reads the macro's value there, so
 * the edit would drop the value and keep the mistake, which is in the definition. An edit
 * that writes the name again (a fix that moves text around it) or replaces whole lines is
 * not one.
 */
function macroUseRewriter(tree: ConfigTree): (fix: Fix) => boolean {
  const uses = new Map<string, MacroUse[]>();
  for (const use of tree.macroUses) {
    const key = `${use.loc.file}:${use.loc.range.start.line}`;
    const list = uses.get(key);
    if (list) list.push(use);
    else uses.set(key, [use]);
  }
  return (fix) =>
    fix.edits.some((e) => {
      const { start, end } = e.range;
      if (start.character === 0 && end.character === 0 && end.line > start.line) return false;
      for (let line = start.line; line <= end.line; line++) {
        for (const use of uses.get(`${e.file}:${line}`) ?? []) {
          const r = use.loc.range;
          if (comparePositions(start, r.end) < 0 && comparePositions(r.start, end) < 0 && !e.newText.includes(use.name)) return true;
        }
      }
      return false;
    });
}

/**
 * When a file the configuration includes could not be read, a finding whose text holds a
 * name written like a macro that no readable file defines (`local_interfaces = MY_IP`) is
 * most likely about a macro of the unread file: Exim stops at the `.include` line itself
 * (include-missing says so) and, with the file there, reads the macro's value instead.
 */
function unreadMacroText(tree: ConfigTree): ((loc: Location) => boolean) | undefined {
  if (!tree.problems.some((p) => p.code === 'include-missing' || p.code === 'include-not-read')) return undefined;
  const defined = new Set(tree.macros.map((m) => m.name));
  return (loc) => {
    const text = writtenText(tree, loc);
    if (!text) return false;
    for (const m of text.matchAll(/(?<![A-Za-z0-9_$])[A-Z][A-Z0-9_]*(?![A-Za-z0-9_])/g)) if (m[0].length > 1 && !defined.has(m[0])) return true;
    return false;
  };
}

export function analyze(tree: ConfigTree, options: AnalyzeOptions = {}): Finding[] {
  const findings: Finding[] = [];
  const severityOf = (code: string, fallback: Severity): Severity | 'off' => options.severities?.[code] ?? ruleMeta(code)?.defaultSeverity ?? fallback;

  let otherBuild: ((loc: Location) => boolean) | undefined;
  let rewritesMacroUse: ((fix: Fix) => boolean) | undefined;
  const aboutUnreadMacro = unreadMacroText(tree);
  const generated = new Set(tree.files.filter((f) => f.generated).map((f) => f.path));
  const add = (code: string, f: ReportedFinding): void => {
    const configured = severityOf(code, f.severity ?? 'warning');
    if (configured === 'off') return;
    if (f.active === false && (otherBuild ??= otherBuildBranches(tree))(f.loc)) return;
    if (aboutUnreadMacro && !code.startsWith('include-') && aboutUnreadMacro(f.loc)) return;
    let severity = f.severity && !options.severities?.[code] ? f.severity : configured;
    if (f.active === false) severity = capForInactive(severity);
    const { active: _active, ...rest } = f;
    // Text update-exim4.conf would generate (debianMacros.ts) is not a file to edit.
    if (rest.fixes && generated.size > 0) rest.fixes = rest.fixes.filter((fix) => fix.edits.every((e) => !generated.has(e.file)));
    if (rest.fixes?.length && tree.macroUses.length > 0) {
      rewritesMacroUse ??= macroUseRewriter(tree);
      rest.fixes = rest.fixes.filter((fix) => !rewritesMacroUse!(fix));
    }
    // Messages quote the configuration, which may hold control characters or very long lines.
    const note = f.active === false && !/\bbranch\b/.test(f.message) ? INACTIVE_NOTE : '';
    findings.push({ ...rest, message: printable(f.message) + note, code, severity });
  };

  void PARSE_PROBLEMS;
  for (const p of tree.problems) {
    add(p.code, { message: p.message, loc: p.loc, active: p.active, data: p.data, fixes: p.fixes });
  }
  const model = new ConfigModel(tree);
  for (const rule of RULES) {
    try {
      rule.check({ tree, model, report: (f) => add(rule.id, f) });
    } catch (e) {
      findings.push({
        code: 'internal-error',
        severity: 'information',
        message: printable(`rule ${rule.id} failed on this configuration: ${e instanceof Error ? e.message : String(e)}`),
        loc: { file: tree.root, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } } },
      });
    }
  }
  return sortFindings(applySuppressions(tree, findings));
}

export function sortFindings(findings: Finding[]): Finding[] {
  // Each location is read once (locations may be computed on first use).
  const keyed = findings.map((f) => ({ f, file: f.loc.file, start: f.loc.range.start }));
  keyed.sort(
    (a, b) =>
      (a.file < b.file ? -1 : a.file > b.file ? 1 : 0) ||
      comparePositions(a.start, b.start) ||
      SEVERITY_RANK[a.f.severity] - SEVERITY_RANK[b.f.severity] ||
      (a.f.code < b.f.code ? -1 : a.f.code > b.f.code ? 1 : 0),
  );
  for (let i = 0; i < keyed.length; i++) findings[i] = keyed[i].f;
  return findings;
}
