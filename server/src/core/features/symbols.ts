/**
 * Document symbols (an outline: sections → drivers, ACLs, macros, named lists, retry and
 * rewrite rules; options are left out so that the outline stays short) and workspace
 * symbols (the names a configuration defines).
 */
import { Location, Range, comparePositions } from '../syntax/source';
import { ConfigTree, SectionItem, SectionNode } from '../syntax/tree';

export type SymbolNodeKind =
  | 'section'
  | 'router'
  | 'transport'
  | 'authenticator'
  | 'acl'
  | 'macro'
  | 'namedList'
  | 'retryRule'
  | 'rewriteRule';

export interface DocumentSymbol {
  name: string;
  detail?: string;
  kind: SymbolNodeKind;
  range: Range;
  selectionRange: Range;
  children: DocumentSymbol[];
}

export interface WorkspaceSymbol {
  name: string;
  kind: SymbolNodeKind;
  loc: Location;
  /** The section, e.g. "transports". */
  container: string;
  detail?: string;
}

const DRIVER_KIND = { routers: 'router', transports: 'transport', authenticators: 'authenticator' } as const;

function union(a: Range, b: Range): Range {
  return {
    start: comparePositions(a.start, b.start) <= 0 ? a.start : b.start,
    end: comparePositions(a.end, b.end) >= 0 ? a.end : b.end,
  };
}

function itemSymbol(item: SectionItem, file: string): DocumentSymbol | undefined {
  if (item.loc.file !== file) return undefined;
  switch (item.kind) {
    case 'driver':
      return { name: item.name, detail: item.driverName ?? DRIVER_KIND[item.section], kind: DRIVER_KIND[item.section], range: item.loc.range, selectionRange: item.nameLoc.range, children: [] };
    case 'acl':
      return { name: item.name, detail: 'ACL', kind: 'acl', range: item.loc.range, selectionRange: item.nameLoc.range, children: [] };
    case 'macro': {
      const d = item.definition;
      return { name: d.name, detail: d.value, kind: 'macro', range: item.loc.range, selectionRange: d.nameLoc.file === file ? d.nameLoc.range : item.loc.range, children: [] };
    }
    case 'namedList':
      if (!item.name) return undefined;
      return { name: item.name, detail: item.listType, kind: 'namedList', range: item.loc.range, selectionRange: item.nameLoc.range, children: [] };
    case 'retry':
      return { name: [item.pattern.text, item.error?.text].filter(Boolean).join(' '), detail: item.times?.text, kind: 'retryRule', range: item.loc.range, selectionRange: item.pattern.loc.range, children: [] };
    case 'rewrite':
      return { name: item.pattern.text, detail: [item.replacement?.text, item.flags?.text].filter(Boolean).join(' '), kind: 'rewriteRule', range: item.loc.range, selectionRange: item.pattern.loc.range, children: [] };
    default:
      return undefined;
  }
}

/** The outline of one file of the configuration. */
export function documentSymbols(tree: ConfigTree, file: string): DocumentSymbol[] {
  const out: DocumentSymbol[] = [];
  for (const section of tree.sections) {
    const children = section.items.map((i) => itemSymbol(i, file)).filter((s): s is DocumentSymbol => !!s);
    const begin = section.begin && section.begin.loc.file === file ? section.begin : undefined;
    // The section covers its items in this file (options included, though they are not listed).
    const items = section.items.filter((i) => i.loc.file === file);
    if (!begin && items.length === 0) continue;
    let range = begin?.loc.range ?? items[0].loc.range;
    for (const i of items) range = union(range, i.loc.range);
    for (const c of children) range = union(range, c.range);
    out.push({
      name: section.kind,
      detail: begin ? `begin ${begin.name}` : section.kind === 'main' ? 'main configuration' : undefined,
      kind: 'section',
      range,
      selectionRange: begin ? begin.nameLoc.range : (children[0]?.selectionRange ?? firstLine(items[0].loc.range)),
      children,
    });
  }
  return out;
}

/** The first line of a range (a section without a begin line or names is selected at its first item). */
function firstLine(r: Range): Range {
  return r.start.line === r.end.line ? r : { start: r.start, end: r.start };
}

function sectionLabel(section: SectionNode): string {
  return section.kind;
}

/** Names defined in the configurations (drivers, ACLs, macros, named lists), filtered by a query. */
export function workspaceSymbols(trees: ConfigTree[], query: string): WorkspaceSymbol[] {
  const out: WorkspaceSymbol[] = [];
  const seen = new Set<string>();
  const q = query.toLowerCase();
  const matches = (name: string) => {
    if (!q) return true;
    const n = name.toLowerCase();
    if (n.includes(q)) return true;
    // Characters in order (as editors match "rsmtp" to "remote_smtp").
    let i = 0;
    for (const c of n) if (c === q[i]) i++;
    return i === q.length;
  };
  for (const tree of trees) {
    for (const section of tree.sections) {
      for (const item of section.items) {
        const sym = itemSymbol(item, item.loc.file);
        if (!sym || sym.kind === 'retryRule' || sym.kind === 'rewriteRule' || !matches(sym.name)) continue;
        const loc = { file: item.kind === 'macro' ? item.definition.nameLoc.file : item.loc.file, range: sym.selectionRange };
        const key = `${sym.kind}:${sym.name}:${loc.file}:${loc.range.start.line}:${loc.range.start.character}`;
        if (seen.has(key)) continue;
        seen.add(key);
        out.push({ name: sym.name, kind: sym.kind, loc, container: sectionLabel(section), detail: sym.detail });
      }
    }
  }
  return out;
}
