/** Building and applying text edits on raw file text (keeps BOM, CRLF/LF and indentation). */
import { Fix, TextEdit } from '../analysis/types';
import { Location, SourceFile, range } from '../syntax/source';
import { LogicalLine } from '../syntax/logicalLine';

/** Inserts whole lines after a logical line, with the given indentation. */
export function insertLinesAfter(line: LogicalLine, indent: string, lines: string[]): TextEdit {
  const file = line.file;
  const last = line.lastLine;
  const text = lines.map((l) => indent + l).join(file.eol);
  if (last + 1 < file.lineCount) {
    return { file: file.path, range: range(last + 1, 0, last + 1, 0), newText: text + file.eol };
  }
  const end = file.lines[last].length;
  return { file: file.path, range: range(last, end, last, end), newText: file.eol + text };
}

/** Inserts whole lines before a physical line. */
export function insertLinesBefore(file: SourceFile, lineNo: number, indent: string, lines: string[]): TextEdit {
  return { file: file.path, range: range(lineNo, 0, lineNo, 0), newText: lines.map((l) => indent + l + file.eol).join('') };
}

/** Removes the physical lines of a logical line, including its line break. */
export function deleteLogicalLine(line: LogicalLine): TextEdit {
  const file = line.file;
  const first = line.firstLine;
  const last = line.lastLine;
  if (last + 1 < file.lineCount) return { file: file.path, range: range(first, 0, last + 1, 0), newText: '' };
  if (first > 0) return { file: file.path, range: range(first - 1, file.lines[first - 1].length, last, file.lines[last].length), newText: '' };
  return { file: file.path, range: range(first, 0, last, file.lines[last].length), newText: '' };
}

/** One "Change to" fix per name, replacing the text at `loc`; the first is the preferred one. */
export function changeToFixes(loc: Location, names: readonly string[]): Fix[] {
  return names.map((n, i) => ({ title: `Change to "${n}"`, edits: [{ file: loc.file, range: loc.range, newText: n }], ...(i === 0 ? { isPreferred: true } : {}) }));
}

export function replaceAt(loc: Location, newText: string): TextEdit {
  return { file: loc.file, range: loc.range, newText };
}

/** Applies edits (all for one file) to its raw text. Overlapping edits are a caller error; later ones win. */
export function applyEdits(raw: string, edits: TextEdit[]): string {
  let body = raw;
  const starts = [0];
  for (let i = 0; i < body.length; i++) if (body.charCodeAt(i) === 10) starts.push(i + 1);
  const offset = (p: { line: number; character: number }): number => {
    if (p.line >= starts.length) return body.length;
    const lineStart = starts[p.line];
    let lineEnd = p.line + 1 < starts.length ? starts[p.line + 1] - 1 : body.length;
    if (lineEnd > lineStart && body.charCodeAt(lineEnd - 1) === 13) lineEnd--;
    return Math.min(lineStart + p.character, lineEnd);
  };
  const sorted = edits.map((e, i) => ({ e, i, a: offset(e.range.start), b: offset(e.range.end) })).sort((x, y) => x.a - y.a || x.i - y.i);
  // One pass from the start, so that thousands of edits cost one copy of the text.
  const parts: string[] = [];
  let at = 0;
  for (const { e, a, b } of sorted) {
    const from = Math.max(a, at);
    parts.push(body.slice(at, from), e.newText);
    at = Math.max(b, from);
  }
  parts.push(body.slice(at));
  return parts.join('');
}

type Position = { line: number; character: number };
const before = (a: Position, b: Position) => a.line < b.line || (a.line === b.line && a.character < b.character);

/** Edits that do not overlap one another, kept sorted per file so that a new one is checked in log time. */
export class DisjointEdits {
  private readonly byFile = new Map<string, TextEdit[]>();

  /** True when `edit` touches an edit already added (insertions at one point count as touching). */
  overlaps(edit: TextEdit): boolean {
    const list = this.byFile.get(edit.file);
    if (!list) return false;
    // The first edit that does not end before `edit` starts (ends are sorted as starts are).
    let lo = 0;
    let hi = list.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (before(list[mid].range.end, edit.range.start)) lo = mid + 1;
      else hi = mid;
    }
    return lo < list.length && !before(edit.range.end, list[lo].range.start);
  }

  add(edit: TextEdit): void {
    let list = this.byFile.get(edit.file);
    if (!list) this.byFile.set(edit.file, (list = []));
    let i = list.length;
    while (i > 0 && before(edit.range.start, list[i - 1].range.start)) i--;
    list.splice(i, 0, edit);
  }

  /** The edits of each file, in the order they were added. */
  files(): Map<string, TextEdit[]> {
    return this.byFile;
  }
}

/** A single edit turning `before` into `after`, replacing only the lines between their common head and tail. */
export function lineDiffEdit(file: string, before: string, after: string): TextEdit {
  // A text that ends in a lone "\r" (no final "\n"): editors end its last line before the
  // "\r", so an edit must not reach past it; both keep it, so it stays out of the edit.
  if (before.endsWith('\r') && after.endsWith('\r')) {
    before = before.slice(0, -1);
    after = after.slice(0, -1);
  }
  const a = before.split('\n');
  const b = after.split('\n');
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const middle = b.slice(head, b.length - tail);
  if (tail > 0) {
    return { file, range: range(head, 0, a.length - tail, 0), newText: middle.map((l) => l + '\n').join('') };
  }
  const last = a.length - 1;
  if (head > last) {
    // Only lines added at the end.
    return { file, range: range(last, a[last].length, last, a[last].length), newText: '\n' + middle.join('\n') };
  }
  return { file, range: range(head, 0, last, a[last].length), newText: middle.join('\n') };
}
