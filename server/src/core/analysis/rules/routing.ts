/**
 * Router options Exim reads when it routes, not when it loads the configuration (measured
 * with Exim 4.96: `exim -bV` accepts them).
 *  - manualroute's route_list and route_data: after the hosts of a rule come option words
 *    (byname, randomize, ...) or a transport's name; any other word defers every address the
 *    rule matches ("unknown routing option or transport name"). The usual causes are a host
 *    list with white space that is not quoted (`a : b` leaves ": b" as options) and a
 *    "# comment" after the value.
 *  - `set`: variable names and the ";" list, read when the router runs.
 *  - `user` given as a number: a user name brings its group from the password file, a
 *    number does not, and without `group` every address the router handles is deferred
 *    ("user set without group for r router"; transports are refused by -bV for this).
 */
import { OptionNode } from '../../syntax/tree';
import { expansionProblems, literalTextOutsideReferences } from '../../syntax/expansion';
import { exactListItems } from '../../util/lists';
import { readRouteRule, routeListRules, unknownRouteOption } from '../../util/routeList';
import { stringSetting } from '../../util/stringSetting';
import { Rule, RuleContext } from '../types';

const OPTION_WORD = '(?:byname|bydns|randomize|no_randomize|ipv4_prefer|ipv4_only)';
const ONE_RULE_LIST = new RegExp(`^[^\\s;"]+[ \\t]+[^\\s;"]+(?:[ \\t]+${OPTION_WORD})?[ \\t]*$`);
const ONE_RULE_DATA = new RegExp(`^[^\\s;"]+(?:[ \\t]+${OPTION_WORD})?[ \\t]*$`);

function why(text: string): string {
  if (text.startsWith('#')) return ' ("#" starts a comment only at the start of a line)';
  if (text.startsWith(':')) return ' (a host list with white space in it must be quoted: "a : b")';
  return '';
}

const routeOptionUnknown: Rule = {
  id: 'route-option-unknown',
  defaultSeverity: 'warning',
  title: 'manualroute rule with a word after its hosts that is neither a routing option nor a transport',
  check(ctx: RuleContext) {
    let transports: Set<string> | undefined;
    for (const router of ctx.model.activeDrivers('routers')) {
      if (router.driverName !== 'manualroute') continue;
      for (const [option, withDomains] of [['route_list', true], ['route_data', false]] as const) {
        const node: OptionNode | undefined = ctx.model.optionNode(router, option);
        // Expanded or quoted values are not read here: what Exim routes with is not this text.
        if (!node || !node.hasValue || node.value.includes('$') || node.value.startsWith('"')) continue;
        const text = node.value;
        // The common case, one rule with one option or none, needs no further reading.
        if ((withDomains ? ONE_RULE_LIST : ONE_RULE_DATA).test(text)) continue;
        const rules = withDomains ? routeListRules(text) : [{ from: 0, to: text.length }];
        for (const { from, to } of rules) {
          const rule = readRouteRule(text, from, to, withDomains);
          if (!rule) continue;
          transports ??= new Set(ctx.model.activeDrivers('transports').map((t) => t.name));
          const bad = unknownRouteOption(text, rule, transports);
          if (!bad) continue;
          ctx.report({
            message: `unknown routing option or transport name "${bad.text}" in ${option} of ${router.name} router${why(bad.text)}: Exim accepts the configuration, but defers every address this rule routes`,
            loc: node.line.locate(node.valueOffset + bad.start, node.valueOffset + bad.end),
            data: { option, word: bad.text },
          });
        }
      }
    }
  },
};

/**
 * Why Exim cannot carry out one item of a router's `set` (a ";"-separated list of
 * `r_name = value`), or undefined. Measured with Exim 4.96: names are not expanded, and one
 * that does not start with "r_" and go on after it is "bad router variable name"; the list
 * is split before each value is expanded, so a ";" inside an expansion cuts it in two.
 */
export function routerVariableProblem(item: string): string | undefined {
  const eq = item.indexOf('=');
  const name = (eq < 0 ? item : item.slice(0, eq)).trim();
  if (!name.startsWith('r_') || name.length < 3) return `bad router variable name '${name}'`;
  if (eq >= 0) {
    const problem = expansionProblems(item.slice(eq + 1).trim()).find((p) => p.kind === 'syntax');
    if (problem) return `the expansion of '${item}' fails (${problem.message})`;
  }
  return undefined;
}

const routerVariableInvalid: Rule = {
  id: 'router-variable-invalid',
  defaultSeverity: 'warning',
  title: 'router "set" item whose name does not start with r_, or whose value is cut by a ";" inside an expansion',
  check(ctx: RuleContext) {
    if (!ctx.model.mayHaveOption('set')) return;
    for (const router of ctx.model.activeDrivers('routers')) {
      const node = ctx.model.optionNode(router, 'set');
      if (!node || !node.hasValue) continue;
      const text = stringSetting(node.value);
      // A value that is wrong as a whole is expansion-syntax's to report.
      const whole = expansionProblems(text).some((p) => p.kind === 'syntax');
      for (const item of exactListItems(text, 59 /* ; */)) {
        if (item === '') continue;
        const problem = routerVariableProblem(item);
        if (!problem || (whole && !problem.startsWith('bad'))) continue;
        const at = node.value.indexOf(item);
        const loc = at >= 0 && !node.value.startsWith('"') ? node.line.locate(node.valueOffset + at, node.valueOffset + at + item.length) : node.valueLoc ?? node.wordLoc;
        const hint = problem.startsWith('bad') ? ' (router variables are named r_something)' : ' (a ";" inside an expansion ends the item: write ";;" or choose another separator with "<")';
        ctx.report({
          message: `${problem} in router '${router.name}'${hint}: Exim accepts the configuration, and when this router runs, every message it handles is discarded, neither delivered nor bounced`,
          loc,
          data: { router: router.name, item },
        });
        // Exim stops at the first item it cannot carry out.
        break;
      }
    }
  },
};

const routerUserWithoutGroup: Rule = {
  id: 'router-user-without-group',
  defaultSeverity: 'warning',
  title: 'router with a numeric user and no group, which defers every address it handles',
  check(ctx: RuleContext) {
    if (!ctx.model.mayHaveOption('user')) return;
    for (const router of ctx.model.activeDrivers('routers')) {
      const user = ctx.model.optionNode(router, 'user');
      if (!user || !user.hasValue || !/^\d+$/.test(stringSetting(user.value)) || ctx.model.optionNode(router, 'group')) continue;
      ctx.report({
        message: `user set without group for ${router.name} router: a numeric user brings no group, so Exim accepts the configuration and defers every address this router handles; add "group ="`,
        loc: user.valueLoc ?? user.wordLoc,
        data: { router: router.name },
      });
    }
  },
};

/**
 * A require_files item that is a path but not an absolute one: routing defers every address
 * ('require_files: "etc/hostname" is not absolute', measured with exim -bt). Items without a
 * "/" are the user and group to check as, and are left alone.
 */
const routerRequireFilesRelative: Rule = {
  id: 'router-require-files-relative',
  defaultSeverity: 'warning',
  title: 'require_files item that is a relative path, which defers every address the router sees',
  check(ctx: RuleContext) {
    if (!ctx.model.mayHaveOption('require_files')) return;
    for (const router of ctx.model.activeDrivers('routers')) {
      const node = ctx.model.optionNode(router, 'require_files');
      if (!node || !node.hasValue) continue;
      const value = stringSetting(node.value);
      if (value.includes('$')) continue;
      const item = exactListItems(value).find((x) => x.includes('/') && !/^[!+]?\//.test(x));
      if (item === undefined) continue;
      ctx.report({
        message: `require_files: "${item.replace(/^[!+]/, '')}" is not absolute: Exim accepts the configuration, and ${router.name} router defers every address it sees`,
        loc: node.valueLoc ?? node.wordLoc,
        data: { router: router.name, item },
      });
    }
  },
};

/**
 * A router `condition` with text written outside its expansions that none of Exim's false
 * results ("", "0", "no", "false") could hold: the result is never false and the router runs
 * for every address. Measured with exim -bt: `condition = ${if eq{{$local_part}{enforce}}}`
 * (a stray "{", as in an MTA-STS recipe, leaves a "}" after the item) routes every address.
 */
const routerConditionAlwaysTrue: Rule = {
  id: 'router-condition-always-true',
  defaultSeverity: 'warning',
  title: 'router condition whose result can never be false, because text written outside its expansions stays in it',
  check(ctx: RuleContext) {
    if (!ctx.model.mayHaveOption('condition')) return;
    for (const router of ctx.model.activeDrivers('routers')) {
      const node = ctx.model.optionNode(router, 'condition');
      if (!node || !node.hasValue) continue;
      const text = stringSetting(node.value);
      if (!text.includes('$')) continue;
      const literal = literalTextOutsideReferences(text)?.trim();
      if (!literal || /^[0-9A-Za-z\s]*$/.test(literal)) continue;
      ctx.report({
        message: `the condition of the ${router.name} router is never false: the text "${literal.length > 20 ? literal.slice(0, 20) + '...' : literal}" written outside its expansions stays in the result, which is then never empty, "0", "no" or "false", so the router runs for every address it sees (a stray "{" or "}"?)`,
        loc: node.valueLoc ?? node.wordLoc,
        active: node.active,
        data: { router: router.name },
      });
    }
  },
};

export const routingRules: Rule[] = [routeOptionUnknown, routerVariableInvalid, routerUserWithoutGroup, routerRequireFilesRelative, routerConditionAlwaysTrue];
