/**
 * Lookups written as list items (`domains = lsearch;/etc/exim4/domains`, `hosts =
 * net24-lsearch;...`) name a lookup type that Exim checks only when it matches the list.
 * Measured with Exim 4.96: `exim -bV` accepts an unknown type, and matching then logs
 * 'unknown lookup type' to the panic log and stops the process (an SMTP session ends with
 * no answer; `exim -bt` dies).
 */
import { AclItemNode, NamedListNode, OptionNode, mainOptions } from '../../syntax/tree';
import { ListKind, listItemLookupProblem } from '../../syntax/lookupType';
import { splitList } from '../../util/lists';
import { stringSetting } from '../../util/stringSetting';
import { OptionInfo } from '../../options';
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

function check(ctx: RuleContext, node: OptionNode | NamedListNode | AclItemNode, list: string, kind: ListKind, active: boolean): void {
  // An expanded list is looked at after expansion, which is not this text.
  if (!list.includes(';') || list.includes('$')) return;
  for (const item of splitList(list)) {
    const problem = listItemLookupProblem(item, kind);
    if (!problem) continue;
    ctx.report({
      message: `${problem} in list item "${item}": Exim accepts the configuration, and the process that matches this list stops (the panic log says why)`,
      loc: node.valueLoc ?? node.loc,
      active,
      data: { item },
    });
    return;
  }
}

const listLookupInvalid: Rule = {
  id: 'list-lookup-invalid',
  defaultSeverity: 'warning',
  title: 'lookup in a list item with a type Exim cannot use',
  check(ctx: RuleContext) {
    for (const list of valueSites(ctx.tree).namedLists) check(ctx, list, stringSetting(list.value), NAMED_LIST_KINDS[list.listType], list.active);
    for (const option of mainOptions(ctx.tree)) {
      const kind = option.hasValue && option.value.includes(';') ? optionListKind(ctx.model.resolve(option, 'main').info) : undefined;
      if (kind) check(ctx, option, stringSetting(option.value), kind, option.active);
    }
    const { drivers, resolved } = ctx.model.optionTable();
    for (let k = 0; k < drivers.length; k++) {
      const options = drivers[k].options;
      for (let i = 0; i < options.length; i++) {
        const kind = options[i].hasValue && options[i].value.includes(';') ? optionListKind(resolved[k][i].info) : undefined;
        if (kind) check(ctx, options[i], stringSetting(options[i].value), kind, options[i].active);
      }
    }
    // An ACL item keeps its quotes.
    for (const [name, kind] of ACL_LIST_KINDS) {
      for (const { item } of aclItemsNamed(ctx.tree, name)) if (item.hasValue) check(ctx, item, item.value, kind, item.active);
    }
  },
};

export const listLookupRules: Rule[] = [listLookupInvalid];
