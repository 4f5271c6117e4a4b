/**
 * Completion by context: option names for the main section or the driver at hand, driver
 * names after `driver =`, section names after `begin`, transports, routers, ACLs and named
 * lists where a value names one, macros defined before the position, `$variables`,
 * expansion items after `${`, retry error names, ACL verbs, conditions and modifiers, and
 * (for clients that do not read the extension's snippet file) the hardening snippets.
 */
import { allRules } from '../analysis/registry';
import { aclSetVariable, taintedAclVariables } from '../analysis/aclVariables';
import { optionSectionOf, resolveOptionWord } from '../analysis/model';
import { aclItemsNamed } from '../analysis/valueSites';
import { CONTROL_NAMES } from '../analysis/rules/aclValues';
import { REPEATABLE } from '../analysis/rules/structure';
import { builtinMacros, isBuiltinMacro, knownDrivers, OptionInfo, OptionSectionKind, optionsFor } from '../options';
import { describeOption, scopeText } from '../optionDocs';
import { aclCondition, LOOKUP_TYPE_NAMES, lookupTypeStyle, VARIABLE_NAMES } from '../syntaxData';
import { Position, Range } from '../syntax/source';
import { ConfigTree, DriverSectionKind, mainOptions, NamedListType, OptionNode } from '../syntax/tree';
import {
  ACL_CONDITION_LIST_KIND,
  ACL_VERB_DOCS,
  aclConditions,
  aclControls,
  aclModifiers,
  aclVerbs,
  aclVerifyTargets,
  DIRECTIVES,
  expansionConditions,
  expansionItems,
  expansionOperators,
  expansionVariables,
  LIST_KIND_BY_TYPE,
  RETRY_ERRORS,
  SECTION_NAMES,
} from '../vocabulary';
import { contextAt, PositionContext, readingIndex } from './context';
import { isAclOption } from './navigation';
import { expansionSlotAt } from './signature';

export type CompletionKind =
  | 'option'
  | 'keyword'
  | 'driver'
  | 'section'
  | 'transport'
  | 'router'
  | 'acl'
  | 'namedList'
  | 'macro'
  | 'variable'
  | 'expansionItem'
  | 'operator'
  | 'condition'
  | 'verb'
  | 'aclCondition'
  | 'aclModifier'
  | 'retryError'
  | 'value'
  | 'directive'
  | 'rule'
  | 'snippet';

export interface CompletionItem {
  label: string;
  kind: CompletionKind;
  detail?: string;
  /** Markdown. */
  documentation?: string;
  /** Replaces `range`. A snippet (with $1 placeholders) when `snippet` is true. */
  insertText: string;
  snippet?: boolean;
  range: Range;
  filterText?: string;
  sortText?: string;
}

/** An entry of a VS Code `.code-snippets` file. */
export interface SnippetDefinition {
  prefix: string | string[];
  body: string | string[];
  description?: string;
}

export interface CompletionOptions {
  /** Snippets to offer at the start of a line, by name (omit when the client has them already). */
  snippets?: Record<string, SnippetDefinition>;
}

const WORD = /[A-Za-z0-9_]*$/;

export function complete(tree: ConfigTree, file: string, pos: Position, options: CompletionOptions = {}): CompletionItem[] {
  const ctx = contextAt(tree, file, pos);
  const before = ctx.physicalBefore;
  const word = WORD.exec(before)![0];
  const range: Range = { start: { line: pos.line, character: pos.character - word.length }, end: pos };
  const out: CompletionItem[] = [];
  const add = (item: Omit<CompletionItem, 'range' | 'insertText'> & { insertText?: string; range?: Range }) => out.push({ insertText: item.label, range, ...item });

  // Comment lines: only suppression comments.
  if (/^\s*#/.test(before)) {
    if (/^\s*#\s*exim-lint:\s*disable-next-line\b.*$/.test(before) && /(disable-next-line|,)\s*[A-Za-z0-9_-]*$/.test(before)) {
      const code = /[A-Za-z0-9_-]*$/.exec(before)![0];
      const codeRange: Range = { start: { line: pos.line, character: pos.character - code.length }, end: pos };
      for (const r of allRules()) add({ label: r.id, kind: 'rule', detail: `${r.defaultSeverity}: ${r.title}`, range: codeRange });
    } else if (/^\s*#\s*[A-Za-z-]*$/.test(before)) {
      const typed = /[A-Za-z-]*$/.exec(before)![0];
      add({
        label: 'exim-lint: disable-next-line',
        kind: 'keyword',
        detail: 'suppress findings on the next line',
        insertText: 'exim-lint: disable-next-line ',
        range: { start: { line: pos.line, character: pos.character - typed.length }, end: pos },
      });
    }
    return out;
  }

  // Dot-directives, and macro names after .ifdef and friends.
  if (/^\s*\.[a-z_]*$/.test(before)) {
    for (const d of DIRECTIVES) add({ label: d.name, kind: 'directive', detail: `.${d.name}`, documentation: d.doc });
    return out;
  }
  if (/^\s*\.(ifdef|ifndef|elifdef|elifndef)\s+[A-Za-z0-9_]*$/.test(before)) {
    macroItems(tree, ctx, add, true);
    return out;
  }
  if (/^\s*\./.test(before)) return out;

  // begin <section>
  if (/^\s*begin\s+[a-z_]*$/i.test(before) && (!ctx.line || /^begin\s/i.test(ctx.line.text))) {
    for (const s of SECTION_NAMES) add({ label: s, kind: 'section', detail: `begin ${s}` });
    return out;
  }

  // Inside an expansion or a list: the same in every section.
  if (ctx.line && expansionItemsFor(tree, ctx, pos, add)) return out;

  switch (ctx.section) {
    case 'main':
    case 'local_scan':
      mainItems(tree, ctx, add, options);
      break;
    case 'routers':
    case 'transports':
    case 'authenticators':
      driverItems(tree, ctx, ctx.section, add, options);
      break;
    case 'acl':
      aclItems(tree, ctx, add, options);
      break;
    case 'retry':
      retryItems(ctx, add, options);
      break;
    case 'rewrite':
      break;
  }
  // An upper-case word in a value may be a macro.
  if (/^[A-Z_]/.test(word) && inValue(ctx)) macroItems(tree, ctx, add, false);
  return out;
}

type Add = (item: Omit<CompletionItem, 'range' | 'insertText'> & { insertText?: string; range?: Range }) => void;

/** True when the position is after the `=` of the line's option, list or ACL item. */
function inValue(ctx: PositionContext): boolean {
  const node = ctx.info?.node;
  if (!node || !ctx.line) return false;
  const items = ctx.info!.aclItems;
  if (items.some((i) => i.hasValue && ctx.offset >= i.valueOffset && ctx.line === i.line)) return true;
  if (node.kind === 'option' || node.kind === 'namedList') return (node.kind === 'namedList' || node.hasValue) && ctx.offset >= node.valueOffset && /=/.test(ctx.textBefore);
  if (node.kind === 'macro') return ctx.offset >= node.line.text.length - node.definition.value.length;
  return false;
}

/** The text of the value before the position, when in one. */
function valueBefore(ctx: PositionContext): string | undefined {
  const node = ctx.info?.node;
  if (!node || !ctx.line) return undefined;
  for (const i of ctx.info!.aclItems) if (i.hasValue && ctx.offset >= i.valueOffset) return ctx.line.text.slice(i.valueOffset, ctx.offset);
  if ((node.kind === 'option' && node.hasValue) || node.kind === 'namedList') {
    if (ctx.offset >= node.valueOffset && ctx.textBefore.includes('=')) return ctx.line.text.slice(node.valueOffset, ctx.offset);
  }
  return undefined;
}

/** `$var`, `${item`, `${if cond`, `${acl{name`, `+list`: returns true when it handled the position. */
function expansionItemsFor(tree: ConfigTree, ctx: PositionContext, pos: Position, add: Add): boolean {
  const before = ctx.textBefore;
  if (!inValue(ctx) && ctx.section !== 'retry' && ctx.section !== 'rewrite') return false;
  let m: RegExpExecArray | null;
  // Read as Exim reads the expansion: nothing is expanded inside \N...\N; a condition is due
  // after "${if ", in each group of and/or and in the last of forall and ${filter}; a lookup
  // type after "${lookup " or "${lookup{key}".
  const slot = expansionSlotAt(before);
  if (slot === 'protected') return true;
  if (slot === 'condition') {
    for (const c of expansionConditions) add({ label: c.name, kind: 'condition', detail: c.syntax });
    return true;
  }
  if (slot === 'lookup-type' && /(?:^|[\s}])[a-z0-9-]*$/.test(before)) {
    for (const t of LOOKUP_TYPE_NAMES) add({ label: t, kind: 'value', detail: `${lookupTypeStyle(t) === 'single' ? 'single-key' : 'query-style'} lookup` });
    return true;
  }
  if ((m = /\$\{acl\s*\{\s*([A-Za-z0-9_]*)$/.exec(before)) || (m = /\bacl\s*\{\s*\{\s*([A-Za-z0-9_]*)$/.exec(before))) {
    aclNames(tree, add);
    return true;
  }
  // A "$" after an even number of backslashes is not escaped ("\\${" is a backslash, then an expansion).
  if ((m = /(^|[^\\])(?:\\\\)*\$\{([a-z_0-9]*)$/.exec(before))) {
    for (const i of expansionItems) add({ label: i.name, kind: 'expansionItem', detail: i.syntax });
    for (const o of expansionOperators) add({ label: o.name, kind: 'operator', detail: o.syntax, insertText: `${o.name}:` });
    variableItems(add, tree);
    return true;
  }
  if ((m = /(^|[^\\])(?:\\\\)*\$([A-Za-z_0-9]*)$/.exec(before))) {
    variableItems(add, tree);
    return true;
  }
  if ((m = /(^|[^A-Za-z0-9_+])\+([A-Za-z0-9_]*)$/.exec(before))) {
    namedLists(tree, add, listTypeAt(ctx));
    return true;
  }
  void pos;
  return false;
}

/** Variables the binary knows that the manual's list leaves out ($event_name, $csa_status...). */
const EXTRA_VARIABLES = VARIABLE_NAMES.filter((n) => !expansionVariables.some((v) => v.name === n));

function variableItems(add: Add, tree: ConfigTree): void {
  // The ACL variables this configuration sets, by name, first.
  const tainted = taintedAclVariables(tree);
  const seen = new Set<string>();
  for (const { item, acl } of aclItemsNamed(tree, 'set')) {
    const name = aclSetVariable(item)?.name;
    if (!name || seen.has(name)) continue;
    seen.add(name);
    add({ label: name, kind: 'variable', insertText: name, filterText: name, sortText: ` ${name}`, detail: `$${name}: set in ACL ${acl.name}${tainted.has(name) ? ' (tainted)' : ''}` });
  }
  for (const v of [...expansionVariables, ...EXTRA_VARIABLES.map((name) => ({ name, family: false, tainted: false }))]) {
    add({
      label: v.family ? `${v.name}…` : v.name,
      kind: 'variable',
      insertText: v.name,
      filterText: v.name,
      detail: `$${v.name}${v.family ? '…' : ''}${v.tainted ? ' (tainted)' : ''}`,
    });
  }
}

/** Which kind of named list the value at the position takes. */
function listTypeAt(ctx: PositionContext): NamedListType | undefined {
  const node = ctx.info?.node;
  for (const i of ctx.info?.aclItems ?? []) if (i.hasValue && ctx.offset >= i.valueOffset) return ACL_CONDITION_LIST_KIND[i.name];
  if (node?.kind === 'namedList') return node.listType;
  if (node?.kind === 'option') {
    const section = optionSectionOf(ctx.section);
    const info = section && resolveOptionWord(section, node.word, ctx.driver?.driverName).info;
    if (info) return LIST_KIND_BY_TYPE[info.type];
  }
  const m = /\b(match_domain|match_address|match_local_part|match_ip)\s*\{[^{}]*\}\s*\{[^{}]*$/.exec(ctx.textBefore);
  if (m) return ({ match_domain: 'domainlist', match_address: 'addresslist', match_local_part: 'localpartlist', match_ip: 'hostlist' } as const)[m[1] as 'match_ip'];
  return undefined;
}

function namedLists(tree: ConfigTree, add: Add, type: NamedListType | undefined): void {
  const seen = new Set<string>();
  for (const s of tree.sections) {
    for (const i of s.items) {
      if (i.kind !== 'namedList' || !i.name || (type && i.listType !== type) || seen.has(i.name)) continue;
      seen.add(i.name);
      add({ label: i.name, kind: 'namedList', detail: `${i.listType} ${i.name}`, documentation: '```exim\n' + `${i.listType} ${i.name} = ${i.value}` + '\n```' });
    }
  }
}

function aclNames(tree: ConfigTree, add: Add): void {
  const seen = new Set<string>();
  for (const s of tree.sections) for (const i of s.items) if (i.kind === 'acl' && !seen.has(i.name)) seen.add(i.name), add({ label: i.name, kind: 'acl', detail: 'ACL' });
}

function driverNames(tree: ConfigTree, section: DriverSectionKind, kind: 'transport' | 'router', add: Add, prefix: string): void {
  const seen = new Set<string>();
  for (const s of tree.sections) {
    for (const i of s.items) {
      if (i.kind !== 'driver' || i.section !== section || seen.has(i.name)) continue;
      seen.add(i.name);
      add({ label: i.name, kind, detail: `${kind}${i.driverName ? ` (${i.driverName})` : ''}`, insertText: prefix + i.name });
    }
  }
}

/** Macros in force at the position (defined before it), and with `builtins` Exim's own. */
function macroItems(tree: ConfigTree, ctx: PositionContext, add: Add, builtins: boolean): void {
  const seen = new Set<string>();
  for (const def of tree.macros) {
    if (seen.has(def.name) || readingIndex(tree, def.line) >= ctx.rank) continue;
    seen.add(def.name);
    add({ label: def.name, kind: 'macro', detail: `${def.name} = ${def.value}`.slice(0, 80), documentation: '```exim\n' + `${def.name} = ${def.value}` + '\n```' });
  }
  if (builtins) for (const name of builtinMacros()) if (!seen.has(name)) add({ label: name, kind: 'macro', detail: 'built-in macro' });
}

/**
 * Options set (and read) elsewhere in the same driver or main section: Exim refuses a second
 * setting ("option set for the second time"), except for the few that accumulate.
 */
function setElsewhere(section: OptionSectionKind, options: readonly OptionNode[], ctx: PositionContext, driver?: string): Set<string> {
  const repeatable = section === 'main' ? undefined : REPEATABLE[section];
  const names = new Set<string>();
  for (const o of options) {
    if (!o.active || o.line === ctx.line) continue;
    const r = resolveOptionWord(section, o.word, driver);
    if (r.info && !repeatable?.has(r.name)) names.add(r.name);
  }
  return names;
}

/** Option names; those already set come last and say so (the place to change is the other line). */
function optionItems(section: OptionSectionKind, list: OptionInfo[], add: Add, alreadySet: ReadonlySet<string>): void {
  const where = section === 'main' ? 'in the main section' : 'in this driver';
  for (const o of list) {
    const again = alreadySet.has(o.name);
    const documentation = (again ? `**Already set ${where}**: Exim refuses a second setting; change that line instead.\n\n` : '') + describeOption(section, o);
    const detail = `${o.type}${o.default !== undefined ? `, default ${o.default}` : ''} — ${scopeText(section, o)}`;
    add({ label: o.name, kind: 'option', detail, documentation, ...(again ? { sortText: `~~~${o.name}` } : {}) });
    if (o.type === 'boolean') add({ label: `no_${o.name}`, kind: 'option', detail: `sets ${o.name} to false`, documentation, sortText: `${again ? '~~~' : '~'}no_${o.name}` });
  }
}

function snippetItems(add: Add, options: CompletionOptions, before: string, pos: Position): void {
  if (!options.snippets) return;
  const typed = /[A-Za-z0-9_-]*$/.exec(before)![0];
  const range: Range = { start: { line: pos.line, character: pos.character - typed.length }, end: pos };
  for (const [name, s] of Object.entries(options.snippets)) {
    const prefix = Array.isArray(s.prefix) ? s.prefix[0] : s.prefix;
    const body = Array.isArray(s.body) ? s.body.join('\n') : s.body;
    add({ label: prefix, kind: 'snippet', detail: name, documentation: s.description, insertText: body, snippet: true, range, filterText: prefix, sortText: `~~${prefix}` });
  }
}

/** At the first word of a line (nothing but the word before the position). */
function atLineStart(ctx: PositionContext, extra = ''): boolean {
  return new RegExp(`^\\s*${extra}[A-Za-z0-9_-]*$`).test(ctx.physicalBefore) && (!ctx.line || ctx.line.firstLine === ctx.pos.line);
}

/**
 * Main options to offer: an Exim built with GnuTLS knows openssl_options (-bP lists it) but
 * refuses any setting of it ("openssl_options is set but we're using GnuTLS").
 */
function mainOptionList(): OptionInfo[] {
  const all = optionsFor('main');
  return isBuiltinMacro('_HAVE_GNUTLS') ? all.filter((o) => o.name !== 'openssl_options') : all;
}

function mainItems(tree: ConfigTree, ctx: PositionContext, add: Add, options: CompletionOptions): void {
  if (ctx.section === 'local_scan') return;
  if (atLineStart(ctx, '(?:hide\\s+)?')) {
    optionItems('main', mainOptionList(), add, setElsewhere('main', mainOptions(tree), ctx));
    if (atLineStart(ctx)) {
      for (const k of ['domainlist', 'hostlist', 'addresslist', 'localpartlist']) add({ label: k, kind: 'keyword', detail: `named ${k.replace('list', ' list')}`, insertText: `${k} ` });
      add({ label: 'hide', kind: 'keyword', detail: 'hide the value from exim -bP' });
      add({ label: 'begin', kind: 'keyword', detail: 'start a section', insertText: 'begin ' });
      snippetItems(add, options, ctx.physicalBefore, ctx.pos);
    }
    return;
  }
  valueItems(tree, ctx, 'main', add);
}

function driverItems(tree: ConfigTree, ctx: PositionContext, section: DriverSectionKind, add: Add, options: CompletionOptions): void {
  if (atLineStart(ctx)) {
    if (ctx.driver) optionItems(section, optionsFor(section, ctx.driver.driverName), add, setElsewhere(section, ctx.driver.options, ctx, ctx.driver.driverName));
    add({ label: 'begin', kind: 'keyword', detail: 'start a section', insertText: 'begin ' });
    snippetItems(add, options, ctx.physicalBefore, ctx.pos);
    return;
  }
  valueItems(tree, ctx, section, add);
}

/** Values of the option at the position: driver names, transports, routers, ACLs, booleans. */
function valueItems(tree: ConfigTree, ctx: PositionContext, section: OptionSectionKind, add: Add): void {
  const node = ctx.info?.node;
  const value = valueBefore(ctx);
  if (node?.kind !== 'option' || value === undefined || !/^[A-Za-z0-9_]*$/.test(value)) return;
  // Right after "=" with no space, insert one.
  const prefix = /=$/.test(ctx.physicalBefore) ? ' ' : '';
  const resolved = resolveOptionWord(section, node.word, ctx.driver?.driverName);
  const name = resolved.name;
  if (name === 'driver' && section !== 'main') {
    for (const d of knownDrivers(section)) add({ label: d, kind: 'driver', detail: `${section.slice(0, -1)} driver`, insertText: prefix + d });
    return;
  }
  if (section !== 'main' && ['transport', 'file_transport', 'pipe_transport', 'reply_transport', 'directory_transport', 'shadow_transport'].includes(name)) {
    driverNames(tree, 'transports', 'transport', add, prefix);
    return;
  }
  if (section === 'routers' && (name === 'pass_router' || name === 'redirect_router')) {
    driverNames(tree, 'routers', 'router', add, prefix);
    return;
  }
  if (section === 'main' && isAclOption(name)) {
    const seen = new Set<string>();
    for (const s of tree.sections) for (const i of s.items) if (i.kind === 'acl' && !seen.has(i.name)) seen.add(i.name), add({ label: i.name, kind: 'acl', detail: 'ACL', insertText: prefix + i.name });
    return;
  }
  if (resolved.info?.type === 'boolean' && !resolved.negated) {
    for (const v of ['true', 'false']) add({ label: v, kind: 'value', insertText: prefix + v });
  }
}

function aclItems(tree: ConfigTree, ctx: PositionContext, add: Add, options: CompletionOptions): void {
  const before = ctx.physicalBefore;
  const first = atLineStart(ctx, '!?\\s*');
  const afterVerb = new RegExp(`^\\s*(${aclVerbs.join('|')})\\s+!?\\s*[A-Za-z0-9_]*$`).test(before);
  if (first || afterVerb) {
    if (first && !/!/.test(before)) {
      for (const v of aclVerbs) add({ label: v, kind: 'verb', detail: 'ACL verb', documentation: ACL_VERB_DOCS[v] });
      snippetItems(add, options, before, ctx.pos);
    }
    // Conditions and modifiers go after a verb or on the lines that continue a statement;
    // only those this Exim build has (no dmarc_status without DMARC support: exim -bV refuses it).
    for (const c of aclConditions) if (aclCondition(c.name)) add({ label: c.name, kind: 'aclCondition', detail: c.syntax });
    for (const m of aclModifiers) if (aclCondition(m.name)) add({ label: m.name, kind: 'aclModifier', detail: m.syntax });
    return;
  }
  // Values of conditions and modifiers.
  const item = ctx.info?.aclItems.find((i) => i.hasValue && ctx.offset >= i.valueOffset);
  if (!item || !ctx.line) return;
  const value = ctx.line.text.slice(item.valueOffset, ctx.offset);
  if (!/^[A-Za-z0-9_]*$/.test(value)) return;
  const prefix = /=$/.test(before) ? ' ' : '';
  if (item.name === 'acl') {
    const seen = new Set<string>();
    for (const s of tree.sections) for (const i of s.items) if (i.kind === 'acl' && !seen.has(i.name)) seen.add(i.name), add({ label: i.name, kind: 'acl', detail: 'ACL', insertText: prefix + i.name });
  } else if (item.name === 'verify') {
    for (const v of aclVerifyTargets) add({ label: v.name, kind: 'value', detail: v.syntax, insertText: prefix + v.name });
  } else if (item.name === 'control') {
    for (const v of aclControls) if (CONTROL_NAMES.includes(v.name)) add({ label: v.name, kind: 'value', detail: v.syntax, insertText: prefix + v.name });
  }
}

function retryItems(ctx: PositionContext, add: Add, options: CompletionOptions): void {
  const before = ctx.line ? ctx.textBefore : '';
  if (/^\S+\s+[A-Za-z0-9_*]*$/.test(before)) {
    for (const e of RETRY_ERRORS) add({ label: e.name, kind: 'retryError', detail: 'retry error', documentation: e.doc });
    return;
  }
  if (/^\S+\s+\S+\s+[A-Za-z]?$/.test(before)) {
    add({ label: 'F,2h,15m; G,16h,1h,1.5; F,4d,6h', kind: 'value', detail: 'Exim’s default retry times', filterText: 'F' });
    if (/\stls_required\s/.test(before)) add({ label: 'F,1h,10m', kind: 'value', detail: 'retry for an hour, then bounce', filterText: 'F' });
    return;
  }
  if (!ctx.line || atLineStart(ctx)) snippetItems(add, options, ctx.physicalBefore, ctx.pos);
}
