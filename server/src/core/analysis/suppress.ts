/**
 * Inline suppression: a comment line `# exim-lint: disable-next-line code[, code...]`
 * hides those findings on the configuration line that follows it (all findings when no
 * code is given). Exim comments are whole lines, so there is no same-line form; the
 * "next line" is the next logical line, skipping further comment lines, so a suppression
 * covers every physical line of a backslash-continued setting. Text after ` -- ` is a
 * reason for readers.
 */
import { ConfigTree } from '../syntax/tree';
import { Finding } from './types';

const SUPPRESS_RE = /^\s*#\s*exim-lint:\s*disable-next-line\b(.*)$/;

export interface Suppression {
  file: string;
  /** Line of the comment. */
  line: number;
  /** Codes, or undefined for every code. */
  codes?: Set<string>;
  /** Physical lines (first to last) the suppression covers. */
  firstLine: number;
  lastLine: number;
}

export function suppressions(tree: ConfigTree): Suppression[] {
  const out: Suppression[] = [];
  const comments = new Map<string, Set<number>>();
  for (const c of tree.comments) {
    const set = comments.get(c.file) ?? new Set<number>();
    set.add(c.range.start.line);
    comments.set(c.file, set);
  }
  for (const file of tree.files) {
    const commentLines = comments.get(file.path);
    if (!commentLines) continue;
    for (const n of [...commentLines].sort((a, b) => a - b)) {
      const m = SUPPRESS_RE.exec(file.lines[n]);
      if (!m) continue;
      // Anything after " -- " is a reason for people, not a code.
      const list = m[1]
        .split(/(?:^|\s)--(?:\s|$)/)[0]
        .split(/[\s,]+/)
        .filter((c) => c !== '');
      // Skip further comment lines (another suppression, an explanation).
      let target = n + 1;
      while (commentLines.has(target)) target++;
      let lastLine = target;
      for (const l of tree.lines) {
        if (l.file.path === file.path && l.firstLine === target) {
          lastLine = l.lastLine;
          break;
        }
      }
      out.push({ file: file.path, line: n, codes: list.length ? new Set(list) : undefined, firstLine: target, lastLine });
    }
  }
  return out;
}

/** Findings minus those a suppression comment hides. */
export function applySuppressions(tree: ConfigTree, findings: Finding[]): Finding[] {
  const list = suppressions(tree);
  if (list.length === 0) return findings;
  return findings.filter(
    (f) =>
      !list.some(
        (s) => s.file === f.loc.file && f.loc.range.start.line >= s.firstLine && f.loc.range.start.line <= s.lastLine && (!s.codes || s.codes.has(f.code)),
      ),
  );
}
