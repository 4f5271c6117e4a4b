/**
 * Main options only the daemon (`exim -bd`) reads, when it starts: `exim -bV` accepts any
 * text, and the daemon then stops before it listens, so no mail is received until the
 * setting is fixed. Measured with Exim 4.96: `local_interfaces = eth0` gives 'Malformed IP
 * address "eth0" in local_interfaces'; so does `::1` in a list whose separator is ":".
 */
import { addressItemHint, isIpAddress } from '../../util/ipAddress';
import { exactListItems } from '../../util/lists';
import { stringSetting } from '../../util/stringSetting';
import { Rule, RuleContext } from '../types';

/**
 * Whether the daemon takes a local_interfaces item: an IP address, optionally with a port
 * after a dot ("127.0.0.1.2525", "::1.2525") or in brackets with a colon ("[::1]:2525").
 */
export function isInterfaceItem(item: string): boolean {
  if (isIpAddress(item)) return true;
  const bracketed = /^\[([^\]]*)\](?::\d+)?$/.exec(item);
  if (bracketed) return isIpAddress(bracketed[1]);
  const dotted = /^(.*)\.\d*$/.exec(item);
  return dotted !== null && isIpAddress(dotted[1]);
}

const localInterfacesInvalid: Rule = {
  id: 'local-interfaces-invalid',
  defaultSeverity: 'error',
  title: 'local_interfaces item that is not an IP address: the daemon does not start',
  check(ctx: RuleContext) {
    const node = ctx.model.mainSetting('local_interfaces');
    if (!node || !node.hasValue) return;
    const bad = exactListItems(stringSetting(node.value)).find((item) => item !== '' && !isInterfaceItem(item));
    if (bad === undefined) return;
    ctx.report({
      message: `Malformed IP address "${bad}" in local_interfaces${addressItemHint(bad)}: \`exim -bV\` accepts the configuration, but the daemon (\`exim -bd\`) refuses to start, so no mail is received`,
      loc: node.valueLoc ?? node.wordLoc,
      data: { item: bad },
    });
  },
};

export const daemonRules: Rule[] = [localInterfacesInvalid];
