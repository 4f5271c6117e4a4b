/**
 * TLS for outgoing mail. Measured with Exim 4.96: a default `smtp` transport delivers
 * in clear whenever the server does not offer STARTTLS or the handshake fails;
 * `hosts_require_tls` is what prevents clear text; `tls_tempfail_tryclear = false` alone
 * does not (a server that never offers STARTTLS still gets the mail in clear).
 */
import { DriverNode } from '../../syntax/tree';
import { deleteLogicalLine, insertLinesAfter, replaceAt } from '../../fixes/edits';
import { isLoopbackHost, listMatchesEverything, splitList } from '../../util/lists';
import { ConfigModel } from '../model';
import { Fix, Rule, RuleContext } from '../types';

const remoteCache = new WeakMap<ConfigModel, DriverNode[]>();

/** Active `smtp` transports that can deliver to hosts other than this machine. */
export function remoteSmtpTransports(model: ConfigModel): DriverNode[] {
  let list = remoteCache.get(model);
  if (!list) {
    list = [...model.drivers('transports').values()].filter((t) => t.driverName === 'smtp' && !onlyLoopback(model, t));
    remoteCache.set(model, list);
  }
  return list;
}

/**
 * A transport only talks to this machine when its own `hosts` are all loopback and
 * override what routers supply, or when every router that uses it routes only to loopback.
 */
export function onlyLoopback(model: ConfigModel, transport: DriverNode): boolean {
  const hosts = model.driverOption(transport, 'hosts')?.node.value;
  const override = model.booleanOption(transport, 'hosts_override') === true;
  if (hosts && override && allLoopback(hosts)) return true;
  const routers = model.routersUsing(transport.name);
  if (routers.length === 0) return false;
  return routers.every((r) => routerOnlyLoopback(model, r, hosts));
}

function allLoopback(list: string): boolean {
  if (list.includes('$')) return false;
  const items = splitList(list);
  return items.length > 0 && items.every(isLoopbackHost);
}

function routerOnlyLoopback(model: ConfigModel, router: DriverNode, transportHosts: string | undefined): boolean {
  if (router.driverName !== 'manualroute') {
    // Routers that supply no hosts leave the transport's own `hosts` in charge.
    return router.driverName === 'accept' && !!transportHosts && allLoopback(transportHosts);
  }
  const routeData = model.driverOption(router, 'route_data')?.node.value;
  if (routeData !== undefined) return allLoopback(routeData.replace(/\s+(byname|bydns|randomize|no_randomize|ipv4_prefer|ipv6_prefer)\b.*$/, ''));
  const routeList = model.driverOption(router, 'route_list')?.node.value;
  if (!routeList || routeList.includes('$')) return false;
  // route_list: "domains hosts options; ..."
  return routeList
    .split(';')
    .map((r) => r.trim())
    .filter((r) => r !== '')
    .every((rule) => {
      const parts = rule.match(/"[^"]*"|\S+/g) ?? [];
      const hosts = (parts[1] ?? '').replace(/^"|"$/g, '');
      return hosts !== '' && allLoopback(hosts);
    });
}

export type TlsPosture = 'required' | 'opportunistic' | 'avoided' | 'local';

/** What a transport does about TLS, for hovers and messages. */
export function tlsPosture(model: ConfigModel, transport: DriverNode): TlsPosture {
  if (onlyLoopback(model, transport)) return 'local';
  const avoid = model.driverOption(transport, 'hosts_avoid_tls')?.node.value.trim();
  const require = model.driverOption(transport, 'hosts_require_tls')?.node.value.trim();
  if (require && listMatchesEverything(require) && !require.includes('$')) return 'required';
  if (avoid) return 'avoided';
  return 'opportunistic';
}

/** Adds an option line after `driver =` (or after `hosts_require_tls` when present), with its indentation. */
function addAfterDriver(transport: DriverNode, line: string, model?: ConfigModel): Fix['edits'][number] {
  const require = model?.driverOption(transport, 'hosts_require_tls')?.node;
  const anchor = (require && require.line.file === transport.line.file ? require : undefined) ?? transport.driverOption ?? transport.options[transport.options.length - 1];
  const indent = anchor ? anchor.line.file.indentOf(anchor.line.firstLine) : '  ';
  return insertLinesAfter((anchor ?? transport).line, anchor ? indent : '  ', [line]);
}

const tlsNotRequired: Rule = {
  id: 'tls-not-required',
  defaultSeverity: 'warning',
  title: 'smtp transport that may deliver to remote hosts in clear text',
  check(ctx: RuleContext) {
    for (const t of remoteSmtpTransports(ctx.model)) {
      const set = ctx.model.driverOption(t, 'hosts_require_tls');
      const value = set?.node.value.trim() ?? '';
      if (!set || value === '') {
        ctx.report({
          message: `transport "${t.name}" can deliver to remote hosts without TLS: hosts_require_tls is not set, so when a server does not offer STARTTLS the message is sent in clear`,
          loc: t.nameLoc,
          data: { transport: t.name },
          fixes: [
            {
              title: `Require TLS for every host: add "hosts_require_tls = *" to ${t.name}`,
              edits: set ? [replaceAt(set.node.loc, 'hosts_require_tls = *')] : [addAfterDriver(t, 'hosts_require_tls = *')],
              hardening: true,
              isPreferred: true,
            },
          ],
        });
      } else if (!listMatchesEverything(value) || value.includes('$')) {
        const why = value.includes('$') ? 'is an expansion whose result cannot be checked here' : 'does not cover every host';
        const loc = set.node.valueLoc ?? set.node.wordLoc;
        ctx.report({
          message: `transport "${t.name}": hosts_require_tls = ${value} ${why}; mail to other hosts can be sent in clear`,
          loc,
          data: { transport: t.name },
          fixes: [{ title: 'Require TLS for every host: hosts_require_tls = *', edits: [replaceAt(loc, '*')], hardening: true, isPreferred: true }],
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
    for (const t of remoteSmtpTransports(ctx.model)) {
      if (ctx.model.booleanOption(t, 'tls_tempfail_tryclear') === false) continue;
      const set = ctx.model.driverOption(t, 'tls_tempfail_tryclear');
      const require = ctx.model.driverOption(t, 'hosts_require_tls')?.node.value.trim() ?? '';
      const covered = require !== '' && listMatchesEverything(require) && !require.includes('$');
      const message = covered
        ? `transport "${t.name}" leaves tls_tempfail_tryclear true: hosts_require_tls = * already stops clear text, but a host ever left out of that list would get the message in clear after a failed STARTTLS (the cost of false: a 454 answer to STARTTLS is then retried, not bounced)`
        : `transport "${t.name}" leaves tls_tempfail_tryclear true: after a temporary TLS failure with a host not in hosts_require_tls, Exim retries the delivery in clear`;
      ctx.report({
        message,
        loc: set ? set.node.wordLoc : t.nameLoc,
        data: { transport: t.name },
        fixes: [
          {
            title: `Set tls_tempfail_tryclear = false on ${t.name}`,
            edits: [set ? replaceAt(set.node.loc, 'tls_tempfail_tryclear = false') : addAfterDriver(t, 'tls_tempfail_tryclear = false', ctx.model)],
            hardening: true,
            isPreferred: true,
          },
        ],
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
    for (const t of remoteSmtpTransports(ctx.model)) {
      const avoid = ctx.model.driverOption(t, 'hosts_avoid_tls');
      const value = avoid?.node.value.trim() ?? '';
      if (!avoid || value === '') continue;
      const require = ctx.model.driverOption(t, 'hosts_require_tls')?.node.value.trim() ?? '';
      const conflict = require !== '' && listsOverlap(value, require);
      ctx.report({
        severity: conflict ? 'error' : undefined,
        message: conflict
          ? `transport "${t.name}": hosts_avoid_tls = ${value} overlaps hosts_require_tls = ${require}; delivery to those hosts can never succeed`
          : `transport "${t.name}": hosts_avoid_tls = ${value} means Exim never tries TLS with those hosts and sends in clear`,
        loc: avoid.node.wordLoc,
        data: { transport: t.name },
        fixes: [{ title: `Remove hosts_avoid_tls from ${t.name}`, edits: [deleteLogicalLine(avoid.node.line)], hardening: true, isPreferred: true }],
      });
    }
  },
};

/** GnuTLS priority strings and OpenSSL options that turn old protocol versions back on. */
const OLD_GNUTLS = /\+VERS-(SSL3\.0|TLS1\.0|TLS1\.1)\b/i;
const OLD_OPENSSL = /(^|\s)-no_(sslv3|tlsv1|tlsv1_1)\b/i;

const tlsOldProtocol: Rule = {
  id: 'tls-old-protocol',
  defaultSeverity: 'warning',
  title: 'configuration that enables SSL 3.0, TLS 1.0 or TLS 1.1',
  check(ctx) {
    const check = (option: { word: string; value: string; valueLoc?: import('../../syntax/source').Location; wordLoc: import('../../syntax/source').Location; active: boolean }) => {
      const m = option.word === 'tls_require_ciphers' ? OLD_GNUTLS.exec(option.value) : option.word === 'openssl_options' ? OLD_OPENSSL.exec(option.value) : null;
      if (!m) return;
      const version = (m[1].startsWith('+') ? m[1] : m[2] ?? m[1]).toUpperCase();
      ctx.report({
        message: `${option.word} enables ${version.replace('VERS-', '').replace('NO_', '')}, a protocol version with known weaknesses that current clients and servers refuse`,
        loc: option.valueLoc ?? option.wordLoc,
        active: option.active,
      });
    };
    for (const s of ctx.tree.sections) {
      for (const item of s.items) {
        if (item.kind === 'option') check(item);
        if (item.kind === 'driver') item.options.forEach(check);
      }
    }
  },
};

export const tlsRules: Rule[] = [tlsNotRequired, tlsTryclear, tlsAvoided, tlsOldProtocol];
