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
  // Last physical line of each logical line, by file and first line (built when first needed).
  let extents: Map<string, number> | undefined;
  const lastLineOf = (path: string, first: number): number => {
    if (!extents) {
      extents = new Map();
      for (const l of tree.lines) {
        const key = `${l.file.path}\0${l.firstLine}`;
        if (!extents.has(key)) extents.set(key, l.lastLine);
      }
    }
    return extents.get(`${path}\0${first}`) ?? first;
  };
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
      const lastLine = lastLineOf(file.path, target);
      out.push({ file: file.path, line: n, codes: list.length ? new Set(list) : undefined, firstLine: target, lastLine });
    }
  }
  return out;
}

/** Findings minus those a suppression comment hides. */
export function applySuppressions(tree: ConfigTree, findings: Finding[]): Finding[] {
  const list = suppressions(tree);
  if (list.length === 0) return findings;
  const byFile = new Map<string, Suppression[]>();
  for (const s of list) {
    const forFile = byFile.get(s.file);
    if (forFile) forFile.push(s);
    else byFile.set(s.file, [s]);
  }
  return findings.filter((f) => {
    const forFile = byFile.get(f.loc.file);
    if (!forFile) return true;
    const line = f.loc.range.start.line;
    return !forFile.some((s) => line >= s.firstLine && line <= s.lastLine && (!s.codes || s.codes.has(f.code)));
  });
}
