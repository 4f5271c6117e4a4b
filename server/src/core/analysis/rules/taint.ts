/**
 * Tainted data where Exim 4.94 and later refuse it. Values that come from the message
 * (`$local_part`, `$domain`, the sender's address: util/taint.ts) are tainted; a router's
 * check or lookup sets untainted copies (`$local_part_data`, `$domain_data`). `exim -bV`
 * accepts them all; measured with deliveries in a spool of their own:
 *  - an appendfile `file` or `directory`: 'Tainted '/var/mail/bob' (file or directory name
 *    for t transport) not permitted', every delivery defers (unless create_file names a
 *    directory above it, which de-taints the path);
 *  - a pipe `command` argument (without use_shell): 'Tainted arg 2 for t transport command',
 *    the address fails and the message bounces;
 *  - a redirect router's `file`: 'Tainted name ... for file read not permitted', every address
 *    the router sees defers;
 *  - the file name of a single-key lookup (lsearch, cdb, dbm ...): 'Tainted filename for
 *    search', the lookup fails and the panic log says so (a router condition built on it
 *    makes every address unrouteable).
 */
import { OptionNode } from '../../syntax/tree';
import { stringSetting } from '../../util/stringSetting';
import { taintedVariableIn } from '../../util/taint';
import { Rule, RuleContext } from '../types';
import { detaintedByCreateFile } from './deliveryValues';
import { scanned } from './expansions';

/** The untainted copy a router sets, where there is one. */
function untaintedCopy(variable: string): string {
  return variable === 'local_part' || variable === 'domain' ? `$${variable}_data, which a router's check or lookup sets` : 'a value a router\'s check or lookup sets (such as $local_part_data)';
}

const taintedData: Rule = {
  id: 'tainted-data',
  defaultSeverity: 'warning',
  title: 'data from the message ($local_part, $domain) where Exim 4.94 and later refuse it: a mailbox path, a pipe argument, a redirect file, a lookup file name',
  check(ctx: RuleContext) {
    const report = (node: OptionNode, variable: string, effect: string, extra: Record<string, unknown>) =>
      ctx.report({
        message: `${node.word} = ${stringSetting(node.value)} uses $${variable}, which comes from the message: ${effect}; use ${untaintedCopy(variable)}`,
        loc: node.valueLoc ?? node.wordLoc,
        active: node.active,
        data: { option: node.word, variable, ...extra },
      });
    const setting = (node: OptionNode | undefined): string | undefined => (node && node.hasValue ? stringSetting(node.value) : undefined);

    if (ctx.model.mayHaveOption('file') || ctx.model.mayHaveOption('directory') || ctx.model.mayHaveOption('command')) {
      for (const t of ctx.model.activeDrivers('transports')) {
        if (t.driverName === 'appendfile') {
          const create = setting(ctx.model.optionNode(t, 'create_file'));
          for (const name of ['file', 'directory']) {
            const node = ctx.model.optionNode(t, name);
            const value = setting(node);
            if (!node || value === undefined || !value.startsWith('/') && !value.startsWith('$')) continue;
            const variable = detaintedByCreateFile(value, create) ? undefined : taintedVariableIn(value);
            if (variable) report(node, variable, `Exim 4.94 and later refuse a tainted file or directory name ('Tainted ... not permitted') and defer every delivery through ${t.name} transport`, { transport: t.name });
          }
        } else if (t.driverName === 'pipe' && ctx.model.booleanOption(t, 'use_shell') !== true) {
          const node = ctx.model.optionNode(t, 'command');
          const value = setting(node);
          const variable = value === undefined ? undefined : taintedVariableIn(value);
          if (node && variable) report(node, variable, `Exim 4.94 and later refuse a tainted argument ('Tainted arg N for ${t.name} transport command'), and every delivery through ${t.name} transport fails: the message bounces`, { transport: t.name });
        }
      }
      for (const r of ctx.model.activeDrivers('routers')) {
        if (r.driverName !== 'redirect') continue;
        const node = ctx.model.optionNode(r, 'file');
        const value = setting(node);
        const variable = value === undefined ? undefined : taintedVariableIn(value);
        if (node && variable) report(node, variable, `Exim 4.94 and later refuse to read a file by a tainted name ('Tainted name ... for file read not permitted'), and the ${r.name} router defers every address it sees`, { router: r.name });
      }
    }

    for (const t of scanned(ctx)) {
      for (const p of t.problems) {
        if (p.kind !== 'tainted') continue;
        ctx.report({ message: p.message, loc: t.line.locate(t.offset + p.start, t.offset + p.end), active: t.active });
      }
    }
  },
};

export const taintRules: Rule[] = [taintedData];
