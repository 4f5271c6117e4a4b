/**
 * Transport options that Exim expands and reads only when it delivers: `exim -bV` accepts any
 * text, and a value it cannot read defers every delivery through the transport (measured with
 * Exim 4.96, deliveries in a spool of their own):
 *  - appendfile's file or directory not an absolute path: 'appendfile: file or directory name
 *    "mail/x" is not absolute' (defer -21) (tainted data in it is taint.ts's);
 *    maildir_format or mailstore_format with "file" and without "directory";
 *  - quota, quota_filecount, quota_warn_threshold read as C's strtod() reads a number, then
 *    one of K, M, G (any case; "%" for quota_warn_threshold), "/no_check" (not for the
 *    threshold) and white space: 'Malformed value "10KB"'; quota_filecount must also fit in
 *    an int;
 *  - message_size_limit read as a decimal integer with an optional K, M or G: 'invalid
 *    message_size_limit in t transport: invalid integer "1.5M"'; an empty value is refused too;
 *  - smtp's interface, a list of IP addresses ("eth0" is 'not a valid IP address for the
 *    "interface" option'); Exim reads items until one fits the host's address family, so a
 *    bad item fails the deliveries that reach it (all of them when it comes first);
 *  - autoreply's once_repeat, read as a time like retry times ("7d", "1w2d"; a number
 *    without a unit, "0" included, is refused): 'Invalid time value "7" for "once_repeat"
 *    in auto transport'. This one fails the address (a bounce) instead of deferring it, and
 *    is read whether or not `once` is set;
 *  - a local transport (appendfile, pipe, autoreply, lmtp) run as root, by its own `user` or
 *    else by the `user` of a router that sends to it: 'User 0 set for t transport is on the
 *    fixed_never_users list' (Exim is built with FIXED_NEVER_USERS=root; `exim -bV` says
 *    "Fixed never_users: 0"), also written to the panic log; likewise a user the main
 *    never_users names ('is on the never_users list'). Remote transports are not affected;
 *  - appendfile's create_file as an absolute path (Exim 4.96): a `file` written with no
 *    expansion at all and under that path crashes the transport (SIGSEGV, the delivery
 *    defers), existing mailbox or not; with a final slash ("/var/mail/") no mailbox under it
 *    is ever created ('creation outside the home directory is not permitted'). A path with
 *    an expansion under "/var/mail" works, and is de-tainted: `file = /var/mail/$local_part`
 *    with `create_file = /var/mail` delivers (so the taint check above does not apply).
 */
import { OptionNode } from '../../syntax/tree';
import { addressItemHint, isIpAddress } from '../../util/ipAddress';
import { exactListItems } from '../../util/lists';
import { stringSetting } from '../../util/stringSetting';
import { Rule, RuleContext } from '../types';
import { readTime } from './values';

/** The longest start of `text` that strtod() reads as a number (after white space), or 0. */
function strtodLength(text: string): number {
  const m = /^[ \t\n\v\f\r]*[+-]?(?:0[xX](?:[0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+)(?:[pP][+-]?\d+)?|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?|inf(?:inity)?|nan)/i.exec(text);
  return m ? m[0].length : 0;
}

const SPACE_TAIL = /^[ \t\n\v\f\r]*$/;

/** Why appendfile cannot read a quota-like value, in Exim's words, or undefined. */
export function quotaProblem(option: string, value: string): string | undefined {
  const n = strtodLength(value);
  let rest = value.slice(n);
  let number = n > 0 ? Number(value.slice(0, n).trim().replace(/^\+/, '').replace(/^(-?)inf(inity)?$/i, '$1Infinity')) : 0;
  const unit = rest.charAt(0).toLowerCase();
  if (unit === 'k' || unit === 'm' || unit === 'g') {
    number *= unit === 'k' ? 1024 : unit === 'm' ? 1024 ** 2 : 1024 ** 3;
    rest = rest.slice(1);
  } else if (rest.startsWith('%') && option === 'quota_warn_threshold') rest = rest.slice(1);
  // quota and quota_filecount take "/no_check" right after the number (measured; not the threshold).
  if (option !== 'quota_warn_threshold' && rest.startsWith('/no_check')) rest = rest.slice(9);
  if (!SPACE_TAIL.test(rest)) return `Malformed value "${value}"`;
  if (option === 'quota_filecount' && number > 2147483647) return `quota_filecount value ${number} is too large (overflow)`;
  return undefined;
}

/** Why Exim cannot read message_size_limit's value as an integer, in its words, or undefined. */
export function sizeLimitProblem(value: string): string | undefined {
  const read = readSizeLimit(value);
  return 'problem' in read ? read.problem : undefined;
}

const UNIT_BYTES: Record<string, bigint> = { '': 1n, k: 1024n, m: 1048576n, g: 1073741824n };

/** A message_size_limit as Exim reads it: the bytes it stands for, or why it cannot be read. */
export function readSizeLimit(value: string): { bytes: bigint } | { problem: string } {
  const m = /^[ \t\n\v\f\r]*([+-]?)(\d+)([kKmMgG]?)/.exec(value);
  if (!m) return { problem: `integer expected but "${value}" found` };
  if (m[1] === '-' && /[1-9]/.test(m[2])) return { problem: `non-negative integer expected but "${value}" found` };
  if (!/^[ \t\n\v\f\r]*$/.test(value.slice(m[0].length))) return { problem: `invalid integer "${value}"` };
  if (BigInt(m[2]) > 9223372036854775807n) return { problem: `absolute value of integer "${value}" is too large (overflow)` };
  return { bytes: BigInt(m[2]) * UNIT_BYTES[m[3].toLowerCase()] };
}

const QUOTA_OPTIONS = ['quota', 'quota_filecount', 'quota_warn_threshold'];
const CHECKED_OPTIONS = ['file', 'directory', 'maildir_format', 'mailstore_format', ...QUOTA_OPTIONS, 'message_size_limit', 'interface', 'once_repeat', 'user', 'create_file'];


/** Whether create_file names an absolute path (no final "/") that the mailbox's written start is under. */
export function detaintedByCreateFile(path: string, create: string | undefined): boolean {
  if (!create || !create.startsWith('/') || create.endsWith('/') || /[$\\]/.test(create)) return false;
  return path.replace(/[$\\].*$/s, '').startsWith(`${create}/`);
}

/** Transports that deliver on this host, as a user Exim switches to. */
const LOCAL_DRIVERS = new Set(['appendfile', 'pipe', 'autoreply', 'lmtp']);

/**
 * Which never-users list a literal `user` value is on: root (by name or uid 0) is on the
 * fixed list; a name or number the main never_users writes is on that one. Names are not
 * looked up, so a name and a number are not compared (except root and 0).
 */
function neverListFor(user: string, neverUsers: readonly string[]): 'fixed_never_users' | 'never_users' | undefined {
  if (user === '' || user.includes('$')) return undefined;
  if (user === 'root' || /^0+$/.test(user)) return 'fixed_never_users';
  const number = /^\d+$/.test(user) ? Number(user) : undefined;
  return neverUsers.some((u) => u === user || (number !== undefined && /^\d+$/.test(u) && Number(u) === number)) ? 'never_users' : undefined;
}

const deliveryValueInvalid: Rule = {
  id: 'delivery-value-invalid',
  defaultSeverity: 'warning',
  title: 'transport option Exim reads only when it delivers, with a value it cannot read (a relative mailbox, a malformed quota or size limit, an interface name)',
  check(ctx: RuleContext) {
    // Most configurations write few of these options: the others are not looked up.
    const present = new Set(CHECKED_OPTIONS.filter((o) => ctx.model.mayHaveOption(o)));
    if (present.size === 0) return;
    const neverUsers = present.has('user') ? exactListItems(ctx.model.mainValue('never_users')?.value ?? '').filter((u) => u !== '' && !u.includes('$')) : [];
    for (const transport of ctx.model.activeDrivers('transports')) {
      const report = (node: OptionNode, problem: string) =>
        ctx.report({
          message: `${problem} in ${transport.name} transport: Exim accepts the configuration, and defers every delivery through this transport, until the retry rules give up`,
          loc: node.valueLoc ?? node.wordLoc,
          active: node.active,
          data: { transport: transport.name, option: node.word },
        });
      const written = (name: string): [OptionNode, string] | undefined => {
        if (!present.has(name)) return undefined;
        const node = ctx.model.optionNode(transport, name);
        if (!node || !node.hasValue) return undefined;
        const value = stringSetting(node.value);
        return [node, value];
      };
      if (transport.driverName === 'appendfile') {
        for (const name of ['file', 'directory']) {
          const setting = written(name);
          // Known relative: the expanded path starts with a literal character other than "/".
          if (setting && /^[^/$\\]/.test(setting[1])) report(setting[0], `appendfile: file or directory name "${setting[1]}" is not absolute`);
        }
        // Measured: 'maildir_format requires "directory" to be specified for the t transport'.
        // A transport with neither file nor directory takes the path from the address a
        // redirect generated (Debian's address_directory), which is not this case.
        for (const format of ['maildir_format', 'mailstore_format']) {
          const node = present.has(format) ? ctx.model.optionNode(transport, format) : undefined;
          if (node && ctx.model.booleanOption(transport, format) === true && ctx.model.optionNode(transport, 'file') && !ctx.model.optionNode(transport, 'directory')) {
            report(node, `${format} requires "directory" to be specified (a file = setting is for mbox and mbx mailboxes)`);
          }
        }
        const create = written('create_file');
        const mailbox = written('file') ?? written('directory');
        if (create && mailbox && create[1].startsWith('/') && !/[$\\]/.test(create[1])) {
          const dir = create[1];
          const path = mailbox[1];
          // The crash needs the path exactly as written (Exim expands nothing and keeps the
          // configuration's own, read-only, copy); maildir directories were not seen to crash.
          const crash = mailbox[0].word === 'file' && !dir.endsWith('/') && !/[$\\]/.test(path) && path.startsWith(`${dir}/`);
          const neverCreated = dir.length > 1 && dir.endsWith('/') && path.replace(/[$\\].*$/s, '').startsWith(dir);
          if (crash || neverCreated) {
            ctx.report({
              message: crash
                ? `create_file = ${dir}: in Exim 4.96 every delivery through ${transport.name} transport to ${path}, a mailbox written without an expansion under that path, crashes the transport (SIGSEGV) and defers. Exim accepts the configuration; create_file = anywhere (or belowhome, inhome) works`
                : `create_file = ${dir}: with the final "/", Exim 4.96 finds no mailbox of ${transport.name} transport under that path, and never creates one ("creation outside the home directory is not permitted"); write create_file = ${dir.replace(/\/+$/, '')}`,
              loc: create[0].valueLoc ?? create[0].wordLoc,
              active: create[0].active,
              data: { transport: transport.name, option: 'create_file' },
            });
          }
        }
        for (const name of QUOTA_OPTIONS) {
          const setting = written(name);
          if (!setting || /[$\\]/.test(setting[1])) continue;
          const problem = quotaProblem(name, setting[1]);
          if (problem) report(setting[0], problem);
        }
      }
      if (LOCAL_DRIVERS.has(transport.driverName ?? '') && present.has('user')) {
        const own = ctx.model.optionNode(transport, 'user');
        // The transport's own user wins over any router's; without one, each router's applies.
        const sources = own ? [{ node: own, router: undefined }] : ctx.model.routersUsing(transport.name).map((router) => ({ node: ctx.model.optionNode(router, 'user'), router }));
        for (const { node, router } of sources) {
          if (!node || !node.hasValue) continue;
          const user = stringSetting(node.value).trim();
          const list = neverListFor(user, neverUsers);
          if (!list) continue;
          const uid = /^\d+$/.test(user) ? String(Number(user)) : user === 'root' ? '0' : user;
          ctx.report({
            message: `User ${uid} set for ${transport.name} transport${router ? ` (by the user of router ${router.name})` : ''} is on the ${list} list: Exim never runs a local delivery as ${list === 'fixed_never_users' ? 'root' : 'a user never_users names'}. It accepts the configuration, and defers every delivery through this transport (writing each to the panic log), until the retry rules give up`,
            loc: node.valueLoc ?? node.wordLoc,
            active: node.active,
            data: { transport: transport.name, option: 'user' },
          });
        }
      }
      if (transport.driverName === 'autoreply') {
        const repeat = written('once_repeat');
        if (repeat && !/[$\\]/.test(repeat[1]) && readTime(repeat[1]) < 0) {
          ctx.report({
            message: `Invalid time value "${repeat[1]}" for "once_repeat" in ${transport.name} transport: Exim accepts the configuration, and fails every autoreply through this transport (the address bounces); a time needs a unit, as in "7d" or "1w"`,
            loc: repeat[0].valueLoc ?? repeat[0].wordLoc,
            active: repeat[0].active,
            data: { transport: transport.name, option: 'once_repeat' },
          });
        }
      }
      if (transport.driverName === 'smtp') {
        const iface = written('interface');
        if (iface && !/[$\\]/.test(iface[1])) {
          const items = exactListItems(iface[1]).filter((item) => item !== '');
          const bad = items.find((item) => !isIpAddress(item));
          if (bad !== undefined) {
            const which = bad === items[0] ? 'every delivery through this transport' : 'the deliveries that reach this item (hosts of an address family the items before it do not serve)';
            ctx.report({
              message: `"${bad}" is not a valid IP address for the "interface" option for ${transport.name} transport${addressItemHint(bad)}: Exim accepts the configuration, and defers ${which}`,
              loc: iface[0].valueLoc ?? iface[0].wordLoc,
              active: iface[0].active,
              data: { transport: transport.name, option: 'interface', item: bad },
            });
          }
        }
      }
      const limit = written('message_size_limit');
      if (limit && !/[$\\]/.test(limit[1])) {
        const problem = sizeLimitProblem(limit[1]);
        if (problem) report(limit[0], `invalid message_size_limit: ${problem}`);
      }
    }
  },
};

export const deliveryValueRules: Rule[] = [deliveryValueInvalid];
