/**
 * What each driver checks when Exim sets it up after reading its options (exim -bV then
 * fails with "Exim configuration error for R router:" and no line; we point at the
 * driver's name). Measured with Exim 4.96, one driver at a time.
 */
import { DriverNode } from '../../syntax/tree';
import { stringSetting } from '../../util/stringSetting';
import { regexProblem } from '../../util/regexSyntax';
import { ConfigModel } from '../model';
import { Rule, RuleContext } from '../types';
import { readInteger, readTime } from './values';

type Check = (d: DriverNode, m: ConfigModel) => string | undefined;

const set = (m: ConfigModel, d: DriverNode, name: string): boolean => m.optionNode(d, name) !== undefined;
const on = (m: ConfigModel, d: DriverNode, name: string): boolean => {
  const o = m.optionNode(d, name);
  if (!o) return false;
  // An expanded boolean ("unseen = ${if ...}") counts as set, as Exim assumes.
  if (o.hasValue && o.value.includes('$')) return true;
  return m.booleanOption(d, name) === true;
};
/** The string an option sets (a quoted value without its quotes), or undefined when it is not set. */
const value = (m: ConfigModel, d: DriverNode, name: string): string | undefined => {
  const o = m.optionNode(d, name);
  return o ? stringSetting(o.value) : undefined;
};

const HOST_FIND_FAILED = ['ignore', 'decline', 'defer', 'fail', 'freeze', 'pass'];

/** Routers that need a transport, and routers that must not have one. */
const NEEDS_TRANSPORT = new Set(['accept', 'dnslookup', 'ipliteral']);
const NO_TRANSPORT = new Set(['redirect', 'iplookup']);

/**
 * What Exim checks for every router once all of them are read, after each driver's own
 * set-up checks: the transport, then `self` (measured: a redirect router with a transport
 * and neither file nor data is refused for the latter, a manualroute with a bad self and a
 * bad host_all_ignored for the latter).
 */
const ROUTER_GENERIC: Check[] = [
  (d, m) => (NEEDS_TRANSPORT.has(d.driverName!) && !set(m, d, 'transport') && !on(m, d, 'verify_only') ? 'a transport is required for this router' : undefined),
  (d, m) => (NO_TRANSPORT.has(d.driverName!) && set(m, d, 'transport') ? 'a transport must not be defined for this router' : undefined),
  (d, m) => {
    const self = value(m, d, 'self');
    if (self === undefined || /^(freeze|defer|fail|send|pass)$/.test(self) || /^reroute:/.test(self)) return undefined;
    return `${self} is not valid for the self option`;
  },
];

const ROUTER_CHECKS: Record<string, Check[]> = {
  manualroute: [
    (d, m) => (set(m, d, 'route_list') === set(m, d, 'route_data') ? 'route_list or route_data (but not both) must be specified' : undefined),
    (d, m) => {
      const v = value(m, d, 'host_find_failed');
      return v !== undefined && !HOST_FIND_FAILED.includes(v) ? 'unrecognized setting for host_find_failed option' : undefined;
    },
    (d, m) => {
      const v = value(m, d, 'host_all_ignored');
      return v !== undefined && !HOST_FIND_FAILED.slice(1).includes(v) ? 'unrecognized setting for host_all_ignored option' : undefined;
    },
  ],
  redirect: [
    (d, m) => {
      const file = set(m, d, 'file');
      if (file === set(m, d, 'data')) return `${file ? 'only ' : ''}one of "file" or "data" must be specified`;
      return undefined;
    },
    (d, m) =>
      on(m, d, 'one_time') && (value(m, d, 'headers_add') || value(m, d, 'headers_remove'))
        ? '"headers_add" and "headers_remove" are not permitted with "one_time"'
        : undefined,
    (d, m) => (on(m, d, 'one_time') && on(m, d, 'unseen') ? '"unseen" may not be used with "one_time"' : undefined),
    (d, m) =>
      set(m, d, 'qualify_domain') && on(m, d, 'qualify_preserve_domain') ? 'only one of "qualify_domain" or "qualify_preserve_domain" must be set' : undefined,
    (d, m) =>
      on(m, d, 'allow_filter') && !on(m, d, 'check_local_user') && !set(m, d, 'user')
        ? '"user" or "check_local_user" must be set with "allow_filter"'
        : undefined,
  ],
  queryprogram: [
    (d, m) => (!set(m, d, 'command') ? 'a command specification is required' : undefined),
    (d, m) => (!set(m, d, 'command_user') ? 'command_user must be specified' : undefined),
  ],
  iplookup: [
    // Unset or negative (measured: "port = -1" is refused, "port = 0" taken).
    (d, m) => (!set(m, d, 'port') || (readInteger(value(m, d, 'port') ?? '') ?? 0n) < 0n ? 'a port must be specified' : undefined),
    (d, m) => (!set(m, d, 'hosts') ? 'a host list must be specified' : undefined),
    (d, m) => {
      const protocol = value(m, d, 'protocol');
      return protocol !== undefined && protocol !== 'udp' && protocol !== 'tcp' ? 'protocol not specified as udp or tcp' : undefined;
    },
    // Compiled when the router is set up (PCRE2's message, without its offset).
    (d, m) => {
      const pattern = value(m, d, 'response_pattern');
      const problem = pattern === undefined ? undefined : regexProblem(pattern);
      return problem ? `regular expression error: ${problem} while compiling ${pattern} (response_pattern)` : undefined;
    },
  ],
};

/** Set to false on purpose (not left at a default). */
const off = (m: ConfigModel, d: DriverNode, name: string): boolean => m.booleanOption(d, name) === false;

/** A numeric user gives no group; a user name brings its own. */
const userWithoutGroup: Check = (d, m) => {
  // The smtp transport runs as Exim itself and does not check (Exim 4.96 accepts "user = 0" there).
  if (d.driverName === 'smtp') return undefined;
  const user = value(m, d, 'user');
  // Numeric as route_finduser() sees it: a digit or "-" first, digits after ("-1", even "-").
  return user !== undefined && /^[-0-9][0-9]*$/.test(user) && !set(m, d, 'group') ? `user set without group for the ${d.name} transport` : undefined;
};

const TRANSPORT_CHECKS: Record<string, Check[]> = {
  '*': [(d, m) => (on(m, d, 'body_only') && on(m, d, 'headers_only') ? `${d.name} transport: body_only and headers_only are mutually exclusive` : undefined), userWithoutGroup],
  appendfile: [
    (d, m) => (set(m, d, 'file') && set(m, d, 'directory') ? 'only one of "file" or "directory" can be specified' : undefined),
    // Every kind of lock turned off (fcntl and lock files are on by default), whatever the format.
    (d, m) =>
      off(m, d, 'use_fcntl_lock') && off(m, d, 'use_lockfile') && !on(m, d, 'use_flock_lock') && !on(m, d, 'use_mbx_lock')
        ? 'no locking configured (use_fcntl_lock, use_flock_lock, use_lockfile and use_mbx_lock are all false)'
        : undefined,
    (d, m) => (set(m, d, 'file') && set(m, d, 'quota_filecount') ? 'quota_filecount must not be set without "directory"' : undefined),
    (d, m) => (set(m, d, 'file') && set(m, d, 'quota_directory') ? 'quota_directory must not be set without "directory"' : undefined),
    (d, m) =>
      off(m, d, 'use_fcntl_lock') && off(m, d, 'use_lockfile') && !on(m, d, 'use_flock_lock') && !on(m, d, 'use_mbx_lock') && !on(m, d, 'mbx_format')
        ? 'no locking configured'
        : undefined,
    (d, m) => (set(m, d, 'directory') && on(m, d, 'maildir_format') && on(m, d, 'mailstore_format') ? 'only one of maildir and mailstore may be specified' : undefined),
    (d, m) => (set(m, d, 'directory') && set(m, d, 'quota_filecount') && !set(m, d, 'quota') ? 'quota must be set if quota_filecount is set' : undefined),
    (d, m) => (set(m, d, 'directory') && set(m, d, 'quota_directory') && !set(m, d, 'quota') ? 'quota must be set if quota_directory is set' : undefined),
    (d, m) => {
      const v = value(m, d, 'create_file');
      // Exim 4.96 accepts an empty value (the default stays) and, as the option is not
      // expanded, refuses "create_file = $x".
      if (v === undefined || v === '' || /^(anywhere|belowhome|inhome)$/.test(v) || v.startsWith('/')) return undefined;
      return `invalid value given for "create_file" for the ${d.name} transport: '${v}'`;
    },
  ],
  smtp: [
    (d, m) =>
      ['command_timeout', 'data_timeout', 'final_timeout'].some((name) => {
        const v = value(m, d, name);
        return v !== undefined && readTime(v) === 0;
      })
        ? `command, data, or final timeout value is zero for ${d.name} transport`
        : undefined,
    // A shadow transport runs after a local delivery only.
    (d, m) => (set(m, d, 'shadow_transport') ? `shadow transport not allowed on non-local transport ${d.name}` : undefined),
  ],
  lmtp: [(d, m) => (set(m, d, 'command') === set(m, d, 'socket') ? `one (and only one) of command or socket must be set for the ${d.name} transport` : undefined)],
  // In the order pipe_transport_init() checks (measured pairwise with exim -bV).
  pipe: [
    // Delivering as the message's creator leaves no room for a user or group of its own.
    (d, m) => (on(m, d, 'pipe_as_creator') && (set(m, d, 'user') || set(m, d, 'group')) ? `both pipe_as_creator and an explicit uid/gid are set for the ${d.name} transport` : undefined),
    userWithoutGroup,
    (d, m) => {
      const v = value(m, d, 'temp_errors');
      // Exim only checks the characters (strspn with "0123456789: "): "75::73" and ":" pass, a tab does not.
      if (v === undefined || v === '*' || /^[0-9: ]*$/.test(v)) return undefined;
      return `temp_errors must be a list of numbers or an asterisk for the ${d.name} transport`;
    },
    (d, m) => (on(m, d, 'return_output') && on(m, d, 'return_fail_output') ? `both return_output and return_fail_output set for ${d.name} transport` : undefined),
    (d, m) => (on(m, d, 'log_output') && on(m, d, 'log_fail_output') ? `both log_output and log_fail_output set for the ${d.name} transport` : undefined),
    (d, m) => (on(m, d, 'restrict_to_path') && on(m, d, 'use_shell') ? `both restrict_to_path and use_shell set for ${d.name} transport` : undefined),
    (d, m) => (set(m, d, 'allow_commands') && on(m, d, 'use_shell') ? `both allow_commands and use_shell set for ${d.name} transport` : undefined),
  ],
};

const AUTHENTICATOR_CHECKS: Record<string, Check[]> = {
  // Unlike the other drivers, cram_md5 does not fall back to the authenticator's name (and
  // after another authenticator, Exim 4.96 crashes on it instead of saying so).
  cram_md5: [(d, m) => (set(m, d, 'public_name') ? undefined : `no public name specified for the ${d.name} authenticator (a cram_md5 authenticator needs one, such as public_name = CRAM-MD5)`)],
  // So does cyrus_sasl (with no server_mech either, Exim 4.96 crashes instead of saying so).
  cyrus_sasl: [
    (d, m) =>
      set(m, d, 'public_name')
        ? undefined
        : `no public name specified for the ${d.name} authenticator (a cyrus_sasl authenticator needs one, the SASL mechanism such as public_name = PLAIN)${set(m, d, 'server_mech') ? '' : '; without server_mech either, Exim 4.96 does not say so: it crashes (SIGSEGV) as it sets the authenticator up, in exim -bV and in every SMTP session'}`,
  ],
  spa: [(d, m) => (set(m, d, 'client_username') !== set(m, d, 'client_password') ? 'one of client_username and client_password cannot be set without the other' : undefined)],
};

/** Runs a driver's checks in order; Exim stops at the first problem. */
function run(ctx: RuleContext, d: DriverNode, checks: readonly Check[], more: readonly Check[], cls: string): void {
  for (let i = 0; i < checks.length + more.length; i++) {
    const problem = (i < checks.length ? checks[i] : more[i - checks.length])(d, ctx.model);
    if (!problem) continue;
    const named = problem.includes(`${d.name} ${cls}`) || problem.includes(`the ${d.name} ${cls}`);
    const message = named ? problem : `${d.name} ${cls}: ${problem}`;
    ctx.report({ message, loc: d.nameLoc });
    return;
  }
}

const NONE: readonly Check[] = [];

/** The checks of one driver, not those of the object prototype ("driver = constructor"). */
function checksOf(table: Record<string, Check[]>, driver: string): readonly Check[] | undefined {
  return Object.prototype.hasOwnProperty.call(table, driver) ? table[driver] : undefined;
}

const driverRequirements: Rule = {
  id: 'driver-requirements',
  defaultSeverity: 'error',
  title: 'router, transport or authenticator without an option its driver requires, or with options it refuses together',
  check(ctx) {
    const routers = ctx.model.activeDrivers('routers');
    for (let i = 0; i < routers.length; i++) {
      const d = routers[i];
      if (!d.driverName) continue;
      run(ctx, d, checksOf(ROUTER_CHECKS, d.driverName) ?? NONE, ROUTER_GENERIC, 'router');
    }
    const transports = ctx.model.activeDrivers('transports');
    for (let i = 0; i < transports.length; i++) {
      const d = transports[i];
      if (!d.driverName || d.driverName === '*') continue;
      run(ctx, d, checksOf(TRANSPORT_CHECKS, d.driverName) ?? NONE, TRANSPORT_CHECKS['*'], 'transport');
    }
    const authenticators = ctx.model.activeDrivers('authenticators');
    for (let i = 0; i < authenticators.length; i++) {
      const d = authenticators[i];
      if (d.driverName) run(ctx, d, checksOf(AUTHENTICATOR_CHECKS, d.driverName) ?? NONE, NONE, 'authenticator');
    }
  },
};

export const driverRules: Rule[] = [driverRequirements];
