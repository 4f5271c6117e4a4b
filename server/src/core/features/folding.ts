/**
 * Folding ranges of one file: sections, drivers, ACLs (and ACL statements over several
 * lines), each branch of an `.ifdef` block, and runs of two or more comment lines.
 */
import { ConfigTree } from '../syntax/tree';

export interface FoldingRange {
  startLine: number;
  endLine: number;
  kind?: 'comment' | 'region';
}

export function foldingRanges(tree: ConfigTree, file: string): FoldingRange[] {
  const out: FoldingRange[] = [];
  const add = (startLine: number, endLine: number, kind?: FoldingRange['kind']) => {
    if (endLine > startLine) out.push(kind ? { startLine, endLine, kind } : { startLine, endLine });
  };

  // `.ifdef` blocks in this file, first and last directive line: a driver, an ACL or a
  // section whose last line is inside one ends with it, so that the folds nest (editors drop
  // one of two folds that cross).
  const blocks = tree.conditionals
    .map((b) => b.directives)
    .filter((ds) => ds[0].loc.file === file && ds[ds.length - 1].loc.file === file)
    .map((ds) => ({ from: ds[0].loc.range.start.line, to: ds[ds.length - 1].loc.range.start.line }));
  const nestedEnd = (start: number, end: number): number => {
    for (let changed = true; changed; ) {
      changed = false;
      for (const b of blocks) {
        if (b.from > start && b.from <= end && b.to > end) {
          end = b.to;
          changed = true;
        }
      }
    }
    return end;
  };

  for (const section of tree.sections) {
    let end = -1;
    for (const item of section.items) {
      if (item.loc.file !== file) continue;
      end = Math.max(end, item.loc.range.end.line);
      if (item.kind === 'driver' || item.kind === 'acl') add(item.nameLoc.range.start.line, nestedEnd(item.nameLoc.range.start.line, item.loc.range.end.line));
      if (item.kind === 'acl') {
        for (const st of item.statements) if (st.loc.file === file) add(st.loc.range.start.line, nestedEnd(st.loc.range.start.line, st.loc.range.end.line));
      }
    }
    if (section.begin && section.begin.loc.file === file) add(section.begin.loc.range.start.line, nestedEnd(section.begin.loc.range.start.line, end));
  }

  // Each branch, from its directive to the line before the next one (.endif stays visible).
  for (const block of tree.conditionals) {
    const ds = block.directives;
    for (let i = 0; i + 1 < ds.length; i++) {
      if (ds[i].loc.file !== file || ds[i + 1].loc.file !== file) continue;
      add(ds[i].loc.range.start.line, ds[i + 1].loc.range.start.line - 1, 'region');
    }
  }

  const commentLines = [...new Set(tree.comments.filter((c) => c.file === file).map((c) => c.range.start.line))].sort((a, b) => a - b);
  for (let i = 0; i < commentLines.length; ) {
    let j = i;
    while (j + 1 < commentLines.length && commentLines[j + 1] === commentLines[j] + 1) j++;
    add(commentLines[i], commentLines[j], 'comment');
    i = j + 1;
  }

  // Nested constructs can share lines (a driver that is the whole section); keep one of each.
  const seen = new Set<string>();
  return out
    .filter((r) => {
      const key = `${r.startLine}:${r.endLine}:${r.kind ?? ''}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .sort((a, b) => a.startLine - b.startLine || b.endLine - a.endLine);
}
