/**
 * ACL values Exim reads only when the statement runs: `exim -bV` accepts them, and the SMTP
 * command the ACL guards is then refused with a temporary error ("451 Temporary local
 * problem", logged 'syntax error in "control=..."'). Measured with Exim 4.96 (`exim -bh`).
 */
import { aclsOf } from '../../syntax/tree';
import { suggest } from '../../util/suggest';
import { Rule, RuleContext } from '../types';

/**
 * The controls this Exim takes, and whether they take "/options" (dscp must have them).
 * Measured with the Debian 4.96 build: dmarc_disable_verify and dmarc_enable_forensic are
 * not compiled in, and are refused like unknown names.
 */
const CONTROLS: Record<string, 'none' | 'optional' | 'required'> = {
  allow_auth_unadvertised: 'none',
  caseful_local_part: 'none',
  caselower_local_part: 'none',
  cutthrough_delivery: 'optional',
  debug: 'optional',
  dkim_disable_verify: 'none',
  dscp: 'required',
  enforce_sync: 'none',
  fakedefer: 'optional',
  fakereject: 'optional',
  freeze: 'optional',
  no_callout_flush: 'none',
  no_delay_flush: 'none',
  no_enforce_sync: 'none',
  no_mbox_unspool: 'none',
  no_multiline_responses: 'none',
  no_pipelining: 'none',
  queue: 'optional',
  queue_only: 'none',
  submission: 'optional',
  suppress_local_fixups: 'none',
  utf8_downconvert: 'optional',
};
const CONTROL_NAMES = Object.keys(CONTROLS);

/** Why Exim cannot read `control = value`, or undefined. */
export function controlProblem(value: string): string | undefined {
  const slash = value.indexOf('/');
  const name = slash < 0 ? value : value.slice(0, slash);
  const kind = Object.prototype.hasOwnProperty.call(CONTROLS, name) ? CONTROLS[name] : undefined;
  if (kind === undefined) return `syntax error in "control=${value}": "${name}" is not a control this Exim knows`;
  if (slash < 0) return kind === 'required' ? `syntax error in "control=${value}": ${name} needs a value after "/"` : undefined;
  if (kind === 'none') return `syntax error in "control=${value}": ${name} takes no options`;
  if (slash === value.length - 1) return `syntax error in "control=${value}": nothing after "/"`;
  return undefined;
}

const aclControlInvalid: Rule = {
  id: 'acl-control-invalid',
  defaultSeverity: 'warning',
  title: 'ACL control that Exim cannot read, which refuses the SMTP command with a temporary error',
  check(ctx: RuleContext) {
    for (const acl of aclsOf(ctx.tree)) {
      for (const statement of acl.statements) {
        for (const item of statement.items) {
          // A "# comment" after the value is comment-in-value's to report.
          if (item.name !== 'control' || !item.hasValue || item.value.includes('$') || /\s#/.test(item.value)) continue;
          const value = item.value.replace(/[ \t]+$/, '');
          const problem = controlProblem(value);
          if (!problem) continue;
          const name = value.replace(/\/.*$/s, '');
          const suggestions = Object.prototype.hasOwnProperty.call(CONTROLS, name) ? [] : suggest(name, CONTROL_NAMES);
          const loc = item.valueLoc ?? item.nameLoc;
          ctx.report({
            message: `${problem}: Exim accepts the configuration, and refuses the command this ACL guards with a temporary error when the statement runs${suggestions.length ? `; did you mean "${suggestions[0]}"?` : ''}`,
            loc,
            active: item.active,
            data: { control: value },
            fixes: suggestions.slice(0, 1).map((n) => ({ title: `Change to "${n}"`, edits: [{ file: loc.file, range: loc.range, newText: n + value.slice(name.length) }], isPreferred: true })),
          });
        }
      }
    }
  },
};

/**
 * `condition =` takes, once expanded and trimmed, an empty string or "0"-like integer (false),
 * another integer, or yes/no/true/false in any case; anything else is 'invalid "condition"
 * value' (measured with exim -bh: `condition = foo` and `condition = "yes"`, whose quotes
 * stay, answer 451; `01` and `-1` are true, `00` false).
 */
export function conditionValueValid(value: string): boolean {
  const t = value.trim();
  return t === '' || /^-?\d+$/.test(t) || /^(?:yes|no|true|false)$/i.test(t);
}

const aclConditionInvalid: Rule = {
  id: 'acl-condition-invalid',
  defaultSeverity: 'warning',
  title: 'ACL "condition =" with a value that is neither true nor false',
  check(ctx: RuleContext) {
    for (const acl of aclsOf(ctx.tree)) {
      for (const statement of acl.statements) {
        for (const item of statement.items) {
          // A "# comment" after the value is comment-in-value's to report.
          if (item.name !== 'condition' || !item.hasValue || item.value.includes('$') || /\s#/.test(item.value) || conditionValueValid(item.value)) continue;
          const value = item.value.trim();
          ctx.report({
            message: `invalid "condition" value "${value}": Exim takes an empty value, a number, yes, no, true or false (quotes stay part of an ACL value), and refuses the command this ACL guards with a temporary error when the statement runs`,
            loc: item.valueLoc ?? item.nameLoc,
            active: item.active,
            data: { value },
          });
        }
      }
    }
  },
};

export const aclValueRules: Rule[] = [aclControlInvalid, aclConditionInvalid];
