/**
 * Go to definition, find references, document highlights and rename for the names a
 * configuration defines: transports, routers, authenticators, ACLs, named lists, macros and
 * ACL variables (a `set acl_m_x = ...` writes one, `$acl_m_x` and `def:acl_m_x` read it).
 * Works on the whole parsed configuration, so `.include` files and the parts of a split
 * configuration are covered.
 */
import { aclSetVariable } from '../analysis/aclVariables';
import { TextEdit } from '../analysis/types';
import { resolveOptionWord, optionSectionOf } from '../analysis/model';
import { LIST_KIND_BY_TYPE, ACL_CONDITION_LIST_KIND } from '../vocabulary';
import { LogicalLine } from '../syntax/logicalLine';
import { Location, Position, comparePositions } from '../syntax/source';
import { ConfigTree, DriverSectionKind, NamedListType, OptionNode } from '../syntax/tree';
import { inRange, sourceText } from './context';

export type SymbolKind = 'transport' | 'router' | 'authenticator' | 'acl' | 'namedList' | 'macro' | 'aclVariable';

export interface Occurrence {
  kind: SymbolKind;
  name: string;
  /** For named lists: which kind of list (`+name` in a host list means a hostlist). Undefined when the context does not say. */
  listType?: NamedListType;
  loc: Location;
  definition: boolean;
  /** The source text at loc is the name itself (not, say, a macro that expands to it). */
  literal: boolean;
  active: boolean;
}

const DRIVER_KIND: Record<DriverSectionKind, SymbolKind> = { routers: 'router', transports: 'transport', authenticators: 'authenticator' };

/** Options whose value names a transport, a router or an ACL. */
const TRANSPORT_OPTIONS = new Set(['transport', 'file_transport', 'pipe_transport', 'reply_transport', 'directory_transport', 'shadow_transport']);
/** Main options that name the transports a system filter's deliveries use. */
const SYSTEM_FILTER_TRANSPORTS = new Set(['system_filter_pipe_transport', 'system_filter_file_transport', 'system_filter_reply_transport', 'system_filter_directory_transport']);
/** ${listnamed_d:name} and friends: the kind of list each suffix looks in. */
const LISTNAMED_TYPES: Record<string, NamedListType> = { d: 'domainlist', h: 'hostlist', a: 'addresslist', l: 'localpartlist' };

/**
 * A name an expansion builds with written text around it (`transport =
 * ${local_part_prefix}local_delivery`, `acl_smtp_rcpt = acl_${...}`): any name with that
 * start and end may be the one used, so renaming such a name cannot find every use.
 */
interface BuiltName {
  kind: SymbolKind;
  start: string;
  end: string;
  loc: Location;
}
const ROUTER_OPTIONS = new Set(['pass_router', 'redirect_router']);
export const isAclOption = (name: string): boolean => name.startsWith('acl_smtp_') || name.startsWith('acl_not_smtp');

export const NAME_RE = /^[A-Za-z][A-Za-z0-9_]*$/;
export const MACRO_NAME_RE = /^[A-Z][A-Za-z0-9_]*$/;
/** An ACL variable as `set` takes it: acl_c or acl_m, then a digit or an underscore (Exim 4.96). */
export const ACL_VARIABLE_RE = /^acl_[cm][0-9_][A-Za-z0-9_]*$/;
/** Exim's limit for driver and ACL names (EXIM_DRIVERNAME_MAX). */
const MAX_NAME = 64;

const caches = new WeakMap<ConfigTree, { occurrences: Occurrence[]; built: BuiltName[] }>();

/** Every definition and reference in the configuration. */
export function occurrences(tree: ConfigTree): Occurrence[] {
  return collected(tree).occurrences;
}

function collected(tree: ConfigTree): { occurrences: Occurrence[]; built: BuiltName[] } {
  let found = caches.get(tree);
  if (!found) {
    const built: BuiltName[] = [];
    found = { occurrences: collect(tree, built), built };
    caches.set(tree, found);
  }
  return found;
}

function collect(tree: ConfigTree, built: BuiltName[]): Occurrence[] {
  const out: Occurrence[] = [];
  const add = (o: Omit<Occurrence, 'literal'>) => out.push({ ...o, literal: sourceText(tree, o.loc) === o.name });
  const names = { transport: new Set<string>(), router: new Set<string>(), acl: new Set<string>(), authenticator: new Set<string>(), list: new Map<string, Set<NamedListType>>() };

  // Definitions first, so that references inside expansions can be matched against known names.
  for (const section of tree.sections) {
    for (const item of section.items) {
      if (item.kind === 'driver') {
        const kind = DRIVER_KIND[item.section];
        names[kind as 'transport' | 'router' | 'authenticator'].add(item.name);
        add({ kind, name: item.name, loc: item.nameLoc, definition: true, active: item.active });
      } else if (item.kind === 'acl') {
        names.acl.add(item.name);
        add({ kind: 'acl', name: item.name, loc: item.nameLoc, definition: true, active: item.active });
      } else if (item.kind === 'namedList' && item.name) {
        const kinds = names.list.get(item.name) ?? new Set();
        kinds.add(item.listType);
        names.list.set(item.name, kinds);
        add({ kind: 'namedList', name: item.name, listType: item.listType, loc: item.nameLoc, definition: true, active: item.active });
      }
    }
  }
  for (const def of tree.macros) add({ kind: 'macro', name: def.name, loc: def.nameLoc, definition: true, active: def.active });

  const valueRefs = (line: LogicalLine, value: string, valueOffset: number, active: boolean, listType?: NamedListType) => {
    const locate = (i: number, len: number) => line.locate(valueOffset + i, valueOffset + i + len);
    // +name: a named list (Exim's +include_unknown and friends are not lists).
    for (const m of value.matchAll(/(^|[^A-Za-z0-9_+])\+([A-Za-z][A-Za-z0-9_]*)/g)) {
      const name = m[2];
      const kinds = names.list.get(name);
      if (!kinds) continue;
      const at = m.index! + m[1].length + 1;
      // Inside match_domain{...}{+name} and friends the condition says the kind, whatever the option.
      const type = expansionListType(value, at - 1) ?? listType ?? (kinds.size === 1 ? [...kinds][0] : undefined);
      add({ kind: 'namedList', name, listType: type, loc: locate(at, name.length), definition: false, active });
    }
    // ${listnamed:name}, ${listnamed_d:name} ...
    for (const m of value.matchAll(/\$\{listnamed(?:_([dhal]))?:([A-Za-z][A-Za-z0-9_]*)\}/g)) {
      const name = m[2];
      const kinds = names.list.get(name);
      if (!kinds) continue;
      const type = m[1] ? LISTNAMED_TYPES[m[1]] : kinds.size === 1 ? [...kinds][0] : undefined;
      add({ kind: 'namedList', name, listType: type, loc: locate(m.index! + m[0].length - 1 - name.length, name.length), definition: false, active });
    }
    // ${acl{name}...} and the acl expansion condition.
    for (const m of value.matchAll(/\bacl\s*\{\s*\{?([A-Za-z][A-Za-z0-9_]*)\}/g)) {
      const at = m.index! + m[0].indexOf(m[1], 3);
      add({ kind: 'acl', name: m[1], loc: locate(at, m[1].length), definition: false, active });
    }
    // $acl_m_x, ${acl_m_x} and def:acl_m_x, outside \N...\N (regex text) and not escaped.
    if (value.includes('acl_')) {
      for (const m of value.matchAll(/\\N[\s\S]*?(?:\\N|$)|\\.|(?:\$\{?|\bdef:\s*)(acl_[cm][0-9_][A-Za-z0-9_]*)/g)) {
        if (!m[1]) continue;
        add({ kind: 'aclVariable', name: m[1], loc: locate(m.index! + m[0].length - m[1].length, m[1].length), definition: false, active });
      }
    }
    // eq{$sender_host_authenticated}{name}: the name of an authenticator.
    for (const m of value.matchAll(/\{\s*\$\{?sender_host_authenticated\}?\s*\}\s*\{([A-Za-z][A-Za-z0-9_]*)\}|\{([A-Za-z][A-Za-z0-9_]*)\}\s*\{\s*\$\{?sender_host_authenticated\}?\s*\}/g)) {
      const name = m[1] ?? m[2];
      if (!names.authenticator.has(name)) continue;
      const at = m.index! + (m[1] ? m[0].lastIndexOf(name) : m[0].indexOf(name));
      add({ kind: 'authenticator', name, loc: locate(at, name.length), definition: false, active });
    }
  };

  /** A value that is a plain name, or (inside an expansion) each known name in it. */
  const nameRefs = (kind: SymbolKind, known: Set<string>, option: { line: LogicalLine; value: string; valueOffset: number; active: boolean }, firstWordOnly = false) => {
    const value = option.value;
    const word = /^[A-Za-z][A-Za-z0-9_]*/.exec(value);
    if (word && (firstWordOnly || word[0].length === value.trimEnd().length)) {
      add({ kind, name: word[0], loc: option.line.locate(option.valueOffset, option.valueOffset + word[0].length), definition: false, active: option.active });
      return;
    }
    if (!value.includes('$')) return;
    // Written text joined to an expansion builds a name: none of the known names is used as written.
    const trimmed = value.trim();
    const start = /^[A-Za-z0-9_-]*/.exec(trimmed)![0];
    const end = /[A-Za-z0-9_-]*$/.exec(trimmed)![0];
    const builtStart = start !== '' && trimmed[start.length] === '$' ? start : '';
    const builtEnd = end !== '' && trimmed[trimmed.length - end.length - 1] === '}' ? end : '';
    if (builtStart || builtEnd) built.push({ kind, start: builtStart, end: builtEnd, loc: option.line.locate(option.valueOffset, option.valueOffset + value.length) });
    for (const name of known) {
      // A name joined to an expansion ("}local_delivery") is part of a built name, not this one.
      for (const m of value.matchAll(new RegExp(`(^|[^A-Za-z0-9_$}])(${name})(?![A-Za-z0-9_$])`, 'g'))) {
        const at = m.index! + m[1].length;
        add({ kind, name, loc: option.line.locate(option.valueOffset + at, option.valueOffset + at + name.length), definition: false, active: option.active });
      }
    }
  };

  /** appendfile's file_format: pairs of a text to look for and the transport to use. */
  const fileFormatRefs = (o: OptionNode) => {
    if (o.value.includes('$') || o.value.trimStart().startsWith('<')) return;
    for (const [n, m] of [...o.value.matchAll(/[^:]+/g)].entries()) {
      const name = m[0].trim();
      if (n % 2 === 0 || !names.transport.has(name)) continue;
      const at = m.index! + m[0].indexOf(name);
      add({ kind: 'transport', name, loc: o.line.locate(o.valueOffset + at, o.valueOffset + at + name.length), definition: false, active: o.active });
    }
  };

  for (const section of tree.sections) {
    const optionSection = optionSectionOf(section.kind);
    const optionRefs = (o: OptionNode, driver?: string) => {
      if (!optionSection || !o.hasValue) return;
      const resolved = resolveOptionWord(optionSection, o.word, driver);
      const name = resolved.name;
      if (section.kind !== 'main' && TRANSPORT_OPTIONS.has(name)) nameRefs('transport', names.transport, o);
      else if (section.kind === 'main' && SYSTEM_FILTER_TRANSPORTS.has(name)) nameRefs('transport', names.transport, o);
      else if (section.kind === 'transports' && name === 'file_format') fileFormatRefs(o);
      else if (section.kind === 'routers' && ROUTER_OPTIONS.has(name)) nameRefs('router', names.router, o);
      else if (section.kind === 'main' && isAclOption(name) && !o.value.startsWith('/')) nameRefs('acl', names.acl, o);
      valueRefs(o.line, o.value, o.valueOffset, o.active, resolved.info ? LIST_KIND_BY_TYPE[resolved.info.type] : undefined);
    };
    for (const item of section.items) {
      if (item.kind === 'option') optionRefs(item);
      else if (item.kind === 'driver') for (const o of item.options) optionRefs(o, item.driverName);
      else if (item.kind === 'namedList') valueRefs(item.line, item.value, item.valueOffset, item.active, item.listType);
      else if (item.kind === 'macro') {
        const d = item.definition;
        const offset = d.line.text.length - d.value.length;
        valueRefs(d.line, d.value, offset, d.active);
      } else if (item.kind === 'rewrite' || item.kind === 'retry') {
        // `*@+local_domains`: a rule's pattern may name a list.
        valueRefs(item.line, item.pattern.text, item.pattern.offset, item.active);
      } else if (item.kind === 'acl') {
        for (const st of item.statements) {
          for (const it of st.items) {
            if (!it.hasValue) continue;
            if (it.name === 'acl') nameRefs('acl', names.acl, it, true);
            const set = aclSetVariable(it);
            if (set) add({ kind: 'aclVariable', name: set.name, loc: it.line.locate(set.offset, set.offset + set.name.length), definition: true, active: it.active });
            valueRefs(it.line, it.value, it.valueOffset, it.active, ACL_CONDITION_LIST_KIND[it.name]);
          }
        }
      }
    }
  }

  // Macro uses: the reader records those Exim replaces; in skipped branches the logical
  // lines still say which text a macro replaced.
  const seen = new Set<string>();
  for (const use of tree.macroUses) {
    const key = `${use.loc.file}:${use.loc.range.start.line}:${use.loc.range.start.character}`;
    if (seen.has(key)) continue;
    seen.add(key);
    add({ kind: 'macro', name: use.name, loc: use.loc, definition: false, active: true });
  }
  // A macro defined only in a skipped branch replaces nothing here, but does once the branch
  // is taken (exim -D): its name written in the lines is its use.
  const skippedOnly = new Set(tree.macros.filter((d) => !d.active && !tree.macros.some((e) => e.active && e.name === d.name)).map((d) => d.name));
  if (skippedOnly.size > 0) {
    const token = new RegExp(`(?<![A-Za-z0-9_])(?:${[...skippedOnly].join('|')})(?![A-Za-z0-9_])`, 'g');
    const definedAt = new Set(tree.macros.map((d) => `${d.nameLoc.file}:${d.nameLoc.range.start.line}:${d.nameLoc.range.start.character}`));
    for (const line of tree.lines) {
      for (const m of line.text.matchAll(token)) {
        const loc = line.locate(m.index!, m.index! + m[0].length);
        const key = `${loc.file}:${loc.range.start.line}:${loc.range.start.character}`;
        if (seen.has(key) || definedAt.has(key)) continue;
        seen.add(key);
        add({ kind: 'macro', name: m[0], loc, definition: false, active: line.active });
      }
    }
  }
  // A macro whose value is empty leaves no text behind in a line Exim skips (Debian's
  // `DCsmarthost=` in `route_list = * DCsmarthost byname`): its name is found in the file's text.
  const emptyValued = [...new Set(tree.macros.filter((d) => d.value.trim() === '').map((d) => d.name))];
  if (emptyValued.length > 0) {
    const token = new RegExp(`(?<![A-Za-z0-9_])(?:${emptyValued.join('|')})(?![A-Za-z0-9_])`, 'g');
    const definedAt = new Set(tree.macros.map((d) => `${d.nameLoc.file}:${d.nameLoc.range.start.line}:${d.nameLoc.range.start.character}`));
    for (const line of tree.lines) {
      if (line.active) continue;
      const file = line.file;
      for (let n = line.firstLine; n <= line.lastLine; n++) {
        const text = file.lines[n] ?? '';
        if (/^\s*#/.test(text)) continue;
        for (const m of text.matchAll(token)) {
          const key = `${file.path}:${n}:${m.index!}`;
          if (seen.has(key) || definedAt.has(key)) continue;
          seen.add(key);
          add({ kind: 'macro', name: m[0], loc: { file: file.path, range: { start: { line: n, character: m.index! }, end: { line: n, character: m.index! + m[0].length } } }, definition: false, active: false });
        }
      }
    }
  }
  // `.ifndef NAME` before NAME is defined (a default the admin may set first) tests the macro too.
  const macroNames = new Set(tree.macros.map((d) => d.name));
  for (const d of tree.directives) {
    const name = d.writtenArgument.trim();
    if (!macroNames.has(name) || !['ifdef', 'ifndef', 'elifdef', 'elifndef'].includes(d.kind)) continue;
    const at = d.argumentLoc.range.start;
    const key = `${d.argumentLoc.file}:${at.line}:${at.character}`;
    if (seen.has(key)) continue;
    seen.add(key);
    add({ kind: 'macro', name, loc: { file: d.argumentLoc.file, range: { start: at, end: { line: at.line, character: at.character + name.length } } }, definition: false, active: true });
  }
  for (const line of tree.lines) {
    if (line.active) continue;
    for (const s of line.segments) {
      if (!s.macro) continue;
      const loc = { file: s.file.path, range: { start: { line: s.line, character: s.column }, end: { line: s.line, character: s.column + s.sourceLength } } };
      const key = `${loc.file}:${s.line}:${s.column}`;
      if (seen.has(key) || sourceText(tree, loc) !== s.macro) continue;
      seen.add(key);
      add({ kind: 'macro', name: s.macro, loc, definition: false, active: false });
    }
  }
  return out;
}

/** Where an ACL is named through a variable (`acl = $acl_c_x`, `acl_smtp_rcpt = $acl_...`), if anywhere. */
function dynamicAclUse(tree: ConfigTree): Location | undefined {
  for (const section of tree.sections) {
    for (const item of section.items) {
      if (item.kind === 'option' && isAclOption(item.word) && item.value.trim().startsWith('$')) return item.valueLoc ?? item.loc;
      if (item.kind !== 'acl') continue;
      for (const st of item.statements) for (const it of st.items) if (it.name === 'acl' && it.hasValue && it.value.trim().startsWith('$')) return it.valueLoc ?? it.loc;
    }
  }
  return undefined;
}

/** In `match_domain{...}{+list}` and friends, the kind of list the expansion condition takes. */
function expansionListType(value: string, at: number): NamedListType | undefined {
  const before = value.slice(0, at);
  const m = /\b(match_domain|match_address|match_local_part|match_ip)\s*\{[^{}]*\}\s*\{[^{}]*$/.exec(before);
  if (!m) return undefined;
  return ({ match_domain: 'domainlist', match_address: 'addresslist', match_local_part: 'localpartlist', match_ip: 'hostlist' } as const)[m[1] as 'match_domain'];
}

/** The definition or reference under a position. */
export function occurrenceAt(tree: ConfigTree, file: string, pos: Position): Occurrence | undefined {
  let best: Occurrence | undefined;
  for (const o of occurrences(tree)) {
    if (o.loc.file !== file || !inRange(o.loc.range, pos)) continue;
    // Prefer the innermost, then what is written literally (a macro use inside a value wins over the value).
    const c = best ? comparePositions(o.loc.range.start, best.loc.range.start) : 1;
    if (c > 0 || (c === 0 && o.literal && !best!.literal)) best = o;
  }
  return best;
}

function sameSymbol(a: Occurrence, b: Occurrence): boolean {
  if (a.kind !== b.kind || a.name !== b.name) return false;
  if (a.kind !== 'namedList') return true;
  return a.listType === undefined || b.listType === undefined || a.listType === b.listType;
}

/** Every occurrence of the symbol under the position (definitions first). */
export function symbolOccurrences(tree: ConfigTree, file: string, pos: Position): Occurrence[] {
  const at = occurrenceAt(tree, file, pos);
  if (!at) return [];
  let target = at;
  if (at.kind === 'namedList' && at.listType === undefined) {
    const def = occurrences(tree).find((o) => o.definition && o.kind === 'namedList' && o.name === at.name);
    if (def) target = def;
  }
  const all = occurrences(tree).filter((o) => sameSymbol(target, o));
  return [...all.filter((o) => o.definition), ...all.filter((o) => !o.definition)];
}

export function definitions(tree: ConfigTree, file: string, pos: Position): Location[] {
  const defs = symbolOccurrences(tree, file, pos).filter((o) => o.definition);
  // The active definition first: it is the one Exim uses.
  defs.sort((a, b) => Number(b.active) - Number(a.active));
  return defs.map((o) => o.loc);
}

export function references(tree: ConfigTree, file: string, pos: Position, includeDeclaration: boolean): Location[] {
  return dedupe(symbolOccurrences(tree, file, pos).filter((o) => includeDeclaration || !o.definition)).map((o) => o.loc);
}

export interface Highlight {
  range: Location['range'];
  /** A definition is where the name is written; every other occurrence reads it. */
  kind: 'write' | 'read';
}

/**
 * The occurrences in this file of the symbol under the position, for the editor to highlight
 * (a name defined in one file of the configuration and used in another is highlighted in each).
 */
export function documentHighlights(tree: ConfigTree, file: string, pos: Position): Highlight[] {
  return dedupe(symbolOccurrences(tree, file, pos).filter((o) => o.loc.file === file)).map((o) => ({
    range: o.loc.range,
    kind: o.definition ? 'write' : 'read',
  }));
}

function dedupe(list: Occurrence[]): Occurrence[] {
  const seen = new Set<string>();
  return list.filter((o) => {
    const r = o.loc.range;
    const key = `${o.loc.file}:${r.start.line}:${r.start.character}:${r.end.line}:${r.end.character}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export type RenameCheck = { ok: true; loc: Location; name: string; kind: SymbolKind } | { ok: false; message: string };

const KIND_WORDS: Record<SymbolKind, string> = {
  transport: 'transport',
  router: 'router',
  authenticator: 'authenticator',
  acl: 'ACL',
  namedList: 'named list',
  macro: 'macro',
  aclVariable: 'ACL variable',
};

/** Whether the symbol under the position can be renamed, and the range to edit. */
export function prepareRename(tree: ConfigTree, file: string, pos: Position): RenameCheck {
  const all = symbolOccurrences(tree, file, pos);
  const at = occurrenceAt(tree, file, pos);
  if (!at || all.length === 0) return { ok: false, message: 'Nothing to rename here: put the cursor on a transport, router, authenticator, ACL, named list, macro or ACL variable.' };
  if (!at.literal) return { ok: false, message: `This text comes from a macro; rename the macro or edit its value instead.` };
  if (!all.some((o) => o.definition)) {
    return {
      ok: false,
      message:
        at.kind === 'macro'
          ? `${at.name} is one of Exim's built-in macros (or not defined in this configuration).`
          : at.kind === 'aclVariable'
            ? `No ACL statement sets ${at.name} in this configuration.`
            : `No ${KIND_WORDS[at.kind]} named ${at.name} is defined in this configuration.`,
    };
  }
  return { ok: true, loc: at.loc, name: at.name, kind: at.kind };
}

export type RenameResult = { ok: true; edits: TextEdit[] } | { ok: false; message: string };

/** The edits that rename the symbol under the position everywhere, or why it cannot be done. */
export function rename(tree: ConfigTree, file: string, pos: Position, newName: string): RenameResult {
  const check = prepareRename(tree, file, pos);
  if (!check.ok) return check;
  const kind = check.kind;
  if (kind === 'aclVariable') {
    if (!ACL_VARIABLE_RE.test(newName)) return { ok: false, message: `"${newName}" is not a valid ACL variable name: it must start with acl_c or acl_m, then a digit or an underscore, then letters, digits or underscores.` };
    // acl_c variables last for the connection, acl_m ones for the message: not the same variable.
    if (newName.slice(0, 5) !== check.name.slice(0, 5)) return { ok: false, message: `${check.name} keeps its value for the ${check.name.startsWith('acl_c') ? 'connection' : 'message'}; the new name must start with ${check.name.slice(0, 5)} too.` };
  } else if (kind === 'macro' ? !MACRO_NAME_RE.test(newName) : !NAME_RE.test(newName)) {
    return {
      ok: false,
      message:
        kind === 'macro'
          ? `"${newName}" is not a valid macro name: it must start with an upper-case letter, then letters, digits or underscores.`
          : `"${newName}" is not a valid ${KIND_WORDS[kind]} name: it must start with a letter, then letters, digits or underscores.`,
    };
  }
  if (kind !== 'macro' && newName.length > MAX_NAME) return { ok: false, message: `"${newName}" is longer than ${MAX_NAME} characters, which Exim refuses.` };
  if (kind !== 'macro') {
    // Exim replaces a macro's name wherever it occurs in a line, inside other words too: a
    // new name holding one would be replaced (measured: "transport name missing").
    const macro = tree.macros.find((m) => newName.includes(m.name));
    if (macro) return { ok: false, message: `"${newName}" contains the name of the macro ${macro.name}, which Exim would replace in it.` };
  }
  const all = dedupe(symbolOccurrences(tree, file, pos));
  if (newName === check.name) return { ok: true, edits: [] };
  const listType = all.find((o) => o.definition)?.listType;
  if (occurrences(tree).some((o) => o.definition && o.kind === kind && o.name === newName && (kind !== 'namedList' || o.listType === listType))) {
    return { ok: false, message: `A ${KIND_WORDS[kind]} named ${newName} already exists.` };
  }
  // An ACL variable read but never set here is still a variable (empty, or set by an ACL
  // in a file not read): renaming onto it would make the two one.
  if (kind === 'aclVariable' && occurrences(tree).some((o) => o.kind === 'aclVariable' && o.name === newName)) {
    return { ok: false, message: `$${newName} is already used in this configuration.` };
  }
  if (kind === 'macro' && occurrences(tree).some((o) => o.kind === 'macro' && o.definition && o.name !== check.name && (o.name.includes(newName) || newName.includes(o.name)))) {
    // Exim replaces macro names as plain substrings: overlapping names change other lines.
    const other = occurrences(tree).find((o) => o.kind === 'macro' && o.definition && o.name !== check.name && (o.name.includes(newName) || newName.includes(o.name)))!;
    return { ok: false, message: `"${newName}" overlaps the macro ${other.name}; Exim replaces macro names as plain text, so one would replace part of the other.` };
  }
  if (kind === 'macro') {
    // The new name written anywhere else in the configuration would be replaced too
    // ("ESMTP" in a banner): only the old name's own places may hold it.
    for (const f of tree.files) {
      const olds: number[] = [];
      for (let i = f.text.indexOf(check.name); i >= 0; i = f.text.indexOf(check.name, i + 1)) olds.push(i);
      for (let i = f.text.indexOf(newName); i >= 0; i = f.text.indexOf(newName, i + 1)) {
        if (olds.some((o) => i >= o && i + newName.length <= o + check.name.length)) continue;
        const line = f.text.slice(0, i).split('\n').length;
        return { ok: false, message: `"${newName}" is already written at ${f.path}:${line}, where Exim would replace it with the macro's value.` };
      }
    }
  }
  const builtBy = collected(tree).built.find((b) => b.kind === kind && check.name.length >= b.start.length + b.end.length && check.name.startsWith(b.start) && check.name.endsWith(b.end));
  if (builtBy) {
    return { ok: false, message: `An expansion at ${builtBy.loc.file}:${builtBy.loc.range.start.line + 1} builds ${KIND_WORDS[kind]} names that ${check.name} may be one of; renaming it would not change that expansion. Change it by hand.` };
  }
  if (kind === 'acl') {
    // `acl = $acl_c_x` runs the ACL a variable names, and `set acl_c_x = name` is then a use
    // the rename cannot tell from text (measured: the SMTP answers change).
    const dynamic = dynamicAclUse(tree);
    const own = new Set(all.map((o) => `${o.loc.file}:${o.loc.range.start.line}:${o.loc.range.start.character}`));
    const word = new RegExp(`(?<![A-Za-z0-9_$])${check.name}(?![A-Za-z0-9_])`);
    const elsewhere = dynamic && tree.lines.find((l) => {
      const m = word.exec(l.text);
      if (!m) return false;
      const at = l.locate(m.index, m.index + check.name.length);
      return !own.has(`${at.file}:${at.range.start.line}:${at.range.start.character}`);
    });
    if (dynamic && elsewhere) {
      return {
        ok: false,
        message: `An ACL is named through a variable at ${dynamic.file}:${dynamic.range.start.line + 1}, and ${check.name} is also written at ${elsewhere.location.file}:${elsewhere.firstLine + 1}, which may give that variable its value; change it by hand.`,
      };
    }
  }
  if (kind === 'authenticator') {
    // Without public_name, Exim advertises the instance's name (measured: AUTH PLAIN becomes AUTH MYAUTH).
    const driver = tree.sections.flatMap((sec) => sec.items).find((i) => i.kind === 'driver' && i.section === 'authenticators' && i.name === check.name);
    // The tls authenticator is not offered in EHLO at all (it reads the client's certificate).
    if (driver && driver.kind === 'driver' && driver.driverName !== 'tls' && !driver.options.some((o) => o.word === 'public_name')) {
      return { ok: false, message: `Exim offers the authenticator ${check.name} to clients as AUTH ${check.name}, as it has no public_name: renaming it changes the mechanism clients ask for. Add "public_name = ${check.name}" first.` };
    }
  }
  // update-exim4.conf writes these names itself: their definitions are not text to edit.
  const generated = all.find((o) => tree.files.some((f) => f.path === o.loc.file && f.generated));
  if (generated) {
    return { ok: false, message: `${check.name} is one of the macros update-exim4.conf generates (from ${generated.loc.file}:${generated.loc.range.start.line + 1}); its name cannot change.` };
  }
  const hidden = all.find((o) => !o.literal);
  if (hidden) {
    // Where the text to change is: the value of the macro used there.
    const at = hidden.loc.range.start;
    const use = tree.macroUses.find((u) => u.loc.file === hidden.loc.file && u.loc.range.start.line === at.line && u.loc.range.start.character <= at.character && at.character <= u.loc.range.end.character);
    const def = use?.definition;
    const where = def ? ` (in the value of ${def.name}, defined at ${def.nameLoc.file}:${def.nameLoc.range.start.line + 1})` : '';
    return { ok: false, message: `${check.name} is also written through a macro at ${hidden.loc.file}:${at.line + 1}${where}; change that by hand.` };
  }
  return { ok: true, edits: all.map((o) => ({ file: o.loc.file, range: o.loc.range, newText: newName })) };
}
