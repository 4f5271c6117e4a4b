/**
 * ACL statements as Exim's acl_read() reads them (exim -bV refuses what these rules
 * report, on the same line): the verb, then conditions and modifiers, each a name Exim
 * knows, modifiers not negated, `endpass` only with accept or discard, `set` only for
 * acl_c/acl_m variables. A misspelt verb on a continuation line is, for Exim, an unknown
 * condition ("unknown ACL condition/modifier in ..."). Names: exim-acl.json, from the binary.
 */
import { ACL_VERBS } from '../../syntax/parser';
import { AclItemNode, AclStatementNode, UnknownLineNode } from '../../syntax/tree';
import { ACL_CONDITION_NAMES, aclCondition } from '../../syntaxData';
import { suggest } from '../../util/suggest';
import { Fix, Rule, RuleContext } from '../types';
import { Location } from '../../syntax/source';

function renameFixes(loc: Location, names: string[]): Fix[] {
  return names.map((n, i) => ({ title: `Change to "${n}"`, edits: [{ file: loc.file, range: loc.range, newText: n }], ...(i === 0 ? { isPreferred: true } : {}) }));
}

function dym(names: string[]): string {
  return names.length ? `; did you mean ${names.map((n) => `"${n}"`).join(' or ')}?` : '';
}

function forEachStatement(ctx: RuleContext, fn: (statement: AclStatementNode) => void): void {
  for (const section of ctx.tree.sections) {
    if (section.kind !== 'acl') continue;
    for (const item of section.items) if (item.kind === 'acl') item.statements.forEach(fn);
  }
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
          message: `error in ACL: unknown ACL verb "${word}" in "${node.line.text}"${dym(suggestions)}`,
          loc,
          active: node.active,
          data: { word, suggestions },
          fixes: renameFixes(loc, suggestions),
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
    forEachStatement(ctx, (statement) => {
      for (const item of statement.items) {
        if (aclCondition(item.name)) continue;
        const candidates = startsContinuation(statement, item) ? [...ACL_CONDITION_NAMES, ...ACL_VERBS] : ACL_CONDITION_NAMES;
        const suggestions = suggest(item.name, candidates);
        ctx.report({
          message: `error in ACL: unknown ACL condition/modifier in "${item.line.text}": "${item.name}" is not an ACL condition or modifier${dym(suggestions)}`,
          loc: item.nameLoc,
          active: item.active,
          data: { name: item.name, suggestions },
          fixes: renameFixes(item.nameLoc, suggestions),
        });
      }
    });
  },
};

const modifierUse: Rule = {
  id: 'acl-modifier-misuse',
  defaultSeverity: 'error',
  title: 'negated ACL modifier, "endpass" with a verb other than accept or discard, or "set" of a variable that is not acl_c/acl_m',
  check(ctx) {
    forEachStatement(ctx, (statement) => {
      for (const item of statement.items) {
        const info = aclCondition(item.name);
        if (!info) continue;
        if (item.negated && info.modifier) {
          ctx.report({ message: `error in ACL: ACL error: negation is not allowed with "${item.name}"`, loc: item.nameLoc, active: item.active });
          continue;
        }
        if (item.name === 'endpass' && statement.verb !== 'accept' && statement.verb !== 'discard') {
          ctx.report({ message: `error in ACL: ACL error: "endpass" is not allowed with "${statement.verb}"`, loc: item.nameLoc, active: item.active });
          continue;
        }
        if (item.name === 'set') {
          const problem = setVariableProblem(item);
          if (problem) ctx.report({ message: problem.message, loc: problem.loc, active: item.active });
        }
      }
    });
  },
};

/** Exim's checks of the variable name after "set". */
function setVariableProblem(item: AclItemNode): { message: string; loc: Location } | undefined {
  const text = item.line.text;
  let s = item.nameOffset + 3;
  while (s < text.length && /\s/.test(text[s])) s++;
  const rest = text.slice(s);
  let end = s;
  while (end < text.length && text[end] !== '=' && !/\s/.test(text[end])) end++;
  const loc = item.line.locate(s, Math.max(end, s + 1));
  const what = `in ACL modifier "set ${rest}"`;
  if (/^dkim_verify_(status|reason)/.test(rest)) {
    return /^dkim_verify_(status|reason)[A-Za-z0-9]/.test(rest)
      ? { message: `error in ACL: invalid variable name after "set" ${what} (only "dkim_verify_status" or "dkim_verify_reason" permitted)`, loc }
      : undefined;
  }
  if (!rest.startsWith('acl_c') && !rest.startsWith('acl_m')) return { message: `error in ACL: invalid variable name after "set" ${what} (must start "acl_c" or "acl_m")`, loc };
  if (!/^[0-9_]/.test(rest.slice(5))) return { message: `error in ACL: invalid variable name after "set" ${what} (digit or underscore must follow acl_c or acl_m)`, loc };
  for (let i = s + 5; i < end; i++) {
    if (!/[A-Za-z0-9_]/.test(text[i])) return { message: `error in ACL: invalid character "${text[i]}" in variable name in ACL modifier "set ${rest}"`, loc: item.line.locate(i, i + 1) };
  }
  return undefined;
}

export const aclSyntaxRules: Rule[] = [unknownVerb, unknownCondition, modifierUse];
