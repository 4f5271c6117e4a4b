import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hover } from '../../../server/src/core/features/hover';
import { describedOptionKeys } from '../../../server/src/core/optionDocs';
import { lookupOption } from '../../../server/src/core/options';
import { Position } from '../../../server/src/core/syntax/source';
import { CONFIG, FILE, parse, posOf, quad } from './fixture';

const tree = parse();
const at = (p: Position, text = CONFIG) => hover(text === CONFIG ? tree : parse(text), FILE, p);

const SPEC = 'https://www.exim.org/exim-html-4.96/doc/html/spec_html/';

test('tls_tempfail_tryclear: type boolean, default true, the measured caveat, the smtp transport chapter', () => {
  const h = at(posOf(CONFIG, 45, 'tempfail'))!;
  assert.deepEqual(quad(h.range), [45, 2, 45, 23]);
  const md = h.markdown;
  assert.match(md, /^\*\*tls_tempfail_tryclear\*\* — private option of the smtp transport/);
  assert.match(md, /Type: `boolean` · Default: `true`/);
  assert.match(md, /with false, a 454 answer to STARTTLS is retried, not bounced/);
  assert.match(md, /with hosts_require_tls = \* nothing is sent in clear either way/);
  assert.ok(md.includes(`(${SPEC}ch-the_smtp_transport.html)`), md);
});

test('main and generic options: scope and chapter; options without a description still show type and default', () => {
  const main = at(posOf(CONFIG, 9, 'qualify'))!.markdown;
  assert.match(main, /\*\*qualify_domain\*\* — main configuration option/);
  assert.ok(main.includes(`${SPEC}ch-main_configuration.html`));
  const generic = at(posOf(CONFIG, 31, 'transport'))!.markdown;
  assert.match(generic, /generic router option/);
  assert.match(generic, /Type: `string` · Default: `unset` · Expanded: yes/);
  assert.ok(generic.includes(`${SPEC}ch-generic_options_for_routers.html`));
  const priv = at(posOf(CONFIG, 49, 'file'))!.markdown;
  assert.match(priv, /private option of the appendfile transport/);
  assert.ok(priv.includes(`${SPEC}ch-the_appendfile_transport.html`));
  const negated = at(posOf(CONFIG, 32, 'more'))!.markdown;
  assert.match(negated, /^\*\*more\*\* — generic router option/);
  assert.match(negated, /`no_more` sets `more` to false\./);
  // An option that is not in this section: nothing to say here (the diagnostics say it).
  assert.equal(at({ line: 29, character: 3 }, CONFIG.replace('  driver = dnslookup', '  hosts_require_tls = *\n  driver = dnslookup')), undefined);
});

test('every described option exists in the option table, and there are enough of them', () => {
  const keys = describedOptionKeys();
  assert.ok(keys.length >= 60, String(keys.length));
  for (const key of keys) {
    const [scope, name] = key.split(':');
    const [section, driver] = scope.split('/');
    const info = lookupOption(section as 'main', name, driver);
    assert.ok(info, key);
    if (driver) assert.equal(info!.driver, driver, key);
    else if (section !== 'main') assert.equal(info!.scope, 'generic', key);
  }
  for (const tls of ['hosts_require_tls', 'hosts_avoid_tls', 'tls_tempfail_tryclear', 'tls_verify_certificates', 'tls_verify_hosts', 'tls_try_verify_hosts', 'tls_verify_cert_hostnames', 'hosts_require_dane', 'tls_require_ciphers', 'tls_sni']) {
    assert.ok(keys.includes(`transports/smtp:${tls}`), tls);
  }
  for (const tls of ['tls_advertise_hosts', 'tls_certificate', 'tls_privatekey', 'tls_verify_certificates', 'tls_on_connect_ports', 'auth_advertise_hosts']) assert.ok(keys.includes(`main:${tls}`), tls);
});

test('a macro use shows its value and where it is defined', () => {
  const h = at(posOf(CONFIG, 43, 'REMOTE'))!;
  assert.deepEqual(quad(h.range), [43, 9, 43, 20]);
  assert.equal(h.markdown, '**Macro** `REMOTE_PORT`\n\n```exim\nREMOTE_PORT = 25\n```\n\nDefined in `exim.conf` line 3.');
  // A use in a skipped .ifdef branch and the definition itself say the same.
  assert.match(at(posOf(CONFIG, 11, 'REMOTE'))!.markdown, /REMOTE_PORT = 25/);
  assert.match(at(posOf(CONFIG, 2, 'REMOTE'))!.markdown, /Defined in `exim.conf` line 3\./);
  // Exim's own macros.
  const builtin = hover(parse('.ifdef _HAVE_TLS\n.endif\n'), FILE, { line: 0, character: 9 })!;
  assert.match(builtin.markdown, /Built into Exim/);
});

test('transport names show their TLS posture in one sentence, at the definition and in transport =', () => {
  const def = at(posOf(CONFIG, 41, 'remote'))!;
  assert.deepEqual(quad(def.range), [41, 0, 41, 11]);
  assert.match(def.markdown, /^\*\*Transport\*\* `remote_smtp` \(smtp\)/);
  assert.match(def.markdown, /TLS: \*\*required\*\* — every host must accept STARTTLS \(hosts_require_tls = \*\); when TLS cannot be set up the message is deferred, never sent in clear text\./);
  assert.match(def.markdown, /Used by router `dnslookup`\./);
  const ref = at(posOf(CONFIG, 31, 'remote'))!;
  assert.deepEqual(quad(ref.range), [31, 14, 31, 25]);
  assert.equal(ref.markdown, def.markdown);
  assert.match(at(posOf(CONFIG, 37, 'local_delivery'))!.markdown, /TLS: not applicable — an appendfile transport delivers on this machine/);

  const opportunistic = CONFIG.replace('  hosts_require_tls = *\n', '');
  assert.match(at(posOf(opportunistic, 41, 'remote'), opportunistic)!.markdown, /TLS: \*\*opportunistic\*\* — used when the server offers STARTTLS, but a server that does not offer it \(or an attacker who strips it\) gets the message in clear text\./);
  const avoided = CONFIG.replace('  hosts_require_tls = *', '  hosts_avoid_tls = 192.0.2.1');
  assert.match(at(posOf(avoided, 41, 'remote'), avoided)!.markdown, /TLS: \*\*avoided\*\* — no TLS is attempted with the hosts in hosts_avoid_tls \(`192.0.2.1`\): mail to them always goes in clear text\./);
  const hostAddress = CONFIG.replace('  hosts_require_tls = *', '  hosts_require_tls = $host_address');
  assert.match(at(posOf(hostAddress, 41, 'remote'), hostAddress)!.markdown, /TLS: \*\*required\*\* — every host this transport delivers to must accept STARTTLS \(hosts_require_tls = `\$host_address` covers them all\)/);
  const local = CONFIG.replace('  hosts_require_tls = *', '  hosts = 127.0.0.1\n  hosts_override');
  assert.match(at(posOf(local, 41, 'remote'), local)!.markdown, /TLS: \*\*local only\*\*/);

  // Settings that keep TLS from starting are said too, with what they do to each posture (measured).
  const refused = CONFIG.replace('  hosts_require_tls = *\n  tls_tempfail_tryclear = false\n', '  tls_require_ciphers = HIGH:!aNULL\n');
  assert.match(at(posOf(refused, 41, 'remote'), refused)!.markdown, /TLS: \*\*opportunistic\*\* — .* \*\*But TLS cannot start\*\*: GnuTLS refuses tls_require_ciphers \(HIGH:!aNULL\), so messages to servers that offer STARTTLS go out in clear text as well\./);
  const required = CONFIG.replace('  hosts_require_tls = *\n', '  hosts_require_tls = *\n  tls_certificate = client.pem\n');
  assert.match(at(posOf(required, 41, 'remote'), required)!.markdown, /TLS: \*\*required\*\* — .* \*\*But TLS cannot start\*\*: tls_certificate is not an absolute path, so deliveries to servers that offer STARTTLS are deferred\./);
});

test('ACL names, named lists, routers, verbs, conditions, retry errors, variables and section names', () => {
  const acl = at(posOf(CONFIG, 5, 'acl_check'))!;
  assert.deepEqual(quad(acl.range), [5, 16, 5, 30]);
  assert.equal(acl.markdown, '**ACL** `acl_check_rcpt`\n\nRun for `acl_smtp_rcpt`.\n\nDefined in `exim.conf` line 17.');
  const list = at(posOf(CONFIG, 30, 'local_domains'))!;
  assert.match(list.markdown, /^\*\*domainlist\*\* `local_domains`\n\n```exim\ndomainlist local_domains = @ : localhost\n```/);
  assert.match(at(posOf(CONFIG, 28, 'dns'))!.markdown, /^\*\*Router\*\* `dnslookup` \(dnslookup\)\n\nDelivers with transport `remote_smtp`\./);
  assert.match(at(posOf(CONFIG, 18, 'deny'))!.markdown, /^\*\*ACL verb\*\* `deny`\n\nReject \(5xx\) if all conditions are true\./);
  assert.match(at(posOf(CONFIG, 20, 'verify'))!.markdown, /^\*\*ACL condition\*\* `verify = /);
  assert.match(at(posOf(CONFIG, 19, 'message'))!.markdown, /^\*\*ACL modifier\*\* `message = <text>`/);
  const retry = at(posOf(CONFIG, 53, 'tls_required'))!;
  assert.deepEqual(quad(retry.range), [53, 4, 53, 16]);
  assert.match(retry.markdown, /TLS was required/);
  const v = at(posOf(CONFIG, 49, 'local_part'))!;
  assert.deepEqual(quad(v.range), [49, 19, 49, 30]);
  assert.match(v.markdown, /^\*\*Expansion variable\*\* `\$local_part`\n\nTainted/);
  assert.match(at(posOf(CONFIG, 39, 'transports'))!.markdown, /^\*\*Section\*\* `transports`/);
  assert.equal(at({ line: 0, character: 3 }), undefined);
  assert.equal(at({ line: 7, character: 0 }), undefined);
});

test('an operator or item written like a variable (${local_part:...}, ${lookup{...) is described as what it is', () => {
  const text = 'acl_smtp_rcpt = r\nbegin acl\nr:\n  warn set acl_m0 = ${local_part:$sender_address} ${lookup{x}lsearch{/etc/x}}\n  accept\n';
  const op = at({ line: 3, character: 22 }, text)!;
  assert.match(op.markdown, /^\*\*Expansion operator\*\* `\$\{local_part:/);
  assert.doesNotMatch(op.markdown, /Tainted/);
  // ${lookup} has two forms, single-key and query-style: the hover lists both.
  assert.equal(
    at({ line: 3, character: 51 }, text)!.markdown.split('\n\n').slice(0, 2).join('\n\n'),
    '**Expansion item**\n\n- `${lookup {<key>} <search type> {<file>} {<string1>} {<string2>}}`\n- `${lookup <search type> {<query>} {<string1>} {<string2>}}`',
  );
  assert.match(at({ line: 3, character: 36 }, text)!.markdown, /^\*\*Expansion variable\*\* `\$sender_address`/);
});

test('hover on conditions, numbered and typed operator forms, and variables the manual does not list', () => {
  const line = '  warn set acl_m0 = ${if and{{eq{$1}{x}}{match_ip{$sender_host_address}{+h}}}{${length_3:$local_part_suffix}}{${quote_mysql:$domain}}}';
  const text = `acl_smtp_rcpt = r\nbegin acl\nr:\n${line}\n  accept\n`;
  const md = (word: string, nth = 0) => {
    let i = -1;
    for (let k = 0; k <= nth; k++) i = line.indexOf(word, i + 1);
    return at({ line: 3, character: i + 1 }, text)?.markdown;
  };
  assert.match(md('eq{')!, /^\*\*Expansion condition\*\* `eq \{<string1>\}\{<string2>\}`/);
  assert.match(md('match_ip')!, /^\*\*Expansion condition\*\* `match_ip \{<string1>\}\{<string2>\}`/);
  assert.match(md('and{')!, /^\*\*Expansion condition\*\* `and \{\{<cond1>\}/);
  assert.match(md('$1')!, /^\*\*Expansion variable\*\* `\$1`\n\nA substring a regular expression match captured/);
  assert.match(md('length_3')!, /^\*\*Expansion operator\*\* `\$\{length_3:<string>\}: the operator form of \$\{length\{/);
  assert.match(md('quote_mysql')!, /^\*\*Expansion operator\*\* `\$\{quote_<lookup type>:<string>\}: the string quoted for a mysql query`/);
  assert.match(md('$local_part_suffix')!, /^\*\*Expansion variable\*\* `\$local_part_suffix`\n\nTainted:/);
  // A word that is a condition's name but not written as one: no condition hover.
  const plain = 'acl_smtp_rcpt = r\nbegin acl\nr:\n  warn set acl_m0 = ${lookup{eq}lsearch{/etc/x}}\n  accept\n';
  assert.equal(at({ line: 3, character: 31 }, plain), undefined);
});

test('an ACL variable shows where it is set and whether data of the message reaches it', () => {
  const text = 'begin acl\nr:\n  warn set acl_m_id = ${hash{20}{62}{$sender_address}}\n  warn set acl_m_n = 1\n  accept condition = ${if eq{$acl_m_id$acl_m_n$acl_m_none}{}}\n';
  const h = (name: string) => at(posOf(text, 4, name, 2), text)!.markdown;
  assert.match(h('$acl_m_id'), /Set by:\n- `set acl_m_id = \$\{hash\{20\}\{62\}\{\$sender_address\}\}` in ACL r \(line 3\)/);
  assert.match(h('$acl_m_id'), /Tainted: it is set from `\$sender_address`, which comes from the message/);
  assert.match(h('$acl_m_n'), /`set acl_m_n = 1` in ACL r \(line 4\)/);
  assert.doesNotMatch(h('$acl_m_n'), /Tainted/);
  assert.match(h('$acl_m_none'), /No ACL statement sets `acl_m_none` in this configuration: it is empty\./);
});
