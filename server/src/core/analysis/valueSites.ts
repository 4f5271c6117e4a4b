/**
 * The values that the expansion and reference rules look at, found in one walk of the tree
 * (in tree order, active or not): values with a "$", which Exim may expand, and values with
 * a "+" and no "$", which may name lists.
 */
import { dequote } from '../util/stringSetting';
import { AclItemNode, AclNode, AclStatementNode, ConfigTree, DriverNode, NamedListNode, OptionNode, RetryRuleNode, RewriteRuleNode } from '../syntax/tree';

export interface ValueSite<N> {
  node: N;
  /** The driver of a driver option (undefined for a main option). */
  driver?: DriverNode;
}

export interface ValueSites {
  /** Main and driver options (a "$" once a quoted value is dequoted), ACL conditions and modifiers and named lists with a "$" in the value; rewrite rules with a "$" in the line. */
  dollar: ValueSite<OptionNode | AclItemNode | NamedListNode | RewriteRuleNode | RetryRuleNode>[];
  /** Main and driver options, ACL conditions and modifiers, and named lists with a "+" and no "$" in the value. */
  plus: ValueSite<OptionNode | AclItemNode | NamedListNode>[];
  /** Every named list definition. */
  namedLists: NamedListNode[];
}

/** Whether an option value has a "$" as Exim reads it: a quoted value may write one as `\x24` or `\044`. */
function hasDollar(value: string): boolean {
  return value.includes('$') || (value.startsWith('"') && value.includes('\\') && dequote(value).text.includes('$'));
}

const cache = new WeakMap<ConfigTree, ValueSites>();

export function valueSites(tree: ConfigTree): ValueSites {
  let sites = cache.get(tree);
  if (sites) return sites;
  const dollar: ValueSites['dollar'] = [];
  const plus: ValueSites['plus'] = [];
  const namedLists: NamedListNode[] = [];
  sites = { dollar, plus, namedLists };
  cache.set(tree, sites);
  for (const section of tree.sections) {
    const main = section.kind === 'main' && !section.begin;
    for (const item of section.items) {
      switch (item.kind) {
        case 'option':
          if (main && item.hasValue) {
            const v = item.value;
            if (hasDollar(v)) dollar.push({ node: item });
            else if (v.includes('+')) plus.push({ node: item });
          }
          break;
        case 'driver':
          for (const o of item.options) {
            if (!o.hasValue) continue;
            const v = o.value;
            if (hasDollar(v)) dollar.push({ node: o, driver: item });
            else if (v.includes('+')) plus.push({ node: o, driver: item });
          }
          break;
        case 'acl':
          for (const st of item.statements) {
            for (const c of st.items) {
              if (!c.hasValue) continue;
              const v = c.value;
              if (v.includes('$')) dollar.push({ node: c });
              else if (v.includes('+')) plus.push({ node: c });
            }
          }
          break;
        case 'namedList':
          namedLists.push(item);
          // A named list is expanded each time it is used.
          if (item.value.includes('$')) dollar.push({ node: item });
          else if (item.value.includes('+')) plus.push({ node: item });
          break;
        case 'rewrite':
          if (item.replacement && item.line.text.includes('$')) dollar.push({ node: item });
          break;
        case 'retry':
          // The pattern is matched as a list item, expanded first ("^.*$" fails to expand).
          if (item.pattern.text.includes('$')) dollar.push({ node: item });
          break;
      }
    }
  }
  return sites;
}

/** An ACL condition or modifier with the statement and ACL it belongs to. */
export interface AclItemSite {
  item: AclItemNode;
  statement: AclStatementNode;
  acl: AclNode;
}

const aclItemCache = new WeakMap<ConfigTree, Map<string, AclItemSite[]>>();

/** The ACL conditions and modifiers of the tree by name, found in one walk (for rules that look at a few names). */
export function aclItemsNamed(tree: ConfigTree, name: string): readonly AclItemSite[] {
  let index = aclItemCache.get(tree);
  if (!index) {
    index = new Map();
    aclItemCache.set(tree, index);
    for (const section of tree.sections) {
      if (section.kind !== 'acl') continue;
      for (const acl of section.items) {
        if (acl.kind !== 'acl') continue;
        for (const statement of acl.statements) {
          for (const item of statement.items) {
            let list = index.get(item.name);
            if (!list) index.set(item.name, (list = []));
            list.push({ item, statement, acl });
          }
        }
      }
    }
  }
  return index.get(name) ?? [];
}
