/**
 * TLS for outgoing mail. Measured with Exim 4.96: a default `smtp` transport delivers
 * in clear whenever the server does not offer STARTTLS or the handshake fails;
 * `hosts_require_tls` is what prevents clear text; `tls_tempfail_tryclear = false` alone
 * does not (a server that never offers STARTTLS still gets the mail in clear).
 */
import { settingOf } from '../../util/stringSetting';
import { DriverNode, OptionNode } from '../../syntax/tree';
import { deleteLogicalLine, insertLinesAfter, replaceAt } from '../../fixes/edits';
import { addDriverSettingEdit } from '../../fixes/driverSetting';
import { allLoopback, exactListItems, isSpaceCode, listMatchesEverything, splitList } from '../../util/lists';
import { isIpv4Address } from '../../util/ipAddress';
import { ROUTE_HOST_OPTIONS, readRouteRule, routeListRules } from '../../util/routeList';
import { ConfigModel } from '../model';
import { valueSites } from '../valueSites';
import { Fix, Rule, RuleContext, TextEdit } from '../types';

const remoteCache = new WeakMap<ConfigModel, DriverNode[]>();
const remoteMemo = new WeakMap<ConfigModel, Map<DriverNode, boolean>>();

/** Active `smtp` transports that can deliver to hosts other than this machine. */
export function remoteSmtpTransports(model: ConfigModel): DriverNode[] {
  let list = remoteCache.get(model);
  if (!list) {
    list = [];
    const transports = model.activeDrivers('transports');
    for (let i = 0; i < transports.length; i++) if (isRemoteSmtp(model, transports[i])) list.push(transports[i]);
    remoteCache.set(model, list);
  }
  return list;
}

/** Whether a transport of model.activeDrivers('transports') is one of remoteSmtpTransports(); worked out once per transport. */
export function isRemoteSmtp(model: ConfigModel, transport: DriverNode): boolean {
  if (transport.driverName !== 'smtp') return false;
  let memo = remoteMemo.get(model);
  if (!memo) {
    memo = new Map();
    remoteMemo.set(model, memo);
  }
  let remote = memo.get(transport);
  if (remote === undefined) {
    remote = !onlyLoopback(model, transport);
    memo.set(transport, remote);
  }
  return remote;
}

/**
 * A transport only talks to this machine when its own `hosts` are all loopback and
 * override what routers supply, or when every router that uses it routes only to loopback;
 * and when no fallback_hosts (its own or such a router's) lead elsewhere.
 */
export function onlyLoopback(model: ConfigModel, transport: DriverNode): boolean {
  // Fallback hosts (the transport's, or a router's) take the mail when the main hosts defer.
  const fallback = settingOf(model.optionNode(transport, 'fallback_hosts'));
  if (fallback && !allLoopback(fallback)) return false;
  const hosts = settingOf(model.optionNode(transport, 'hosts'));
  if (hosts && model.booleanOption(transport, 'hosts_override') === true && allLoopback(hosts)) return true;
  const routers = model.routersUsing(transport.name);
  if (routers.length === 0) return false;
  for (let i = 0; i < routers.length; i++) if (!routerOnlyLoopback(model, routers[i], hosts)) return false;
  return true;
}

function routerOnlyLoopback(model: ConfigModel, router: DriverNode, transportHosts: string | undefined): boolean {
  const fallback = settingOf(model.optionNode(router, 'fallback_hosts'));
  if (fallback && !allLoopback(fallback)) return false;
  if (router.driverName !== 'manualroute') {
    // Routers that supply no hosts leave the transport's own `hosts` in charge.
    return router.driverName === 'accept' && !!transportHosts && allLoopback(transportHosts);
  }
  const routeData = settingOf(model.optionNode(router, 'route_data'));
  if (routeData !== undefined) return allLoopback(withoutHostOptions(routeData));
  const routeList = settingOf(model.optionNode(router, 'route_list'));
  if (!routeList || routeList.includes('$')) return false;
  return routeListOnlyLoopback(routeList);
}


const isWordCode = (c: number): boolean => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
const isLineBreak = (c: number): boolean => c === 10 || c === 13 || c === 0x2028 || c === 0x2029;

/** route_data without the first host option (after white space) and everything after it. */
function withoutHostOptions(value: string): string {
  let i = 0;
  while (i < value.length) {
    if (!isSpaceCode(value.charCodeAt(i))) {
      i++;
      continue;
    }
    const start = i;
    while (i < value.length && isSpaceCode(value.charCodeAt(i))) i++;
    for (let k = 0; k < ROUTE_HOST_OPTIONS.length; k++) {
      const option = ROUTE_HOST_OPTIONS[k];
      const after = i + option.length;
      if (!value.startsWith(option, i) || (after < value.length && isWordCode(value.charCodeAt(after)))) continue;
      let rest = after;
      while (rest < value.length && !isLineBreak(value.charCodeAt(rest))) rest++;
      if (rest === value.length) return value.slice(0, start);
    }
  }
  return value;
}

/** route_list: "domains hosts options; ..."; every rule's hosts (its second item, maybe quoted) loopback. */
function routeListOnlyLoopback(list: string): boolean {
  for (const { from, to } of routeListRules(list)) {
    const rule = readRouteRule(list, from, to, true);
    if (!rule || rule.hostStart >= rule.hostEnd || !allLoopback(list.slice(rule.hostStart, rule.hostEnd))) return false;
  }
  return true;
}

export type TlsPosture = 'required' | 'opportunistic' | 'avoided' | 'local';

/** What a transport does about TLS, for hovers and messages. */
export function tlsPosture(model: ConfigModel, transport: DriverNode): TlsPosture {
  if (onlyLoopback(model, transport)) return 'local';
  const avoid = settingOf(model.optionNode(transport, 'hosts_avoid_tls'));
  if (tlsEnforcement(model, transport)) return 'required';
  if (avoid) return 'avoided';
  return 'opportunistic';
}

/** Adds an option line after `driver =` (or after `hosts_require_tls` when present), with its indentation. */
function addAfterDriver(transport: DriverNode, line: string, require?: OptionNode): Fix['edits'][number] {
  const anchor = (require && require.line.file === transport.line.file ? require : undefined) ?? transport.driverOption ?? transport.options[transport.options.length - 1];
  const indent = anchor ? anchor.line.file.indentOf(anchor.line.firstLine) : '  ';
  return insertLinesAfter((anchor ?? transport).line, anchor ? indent : '  ', [line]);
}

/**
 * Host list items that match every host a transport connects to: "*", and the address of the
 * host itself ($host_address is the address being tried when hosts_require_tls is checked;
 * measured: a server without STARTTLS is then deferred, as with "*").
 */
const EVERY_HOST_ITEM = /^(?:\*|\$host_address|\$\{host_address\})$/;

/** Named lists inside named lists are followed this deep. */
const MAX_LIST_DEPTH = 10;

/** The items of the active hostlist of that name (the first definition, as Exim refuses a second), or undefined. */
function namedHostlistItems(model: ConfigModel, name: string): string[] | undefined {
  const list = valueSites(model.tree).namedLists.find((l) => l.active && l.listType === 'hostlist' && l.name === name);
  return list && exactListItems(list.value);
}

/**
 * Whether a host list, read in order, matches every host: such an item with no negated item
 * before it; a `+name` item is its hostlist's items.
 */
function matchesEveryHost(model: ConfigModel, items: readonly string[], depth = 0): boolean {
  for (const item of items) {
    if (item.startsWith('!')) return false;
    if (EVERY_HOST_ITEM.test(item)) return true;
    if (item.startsWith('+')) {
      const sub = depth < MAX_LIST_DEPTH ? namedHostlistItems(model, item.slice(1).trim()) : undefined;
      if (!sub) return false;
      if (matchesEveryHost(model, sub, depth + 1)) return true;
    }
  }
  return false;
}

/** A host the configuration routes to: a literal IPv4 address, or a host name. */
type RoutedHost = { ip: string; name?: undefined } | { name: string; ip?: undefined };

const HOST_NAME = /^(?=.*[A-Za-z])[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)*\.?$/;
const sameName = (a: string, b: string): boolean => a.replace(/\.$/, '').toLowerCase() === b.replace(/\.$/, '').toLowerCase();

/**
 * Whether the host list matches the host, or undefined when an item before the answer
 * cannot be read here. A `+name` item matches when its hostlist does (a negated item inside
 * it only ends that list without a match). For a host routed by name, Exim matches a name
 * item by looking it up: the same name matches (measured: `hosts_require_tls = mx1` with
 * `route_list = * mx1` refuses a server without TLS), a `*.suffix` item matches the name;
 * whether an address or another name is the same host depends on DNS, and is unknown here,
 * as are lookups, regular expressions and other items this reader does not follow.
 */
function hostListMatches(model: ConfigModel, items: readonly string[], host: RoutedHost, depth = 0): boolean | undefined {
  for (const item of items) {
    const negated = item.startsWith('!');
    const body = negated ? item.slice(1).trim() : item;
    let match: boolean | undefined;
    if (EVERY_HOST_ITEM.test(body)) match = true;
    else if (body.startsWith('+')) {
      const sub = depth < MAX_LIST_DEPTH ? namedHostlistItems(model, body.slice(1).trim()) : undefined;
      const subMatch = sub && hostListMatches(model, sub, host, depth + 1);
      if (subMatch === undefined) return undefined;
      match = subMatch;
    } else if (host.name !== undefined) {
      // Another name, or an address, may be the same host.
      if (HOST_NAME.test(body)) match = sameName(body, host.name) || undefined;
      else if (/^\*\.[^*]+$/.test(body)) match = host.name.toLowerCase().endsWith(body.slice(1).toLowerCase()) || undefined;
    } else if (isIpv4Address(body)) match = body === host.ip;
    else {
      const cidr = /^([\d.]+)\/(\d{1,2})$/.exec(body);
      if (cidr && isIpv4Address(cidr[1]) && Number(cidr[2]) <= 32) {
        const bits = Number(cidr[2]);
        const mask = bits === 0 ? 0 : (~0 << (32 - bits)) >>> 0;
        match = ((ipv4Number(cidr[1]) & mask) >>> 0) === ((ipv4Number(host.ip) & mask) >>> 0);
      }
    }
    // An item that may or may not match decides the answer only when it is negated: a
    // positive one that does not match leaves the later items to answer.
    if (match === undefined && negated) return undefined;
    if (match) return !negated;
  }
  return false;
}

const ipv4Number = (ip: string): number => ip.split('.').reduce((n, part) => n * 256 + Number(part), 0);

/**
 * The hosts of a host list when it is only literal IPv4 addresses and host names, each maybe
 * with a port ("192.0.2.1::587" in a ":" list is the item "192.0.2.1:587"), else undefined.
 */
function literalHosts(list: string): RoutedHost[] | undefined {
  if (list.includes('$')) return undefined;
  const items = exactListItems(list.trim())
    .filter((x) => x !== '')
    .map((x) => x.replace(/:\d+$/, ''));
  const hosts: RoutedHost[] = [];
  for (const item of items) {
    if (isIpv4Address(item)) hosts.push({ ip: item });
    else if (HOST_NAME.test(item)) hosts.push({ name: item });
    else return undefined;
  }
  return hosts.length > 0 ? hosts : undefined;
}

/**
 * Every host the transport can deliver to, when the configuration says them all as literal
 * IPv4 addresses or host names: its own `hosts` with hosts_override, or the route_list or
 * route_data of each manualroute router that uses it (an accept router leaves the
 * transport's `hosts` in charge); no fallback_hosts. Undefined when any host can come from
 * elsewhere (MX records, an expansion, a rule that names another transport).
 */
function reachableHosts(model: ConfigModel, transport: DriverNode): RoutedHost[] | undefined {
  if (settingOf(model.optionNode(transport, 'fallback_hosts'))) return undefined;
  const hosts = settingOf(model.optionNode(transport, 'hosts'));
  if (hosts && model.booleanOption(transport, 'hosts_override') === true) return literalHosts(hosts);
  const routers = model.routersUsing(transport.name);
  if (routers.length === 0) return undefined;
  const out: RoutedHost[] = [];
  for (const router of routers) {
    if (settingOf(model.optionNode(router, 'fallback_hosts'))) return undefined;
    let found: RoutedHost[] | undefined;
    if (router.driverName === 'accept') found = hosts ? literalHosts(hosts) : undefined;
    else if (router.driverName === 'manualroute') {
      const routeData = settingOf(model.optionNode(router, 'route_data'));
      const list = routeData !== undefined ? undefined : settingOf(model.optionNode(router, 'route_list'));
      if (routeData !== undefined) found = literalHosts(withoutHostOptions(routeData));
      else if (list !== undefined && !list.includes('$')) {
        found = [];
        for (const { from, to } of routeListRules(list)) {
          const rule = readRouteRule(list, from, to, true);
          const options = rule ? list.slice(rule.optionsStart, rule.end).split(/\s+/).filter(Boolean) : [];
          const routed = rule && options.every((o) => ROUTE_HOST_OPTIONS.includes(o)) ? literalHosts(list.slice(rule.hostStart, rule.hostEnd)) : undefined;
          if (!routed) return undefined;
          found.push(...routed);
        }
      }
    }
    if (!found) return undefined;
    out.push(...found);
  }
  return out;
}

/**
 * Whether a transport's hosts_require_tls covers every host it can deliver to, so that
 * nothing goes in clear: the list matches every host, or it names each host the
 * configuration routes this transport to (reachableHosts()).
 */
export function requireTlsCovers(model: ConfigModel, transport: DriverNode, value: string): boolean {
  if (value === '') return false;
  const items = exactListItems(value);
  if (matchesEveryHost(model, items)) return true;
  const hosts = reachableHosts(model, transport);
  return hosts !== undefined && hosts.length > 0 && hosts.every((host) => hostListMatches(model, items, host) === true);
}

export interface TlsEnforcement {
  option: 'protocol' | 'hosts_require_tls' | 'hosts_require_dane';
  value: string;
}

/**
 * What keeps every message of a transport out of clear text, or undefined when nothing does
 * (measured with deliveries to a server without TLS): `protocol = smtps` (TLS on connect: a
 * failed handshake defers, nothing falls back to clear text), or a hosts_require_tls or
 * hosts_require_dane list that covers every host the transport delivers to (requireTlsCovers();
 * with DANE required and no DANE possible the delivery fails).
 */
export function tlsEnforcement(model: ConfigModel, transport: DriverNode): TlsEnforcement | undefined {
  let memo = enforcementMemo.get(model);
  if (!memo) enforcementMemo.set(model, (memo = new Map()));
  let found = memo.get(transport);
  if (found === undefined) memo.set(transport, (found = findEnforcement(model, transport) ?? null));
  return found ?? undefined;
}

/** Whether the transport does TLS on connect (`protocol = smtps`, any case: measured). */
export function isSmtps(model: ConfigModel, transport: DriverNode): boolean {
  return settingOf(model.optionNode(transport, 'protocol'))?.trim().toLowerCase() === 'smtps';
}

function findEnforcement(model: ConfigModel, transport: DriverNode): TlsEnforcement | undefined {
  if (isSmtps(model, transport)) return { option: 'protocol', value: 'smtps' };
  for (const option of ['hosts_require_tls', 'hosts_require_dane'] as const) {
    const value = settingOf(model.optionNode(transport, option)) ?? '';
    if (requireTlsCovers(model, transport, value)) return { option, value };
  }
  return undefined;
}

/** tlsEnforcement() per transport, worked out once per analysis (the rules and the hover all ask). */
const enforcementMemo = new WeakMap<ConfigModel, Map<DriverNode, TlsEnforcement | null>>();

/**
 * With hosts_require_tls = *, a hosts_avoid_tls of the transport makes delivery to its hosts
 * impossible (tls-avoided, an error): the fix that requires TLS takes it out as well.
 */
function avoidTlsRemoval(ctx: RuleContext, t: DriverNode): { edits: TextEdit[]; note: string } {
  const avoid = ctx.model.optionNode(t, 'hosts_avoid_tls');
  if (!avoid || (settingOf(avoid) ?? '') === '' || isSmtps(ctx.model, t)) return { edits: [], note: '' };
  return { edits: [deleteLogicalLine(avoid.line)], note: ' and remove its hosts_avoid_tls' };
}

const tlsNotRequired: Rule = {
  id: 'tls-not-required',
  defaultSeverity: 'warning',
  title: 'smtp transport that may deliver to remote hosts in clear text',
  check(ctx: RuleContext) {
    const transports = ctx.model.activeDrivers('transports');
    for (let i = 0; i < transports.length; i++) {
      const t = transports[i];
      if (t.driverName !== 'smtp') continue;
      const set = ctx.model.optionNode(t, 'hosts_require_tls');
      const value = settingOf(set) ?? '';
      if (tlsEnforcement(ctx.model, t) || !isRemoteSmtp(ctx.model, t)) continue;
      const avoid = avoidTlsRemoval(ctx, t);
      if (!set || value === '') {
        const add = set ? replaceAt(set.loc, 'hosts_require_tls = *') : addDriverSettingEdit(ctx.model, t, 'hosts_require_tls', 'hosts_require_tls = *', () => addAfterDriver(t, 'hosts_require_tls = *'));
        ctx.report({
          message: `transport "${t.name}" can deliver to remote hosts without TLS: hosts_require_tls is ${set ? 'empty' : 'not set'}, so when a server does not offer STARTTLS the message is sent in clear`,
          loc: t.nameLoc,
          data: { transport: t.name },
          fixes: add && [
            {
              title: `Require TLS for every host: add "hosts_require_tls = *" to ${t.name}${avoid.note}`,
              edits: [add, ...avoid.edits],
              hardening: true,
              isPreferred: true,
            },
          ],
        });
      } else {
        const why = value.includes('$')
          ? 'is an expansion whose result cannot be checked here'
          : /\s#/.test(value)
            ? 'does not cover every host ("#" starts a comment only at the start of a line: here it is part of the list)'
            : 'does not cover every host';
        const loc = set.valueLoc ?? set.wordLoc;
        ctx.report({
          message: `transport "${t.name}": hosts_require_tls = ${value} ${why}; mail to other hosts can be sent in clear`,
          loc,
          data: { transport: t.name },
          fixes: [{ title: `Require TLS for every host: hosts_require_tls = *${avoid.note}`, edits: [replaceAt(loc, '*'), ...avoid.edits], hardening: true, isPreferred: true }],
        });
      }
    }
  },
};

const tlsTryclear: Rule = {
  id: 'tls-tryclear',
  defaultSeverity: 'warning',
  title: 'smtp transport that falls back to clear text after a temporary TLS failure',
  check(ctx) {
    const transports = ctx.model.activeDrivers('transports');
    for (let i = 0; i < transports.length; i++) {
      const t = transports[i];
      if (t.driverName !== 'smtp' || ctx.model.booleanOption(t, 'tls_tempfail_tryclear') === false || !isRemoteSmtp(ctx.model, t)) continue;
      const set = ctx.model.optionNode(t, 'tls_tempfail_tryclear');
      const requireNode = ctx.model.optionNode(t, 'hosts_require_tls');
      const covered = tlsEnforcement(ctx.model, t);
      // TLS on connect has no STARTTLS to fall back from.
      if (covered?.option === 'protocol') continue;
      const message = covered
        ? `transport "${t.name}" leaves tls_tempfail_tryclear true: ${covered.option} = ${covered.value} already stops clear text, but a host ever left out of that list would get the message in clear after a failed STARTTLS (the cost of false: a 454 answer to STARTTLS is then retried, not bounced)`
        : `transport "${t.name}" leaves tls_tempfail_tryclear true: after a temporary TLS failure with a host not in hosts_require_tls, Exim retries the delivery in clear`;
      const add = set ? replaceAt(set.loc, 'tls_tempfail_tryclear = false') : addDriverSettingEdit(ctx.model, t, 'tls_tempfail_tryclear', 'tls_tempfail_tryclear = false', () => addAfterDriver(t, 'tls_tempfail_tryclear = false', requireNode));
      ctx.report({
        message,
        loc: set ? set.wordLoc : t.nameLoc,
        data: { transport: t.name },
        fixes: add && [{ title: `Set tls_tempfail_tryclear = false on ${t.name}`, edits: [add], hardening: true, isPreferred: true }],
      });
    }
  },
};

function listsOverlap(a: string, b: string): boolean {
  if (listMatchesEverything(a) || listMatchesEverything(b)) return true;
  const left = new Set(splitList(a).map((x) => x.toLowerCase()));
  return splitList(b).some((x) => !x.startsWith('!') && left.has(x.toLowerCase()));
}

const tlsAvoided: Rule = {
  id: 'tls-avoided',
  defaultSeverity: 'warning',
  title: 'smtp transport that never tries TLS with some hosts',
  check(ctx) {
    const transports = ctx.model.activeDrivers('transports');
    for (let i = 0; i < transports.length; i++) {
      const t = transports[i];
      if (t.driverName !== 'smtp') continue;
      const avoid = ctx.model.optionNode(t, 'hosts_avoid_tls');
      const value = settingOf(avoid) ?? '';
      // TLS on connect does not ask: hosts_avoid_tls changes nothing (measured).
      if (!avoid || value === '' || !isRemoteSmtp(ctx.model, t) || isSmtps(ctx.model, t)) continue;
      // With TLS (or DANE) also required of a host, it gets no delivery at all (a DANE
      // requirement bounces the message: measured), not one in clear. A requirement that
      // covers every host (requireTlsCovers(): `*`, `$host_address`, a +named list of every
      // host, each routed address) overlaps any avoided host.
      const required = (['hosts_require_tls', 'hosts_require_dane'] as const)
        .map((option) => ({ option, list: settingOf(ctx.model.optionNode(t, option)) ?? '' }))
        .find((r) => r.list !== '' && (listsOverlap(value, r.list) || requireTlsCovers(ctx.model, t, r.list)));
      const conflict = required !== undefined;
      ctx.report({
        severity: conflict ? 'error' : undefined,
        message: required
          ? `transport "${t.name}": hosts_avoid_tls = ${value} overlaps ${required.option} = ${required.list}; delivery to those hosts can never succeed`
          : `transport "${t.name}": hosts_avoid_tls = ${value} means Exim never tries TLS with those hosts and sends in clear`,
        loc: avoid.wordLoc,
        data: { transport: t.name },
        fixes: [{ title: `Remove hosts_avoid_tls from ${t.name}`, edits: [deleteLogicalLine(avoid.line)], hardening: true, isPreferred: true }],
      });
    }
  },
};

/** GnuTLS priority strings and OpenSSL options that turn old protocol versions back on. */
const OLD_GNUTLS = /\+VERS-(SSL3\.0|TLS1\.0|TLS1\.1)\b/i;
const OLD_OPENSSL = /(^|\s)-no_(sslv3|tlsv1|tlsv1_1)\b/i;

function checkProtocols(ctx: RuleContext, option: OptionNode): void {
  const m = option.word === 'tls_require_ciphers' ? OLD_GNUTLS.exec(option.value) : option.word === 'openssl_options' ? OLD_OPENSSL.exec(option.value) : null;
  if (!m) return;
  const version = (m[1].startsWith('+') ? m[1] : m[2] ?? m[1]).toUpperCase();
  ctx.report({
    message: `${option.word} enables ${version.replace('VERS-', '').replace('NO_', '')}, a protocol version with known weaknesses that current clients and servers refuse`,
    loc: option.valueLoc ?? option.wordLoc,
    active: option.active,
  });
}

const tlsOldProtocol: Rule = {
  id: 'tls-old-protocol',
  defaultSeverity: 'warning',
  title: 'configuration that enables SSL 3.0, TLS 1.0 or TLS 1.1',
  check(ctx) {
    if (!ctx.model.mayHaveOption('tls_require_ciphers') && !ctx.model.mayHaveOption('openssl_options')) return;
    const sections = ctx.tree.sections;
    for (let i = 0; i < sections.length; i++) {
      const items = sections[i].items;
      for (let j = 0; j < items.length; j++) {
        const item = items[j];
        if (item.kind === 'option') checkProtocols(ctx, item);
        else if (item.kind === 'driver') for (let k = 0; k < item.options.length; k++) checkProtocols(ctx, item.options[k]);
      }
    }
  },
};

export const tlsRules: Rule[] = [tlsNotRequired, tlsTryclear, tlsAvoided, tlsOldProtocol];
