/**
 * Names that point elsewhere, which `exim -bV` does not follow: a router's transport, the
 * ACL an acl_smtp_* option names, `+name` named lists, and authenticators for
 * hosts_require_auth. Measured with Exim 4.96: a router whose transport does not exist
 * defers every address it accepts ("transport X not found in R router"); an acl_smtp_*
 * option naming no ACL makes Exim read the name as an ACL text, so every command it guards
 * is refused with 451 ("unknown ACL verb"). Both are errors. The others may be right in a
 * way the checker cannot see (lists in files, expansions): warnings; unused definitions are
 * hints.
 */
import { changeToFixes } from '../../fixes/edits';
import { AclItemNode, AclNode, DriverNode, NamedListNode, NamedListType, OptionNode } from '../../syntax/tree';
import { LogicalLine } from '../../syntax/logicalLine';
import { ACL_VERBS } from '../../syntax/parser';
import { Location } from '../../syntax/source';
import { suggest } from '../../util/suggest';
import { stringSetting } from '../../util/stringSetting';
import { trimCSpace } from '../../util/lists';
import { Rule, RuleContext } from '../types';
import { ValueSites, aclItemsNamed, valueSites } from '../valueSites';
import { moveCommentFix } from './valueComments';

/** Router options that name a transport. */
const TRANSPORT_OPTIONS = new Set(['transport', 'file_transport', 'pipe_transport', 'reply_transport', 'directory_transport']);

/** The transport option that names another transport. */
const SHADOW_OPTIONS = new Set(['shadow_transport']);

/** What a redirect generates that the option's transport delivers (measured: exim -bt says "Error in setting up pipe, file, or autoreply"). */
const GENERATED_DELIVERY: Record<string, string> = {
  file_transport: 'delivery to a file',
  pipe_transport: 'delivery to a pipe',
  reply_transport: 'autoreply',
  directory_transport: 'delivery to a directory',
};

/** A plain name, not an expansion or anything else Exim would have to work out. */
const plainName = (v: string): boolean => /^[A-Za-z][A-Za-z0-9_]*$/.test(v);

/** suggest() once per name: the same names (a copy) for every finding about it. */
function suggester(candidates: () => string[]): (name: string) => string[] {
  const cache = new Map<string, string[]>();
  let all: string[] | undefined;
  return (name) => {
    let found = cache.get(name);
    if (!found) cache.set(name, (found = suggest(name, (all ??= candidates()))));
    return [...found];
  };
}

/**
 * When files the configuration includes could not be read, a name this reader does not find
 * may be defined in one of them: said after the finding (Exim itself refuses such a
 * configuration, as include-missing reports).
 */
const unreadNotes = new WeakMap<RuleContext['tree'], string>();
function unreadIncludes(ctx: RuleContext): string {
  let note = unreadNotes.get(ctx.tree);
  if (note === undefined) {
    const unread = ctx.tree.problems.some((p) => p.code === 'include-missing' || p.code === 'include-not-read');
    note = unread ? ' (files this configuration includes could not be read: it may be defined in one of them)' : '';
    unreadNotes.set(ctx.tree, note);
  }
  return note;
}

function dym(names: string[]): string {
  return names.length ? `; did you mean ${names.map((n) => `"${n}"`).join(' or ')}?` : '';
}

/** Names defined anywhere, active or not (a name defined only in a skipped branch is not "unknown" to the reader). */
function allNames(ctx: RuleContext, pick: (i: DriverNode | AclNode) => boolean): { active: Set<string>; any: Set<string> } {
  const active = new Set<string>();
  const any = new Set<string>();
  for (const s of ctx.tree.sections) {
    for (const i of s.items) {
      if ((i.kind === 'driver' || i.kind === 'acl') && pick(i)) {
        any.add(i.name);
        if (i.active) active.add(i.name);
      }
    }
  }
  return { active, any };
}

// Exim accepts these configurations (-bV is silent); errors are kept for what Exim
// rejects, so these are warnings although delivery then fails.
const transportUndefined: Rule = {
  id: 'transport-undefined',
  defaultSeverity: 'warning',
  title: "router's transport (or file, pipe, reply, directory transport), or a transport's shadow_transport, that no transport defines",
  check(ctx) {
    let names: { active: Set<string>; any: Set<string> } | undefined;
    const suggestFor = suggester(() => [...names!.active]);
    const transports = ctx.model.drivers('transports');
    const check = (driver: DriverNode, options: ReadonlySet<string>, report: (o: OptionNode, name: string, tail: string) => void) => {
      for (const o of driver.options) {
        if (!options.has(o.word) || !o.active || !o.hasValue) continue;
        // Exim looks the name up as written, quotes removed: a name no transport can have (one
        // with a no-break space after it, say) is not found either. An expansion is not judged.
        const name = stringSetting(o.value);
        if (name === '' || name.includes('$') || transports.has(name)) continue;
        names ??= allNames(ctx, (i) => i.kind === 'driver' && i.section === 'transports');
        const { active, any } = names;
        if (active.has(name)) continue;
        const skipped = any.has(name) ? ` (a transport "${name}" is defined only in an .ifdef branch that Exim skips)` : '';
        report(o, name, `${skipped}${unreadIncludes(ctx)}${dym(suggestFor(name))}`);
      }
    };
    const emit = (o: OptionNode, name: string, message: string) => {
      const loc = o.valueLoc ?? o.wordLoc;
      const suggestions = suggestFor(name);
      ctx.report({ message, loc, data: { name, suggestions }, fixes: changeToFixes(loc, suggestions) });
    };
    for (const router of ctx.model.drivers('routers').values()) {
      check(router, TRANSPORT_OPTIONS, (o, name, tail) => {
        // Only "transport" serves every address; the others serve what a redirect generates.
        const effect =
          o.word === 'transport'
            ? 'every address this router accepts is deferred'
            : `every ${GENERATED_DELIVERY[o.word]} this router generates fails ("Error in setting up pipe, file, or autoreply")`;
        emit(o, name, `transport "${name}" not found in ${router.name} router: Exim accepts the configuration, but ${effect}${tail}`);
      });
    }
    // Measured: the delivery itself goes ahead, and the log says 'shadow transport "x" not found'.
    for (const transport of transports.values()) {
      check(transport, SHADOW_OPTIONS, (o, name, tail) =>
        emit(o, name, `shadow transport "${name}" not found for the ${transport.name} transport: Exim accepts the configuration, delivers as usual, and never makes the shadow copy${tail}`),
      );
    }
  },
};

/**
 * Router options that name another router. Exim 4.96 looks the name up when it reads the
 * configuration, as written (never expanded, case matters) and refuses it when there is no
 * such router ('new_router "x" not found for "r" router'); pass_router must also name a
 * router that comes later ('new_router "q" does not follow "r" router'), while
 * redirect_router may name any router, this one included.
 */
const ROUTER_OPTIONS: ReadonlyArray<[option: string, later: boolean]> = [
  ['pass_router', true],
  ['redirect_router', false],
];

const routerUndefined: Rule = {
  id: 'router-undefined',
  defaultSeverity: 'error',
  title: 'pass_router or redirect_router naming no router, or pass_router naming one that does not come later',
  check(ctx) {
    const routers = ctx.model.activeDrivers('routers');
    if (routers.length === 0) return;
    let order: Map<string, number> | undefined;
    let names: { active: Set<string>; any: Set<string> } | undefined;
    const suggestFor = suggester(() => [...names!.active]);
    routers.forEach((router, position) => {
      for (const [option, later] of ROUTER_OPTIONS) {
        const o = ctx.model.optionNode(router, option);
        if (!o || !o.active) continue;
        const name = stringSetting(o.value);
        if (!order) {
          order = new Map();
          // The first of two routers with one name is the one Exim finds (two are an error of their own).
          routers.forEach((r, i) => order!.has(r.name) || order!.set(r.name, i));
        }
        const at = order.get(name);
        const loc = o.valueLoc ?? o.wordLoc;
        if (at === undefined) {
          names ??= allNames(ctx, (i) => i.kind === 'driver' && i.section === 'routers');
          // For pass_router, only a router that comes later would be accepted.
          const suggestions = name.includes('$') ? [] : suggestFor(name).filter((s) => !later || order!.get(s)! > position);
          const why = name.includes('$')
            ? ' (this option is not expanded)'
            : names.any.has(name)
              ? ` (a router "${name}" is defined only in an .ifdef branch that Exim skips)`
              : '';
          ctx.report({
            message: `new_router "${name}" not found for "${router.name}" router: Exim refuses the configuration${why}${dym(suggestions)}`,
            loc,
            data: { name, suggestions },
            fixes: changeToFixes(loc, suggestions),
          });
        } else if (later && at <= position) {
          // No quick-fix: naming another router, or moving one, changes where mail goes.
          ctx.report({
            message: `new_router "${name}" does not follow "${router.name}" router: ${option} must name a router that comes after this one, and Exim refuses the configuration`,
            loc,
            related: [{ loc: routers[at].nameLoc, message: `router "${name}" is defined here, before or at "${router.name}"` }],
            data: { name },
          });
        }
      }
    });
  },
};

/** A value that is an ACL verb alone is an ACL of one statement. */
const ACL_VERB_NAMES = new Set<string>(ACL_VERBS);

/** Main options that name the ACL for an SMTP command or for non-SMTP messages. */
function isAclOption(name: string): boolean {
  return /^acl_(smtp|not_smtp)/.test(name);
}

/**
 * An acl_smtp_* value with white space is the text of an ACL (measured: "acl_smtp_rcpt =
 * acl_check_rcpt # the ACL" answers every RCPT with 451 and logs 'unknown ACL verb
 * "acl_check_rcpt"'). Its first word must be a verb.
 */
function reportAclText(ctx: RuleContext, o: OptionNode, first: string, rest: string): void {
  if (ACL_VERB_NAMES.has(first)) return;
  const named = ctx.model.acls().has(first);
  const comment = rest.startsWith('#');
  const why = comment ? ` ("#" starts a comment only at the start of a line${named ? `, so the ACL "${first}" is not used` : ''})` : '';
  ctx.report({
    message: `${o.word}: a value with white space is the text of an ACL, and "${first}" is not an ACL verb${why}: Exim refuses every such command with a temporary error ("unknown ACL verb")`,
    loc: o.valueLoc ?? o.wordLoc,
    data: { name: first },
    fixes: named && comment ? moveCommentFix(o.line, o.valueOffset, o.value.indexOf('#')) : [],
  });
}

const aclUndefined: Rule = {
  id: 'acl-undefined',
  defaultSeverity: 'warning',
  title: 'acl_smtp_* or acl_not_smtp* option, "acl =" condition or ${acl} expansion naming no ACL',
  check(ctx) {
    let names: { active: Set<string>; any: Set<string> } | undefined;
    const suggestFor = suggester(() => [...names!.active]);
    // A name no ACL has: in an acl_smtp_* option, an "acl = name args" condition, or
    // ${acl{name}...} anywhere (measured with exim -bh: the first two answer 451 with
    // 'unknown ACL verb', the last fails its expansion with 'ERROR from acl "name"').
    const missing = (name: string, loc: Location, what: string, effect: string, active: boolean) => {
      if (ctx.model.acls().has(name)) return;
      names ??= allNames(ctx, (i) => i.kind === 'acl');
      if (names.active.has(name)) return;
      const suggestions = suggestFor(name);
      const skipped = names.any.has(name) ? ` (an ACL "${name}" is defined only in an .ifdef branch that Exim skips)` : '';
      ctx.report({ message: `${what} names no ACL "${name}": ${effect}${skipped}${unreadIncludes(ctx)}${dym(suggestions)}`, loc, active, data: { name, suggestions }, fixes: changeToFixes(loc, suggestions) });
    };
    for (const s of ctx.tree.sections) {
      if (s.kind !== 'main' || s.begin) continue;
      for (const o of s.items) {
        if (o.kind !== 'option' || !o.active || !isAclOption(o.word) || !o.hasValue) continue;
        const name = trimCSpace(o.value);
        if (name.includes('$') || name.startsWith('/')) continue;
        // With white space the value is the text of an ACL, which must start with a verb.
        const words = /^([^ \t]+)[ \t]+(.*)$/s.exec(name);
        if (words) {
          reportAclText(ctx, o, words[1], words[2]);
          continue;
        }
        // A name with a slash is a file; with "$", expanded. A lone verb is the text of an
        // ACL too: "acl_smtp_rcpt = accept" accepts every recipient.
        if (!plainName(name) || ACL_VERB_NAMES.has(name)) continue;
        missing(name, o.valueLoc ?? o.wordLoc, o.word, 'Exim reads the word as the text of an ACL, and refuses every such command with a temporary error ("unknown ACL verb")', o.active);
      }
    }
    for (const { item } of aclItemsNamed(ctx.tree, 'acl')) {
      if (!item.hasValue || item.value.includes('$') || !item.valueLoc) continue;
      const name = /^[^ \t]*/.exec(item.value)![0];
      if (!plainName(name) || ACL_VERB_NAMES.has(name)) continue;
      const loc = item.line.locate(item.valueOffset, item.valueOffset + name.length);
      missing(name, loc, `"acl = ${name}"`, 'Exim reads the word as the text of an ACL, and the statement fails with a temporary error ("unknown ACL verb")', item.active);
    }
    for (const { node } of valueSites(ctx.tree).dollar) {
      if (node.kind === 'rewrite' || node.kind === 'retry' || !node.value.includes('${acl')) continue;
      for (const m of node.value.matchAll(/\$\{acl\s*\{([A-Za-z][A-Za-z0-9_]*)\}/g)) {
        const start = node.valueOffset + m.index! + m[0].length - 1 - m[1].length;
        missing(m[1], node.line.locate(start, start + m[1].length), `\${acl{${m[1]}}}`, 'the expansion fails ("ERROR from acl"), and with it what uses it', node.active);
      }
    }
  },
};

const LIST_OF_TYPE = new Map<string, NamedListType>([
  ['domain list', 'domainlist'],
  ['host list', 'hostlist'],
  ['address list', 'addresslist'],
  ['local part list', 'localpartlist'],
]);

/** ACL conditions whose value is a list of one kind. */
const ACL_LISTS = new Map<string, NamedListType>([
  ['domains', 'domainlist'],
  ['sender_domains', 'domainlist'],
  ['hosts', 'hostlist'],
  ['senders', 'addresslist'],
  ['recipients', 'addresslist'],
  ['local_parts', 'localpartlist'],
]);

/** Host list items that start with "+" but are options, not list names. */
const HOST_LIST_OPTIONS = new Set(['include_unknown', 'ignore_unknown', 'include_defer', 'ignore_defer']);

/** The kind of list a value with a "+" and no "$" is, if it is a list (an expanded list is not checked). */
function listType(ctx: RuleContext, site: ValueSites['plus'][number]): NamedListType | undefined {
  const { node, driver } = site;
  switch (node.kind) {
    case 'option': {
      const r = driver ? ctx.model.resolve(node, driver.section, driver.driverName) : ctx.model.resolve(node, 'main');
      return r.info && LIST_OF_TYPE.get(r.info.type);
    }
    case 'aclItem':
      return ACL_LISTS.get(node.name);
    case 'namedList':
      return node.valueLoc ? node.listType : undefined;
  }
}

/** White space as JavaScript's \s has it (list items are trimmed of it). */
function isSpace(c: number): boolean {
  return (
    c === 32 || (c >= 9 && c <= 13) || c === 0xa0 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) ||
    c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff
  );
}

/**
 * `+name` items of a list (Exim's list syntax: ":" or the separator after "<", doubled for
 * itself): items that start with "+" or "!+" (white space allowed around the "!"); the name
 * is the rest of the item without trailing white space, as Exim reads it. Appends the start and end offset and the nameHash() of each
 * name to `out`.
 */
function plusItems(value: string, out: number[]): void {
  let sep = 58; /* ":" */
  let start = 0;
  if (value.charCodeAt(0) === 60 /* "<" */ && value.length > 1 && !/\s/.test(value[1])) {
    sep = value.charCodeAt(1);
    start = 2;
  }
  const n = value.length;
  let itemStart = start;
  for (let i = start; i <= n; i++) {
    if (i < n && value.charCodeAt(i) !== sep) continue;
    if (i < n && value.charCodeAt(i + 1) === sep) {
      i++;
      continue;
    }
    plusItem(value, itemStart, i, out);
    itemStart = i + 1;
  }
}

function plusItem(value: string, a: number, b: number, out: number[]): void {
  let i = a;
  while (i < b && isSpace(value.charCodeAt(i))) i++;
  if (i < b && value.charCodeAt(i) === 33 /* "!" */) {
    i++;
    while (i < b && isSpace(value.charCodeAt(i))) i++;
  }
  if (i >= b || value.charCodeAt(i) !== 43 /* "+" */) return;
  // Exim takes the rest of the item as the name, white space after "+" included ("+ x" names
  // " x", "+relay extra" names "relay extra"): measured, each is an unknown named list.
  const at = i + 1;
  let end = b;
  while (end > at && isSpace(value.charCodeAt(end - 1))) end--;
  let h = 0;
  for (let k = at; k < end; k++) {
    const c = value.charCodeAt(k);
    // A "# comment" after the name is comment-in-value's to report.
    if (c === 35 /* # */ && k > at && isSpace(value.charCodeAt(k - 1))) return;
    h = (Math.imul(h, 31) + c) | 0;
  }
  out.push(at, end, h);
}

/** A hash of a name, computed as the scans below compute it character by character. */
function nameHash(name: string): number {
  let h = 0;
  for (let i = 0; i < name.length; i++) h = (Math.imul(h, 31) + name.charCodeAt(i)) | 0;
  return h;
}

const LIST_TYPE_BIT: Record<NamedListType, number> = { domainlist: 1, hostlist: 2, addresslist: 4, localpartlist: 8 };

const namedListUndefined: Rule = {
  id: 'named-list-undefined',
  defaultSeverity: 'warning',
  title: '+name in a list that names no named list of that kind',
  check(ctx) {
    const sites = valueSites(ctx.tree);
    const patterns = ruleListPatterns(ctx);
    if (sites.plus.length === 0 && patterns.length === 0) return;
    const lists = new Map<string, NamedListNode[]>();
    /** Defined names by nameHash(), with the kinds each is defined as (a bit per kind), to look names up without copying them. */
    const kinds = new Map<number, Array<{ name: string; kinds: number }>>();
    for (const d of sites.namedLists) {
      const defs = lists.get(d.name);
      if (defs) defs.push(d);
      else lists.set(d.name, [d]);
      const h = nameHash(d.name);
      let bucket = kinds.get(h);
      if (!bucket) kinds.set(h, (bucket = []));
      const entry = bucket.find((e) => e.name === d.name);
      if (entry) entry.kinds |= LIST_TYPE_BIT[d.listType];
      else bucket.push({ name: d.name, kinds: LIST_TYPE_BIT[d.listType] });
    }
    const definedKinds = (value: string, at: number, end: number, hash: number): number => {
      for (const e of kinds.get(hash) ?? []) if (e.name.length === end - at && value.startsWith(e.name, at)) return e.kinds;
      return 0;
    };
    const suggesters = new Map<NamedListType, (name: string) => string[]>();
    const suggestFor = (name: string, type: NamedListType): string[] => {
      let s = suggesters.get(type);
      if (!s) suggesters.set(type, (s = suggester(() => [...lists.values()].flat().filter((d) => d.listType === type).map((d) => d.name))));
      return s(name);
    };
    const found: number[] = [];
    for (const site of sites.plus) {
      const type = listType(ctx, site);
      if (!type) continue;
      const { node } = site;
      const value = node.value;
      found.length = 0;
      plusItems(value, found);
      for (let k = 0; k < found.length; k += 3) {
        const at = found[k];
        if (definedKinds(value, at, found[k + 1], found[k + 2]) & LIST_TYPE_BIT[type]) continue;
        const name = value.slice(at, found[k + 1]);
        if (type === 'hostlist' && HOST_LIST_OPTIONS.has(name)) continue;
        // "+caseful" makes the rest of an address or local part list match case-sensitively.
        if (name === 'caseful' && (type === 'addresslist' || type === 'localpartlist')) continue;
        const defs = lists.get(name) ?? [];
        const offset = node.valueOffset;
        const loc = node.line.locate(offset + at - 1, offset + at + name.length);
        const nameLoc = node.line.locate(offset + at, offset + at + name.length);
        const suggestions = suggestFor(name, type);
        const article = (w: string) => (/^[aeiou]/.test(w) ? 'an' : 'a');
        const other = defs.length ? ` ("${name}" is ${article(defs[0].listType)} ${defs[0].listType}, not ${article(type)} ${type})` : '';
        ctx.report({
          message: `unknown named ${type.replace('list', ' list').replace('localpart', 'local part')} "+${name}"${other}${/\s/.test(name) ? ' (the rest of the item is part of the name: separate list items with ":")' : ''}: matching this list defers${unreadIncludes(ctx)}${dym(suggestions)}`,
          loc,
          active: node.active,
          data: { name, suggestions },
          fixes: changeToFixes(nameLoc, suggestions),
        });
      }
    }
    // A retry or rewrite rule's pattern is one address list item: "+name" names an address
    // list, "local@+name" a domain list. Measured with exim -brt and -brw: an unknown name is
    // logged ('unknown named address list "+x"') and the rule is skipped, so the rules after
    // it apply instead (a retry catch-all, or no rewriting).
    for (const { token, kind } of patterns) {
      const m = /^(!?)(?:([^@]*)@)?\+(.+)$/.exec(token.text);
      if (!m) continue;
      const type: NamedListType = m[2] !== undefined ? 'domainlist' : 'addresslist';
      const name = m[3];
      if (definedKinds(name, 0, name.length, nameHash(name)) & LIST_TYPE_BIT[type]) continue;
      const defs = lists.get(name) ?? [];
      const other = defs.length ? ` ("${name}" is a ${defs[0].listType}, not ${type === 'addresslist' ? 'an address list' : 'a domain list'}${type === 'addresslist' && defs[0].listType === 'domainlist' ? `: write "*@+${name}" for its domains` : ''})` : '';
      const suggestions = suggestFor(name, type);
      const start = token.text.length - name.length;
      const nameLoc = { file: token.loc.file, range: { start: { line: token.loc.range.start.line, character: token.loc.range.start.character + start }, end: token.loc.range.end } };
      ctx.report({
        message: `unknown named ${type === 'addresslist' ? 'address' : 'domain'} list "+${name}"${other}: Exim skips this ${kind} rule, logging the error each time it is consulted, and the rules after it apply instead${unreadIncludes(ctx)}${dym(suggestions)}`,
        loc: token.loc,
        active: token.active,
        data: { name, suggestions },
        fixes:
          token.loc.range.start.line !== token.loc.range.end.line
            ? []
            : other && type === 'addresslist' && defs[0].listType === 'domainlist'
              ? [{ title: `Change to "${m[1]}*@+${name}" (the domains of the domain list)`, edits: [{ file: token.loc.file, range: token.loc.range, newText: `${m[1]}*@+${name}` }], isPreferred: true }]
              : changeToFixes(nameLoc, suggestions),
      });
    }
  },
};

/** The patterns of the retry and rewrite rules, which Exim matches as address list items. */
function ruleListPatterns(ctx: RuleContext): { token: { text: string; loc: Location; active: boolean }; kind: 'retry' | 'rewrite' }[] {
  const out: { token: { text: string; loc: Location; active: boolean }; kind: 'retry' | 'rewrite' }[] = [];
  for (const section of ctx.tree.sections) {
    if (section.kind !== 'retry' && section.kind !== 'rewrite') continue;
    for (const item of section.items) {
      if ((item.kind === 'retry' || item.kind === 'rewrite') && item.pattern.text.includes('+')) out.push({ token: { text: item.pattern.text, loc: item.pattern.loc, active: item.active }, kind: item.kind });
    }
  }
  return out;
}

/**
 * ACLs that call themselves, directly or through others, with nothing changed on the way: no
 * `set` in any ACL of the loop and no arguments in its calls, so each call starts where the
 * last did. Measured with exim -bh: the command gets 451, and the log says "ACL nested too
 * deep: possible loop". Loops where a `set` or an argument may end the recursion are left alone.
 */
const aclLoop: Rule = {
  id: 'acl-loop',
  defaultSeverity: 'warning',
  title: 'ACL that calls itself (directly or through others) with nothing changed, which Exim stops as a loop',
  check(ctx) {
    const calls = aclItemsNamed(ctx.tree, 'acl');
    if (calls.length === 0) return;
    const acls = ctx.model.acls();
    // Calls without arguments, from ACLs without "set", to an ACL by its written name.
    const edges = new Map<string, { to: string; item: AclItemNode }[]>();
    const sets = new Set<string>();
    for (const [name, acl] of acls) {
      for (const st of acl.statements) for (const item of st.items) if (item.name === 'set' && item.active) sets.add(name);
    }
    for (const [name, acl] of acls) {
      if (sets.has(name)) continue;
      for (const st of acl.statements) {
        for (const item of st.items) {
          if (item.name !== 'acl' || !item.active || !item.hasValue || item.value.includes('$')) continue;
          const words = item.value.trim().split(/[ \t]+/);
          if (words.length !== 1 || !acls.has(words[0]) || sets.has(words[0])) continue;
          let list = edges.get(name);
          if (!list) edges.set(name, (list = []));
          list.push({ to: words[0], item });
        }
      }
    }
    /** The names from `from` to `target` along the edges, or undefined. */
    const path = (from: string, target: string): string[] | undefined => {
      const parent = new Map<string, string>([[from, '']]);
      const queue = [from];
      while (queue.length) {
        const at = queue.shift()!;
        if (at === target) {
          const out = [at];
          for (let p = parent.get(at)!; p !== ''; p = parent.get(p)!) out.unshift(p);
          return out;
        }
        for (const e of edges.get(at) ?? []) {
          if (parent.has(e.to)) continue;
          parent.set(e.to, at);
          queue.push(e.to);
        }
      }
      return undefined;
    };
    for (const [name, list] of edges) {
      for (const { to, item } of list) {
        const back = to === name ? [name] : path(to, name);
        if (!back) continue;
        const loop = to === name ? `"${name}" calls itself` : `"${name}" calls ${back.slice(0, -1).map((n) => `"${n}", which calls `).join('')}"${name}" again`;
        ctx.report({
          message: `ACL ${loop}, with nothing changed on the way (no "set", no arguments): when this call is reached, Exim goes 20 ACLs deep and refuses the command with a temporary error ("ACL nested too deep: possible loop")`,
          loc: item.valueLoc ?? item.nameLoc,
          active: item.active,
          data: { name: to },
        });
      }
    }
  },
};

/** A client-side authenticator: one with any client_ option set. */
function isClient(ctx: RuleContext, a: DriverNode): boolean {
  return a.options.some((o) => o.active && /^client_/.test(ctx.model.resolve(o, 'authenticators', a.driverName).name));
}

const authNoClient: Rule = {
  id: 'auth-no-client',
  defaultSeverity: 'warning',
  title: 'hosts_require_auth set on a transport, but no authenticator has a client side',
  check(ctx) {
    const auths = [...ctx.model.drivers('authenticators').values()];
    if (auths.some((a) => isClient(ctx, a))) return;
    for (const t of ctx.model.drivers('transports').values()) {
      const o = ctx.model.driverOption(t, 'hosts_require_auth');
      if (!o || o.node.value.trim() === '') continue;
      ctx.report({
        message: `transport "${t.name}" requires authentication with ${o.node.value.trim()}, but no authenticator can authenticate as a client (none sets client_send, client_name, client_secret ...): every delivery to those hosts defers ("authentication required but no common mechanisms were found") until the retry rules give up and the message bounces`,
        loc: o.node.valueLoc ?? o.node.wordLoc,
      });
    }
  },
};

/** Name characters as the word scan below sees them: letters and "_" start a word; digits and "-" continue one. */
const WORD_START = 1;
const WORD_PART = 2;
const WORD_CHARS = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  if (/[A-Za-z_]/.test(ch)) WORD_CHARS[c] = WORD_START | WORD_PART;
  else if (/[0-9-]/.test(ch)) WORD_CHARS[c] = WORD_PART;
}
const isWord = (name: string): boolean => /^[A-Za-z_][A-Za-z0-9_-]*$/.test(name);

/**
 * The logical lines (a use in a skipped branch counts) in which each transport or ACL name
 * occurs as a word, so that a name used only inside an expansion counts too. The text is
 * read once per tree for both rules; only words that hash like a wanted name are looked up.
 */
const mentionIndexes = new WeakMap<RuleContext['tree'], Map<string, LogicalLine[]>>();
function mentionIndex(ctx: RuleContext): Map<string, LogicalLine[]> {
  let index = mentionIndexes.get(ctx.tree);
  if (index) return index;
  index = new Map();
  mentionIndexes.set(ctx.tree, index);
  const names = [...ctx.model.drivers('transports').keys(), ...ctx.model.acls().keys()].filter(isWord);
  if (names.length === 0) return index;
  // A table with a slot per hash value (eight or more per name) screens the words, so that
  // few words that are not wanted names are copied and looked up.
  let bits = 10;
  while (1 << bits < names.length * 8 && bits < 24) bits++;
  const mask = (1 << bits) - 1;
  const filter = new Uint8Array(1 << bits);
  for (const name of names) {
    index.set(name, []);
    const h = nameHash(name);
    filter[(h ^ (h >>> bits)) & mask] = 1;
  }
  for (const line of ctx.tree.lines) indexWords(line, index, filter, bits);
  return index;
}

/** Adds the line to the entry of each word of it that is in the index (the filter screens words by nameHash()). */
function indexWords(line: LogicalLine, index: Map<string, LogicalLine[]>, filter: Uint8Array, bits: number): void {
  const text = line.text;
  const n = text.length;
  const mask = filter.length - 1;
  let i = 0;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c >= 128 || (WORD_CHARS[c] & WORD_START) === 0) {
      i++;
      continue;
    }
    const start = i;
    let h = c;
    i++;
    while (i < n) {
      const d = text.charCodeAt(i);
      if (d >= 128 || WORD_CHARS[d] === 0) break;
      h = (Math.imul(h, 31) + d) | 0;
      i++;
    }
    if (filter[(h ^ (h >>> bits)) & mask] === 0) continue;
    const lines = index.get(text.slice(start, i));
    if (lines && lines[lines.length - 1] !== line) lines.push(line);
  }
}

/** True when the name occurs as a word on a line other than the given definition lines and the lines of `own` settings. */
function mentioned(index: Map<string, LogicalLine[]>, name: string, definitions: Set<LogicalLine>, own: readonly { line: LogicalLine }[] = []): boolean {
  const lines = index.get(name);
  return lines !== undefined && lines.some((l) => !definitions.has(l) && !own.some((o) => o.line === l));
}

/**
 * Transport names that routers build with an expansion, as the written text before and after
 * it (`transport = ${local_part_prefix}local_delivery`, `send_to_server${if ...{2}{1}}`:
 * measured with exim -bt, each picks the transport the expansion names).
 */
function builtTransportNames(ctx: RuleContext): { start: string; end: string }[] {
  const out: { start: string; end: string }[] = [];
  for (const r of ctx.model.activeDrivers('routers')) {
    const value = stringSetting(ctx.model.optionNode(r, 'transport')?.value ?? '').trim();
    if (!value.includes('$')) continue;
    const start = value.slice(0, value.indexOf('$'));
    // After the last expansion: what follows its closing brace (a bare $name ends at the end).
    const close = value.lastIndexOf('}');
    const end = close > value.lastIndexOf('$') ? value.slice(close + 1) : '';
    out.push({ start, end: /^[A-Za-z0-9_-]*$/.test(end) ? end : '' });
  }
  return out;
}

const unusedTransport: Rule = {
  id: 'unused-transport',
  defaultSeverity: 'hint',
  title: 'transport that no router uses',
  check(ctx) {
    const transports = [...ctx.model.drivers('transports').values()];
    // A file without routers is a fragment (an include, a conf.d part): its transports are used elsewhere.
    if (transports.length === 0 || ctx.model.drivers('routers').size === 0) return;
    const nameLines = new Set(transports.map((t) => t.line));
    const index = mentionIndex(ctx);
    const built = builtTransportNames(ctx);
    for (const t of transports) {
      // Its own settings do not use it (debug_print = "T: remote_smtp ..." names itself).
      if (mentioned(index, t.name, nameLines, t.options)) continue;
      if (built.some((b) => t.name.length >= b.start.length + b.end.length && t.name.startsWith(b.start) && t.name.endsWith(b.end))) continue;
      ctx.report({ message: `transport "${t.name}" is not used by any router`, loc: t.nameLoc, unnecessary: true });
    }
  },
};

/**
 * The written start of each ACL name that an expansion makes (`acl_smtp_rcpt =
 * acl_${sg{...}}`, `acl = check_$acl_m_kind`, `${acl{rcpt_${lc:$domain}}}`): any ACL whose
 * name starts with one of them may be the one used ("" for a name that is all expansion).
 * Measured with exim -bh: `acl_${...}` picks the ACL the expansion names.
 */
function dynamicAclPrefixes(ctx: RuleContext): string[] {
  const prefixes = new Set<string>();
  for (const { node } of valueSites(ctx.tree).dollar) {
    const value = 'value' in node ? node.value : '';
    if ((node.kind === 'option' && isAclOption(node.word)) || (node.kind === 'aclItem' && node.name === 'acl')) {
      const v = value.trim();
      if (!v.startsWith('/')) prefixes.add(v.slice(0, v.indexOf('$')).trim());
    }
    for (const m of value.matchAll(/\$\{acl\s*\{([^{}$]*)\$/g)) prefixes.add(m[1].trim());
  }
  return [...prefixes];
}

const unusedAcl: Rule = {
  id: 'unused-acl',
  defaultSeverity: 'hint',
  title: 'ACL that no acl_* option, acl condition or ${acl} expansion uses',
  check(ctx) {
    const acls = [...ctx.model.acls().values()];
    // Only a whole configuration says which ACLs are used: one that sets an acl_* option or routes mail.
    const whole = ctx.model.drivers('routers').size > 0 || ctx.tree.sections.some((x) => x.kind === 'main' && x.items.some((i) => i.kind === 'option' && isAclOption(i.word)));
    if (acls.length === 0 || !whole) return;
    const nameLines = new Set(acls.map((a) => a.line));
    const index = mentionIndex(ctx);
    const dynamic = dynamicAclPrefixes(ctx);
    for (const a of acls) {
      if (mentioned(index, a.name, nameLines)) continue;
      if (dynamic.some((p) => a.name.startsWith(p))) continue;
      ctx.report({ message: `ACL "${a.name}" is not used: no acl_smtp_* option, "acl =" condition or \${acl} expansion names it`, loc: a.nameLoc, unnecessary: true });
    }
  },
};

export const referenceRules: Rule[] = [transportUndefined, routerUndefined, aclUndefined, aclLoop, namedListUndefined, authNoClient, unusedTransport, unusedAcl];
