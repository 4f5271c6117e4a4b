/** Document links: the paths of `.include` and `.include_if_exists` lines, resolved. */
import { dirname, joinPath } from '../host';
import { Range } from '../syntax/source';
import { ConfigTree } from '../syntax/tree';

export interface DocumentLink {
  range: Range;
  /** Absolute path of the included file. */
  target: string;
}

export function documentLinks(tree: ConfigTree, file: string): DocumentLink[] {
  const out: DocumentLink[] = [];
  for (const d of tree.includes) {
    if (d.loc.file !== file || !d.argument) continue;
    // A missing file or a relative .include_if_exists has nothing to open.
    if (d.status === 'missing' || d.status === 'unreadable' || d.status === 'skipped' || d.status === 'relative') continue;
    let path = d.argument;
    let range = d.argumentLoc.range;
    if (path.length >= 2 && path.startsWith('"') && path.endsWith('"') && range.start.line === range.end.line && range.end.character - range.start.character === path.length) {
      path = path.slice(1, -1);
      range = { start: { line: range.start.line, character: range.start.character + 1 }, end: { line: range.end.line, character: range.end.character - 1 } };
    }
    // In a skipped branch a macro the branch would define is not replaced: a bare macro name
    // (`.include UNDEFINED_MACRO`, as in Debian's template) names no file here.
    if (d.status === 'inactive' && /^[A-Z][A-Z0-9_]*$/.test(path)) continue;
    const target = d.status === 'inactive' ? (path.startsWith('/') ? path : joinPath(dirname(file), path)) : d.path;
    out.push({ range, target });
  }
  return out;
}
