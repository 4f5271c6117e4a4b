/**
 * The main options the content-scanning ACL conditions read each time they run: `exim -bV`
 * accepts any text, and a value they cannot use makes every such condition defer (the
 * message is refused with 451, a `warn` statement is skipped) and is written to the panic
 * log. Measured with Exim 4.96 (`exim -bh` with the condition in the DATA ACL) and read in
 * its spam.c and malware.c.
 */
import { exactListItems } from '../../util/lists';
import { regexProblem } from '../../util/regexSyntax';
import { suggest } from '../../util/suggest';
import { readTime } from './values';
import { Rule, RuleContext } from '../types';

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
    // Space-separated as string_nextinlist() reads it: two spaces are one literal space, so
    // "127.0.0.1  783" is a single word (measured: 'invalid spamd address').
    const args = exactListItems(item, 32).filter((a) => a !== '');
    const socket = args[0].startsWith('/');
    if (!socket && args.length < 2) {
      // The port of "address:port" is the second half of the same mistake, said with the address.
      if (/^\d+$/.test(item) && i > 0 && !items[i - 1].includes(' ')) return;
      const next = items[i + 1];
      const hint =
        next !== undefined && /^\d+$/.test(next)
          ? ` (":" separates servers, so "${item}:${next}" is two items; write "${item} ${next}")`
          : args[0].includes('/')
            ? ' (a socket path must be absolute)'
            : ' (write "address port", such as "127.0.0.1 783", or an absolute socket path)';
      problems.push(`spamd_address item "${item}" is not a server Exim can use${hint}`);
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

/** The scanner types Debian's Exim 4.96 is built with (`exim -bV`, "Malware:"), and how each connects. */
const SCANNERS: Record<string, 'tcp' | 'stream' | 'unix' | 'clamd' | 'cmdline'> = {
  'f-protd': 'tcp',
  'f-prot6d': 'tcp',
  drweb: 'stream',
  avast: 'stream',
  sock: 'stream',
  fsecure: 'unix',
  sophie: 'unix',
  clamd: 'clamd',
  cmdline: 'cmdline',
};
/** Types Exim knows but Debian's build leaves out (upstream's DISABLE_MAL_AVE, _KAV, _MKS). */
const NOT_BUILT = new Set(['aveserver', 'kavdaemon', 'mksd']);

/** ip_tcpsocket()'s "%255s %u-%u": a host, white space, a port or a port range. */
const HOST_PORT = /^\S+\s+\+?\d/;

/**
 * Why the `malware` condition cannot use av_scanner, in Exim's words where it has them, or
 * undefined. The value is a ":" list: the scanner type (any case), then its options:
 * - clamd: servers, each an absolute socket path (with `retry=TIME` after a space) or
 *   "host port [retry=TIME]"; "local" is a word of its own; a server without a port is
 *   skipped ('missing port'), with none left 'no useable server addresses'; any other
 *   option is a 'bad option'; a port that is not a number is read as 0;
 * - f-protd, f-prot6d: "host port[-port]", drweb, avast and sock also an absolute socket
 *   path; anything else is an 'invalid socket';
 * - cmdline: the command, the trigger regex and the name regex; sock: the socket, the
 *   command (default "%s"), the trigger and the name regexes (measured with a listener:
 *   Exim connects before it reads them).
 */
export function avScannerProblem(value: string): string | undefined {
  const items = exactListItems(value);
  // "<;" alone is a list with no item: Exim says the same as of an empty value (measured).
  if (items.length === 0) return 'av_scanner configuration variable is empty';
  const type = items[0].toLowerCase();
  const kind = Object.prototype.hasOwnProperty.call(SCANNERS, type) ? SCANNERS[type] : undefined;
  if (!kind) {
    const hint = NOT_BUILT.has(type) ? ' (not built into this Exim)' : suggest(items[0], Object.keys(SCANNERS)).map((n) => ` (did you mean "${n}"?)`)[0] ?? '';
    return `unknown scanner type '${items[0]}'${hint}`;
  }
  const options = items[1];
  const regexes = (first: number): string | undefined => {
    const names = ['missing trigger specification', 'missing virus name regex specification'];
    for (let k = 0; k < 2; k++) {
      const re = items[first + k];
      if (re === undefined) return `${type}: ${names[k]}`;
      const bad = regexProblem(re);
      if (bad) return `${type}: regular expression error in '${re}': ${bad}`;
    }
    return undefined;
  };
  switch (kind) {
    case 'cmdline':
      return options === undefined ? 'cmdline: no command is given ("cmdline:COMMAND %s:TRIGGER:NAME"), and Exim logs only "NULL"' : regexes(2);
    case 'tcp':
      return options !== undefined && !HOST_PORT.test(options) ? `${type}: invalid socket '${options}'` : undefined;
    case 'stream':
      if (options !== undefined && !options.startsWith('/') && !HOST_PORT.test(options)) return `${type}: invalid socket '${options}'`;
      return type === 'sock' ? regexes(3) : undefined;
    case 'unix':
      return undefined;
    case 'clamd':
      return options === undefined ? undefined : clamdProblem(items.slice(1));
  }
}

function clamdProblem(servers: string[]): string | undefined {
  const retryOnly = (words: string[]) => words.every((w) => w.startsWith('retry=') && readTime(w.slice(6)) >= 0);
  if (servers[0].startsWith('/')) {
    const [, ...rest] = exactListItems(servers[0], 32).filter(Boolean);
    return retryOnly(rest) ? undefined : `clamd: bad option '${servers[0]}'`;
  }
  const missing: string[] = [];
  // Servers Exim tries and cannot reach; with another server left it scans with that one
  // (measured with a listening clamd: the message is accepted).
  const unreachable: string[] = [];
  let usable = 0;
  for (const server of servers) {
    if (server.toLowerCase() === 'local' || server === '') continue;
    // Two spaces are one literal space ("127.0.0.1  3310" has no port: measured).
    const [host, port, ...rest] = exactListItems(server, 32).filter(Boolean);
    if (port === undefined) {
      missing.push(host);
      continue;
    }
    if (!retryOnly(rest)) return `clamd: bad option '${server}'`;
    // Only the first server may be a socket path: a later one is a host name
    // ("no IP address found for host /run/clamd.sock", measured).
    if (host.startsWith('/')) unreachable.push(`clamd: '${server}' is read as a host name and a port (a socket path is one only as the first server), so that server is never reached`);
    else if (!/^\s*[+-]?\d/.test(port)) unreachable.push(`clamd: the port "${port}" of '${server}' is read as 0, so that server is never reached`);
    else usable++;
  }
  if (usable > 0) {
    if (unreachable.length) return `${unreachable[0]} (that server is skipped; the others are used)`;
    return missing.length ? `clamd: missing port: '${missing[0]}' (that server is skipped; the others are used)` : undefined;
  }
  if (unreachable.length) return unreachable[0];
  const colon = servers.length >= 2 && /^\d+$/.test(servers[1]) ? ` (":" separates servers, so "${servers[0]}:${servers[1]}" is two; write "${servers[0]} ${servers[1]}")` : '';
  return `clamd: ${missing.length ? `missing port: '${missing[0]}', ` : ''}no useable server addresses in malware configuration option${colon}`;
}

const avScannerInvalid: Rule = {
  id: 'av-scanner-invalid',
  defaultSeverity: 'warning',
  title: 'av_scanner that the malware ACL condition cannot use (an unknown scanner type, "host:port", a missing port or regex)',
  check(ctx: RuleContext) {
    const setting = ctx.model.mainValue('av_scanner');
    // Exim expands only a value starting with "$"; the rest is not read here.
    if (!setting || setting.value.includes('$')) return;
    const problem = avScannerProblem(setting.value);
    if (!problem) return;
    const partial = / \(that server is skipped; the others are used\)$/.test(problem);
    ctx.report({
      message: partial ? problem : `${problem}: every "malware" ACL condition defers (the message is refused with 451; a warn statement is skipped), and Exim writes to the panic log`,
      loc: setting.loc,
      data: { option: 'av_scanner' },
    });
  },
};

export const contentScanningRules: Rule[] = [spamdAddressInvalid, avScannerInvalid];
