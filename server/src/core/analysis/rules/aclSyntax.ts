/**
 * ACL statements as Exim's acl_read() reads them (exim -bV refuses what these rules
 * report, on the same line): the verb, then conditions and modifiers, each a name Exim
 * knows, modifiers not negated, `endpass` only with accept or discard, `set` only for
 * acl_c/acl_m variables. A misspelt verb on a continuation line is, for Exim, an unknown
 * condition ("unknown ACL condition/modifier in ..."). Names: exim-acl.json, from the binary.
 */
import { changeToFixes } from '../../fixes/edits';
import { ACL_VERBS } from '../../syntax/parser';
import { AclItemNode, AclStatementNode, UnknownLineNode } from '../../syntax/tree';
import { ACL_CONDITION_NAMES, aclCondition } from '../../syntaxData';
import { suggest } from '../../util/suggest';
import { Rule, RuleContext } from '../types';
import { Location } from '../../syntax/source';
import { isSpaceCode } from '../../util/lists';
// Exim reads verbs and condition names into its 64-byte buffer too, before it looks them up.
import { itemNameTooLong } from './structure';

function dym(names: string[]): string {
  return names.length ? `; did you mean ${names.map((n) => `"${n}"`).join(' or ')}?` : '';
}

const unknownVerb: Rule = {
  id: 'acl-unknown-verb',
  defaultSeverity: 'error',
  title: 'unknown ACL verb',
  check(ctx) {
    for (const section of ctx.tree.sections) {
      if (section.kind !== 'acl') continue;
      for (const item of section.items) {
        if (item.kind !== 'unknown' || item.reason !== 'acl-unknown-verb') continue;
        const node = item as UnknownLineNode;
        const word = node.word ?? '';
        const suggestions = word ? suggest(word, ACL_VERBS) : [];
        const loc = node.wordLoc ?? node.loc;
        ctx.report({
          message: itemNameTooLong(word) ?? `error in ACL: unknown ACL verb "${word}" in "${node.line.text}"${dym(suggestions)}`,
          loc,
          active: node.active,
          data: { word, suggestions },
          fixes: changeToFixes(loc, suggestions),
        });
      }
    }
  },
};

/** Whether the item is the first word of a line that has no verb (so it may be a misspelt verb). */
function startsContinuation(statement: AclStatementNode, item: AclItemNode): boolean {
  return item.line !== statement.line && /^!?\s*$/.test(item.line.text.slice(0, item.nameOffset));
}

const unknownCondition: Rule = {
  id: 'acl-unknown-condition',
  defaultSeverity: 'error',
  title: 'ACL condition or modifier that Exim does not know (or a misspelt verb on a continuation line)',
  check(ctx) {
    const { items, statements, infos, unknown } = ctx.model.aclItems();
    if (unknown === 0) return;
    for (let k = 0; k < items.length; k++) if (infos[k] === undefined) reportUnknown(ctx, statements[k], items[k]);
  },
};

function reportUnknown(ctx: RuleContext, statement: AclStatementNode, item: AclItemNode): void {
  const candidates = startsContinuation(statement, item) ? [...ACL_CONDITION_NAMES, ...ACL_VERBS] : ACL_CONDITION_NAMES;
  const suggestions = suggest(item.name, candidates);
  ctx.report({
    message: itemNameTooLong(item.name) ?? `error in ACL: unknown ACL condition/modifier in "${item.line.text}": "${item.name}" is not an ACL condition or modifier${dym(suggestions)}`,
    loc: item.nameLoc,
    active: item.active,
    data: { name: item.name, suggestions },
    fixes: changeToFixes(item.nameLoc, suggestions),
  });
}

const ENDPASS = aclCondition('endpass');
const SET = aclCondition('set');

const modifierUse: Rule = {
  id: 'acl-modifier-misuse',
  defaultSeverity: 'error',
  title: 'negated ACL modifier, "endpass" with a verb other than accept or discard, or "set" of a variable that is not acl_c/acl_m',
  check(ctx) {
    const { items, statements, infos } = ctx.model.aclItems();
    for (let k = 0; k < items.length; k++) {
      const info = infos[k];
      if (info === undefined || (!info.modifier && info !== ENDPASS && info !== SET)) continue;
      const item = items[k];
      if (info.modifier && item.negated) {
        ctx.report({ message: `error in ACL: ACL error: negation is not allowed with "${item.name}"`, loc: item.nameLoc, active: item.active });
      } else if (info === ENDPASS) {
        const verb = statements[k].verb;
        if (verb !== 'accept' && verb !== 'discard') ctx.report({ message: `error in ACL: ACL error: "endpass" is not allowed with "${verb}"`, loc: item.nameLoc, active: item.active });
      } else if (info === SET) {
        const problem = setVariableProblem(item);
        if (problem) ctx.report({ message: problem.message, loc: problem.loc, active: item.active });
      }
    }
  },
};

const isWordCode = (c: number): boolean => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;

/** A problem with the variable name text[start, end) after "set". */
function badName(item: AclItemNode, start: number, end: number, why: string): { message: string; loc: Location } {
  return {
    message: `error in ACL: invalid variable name after "set" in ACL modifier "set ${item.line.text.slice(start)}" (${why})`,
    loc: item.line.locate(start, Math.max(end, start + 1)),
  };
}

/** Exim's checks of the variable name after "set". */
function setVariableProblem(item: AclItemNode): { message: string; loc: Location } | undefined {
  const text = item.line.text;
  let s = item.nameOffset + 3;
  while (s < text.length && isSpaceCode(text.charCodeAt(s))) s++;
  let end = s;
  while (end < text.length && text.charCodeAt(end) !== 61 /* = */ && !isSpaceCode(text.charCodeAt(end))) end++;
  if (text.startsWith('dkim_verify_status', s) || text.startsWith('dkim_verify_reason', s)) {
    const next = text.charCodeAt(s + 18);
    return isWordCode(next) && next !== 95 ? badName(item, s, end, 'only "dkim_verify_status" or "dkim_verify_reason" permitted') : undefined;
  }
  if (!text.startsWith('acl_c', s) && !text.startsWith('acl_m', s)) return badName(item, s, end, 'must start "acl_c" or "acl_m"');
  const c = text.charCodeAt(s + 5);
  if (!((c >= 48 && c <= 57) || c === 95)) return badName(item, s, end, 'digit or underscore must follow acl_c or acl_m');
  for (let i = s + 5; i < end; i++) {
    if (!isWordCode(text.charCodeAt(i))) return { message: `error in ACL: invalid character "${text[i]}" in variable name in ACL modifier "set ${text.slice(s)}"`, loc: item.line.locate(i, i + 1) };
  }
  return undefined;
}

export const aclSyntaxRules: Rule[] = [unknownVerb, unknownCondition, modifierUse];
