/**
 * Main options that only the daemon or an SMTP session reads: `exim -bV` accepts any text.
 * Measured with Exim 4.96 (`exim -bd`, `exim -bh`):
 *  - local_interfaces = eth0: the daemon stops before it listens ('Malformed IP address
 *    "eth0" in local_interfaces'); so does `::1` in a list whose separator is ":";
 *  - message_size_limit, expanded for each connection: a value that is not a whole number
 *    with an optional K, M or G answers every SMTP command with 421 ('invalid
 *    message_size_limit: invalid integer "1.5M"'); the result is kept in 32 bits, so
 *    2147483648 to 4294967295 mean no limit and larger values wrap around;
 *  - smtp_accept_max_per_connection: only its leading digits are read ("1k" is 1, "x" is 0,
 *    which means no limit);
 *  - spamd_address, read by each `spam` ACL condition (spam.c): see spamdAddressProblems();
 *  - received_header_text: its expansion, with "; date" after it, is the Received: header
 *    line as it is, whether or not it starts with a header name.
 */
import { addressItemHint, isIpAddress } from '../../util/ipAddress';
import { exactListItems } from '../../util/lists';
import { readSizeLimit } from './deliveryValues';
import { readTime } from './values';
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
    const setting = ctx.model.mainValue('local_interfaces');
    if (!setting) return;
    const bad = exactListItems(setting.value).find((item) => item !== '' && !isInterfaceItem(item));
    if (bad === undefined) return;
    ctx.report({
      message: `Malformed IP address "${bad}" in local_interfaces${addressItemHint(bad)}: \`exim -bV\` accepts the configuration, but the daemon (\`exim -bd\`) refuses to start, so no mail is received`,
      loc: setting.loc,
      data: { item: bad },
    });
  },
};

const receptionValueInvalid: Rule = {
  id: 'reception-value-invalid',
  defaultSeverity: 'warning',
  title: 'main option an SMTP session reads with a value Exim cannot use as written (message_size_limit, smtp_accept_max_per_connection)',
  check(ctx: RuleContext) {
    const limit = ctx.model.mainValue('message_size_limit');
    if (limit && !/[$\\]/.test(limit.value)) {
      const { value: limitValue, loc } = limit;
      const read = readSizeLimit(limitValue);
      if ('problem' in read) {
        // An error: Exim takes no mail at all with it.
        ctx.report({ message: `invalid message_size_limit: ${read.problem}: \`exim -bV\` accepts the configuration, but every SMTP command is answered "421 Temporary local problem", so no mail is received`, loc, severity: 'error', data: { option: 'message_size_limit' } });
      } else {
        const { bytes } = read;
        const kept = bytes % 4294967296n;
        if (bytes > 2147483647n) {
          const meaning = kept > 2147483647n || kept === 0n ? 'no limit at all' : `a limit of ${kept} bytes`;
          ctx.report({ message: `message_size_limit ${limitValue} is ${bytes} bytes, more than Exim keeps (2147483647, its 32-bit limit): it becomes ${meaning}`, loc, data: { option: 'message_size_limit' } });
        }
      }
    }
    const perConnection = ctx.model.mainValue('smtp_accept_max_per_connection');
    const perValue = perConnection?.value;
    if (perConnection && perValue !== undefined && !/[$\\]/.test(perValue) && !/^\s*\d+\s*$/.test(perValue)) {
      const lead = /^\s*([+-]?\d+)/.exec(perValue);
      const n = lead ? Number(lead[1]) : 0;
      ctx.report({
        message: `smtp_accept_max_per_connection "${perValue}" is read by its leading digits only, as ${n}: ${n > 0 ? `at most ${n} message${n === 1 ? '' : 's'} per connection` : 'no limit at all'}`,
        loc: perConnection.loc,
        data: { option: 'smtp_accept_max_per_connection', read: n },
      });
    }
  },
};

export interface SpamdAddressReading {
  /** One reason per item or parameter Exim cannot use. */
  problems: string[];
  /** No server is left: every `spam` condition defers. */
  noServer: boolean;
}

/**
 * How the `spam` condition reads spamd_address (Exim 4.96 spam.c, measured with exim -bh): a
 * ":" list of servers, each "address port" or an absolute socket path, then space-separated
 * parameters (pri=N, weight=N, time=H.M.S-H.M.S, variant=rspamd, tmo=TIME, retry=TIME). An
 * item without a port ("127.0.0.1", "127.0.0.1:783", which is two items, "relative/sock")
 * is skipped with 'invalid spamd address'; with no server left the condition defers (451)
 * and Exim writes to the panic log. A port that is not a number fails at connect ('invalid
 * socket'). An unknown or unreadable parameter is logged and ignored. Only a value starting
 * with "$" is expanded.
 */
export function spamdAddressProblems(value: string): SpamdAddressReading {
  const problems: string[] = [];
  let servers = 0;
  const items = exactListItems(value);
  items.forEach((item, i) => {
    if (item === '') return;
    const args = item.split(' ').filter((a) => a !== '');
    const socket = args[0].startsWith('/');
    if (!socket && args.length < 2) {
      const next = items[i + 1];
      const hint =
        next !== undefined && /^\d+$/.test(next)
          ? ` (":" separates servers, so "${item}:${next}" is two items; write "${item} ${next}")`
          : /^\d+$/.test(item) && i > 0
            ? ''
            : args[0].includes('/')
              ? ' (a socket path must be absolute)'
              : ' (write "address port", such as "127.0.0.1 783", or an absolute socket path)';
      // The port of "address:port" is the second half of the same mistake.
      if (!(/^\d+$/.test(item) && i > 0 && !/ /.test(items[i - 1]))) problems.push(`spamd_address item "${item}" is not a server Exim can use${hint}`);
      return;
    }
    servers++;
    const params = args.slice(socket ? 1 : 2);
    if (!socket) {
      const [host, port] = args;
      if (!/^\d+$/.test(port)) problems.push(`spamd_address item "${item}": the port "${port}" is not a number, so connecting to this server fails ('invalid socket')`);
      else if (host.startsWith(':') && !host.startsWith('::')) problems.push(`spamd_address item "${item}": "::" in a ":" list is one literal ":", so the host is "${host}"; write "<; ${host.replace(/^:/, '::')} ${port}" for an IPv6 address`);
      else if (host.includes('/')) problems.push(`spamd_address item "${item}": "${host}" is neither an address nor a host name (a socket path must be absolute)`);
    }
    for (const param of params) {
      const problem = spamdParamProblem(param);
      if (problem) problems.push(`spamd_address parameter "${param}" ${problem}: Exim logs a warning at every scan and ignores it`);
    }
  });
  return { problems, noServer: servers === 0 };
}

/** Why spam.c's spamd_param() refuses a parameter, or undefined. */
function spamdParamProblem(param: string): string | undefined {
  // sscanf("pri=%u") and ("weight=%u") take the parameter when a number follows.
  if (/^(?:pri|weight)=\s*[+-]?\d/.test(param)) return undefined;
  if (param === 'variant=rspamd') return undefined;
  if (param.startsWith('time=')) {
    const range = /^time=(.*?)-(.*)$/.exec(param);
    return range && /^\s*[+-]?\d/.test(range[1]) && /^\s*[+-]?\d/.test(range[2]) ? undefined : 'is not a time range "H.M.S-H.M.S"';
  }
  for (const name of ['tmo', 'retry']) {
    if (param.startsWith(`${name}=`)) return readTime(param.slice(name.length + 1)) < 0 ? `is not a time (a number with a unit, such as 30s or 2m)` : undefined;
  }
  return 'is not one Exim knows (pri=, weight=, time=, variant=rspamd, tmo=, retry=)';
}

const spamdAddressInvalid: Rule = {
  id: 'spamd-address-invalid',
  defaultSeverity: 'warning',
  title: 'spamd_address that the spam ACL condition cannot use as written (a server without a port, "address:port", a bad port or parameter)',
  check(ctx: RuleContext) {
    const setting = ctx.model.mainValue('spamd_address');
    if (!setting || setting.value.includes('$')) return;
    const { value, loc } = setting;
    const reading = spamdAddressProblems(value);
    if (reading.noServer) {
      const why = reading.problems[0] ?? 'spamd_address is empty';
      ctx.report({ message: `${why}: no server is left ('no useable spamd server addresses'), so every "spam" ACL condition defers (451) and Exim writes to the panic log`, loc, data: { option: 'spamd_address' } });
      return;
    }
    const problem = reading.problems[0];
    if (problem) ctx.report({ message: /ignores it$/.test(problem) ? problem : `${problem}; the other servers are used`, loc, data: { option: 'spamd_address' } });
  },
};

const receivedHeaderNotHeader: Rule = {
  id: 'received-header-not-header',
  defaultSeverity: 'warning',
  title: 'received_header_text that does not start with a header name, so messages get a nameless header line instead of Received:',
  check(ctx: RuleContext) {
    const setting = ctx.model.mainValue('received_header_text');
    if (!setting) return;
    const { value, loc } = setting;
    // Empty is Exim's way to add no Received: header; a leading expansion may supply the name.
    if (value === '' || value.startsWith('$') || /^[!-9;-~]+:/.test(value)) return;
    ctx.report({
      message: `received_header_text does not start with a header name ("Received: ..."): Exim adds "${value.length > 40 ? `${value.slice(0, 40)}...` : value}; <date>" to each message as a header line without a name, so messages carry no Received: header and a malformed line`,
      loc,
      data: { option: 'received_header_text' },
    });
  },
};

export const daemonRules: Rule[] = [localInterfacesInvalid, receptionValueInvalid, spamdAddressInvalid, receivedHeaderNotHeader];
