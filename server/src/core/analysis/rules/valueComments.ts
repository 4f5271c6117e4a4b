/**
 * A "#" after a value is not a comment: Exim takes "#" as a comment only as the first
 * non-blank character of a line, so `tls_advertise_hosts = * # all hosts` is a host list
 * whose one item is "* # all hosts". Measured with Exim 4.96: `exim -bV` accepts it, and
 * the EHLO answer then carries no STARTTLS; `hosts_require_tls = * # always` requires TLS
 * of no host. Only lists (and the two strings Exim reads as a size and a port list) and ACL
 * items with list or keyword values are checked: in free text and expansions a "#" may well
 * be meant.
 */
import { AclItemNode, NamedListNode, OptionNode, mainOptions } from '../../syntax/tree';
import { LogicalLine } from '../../syntax/logicalLine';
import { OptionInfo } from '../../options';
import { insertLinesBefore } from '../../fixes/edits';
import { isSpaceCode } from '../../util/lists';
import { Fix, Rule, RuleContext } from '../types';
import { aclItemsNamed, valueSites } from '../valueSites';

/**
 * ACL conditions and modifiers whose value is a list or a keyword (measured with 4.96: each
 * fails or never matches with a "# comment" after it: 'syntax error in "control=queue #
 * hold"', 'invalid "condition" value "true # always"'); free text (message, logwrite, set,
 * add_header ...) may mean its "#".
 */
const ACL_ITEMS_CHECKED = new Set(['hosts', 'domains', 'local_parts', 'senders', 'recipients', 'sender_domains', 'verify', 'control', 'condition', 'delay', 'ratelimit', 'seen', 'acl', 'authenticated', 'encrypted', 'dnslists']);

const LIST_TYPES = new Set(['host list', 'domain list', 'address list', 'string list', 'string list, comma separated']);
/** Strings read later as a number or a list of ports: a comment makes them fail at run time. */
const READ_AS_LIST_OR_NUMBER = new Set(['message_size_limit', 'daemon_smtp_ports']);

/** Offset of a "#" that follows white space in the value, where a comment was probably meant. */
function commentStart(value: string): number {
  if (value.includes('$')) return -1;
  for (let i = value.indexOf('#'); i > 0; i = value.indexOf('#', i + 1)) if (isSpaceCode(value.charCodeAt(i - 1))) return i;
  return -1;
}

/** Moves the comment to a line of its own above, when the value is plain text of one physical line. */
export function moveCommentFix(line: LogicalLine, valueOffset: number, hash: number): Fix[] {
  const segments = line.segments;
  if (segments.length !== 1 || segments[0].macro !== undefined || line.lastLine !== line.firstLine) return [];
  const file = line.file;
  let cut = valueOffset + hash;
  while (cut > valueOffset && isSpaceCode(line.text.charCodeAt(cut - 1))) cut--;
  const comment = line.text.slice(valueOffset + hash).trimEnd();
  const indent = file.indentOf(line.firstLine);
  return [
    {
      title: 'Move the comment to a line of its own',
      edits: [insertLinesBefore(file, line.firstLine, indent, [comment]), { file: file.path, range: line.locate(cut, line.text.length).range, newText: '' }],
      isPreferred: true,
    },
  ];
}

function report(ctx: RuleContext, node: OptionNode | NamedListNode | AclItemNode, what: string, active: boolean): void {
  const hash = commentStart(node.value);
  if (hash < 0) return;
  const comment = node.value.slice(hash).trimEnd();
  ctx.report({
    message: `"${comment.length > 40 ? comment.slice(0, 40) + '...' : comment}" is part of the value of ${what}: "#" starts a comment only at the start of a line, so Exim reads it as part of the value, not as a comment`,
    loc: node.line.locate(node.valueOffset + hash, node.valueOffset + hash + comment.length),
    active,
    data: { option: what },
    fixes: moveCommentFix(node.line, node.valueOffset, hash),
  });
}

/**
 * tls_on_connect_ports: the daemon takes each item's leading number (measured: with
 * `tls_on_connect_ports = 465   # smtps` it serves TLS on connect on that port), so a comment
 * after the last number does no harm.
 */
const harmlessAfterNumber = (name: string, value: string): boolean => name === 'tls_on_connect_ports' && /^\s*(?:\d+\s*:\s*)*\d+\s+#[^:]*$/.test(value);

const checked = (info: OptionInfo | undefined, name: string): boolean => !!info && (LIST_TYPES.has(info.type) || READ_AS_LIST_OR_NUMBER.has(name));

const commentInValue: Rule = {
  id: 'comment-in-value',
  defaultSeverity: 'warning',
  title: 'a "# comment" after a list or keyword value, which Exim reads as part of the value',
  check(ctx: RuleContext) {
    for (const option of mainOptions(ctx.tree)) {
      if (!option.hasValue || !option.value.includes('#')) continue;
      const r = ctx.model.resolve(option, 'main');
      if (checked(r.info, r.name) && !harmlessAfterNumber(r.name, option.value)) report(ctx, option, r.name, option.active);
    }
    const { drivers, resolved } = ctx.model.optionTable();
    for (let k = 0; k < drivers.length; k++) {
      const options = drivers[k].options;
      for (let i = 0; i < options.length; i++) {
        if (!options[i].hasValue || !options[i].value.includes('#')) continue;
        const r = resolved[k][i];
        if (checked(r.info, r.name)) report(ctx, options[i], r.name, options[i].active);
      }
    }
    for (const list of valueSites(ctx.tree).namedLists) report(ctx, list, `${list.listType} ${list.name}`, list.active);
    for (const name of ACL_ITEMS_CHECKED) {
      for (const { item, acl } of aclItemsNamed(ctx.tree, name)) if (item.hasValue && item.value.includes('#')) report(ctx, item, `"${name}" in ACL ${acl.name}`, item.active);
    }
  },
};

export const valueCommentRules: Rule[] = [commentInValue];
