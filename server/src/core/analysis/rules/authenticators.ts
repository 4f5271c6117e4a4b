/**
 * An authenticator's written-out `server_condition`, which Exim reads for each AUTH command
 * (a check all drivers share; measured with Exim 4.96, `exim -bh` and AUTH PLAIN): after the
 * expansion, "1", "yes" and "true" (any case) let the client in, "", "0", "no" and "false"
 * refuse it (535), and anything else answers "435 Unable to authenticate at present".
 * `exim -bV` accepts any text.
 */
import { stringSetting } from '../../util/stringSetting';
import { Rule, RuleContext } from '../types';

const TRUE_VALUES = new Set(['1', 'yes', 'true']);
const FALSE_VALUES = new Set(['', '0', 'no', 'false']);

/** How Exim takes a written server_condition: 'true', 'false' or 'invalid'; undefined when it has an expansion. */
export function serverConditionValue(written: string): 'true' | 'false' | 'invalid' | undefined {
  if (/[$\\]/.test(written)) return undefined;
  const v = written.toLowerCase();
  return TRUE_VALUES.has(v) ? 'true' : FALSE_VALUES.has(v) ? 'false' : 'invalid';
}

function* serverConditions(ctx: RuleContext) {
  for (const auth of ctx.model.activeDrivers('authenticators')) {
    const node = ctx.model.optionNode(auth, 'server_condition');
    if (!node || !node.hasValue) continue;
    const written = stringSetting(node.value);
    const value = serverConditionValue(written);
    if (value) yield { auth, node, value, written };
  }
}

const authConditionInvalid: Rule = {
  id: 'auth-condition-invalid',
  defaultSeverity: 'warning',
  title: 'authenticator server_condition that is neither true nor false, so every AUTH gets a temporary error',
  check(ctx: RuleContext) {
    for (const { auth, node, value, written } of serverConditions(ctx)) {
      if (value !== 'invalid') continue;
      ctx.report({
        message: `server_condition "${written}" of the ${auth.name} authenticator is neither true ("yes", "true", "1") nor false ("no", "false", "0", empty): Exim accepts the configuration, and answers every AUTH with "435 Unable to authenticate at present"`,
        loc: node.valueLoc ?? node.wordLoc,
        active: node.active,
        data: { authenticator: auth.name, value: written },
      });
    }
  },
};

const authConditionConstant: Rule = {
  id: 'auth-condition-constant',
  defaultSeverity: 'warning',
  title: 'plaintext authenticator whose server_condition is always true (any password is accepted) or always false',
  check(ctx: RuleContext) {
    for (const { auth, node, value, written } of serverConditions(ctx)) {
      // For the other drivers server_condition only adds to the password check they make.
      if (auth.driverName !== 'plaintext' || value === 'invalid') continue;
      ctx.report({
        message:
          value === 'true'
            ? `server_condition of the ${auth.name} authenticator is always "${written}": every user name and password is accepted, and a client that authenticates gets what your ACLs give authenticated clients (often relaying)`
            : `server_condition of the ${auth.name} authenticator is always ${written === '' ? 'empty' : `"${written}"`}: no client can authenticate with it (535 Incorrect authentication data)`,
        loc: node.valueLoc ?? node.wordLoc,
        active: node.active,
        severity: value === 'true' ? 'warning' : 'information',
        data: { authenticator: auth.name, value: written },
      });
    }
  },
};

export const authenticatorRules: Rule[] = [authConditionInvalid, authConditionConstant];
