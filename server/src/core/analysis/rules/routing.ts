/**
 * manualroute's route_list and route_data: after the hosts of a rule come option words
 * (byname, randomize, ...) or a transport's name. Exim reads them when it routes, not when
 * it loads the configuration: measured with Exim 4.96, `exim -bV` accepts any word there,
 * and routing then defers every address the rule matches ("unknown routing option or
 * transport name"). The usual causes are a host list with white space that is not quoted
 * (`a : b` leaves ": b" as options) and a "# comment" after the value.
 */
import { OptionNode } from '../../syntax/tree';
import { readRouteRule, routeListRules, unknownRouteOption } from '../../util/routeList';
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

export const routingRules: Rule[] = [routeOptionUnknown];
