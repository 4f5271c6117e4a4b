/**
 * List items Exim reads only when it matches the list. Measured with Exim 4.96: `exim -bV`
 * accepts them, and matching then logs the error to the panic log and stops the process (an
 * SMTP session ends with no answer; `exim -bt` dies):
 *  - a lookup (`domains = lsearch;/etc/exim4/domains`, `hosts = net24-lsearch;...`) whose
 *    type Exim cannot use ('unknown lookup type');
 *  - a lookup whose file is not an absolute path (`lsearch;etc/domains`: 'failed to open
 *    etc/domains for linear search', in host lists too);
 *  - a regular expression item (`^...`) that PCRE2 refuses ('regular expression error:
 *    missing closing parenthesis at offset 2 while compiling ^(').
 * And a list whose separator `<;` changed, with " : " left inside an item: that item is one
 * address or name with a colon in it, which matches nothing (measured with exim -bt:
 * `ignore_target_hosts = <; 0.0.0.0 : 127.0.0.0/8 ; ::1` does not ignore 127.0.0.1).
 */
import { AclItemNode, NamedListNode, OptionNode, mainOptions } from '../../syntax/tree';
import { fileLookupType, IPV4_LIKE, ListKind, listItemLookupProblem } from '../../syntax/lookupType';
import { ifExistsParts, taintedVariableIn } from '../../util/taint';
import { taintedAclVariables, taintSource } from '../aclVariables';
import { isIpv4Address } from '../../util/ipAddress';
import { exactListItems, splitList } from '../../util/lists';
import { stringSetting } from '../../util/stringSetting';
import { OptionInfo } from '../../options';
import { regexProblem } from '../../util/regexSyntax';
import { Rule, RuleContext } from '../types';
import { aclItemsNamed, valueSites } from '../valueSites';

const NAMED_LIST_KINDS: Record<NamedListNode['listType'], ListKind> = { domainlist: 'domain', hostlist: 'host', localpartlist: 'localpart', addresslist: 'address' };
const ACL_LIST_KINDS = new Map<string, ListKind>([
  ['domains', 'domain'],
  ['local_parts', 'localpart'],
  ['hosts', 'host'],
  ['senders', 'address'],
  ['recipients', 'address'],
]);

function optionListKind(info: OptionInfo | undefined): ListKind | undefined {
  switch (info?.type) {
    case 'domain list':
      return 'domain';
    case 'host list':
      return 'host';
    case 'address list':
      return 'address';
    case 'local part list':
      return 'localpart';
    default:
      return undefined;
  }
}

type ListSite = OptionNode | NamedListNode | AclItemNode;

/**
 * Calls `visit` for every written-out list whose text contains `mark` (a cheap screen): named
 * lists, main and driver options of a list type, and the list conditions of ACLs. An expanded
 * list is looked at after expansion, which is not this text, and is left out.
 */
function forEachList(ctx: RuleContext, mark: string, visit: (node: ListSite, list: string, kind: ListKind, active: boolean) => void, withExpansions = false): void {
  const take = (node: ListSite, list: string, kind: ListKind | undefined, active: boolean) => {
    if (kind && list.includes(mark) && (withExpansions || !list.includes('$'))) visit(node, list, kind, active);
  };
  for (const list of valueSites(ctx.tree).namedLists) take(list, stringSetting(list.value), NAMED_LIST_KINDS[list.listType], list.active);
  for (const option of mainOptions(ctx.tree)) {
    if (option.hasValue && option.value.includes(mark)) take(option, stringSetting(option.value), optionListKind(ctx.model.resolve(option, 'main').info), option.active);
  }
  const { drivers, resolved } = ctx.model.optionTable();
  for (let k = 0; k < drivers.length; k++) {
    const options = drivers[k].options;
    for (let i = 0; i < options.length; i++) {
      if (options[i].hasValue && options[i].value.includes(mark)) take(options[i], stringSetting(options[i].value), optionListKind(resolved[k][i].info), options[i].active);
    }
  }
  // An ACL item keeps its quotes.
  for (const [name, kind] of ACL_LIST_KINDS) {
    for (const { item } of aclItemsNamed(ctx.tree, name)) if (item.hasValue) take(item, item.value, kind, item.active);
  }
}

const STOPS = 'Exim accepts the configuration, and the process that matches this list stops (the panic log says why)';
/** A host list's lookup that Exim cannot make defers the match instead (measured with exim -bh). */
const DEFERS = 'Exim accepts the configuration, and matching this host list defers (an SMTP command it guards gets 451)';

/** What a list rule says of one list: the item it is about and the message, or undefined. */
type ListCheck = (items: string[], list: string, kind: ListKind) => { item: string; message: string } | undefined;

/** Reports, for each written-out list containing `mark` (forEachList()), what `check` finds. */
function checkLists(ctx: RuleContext, mark: string, check: ListCheck, withExpansions = false): void {
  forEachList(
    ctx,
    mark,
    (node, list, kind, active) => {
      const found = check(exactListItems(list), list, kind);
      if (found) ctx.report({ message: found.message, loc: node.valueLoc ?? node.loc, active, data: { item: found.item } });
    },
    withExpansions,
  );
}

const listLookupInvalid: Rule = {
  id: 'list-lookup-invalid',
  defaultSeverity: 'warning',
  title: 'lookup in a list item with a type Exim cannot use',
  check(ctx: RuleContext) {
    checkLists(ctx, ';', (_items, list, kind) => {
      for (const item of splitList(list)) {
        const problem = listItemLookupProblem(item, kind);
        // A file that cannot be opened stops the process in every kind of list (measured);
        // a lookup type a host list cannot use defers instead.
        if (problem) return { item, message: `${problem} in list item "${item}": ${kind === 'host' && !problem.startsWith('failed to open') ? DEFERS : STOPS}` };
      }
      return undefined;
    });
    // A lookup's file named after data of the message (measured: 'Tainted filename for
    // search', then the process dies). The list is expanded first, so this reads lists with "$".
    checkLists(
      ctx,
      '$',
      (_items, list) => {
        // `${if exists{FILE}{lsearch;FILE}{}}`: the list is the string the test picks.
        const parts = ifExistsParts(list);
        const lists = parts ? [list, parts.yes, parts.no ?? ''] : [list];
        for (const item of lists.flatMap((l) => splitList(l))) {
          const semicolon = item.indexOf(';');
          const base = semicolon < 0 ? undefined : fileLookupType(item.slice(0, semicolon).replace(/^!\s*/, ''));
          const file = item.slice(semicolon + 1);
          const variable = base ? taintedVariableIn(file, 0, file.length, taintedAclVariables(ctx.tree)) : undefined;
          if (variable) return { item, message: `the file name of the ${base} lookup in list item "${item}" uses $${variable}${taintSource(ctx.tree, variable).note}, which comes from the message: Exim 4.94 and later refuse it ("Tainted filename for search"), and the process that matches this list stops (the panic log says why)` };
        }
        return undefined;
      },
      true,
    );
  },
};

const listRegexInvalid: Rule = {
  id: 'list-regex-invalid',
  defaultSeverity: 'warning',
  title: 'regular expression list item ("^...") that PCRE2 refuses',
  check(ctx: RuleContext) {
    checkLists(ctx, '^', (_items, list) => {
      for (const item of splitList(list)) {
        const pattern = item.replace(/^!\s*/, '');
        const problem = pattern.startsWith('^') ? regexProblem(pattern) : undefined;
        if (problem) return { item: pattern, message: `regular expression error: ${problem} while compiling ${pattern}: ${STOPS}` };
      }
      return undefined;
    });
  },
};

/** " : " between items, or ":" right after an IPv4 address or network ("192.0.2.0/24: 10.0.0.0/8"). */
const hasColonSeparator = (x: string) => /\s:\s/.test(x) || /(?:^|\s)\d{1,3}(?:\.\d{1,3}){3}(?:\/\d+)?\s*:\s*\S/.test(x);

const listSeparatorMixed: Rule = {
  id: 'list-separator-mixed',
  defaultSeverity: 'warning',
  title: 'list whose separator was changed ("<;") with ":" still used between items',
  check(ctx: RuleContext) {
    checkLists(ctx, '<', (items, list) => {
      const lead = /^\s*<([^\sA-Za-z0-9:])/.exec(list);
      if (!lead) return undefined;
      // A regex or lookup item may hold " : " on purpose.
      const item = items.find((x) => hasColonSeparator(x) && !/^!?\s*\^/.test(x) && !/^!?\s*[\w*@,=-]+;/.test(x));
      if (item === undefined) return undefined;
      return {
        item,
        message: `list item "${item}": this list's separator is "${lead[1]}" (set by "<${lead[1]}"), so ":" does not separate items here; "${item}" is one item, which matches nothing (write "${item.split(/\s*:\s*/).join(` ${lead[1]} `)}")`,
      };
    });
  },
};

/**
 * A host list item that starts with a dot, a habit from other mailers (".example.net" for
 * "the hosts under example.net"): Exim takes it for a host name and looks it up, which fails
 * ('no IP address found for host .example.net'), and the list ends there without a match
 * (measured with exim -bh: "host in ".example.net : 192.0.2.1"? no" for 192.0.2.1).
 */
const hostListLeadingDot: Rule = {
  id: 'host-list-leading-dot',
  defaultSeverity: 'warning',
  title: 'host list item starting with a dot, which Exim looks up as a host name and which ends the list without a match',
  check(ctx: RuleContext) {
    checkLists(ctx, '.', (items, _list, kind) => {
      const at = kind === 'host' ? items.findIndex((x) => /^!?\s*\.[A-Za-z0-9]/.test(x)) : -1;
      if (at < 0) return undefined;
      const item = items[at];
      const name = item.replace(/^!\s*/, '');
      // +ignore_unknown before it skips the failed lookup; +include_unknown makes it a match (measured).
      const unknown = items.slice(0, at).filter((x) => x === '+ignore_unknown' || x === '+include_unknown').pop();
      if (unknown === '+ignore_unknown') return undefined;
      const outcome = unknown === '+include_unknown' ? 'and "+include_unknown" makes that failure a match, for every host' : 'and the list ends there without a match';
      return {
        item,
        message: `host list item "${item}" starts with a dot: Exim looks it up as a host name, which no host has ("no IP address found for host ${name}"), ${outcome}; "*${name}" matches the host names that end in ${name}`,
      };
    });
  },
};

/**
 * A host list item that starts like an IPv4 address (IPV4_LIKE) and is not one, with an
 * optional mask: Exim says 'malformed IPv4 address or address mask' and the list ends there
 * without a match (measured with exim -bh: "192.0.2/24", "10.0.0.0/8 ; 192.0.2.1").
 */
const hostListAddressMalformed: Rule = {
  id: 'host-list-address-malformed',
  defaultSeverity: 'warning',
  title: 'host list item that starts like an IPv4 address but is not one, which ends the list without a match',
  check(ctx: RuleContext) {
    checkLists(ctx, '.', (items, _list, kind) => {
      const item =
        kind === 'host'
          ? items.find((x) => {
              const text = x.replace(/^!\s*/, '');
              return IPV4_LIKE.test(text) && !isIpv4Address(text.replace(/\/\d*$/, ''));
            })
          : undefined;
      if (item === undefined) return undefined;
      const hint = /[;,\s]/.test(item)
        ? ' (items are separated by ":", or by the character after "<" at the start, as in "<; a ; b")'
        : /^!?\s*\d+(?:\.\d+){0,2}(?:\/|$)/.test(item)
          ? ' (an address has four parts, as in 192.0.2.0/24)'
          : '';
      return { item, message: `host list item "${item}" is a malformed IPv4 address or address mask${hint}: the list ends there without a match` };
    });
  },
};

export const listLookupRules: Rule[] = [listLookupInvalid, listRegexInvalid, listSeparatorMixed, hostListLeadingDot, hostListAddressMalformed];
