/**
 * Rewrite rules as Exim's readconf_one_rewrite() reads them: a pattern, a replacement
 * (quoted when it contains white space) and flag letters. Exim 4.96 knows the flags
 * `bcfhqrstwEFQRT` and `S` (only on a regular expression); anything else stops it with
 * "unknown rewrite flag character". Measured by trying every letter with the binary.
 */
import { driversOf, rewriteRulesOf } from '../../syntax/tree';
import { exactListItems } from '../../util/lists';
import { dequote, stringSetting } from '../../util/stringSetting';
import { Rule } from '../types';
import { mentionsMacro } from './values';

export const REWRITE_FLAGS = 'bcfhqrstwEFQRTS';

const isSpace = (c: string | undefined): boolean => c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f' || c === '\v';

function skipItem(text: string, p: number): number {
  if (text[p] !== '"') {
    while (p < text.length && !isSpace(text[p])) p++;
    return p;
  }
  p++;
  while (p < text.length && text[p] !== '"') p += text[p] === '\\' ? 2 : 1;
  return Math.min(p + 1, text.length);
}

export interface RewriteProblem {
  message: string;
  at: number;
}

/** Checks the flags of one rewrite rule line; undefined when Exim accepts them. */
export function checkRewriteLine(text: string, missingReplacement = false): RewriteProblem | undefined {
  let p = skipItem(text, 0);
  // Exim dequotes the key before it looks for "^" or "\N^": "\x5Ea" is "^a".
  const key = text.startsWith('"') ? dequote(text.slice(0, p)).text : text.slice(0, p);
  while (isSpace(text[p])) p++;
  // In the rewrite section the parser reports a missing replacement.
  if (p >= text.length) return missingReplacement ? { message: 'missing rewrite replacement string', at: 0 } : undefined;
  p = skipItem(text, p);
  for (; p < text.length; p++) {
    const c = text[p];
    if (c === ' ' || c === '\t') continue;
    if (c === 'S') {
      if (!key.startsWith('^') && !key.startsWith('\\N^')) return { message: 'rewrite rule has the S flag but is not a regular expression', at: p };
      continue;
    }
    if (!REWRITE_FLAGS.includes(c)) return { message: `unknown rewrite flag character '${c}' (could be missing quotes round replacement item)`, at: p };
  }
  return undefined;
}

const rewriteFlags: Rule = {
  id: 'rewrite-flag',
  defaultSeverity: 'error',
  title: 'rewrite rule with a flag letter Exim does not know',
  check(ctx) {
    for (const rule of rewriteRulesOf(ctx.tree)) {
      const problem = checkRewriteLine(rule.line.text);
      if (!problem) continue;
      ctx.report({ message: problem.message, loc: rule.line.locate(problem.at, problem.at + 1), active: rule.active });
    }
  },
};

/**
 * A transport's headers_rewrite is a list of rewrite rules, read when Exim loads the
 * configuration, with header flags only (no E, F, T or S at transport time).
 */
const headersRewrite: Rule = {
  id: 'rewrite-headers-option',
  defaultSeverity: 'error',
  title: 'headers_rewrite with a rule Exim cannot read or that rewrites the envelope',
  check(ctx) {
    if (!ctx.model.mayHaveOption('headers_rewrite')) return;
    for (const t of driversOf(ctx.tree, 'transports')) {
      for (const o of t.options) {
        if (o.word !== 'headers_rewrite' || !o.hasValue || (!o.active && mentionsMacro(o.value))) continue;
        const where = o.valueLoc ?? o.wordLoc;
        const report = (message: string) => ctx.report({ message, loc: where, active: o.active });
        const value = stringSetting(o.value);
        let envelope = false;
        let problem: RewriteProblem | undefined;
        // Every item is a rule, an empty one too (": a b" is a rule with no replacement).
        for (const rule of exactListItems(value)) {
          problem = checkRewriteLine(rule, true);
          if (problem) break;
          const flags = rule.replace(/^("(?:[^"\\]|\\.)*"|\S+)\s+("(?:[^"\\]|\\.)*"|\S+)/, '');
          if (/[EFTS]/.test(flags)) envelope = true;
        }
        if (problem) report(`${problem.message} (in headers_rewrite of transport ${t.name})`);
        else if (envelope) report('rewrite rule specifies a non-header rewrite - not allowed at transport time -');
      }
    }
  },
};

export const rewriteRulesList: Rule[] = [rewriteFlags, headersRewrite];
