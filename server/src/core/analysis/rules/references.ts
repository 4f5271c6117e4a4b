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
import { AclNode, DriverNode, NamedListNode, NamedListType } from '../../syntax/tree';
import { LogicalLine } from '../../syntax/logicalLine';
import { Location } from '../../syntax/source';
import { suggest } from '../../util/suggest';
import { optionSectionOf } from '../model';
import { Fix, Rule, RuleContext } from '../types';

/** Router options that name a transport. */
const TRANSPORT_OPTIONS = ['transport', 'file_transport', 'pipe_transport', 'reply_transport', 'directory_transport'];

/** A plain name, not an expansion or anything else Exim would have to work out. */
const plainName = (v: string): boolean => /^[A-Za-z][A-Za-z0-9_]*$/.test(v);

function renameFixes(loc: Location, names: string[]): Fix[] {
  return names.map((n, i) => ({ title: `Change to "${n}"`, edits: [{ file: loc.file, range: loc.range, newText: n }], ...(i === 0 ? { isPreferred: true } : {}) }));
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
  title: "router's transport (or file, pipe, reply, directory transport) that no transport defines",
  check(ctx) {
    const { active, any } = allNames(ctx, (i) => i.kind === 'driver' && i.section === 'transports');
    for (const router of ctx.model.drivers('routers').values()) {
      for (const o of router.options) {
        if (!o.active || !TRANSPORT_OPTIONS.includes(o.word) || !o.hasValue) continue;
        const name = o.value.trim();
        if (!plainName(name) || active.has(name)) continue;
        const loc = o.valueLoc ?? o.wordLoc;
        const suggestions = suggest(name, [...active]);
        const skipped = any.has(name) ? ` (a transport "${name}" is defined only in an .ifdef branch that Exim skips)` : '';
        ctx.report({
          message: `transport "${name}" not found in ${router.name} router: Exim accepts the configuration, but every address this router accepts is deferred${skipped}${dym(suggestions)}`,
          loc,
          data: { name, suggestions },
          fixes: renameFixes(loc, suggestions),
        });
      }
    }
  },
};

/** Main options that name the ACL for an SMTP command or for non-SMTP messages. */
function isAclOption(name: string): boolean {
  return /^acl_(smtp|not_smtp)/.test(name);
}

const aclUndefined: Rule = {
  id: 'acl-undefined',
  defaultSeverity: 'warning',
  title: 'acl_smtp_* or acl_not_smtp* option naming no ACL',
  check(ctx) {
    const { active, any } = allNames(ctx, (i) => i.kind === 'acl');
    for (const s of ctx.tree.sections) {
      if (s.kind !== 'main' || s.begin) continue;
      for (const o of s.items) {
        if (o.kind !== 'option' || !o.active || !isAclOption(o.word) || !o.hasValue) continue;
        const name = o.value.trim();
        // A name with a slash is a file; with white space, the text of an ACL; with "$", expanded.
        if (!plainName(name) || active.has(name)) continue;
        const loc = o.valueLoc ?? o.wordLoc;
        const suggestions = suggest(name, [...active]);
        const skipped = any.has(name) ? ` (an ACL "${name}" is defined only in an .ifdef branch that Exim skips)` : '';
        ctx.report({
          message: `${o.word} names no ACL "${name}": Exim reads the word as the text of an ACL, and refuses every such command with a temporary error ("unknown ACL verb")${skipped}${dym(suggestions)}`,
          loc,
          data: { name, suggestions },
          fixes: renameFixes(loc, suggestions),
        });
      }
    }
  },
};

const LIST_OF_TYPE: Record<string, NamedListType> = {
  'domain list': 'domainlist',
  'host list': 'hostlist',
  'address list': 'addresslist',
  'local part list': 'localpartlist',
};

/** ACL conditions whose value is a list of one kind. */
const ACL_LISTS: Record<string, NamedListType> = {
  domains: 'domainlist',
  sender_domains: 'domainlist',
  hosts: 'hostlist',
  senders: 'addresslist',
  recipients: 'addresslist',
  local_parts: 'localpartlist',
};

/** Host list items that start with "+" but are options, not list names. */
const HOST_LIST_OPTIONS = new Set(['include_unknown', 'ignore_unknown', 'include_defer', 'ignore_defer']);

interface ListUse {
  value: string;
  /** Offset of the value in its line. */
  offset: number;
  node: { line: LogicalLine; active: boolean };
  type: NamedListType;
}

function* listUses(ctx: RuleContext): Generator<ListUse> {
  for (const section of ctx.tree.sections) {
    const kind = optionSectionOf(section.kind);
    for (const item of section.items) {
      if (item.kind === 'option' && kind === 'main' && !section.begin) {
        const type = LIST_OF_TYPE[ctx.model.resolve(item, 'main').info?.type ?? ''];
        if (type && item.hasValue) yield { value: item.value, offset: item.valueOffset, node: item, type };
      } else if (item.kind === 'driver') {
        for (const o of item.options) {
          const type = LIST_OF_TYPE[ctx.model.resolve(o, item.section, item.driverName).info?.type ?? ''];
          if (type && o.hasValue) yield { value: o.value, offset: o.valueOffset, node: o, type };
        }
      } else if (item.kind === 'acl') {
        for (const st of item.statements) {
          for (const c of st.items) {
            const type = ACL_LISTS[c.name];
            if (type && c.hasValue) yield { value: c.value, offset: c.valueOffset, node: c, type };
          }
        }
      } else if (item.kind === 'namedList' && item.valueLoc) {
        yield { value: item.value, offset: item.valueOffset, node: item, type: item.listType };
      }
    }
  }
}

/** `+name` items of a list (Exim's list syntax: ":" or the separator after "<", doubled for itself), with the offset of each name. */
function plusItems(value: string): Array<{ name: string; at: number }> {
  let sep = ':';
  let start = 0;
  if (value.startsWith('<') && value.length > 1 && !/\s/.test(value[1])) {
    sep = value[1];
    start = 2;
  }
  const out: Array<{ name: string; at: number }> = [];
  const handle = (a: number, b: number) => {
    const raw = value.slice(a, b);
    const m = /^\s*(?:!\s*)?\+([A-Za-z][A-Za-z0-9_]*)\s*$/.exec(raw);
    if (m) out.push({ name: m[1], at: a + raw.indexOf('+') + 1 });
  };
  let itemStart = start;
  for (let i = start; i <= value.length; i++) {
    if (i < value.length && value[i] !== sep) continue;
    if (i < value.length && value[i + 1] === sep) {
      i++;
      continue;
    }
    handle(itemStart, i);
    itemStart = i + 1;
  }
  return out;
}

const namedListUndefined: Rule = {
  id: 'named-list-undefined',
  defaultSeverity: 'warning',
  title: '+name in a list that names no named list of that kind',
  check(ctx) {
    const lists = new Map<string, NamedListNode[]>();
    for (const s of ctx.tree.sections) for (const i of s.items) if (i.kind === 'namedList') lists.set(i.name, [...(lists.get(i.name) ?? []), i]);
    for (const use of listUses(ctx)) {
      if (use.value.includes('$')) continue;
      for (const { name, at } of plusItems(use.value)) {
        if (use.type === 'hostlist' && HOST_LIST_OPTIONS.has(name)) continue;
        const defs = lists.get(name) ?? [];
        if (defs.some((d) => d.listType === use.type)) continue;
        const loc = use.node.line.locate(use.offset + at - 1, use.offset + at + name.length);
        const nameLoc = use.node.line.locate(use.offset + at, use.offset + at + name.length);
        const sameType = [...lists.values()].flat().filter((d) => d.listType === use.type).map((d) => d.name);
        const suggestions = suggest(name, sameType);
        const article = (w: string) => (/^[aeiou]/.test(w) ? 'an' : 'a');
        const other = defs.length ? ` ("${name}" is ${article(defs[0].listType)} ${defs[0].listType}, not ${article(use.type)} ${use.type})` : '';
        ctx.report({
          message: `unknown named ${use.type.replace('list', ' list').replace('localpart', 'local part')} "+${name}"${other}: matching this list defers${dym(suggestions)}`,
          loc,
          active: use.node.active,
          data: { name, suggestions },
          fixes: renameFixes(nameLoc, suggestions),
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
        message: `transport "${t.name}" requires authentication with ${o.node.value.trim()}, but no authenticator can authenticate as a client (none sets client_send, client_name, client_secret ...): delivery to those hosts fails`,
        loc: o.node.valueLoc ?? o.node.wordLoc,
      });
    }
  },
};

/** Words of every line (a use in a skipped branch counts), to find names used inside expansions too. */
function mentions(ctx: RuleContext, exclude: (line: unknown) => boolean): Set<string> {
  const words = new Set<string>();
  for (const line of ctx.tree.lines) {
    if (exclude(line)) continue;
    for (const w of line.text.match(/[A-Za-z_][A-Za-z0-9_-]*/g) ?? []) words.add(w);
  }
  return words;
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
    const used = mentions(ctx, (l) => nameLines.has(l as DriverNode['line']));
    for (const t of transports) {
      if (used.has(t.name)) continue;
      ctx.report({ message: `transport "${t.name}" is not used by any router`, loc: t.nameLoc, unnecessary: true });
    }
  },
};

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
    const used = mentions(ctx, (l) => nameLines.has(l as AclNode['line']));
    for (const a of acls) {
      if (used.has(a.name)) continue;
      ctx.report({ message: `ACL "${a.name}" is not used: no acl_smtp_* option, "acl =" condition or \${acl} expansion names it`, loc: a.nameLoc, unnecessary: true });
    }
  },
};

export const referenceRules: Rule[] = [transportUndefined, aclUndefined, namedListUndefined, authNoClient, unusedTransport, unusedAcl];
