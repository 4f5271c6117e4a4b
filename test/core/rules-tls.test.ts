import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../server/src/core/analysis/analyze';
import { Finding } from '../../server/src/core/analysis/types';
import { harden } from '../../server/src/core/fixes/hardening';
import { applyEdits } from '../../server/src/core/fixes/edits';
import { memoryHost } from '../../server/src/core/host';
import { builtinMacroValues, builtinMacros } from '../../server/src/core/options';
import { parseText } from '../../server/src/core/syntax/parser';

const PATH = '/c/exim.conf';
const lint = (text: string): Finding[] => analyze(parseText(PATH, text, memoryHost({}), { builtinMacros: builtinMacros(), builtinMacroValues: builtinMacroValues() }));
const codes = (text: string) => lint(text).map((f) => `${f.code}@${f.loc.range.start.line + 1}`);
const hardeningCodes = (text: string) => lint(text).filter((f) => /^(tls|retry)-/.test(f.code)).map((f) => f.code);

const ROUTER = 'begin routers\ndnslookup:\n  driver = dnslookup\n  transport = remote_smtp\n';
const RETRY_OK = 'begin retry\n*   tls_required\n*   *   F,2h,15m; G,16h,1h,1.5; F,4d,6h\n';
const config = (transport: string, retry = RETRY_OK) => `${ROUTER}begin transports\nremote_smtp:\n  driver = smtp\n${transport}${retry}`;

test('a default smtp transport is flagged for hosts_require_tls and tls_tempfail_tryclear, at its name', () => {
  const findings = lint(config(''));
  const tls = findings.filter((f) => f.code.startsWith('tls-'));
  assert.deepEqual(
    tls.map((f) => [f.code, f.severity, f.loc.range.start.line, f.loc.range.start.character, f.loc.range.end.character]),
    [
      ['tls-not-required', 'warning', 5, 0, 11],
      ['tls-tryclear', 'warning', 5, 0, 11],
    ],
  );
  assert.match(tls[0].message, /transport "remote_smtp"/);
  assert.match(tls[0].message, /in clear/);
});

test('the recipe satisfies every TLS rule, in each way of writing false', () => {
  for (const off of ['tls_tempfail_tryclear = false', 'tls_tempfail_tryclear = no', 'no_tls_tempfail_tryclear', 'not_tls_tempfail_tryclear', 'tls_tempfail_tryclear = FALSE']) {
    assert.deepEqual(hardeningCodes(config(`  hosts_require_tls = *\n  ${off}\n`)), [], off);
  }
  assert.deepEqual(hardeningCodes(config('  hosts_require_tls = *\n  tls_tempfail_tryclear\n')), ['tls-tryclear']);
});

test('a hosts_require_tls list that does not cover every host is flagged on its value', () => {
  const f = lint(config('  hosts_require_tls = 10.0.0.0/8 : *.example.org\n  tls_tempfail_tryclear = false\n')).find((x) => x.code === 'tls-not-required')!;
  assert.deepEqual([f.loc.range.start.line, f.loc.range.start.character], [7, 22]);
  assert.match(f.message, /does not cover every host/);
  assert.deepEqual(hardeningCodes(config('  hosts_require_tls = !10.0.0.1 : *\n  no_tls_tempfail_tryclear\n')), ['tls-not-required']);
  assert.deepEqual(hardeningCodes(config('  hosts_require_tls = <; *\n  no_tls_tempfail_tryclear\n')), []);
});

test('hosts_require_tls = $host_address matches every host, like *', () => {
  for (const item of ['$host_address', '${host_address}', '192.0.2.9 : $host_address', '<; $host_address']) {
    assert.deepEqual(hardeningCodes(config(`  hosts_require_tls = ${item}\n  tls_tempfail_tryclear = false\n`)), [], item);
  }
  // A negated item before it, or another variable, is not every host.
  for (const item of ['!192.0.2.9 : $host_address', '$host', '${lookup{$host}lsearch{/etc/tls-hosts}}']) {
    assert.deepEqual(hardeningCodes(config(`  hosts_require_tls = ${item}\n  tls_tempfail_tryclear = false\n`)), ['tls-not-required'], item);
  }
});

test('hosts_require_tls that names every host the routers send this transport to covers it', () => {
  const routed = (routerOptions: string, require: string, extraRouter = '') =>
    hardeningCodes(
      [
        'begin routers',
        'gateway:',
        '  driver = manualroute',
        '  transport = remote_smtp',
        routerOptions,
        extraRouter,
        'begin transports',
        'remote_smtp:',
        '  driver = smtp',
        `  hosts_require_tls = ${require}`,
        '  tls_tempfail_tryclear = false',
        RETRY_OK,
      ].join('\n'),
    );
  assert.deepEqual(routed('  route_list = * 192.0.2.1', '192.0.2.1'), []);
  assert.deepEqual(routed('  route_list = * 192.0.2.1 byname', '192.0.2.0/24'), []);
  assert.deepEqual(routed('  route_list = a.example 192.0.2.1 ; * 192.0.2.2:192.0.2.3', '192.0.2.1 : 192.0.2.2 : 192.0.2.3'), []);
  assert.deepEqual(routed('  route_data = 192.0.2.1 randomize', '192.0.2.1'), []);
  // A host routed by name: the same name, or a *.suffix item (measured in test/oracle/tls-coverage).
  assert.deepEqual(routed('  route_list = * smtp.example.net', 'smtp.example.net'), []);
  assert.deepEqual(routed('  route_list = * SMTP.example.net::587', 'smtp.example.net.'), []);
  assert.deepEqual(routed('  route_data = smtp.example.net', '*.example.net'), []);
  assert.deepEqual(routed('  route_list = * smtp.example.net:192.0.2.1', 'smtp.example.net : 192.0.2.1'), []);
  // Hosts the list does not name, or cannot be known here.
  assert.deepEqual(routed('  route_list = * 192.0.2.1:192.0.2.4', '192.0.2.1'), ['tls-not-required']);
  assert.deepEqual(routed('  route_list = * smtp.example.net/MX', 'smtp.example.net'), ['tls-not-required']);
  assert.deepEqual(routed('  route_list = * smtp.example.net', '192.0.2.1'), ['tls-not-required']);
  assert.deepEqual(routed('  route_list = * smtp.example.net', '!mx.example.net : *.example.net'), ['tls-not-required']);
  assert.deepEqual(routed('  route_list = * 192.0.2.1\n  fallback_hosts = 192.0.2.7', '192.0.2.1'), ['tls-not-required']);
  assert.deepEqual(routed('  route_list = * 192.0.2.1', '!192.0.2.1 : 192.0.2.0/24'), ['tls-not-required']);
  assert.deepEqual(routed('  route_list = * $domain', '192.0.2.1'), ['tls-not-required']);
  assert.deepEqual(routed('  route_list = * 192.0.2.1 other_transport', '192.0.2.1'), ['tls-not-required']);
  assert.deepEqual(routed('  route_list = * 192.0.2.1', '192.0.2.1', 'dns:\n  driver = dnslookup\n  transport = remote_smtp'), ['tls-not-required']);
});

test('TLS on connect (protocol = smtps) and required DANE keep every message out of clear text', () => {
  // smtps: no STARTTLS, so nothing to fall back from either; the retry rule is still needed.
  assert.deepEqual(hardeningCodes(config('  protocol = smtps\n  port = 465\n')), []);
  assert.deepEqual(hardeningCodes(config('  protocol = smtps\n', 'begin retry\n*   *   F,2h,15m\n')), ['retry-tls-required-missing']);
  assert.deepEqual(hardeningCodes('SMARTHOST_PROTOCOL = smtps\n' + config('  protocol = SMARTHOST_PROTOCOL\n')), []);
  assert.deepEqual(hardeningCodes(config('  protocol = smtp\n')), ['tls-not-required', 'tls-tryclear']);
  // DANE required of every host: a host without DANE gets no delivery at all.
  assert.deepEqual(hardeningCodes(config('  hosts_require_dane = *\n  tls_tempfail_tryclear = false\n')), []);
  const dane = lint(config('  hosts_require_dane = *\n')).filter((f) => f.code.startsWith('tls-'));
  assert.deepEqual(dane.map((f) => f.code), ['tls-tryclear']);
  assert.match(dane[0].message, /hosts_require_dane = \* already stops clear text/);
  assert.deepEqual(hardeningCodes(config('  hosts_try_dane = *\n  tls_tempfail_tryclear = false\n')), ['tls-not-required']);
});

test('hosts_require_tls = +name reads the named hostlist', () => {
  const named = (lists: string, require: string) => hardeningCodes(lists + config(`  hosts_require_tls = ${require}\n  tls_tempfail_tryclear = false\n`));
  assert.deepEqual(named('hostlist tls_hosts = *\n', '+tls_hosts'), []);
  assert.deepEqual(named('hostlist inner = *\nhostlist tls_hosts = 192.0.2.1 : +inner\n', '+tls_hosts'), []);
  assert.deepEqual(named('hostlist tls_hosts = 192.0.2.1 : 192.0.2.2\n', '+tls_hosts'), ['tls-not-required']);
  assert.deepEqual(named('hostlist tls_hosts = *\n', '!+tls_hosts : *'), ['tls-not-required']);
  assert.deepEqual(named('', '+undefined_list'), ['tls-not-required']);
  assert.deepEqual(named('hostlist loop = +loop\n', '+loop'), ['tls-not-required']);
  // The one host a manualroute router sends to, named in the list.
  const routed = [
    'hostlist tls_hosts = 192.0.2.0/24',
    'begin routers',
    'gateway:',
    '  driver = manualroute',
    '  transport = remote_smtp',
    '  route_list = * 192.0.2.1',
    'begin transports',
    'remote_smtp:',
    '  driver = smtp',
    '  hosts_require_tls = +tls_hosts',
    '  tls_tempfail_tryclear = false',
    RETRY_OK,
  ].join('\n');
  assert.deepEqual(hardeningCodes(routed), []);
  assert.deepEqual(hardeningCodes(routed.replace('192.0.2.0/24', '198.51.100.0/24')), ['tls-not-required']);
});

test('an empty hosts_require_tls is called empty', () => {
  const f = lint(config('  hosts_require_tls =\n  tls_tempfail_tryclear = false\n')).find((x) => x.code === 'tls-not-required')!;
  assert.match(f.message, /hosts_require_tls is empty, so when a server does not offer STARTTLS/);
});

test('a negated catch-all retry rule leaves the tls_required rule after it to the one domain it names', () => {
  const text = config('  hosts_require_tls = *\n  tls_tempfail_tryclear = false\n', 'begin retry\n!example.com  *  F,2h,15m\n*   tls_required\n*   *   F,2h,15m\n');
  const [f] = lint(text).filter((x) => x.code === 'retry-tls-required-shadowed');
  assert.equal(f.message, 'retry rule "* tls_required" applies only to example.com: the earlier rule "!example.com  *  F,2h,15m" already matches every other domain, and every error (retry rules are first-match)');
  assert.equal(f.fixes![0].title, 'Move the tls_required rule before the catch-all rule');
  // A negated rule for one error only, or with senders, shadows nothing.
  assert.deepEqual(hardeningCodes(config('  hosts_require_tls = *\n  tls_tempfail_tryclear = false\n', 'begin retry\n!example.com  rcpt_4xx  F,2h,15m\n*   tls_required\n*   *   F,2h,15m\n')), []);
});

test('a retry pattern Exim cannot expand is reported: Exim skips the rule', () => {
  const text = config('  hosts_require_tls = *\n  tls_tempfail_tryclear = false\n', 'begin retry\n^.*$   tls_required\n*   *   F,2h,15m\n');
  const f = lint(text).find((x) => x.code === 'expansion-syntax')!;
  assert.match(f.message, /: Exim cannot expand the pattern, so it skips this retry rule$/);
  assert.deepEqual([f.loc.range.start.line, f.loc.range.start.character], [10, 3]);
  assert.deepEqual(lint(text.replace('^.*$', '^.*\\$')).filter((x) => x.code === 'expansion-syntax'), []);
});

test('third real-world round: SMTPS in capitals, hosts_avoid_tls with smtps, a smarthost address with a port, regex catch-all retry rules', () => {
  assert.deepEqual(hardeningCodes(config('  protocol = SMTPS\n')), []);
  assert.deepEqual(hardeningCodes(config('  protocol = smtps\n  hosts_avoid_tls = *\n')), []);
  const dane = lint(config('  hosts_require_dane = *\n  hosts_avoid_tls = 192.0.2.1\n  tls_tempfail_tryclear = false\n')).filter((f) => f.code === 'tls-avoided');
  assert.deepEqual(dane.map((f) => [f.severity, f.message]), [['error', 'transport "remote_smtp": hosts_avoid_tls = 192.0.2.1 overlaps hosts_require_dane = *; delivery to those hosts can never succeed']]);
  const routed = (route: string) =>
    hardeningCodes(['begin routers', 'gw:', '  driver = manualroute', '  transport = remote_smtp', route, 'begin transports', 'remote_smtp:', '  driver = smtp', '  hosts_require_tls = 192.0.2.1', '  tls_tempfail_tryclear = false', RETRY_OK].join('\n'));
  assert.deepEqual(routed('  route_list = * 192.0.2.1::587'), []);
  assert.deepEqual(routed('  route_list = * 192.0.2.1::587 byname'), []);
  assert.deepEqual(routed('  route_data = 192.0.2.1::587'), []);
  assert.deepEqual(routed('  route_list = * 192.0.2.2::587'), ['tls-not-required']);
  for (const pattern of ['^.*', '^.*\\$', '\\N^.*$\\N']) {
    assert.deepEqual(hardeningCodes(config('  hosts_require_tls = *\n  tls_tempfail_tryclear = false\n', `begin retry\n${pattern}   tls_required\n*   *   F,2h,15m\n`)), [], pattern);
  }
  // "!+name" is an address list Exim does not have: it skips the rule, which shadows nothing.
  assert.deepEqual(hardeningCodes('domainlist local_domains = example.org\n' + config('  hosts_require_tls = *\n  tls_tempfail_tryclear = false\n', 'begin retry\n!+local_domains  *  F,2h,15m\n*   tls_required\n*   *   F,2h,15m\n')), []);
});

test('macro values are resolved before judging', () => {
  const text = 'REQUIRE = *\nTRYCLEAR = false\n' + config('  hosts_require_tls = REQUIRE\n  tls_tempfail_tryclear = TRYCLEAR\n');
  assert.deepEqual(hardeningCodes(text), []);
});

test('settings inside a skipped .ifdef branch do not count', () => {
  const text = config('.ifdef NOT_DEFINED\n  hosts_require_tls = *\n  tls_tempfail_tryclear = false\n.endif\n');
  assert.deepEqual(hardeningCodes(text), ['tls-not-required', 'tls-tryclear']);
  const defined = 'NOT_DEFINED = 1\n' + text;
  assert.deepEqual(hardeningCodes(defined), []);
});

test('transports that only talk to this machine are not flagged', () => {
  const amavis = [
    'begin routers',
    'amavis:',
    '  driver = manualroute',
    '  route_list = * localhost byname',
    '  transport = amavis',
    'begin transports',
    'amavis:',
    '  driver = smtp',
    '  port = 10024',
    '  allow_localhost',
    'pinned:',
    '  driver = smtp',
    '  hosts = <; 127.0.0.1 ; ::1',
    '  hosts_override',
    RETRY_OK,
  ].join('\n');
  assert.deepEqual(hardeningCodes(amavis), []);
  // without hosts_override, router-supplied hosts win, so "pinned" could go anywhere
  assert.deepEqual(hardeningCodes(amavis.replace('  hosts_override\n', '')), ['tls-not-required', 'tls-tryclear']);
  // Fallback hosts take the mail when the loopback host defers: remote ones make the transport remote.
  assert.deepEqual(hardeningCodes(amavis.replace('  allow_localhost\n', '  allow_localhost\n  fallback_hosts = smtp.example.net\n')), ['tls-not-required', 'tls-tryclear']);
  assert.deepEqual(hardeningCodes(amavis.replace('  transport = amavis\n', '  transport = amavis\n  fallback_hosts = smtp.example.net\n')), ['tls-not-required', 'tls-tryclear']);
  assert.deepEqual(hardeningCodes(amavis.replace('  allow_localhost\n', '  allow_localhost\n  fallback_hosts = 127.0.0.1\n')), []);
});

test('several smtp transports are judged one by one', () => {
  const text = config('  hosts_require_tls = *\n  tls_tempfail_tryclear = false\nsmarthost:\n  driver = smtp\n  port = 587\n');
  assert.deepEqual(
    lint(text)
      .filter((f) => f.code.startsWith('tls-'))
      .map((f) => [f.code, f.data?.transport]),
    [
      ['tls-not-required', 'smarthost'],
      ['tls-tryclear', 'smarthost'],
    ],
  );
});

test('hosts_avoid_tls is a warning, and an error where it overlaps hosts_require_tls', () => {
  const warn = lint(config('  hosts_avoid_tls = 192.0.2.1\n')).find((f) => f.code === 'tls-avoided')!;
  assert.equal(warn.severity, 'warning');
  const err = lint(config('  hosts_require_tls = *\n  hosts_avoid_tls = 192.0.2.1\n  no_tls_tempfail_tryclear\n')).find((f) => f.code === 'tls-avoided')!;
  assert.equal(err.severity, 'error');
  assert.match(err.message, /can never succeed/);
  // A requirement of every host in another form overlaps too.
  for (const required of ['$host_address', '${host_address}', '+every']) {
    const main = required === '+every' ? 'hostlist every = *\n' : '';
    const f = lint(main + config(`  hosts_require_tls = ${required}\n  hosts_avoid_tls = 192.0.2.1\n  no_tls_tempfail_tryclear\n`)).find((x) => x.code === 'tls-avoided')!;
    assert.equal(f.severity, 'error', required);
  }
  // A partial requirement that does not name the avoided host is not an overlap.
  assert.equal(lint(config('  hosts_require_tls = 192.0.2.7\n  hosts_avoid_tls = 192.0.2.1\n')).find((f) => f.code === 'tls-avoided')!.severity, 'warning');
});

test('retry rules: missing, shadowed, retrying, prefix forms, and no retry section at all', () => {
  const required = '  hosts_require_tls = *\n  tls_tempfail_tryclear = false\n';
  assert.deepEqual(hardeningCodes(config(required, 'begin retry\n*   *   F,2h,15m\n')), ['retry-tls-required-missing']);
  assert.deepEqual(hardeningCodes(config(required, 'begin retry\n*   *   F,2h,15m\n*   tls_required\n')), ['retry-tls-required-shadowed']);
  assert.deepEqual(hardeningCodes(config(required, 'begin retry\n*   tls_required   F,1h,10m\n*   *   F,2h,15m\n')), ['retry-tls-required-retries']);
  assert.deepEqual(hardeningCodes(config(required, 'begin retry\n*   TLS\n*   *   F,2h,15m\n')), []);
  // a rule for other domains first does not shadow it
  assert.deepEqual(hardeningCodes(config(required, 'begin retry\nexample.org   *   F,2h,15m\n*   tls_req\n*   *   F,2h,15m\n')), []);
  const none = lint(config(required, ''));
  assert.deepEqual(
    none.filter((f) => f.code.startsWith('retry')).map((f) => [f.code, f.severity]),
    [['retry-section-missing', 'information']],
  );
  // without TLS required anywhere, the missing rule is not reported
  assert.deepEqual(codes(config('  hosts_avoid_tls = *\n  port = 25\n', 'begin retry\n*   *   F,2h,15m\n')).filter((c) => c.startsWith('retry-tls-required-missing')), []);
});

test('GnuTLS priority strings that enable old protocol versions are flagged', () => {
  const f = lint('tls_require_ciphers = NORMAL:+VERS-TLS1.0\n').filter((x) => x.code === 'tls-old-protocol');
  assert.equal(f.length, 1);
  assert.match(f[0].message, /TLS1\.0/);
  assert.deepEqual(lint('tls_require_ciphers = NORMAL:-VERS-TLS1.0:-VERS-TLS1.1\n').filter((x) => x.code === 'tls-old-protocol'), []);
});

function hardenText(text: string): { text: string; log: string[] } {
  const result = harden((overrides) => lint(overrides.get(PATH) ?? text), () => text);
  return { text: result.changed.get(PATH) ?? text, log: result.log };
}

test('harden applies every fix to a fixed point, idempotently, keeping indentation', () => {
  const insecure = `${ROUTER}begin transports\nremote_smtp:\n    driver = smtp\n    hosts_avoid_tls = *\nbegin retry\n*   *   F,2h,15m\n*   tls_required  F,1h,5m\n`;
  const { text, log } = hardenText(insecure);
  assert.ok(log.length >= 4, log.join('\n'));
  assert.deepEqual(hardeningCodes(text), []);
  assert.equal(
    text,
    `${ROUTER}begin transports\nremote_smtp:\n    driver = smtp\n    hosts_require_tls = *\n    tls_tempfail_tryclear = false\nbegin retry\n*   tls_required\n*   *   F,2h,15m\n`,
  );
  assert.equal(hardenText(text).text, text);
  assert.deepEqual(hardenText(text).log, []);
});

test('harden keeps CRLF line endings and adds a retry section when there is none', () => {
  const insecure = `${ROUTER}begin transports\nremote_smtp:\n  driver = smtp\n`.replace(/\n/g, '\r\n');
  const { text } = hardenText(insecure);
  assert.ok(!/[^\r]\n/.test(text), 'every line break stays CRLF');
  assert.match(text, /begin retry\r\n\r\n\*   refused\r\n\*   quota\r\n\*   tls_required\r\n\*   \*   F,2h,15m; G,16h,1h,1.5; F,4d,6h\r\n$/);
  assert.deepEqual(hardeningCodes(text), []);
});

test('requiring TLS of a transport with hosts_avoid_tls takes that out too: the quick fix alone leaves no error', () => {
  for (const [transport, expected] of [
    ['  hosts_avoid_tls = 192.0.2.25\n', '  driver = smtp\n  hosts_require_tls = *\n'],
    ['  port = 25\n  hosts_avoid_tls = 192.0.2.25\n  no_tls_tempfail_tryclear\n', '  driver = smtp\n  hosts_require_tls = *\n  port = 25\n  no_tls_tempfail_tryclear\n'],
    ['  hosts_require_tls = 192.0.2.7\n  hosts_avoid_tls = 192.0.2.25\n', '  driver = smtp\n  hosts_require_tls = *\n'],
  ]) {
    const text = config(transport);
    const f = lint(text).find((x) => x.code === 'tls-not-required')!;
    assert.match(f.fixes![0].title, /and remove its hosts_avoid_tls$/);
    const out = applyEdits(text, f.fixes![0].edits);
    assert.ok(out.includes(expected), out);
    assert.doesNotMatch(out, /hosts_avoid_tls/);
    assert.deepEqual(lint(out).filter((x) => x.severity === 'error').map((x) => x.code), [], out);
  }
  // Without hosts_avoid_tls the title stays as it was.
  assert.equal(lint(config('')).find((x) => x.code === 'tls-not-required')!.fixes![0].title, 'Require TLS for every host: add "hosts_require_tls = *" to remote_smtp');
});

test('quick-fix edits apply to the raw text as their titles say', () => {
  const text = config('');
  const f = lint(text).find((x) => x.code === 'tls-not-required')!;
  const out = applyEdits(text, f.fixes![0].edits);
  assert.match(out, /remote_smtp:\n  driver = smtp\n  hosts_require_tls = \*\n/);
});

test('a setting in a skipped .ifdef branch of the transport: the fix goes into the other branch, never beside it', () => {
  // Debian's template: defining the macro later must not set the option twice.
  const debian = config('.ifdef REMOTE_SMTP_HOSTS_REQUIRE_TLS\n  hosts_require_tls = REMOTE_SMTP_HOSTS_REQUIRE_TLS\n.endif\n');
  const hardened = hardenText(debian).text;
  assert.ok(hardened.includes('  driver = smtp\n  tls_tempfail_tryclear = false\n.ifdef REMOTE_SMTP_HOSTS_REQUIRE_TLS\n  hosts_require_tls = REMOTE_SMTP_HOSTS_REQUIRE_TLS\n.else\n  hosts_require_tls = *\n.endif\n'), hardened);
  assert.deepEqual(hardeningCodes(hardened), []);
  assert.deepEqual(hardeningCodes(`REMOTE_SMTP_HOSTS_REQUIRE_TLS = *\n${hardened}`), []);
  assert.ok(!lint(`REMOTE_SMTP_HOSTS_REQUIRE_TLS = *\n${hardened}`).some((f) => f.code === 'option-repeated'));
  // With an .else, into the branch that is read; both settings skipped go there.
  const both = config('.ifdef SECURE\n  hosts_require_tls = *\n  tls_tempfail_tryclear = false\n.else\n  port = 25\n.endif\n');
  assert.ok(hardenText(both).text.includes('.ifdef SECURE\n  hosts_require_tls = *\n  tls_tempfail_tryclear = false\n.else\n  tls_tempfail_tryclear = false\n  hosts_require_tls = *\n  port = 25\n.endif\n'), hardenText(both).text);
  // .elifdef branches: no fix rather than a wrong one.
  const elif = config('.ifdef A\n  hosts_require_tls = *\n.elifdef B\n  port = 26\n.endif\n');
  const finding = lint(elif).find((f) => f.code === 'tls-not-required')!;
  assert.equal(finding.fixes, undefined);
});

test('the tls_required rule goes before a catch-all rule in a skipped .ifdef branch too', () => {
  const text = config('  hosts_require_tls = *\n  tls_tempfail_tryclear = false\n', 'begin retry\n.ifdef FAST\n*   *   F,1h,5m\n.endif\n*   *   F,2h,15m\n');
  const f = lint(text).find((x) => x.code === 'retry-tls-required-missing')!;
  const out = applyEdits(text, f.fixes![0].edits);
  assert.ok(out.endsWith('begin retry\n*   tls_required\n.ifdef FAST\n*   *   F,1h,5m\n.endif\n*   *   F,2h,15m\n'), out);
  assert.deepEqual(hardeningCodes(`FAST = 1\n${out}`), []);
});
