/**
 * Main options that only the daemon or an SMTP session reads: `exim -bV` accepts any text.
 * Measured with Exim 4.96 (`exim -bd`, `exim -bh`):
 *  - local_interfaces = eth0: the daemon stops before it listens ('Malformed IP address
 *    "eth0" in local_interfaces'); so does `::1` in a list whose separator is ":";
 *  - daemon_smtp_ports = 25,587: the daemon stops ('invalid SMTP port: 25,587');
 *  - message_size_limit, expanded for each connection: a value that is not a whole number
 *    with an optional K, M or G answers every SMTP command with 421 ('invalid
 *    message_size_limit: invalid integer "1.5M"'); the result is kept in 32 bits, so
 *    2147483648 to 4294967295 mean no limit and larger values wrap around;
 *  - smtp_accept_max_per_connection: only its leading digits are read ("1k" is 1, "x" is 0,
 *    which means no limit);
 *  - received_header_text: its expansion, with "; date" after it, is the Received: header
 *    line as it is, whether or not it starts with a header name.
 */
import { addressItemHint, isIpAddress } from '../../util/ipAddress';
import { exactListItems } from '../../util/lists';
import { readSizeLimit } from './deliveryValues';
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

/**
 * Why the daemon cannot read a daemon_smtp_ports item, or undefined: one starting with a digit
 * must be a number ('invalid SMTP port: 25,587'), any other is a service name looked up when
 * the daemon starts ('TCP port "x" not found'); only names no system has are reported here.
 */
export function smtpPortProblem(item: string): string | undefined {
  if (/^\d/.test(item)) return smtpPortNumber(item) === undefined ? `invalid SMTP port: ${item}` : undefined;
  return /^[A-Za-z][A-Za-z0-9_.+-]*$/.test(item) ? undefined : `TCP port "${item}" not found`;
}

/**
 * A numeric daemon_smtp_ports item as the daemon reads it, with C's strtol() in base 0: "0x"
 * hexadecimal, a leading 0 octal ("02525" is port 1365), and 16 bits kept (70000 is port
 * 4464); measured with exim -bd. Undefined when it is not a whole number in its base ("09").
 */
export function smtpPortNumber(item: string): { port: number; read: 'decimal' | 'octal' | 'hexadecimal' } | undefined {
  const read = /^0[xX][0-9a-fA-F]+$/.test(item) ? 'hexadecimal' : /^0[0-7]+$/.test(item) ? 'octal' : /^(?:0|[1-9]\d*)$/.test(item) ? 'decimal' : undefined;
  if (!read) return undefined;
  const value = Number.parseInt(read === 'hexadecimal' ? item.slice(2) : item, read === 'hexadecimal' ? 16 : read === 'octal' ? 8 : 10);
  return { port: value % 65536, read };
}

const daemonPortsInvalid: Rule = {
  id: 'daemon-ports-invalid',
  defaultSeverity: 'error',
  title: 'daemon_smtp_ports item that is neither a port number nor a service name (the daemon does not start), or a number read as octal or beyond 16 bits (another port)',
  check(ctx: RuleContext) {
    const setting = ctx.model.mainValue('daemon_smtp_ports');
    if (!setting || setting.value.includes('$')) return;
    const items = exactListItems(setting.value).filter((item) => item !== '');
    const bad = items.find((item) => smtpPortProblem(item) !== undefined);
    if (bad !== undefined) {
      const comma = /^\d+(?:\s*,\s*\d+)+$/.test(bad) ? ' (ports are separated by ":", as in "25 : 465 : 587")' : '';
      ctx.report({
        message: `${smtpPortProblem(bad)}${comma}: \`exim -bV\` accepts the configuration, but the daemon (\`exim -bd\`) refuses to start ("Exim configuration error"), so no mail is received`,
        loc: setting.loc,
        data: { option: 'daemon_smtp_ports' },
      });
      return;
    }
    // The daemon starts, on another port than the one written. Hexadecimal is written on
    // purpose; a leading zero and a number over 65535 seldom are.
    for (const item of items) {
      const number = /^\d/.test(item) ? smtpPortNumber(item) : undefined;
      if (!number || number.read === 'hexadecimal' || (number.read === 'decimal' && String(number.port) === item)) continue;
      const how = number.read === 'decimal' ? `${item} is more than 16 bits hold` : `"${item}" is read as an octal number`;
      ctx.report({ message: `daemon_smtp_ports: ${how}, so the daemon listens on port ${number.port}`, loc: setting.loc, severity: 'warning', data: { option: 'daemon_smtp_ports', port: number.port } });
      return;
    }
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

export const daemonRules: Rule[] = [localInterfacesInvalid, daemonPortsInvalid, receptionValueInvalid, receivedHeaderNotHeader];
