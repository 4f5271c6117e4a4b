/**
 * Where a position is in a parsed configuration: the section, driver or ACL it belongs to
 * (following the reading order across `.include` files and the parts of a split
 * configuration), the logical line under it and the text before it.
 */
import { LogicalLine } from '../syntax/logicalLine';
import { Directive, IncludeDirective } from '../syntax/reader';
import { Location, Position, Range, SourceFile, comparePositions } from '../syntax/source';
import { AclItemNode, AclNode, AclStatementNode, ConfigTree, DriverNode, OptionNode, SectionItem, SectionKind, SectionNode } from '../syntax/tree';

/** What a logical line is, and what it belongs to. */
export interface LineInfo {
  section: SectionNode;
  driver?: DriverNode;
  acl?: AclNode;
  statement?: AclStatementNode;
  /** The node written on this line: a section item, a driver option, an ACL statement or item, or a `begin` line. */
  node: SectionItem | OptionNode | AclStatementNode | AclItemNode | { kind: 'begin'; section: SectionNode };
  /** ACL conditions and modifiers written on this line. */
  aclItems: AclItemNode[];
}

interface TreeIndex {
  lines: Map<LogicalLine, LineInfo>;
  order: Map<LogicalLine, number>;
  byFile: Map<string, LogicalLine[]>;
  files: Map<string, SourceFile>;
}

const indexes = new WeakMap<ConfigTree, TreeIndex>();

function treeIndex(tree: ConfigTree): TreeIndex {
  let idx = indexes.get(tree);
  if (idx) return idx;
  const lines = new Map<LogicalLine, LineInfo>();
  for (const section of tree.sections) {
    if (section.begin) lines.set(section.begin.line, { section, node: { kind: 'begin', section }, aclItems: [] });
    for (const item of section.items) {
      lines.set(item.line, { section, node: item, aclItems: [], ...(item.kind === 'driver' ? { driver: item } : item.kind === 'acl' ? { acl: item } : {}) });
      if (item.kind === 'driver') {
        for (const o of item.options) lines.set(o.line, { section, driver: item, node: o, aclItems: [] });
      } else if (item.kind === 'acl') {
        for (const st of item.statements) {
          const stInfo: LineInfo = { section, acl: item, statement: st, node: st, aclItems: [] };
          lines.set(st.line, stInfo);
          for (const it of st.items) {
            const existing = lines.get(it.line);
            if (existing && existing.statement === st) existing.aclItems.push(it);
            else lines.set(it.line, { section, acl: item, statement: st, node: it, aclItems: [it] });
          }
        }
      }
    }
  }
  const order = new Map<LogicalLine, number>();
  const byFile = new Map<string, LogicalLine[]>();
  tree.lines.forEach((l, i) => {
    order.set(l, i);
    const list = byFile.get(l.file.path) ?? [];
    list.push(l);
    byFile.set(l.file.path, list);
  });
  const files = new Map(tree.files.map((f) => [f.path, f]));
  idx = { lines, order, byFile, files };
  indexes.set(tree, idx);
  return idx;
}

export function lineInfo(tree: ConfigTree, line: LogicalLine): LineInfo | undefined {
  return treeIndex(tree).lines.get(line);
}

export function sourceFile(tree: ConfigTree, file: string): SourceFile | undefined {
  return treeIndex(tree).files.get(file);
}

/** Position of a logical line in the reading order. */
export function readingIndex(tree: ConfigTree, line: LogicalLine): number {
  return treeIndex(tree).order.get(line) ?? -1;
}

/** The logical line that covers a position (its first to last physical line in that file). */
export function lineAt(tree: ConfigTree, file: string, pos: Position): LogicalLine | undefined {
  const lines = treeIndex(tree).byFile.get(file);
  if (!lines) return undefined;
  for (const l of lines) if (l.firstLine <= pos.line && pos.line <= l.lastLine && l.segments.some((s) => s.file.path === file && s.line === pos.line)) return l;
  return undefined;
}

/** Offset in the logical line's text for a position on one of its physical lines. */
export function offsetInLine(line: LogicalLine, file: string, pos: Position): number {
  let before = 0;
  let sawLine = false;
  for (const s of line.segments) {
    if (s.file.path !== file) continue;
    if (s.line < pos.line) {
      before = s.at + s.length;
      continue;
    }
    if (s.line > pos.line) break;
    if (pos.character < s.column) return sawLine ? before : s.at;
    sawLine = true;
    if (pos.character <= s.column + s.sourceLength) {
      if (s.macro) return pos.character === s.column ? s.at : s.at + s.length;
      return s.at + (pos.character - s.column);
    }
    before = s.at + s.length;
  }
  return before;
}

/** Whether a physical line is a comment. */
export function isCommentLine(tree: ConfigTree, file: string, line: number): boolean {
  return tree.comments.some((c) => c.file === file && c.range.start.line === line);
}

/** The `.ifdef`/`.include` directive written on a line, if any. */
export function directiveOnLine(tree: ConfigTree, file: string, line: number): Directive | undefined {
  return tree.directives.find((d) => d.loc.file === file && d.loc.range.start.line === line);
}

function includeOf(tree: ConfigTree, file: string): IncludeDirective | undefined {
  return tree.includes.find((d) => d.path === file && (d.status === 'included' || d.status === 'loop' || d.status === 'too-deep'));
}

/**
 * The last logical line Exim reads before a position: in this file before it, at the end
 * of a file included in between, or (at the top of a file) before the file itself.
 */
export function lineBefore(tree: ConfigTree, file: string, pos: Position, depth = 0): LogicalLine | undefined {
  if (depth > 40) return undefined;
  const idx = treeIndex(tree);
  let last: LogicalLine | undefined;
  for (const l of idx.byFile.get(file) ?? []) {
    if (l.lastLine < pos.line || (l.firstLine <= pos.line && l.lastLine >= pos.line && l.firstLine < pos.line)) last = l;
  }
  const afterLine = last ? last.lastLine : -1;
  let include: IncludeDirective | undefined;
  for (const d of tree.includes) {
    const line = d.loc.range.start.line;
    if (d.loc.file === file && d.status === 'included' && line > afterLine && line < pos.line && (!include || line > include.loc.range.start.line)) include = d;
  }
  if (include) {
    const inside = lineBefore(tree, include.path, { line: Number.MAX_SAFE_INTEGER, character: 0 }, depth + 1);
    if (inside && (!last || (idx.order.get(inside) ?? -1) > (idx.order.get(last) ?? -1))) return inside;
  }
  if (last) return last;
  const parent = includeOf(tree, file);
  if (parent) return lineBefore(tree, parent.loc.file, parent.loc.range.start, depth + 1);
  // A part of a split configuration: whatever the previous part left.
  const roots = tree.files.filter((f) => !includeOf(tree, f.path));
  const i = roots.findIndex((f) => f.path === file);
  if (i > 0) return lineBefore(tree, roots[i - 1].path, { line: Number.MAX_SAFE_INTEGER, character: 0 }, depth + 1);
  return undefined;
}

export interface PositionContext {
  file: string;
  pos: Position;
  section: SectionKind;
  sectionNode?: SectionNode;
  driver?: DriverNode;
  acl?: AclNode;
  statement?: AclStatementNode;
  /** The logical line under the position (undefined on blank, comment and directive lines). */
  line?: LogicalLine;
  info?: LineInfo;
  /** Offset of the position in line.text (0 without a line). */
  offset: number;
  /** line.text before the position ('' without a line). */
  textBefore: string;
  /** The physical source line before the position. */
  physicalBefore: string;
  /** Reading-order rank of the position: macros defined at lower ranks are in force. */
  rank: number;
}

export function contextAt(tree: ConfigTree, file: string, pos: Position): PositionContext {
  const src = sourceFile(tree, file);
  const physical = src?.lines[pos.line] ?? '';
  const physicalBefore = physical.slice(0, pos.character);
  const line = lineAt(tree, file, pos);
  const base = { file, pos, physicalBefore };
  if (line) {
    const info = lineInfo(tree, line);
    const offset = offsetInLine(line, file, pos);
    const section = info?.section;
    return {
      ...base,
      section: section?.kind ?? 'main',
      sectionNode: section,
      driver: info?.driver,
      acl: info?.acl,
      statement: info?.statement,
      line,
      info,
      offset,
      // The logical line has no trailing white space; typed at its end ("${if "), it counts.
      textBefore: line.text.slice(0, offset) + (offset >= line.text.length ? /[ \t]*$/.exec(physicalBefore)![0] : ''),
      rank: readingIndex(tree, line) - 0.5,
    };
  }
  const before = lineBefore(tree, file, pos);
  const info = before ? lineInfo(tree, before) : undefined;
  const section = info?.section ?? (before ? undefined : tree.sections[0]);
  // A macro definition ends the driver or ACL it follows (Exim then wants a new "name:" line).
  const ended = info?.node.kind === 'macro';
  return {
    ...base,
    section: section?.kind ?? 'main',
    sectionNode: section,
    driver: ended ? undefined : info?.driver,
    acl: ended ? undefined : info?.acl,
    statement: ended ? undefined : info?.statement,
    offset: 0,
    textBefore: '',
    rank: before ? readingIndex(tree, before) + 0.5 : -0.5,
  };
}

/** Source text of a single-line range, or undefined when the range spans lines or files are unknown. */
export function sourceText(tree: ConfigTree, loc: Location): string | undefined {
  const src = sourceFile(tree, loc.file);
  const r = loc.range;
  if (!src || r.start.line !== r.end.line) return undefined;
  return src.lines[r.start.line]?.slice(r.start.character, r.end.character);
}

export function inRange(r: Range, p: Position): boolean {
  return comparePositions(r.start, p) <= 0 && comparePositions(p, r.end) <= 0;
}
