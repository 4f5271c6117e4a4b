/**
 * ACL variables that carry data of the message (and $authenticated_id, when server_set_id
 * takes the client's AUTH data): `set acl_m_id = ${lc:$sender_address}` makes
 * $acl_m_id as tainted as $sender_address (measured with Exim 4.96: a readfile of a name
 * built from it gives "Tainted filename" in an ACL, and an appendfile file named with it
 * "Tainted ... not permitted" at delivery, as the value goes with the message through the
 * spool). Read without flow: one tainting `set` anywhere taints the variable everywhere.
 */
import { Location } from '../syntax/source';
import { AclItemNode, ConfigTree } from '../syntax/tree';
import { taintedVariableIn, unquotedTaintedReferences } from '../util/taint';
import { aclItemsNamed } from './valueSites';

export interface TaintedAclVariable {
  /** The variable (or ACL variable) its value comes from. */
  from: string;
  /** The `set` that taints it. */
  loc: Location;
  /**
   * The data of the message in it went through a lookup's quote operator
   * (`set acl_c_q = cn=${quote_ldap_dn:$sender_address}`): Exim 4.96 remembers that, and an
   * ldap query with $acl_c_q in it is not "not properly quoted" (measured).
   */
  quoted: boolean;
}

/** In an authenticator, $1-$3 are the client's AUTH data too ($auth1-$auth3). */
export const AUTH_NUMBERED: ReadonlyMap<string, { from: string; quoted: boolean }> = new Map(['1', '2', '3'].map((n) => [n, { from: `auth${n}`, quoted: false }]));

/** A lookup's quote operator (quote_mysql, quote_ldap_dn ...); ${quote:...} is not one. */
const LOOKUP_QUOTERS = { has: (name: string) => name.startsWith('quote_') };

/**
 * The variable an ACL `set` writes, and its offset in the item's line: acl_c or acl_m, then a
 * digit or an underscore (Exim 4.96), before the "=".
 */
export function aclSetVariable(item: AclItemNode): { name: string; offset: number } | undefined {
  if (item.name !== 'set') return undefined;
  const m = /^(\s*)(acl_[cm][0-9_][A-Za-z0-9_]*)(?=\s*=)/.exec(item.line.text.slice(item.nameOffset + 3));
  return m ? { name: m[2], offset: item.nameOffset + 3 + m[1].length } : undefined;
}

const cache = new WeakMap<ConfigTree, ReadonlyMap<string, TaintedAclVariable>>();

export function taintedAclVariables(tree: ConfigTree): ReadonlyMap<string, TaintedAclVariable> {
  let found = cache.get(tree);
  if (found) return found;
  const tainted = new Map<string, TaintedAclVariable>();
  const sets: { name: string; value: string; loc: Location }[] = [];
  for (const { item } of aclItemsNamed(tree, 'set')) {
    if (!item.active || !item.hasValue || !item.value.includes('$')) continue;
    const name = aclSetVariable(item)?.name;
    if (name) sets.push({ name, value: item.value, loc: item.nameLoc });
  }
  // $authenticated_id is what an authenticator's server_set_id made of the client's AUTH data
  // ($auth1-$auth3, or $1-$3 there): measured, a readfile named from it in an ACL answers 451.
  for (const section of tree.sections) {
    if (section.kind !== 'authenticators') continue;
    for (const driver of section.items) {
      if (driver.kind !== 'driver' || !driver.active || tainted.has('authenticated_id')) continue;
      const set = driver.options.find((o) => o.active && o.word === 'server_set_id' && o.hasValue);
      const from = set && taintedVariableIn(set.value, 0, set.value.length, AUTH_NUMBERED);
      const quoted = set !== undefined && from !== undefined && unquotedTaintedReferences(set.value, 0, set.value.length, LOOKUP_QUOTERS, AUTH_NUMBERED).length === 0;
      if (from) tainted.set('authenticated_id', { from: /^\d$/.test(from) ? `auth${from}` : from, loc: set.wordLoc, quoted });
    }
  }
  // A variable set from another tainted one is tainted too. Worklist: a set is read again
  // only when a variable it mentions changes (a long chain of sets stays linear).
  const mentioning = new Map<string, number[]>();
  sets.forEach((set, i) => {
    for (const m of new Set(set.value.match(/acl_[cm][0-9_][A-Za-z0-9_]*/g) ?? [])) {
      const list = mentioning.get(m);
      if (list) list.push(i);
      else mentioning.set(m, [i]);
    }
  });
  const again = (name: string, queue: number[]) => {
    for (const i of mentioning.get(name) ?? []) queue.push(i);
  };
  const queue = sets.map((_, i) => i);
  while (queue.length > 0) {
    const set = sets[queue.pop()!];
    if (tainted.has(set.name)) continue;
    const from = taintedVariableIn(set.value, 0, set.value.length, tainted.size ? tainted : undefined);
    if (!from) continue;
    tainted.set(set.name, { from, loc: set.loc, quoted: true });
    again(set.name, queue);
  }
  // Unquoted: some data of the message reaches it outside a lookup's quote operator.
  const unquoted = { has: (name: string) => tainted.get(name)?.quoted === false };
  const recheck = tainted.size > 0 ? sets.map((_, i) => i) : [];
  while (recheck.length > 0) {
    const set = sets[recheck.pop()!];
    const variable = tainted.get(set.name);
    if (!variable?.quoted || unquotedTaintedReferences(set.value, 0, set.value.length, LOOKUP_QUOTERS, unquoted).length === 0) continue;
    variable.quoted = false;
    again(set.name, recheck);
  }
  found = tainted;
  cache.set(tree, found);
  return found;
}

/**
 * For a finding about `name`: " (set from $sender_address)" and where, when the
 * name is such a variable; an empty note otherwise.
 */
export function taintSource(tree: ConfigTree, name: string | undefined): { note: string; related?: { loc: Location; message: string }[] } {
  const source = name === undefined ? undefined : taintedAclVariables(tree).get(name);
  if (!source) return { note: '' };
  return { note: ` (set from $${source.from})`, related: [{ loc: source.loc, message: `$${name} is set from $${source.from} here` }] };
}
