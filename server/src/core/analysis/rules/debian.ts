/**
 * Debian's update-exim4.conf.conf (debianMacros.ts): a line there that starts with an
 * upper-case letter becomes a macro with its value as written. The shell that reads the file
 * removes quotes, update-exim4.conf does not (measured: `MAIN_QUALIFY_DOMAIN='.net'` gives
 * `qualify_domain = '.net'`, and Exim writes `From: root <root@'.net'>`).
 */
import { Rule, RuleContext } from '../types';

const debianMacroQuoted: Rule = {
  id: 'debian-macro-quoted',
  defaultSeverity: 'warning',
  title: "macro line of Debian's update-exim4.conf.conf whose quotes become part of the macro's value",
  check(ctx: RuleContext) {
    const generated = new Set(ctx.tree.files.filter((f) => f.generated).map((f) => f.path));
    if (generated.size === 0) return;
    // `.ifdef NAME` lines find the macro too (Exim tests whether one was replaced there),
    // but only whether it is defined matters to them.
    const directiveLines = new Set(ctx.tree.directives.map((d) => `${d.loc.file}\n${d.loc.range.start.line}`));
    for (const def of ctx.tree.macros) {
      const quote = def.value[0];
      if (!generated.has(def.nameLoc.file) || (quote !== "'" && quote !== '"') || !def.value.endsWith(quote) || def.value.length < 2) continue;
      // Only a macro whose value is used: `.ifdef NAME` tests only that it is defined.
      if (!ctx.tree.macroUses.some((u) => u.definition === def && !directiveLines.has(`${u.loc.file}\n${u.loc.range.start.line}`))) continue;
      const bare = def.value.slice(1, -1);
      ctx.report({
        message: `update-exim4.conf makes this line the macro ${def.name} with its value as written, quotes included: ${def.name} is ${def.value}, not ${bare}; write ${def.name}=${bare} without quotes, or define the macro in the configuration`,
        loc: def.nameLoc,
        active: def.active,
        data: { macro: def.name },
      });
    }
  },
};

export const debianRules: Rule[] = [debianMacroQuoted];
