// The checks that mirror what `exim -bV` refuses (values, retry and rewrite rules, ACL
// words, driver set-up, conditional lines, macro names) and the ones beyond it
// (references, expansions, unused definitions): codes, places, messages and fixes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../server/src/core/analysis/analyze';
import { Finding } from '../../server/src/core/analysis/types';
import { applyEdits } from '../../server/src/core/fixes/edits';
import { memoryHost } from '../../server/src/core/host';
import { builtinMacroValues, builtinMacros } from '../../server/src/core/options';
import { parseText } from '../../server/src/core/syntax/parser';
import { checkOptionValue } from '../../server/src/core/analysis/rules/values';
import { addressProblem, isRatelimit, readTimeMilliseconds } from '../../server/src/core/analysis/rules/mainOptions';
import { checkRetryLine, retryErrorProblem } from '../../server/src/core/analysis/rules/retrySyntax';
import { checkRewriteLine } from '../../server/src/core/analysis/rules/rewrite';
import { lookupOption } from '../../server/src/core/options';
import { expansionProblems, scanExpansion } from '../../server/src/core/syntax/expansion';
import { redirectItems } from '../../server/src/core/util/redirectData';
import { quotaProblem, sizeLimitProblem } from '../../server/src/core/analysis/rules/deliveryValues';

const PATH = '/c/exim.conf';
const lint = (text: string): Finding[] => analyze(parseText(PATH, text, memoryHost({}), { builtinMacros: builtinMacros(), builtinMacroValues: builtinMacroValues() }));
/** Findings other than the TLS and retry-section advice, as code@line:column. */
const found = (text: string, severity?: string) =>
  lint(text)
    .filter((f) => !/^(tls-|retry-(section|tls))/.test(f.code) && (severity ? f.severity === severity : f.severity !== 'hint'))
    .map((f) => `${f.code}@${f.loc.range.start.line + 1}:${f.loc.range.start.character + 1}`);
const only = (text: string, code: string) => lint(text).filter((f) => f.code === code);

const mainValue = (name: string, value: string | undefined) => {
  const info = lookupOption('main', name)!;
  return checkOptionValue(info, name, false, { hasValue: value !== undefined, value: value ?? '' })?.message;
};

test('booleans: true, false, yes, no in any case; anything else is refused with Exim\'s words', () => {
  for (const v of ['true', 'FALSE', 'Yes', 'no', '']) assert.equal(mainValue('accept_8bitmime', v), undefined, v);
  assert.equal(mainValue('accept_8bitmime', 'maybe'), '"maybe" is not a valid value for the "accept_8bitmime" option');
  assert.equal(mainValue('accept_8bitmime', '1'), '"" is not a valid value for the "accept_8bitmime" option');
  assert.equal(mainValue('accept_8bitmime', 'yes#c'), 'extra characters follow "yes" for boolean option accept_8bitmime (# is comment only at line start)');
  const [f] = only('accept_8bitmime = maybe\n', 'invalid-option-value');
  assert.deepEqual([f.severity, f.loc.range.start.character, f.loc.range.end.character], ['error', 18, 23]);
  assert.deepEqual(
    f.fixes!.map((x) => applyEdits('accept_8bitmime = maybe\n', x.edits)),
    ['accept_8bitmime = true\n', 'accept_8bitmime = false\n'],
  );
  assert.deepEqual(found('no_accept_8bitmime = yes\n'), ['invalid-option-value@1:22']);
  assert.deepEqual(found('accept_8bitmime yes\n'), ['invalid-option-value@1:17']);
});

test('integers, octal integers, fixed-point numbers, times and time lists, as Exim reads them', () => {
  for (const v of ['10', '10k', '2M', '0x1F', '010', '-1', '+5']) assert.equal(mainValue('smtp_accept_max', v), undefined, v);
  assert.equal(mainValue('smtp_accept_max', 'ten'), 'integer expected for smtp_accept_max');
  assert.equal(mainValue('smtp_accept_max', '08'), 'extra characters follow integer value for smtp_accept_max');
  assert.equal(mainValue('smtp_accept_max', '10G'), 'absolute value of integer "10G" is too large (overflow)');
  assert.equal(mainValue('deliver_queue_load_max', '1.5'), undefined);
  assert.equal(mainValue('deliver_queue_load_max', 'abc'), 'fixed-point number expected for deliver_queue_load_max');
  for (const v of ['1h30m', '2d', '0s', '1w2d3h4m5s']) assert.equal(mainValue('auto_thaw', v), undefined, v);
  for (const v of ['30', '5x', '1h 30m', '1.5s', '$x']) assert.equal(mainValue('auto_thaw', v), 'invalid time value for auto_thaw', v);
  assert.equal(mainValue('smtp_receive_timeout', '${if true{5m}}'), undefined);
  assert.equal(mainValue('delay_warning', '1h : 2h:4h'), undefined);
  assert.equal(mainValue('delay_warning', '2h:1h'), 'time value out of order for delay_warning');
  assert.equal(mainValue('sqlite_lock_timeout', '5s'), 'extra characters follow integer value for sqlite_lock_timeout');
  assert.equal(mainValue('queue_run_max', 'ten'), undefined, 'an expanded integer is a string when read');
  assert.deepEqual(found('begin transports\nt:\n  driver = appendfile\n  file = /x\n  mode = 0999\n'), ['invalid-option-value@5:11']);
});

test('values that need "=", quoted strings, and user names left by undefined macros', () => {
  assert.equal(mainValue('qualify_domain', undefined), 'unexpected end of line (data missing) after qualify_domain');
  assert.deepEqual(found('qualify_domain example.org\n'), ['invalid-option-value@1:16']);
  assert.equal(only('qualify_domain example.org\n', 'invalid-option-value')[0].message, 'missing "=" after qualify_domain');
  assert.equal(mainValue('qualify_domain', '"abc'), 'missing quote at end of string value for qualify_domain');
  assert.equal(mainValue('qualify_domain', '"abc" x'), 'extra characters follow string value for qualify_domain');
  // A named list's value is a string too.
  assert.deepEqual(found('domainlist local_domains = "example.com" : localhost\n'), ['invalid-option-value@1:41']);
  assert.equal(only('hostlist h = "a\n', 'invalid-option-value')[0].message, 'missing quote at end of string value for h');
  assert.deepEqual(found('domainlist d = "a"\ndomainlist e = a "b" c\n'), []);
  assert.equal(mainValue('trusted_groups', 'MAIN_TRUSTED_GROUPS'), 'group MAIN_TRUSTED_GROUPS was not found ("MAIN_TRUSTED_GROUPS" looks like a macro that is not defined)');
  assert.equal(mainValue('trusted_groups', 'mail : 8'), undefined);
  // A "# comment" after a name is part of it (exim -bV: 'user Debian-exim # run as was not found').
  assert.equal(mainValue('exim_user', 'Debian-exim # run as'), 'user Debian-exim # run as was not found ("#" starts a comment only at the start of a line: here it is part of the name)');
  assert.equal(mainValue('never_users', 'root : daemon   # system'), 'user daemon   # system was not found ("#" starts a comment only at the start of a line: here it is part of the name)');
  assert.equal(mainValue('never_users', 'root : daemon'), undefined);
  // In a skipped branch, the macro the branch waits for is undefined: no finding.
  assert.deepEqual(found('.ifdef MAIN_TRUSTED_GROUPS\ntrusted_groups = MAIN_TRUSTED_GROUPS\n.endif\n'), []);
  // Elsewhere in a skipped branch, at most a warning.
  assert.deepEqual(found('.ifdef X\nsmtp_accept_max = ten\n.endif\n'), ['invalid-option-value@2:19']);
  assert.equal(lint('.ifdef X\nsmtp_accept_max = ten\n.endif\n')[0].severity, 'warning');
});

test('errors_reply_to: the plain address mistakes parse_extract_address() refuses, in its words', () => {
  // Each verdict measured with exim -bV (Exim 4.96).
  for (const ok of ['a@b', 'Name <a@b>', 'a@[1.2.3.4]', 'a@b-', 'a..b@c', 'a@b (comment)', 'a . b@c', 'ü@b.de', 'Name <a@b> (c)', 'a.@b']) assert.equal(addressProblem(ok), undefined, ok);
  const cases: [string, string][] = [
    ['a@b, c@d', 'malformed address: , c@d may not follow a@b'],
    ['a@b>', 'malformed address: > may not follow a@b'],
    ['a@b_c.d', 'malformed address: _c.d may not follow a@b'],
    ['Name <a@b> x', 'malformed address: x may not follow Name <a@b>'],
    ['@b', 'no local part'],
    ['<a@b', "'>' missing at end of address"],
    ['<>', 'missing or malformed local part'],
    ['a b@c', 'missing or malformed local part (expected word or "<")'],
    ['a@b.', 'domain missing or malformed'],
    ['a@-b', 'domain missing or malformed'],
    ['a@b..c', 'domain missing or malformed'],
    ['a@$x', 'domain missing or malformed'],
  ];
  for (const [value, message] of cases) assert.equal(addressProblem(value), message, value);
  // RFC 822 forms Exim takes; a comment alone is an empty address; a domain literal in angle
  // brackets needs allow_domain_literals.
  for (const ok of ['postmaster @ example.org', '<@relay.example:postmaster@example.org>', 'a\\@b@c', 'Name <a@[1.2.3.4]> (c)']) assert.equal(addressProblem(ok, ok.startsWith('Name')), undefined, ok);
  assert.equal(addressProblem('(postmaster@example.org)'), 'empty address');
  assert.equal(addressProblem('<a@[1.2.3.4]>'), 'domain literals not allowed');
});

test('a no_ form of an option that is not a boolean is one error, and sets nothing for the other checks', () => {
  const r = (opt: string) => `begin routers\nr:\n  driver = accept\n  transport = t\n  ${opt}\nbegin transports\nt:\n  driver = smtp\n`;
  for (const text of [r('no_self'), r('no_pass_router'), 'no_smtp_ratelimit_mail = true\n']) {
    const errors = lint(text).filter((f) => f.severity === 'error');
    assert.deepEqual(errors.map((f) => f.code), ['unknown-option'], text);
    assert.match(errors[0].message, /^negation prefix applied to a non-boolean option: "\w+" takes a value, not no_ or not_$/);
  }
});

test('numbers, quotes and time lists as Exim 4.96 reads them (each verdict measured with exim -bV)', () => {
  // Integer suffixes: K, M, G and T (2^40) in an int; up to Z in a size counted in K, within 64 bits.
  assert.equal(mainValue('remote_max_parallel', '0T'), undefined);
  assert.equal(mainValue('smtp_accept_max', '1T'), 'absolute value of integer "1T" is too large (overflow)');
  assert.equal(mainValue('smtp_accept_max', '2097151K'), undefined);
  assert.equal(mainValue('smtp_accept_max', '2097152K'), 'absolute value of integer "2097152K" is too large (overflow)');
  assert.equal(mainValue('smtp_accept_max', '0P'), 'extra characters follow integer value for smtp_accept_max');
  for (const ok of ['1T', '16E', '7Z', '-8Z', '9223372036854775807', '8796093022207G']) assert.equal(mainValue('check_spool_space', ok), undefined, ok);
  for (const bad of ['8Z', '-9Z', '9223372036854775808', '8796093022208G']) assert.equal(mainValue('check_spool_space', bad), `absolute value of integer "${bad}" is too large (overflow)`, bad);
  // Fixed point: the low 32 bits of a saturated 64-bit number must not be negative.
  for (const ok of ['-4294967296', '-9223372036854775808', '4294967296', '1.5']) assert.equal(mainValue('queue_only_load', ok), undefined, ok);
  for (const bad of ['2147483648', '-1', '9999999999999999999999999']) assert.equal(mainValue('queue_only_load', bad), `integer "${bad}" is too large (overflow)`, bad);
  // A value ending in an escaped quote passes Exim's quote check.
  assert.equal(mainValue('primary_hostname', '"abc\\"'), undefined);
  assert.equal(mainValue('primary_hostname', '"'), 'missing quote at end of string value for primary_hostname');
  // A time list item ends at the first blank when blanks come before its colon.
  for (const ok of ['1h 2h :3h', '1h junk :2h', '1h\t2h\t:3h', '4294967297s:1h']) assert.equal(mainValue('delay_warning', ok), undefined, ok);
  assert.equal(mainValue('delay_warning', '3h junk :2h'), 'time value out of order for delay_warning');
  assert.equal(mainValue('delay_warning', '1h:4294967296s'), 'time value out of order for delay_warning');
  assert.equal(mainValue('delay_warning', '1 h:2h'), 'invalid time value for delay_warning');
});

test('retry rules: error names, prefixes, letters, parameters and semicolons', () => {
  for (const e of ['*', 'quota', 'quota_7d', 'refused_MX', 'refused_a', 'timeout_connect_A', 'rcpt_4xx', 'rcpt_45x', 'data_452', 'tls', 'TLS_REQUIRED', 'lost_connection', 'lookup', 'auth_failed', 't', 'timeout_DNS']) {
    assert.equal(retryErrorProblem(e), undefined, e);
  }
  assert.equal(retryErrorProblem('quota_5x'), 'bad time value');
  assert.equal(retryErrorProblem('rcpt_5xx'), 'unknown or malformed retry error "rcpt_5xx"');
  assert.equal(retryErrorProblem('rcpt_4'), 'rcpt_4 must be followed by xx, dx, or dd, where x is literal and d is any digit');
  assert.equal(retryErrorProblem('refused_X'), 'A or MX expected after "refused"');
  assert.equal(retryErrorProblem('tls_requiredx'), 'unknown or malformed retry error "tls_requiredx"');
  assert.equal(retryErrorProblem('auth'), 'unknown or malformed retry error "auth"');
  const msg = (l: string) => checkRetryLine(l)?.message;
  assert.equal(msg('* * F,2h,15m; G,16h,1h,1.5; F,4d,6h'), undefined);
  assert.equal(msg('"*.example" * senders=a@b F,1h,1h'), undefined);
  assert.equal(msg('* * X,2h,15m'), 'unknown retry rule letter');
  assert.equal(msg('* * F,2h'), 'comma expected');
  assert.equal(msg('* * F , 2h , 15m'), 'comma expected');
  assert.equal(msg('* * F,2x,15m'), 'bad parameters for retry rule');
  assert.equal(msg('* * F,0s,1h'), 'bad parameters for retry rule');
  assert.equal(msg('* * G,16h,1h,0.5'), 'bad parameters for retry rule');
  assert.equal(msg('* * F,2h,15m G,16h,1h,1.5'), 'semicolon expected');
  assert.equal(msg('* * F,2h,15m,3'), 'semicolon expected');
  // C int arithmetic, as in Exim 4.96: beyond 2^31-1 seconds a time wraps negative; 2^32+1 wraps to 1.
  assert.equal(msg('* * F,24856d,1h'), 'bad parameters for retry rule');
  assert.equal(msg('* * G,1h,10m,2147484'), 'bad parameters for retry rule');
  assert.equal(msg('* quota_3551w F,1h,1m'), 'bad time value');
  assert.equal(msg('* * F,24855d,1h'), undefined);
  assert.equal(msg('* * F,4294967297s,1h'), undefined);
  const [f] = only('begin retry\n*  quotta  F,1h,10m\n', 'retry-syntax');
  assert.equal(f.message, 'unknown or malformed retry error "quotta"; did you mean "quota"?');
  assert.deepEqual([f.loc.range.start.character, f.loc.range.end.character], [3, 9]);
  assert.equal(applyEdits('begin retry\n*  quotta  F,1h,10m\n', f.fixes![0].edits), 'begin retry\n*  quota  F,1h,10m\n');
});

test('rewrite flags, and headers_rewrite in transports', () => {
  assert.equal(checkRewriteLine('*@a.example  $1@b.example  Ffrs'), undefined);
  assert.equal(checkRewriteLine('*@a  x@y  hx')?.message, "unknown rewrite flag character 'x' (could be missing quotes round replacement item)");
  assert.equal(checkRewriteLine('*@a  x@y  S')?.message, 'rewrite rule has the S flag but is not a regular expression');
  assert.equal(checkRewriteLine('^a@b  x@y  S'), undefined);
  // The key is dequoted first, as Exim does: "\x5Ea" and "\\N^a" are regular expressions, "\N^a" is not (\N is N).
  assert.equal(checkRewriteLine('"\\x5Ea"  x@y  S'), undefined);
  assert.equal(checkRewriteLine('"\\\\N^a"  x@y  S'), undefined);
  assert.equal(checkRewriteLine('"\\N^a"  x@y  S')?.message, 'rewrite rule has the S flag but is not a regular expression');
  assert.deepEqual(found('begin rewrite\n*@a  "x y@z"  F\n*@a  x y@z  F\n'), ['rewrite-flag@3:8']);
  const t = (v: string) => found(`begin transports\nt:\n  driver = smtp\n  headers_rewrite = ${v}\n`);
  assert.deepEqual(t('*@a x@b h : *@c y@d f'), []);
  assert.deepEqual(t('FOO'), ['rewrite-headers-option@4:21']);
  assert.deepEqual(t('*@a x@b F'), ['rewrite-headers-option@4:21']);
});

test('ACL words: unknown verbs and conditions with did-you-mean, modifiers, endpass, set', () => {
  const verb = only('begin acl\na:\n  acept hosts = x\n', 'acl-unknown-verb')[0];
  assert.equal(verb.message, 'error in ACL: unknown ACL verb "acept" in "acept hosts = x"; did you mean "accept"?');
  assert.equal(applyEdits('begin acl\na:\n  acept hosts = x\n', verb.fixes![0].edits), 'begin acl\na:\n  accept hosts = x\n');
  // A misspelt verb after a first statement is an unknown condition for Exim; the verbs are offered.
  const cond = only('begin acl\na:\n  accept hosts = *\n  dney hosts = x\n', 'acl-unknown-condition')[0];
  assert.match(cond.message, /^error in ACL: unknown ACL condition\/modifier in "dney hosts = x".*did you mean "deny"\?$/);
  assert.deepEqual(found('begin acl\na:\n  deny hots = x\n'), ['acl-unknown-condition@3:8']);
  assert.deepEqual(found('begin acl\na:\n  deny !message = x\n'), ['acl-modifier-misuse@3:9']);
  assert.deepEqual(found('begin acl\na:\n  deny endpass\n'), ['acl-modifier-misuse@3:8']);
  assert.deepEqual(found('begin acl\na:\n  warn set acl_m_a = 1\n  warn set acl_x = 1\n  warn set acl_m_a-b = 1\n  warn set dkim_verify_status = x\n'), [
    'acl-modifier-misuse@4:12',
    'acl-modifier-misuse@5:19',
  ]);
  // "=" missing: a modifier is called a modifier.
  assert.equal(only('begin acl\na:\n  deny message\n', 'acl-missing-equals')[0].message, 'error in ACL: "=" missing after ACL "message" modifier');
});

test('driver set-up: required and exclusive options, at the driver name', () => {
  const routers = (body: string) => found(`begin routers\nr:\n${body}begin transports\nt:\n  driver = smtp\n`, 'error');
  assert.deepEqual(routers('  driver = accept\n'), ['driver-requirements@2:1']);
  assert.deepEqual(routers('  driver = accept\n  verify_only\n'), []);
  assert.deepEqual(routers('  driver = redirect\n  data = x\n  transport = t\n'), ['driver-requirements@2:1']);
  assert.deepEqual(routers('  driver = redirect\n  data = x\n  file = y\n'), ['driver-requirements@2:1']);
  assert.deepEqual(routers('  driver = manualroute\n  route_list = * a.example\n'), []);
  assert.deepEqual(routers('  driver = manualroute\n  transport = t\n'), ['driver-requirements@2:1']);
  assert.deepEqual(routers('  driver = dnslookup\n  transport = t\n  self = foo\n'), ['driver-requirements@2:1']);
  assert.equal(only('begin routers\nr:\n  driver = accept\n', 'driver-requirements')[0].message, 'r router: a transport is required for this router');
  assert.deepEqual(found('begin transports\nt:\n  driver = lmtp\n'), ['driver-requirements@2:1']);
  assert.deepEqual(found('begin transports\nt:\n  driver = appendfile\n  file = /a\n  directory = /b\n'), ['driver-requirements@2:1']);
});

test('appendfile and generic transport set-up checks', () => {
  const t = (body: string) => found(`begin transports\nt:\n${body}`, 'error');
  assert.deepEqual(t('  driver = appendfile\n  directory = /a\n  create_file = nowhere\n'), ['driver-requirements@2:1']);
  assert.deepEqual(t('  driver = appendfile\n  directory = /a\n  create_file = /var/mail\n'), []);
  assert.deepEqual(t('  driver = appendfile\n  file = /a\n  quota_filecount = 5\n'), ['driver-requirements@2:1']);
  assert.deepEqual(t('  driver = appendfile\n  file = /a\n  use_fcntl_lock = false\n  use_lockfile = false\n'), ['driver-requirements@2:1']);
  assert.deepEqual(t('  driver = pipe\n  user = 1000\n'), ['driver-requirements@2:1']);
  assert.deepEqual(t('  driver = pipe\n  user = mail\n'), []);
  assert.equal(only('begin transports\nt:\n  driver = pipe\n  user = 1000\n', 'driver-requirements')[0].message, 'user set without group for the t transport');
});

test('main options Exim refuses after reading the main section', () => {
  assert.deepEqual(found('local_sender_retain = true\n'), ['main-requirements@1:23']);
  assert.deepEqual(found('local_sender_retain = true\nlocal_from_check = false\n'), []);
  assert.deepEqual(found('log_selector = +all -retry_defer +subject\n'), []);
  const sel = only('log_selector = +tls_peerdn +argument\n', 'main-requirements')[0];
  assert.equal(sel.message, 'unknown log_selector setting: +argument; did you mean "arguments"?');
  assert.deepEqual([sel.loc.range.start.character, sel.loc.range.end.character], [27, 36]);
  assert.equal(applyEdits('log_selector = +tls_peerdn +argument\n', sel.fixes![0].edits), 'log_selector = +tls_peerdn +arguments\n');
  assert.equal(only('log_selector = +subject,+pid\n', 'main-requirements')[0].message, 'malformed log_selector setting: + or - expected but found ",+pid"');
  assert.deepEqual(found('syslog_facility = LOG_MAIL\nlocalhost_number = 0x10\nlog_file_path = /var/log/exim/%slog : syslog\n'), []);
  for (const bad of ['syslog_facility = mial', 'localhost_number = 17', 'localhost_number = x', 'log_file_path = /var/log/exim', 'errors_reply_to = postmaster', 'tls_dh_max_bits = 512', 'smtp_accept_max = 0\nsmtp_accept_queue = 5']) {
    assert.deepEqual(found(bad + '\n').filter((c) => c.startsWith('main-requirements')).length, 1, bad);
  }
});

test('options a driver may set twice; an active line continues the last active driver', () => {
  const r = 'begin routers\nr:\n  driver = accept\n  transport = t\n';
  const tail = 'begin transports\nt:\n  driver = smtp\n';
  assert.deepEqual(found(`${r}  condition = a\n  condition = b\n  headers_add = X: 1\n  headers_add = Y: 2\n${tail}`, 'error'), []);
  assert.deepEqual(found(`${r}  debug_print = a\n  debug_print = b\n${tail}`, 'error'), ['option-repeated@6:3']);
  // The second router is skipped by Exim: "transport" then belongs to r, which has one already.
  assert.deepEqual(found(`${r}.ifdef NOPE\nr2:\n  driver = accept\n.endif\n  transport = t\n${tail}`, 'error'), ['option-repeated@9:3']);
});

test('conditional lines Exim skips: a tab, a longer word, a CRLF line break', () => {
  assert.deepEqual(found('.ifdef\tX\n.endif\n'), ['conditional-ignored@1:1', 'conditional-unmatched@2:1']);
  assert.deepEqual(found('.ifdeff X\n.endifx\n'), ['conditional-ignored@1:1', 'conditional-ignored@2:1']);
  assert.deepEqual(found('.ifdef X\r\n.endif\r\n'), ['conditional-unterminated@1:1', 'conditional-ignored@2:1']);
  assert.deepEqual(found('.ifdef X\n.endif\n'), []);
  // "t" counts as white space after the name (Exim's test has 't' for '\t').
  assert.deepEqual(found('.ifdeftX\nfoo = 1\n.endif\n', 'error'), []);
  assert.equal(lint('.ifdef\tX\n.endif\n')[0].severity, 'warning');
});

test('named lists: a duplicate of one kind, a missing "="', () => {
  assert.deepEqual(found('domainlist x = a\ndomainlist x = b\nhostlist x = c\n'), ['named-list-duplicate@2:12']);
  assert.deepEqual(found('domainlist x a\n'), ['named-list-malformed@1:1']);
  assert.deepEqual(found('domainlist  = a\n'), []);
});

test('macros: a name that contains an earlier macro is refused', () => {
  assert.deepEqual(found('A = 1\nAB = 2\n'), ['macro-substring@2:1']);
  assert.deepEqual(found('AB = 1\nA = 2\n'), []);
});

test('references: undefined transport and ACL are errors, named lists and authentication warnings, unused hints', () => {
  const text = [
    'acl_smtp_rcpt = acl_chek_rcpt',
    'domainlist local_domains = a.example',
    'hostlist relay_hosts = 127.0.0.1',
    'begin acl',
    'acl_check_rcpt:',
    '  accept domains = +local_domian : !+relay_hosts',
    '  accept hosts = +relay_hosts : +include_unknown',
    'begin routers',
    'r:',
    '  driver = accept',
    '  transport = remote_smpt',
    'begin transports',
    'remote_smtp:',
    '  driver = smtp',
    '  hosts_require_auth = *',
    '',
  ].join('\n');
  assert.deepEqual(found(text), [
    'acl-undefined@1:17',
    'named-list-undefined@6:20',
    'named-list-undefined@6:37',
    'transport-undefined@11:15',
    'auth-no-client@15:24',
  ]);
  assert.deepEqual(found(text, 'hint'), ['unused-acl@5:1', 'unused-transport@13:1']);
  const byCode = new Map(lint(text).map((f) => [f.code, f]));
  // warnings: Exim accepts these configurations, and errors are kept for what it rejects
  assert.equal(byCode.get('transport-undefined')!.severity, 'warning');
  assert.equal(byCode.get('acl-undefined')!.severity, 'warning');
  assert.equal(byCode.get('named-list-undefined')!.severity, 'warning');
  assert.equal(byCode.get('unused-transport')!.severity, 'hint');
  assert.match(byCode.get('transport-undefined')!.message, /^transport "remote_smpt" not found in r router: .*did you mean "remote_smtp"\?$/);
  assert.equal(applyEdits(text, byCode.get('acl-undefined')!.fixes![0].edits).split('\n')[0], 'acl_smtp_rcpt = acl_check_rcpt');
  const lists = lint(text).filter((f) => f.code === 'named-list-undefined');
  assert.match(lists[1].message, /"relay_hosts" is a hostlist, not a domainlist/);
  // Expanded, a file, or text: not a name to look up.
  assert.deepEqual(found('acl_smtp_rcpt = ${if true{a}{b}}\nacl_smtp_data = /etc/exim/acl\nacl_smtp_mail = accept hosts = *\n', 'error'), []);
  // A lone verb is an ACL of one statement (exim -bh answers 250 to every RCPT with "accept").
  assert.deepEqual(found('acl_smtp_rcpt = accept\nacl_smtp_vrfy = deny\nacl_smtp_data = acept\n'), ['acl-undefined@3:17']);
  // A redirect router's pipe_transport serves only the pipes it generates.
  const pipe = lint('begin routers\nr:\n  driver = redirect\n  data = |/bin/cat\n  pipe_transport = nosuch\n').find((f) => f.code === 'transport-undefined')!;
  assert.match(pipe.message, /^transport "nosuch" not found in r router: Exim accepts the configuration, but every delivery to a pipe this router generates fails/);
});

test('unused transports and ACLs: a name used anywhere counts, in an expansion or a skipped branch; its own definition does not', () => {
  const unused = (text: string) => found(text, 'hint').map((f) => `${f.split('@')[0]} ${text.split('\n')[Number(f.split('@')[1].split(':')[0]) - 1]}`);
  const config = (main: string, routerTransport: string, extra = '') =>
    [
      main,
      'begin acl',
      'acl_rcpt:',
      '  accept',
      'acl_sub:',
      '  accept',
      'begin routers',
      'r:',
      '  driver = accept',
      `  transport = ${routerTransport}`,
      extra,
      'begin transports',
      'remote_smtp:',
      '  driver = smtp',
      'local_delivery:',
      '  driver = appendfile',
      '  file = /var/mail/$local_part',
      '',
    ].join('\n');
  // Named only inside an expansion: used.
  assert.deepEqual(unused(config('acl_smtp_rcpt = acl_rcpt', '${if eq{$domain}{a.example}{local_delivery}{remote_smtp}}', '  condition = ${acl{acl_sub}}')), []);
  // A longer word, a word with a "-" or the name's own definition line is not a use.
  assert.deepEqual(unused(config('acl_smtp_rcpt = acl_rcpt', 'remote_smtp', '  headers_add = X-Via: local_delivery_x acl_sub-2 xacl_sub')), [
    'unused-acl acl_sub:',
    'unused-transport local_delivery:',
  ]);
  // In a branch that Exim skips, a use still counts; a name after digits is a word of its own.
  assert.deepEqual(unused(config('.ifdef NEVER\nacl_smtp_rcpt = acl_rcpt\n.endif\nacl_smtp_data = acl_sub', 'remote_smtp', '  headers_add = 9local_delivery')), []);
  // Through a macro and a continuation line.
  assert.deepEqual(unused(config('T = local_delivery\nacl_smtp_rcpt = acl_rcpt', 'remote_smtp', '  headers_add = T\n  errors_to = x@y \\\n    acl_sub')), []);
});

test('named lists: an item starting with "+" (or "!+") names a list with the rest of the item, as Exim reads it', () => {
  const lists = (value: string) =>
    only(`domainlist known = a.example\nhostlist hosts_ok = 127.0.0.1\nbegin acl\na:\n  accept domains = ${value}\n`, 'named-list-undefined').map((f) => [
      f.data!.name,
      f.loc.range.start.character,
    ]);
  // The value starts at character 19; a finding starts at the "+".
  assert.deepEqual(lists('+known : +unknown'), [['unknown', 28]]);
  assert.deepEqual(lists('!  +unknown  : b'), [['unknown', 22]]);
  // Measured with exim -bh, each "unknown named domain list": white space after "+" is part of
  // the name ("+ unknown"), and so is the rest of the item ("+x-y", "+9", "+relay extra").
  assert.deepEqual(lists(' ! + unknown'), [[' unknown', 22]]);
  assert.deepEqual(lists('+known extra : +'), [['known extra', 19], ['', 34]]);
  // A doubled separator is part of the item; a list of the wrong kind does not count.
  assert.deepEqual(lists('<; +known ; +nope ;; +still_one_item ; +hosts_ok'), [['nope ;; +still_one_item', 31], ['hosts_ok', 58]]);
  assert.deepEqual(lists('+known :: +not_an_item : +x-y : +9 : +last'), [['known :: +not_an_item', 19], ['x-y', 44], ['9', 51], ['last', 56]]);
  // A "# comment" after the name is comment-in-value's.
  assert.deepEqual(lists('+known # the local domains'), []);
  // "<" and white space: no separator is set.
  assert.deepEqual(lists('< +a : +b'), [['b', 26]]);
  // Expanded: not checked.
  assert.deepEqual(lists('+unknown_${domain}'), []);
  // "+caseful" is a keyword of address and local part lists (measured with exim -bh and -bt), a name elsewhere.
  const caseful = only('begin acl\na:\n  deny senders = +caseful : Foo@example.com\n  deny local_parts = +caseful : Postmaster\n  deny domains = +caseful\n', 'named-list-undefined');
  assert.deepEqual(caseful.map((f) => f.loc.range.start.line), [4]);
  const hosts = only('begin acl\na:\n  accept hosts = +include_unknown : +ignore_defer : +nohosts\n', 'named-list-undefined');
  assert.deepEqual(hosts.map((f) => f.data!.name), ['nohosts']);
  // Words that are not list conditions, even those of JavaScript objects, hold no lists.
  const words = lint('begin acl\na:\n  accept constructor = +x\n         toString = +y\n').map((f) => f.code);
  assert.deepEqual(words, ['acl-unknown-condition', 'acl-unknown-condition']);
});

test('expansions: syntax, unknown names with did-you-mean, unknown variables, all warnings', () => {
  const r = (v: string) => found(`begin routers\nr:\n  driver = accept\n  transport = t\n  condition = ${v}\nbegin transports\nt:\n  driver = smtp\n`);
  assert.deepEqual(r('${if eq{$domain}{a.example}{yes}{no}}'), []);
  assert.deepEqual(r('${if eq{$domain}{a.example}{yes}{no}'), ['expansion-syntax@5:15']);
  assert.deepEqual(r('${if eqq{$domain}{a}}'), ['expansion-unknown-name@5:20']);
  assert.deepEqual(r('${lcx:$domain}'), ['expansion-unknown-name@5:17']);
  assert.deepEqual(r('$domian'), ['unknown-variable@5:16']);
  assert.deepEqual(r('${hmac{md5}{x}}'), ['expansion-syntax@5:15']);
  const v = only('begin routers\nr:\n  driver = accept\n  transport = t\n  condition = ${if eq{$domian}{a}}\nbegin transports\nt:\n  driver = smtp\n', 'unknown-variable')[0];
  assert.equal(v.severity, 'warning');
  assert.equal(v.message, 'unknown variable name "domian"; did you mean "domain"?');
  assert.deepEqual([v.loc.range.start.character, v.loc.range.end.character], [23, 29]);
  assert.match(applyEdits('  condition = ${if eq{$domian}{a}}', v.fixes![0].edits.map((e) => ({ ...e, range: { start: { line: 0, character: e.range.start.character }, end: { line: 0, character: e.range.end.character } } }))), /\$domain\}/);
  // Not expanded: a "$" is only text.
  assert.deepEqual(found('qualify_domain = $x\n'), []);
  // The rules read without collecting references, and find the same problems.
  for (const s of ['${if eq{$domian}{a}', '${lcx:$H_Subject:}', '$ ${', '${if def:rh_x:{${h_to}}}', '${'.repeat(250), '${if and{{eq{a}}{x}}}']) {
    assert.deepEqual(expansionProblems(s), scanExpansion(s).problems, s);
  }
  assert.deepEqual(
    scanExpansion('${lc:$domain} ${if eq{$rh_To:}{x}}').references.map((r) => `${r.kind} ${r.name}`),
    ['operator lc', 'variable domain', 'item if', 'condition eq'],
  );
});

test('a private option before "driver =" gets Exim\'s own message; a generic one is fine there', () => {
  const text = 'begin transports\nt:\n  port = 26\n  debug_print = x\n  driver = smtp\n  bogus_option = 1\n';
  const found = only(text, 'unknown-option');
  assert.deepEqual(
    found.map((f) => [f.loc.range.start.line + 1, f.message]),
    [
      [3, 'option "port" unknown ("driver" must be specified before any private options)'],
      [6, 'option "bogus_option" unknown in transport "t"'],
    ],
  );
});

test('router-undefined: pass_router and redirect_router must name a router, pass_router a later one', () => {
  const routers = (...defs: string[]) => `begin routers\n${defs.join('')}begin transports\nt:\n  driver = smtp\n`;
  const r = (name: string, ...opts: string[]) => `${name}:\n  driver = accept\n  transport = t\n${opts.map((o) => `  ${o}\n`).join('')}`;
  const missing = only(routers(r('first', 'pass_router = secnd'), r('second')), 'router-undefined');
  assert.equal(missing.length, 1);
  assert.equal(missing[0].severity, 'error');
  assert.match(missing[0].message, /^new_router "secnd" not found for "first" router: .*did you mean "second"\?$/);
  assert.equal(missing[0].fixes![0].edits[0].newText, 'second');
  const earlier = only(routers(r('first'), r('second', 'pass_router = first')), 'router-undefined');
  assert.match(earlier[0].message, /^new_router "first" does not follow "second" router/);
  assert.equal(earlier[0].fixes, undefined);
  assert.match(only(routers(r('first', 'pass_router = first')), 'router-undefined')[0].message, /does not follow "first"/);
  // Accepted: a later router (quoted too), redirect_router naming itself or an earlier one.
  assert.deepEqual(only(routers(r('first', 'pass_router = "second"'), r('second')), 'router-undefined'), []);
  assert.deepEqual(only(routers(r('first'), r('second', 'redirect_router = first', 'pass_router = third'), r('third', 'redirect_router = third')), 'router-undefined'), []);
  // Not expanded, and case matters.
  assert.match(only(routers(r('first', 'pass_router = ${if true{second}}'), r('second')), 'router-undefined')[0].message, /not expanded/);
  assert.equal(only(routers(r('first', 'pass_router = Second'), r('second')), 'router-undefined').length, 1);
  // pass_router is offered only later routers; redirect_router any.
  const [late] = only(routers(r('sender'), r('first', 'pass_router = sendr'), r('senders')), 'router-undefined');
  assert.deepEqual(late.data, { name: 'sendr', suggestions: ['senders'] });
  const [any] = only(routers(r('sender'), r('first', 'redirect_router = sendr')), 'router-undefined');
  assert.deepEqual((any.data as { suggestions: string[] }).suggestions, ['sender']);
});

test('smtp_ratelimit_mail and _rcpt are read as Exim\'s unpick_ratelimit() reads them', () => {
  // Each verdict measured with exim -bV (Exim 4.96).
  for (const ok of ['1,1s,1e,1h', '1,1s,0x1p+,1h', '1,1s,-.5e,1h', '1,1s,nan,1h', '1,1s,1,1.5e+s', '1,1s,1,1s', '10, 1s, 2, 5m', '0,0s,0,0s', '-1,1s,2.5,5m', '+10,1.5s,2,5m', '10,1s,2,1h30m', '10,1s,inf,5m', '10,1s,0x10,5m', '10,1s,.5,5m', '10,1.s,2,5m', '10,1s,2,5m 6', '10,1s1s1s1s1s1s1s,2,5m', '10,1s,2,1.5e3s', '10,1s,2,\t5m']) {
    assert.ok(isRatelimit(ok), ok);
  }
  for (const bad of ['1,1s,1,1', '10,1s,2', '10,1s,2,5m,6', '', 'a,1s,2,5m', '10,1,2,5m', '10,1s,2,5x', '1.5,1s,2,1h', '10 ,1s ,2 ,5m', '10,1.5,2,5m', '10,1s,2,5m5', '10,1s1s1s1s1s1s1s1s,2,5m', '10,1s,2,1s1s1s1s1s1s1s1s', '10,,2,5m', '10,1s,,5m', '10,12.s,2,5m', '10,3000000s,2,5m', '10,1s,2,2147484s', '10,1s,0x,5m', '${eval:1},1s,2,5m', '1,1s,nan(1),1h', '1,1s,0x.p,1h', '1,1.5e+s,1,1h']) {
    assert.ok(!isRatelimit(bad), bad);
  }
  assert.equal(readTimeMilliseconds('1h30m'), 5_400_000);
  assert.equal(readTimeMilliseconds('1.5s'), 1500);
  const [f] = only('smtp_ratelimit_mail = 1,1s,1,1\n', 'main-requirements');
  assert.equal(f.severity, 'error');
  assert.match(f.message, /^malformed ratelimit data: 1,1s,1,1 \(/);
  assert.deepEqual(only('smtp_ratelimit_rcpt = "5,1s,1.5,1h"\n', 'main-requirements'), []);
});

test('duplicate-name: two server authenticators with one public name (case ignored, the name when unset)', () => {
  const auths = (...defs: string[]) => `begin authenticators\n${defs.join('')}`;
  const a = (name: string, driver: string, ...opts: string[]) => `${name}:\n  driver = ${driver}\n${opts.map((o) => `  ${o}\n`).join('')}`;
  const [f, ...rest] = only(auths(a('one', 'plaintext', 'public_name = PLAIN', 'server_condition = yes'), a('PLAIN', 'plaintext', 'server_condition = no'), a('three', 'external', 'public_name = "plain"', 'server_condition = x')), 'duplicate-name');
  assert.equal(rest.length, 1);
  assert.equal(f.severity, 'error');
  assert.match(f.message, /^two server authenticators \(one and PLAIN\) have the same public name \(PLAIN\): "PLAIN" has no public_name/);
  assert.equal(f.related![0].loc.range.start.line, 1);
  assert.match(rest[0].message, /^two server authenticators \(one and three\)/);
  // Clients, tls and inactive authenticators do not count.
  assert.deepEqual(only(auths(a('one', 'plaintext', 'public_name = X', 'server_condition = yes'), a('two', 'plaintext', 'public_name = X', 'client_send = :u:p'), a('three', 'tls', 'public_name = X', 'server_condition = yes'), '.ifdef NOPE\n', a('four', 'plaintext', 'public_name = X', 'server_condition = yes'), '.endif\n'), 'duplicate-name'), []);
});

test('expansion problems in options Exim expands as it starts are errors; elsewhere warnings', () => {
  const [early] = lint('spool_directory = /var/spool/$nosuchvar\n').filter((f) => f.code === 'unknown-variable');
  assert.equal(early.severity, 'error');
  assert.match(early.message, /^failed to expand spool_directory: unknown variable name "nosuchvar".*as it starts/);
  const [late] = lint('tls_certificate = /etc/$nosuchvar\n').filter((f) => f.code === 'unknown-variable');
  assert.equal(late.severity, 'warning');
  const [owners] = lint('begin routers\nr:\n  driver = redirect\n  data = x@example.org\n  owners = ${if eq{a}{b}\n').filter((f) => f.code === 'expansion-syntax');
  assert.equal(owners.severity, 'error');
  // An expanded list of users is looked up after expansion, not as written.
  assert.deepEqual(lint('trusted_users = ${if eq{a}{a}{root}{}}\n').filter((f) => f.severity === 'error'), []);
  // In a branch Exim skips, an error is only a warning.
  const skipped = lint('.ifdef NOPE\nspool_directory = $nosuchvar\n.endif\n').find((f) => f.code === 'unknown-variable');
  assert.equal(skipped?.severity, 'warning');
  assert.match(skipped!.message, /would refuse the configuration with this branch active/);
});

test('a quoted setting is expanded after its backslash escapes are resolved, as string_dequote() does', () => {
  // "\\N" is \N, the regex quote; "\\$" is a literal dollar.
  assert.deepEqual(lint('smtp_active_hostname = "${if match{abc}{\\\\N^a(b)c$\\\\N}{$1}}"\n').filter((f) => f.code.startsWith('expansion') || f.code === 'unknown-variable'), []);
  assert.deepEqual(lint('smtp_active_hostname = "\\\\$nosuch"\n').filter((f) => f.severity === 'error'), []);
  // "\x24" and "\044" are dollars once dequoted; the finding points at the name in the quoted text.
  const [hex] = only('smtp_active_hostname = "a\\x24nosuch"\n', 'unknown-variable');
  assert.match(hex.message, /unknown variable name "nosuch"/);
  assert.equal(hex.loc.range.start.character, 29);
  assert.equal(only('smtp_active_hostname = "\\044nosuch"\n', 'unknown-variable').length, 1);
  // A name spelt with an escape gets no did-you-mean edit: the edit would not fit the text.
  const [spelt] = only('tls_certificate = "$tls_in_ciph\\x72"\n', 'unknown-variable');
  assert.equal(spelt.fixes, undefined);
  const [plain] = only('tls_certificate = "$tls_in_ciphr"\n', 'unknown-variable');
  assert.ok(plain.fixes?.length);
  // An ACL item keeps its quotes: "\N$x\N" is \N-quoted text between two quote characters.
  const acl = (line: string) => lint(`acl_smtp_rcpt = a\nbegin acl\na:\n  ${line}\n`).filter((f) => f.code.startsWith('expansion') || f.code === 'unknown-variable').map((f) => f.message);
  assert.deepEqual(acl('deny domains = "\\N^.*\\.org$\\N"'), []);
  assert.deepEqual(acl('warn set acl_m_a = "a\\$nosuch"'), []);
  assert.deepEqual(acl('warn set acl_m_d = "\\\\$nosuch"'), ['unknown variable name "nosuch"']);
});

test('comment-in-value: a "# comment" after a list value is list data, and a fix moves it to a line of its own', () => {
  const text = [
    'tls_advertise_hosts = * # all hosts',
    'hostlist relay = 192.168.0.0/16   # the LAN',
    'message_size_limit = 50M # max',
    'qualify_domain = example.org # not a list: -bV checks nothing here, and neither does this rule',
    'acl_smtp_rcpt = ${if eq{1}{1}{accept}} # expanded: not checked',
    'begin routers',
    'r:',
    '  driver = dnslookup',
    '  transport = t',
    'begin transports',
    't:',
    '  driver = smtp',
    '  hosts_require_tls = *   # always',
    '  tls_tempfail_tryclear = false',
    '',
  ].join('\n');
  const comments = only(text, 'comment-in-value');
  assert.deepEqual(
    comments.map((f) => `${f.loc.range.start.line + 1}:${f.loc.range.start.character + 1}-${f.loc.range.end.character + 1}`),
    ['1:25-36', '2:35-44', '3:26-31', '13:27-35'],
  );
  assert.match(comments[0].message, /^"# all hosts" is part of the value of tls_advertise_hosts: "#" starts a comment only at the start of a line/);
  assert.equal(comments[0].severity, 'warning');
  assert.equal(applyEdits(text, comments[3].fixes![0].edits).split('\n').slice(12, 14).join('\n'), '  # always\n  hosts_require_tls = *');
  assert.equal(applyEdits(text, comments[1].fixes![0].edits).split('\n').slice(1, 3).join('\n'), '# the LAN\nhostlist relay = 192.168.0.0/16');
  // The TLS rule says why the list does not cover every host.
  assert.match(only(text, 'tls-not-required')[0].message, /"#" starts a comment only at the start of a line/);
  // Without the "#" text, nothing to say.
  assert.deepEqual(only('tls_advertise_hosts = *\nhostlist h = a#b : c\n', 'comment-in-value'), []);
  // tls_on_connect_ports: the daemon reads each item's leading number, so a comment after the last one does no harm.
  assert.deepEqual(only('tls_on_connect_ports = 465   # smtps\n', 'comment-in-value'), []);
  assert.equal(only('tls_on_connect_ports = 465 # smtps : 587\n', 'comment-in-value').length, 1);
});

test('route-option-unknown: after the hosts of a manualroute rule only routing options and transport names', () => {
  const config = (routing: string) => `begin routers\nr:\n  driver = manualroute\n  transport = t\n  ${routing}\nbegin transports\nt:\n  driver = smtp\n  hosts_require_tls = *\n  tls_tempfail_tryclear = false\n`;
  const words = (routing: string) => only(config(routing), 'route-option-unknown').map((f) => f.data!.word);
  for (const ok of [
    'route_list = * 127.0.0.1 byname',
    'route_list = * "a.example : b.example" ipv4_prefer randomize',
    'route_list = * a.example t ; x.org b.example bydns',
    'route_data = a.example no_randomize ipv4_only',
    'route_list = * ${lookup{$domain}lsearch{/etc/routes}} # expanded: not read here',
  ]) assert.deepEqual(words(ok), [], ok);
  assert.deepEqual(words('route_list = * a.example : b.example'), [': b.example']);
  assert.deepEqual(words('route_list = * a.example byname # the relay'), ['# the relay']);
  assert.deepEqual(words('route_list = * a.example ipv6_prefer ; x.org b.example nosuch byname'), ['ipv6_prefer', 'nosuch byname']);
  assert.deepEqual(words('route_list = <, * a.example bogus, x.org b.example'), ['bogus']);
  assert.deepEqual(words('route_data = a.example : b.example'), [': b.example']);
  const [f] = only(config('route_list = * a.example : b.example'), 'route-option-unknown');
  assert.equal(f.severity, 'warning');
  assert.equal(f.message, 'unknown routing option or transport name ": b.example" in route_list of r router (a host list with white space in it must be quoted: "a : b"): Exim accepts the configuration, but defers every address this rule routes');
  assert.deepEqual([f.loc.range.start.line, f.loc.range.start.character, f.loc.range.end.character], [4, 27, 38]);
});

test('a named list is expanded each time it is used: its expansions are checked like an option\'s', () => {
  assert.deepEqual(found('domainlist d = example.net : $nosuch\nhostlist h = ${if eq{a}{a}{127.0.0.1}}\n'), ['unknown-variable@1:31']);
  assert.deepEqual(found('addresslist a = ${lc:x\n'), ['expansion-syntax@1:17']);
});

test('transport-undefined: the name as Exim looks it up, quotes removed; a no-break space makes it another name', () => {
  const config = (value: string) => `begin routers\nr:\n  driver = accept\n  transport = ${value}\nbegin transports\nt:\n  driver = appendfile\n  file = /tmp/mbox\n`;
  assert.deepEqual(only(config('"t"'), 'transport-undefined'), []);
  assert.deepEqual(only(config('${if true{t}}'), 'transport-undefined'), []);
  const [f] = only(config('t\u00a0'), 'transport-undefined');
  assert.deepEqual(f.data!.suggestions, ['t']);
  assert.equal(applyEdits(config('t\u00a0'), f.fixes![0].edits), config('t'));
});

test('acl-undefined: a value with white space is the text of an ACL and must start with a verb', () => {
  const text = 'acl_smtp_rcpt = acl_check_rcpt # the recipient ACL\nacl_smtp_mail = accept hosts = :\nacl_smtp_data = check data\nbegin acl\nacl_check_rcpt:\n  accept\n';
  const found = only(text, 'acl-undefined');
  assert.deepEqual(found.map((f) => f.data!.name), ['acl_check_rcpt', 'check']);
  assert.equal(
    found[0].message,
    'acl_smtp_rcpt: a value with white space is the text of an ACL, and "acl_check_rcpt" is not an ACL verb ("#" starts a comment only at the start of a line, so the ACL "acl_check_rcpt" is not used): Exim refuses every such command with a temporary error ("unknown ACL verb")',
  );
  assert.equal(applyEdits(text, found[0].fixes![0].edits).split('\n').slice(0, 2).join('\n'), '# the recipient ACL\nacl_smtp_rcpt = acl_check_rcpt');
  assert.deepEqual(found[1].fixes, []);
});

test('comment-in-value: ACL items with list or keyword values; free text keeps its "#"', () => {
  const text = [
    'acl_smtp_rcpt = a',
    'begin acl',
    'a:',
    '  deny    hosts = 192.0.2.0/24 # office',
    '  warn    control = queue # hold',
    '          condition = true # always',
    '  deny    message = see ticket #123',
    '          logwrite = rejected # logged',
    '  accept  domains = +local_domains # ours',
    '',
  ].join('\n');
  assert.deepEqual(
    only(text, 'comment-in-value').map((f) => `${f.loc.range.start.line + 1}: ${f.message.split(':')[0]}`),
    ['4: "# office" is part of the value of "hosts" in ACL a', '5: "# hold" is part of the value of "control" in ACL a', '6: "# always" is part of the value of "condition" in ACL a', '9: "# ours" is part of the value of "domains" in ACL a'],
  );
});

test('acl-control-invalid: control names and options as Exim 4.96 reads them when the statement runs', () => {
  const controls = (...values: string[]) =>
    only(`acl_smtp_rcpt = a\nbegin acl\na:\n${values.map((v) => `  warn control = ${v}\n`).join('')}  accept\n`, 'acl-control-invalid').map((f) => f.data!.control);
  assert.deepEqual(controls('freeze', 'freeze/no_tell', 'queue/only', 'dscp/ef', 'submission/sender_retain', 'no_mbox_unspool', 'debug/tag=x', 'utf8_downconvert/1', '${if true{freeze}}', 'queue # hold'), []);
  assert.deepEqual(controls('Freeze', 'requiretls', 'dmarc_disable_verify', 'no_mbox_unspool/', 'freeze/', 'dscp'), ['Freeze', 'requiretls', 'dmarc_disable_verify', 'no_mbox_unspool/', 'freeze/', 'dscp']);
  // Controls that read options of their own (measured with exim -bh).
  const own = ['queue_only/first_pass_route', 'queue_only/', 'debug/', 'fakereject/', 'submission/domain=x/name=a/b', 'submission/name=a/sender_retain', 'utf8_downconvert/-1', 'utf8_downconvert/0junk'];
  assert.deepEqual(controls(...own), []);
  const refused = ['freeze/tell', 'freeze/No_tell', 'freeze/no_tell/no_tell', 'submission/', 'submission/Sender_retain', 'submission/domain=x/bogus', 'utf8_downconvert/2', 'utf8_downconvert/'];
  assert.deepEqual(controls(...refused), refused);
  assert.match(only('acl_smtp_rcpt = a\nbegin acl\na:\n  warn control = freeze/tell\n', 'acl-control-invalid')[0].message, /^syntax error in "control=freeze\/tell": freeze takes only "\/no_tell"/);
  const [f] = only('acl_smtp_rcpt = a\nbegin acl\na:\n  warn control = no_multiline_respones\n  accept\n', 'acl-control-invalid');
  assert.equal(f.severity, 'warning');
  assert.equal(f.message, 'syntax error in "control=no_multiline_respones": "no_multiline_respones" is not a control this Exim knows: Exim accepts the configuration, and refuses the command this ACL guards with a temporary error when the statement runs; did you mean "no_multiline_responses"?');
  assert.match(applyEdits('  warn control = no_multiline_respones\n', f.fixes![0].edits.map((e) => ({ ...e, range: { start: { line: 0, character: e.range.start.character }, end: { line: 0, character: e.range.end.character } } }))), /control = no_multiline_responses\n$/);
});

test('acl-undefined: "acl =" conditions and ${acl{name}} expansions name ACLs too', () => {
  const text = [
    'acl_smtp_rcpt = a',
    'acl_smtp_data = ${acl{check_dta}{x}}',
    'begin acl',
    'check_data:',
    '  accept',
    'a:',
    '  require acl = check_data arg1',
    '  warn    acl = Check_data',
    '  warn    acl = accept',
    '  warn    set acl_m_x = ${acl{check_data}}',
    '  accept  condition = ${acl{nosuch}}',
    '',
  ].join('\n');
  const found = only(text, 'acl-undefined');
  assert.deepEqual(
    found.map((f) => `${f.loc.range.start.line + 1}:${f.loc.range.start.character + 1} ${f.data!.name} ${(f.data!.suggestions as string[]).join(',')}`),
    ['2:23 check_dta check_data', '8:17 Check_data check_data', '11:29 nosuch '],
  );
  assert.match(found[1].message, /^"acl = Check_data" names no ACL "Check_data": Exim reads the word as the text of an ACL/);
  assert.match(found[0].message, /^\$\{acl\{check_dta\}\} names no ACL "check_dta": the expansion fails/);
});

test('acl-condition-invalid: a written-out "condition =" value must read as true or false', () => {
  const values = (...vs: string[]) => only(`acl_smtp_rcpt = a\nbegin acl\na:\n${vs.map((v) => `  deny condition = ${v}\n`).join('')}  accept\n`, 'acl-condition-invalid').map((f) => f.data!.value);
  assert.deepEqual(values('yes', 'TRUE', '01', '-1', '00', 'False', ' no ', '${if eq{1}{1}}', 'true # always'), []);
  assert.deepEqual(values('"yes"', 'foo', '1.0'), ['"yes"', 'foo', '1.0']);
  // With expansions, only text outside them that no valid result can hold.
  assert.deepEqual(values('$acl_m_x', '${if eq{$h_x:}{}}1', '-$acl_m_n', 'no$acl_m_x', '${lookup{$domain}lsearch{/etc/x}}', '\\$x y'), []);
  assert.deepEqual(values('$sender_helo_name is empty', '${if eq{1}{1}}{yes}{no}}', '$h_x-y: = 1'), ['$sender_helo_name is empty', '${if eq{1}{1}}{yes}{no}}', '$h_x-y: = 1']);
});

test('list-lookup-invalid: a lookup list item whose type Exim cannot use stops the process that matches the list', () => {
  const text = [
    'hostlist hl = net24-lsearch;/etc/hosts : net24-nosuch;/x',
    'domainlist dl = *.nosuch;/x : ^a;b : partial-lsearch;/etc/domains',
    'addresslist al = *@lsearch ;/x',
    'acl_smtp_rcpt = a',
    'begin acl',
    'a:',
    '  deny    domains = lesarch;/etc/domains',
    '  deny    senders = ${lookup{$sender_address}nosuch{/x}}',
    '  accept',
    'begin routers',
    'r:',
    '  driver = accept',
    '  local_parts = partial-dnsdb;x',
    '  transport = t',
    'begin transports',
    't:',
    '  driver = appendfile',
    '  file = /tmp/mbox',
    '',
  ].join('\n');
  assert.deepEqual(
    only(text, 'list-lookup-invalid').map((f) => `${f.loc.range.start.line + 1} ${f.message.split(':')[0]}`),
    ['1 unknown lookup type "nosuch" in list item "net24-nosuch;/x"', '3 unknown lookup type "lsearch " in list item "*@lsearch ;/x"', '7 unknown lookup type "lesarch" in list item "lesarch;/etc/domains"', '13 "partial" is not permitted for lookup type "dnsdb" in list item "partial-dnsdb;x"'],
  );
});

test('acl-verify-invalid: verify targets and options as acl_verify() reads them when the statement runs', () => {
  const values = (...vs: string[]) => only(`acl_smtp_rcpt = a\nbegin acl\na:\n${vs.map((v) => `  warn verify = ${v}\n`).join('')}  accept\n`, 'acl-verify-invalid').map((f) => f.data!.value);
  const fine = ['recipient', 'Recipient', 'recipient/defer_ok/callout=5s', 'recipient/callout=1h30m,defer_ok', 'recipient/callout=use_sender', 'recipient/quota', 'sender=a@b.example/no_details', 'header_sender/callout=mailfrom=a@b', 'reverse_host_lookup/defer_ok', 'csa', 'helo', 'recipient/', 'recipient/callout=maxwait=30s,connect=5s', 'recipient # x', '$acl_m_target'];
  assert.deepEqual(values(...fine), []);
  const wrong = ['nt_blind', 'recipient/nosuch', 'recipient/callout=10', 'recipient/callout 30s', 'helo/defer_ok', 'recipient/callout=maxwait', 'recipient/callout=mailfrom=a@b', 'recipient/callout=use_sender,use_postmaster', 'sender/callout=10s,use_postmaster'];
  assert.deepEqual(values(...wrong), wrong);
  const [f] = only('acl_smtp_rcpt = a\nbegin acl\na:\n  deny !verify = sender/callout=30\n', 'acl-verify-invalid');
  assert.equal(f.message, 'bad time value in ACL condition "verify sender/callout=30": Exim accepts the configuration, and refuses the command this ACL guards with a temporary error when the statement runs');
});

test('acl-argument-invalid: the times and numbers of delay, seen and ratelimit, as Exim reads them when the statement runs', () => {
  const values = (...lines: string[]) => only(`acl_smtp_rcpt = a\nbegin acl\na:\n${lines.map((l) => `  warn ${l}\n`).join('')}  accept\n`, 'acl-argument-invalid').map((f) => f.data!.value);
  assert.deepEqual(values('delay = 0s', 'delay = 1h30m', 'seen = -1h / key=x', 'seen = 1h/refresh=1d', 'ratelimit = 1.5 / 1h / strict / per_rcpt / $sender_host_address', 'ratelimit = 1e3 / 1d / count=2', 'delay = ${if true{1s}}', 'delay = 1s # short'), []);
  assert.deepEqual(values('delay = 1', 'delay = "1s"', 'seen = 1', 'seen = 1h / nosuch', 'ratelimit = 100', 'ratelimit = 100 / 1', 'ratelimit = 100 1h', 'ratelimit = 100 / 1h / per_mail / per_rcpt', 'ratelimit = 100 / 1h / strict / leaky'), ['1', '"1s"', '1', '1h / nosuch', '100', '100 / 1', '100 1h', '100 / 1h / per_mail / per_rcpt', '100 / 1h / strict / leaky']);
  const [f] = only('acl_smtp_rcpt = a\nbegin acl\na:\n  deny ratelimit = 100 / 1\n', 'acl-argument-invalid');
  assert.match(f.message, /^error in arguments to "ratelimit" condition: "1" is not a time value: Exim accepts/);
});

test('acl-argument-invalid: ratelimit as Exim reads it (measured with exim -bh): limits with K/M/G or empty, repeated modes, option words in any case, "//"', () => {
  const values = (...lines: string[]) => only(`acl_smtp_rcpt = a\nbegin acl\na:\n${lines.map((l) => `  warn ${l}\n`).join('')}  accept\n`, 'acl-argument-invalid').map((f) => f.data!.value);
  assert.deepEqual(values('ratelimit = 10k / 1h', 'ratelimit = 1G/1w', 'ratelimit = /1h', 'ratelimit = 0/1h', 'ratelimit = 100/1h/strict/strict', 'ratelimit = 100/1h/noupdate/strict', 'ratelimit = 1.5k/1h/count=1.5', 'ratelimit = 100/1h/count=', 'ratelimit = 100/1h/Count= 2/PER_RCPT', 'ratelimit = 100/1h/a//b'), []);
  assert.deepEqual(values('ratelimit = 100/1h/PER_RCPT/per_mail', 'ratelimit = 100/1h//', 'ratelimit = 100/1h/count=5k', 'ratelimit = 100/1h/STRICT/leaky', 'ratelimit = 10x/1h'), ['100/1h/PER_RCPT/per_mail', '100/1h//', '100/1h/count=5k', '100/1h/STRICT/leaky', '10x/1h']);
  assert.match(only('acl_smtp_rcpt = a\nbegin acl\na:\n  deny ratelimit = 100/1h//\n', 'acl-argument-invalid')[0].message, /^error in arguments to "ratelimit" condition: "1h\/" is not a time value/);
});

test('acl-misplaced in a non-SMTP ACL: the locally submitted message is rejected (no SMTP command to answer)', () => {
  const [local] = only('acl_not_smtp = ns\nbegin acl\nns:\n  warn recipients = x@example.org\n  accept\n', 'acl-misplaced');
  assert.match(local.message, /\(exim -bV accepts it; the locally submitted message is then rejected\)$/);
  // An ACL that runs both ways says both.
  const [both] = only('acl_not_smtp = a\nacl_smtp_mail = a\nbegin acl\na:\n  warn recipients = x@example.org\n  accept\n', 'acl-misplaced');
  assert.match(both.message, /an SMTP command then gets 451, a locally submitted message is rejected\)$/);
});

test('acl-misplaced: a ratelimit per_* kind with /strict or /leaky where that kind has no meaning', () => {
  const placed = (option: string, value: string) => only(`${option} = a\nbegin acl\na:\n  deny ratelimit = ${value}\n  accept\n`, 'acl-misplaced').map((f) => f.message.replace(/:.*/s, ''));
  assert.deepEqual(placed('acl_smtp_mail', '100 / 1h / per_rcpt / strict'), ['"per_rcpt" must not have /leaky or /strict option, or cannot be used in MAIL ACL']);
  assert.deepEqual(placed('acl_smtp_helo', '100 / 1h / PER_MAIL / Leaky'), ['"per_mail" must not have /leaky or /strict option, or cannot be used in EHLO or HELO ACL']);
  assert.deepEqual(placed('acl_smtp_mail', '100 / 1h / per_rcpt'), []);
  assert.deepEqual(placed('acl_smtp_mail', '100 / 1h / per_rcpt / strict / noupdate'), []);
  assert.deepEqual(placed('acl_smtp_rcpt', '100 / 1h / per_rcpt / strict'), []);
});

test('acl-remove-header-ineffective: a "<;" list, patterns and names with spaces remove nothing', () => {
  const values = (...lines: string[]) => only(`acl_smtp_data = a\nbegin acl\na:\n${lines.map((l) => `  warn remove_header = ${l}\n`).join('')}  accept\n`, 'acl-remove-header-ineffective').map((f) => f.data!.value);
  assert.deepEqual(values('X-Spam-Score : X-Spam-Report', 'x-spam:', 'X-A : : X-B', 'X-Spam-$acl_m_x'), []);
  assert.deepEqual(values('<; X-A ; X-B', 'X-Spam-*', '^X-Spam', 'X Spam'), ['<; X-A ; X-B', 'X-Spam-*', '^X-Spam', 'X Spam']);
  const [f] = only('acl_smtp_data = a\nbegin acl\na:\n  warn remove_header = <; X-A ; X-B\n', 'acl-remove-header-ineffective');
  assert.equal(f.message, 'remove_header is split at ":" only, so "<;" does not change its separator: "<; X-A ; X-B" names one header that no message has, and nothing is removed: Exim accepts the configuration and runs the statement without a word');
});

test('acl-add-header-not-header: lines Exim adds as X-ACL-Warn headers', () => {
  const values = (...lines: string[]) => only(`acl_smtp_rcpt = a\nbegin acl\na:\n${lines.map((l) => `  warn add_header = ${l}\n`).join('')}  accept\n`, 'acl-add-header-not-header').map((f) => `${f.severity}:${f.data!.value}`);
  assert.deepEqual(values('X-Spam: yes', ':at_start:X-A: v', 'X-A: 1\\nX-B: 2', 'X-A: 1\\n\\tcontinued', 'X-Score: $acl_m0', 'X-A: \\x41'), []);
  assert.deepEqual(values('spam detected', 'X Spam: yes', ':at_end:no colon', 'X-A: 1\\nbad line'), ['information:spam detected', 'information:X Spam: yes', 'information::at_end:no colon', 'information:X-A: 1\\nbad line']);
  const [f] = only('acl_smtp_rcpt = a\nbegin acl\na:\n  warn add_header = spam detected\n', 'acl-add-header-not-header');
  assert.equal(f.message, 'add_header line "spam detected" is not a header line ("Name: text", the name without spaces), so Exim adds it as "X-ACL-Warn: spam detected": Exim accepts it without a word');
});

test('acl-dnslist-domain-strange: a space before "=" or other characters no DNS list name has', () => {
  const values = (...lines: string[]) => only(`acl_smtp_rcpt = a\nbegin acl\na:\n${lines.map((l) => `  deny dnslists = ${l}\n`).join('')}  accept\n`, 'acl-dnslist-domain-strange').map((f) => f.data!.value);
  assert.deepEqual(values('zen.spamhaus.org', 'zen.spamhaus.org=127.0.0.2,127.0.0.3', 'bl.example&0.0.0.4 : +defer_unknown', 'dbl.example/$sender_address_domain', '$acl_m_list'), []);
  assert.deepEqual(values('zen.spamhaus.org = 127.0.0.2', 'bl+x.example'), ['zen.spamhaus.org = 127.0.0.2', 'bl+x.example']);
  const [f] = only('acl_smtp_rcpt = a\nbegin acl\na:\n  deny dnslists = zen.spamhaus.org = 127.0.0.2\n', 'acl-dnslist-domain-strange');
  assert.equal(f.message, 'dnslists domain "zen.spamhaus.org " contains strange characters - is this right? (white space before "=" or "/" is part of the name): the lookup uses the name as written, so this item never finds an address listed: Exim accepts the configuration, and only logs the line above');
});

test('acl-spf-result-unknown: names that are not SPF results, with the result meant', () => {
  const text = (value: string, condition = 'spf') => `acl_smtp_rcpt = a\nbegin acl\na:\n  deny ${condition} = ${value}\n  accept\n`;
  const found = (value: string, condition = 'spf') => only(text(value, condition), 'acl-spf-result-unknown');
  for (const ok of ['fail', 'fail : softfail', '!pass', '<; fail ; permerror', 'temperror:invalid:none:neutral', '${if def:acl_m_x{pass}{fail}}']) assert.deepEqual(found(ok), [], ok);
  const [fial] = found('fial');
  assert.equal(
    fial.message,
    '"fial" is not an SPF result (Exim\'s names, in lower case: pass, fail, softfail, neutral, none, permerror, temperror, invalid): this item never matches, whatever the result, and Exim accepts it without a word; did you mean "fail"?',
  );
  assert.equal(applyEdits(text('fial'), fial.fixes![0].edits), text('fail'));
  const [negated] = found('softfail : !Fail');
  assert.match(negated.message, /"!Fail" matches every result, so this item makes "spf" true for every message.*did you mean "!fail"\?$/);
  assert.equal(applyEdits(text('softfail : !Fail'), negated.fixes![0].edits), text('softfail : !fail'));
  const [old] = found('err_perm', 'spf_guess');
  assert.equal(applyEdits(text('err_perm', 'spf_guess'), old.fixes![0].edits), text('permerror', 'spf_guess'));
  // One item with a comma, not two; nothing close to suggest.
  assert.equal(found('fail,softfail').length, 1);
  assert.deepEqual(found('bogus')[0].fixes, []);
});

test('acl-dnslist-value-never-matches: return values and masks no answer can match, an empty list, "/24"', () => {
  const values = (...lines: string[]) => only(`acl_smtp_rcpt = a\nbegin acl\na:\n${lines.map((l) => `  deny dnslists = ${l}\n`).join('')}  accept\n`, 'acl-dnslist-value-never-matches').map((f) => f.data!.value);
  assert.deepEqual(
    values(
      'zen.spamhaus.org',
      'zen.spamhaus.org=127.0.0.2,127.0.0.3,127.0.0.10',
      'zen.spamhaus.org!=127.0.0.10 : bl.example==127.0.0.2,127.0.0.3',
      'bl.example&0.0.0.4 : +defer_unknown : bl2.example!&0.0.0.2 : bl3.example=&0.0.0.3',
      'dbl.example=127.0.1.2/$sender_address_domain',
      'dbl.example=127.0.1.2/${lc:$sender_address_domain}',
      'a.example,txt.example=127.0.0.2',
      '<; bl.example=127.0.0.2 ; $acl_m_list',
      '$acl_m_list=foo',
      'bl.example=${if eq{a}{b}{1:2}{3}}',
      'zen.spamhaus.org = 127.0.0.2',
    ),
    [],
  );
  assert.deepEqual(
    values('bl.example=127.0.0.02', 'bl.example=127.2', 'bl.example=foo', 'bl.example!=127.0.0.256', 'bl.example=', 'bl.example&2', 'bl.example&0.0.0.256', 'bl.example=127.0.0.0/24', 'bl.example=::1', 'ok.example : bl.example==127.0.0.2,x'),
    ['bl.example=127.0.0.02', 'bl.example=127.2', 'bl.example=foo', 'bl.example!=127.0.0.256', 'bl.example=', 'bl.example&2', 'bl.example&0.0.0.256', 'bl.example=127.0.0.0/24', 'bl.example=::1', 'ok.example : bl.example==127.0.0.2,x'],
  );
  const messages = (line: string) => only(`acl_smtp_rcpt = a\nbegin acl\na:\n  deny dnslists = ${line}\n`, 'acl-dnslist-value-never-matches').map((f) => `${f.severity}: ${f.message}`);
  assert.deepEqual(messages('bl.example=127.0.0.02'), [
    'warning: dnslists value "127.0.0.02" for bl.example never equals an answer: Exim compares it as text with the address the list returns (four numbers 0-255, without leading zeros): Exim accepts it without a word',
  ]);
  assert.deepEqual(messages('bl.example=127.0.0.0/24'), [
    'warning: dnslists item "bl.example=127.0.0.0/24": "/24" is not a prefix length; "/" starts the lookup key, so Exim looks up "24.bl.example" instead of the client\'s address: Exim accepts it without a word',
  ]);
  assert.deepEqual(messages('bl.example='), [
    'warning: dnslists item "bl.example=": the list after "=" is empty, and an empty list matches no answer (it does not mean "any address"); write "bl.example" alone for any answer in 127.0.0.0/8: Exim accepts it without a word',
  ]);
  assert.deepEqual(messages('bl.example&2'), [
    'warning: dnslists bitmask "2" for bl.example is not four numbers 0-255 (a.b.c.d, such as 0.0.0.2): Exim cannot read it as a mask, and it never matches as meant: Exim accepts it without a word',
  ]);
});

test('spamd-address-invalid: servers without a port, "address:port", bad ports and parameters', () => {
  const messages = (value: string) => only(`spamd_address = ${value}\n`, 'spamd-address-invalid').map((f) => f.message);
  for (const ok of ['127.0.0.1 783', '/var/run/spamd.sock', '127.0.0.1 783 : 127.0.0.2 783', '127.0.0.1 11333 variant=rspamd tmo=10s pri=1 weight=2 retry=5s', '/run/sa.sock time=8-17.30', '<; ::1 783', '$acl_m_spamd', '"127.0.0.1 783"']) {
    assert.deepEqual(messages(ok), [], ok);
  }
  assert.deepEqual(messages('127.0.0.1:783'), [
    'spamd_address item "127.0.0.1" is not a server Exim can use (":" separates servers, so "127.0.0.1:783" is two items; write "127.0.0.1 783"): no server is left (\'no useable spamd server addresses\'), so every "spam" ACL condition defers (451) and Exim writes to the panic log',
  ]);
  assert.deepEqual(messages(''), ['spamd_address is empty: no server is left (\'no useable spamd server addresses\'), so every "spam" ACL condition defers (451) and Exim writes to the panic log']);
  assert.match(messages('relative/sock')[0], /a socket path must be absolute/);
  assert.match(messages('127.0.0.1')[0], /write "address port", such as "127.0.0.1 783", or an absolute socket path/);
  assert.deepEqual(messages('127.0.0.1 783 : 127.0.0.2'), ['spamd_address item "127.0.0.2" is not a server Exim can use (write "address port", such as "127.0.0.1 783", or an absolute socket path); the other servers are used']);
  assert.deepEqual(messages('127.0.0.1 spamd'), ['spamd_address item "127.0.0.1 spamd": the port "spamd" is not a number, so connecting to this server fails (\'invalid socket\'); the other servers are used']);
  assert.match(messages('::1 783')[0], /write "<; ::1 783" for an IPv6 address/);
  assert.deepEqual(messages('127.0.0.1 783 tmo=30'), ['spamd_address parameter "tmo=30" is not a time (a number with a unit, such as 30s or 2m): Exim logs a warning at every scan and ignores it']);
  assert.match(messages('127.0.0.1 783 timeout=30s')[0], /"timeout=30s" is not one Exim knows/);
  assert.match(messages('127.0.0.1 783 time=9')[0], /is not a time range/);
});

test('av-scanner-invalid: unknown scanner types, clamd servers without a port, bad options, missing regexes', () => {
  const messages = (value: string) => only(`av_scanner = ${value}\n`, 'av-scanner-invalid').map((f) => f.message);
  for (const ok of ['clamd:/var/run/clamav/clamd.ctl', 'clamd:127.0.0.1 3310 retry=5s : 127.0.0.2 3310', 'clamd:127.0.0.1 3310:local', 'ClamD', 'sophie:/var/run/sophie', 'drweb:127.0.0.1 3000', 'f-protd:localhost 10200-10204', 'cmdline:/usr/bin/scan %s:found:found (.+)', 'sock:/run/s.sock:%s:FOUND:FOUND (.+)', '$acl_m_av', '${if bool{true}{clamd:/tmp/c}}']) {
    assert.deepEqual(messages(ok), [], ok);
  }
  assert.deepEqual(messages('clamav:/var/run/clamav/clamd.ctl'), [`unknown scanner type 'clamav' (did you mean "clamd"?): every "malware" ACL condition defers (the message is refused with 451; a warn statement is skipped), and Exim writes to the panic log`]);
  assert.match(messages('kavdaemon:/var/run/AvpCtl')[0], /unknown scanner type 'kavdaemon' \(not built into this Exim\)/);
  assert.match(messages('clamd:127.0.0.1:3310')[0], /^clamd: missing port: '127\.0\.0\.1', no useable server addresses in malware configuration option \(":" separates servers, so "127\.0\.0\.1:3310" is two; write "127\.0\.0\.1 3310"\)/);
  assert.deepEqual(messages('clamd:localhost : 127.0.0.1 3310'), ["clamd: missing port: 'localhost' (that server is skipped; the others are used)"]);
  assert.match(messages('clamd:127.0.0.1 3310 tmo=5s')[0], /^clamd: bad option '127\.0\.0\.1 3310 tmo=5s'/);
  assert.match(messages('clamd:127.0.0.1 clamd')[0], /the port "clamd" of '127\.0\.0\.1 clamd' is read as 0, so that server is never reached: every "malware" ACL condition defers/);
  // Beside a usable server, one Exim cannot reach is skipped (measured with a listening clamd: the message is accepted).
  assert.deepEqual(messages('clamd:127.0.0.1 13310 : 127.0.0.1 abc'), [`clamd: the port "abc" of '127.0.0.1 abc' is read as 0, so that server is never reached (that server is skipped; the others are used)`]);
  assert.deepEqual(messages('clamd:127.0.0.1 13310 : /run/clamd.sock retry=5s'), [`clamd: '/run/clamd.sock retry=5s' is read as a host name and a port (a socket path is one only as the first server), so that server is never reached (that server is skipped; the others are used)`]);
  assert.match(messages('f-protd:localhost')[0], /^f-protd: invalid socket 'localhost'/);
  assert.match(messages('cmdline:/usr/bin/scan %s')[0], /^cmdline: missing trigger specification/);
  assert.match(messages('cmdline:/usr/bin/scan %s:found')[0], /^cmdline: missing virus name regex specification/);
  assert.match(messages('sock:/run/s.sock')[0], /^sock: missing trigger specification/);
  assert.match(messages('cmdline:/usr/bin/scan %s:(:x')[0], /^cmdline: regular expression error in '\(': missing closing parenthesis/);
  assert.match(messages('')[0], /^av_scanner configuration variable is empty/);
  assert.match(messages('<;')[0], /^av_scanner configuration variable is empty/);
  assert.match(messages(':')[0], /^unknown scanner type ''/);
});

test('daemon-ports-invalid: daemon_smtp_ports items that are neither a number nor a service name', () => {
  const messages = (value: string) => only(`daemon_smtp_ports = ${value}\n`, 'daemon-ports-invalid').map((f) => `${f.severity}: ${f.message}`);
  for (const ok of ['25 : 465 : 587', 'smtp : submissions', '<, 25, 587', '${if eq{1}{1}{25}}', 'smtp2']) assert.deepEqual(messages(ok), [], ok);
  assert.deepEqual(messages('25,465,587'), ['error: invalid SMTP port: 25,465,587 (ports are separated by ":", as in "25 : 465 : 587"): `exim -bV` accepts the configuration, but the daemon (`exim -bd`) refuses to start ("Exim configuration error"), so no mail is received']);
  assert.match(messages('25 587')[0], /^error: invalid SMTP port: 25 587: /);
  assert.match(messages('25 : -1')[0], /^error: TCP port "-1" not found: /);
});

test('list-separator-mixed: ":" between items of a list whose separator "<;" changed', () => {
  const items = (text: string) => only(text, 'list-separator-mixed').map((f) => f.data!.item);
  assert.deepEqual(items('hostlist a = <; 0.0.0.0 ; 127.0.0.0/8 ; ::1\nhostlist b = 0.0.0.0 : 127.0.0.0/8\nhostlist c = <; ^a : b\ndomainlist d = <, lsearch;/etc/d : x\nhostlist e = <; fe80::1 ; ::1\n'), []);
  assert.deepEqual(items('hostlist a = <; 0.0.0.0 : 127.0.0.0/8 ; ::1\ndomainlist d = <, a.example : b.example, c.example\n'), ['0.0.0.0 : 127.0.0.0/8', 'a.example : b.example']);
  const [f] = only('begin routers\nr:\n  driver = dnslookup\n  ignore_target_hosts = <; 0.0.0.0 : 127.0.0.0/8 ; ::1\n', 'list-separator-mixed');
  assert.equal(f.message, 'list item "0.0.0.0 : 127.0.0.0/8": this list\'s separator is ";" (set by "<;"), so ":" does not separate items here; "0.0.0.0 : 127.0.0.0/8" is one item, which matches nothing (write "0.0.0.0 ; 127.0.0.0/8")');
});

test('host-list-leading-dot: a host list item written ".example.net"', () => {
  const items = (text: string) => only(text, 'host-list-leading-dot').map((f) => f.data!.item);
  assert.deepEqual(items('hostlist a = *.example.net : 192.0.2.1\ndomainlist d = .example.net\nhostlist b = 127.0.0.1 : ::1\n'), []);
  assert.deepEqual(items('hostlist a = .example.net : 192.0.2.1\nhostlist b = 192.0.2.1 : ! .mx.example\n'), ['.example.net', '! .mx.example']);
  const [f] = only('begin transports\nt:\n  driver = smtp\n  hosts_require_tls = .gmail-smtp-in.l.google.com\n', 'host-list-leading-dot');
  assert.equal(f.message, 'host list item ".gmail-smtp-in.l.google.com" starts with a dot: Exim looks it up as a host name, which no host has ("no IP address found for host .gmail-smtp-in.l.google.com"), and the list ends there without a match; "*.gmail-smtp-in.l.google.com" matches the host names that end in .gmail-smtp-in.l.google.com');
});

test('third real-world round: host list addresses, negated dnslists, double spaces, octal ports, ":" after an address', () => {
  const codesOf = (text: string, code: string) => only(text, code).map((f) => f.data?.item ?? f.message);
  // Digits and dots up to "/" or the end are an address to Exim, never a lookup.
  assert.deepEqual(codesOf('hostlist a = 10.42.0.0/24 ; 127.0.0.1 ; ::1\n', 'list-lookup-invalid'), []);
  assert.deepEqual(codesOf('hostlist a = 10.42.0.0/24 ; 127.0.0.1 ; ::1\nhostlist b = 192.0.2/24\nhostlist c = 192.0.2.1/33 : 1mail.example : <; 2001:db8::/32\n', 'host-list-address-malformed'), ['10.42.0.0/24 ; 127.0.0.1 ; :1', '192.0.2/24']);
  assert.match(only('hostlist b = 192.0.2/24\n', 'host-list-address-malformed')[0].message, /\(an address has four parts, as in 192\.0\.2\.0\/24\): the list ends there without a match$/);
  assert.match(only('hostlist a = lesarch;/etc/hosts\n', 'list-lookup-invalid')[0].message, /matching this host list defers \(an SMTP command it guards gets 451\)$/);
  // A dotted name after +ignore_unknown is skipped; after +include_unknown it matches.
  assert.deepEqual(codesOf('hostlist a = +ignore_unknown : .example.net\n', 'host-list-leading-dot'), []);
  assert.match(only('hostlist a = +include_unknown : .example.net\n', 'host-list-leading-dot')[0].message, /"\+include_unknown" makes that failure a match, for every host/);
  // "!" before "=" negates; it is not part of the name.
  assert.deepEqual(only('acl_smtp_rcpt = a\nbegin acl\na:\n  deny dnslists = bl.example!=127.0.0.3 : bl2.example!==127.0.0.2 : bl3.example!&0.0.0.2\n', 'acl-dnslist-domain-strange'), []);
  // A doubled comma is a literal comma.
  assert.deepEqual(only('acl_smtp_rcpt = a\nbegin acl\na:\n  deny dnslists = bl.example=127.0.0.2,,127.0.0.3\n', 'acl-dnslist-value-never-matches').map((f) => f.message.slice(0, 64)), ['dnslists value "127.0.0.2,127.0.0.3" for bl.example never equals']);
  // Two spaces are one literal space.
  assert.match(only('spamd_address = 127.0.0.1  783\n', 'spamd-address-invalid')[0].message, /^spamd_address item "127\.0\.0\.1  783" is not a server Exim can use/);
  assert.match(only('av_scanner = clamd:127.0.0.1  3310\n', 'av-scanner-invalid')[0].message, /^clamd: missing port: '127\.0\.0\.1 3310'/);
  // A number read as octal, or beyond 16 bits; hexadecimal is on purpose.
  assert.deepEqual(only('daemon_smtp_ports = 25 : 02525\n', 'daemon-ports-invalid').map((f) => `${f.severity}: ${f.message}`), ['warning: daemon_smtp_ports: "02525" is read as an octal number, so the daemon listens on port 1365']);
  assert.deepEqual(only('daemon_smtp_ports = 70000\n', 'daemon-ports-invalid').map((f) => f.message), ['daemon_smtp_ports: 70000 is more than 16 bits hold, so the daemon listens on port 4464']);
  assert.deepEqual(only('daemon_smtp_ports = 0x9dd : 0\n', 'daemon-ports-invalid'), []);
  assert.match(only('daemon_smtp_ports = 09\n', 'daemon-ports-invalid')[0].message, /^invalid SMTP port: 09: /);
  // ":" right after an address in a "<;" list.
  assert.deepEqual(codesOf('hostlist a = <; 192.0.2.0/24: 10.0.0.0/8 ; ::1\nhostlist b = <; 2001:db8::1 ; fe80::1\n', 'list-separator-mixed'), ['192.0.2.0/24: 10.0.0.0/8']);
});

test('fourth real-world round: lookups that are not, and findings in skipped branches', () => {
  assert.deepEqual(only('domainlist mx = @mx_secondary/ignore=<;127.0.0.1;::1\naddresslist b = lsearch*@;/etc/exim4/blacklist\naddresslist c = partial2-lsearch*@;/etc/x\naddresslist d = *@lsearch;/etc/x\n', 'list-lookup-invalid'), []);
  assert.match(only('addresslist d = *@lesarch;/etc/x\n', 'list-lookup-invalid')[0].message, /unknown lookup type "lesarch"/);
  assert.deepEqual(only('addresslist e = lsearch*@ ;/etc/x\n', 'list-lookup-invalid'), []);
  // A finding on a line Exim skips says so.
  const [f] = only('acl_smtp_rcpt = a\nbegin acl\na:\n  deny condition = yes\n.ifdef NOPE\n       control = nosuchcontrol\n.endif\n  accept\n', 'acl-control-invalid');
  assert.match(f.message, /\(this line is in an \.ifdef branch that Exim skips as configured: it matters once the branch is used\)$/);
});

test('tainted-data: an appendfile file or directory, a pipe command, a redirect file, a lookup file name', () => {
  const found = (text: string) => only(text, 'tainted-data').map((f) => f.message);
  const appendfile = (option: string) => found(`begin transports\nt:\n  driver = appendfile\n  ${option}\n`);
  for (const ok of ['file = /var/mail/$local_part_data', 'directory = $home/Maildir', 'file = /var/mail/${lookup{$local_part}lsearch{/etc/users}}', 'file = /var/mail/mbox-$primary_hostname', 'file = mail/$local_part'])
    assert.deepEqual(appendfile(ok), [], ok);
  assert.deepEqual(appendfile('file = /var/mail/$local_part'), [
    "file = /var/mail/$local_part uses $local_part, which comes from the message: Exim 4.94 and later refuse a tainted file or directory name ('Tainted ... not permitted') and defer every delivery through t transport; use $local_part_data, which a router's check or lookup sets",
  ]);
  assert.match(appendfile('directory = /srv/mail/${lc:$domain}/$local_part')[0], /uses \$domain, which comes from the message/);
  // A lookup's result elsewhere in the path does not untaint what is added to it.
  assert.match(appendfile('directory = ${lookup{x}lsearch{/etc/homes}{$value}}/mail/$domain')[0], /uses \$domain/);
  const pipe = (options: string) => found(`begin transports\nt:\n  driver = pipe\n${options}`);
  assert.match(pipe('  command = /usr/bin/procmail -d $local_part\n')[0], /^command = \/usr\/bin\/procmail -d \$local_part uses \$local_part, .*'Tainted arg N for t transport command'.*the message bounces/);
  assert.deepEqual(pipe('  command = /usr/bin/procmail -d $local_part_data\n'), []);
  assert.deepEqual(pipe('  command = /usr/bin/procmail -d $local_part\n  use_shell\n'), []);
  assert.deepEqual(pipe('  command = /usr/bin/x ${lookup{$local_part}lsearch{/etc/users}}\n'), []);
  const redirect = found('begin routers\nr:\n  driver = redirect\n  file = /etc/exim4/filters/$domain\n');
  assert.match(redirect[0], /'Tainted name \.\.\. for file read not permitted'\), and the r router defers each address it reads the file for; use \$domain_data/);
  const lookup = found('begin routers\nr:\n  driver = accept\n  condition = ${lookup{$local_part}lsearch{/etc/exim4/domains/$domain/passwd}{true}{false}}\n');
  assert.deepEqual(lookup, [
    'the file name of this lsearch lookup uses $domain, which comes from the message: Exim 4.94 and later refuse it ("Tainted filename", in the panic log) and the whole expansion fails: an ACL then answers 451, a router condition skips the router, other settings make the delivery defer or fail',
  ]);
  // Reported once where a lookup in the path fails first.
  assert.equal(found('begin transports\nt:\n  driver = appendfile\n  directory = ${extract{5}{:}{${lookup{$local_part}lsearch{/etc/exim4/domains/$domain/passwd}}}}/mail/$domain/$local_part\n').length, 1);
  // An operator Exim does not know fails first.
  assert.deepEqual(appendfile('file = /var/mail/${bless:$local_part}'), []);
  // A transport only redirect-generated pipes reach runs the generated command, not its own.
  assert.deepEqual(found('begin routers\nr:\n  driver = redirect\n  data = |/usr/bin/x\n  pipe_transport = p\nbegin transports\np:\n  driver = pipe\n  command = /usr/bin/x $local_part\n'), []);
  assert.equal(found('begin routers\nr:\n  driver = accept\n  transport = p\nbegin transports\np:\n  driver = pipe\n  command = /usr/bin/x $local_part\n').length, 1);
  assert.match(pipe('  command = /usr/bin/x ${local_part_data}${local_part_suffix}\n')[0], /each delivery through t transport whose address has a suffix fails/);
  // autoreply file and once; ${readfile}; a list lookup's file.
  assert.equal(found('begin transports\nt:\n  driver = autoreply\n  file = /etc/vacation/$local_part.msg\n  once = /var/spool/once/$local_part\n').length, 2);
  assert.equal(found('begin routers\nr:\n  driver = redirect\n  data = ${readfile{/etc/aliases.d/$domain}}\n').length, 1);
  assert.match(only('begin routers\nr:\n  driver = accept\n  local_parts = lsearch;/etc/exim4/domains/$domain\n', 'list-lookup-invalid')[0].message, /uses \$domain, .*"Tainted filename for search"\), and the process that matches this list stops/);
  assert.deepEqual(found('begin routers\nr:\n  driver = accept\n  condition = ${lookup{$local_part}lsearch{/etc/exim4/domains/$domain_data/passwd}{true}{false}}\n'), []);
  assert.deepEqual(found('begin routers\nr:\n  driver = accept\n  condition = ${lookup mysql{select 1 from t where d=${quote_mysql:$domain}}{true}{false}}\n'), []);
});

test('tainted-data: taint through ACL variables and through items that pass data on; digests are clean', () => {
  const found = (text: string) => only(text, 'tainted-data');
  const appendfile = (option: string) => found(`begin transports\nt:\n  driver = appendfile\n  ${option}\n`).map((f) => f.message);
  // Digests and numbers are clean; ${sg} and ${hash} keep the taint of their data.
  for (const ok of ['file = /var/mail/${md5:$local_part}', 'file = /var/mail/${sha2_256:$local_part}', 'file = /var/mail/${nhash_8:$local_part}', 'file = /var/mail/${sg{abc}{$local_part}{x}}', 'file = /var/mail/${tr{abc}{a}{$local_part}}'])
    assert.deepEqual(appendfile(ok), [], ok);
  // ${if}: the yes and no strings reach the result, the condition does not.
  assert.equal(appendfile('file = /var/mail/${if eq{$local_part}{root}{admin}{$local_part}}').length, 1);
  assert.deepEqual(appendfile('file = /var/mail/${if eq{$local_part}{root}{admin}{other}}'), []);
  assert.deepEqual(appendfile('file = /var/mail/${if match{$local_part}{^a}{a}{b}}'), []);
  for (const bad of ['file = /var/mail/${sg{$local_part}{\\.}{_}}', 'file = /var/mail/${hash{4}{$local_part}}', 'file = /var/mail/${substr{0}{2}{$domain}}/x', 'file = /var/mail/${listextract{1}{$domain}}'])
    assert.equal(appendfile(bad).length, 1, bad);
  // An ACL variable set from data of the message carries it, at delivery too (through the spool).
  const acl = 'begin acl\nr:\n  warn set acl_m_box = ${lc:$sender_address_local_part}\n  warn set acl_m_two = x$acl_m_box\n  accept\n';
  const [transport] = found(`${acl}begin transports\nt:\n  driver = appendfile\n  file = /var/mail/$acl_m_two\n`);
  assert.match(transport.message, /^file = \/var\/mail\/\$acl_m_two uses \$acl_m_two \(set from \$acl_m_box\), which comes from the message/);
  assert.equal(transport.related?.[0].loc.range.start.line, 3);
  assert.equal(transport.related?.[0].message, '$acl_m_two is set from $acl_m_box here');
  const [readfile] = found(`${acl.replace('  accept\n', '  warn logwrite = ${readfile{/etc/x/$acl_m_box}}\n  accept\n')}`);
  assert.match(readfile.message, /^the file name of this readfile uses \$acl_m_box \(set from \$sender_address_local_part\), which comes from the message/);
  assert.deepEqual(found('begin acl\nr:\n  warn set acl_m_box = ${md5:$sender_address}\n  warn logwrite = ${readfile{/etc/x/$acl_m_box}}\n  accept\n'), []);
  // A set in a skipped .ifdef branch taints nothing.
  assert.deepEqual(found('begin acl\nr:\n.ifdef NOPE\n  warn set acl_m_box = $sender_address\n.endif\n  warn logwrite = ${readfile{/etc/x/$acl_m_box}}\n  accept\n'), []);
  // ${expand:...} and ${mask:...} of data of the message.
  assert.match(found('begin acl\nr:\n  warn logwrite = ${expand:$h_subject:}\n  accept\n')[0].message, /^the argument of \$\{expand:\.\.\.\} uses \$h_subject:, .*"attempt to expand tainted string"/);
  assert.match(found('begin acl\nr:\n  warn logwrite = ${mask:$sender_helo_name/24}\n  accept\n')[0].message, /"Taint mismatch, Ustrncpy: string_is_ip_address"/);
  assert.deepEqual(found('begin acl\nr:\n  warn logwrite = ${mask:$sender_host_address/24} ${expand:${lookup{$local_part}lsearch{/etc/x}}}\n  accept\n'), []);
  // In a query: an ACL variable quoted for the lookup when it was set stays quoted.
  const query = (value: string) => only(`begin acl\nr:\n  warn set acl_c_q = ${value}\n  warn set acl_m_r = \${lookup ldap{ldap:///o=$acl_c_q?cn?sub}}\n  accept\n`, 'lookup-query-unquoted');
  assert.match(query('cn=$sender_address')[0].message, /uses \$acl_c_q \(set from \$sender_address\), which comes from the message, without \$\{quote_ldap_dn:\.\.\.\}/);
  assert.deepEqual(query('cn=${quote_ldap_dn:$sender_address}'), []);
});

test('tainted-data: a sqlite file at the start of a query that carries data of the message, and its fix', () => {
  const findings = (condition: string) => only(`begin acl\nr:\n  accept condition = ${condition}\n`, 'tainted-data');
  const [f] = findings("${lookup sqlite {/var/db/grey.db SELECT 1 FROM t WHERE h='${quote_sqlite:$sender_helo_name}'}{yes}{no}}");
  assert.match(f.message, /^this sqlite lookup names its file \(\/var\/db\/grey\.db\) at the start of the query, and the query uses \$sender_helo_name, .*"Tainted filename for search".*an ACL answers 451.*sqlite,file=\/var\/db\/grey\.db\{\.\.\.\}$/);
  assert.deepEqual([f.loc.range.start.character, f.loc.range.end.character], [38, 53]);
  assert.deepEqual(f.fixes!.map((x) => [x.title, x.edits[0].newText, x.edits[0].range.start.character, x.edits[0].range.end.character]), [['Name the file in a file= option: sqlite,file=/var/db/grey.db', ',file=/var/db/grey.db {', 36, 54]]);
  // The file through a macro: the fix keeps the macro.
  const macro = only("GREYDB = /var/db/grey.db\nbegin acl\nr:\n  accept condition = ${lookup sqlite {GREYDB SELECT 1 WHERE x='$local_part'}}\n", 'tainted-data');
  assert.equal(macro[0].fixes![0].edits[0].newText, ',file=GREYDB {');
  for (const ok of [
    '${lookup sqlite {/var/db/grey.db SELECT 1}}',
    "${lookup sqlite,file=/var/db/grey.db {SELECT 1 WHERE x='${quote_sqlite:$local_part}'}}",
    "${lookup sqlite {SELECT 1 WHERE x='${quote_sqlite:$local_part}'}}",
    "${lookup sqlite {/var/db/grey.db SELECT 1 WHERE x='${lookup{a}lsearch{/etc/x}}'}}",
  ])
    assert.deepEqual(findings(ok), [], ok);
});

test('tainted-data: a queryprogram command, and a redirect list with :include: and data of the message', () => {
  const found = (router: string) => only(`begin routers\nr:\n${router}`, 'tainted-data').map((f) => f.message);
  assert.deepEqual(found('  driver = queryprogram\n  command = /usr/local/bin/check $local_part\n  command_user = mail\n'), [
    "command = /usr/local/bin/check $local_part uses $local_part, which comes from the message: Exim 4.94 and later refuse a tainted argument ('Tainted arg N for queryprogram router command'), and the r router defers every address it runs the command for; use $local_part_data, which a router's check or lookup sets",
  ]);
  assert.deepEqual(found('  driver = queryprogram\n  command = /usr/local/bin/check $local_part_data\n  command_user = mail\n'), []);
  assert.deepEqual(found('  driver = redirect\n  data = :include:/etc/lists/$local_part\n'), [
    'data = :include:/etc/lists/$local_part uses $local_part, which comes from the message: with an :include: item in the same list, Exim 4.96 dies while it routes the address ("Taint mismatch, Ustrncpy: parse_forward_list" in the panic log): the message stays on the queue and is never delivered, and an SMTP session that verifies the recipient ends without an answer; use $local_part_data, which a router\'s check or lookup sets',
  ]);
  // Anywhere in the list, not only in the file name; a lookup's result is untainted.
  assert.match(found('  driver = redirect\n  data = $local_part@lists.example, :include:/etc/lists/all\n')[0], /uses \$local_part, .*Exim 4\.96 dies/);
  for (const ok of [
    '  driver = redirect\n  data = :include:/etc/lists/all\n',
    '  driver = redirect\n  data = $local_part@lists.example\n',
    '  driver = redirect\n  data = :include:/etc/lists/${lookup{$local_part}dsearch{/etc/lists}}\n',
    '  driver = redirect\n  data = ${lookup{$local_part}lsearch{/etc/aliases}}\n',
  ])
    assert.deepEqual(found(ok), [], ok);
});

test('delivery-value-invalid: an autoreply once_repeat that is not a time', () => {
  const found = (value: string) => only(`begin transports\nt:\n  driver = autoreply\n  once = /var/spool/vacation/$local_part_data\n  once_repeat = ${value}\n`, 'delivery-value-invalid').map((f) => f.message);
  for (const ok of ['7d', '1w2d', '12h', '${if eq{$domain}{a}{1d}{7d}}']) assert.deepEqual(found(ok), [], ok);
  assert.deepEqual(found('7'), ['Invalid time value "7" for "once_repeat" in t transport: Exim accepts the configuration, and fails every autoreply through this transport (the address bounces); a time needs a unit, as in "7d" or "1w"']);
  for (const bad of ['0', '7 days', '1.5d']) assert.equal(found(bad).length, 1, bad);
});

test('delivery-value-invalid: a local transport run as root or as a user never_users names', () => {
  const found = (main: string, router: string, transport: string) =>
    only(`${main}begin routers\nr:\n  driver = accept\n  transport = t\n${router}begin transports\nt:\n${transport}`, 'delivery-value-invalid').map((f) => [f.loc.range.start.line, f.message]);
  const pipe = '  driver = pipe\n  command = /usr/bin/procmail\n';
  assert.deepEqual(found('', '', `${pipe}  user = root\n`), [
    [8, 'User 0 set for t transport is on the fixed_never_users list: Exim never runs a local delivery as root. It accepts the configuration, and defers every delivery through this transport (writing each to the panic log), until the retry rules give up'],
  ]);
  assert.match(found('', '  user = root\n', pipe)[0][1] as string, /^User 0 set for t transport \(by the user of router r\) is on the fixed_never_users list/);
  assert.match(found('never_users = root : nobody\n', '', `${pipe}  user = nobody\n`)[0][1] as string, /^User nobody set for t transport is on the never_users list/);
  // The transport's user wins over the router's; remote transports and expansions are not read.
  assert.deepEqual(found('', '  user = root\n', `${pipe}  user = mail\n`), []);
  assert.deepEqual(found('', '  user = root\n', '  driver = smtp\n  hosts_require_tls = *\n'), []);
  assert.deepEqual(found('', '', `${pipe}  user = \${if eq{$local_part}{x}{root}{mail}}\n`), []);
});

test('delivery-value-invalid: appendfile create_file as an absolute path', () => {
  const found = (options: string) => only(`begin transports\nt:\n  driver = appendfile\n${options}`, 'delivery-value-invalid').map((f) => f.message);
  assert.deepEqual(found('  file = /var/mail/mbox\n  create_file = /var/mail\n'), [
    'create_file = /var/mail: in Exim 4.96 every delivery through t transport to /var/mail/mbox, a mailbox written without an expansion under that path, crashes the transport (SIGSEGV) and defers. Exim accepts the configuration; create_file = anywhere (or belowhome, inhome) works',
  ]);
  assert.deepEqual(found('  file = /var/mail/$local_part_data\n  create_file = /var/mail/\n'), [
    'create_file = /var/mail/: with the final "/", Exim 4.96 finds no mailbox of t transport under that path, and never creates one ("creation outside the home directory is not permitted"); write create_file = /var/mail',
  ]);
  for (const ok of [
    '  file = /var/mail/$local_part_data\n  create_file = /var/mail\n',
    '  file = /srv/mbox\n  create_file = /var/mail\n',
    '  file = /var/mail/mbox\n  create_file = anywhere\n',
    '  directory = /var/mail/x\n  maildir_format\n  create_file = /var/mail\n',
    // Under the path, a tainted mailbox is de-tainted.
    '  file = /var/mail/$local_part\n  create_file = /var/mail\n',
    '  directory = /var/mail/${lc:$domain}/$local_part\n  maildir_format\n  create_file = /var/mail\n',
  ])
    assert.deepEqual(found(ok), [], ok);
  const tainted = (options: string) => only(`begin transports\nt:\n  driver = appendfile\n${options}`, 'tainted-data').length;
  assert.equal(tainted('  file = /var/mail/$local_part\n  create_file = /srv\n'), 1);
  assert.equal(tainted('  file = /var/mail/$local_part\n  create_file = /var/mail\n'), 0);
  assert.equal(tainted('  file = /var/mail/$local_part\n  create_file = /var/mail/\n'), 1);
  // Header lines and the HELO name come from the message too; message ids and system values do not.
  for (const variable of ['$h_subject:', '$rh_from:', '$header_x-foo:', '${lc:${domain:$h_from:}}', '$sender_helo_name']) {
    assert.equal(tainted(`  file = /var/mail/${variable}\n`), 1, variable);
  }
  for (const variable of ['$message_exim_id', '$tod_log', '$primary_hostname', '$home', '$local_part_data', '$domain_data']) {
    assert.equal(tainted(`  file = /var/mail/${variable}\n`), 0, variable);
  }
});

test('tainted-data: a DKIM key file named from data of the message, directly or through $dkim_domain', () => {
  const dkim = (options: string) => only(`begin transports
t:
  driver = smtp
  dkim_selector = s1
${options}`, 'tainted-data').map((f) => f.message);
  const key = (domain: string, path: string, extra = '') => dkim(`  dkim_domain = ${domain}\n  dkim_private_key = ${path}\n${extra}`);
  assert.deepEqual(key('example.com', '/etc/dkim/${dkim_domain}.pem'), []);
  assert.deepEqual(key('$sender_address_domain', '/etc/dkim/${lookup{$dkim_domain}dsearch{/etc/dkim}}'), []);
  assert.deepEqual(key('$sender_address_domain', '${lookup{$dkim_domain}lsearch{/etc/dkim/keys}}'), []);
  // Key data written in the option (no "/") is not a file name.
  assert.deepEqual(key('$sender_address_domain', '${lookup{$dkim_domain}lsearch{/etc/x}{$value}{$dkim_domain}}'), []);
  const [viaDomain] = key('${lc:${domain:$h_from:}}', '/etc/dkim/${dkim_domain}.pem');
  assert.match(viaDomain, /^dkim_private_key = \/etc\/dkim\/\$\{dkim_domain\}\.pem uses \$dkim_domain \(dkim_domain = \$\{lc:\$\{domain:\$h_from:\}\}, which uses \$h_from:\), which comes from the message: .* send every message through t transport unsigned; name the file through a lookup/);
  assert.equal(key('example.com', '${if exists{/etc/dkim/$sender_address_domain.pem}{/etc/dkim/$sender_address_domain.pem}{0}}').length, 1);
  assert.equal(key('example.com', '/etc/dkim/${dkim_selector}.pem').length, 0);
  assert.equal(dkim('  dkim_domain = example.com\n  dkim_selector = $h_x-sel:\n  dkim_private_key = /etc/dkim/$dkim_selector.pem\n').length, 1);
  assert.match(key('$sender_address_domain', '/etc/dkim/$dkim_domain.pem', '  dkim_strict = true\n')[0], /defer every delivery through the transport, as dkim_strict is set/);
});

test('tainted-data: the quick fix names a DKIM key file through a dsearch lookup', () => {
  const fixOf = (domain: string, path: string) => {
    const text = `begin transports\nt:\n  driver = smtp\n  dkim_domain = ${domain}\n  dkim_private_key = ${path}\n`;
    const [f] = only(text, 'tainted-data');
    const edit = f?.fixes?.[0]?.edits[0];
    if (!edit) return undefined;
    assert.deepEqual([edit.range.start.line, edit.range.start.character, edit.range.end.character], [4, 21, 21 + path.length]);
    return edit.newText;
  };
  const from = '${lc:${domain:$h_from:}}';
  assert.equal(fixOf('$sender_address_domain', '/etc/dkim/${dkim_domain}.pem'), '${lookup{${dkim_domain}.pem}dsearch{/etc/dkim}{/etc/dkim/$value}}');
  assert.equal(fixOf('x.example', `\${if exists{/etc/dkim/${from}.key}{/etc/dkim/${from}.key}{0}}`), `\${lookup{${from}.key}dsearch{/etc/dkim}{/etc/dkim/$value}{0}}`);
  // A directory per domain: looked up as a directory, the file below it still tested.
  const perDomain = `\${lookup{${from}}dsearch,filter=dir{/etc/exim4/domains}{/etc/exim4/domains/$value/dkim.pem}}`;
  assert.equal(fixOf('x.example', `\${if exists{/etc/exim4/domains/${from}/dkim.pem}{/etc/exim4/domains/${from}/dkim.pem}{0}}`), `\${if exists{${perDomain}}{${perDomain}}{0}}`);
  // Shapes the fix does not take: no fixed directory first, the data twice, different test and result.
  assert.equal(fixOf('$sender_address_domain', '/${dkim_domain}.pem'), undefined);
  assert.equal(fixOf('$sender_address_domain', '/etc/$dkim_domain/$dkim_domain.pem'), undefined);
  assert.equal(fixOf('x.example', `\${if exists{/etc/a/${from}}{/etc/b/${from}}{0}}`), undefined);
  // The path in a macro (VestaCP, HestiaCP): the macro's definition is rewritten.
  const panel = `DKIM_FILE = /etc/exim4/domains/${from}/dkim.pem\nDKIM_PRIVATE_KEY = \${if exists{DKIM_FILE}{DKIM_FILE}{0}}\nbegin transports\nt:\n  driver = smtp\n  dkim_domain = ${from}\n  dkim_private_key = DKIM_PRIVATE_KEY\n`;
  const [viaMacro] = only(panel, 'tainted-data')[0].fixes!;
  assert.match(viaMacro.title, /in macro DKIM_FILE$/);
  assert.deepEqual([viaMacro.edits[0].range.start.line, viaMacro.edits[0].range.start.character], [0, 12]);
  assert.equal(viaMacro.edits[0].newText, `\${lookup{${from}}dsearch,filter=dir{/etc/exim4/domains}{/etc/exim4/domains/$value/dkim.pem}}`);
  // Continued lines: the whole value is replaced.
  const continued = only(`begin transports\nt:\n  driver = smtp\n  dkim_domain = x.example\n  dkim_private_key = \${if exists\\\n    {/etc/dkim/${from}.key}\\\n    {/etc/dkim/${from}.key}{0}}\n`, 'tainted-data')[0].fixes![0].edits[0];
  assert.deepEqual([continued.range.start.line, continued.range.end.line], [4, 6]);
  assert.equal(continued.newText, `\${lookup{${from}.key}dsearch{/etc/dkim}{/etc/dkim/$value}{0}}`);
  // A fallback key for no file stays the fallback.
  assert.equal(fixOf('x.example', `\${if exists{/etc/dkim/${from}.key}{/etc/dkim/${from}.key}{/etc/dkim/default.key}}`), `\${lookup{${from}.key}dsearch{/etc/dkim}{/etc/dkim/$value}{/etc/dkim/default.key}}`);
});

test('expansion rules: in a skipped branch, a problem that is a macro name is not reported', () => {
  const text = 'acl_smtp_rcpt = r\nbegin acl\nr:\n.ifdef SPAMASSASSIN\n  warn condition = ${if >{$spam_score_int}{SPAM_SCORE}{yes}{no}}\n  warn logwrite = $domian\n.endif\n  warn condition = ${if >{$spam_score_int}{SPAM_SCORE}{yes}{no}}\n  accept\n';
  const found = lint(text).filter((f) => f.code === 'expansion-syntax' || f.code === 'unknown-variable').map((f) => [f.code, f.loc.range.start.line]);
  assert.deepEqual(found, [
    ['unknown-variable', 5],
    ['expansion-syntax', 7],
  ]);
});

test('unused-transport: a transport whose name a router builds with an expansion is used', () => {
  const text = 'begin routers\nr:\n  driver = accept\n  transport = ${local_part_prefix}local_delivery\ns:\n  driver = accept\n  transport = send_to_server${if eq{$domain}{a}{2}{1}}\nbegin transports\nbsmtp_local_delivery:\n  driver = appendfile\n  file = /tmp/x\nsend_to_server1:\n  driver = smtp\nlonely:\n  driver = appendfile\n  file = /tmp/y\n';
  assert.deepEqual(only(text, 'unused-transport').map((f) => f.message), ['transport "lonely" is not used by any router']);
});

test('unused-transport: a transport that names itself in its own settings is still unused', () => {
  const text = 'begin routers\nr:\n  driver = accept\n  transport = used\nbegin transports\nused:\n  driver = appendfile\n  file = /tmp/x\nlonely:\n  driver = appendfile\n  file = /tmp/y\n  debug_print = "T: lonely for $local_part"\n';
  assert.deepEqual(only(text, 'unused-transport').map((f) => f.message), ['transport "lonely" is not used by any router']);
});

test('router-require-files-relative: a require_files path that is not absolute', () => {
  const items = (value: string) => only(`begin routers\nr:\n  driver = accept\n  require_files = ${value}\n`, 'router-require-files-relative').map((f) => f.message);
  for (const ok of ['/etc/hostname', '+/etc/x : !/etc/y', 'mail : /var/mail/x', '$home/.forward']) assert.deepEqual(items(ok), [], ok);
  assert.deepEqual(items('etc/hostname'), ['require_files: "etc/hostname" is not absolute: Exim accepts the configuration, and r router defers every address it sees']);
  assert.match(items('!etc/x')[0], /^require_files: "etc\/x" is not absolute/);
});

test('expansion-syntax: a route_list domain pattern Exim cannot expand', () => {
  const found = (list: string) => only(`begin routers\nr:\n  driver = manualroute\n  route_list = ${list}\n`, 'expansion-syntax').map((f) => [f.loc.range.start.character, f.message.replace(/^.*: Exim/, 'Exim')]);
  assert.deepEqual(found('^.*\\.example\\.com$ 192.0.2.1 ; other.example 192.0.2.2'), [[32, 'Exim cannot expand this domain pattern, so routing defers every address that reaches the rule (and writes to the panic log)']]);
  assert.deepEqual(found('a.example 192.0.2.1 ; ^.*\\.example\\.com$ 192.0.2.2'), [[54, 'Exim cannot expand this domain pattern, so routing defers every address that reaches the rule (and writes to the panic log)']]);
  for (const ok of ['^.*\\.example\\.com\\$ 192.0.2.1', '\\N^.*\\.example\\.com$\\N 192.0.2.1', '* $domain', '+local_domains ${lookup{$domain}lsearch{/etc/routes}}']) assert.deepEqual(found(ok), [], ok);
});

test('received-header-not-header: a received_header_text that does not start with a header name', () => {
  const codes = (value: string) => only(`received_header_text = ${value}\n`, 'received-header-not-header').length;
  for (const ok of ['Received: by $primary_hostname', '', '${if def:sender_host_address {Received: from $sender_host_address}}', 'X-Received: x', '"Received: quoted"']) assert.equal(codes(ok), 0, ok);
  for (const bad of ['from $sender_host_address', 'Received from x', 'by example.org']) assert.equal(codes(bad), 1, bad);
  const [f] = only('received_header_text = from $sender_host_address\n', 'received-header-not-header');
  assert.equal(f.message, 'received_header_text does not start with a header name ("Received: ..."): Exim adds "from $sender_host_address; <date>" to each message as a header line without a name, so messages carry no Received: header and a malformed line');
});

test('reception-value-invalid and list-regex-invalid: message_size_limit, smtp_accept_max_per_connection, regex list items', () => {
  const codes = (text: string) => lint(text).filter((f) => ['reception-value-invalid', 'list-regex-invalid'].includes(f.code)).map((f) => `${f.code}:${f.severity}`);
  assert.deepEqual(codes('message_size_limit = 50M\nsmtp_accept_max_per_connection = 100\npercent_hack_domains = ^x\\d+\\.example : a.example\n'), []);
  assert.deepEqual(codes('message_size_limit = ${if eq{1}{1}{1.5M}}\n'), []);
  assert.deepEqual(codes('message_size_limit = 1.5M\n'), ['reception-value-invalid:error']);
  assert.deepEqual(codes('message_size_limit = 2G\n'), ['reception-value-invalid:warning']);
  assert.deepEqual(codes('smtp_accept_max_per_connection = 10k\n'), ['reception-value-invalid:warning']);
  assert.deepEqual(codes('domainlist d = a.example : ^(x\nbegin acl\na:\n  deny senders = ! ^[a-\n'), ['list-regex-invalid:warning', 'list-regex-invalid:warning']);
  assert.match(lint('message_size_limit = 4294967306\n').find((f) => f.code === 'reception-value-invalid')!.message, /it becomes a limit of 10 bytes$/);
  assert.match(lint('smtp_accept_max_per_connection = x\n').find((f) => f.code === 'reception-value-invalid')!.message, /as 0: no limit at all$/);
});

test('acl-verify-invalid: not_blind takes case_insensitive only (measured with exim -bh)', () => {
  const values = (...lines: string[]) => only(`acl_smtp_data = a\nbegin acl\na:\n${lines.map((l) => `  deny !verify = ${l}\n`).join('')}  accept\n`, 'acl-verify-invalid').map((f) => f.data!.value);
  assert.deepEqual(values('not_blind', 'NOT_BLIND/CASE_INSENSITIVE', 'not_blind/', 'not_blind / case_insensitive / case_insensitive'), []);
  assert.deepEqual(values('not_blind/foo', 'not_blind/defer_ok'), ['not_blind/foo', 'not_blind/defer_ok']);
});

test('acl-argument-invalid: the port of udpsend, a decimal number in the second item of its list', () => {
  const values = (...lines: string[]) => only(`acl_smtp_rcpt = a\nbegin acl\na:\n${lines.map((l) => `  warn ${l}\n`).join('')}  accept\n`, 'acl-argument-invalid').map((f) => f.data!.value);
  assert.deepEqual(values('udpsend = 127.0.0.1 : 9 : hi', 'udpsend = 127.0.0.1:9:hi', 'udpsend = 127.0.0.1 : 9', 'udpsend = <; ::1 ; 514 ; $tod_log', 'udpsend = localhost : +9 : hi', 'udpsend = 127.0.0.1 :  : hi', 'udpsend = ${if true{x}} 9'), []);
  assert.deepEqual(values('udpsend = 127.0.0.1 9 hi', 'udpsend = 127.0.0.1', 'udpsend = 127.0.0.1 : smtp : hi', 'udpsend = 127.0.0.1 : 0x10 : hi', 'udpsend = 2001:db8::1 : 514 : hi'), ['127.0.0.1 9 hi', '127.0.0.1', '127.0.0.1 : smtp : hi', '127.0.0.1 : 0x10 : hi', '2001:db8::1 : 514 : hi']);
  const [f] = only('acl_smtp_rcpt = a\nbegin acl\na:\n  warn udpsend = 127.0.0.1 514 hi\n', 'acl-argument-invalid');
  assert.match(f.message, /^missing destination port in "udpsend" modifier: Exim accepts/);
});

test('acl-log-name-unknown: log names of logwrite and log_reject_target, as Exim reads them when the statement runs', () => {
  const values = (...lines: string[]) => only(`acl_smtp_rcpt = a\nbegin acl\na:\n${lines.map((l) => `  warn ${l}\n`).join('')}  accept\n`, 'acl-log-name-unknown').map((f) => f.data!.value);
  assert.deepEqual(
    values('logwrite = :main: x', 'logwrite = :main,reject,panic: x', 'logwrite = ::x', 'logwrite = x:bogus: y', 'logwrite = :main:reject: y', 'logwrite = :$acl_m0: x', 'log_reject_target = main : reject', 'log_reject_target =', 'log_reject_target = <; main ; panic'),
    [],
  );
  assert.deepEqual(
    values('logwrite = :bogus: x', 'logwrite = :MAIN: x', 'logwrite = : main , reject : x', 'logwrite = :main x', 'logwrite = :,: x', 'logwrite = :', 'log_reject_target = bogus', 'log_reject_target = main,reject', 'log_reject_target = reject : Main'),
    [':bogus: x', ':MAIN: x', ': main , reject : x', ':main x', ':,: x', ':', 'bogus', 'main,reject', 'reject : Main'],
  );
  const [f] = only('acl_smtp_rcpt = a\nbegin acl\na:\n  deny log_reject_target = reject : Main\n', 'acl-log-name-unknown');
  assert.match(f.message, /^unknown log name "Main" in "log_reject_target": Exim logs this error, and the rejection goes to its default logs, main and reject/);
});

test('redirectItems: the items of redirect data as parse_forward_list() reads them', () => {
  const kinds = (text: string, known?: number) => redirectItems(text, known).map((i) => `${i.kind}:${text.slice(i.start, i.end)}`);
  assert.deepEqual(kinds('a@b.example, :fail: x, y'), ['address:a@b.example', 'fail::fail: x, y']);
  assert.deepEqual(kinds(' , ,:blackhole:,:include: /etc/list, "|/bin/x a, b", |/bin/y, /var/mail/u, /var/mail/d/, "/q/"'), [
    'blackhole::blackhole:',
    'include::include: /etc/list',
    'pipe:"|/bin/x a, b"',
    'pipe:|/bin/y',
    'file:/var/mail/u',
    'directory:/var/mail/d/',
    'directory:"/q/"',
  ]);
  assert.deepEqual(kinds('a (x, :fail: y) b@c, :FAIL: z'), ['address:a (x, :fail: y) b@c', 'special::FAIL: z']);
  assert.equal(redirectItems(':include:  /x').at(0)?.path, '/x');
  // Only what lies before the expansion is known: the pipe and the :fail: by their start.
  const text = 'a@b, |/bin/x $local_part, c@d';
  assert.deepEqual(kinds(text, text.indexOf('$')), ['address:a@b', 'pipe:|/bin/x ']);
  assert.deepEqual(kinds(':fail: no $local_part', 10), [':fail: no $local_part'].map((x) => `fail:${x}`));
  assert.deepEqual(kinds('a@b, c@$domain', 7), ['address:a@b']);
});

test('redirect-data-invalid: items Exim refuses on this router, with allow_* and spelling fixes', () => {
  const router = (...options: string[]) => `begin routers\nr:\n  driver = redirect\n${options.map((o) => `  ${o}\n`).join('')}begin transports\nt:\n  driver = appendfile\n  file = /dev/null\n`;
  const items = (...options: string[]) => only(router(...options), 'redirect-data-invalid').map((f) => f.data!.item);
  assert.deepEqual(items('allow_fail', 'data = :fail: gone'), []);
  assert.deepEqual(items('allow_defer = true', 'data = :defer: later'), []);
  assert.deepEqual(items('pipe_transport = t', 'file_transport = t', 'directory_transport = t', 'data = |/bin/x, /a, /b/, :blackhole:, :include:/etc/x'), []);
  assert.deepEqual(items('data = ${lookup{$local_part}lsearch{/etc/aliases}}'), []);
  assert.deepEqual(items('data = # Exim filter\\nsave /tmp/x'), []);
  assert.deepEqual(items('no_allow_fail', 'data = :fail: gone'), ['fail']);
  assert.deepEqual(items('data = a@b, |/bin/x, /a, /b/, :include:x, :Blackhole:'), ['pipe', 'file', 'directory', 'include', 'special']);
  assert.deepEqual(items('forbid_pipe', 'forbid_file', 'forbid_blackhole', 'forbid_include', 'pipe_transport = t', 'file_transport = t', 'data = |/bin/x, /a, :blackhole:, :include:/etc/x'), ['pipe', 'file', 'blackhole', 'include']);
  assert.deepEqual(items('data = :fail: unknown user $local_part'), ['fail']);

  const text = router('domains = ! example.org', 'data = :fail: Mailing to remote domains not supported');
  const [f] = only(text, 'redirect-data-invalid');
  assert.equal(f.message, 'error in redirect data: ":fail: Mailing to remote domains not supported" is not permitted (the r router does not set allow_fail): Exim accepts the configuration, and routing defers every address this router redirects, until the retry rules give up');
  assert.deepEqual([f.loc.range.start.line, f.loc.range.start.character, f.loc.range.end.character], [4, 9, 55]);
  const fixed = applyEdits(text, f.fixes![0].edits);
  assert.match(fixed, /  data = :fail: Mailing[^\n]*\n  allow_fail\n/);
  assert.deepEqual(only(fixed, 'redirect-data-invalid'), []);

  const [g] = only(router('data = a@b.example, :blackhol:'), 'redirect-data-invalid');
  assert.match(g.message, /^error in redirect data: missing or malformed local part \(expected word or "<"\) in ":blackhol:".*did you mean ":blackhole:"\?$/);
  assert.match(applyEdits(router('data = a@b.example, :blackhol:'), g.fixes![0].edits), /data = a@b\.example, :blackhole:\n/);
});

test('router-variable-invalid: names of a router\'s set, and a ";" that cuts an expansion', () => {
  const items = (value: string) => only(`begin routers\nr:\n  driver = accept\n  transport = t\n  set = ${value}\nbegin transports\nt:\n  driver = appendfile\n  file = /dev/null\n`, 'router-variable-invalid').map((f) => f.data!.item);
  for (const ok of ['r_a = 1', 'r_a = 1 ; r_b = $local_part ;', 'r_a', 'r_1-x=2', 'r_a = 1 ; ; r_b = 2', '<, r_a = 1, r_b = a;b', 'r_a = ${if eq{1}{1}{x;;y}{z}}', '"r_a = 1"']) assert.deepEqual(items(ok), [], ok);
  assert.deepEqual(items('x = 1'), ['x = 1']);
  assert.deepEqual(items('r_a = 1 ; acl_m_b = 2 ; c = 3'), ['acl_m_b = 2']);
  assert.deepEqual(items('R_a = 1'), ['R_a = 1']);
  assert.deepEqual(items('r_ = 1'), ['r_ = 1']);
  assert.deepEqual(items('= 1'), ['= 1']);
  assert.deepEqual(items('"x = 1"'), ['x = 1']);
  assert.deepEqual(items('${if eq{1}{1}{r_x}{r_y}} = 1'), ['${if eq{1}{1}{r_x}{r_y}} = 1']);
  assert.deepEqual(items('r_a = ${if eq{1}{1}{x;y}{z}}'), ['r_a = ${if eq{1}{1}{x']);
  const [f] = only('begin routers\nr:\n  driver = accept\n  transport = t\n  set = r_a = 1 ; a = 2\nbegin transports\nt:\n  driver = appendfile\n  file = /dev/null\n', 'router-variable-invalid');
  assert.equal(f.message, "bad router variable name 'a' in router 'r' (router variables are named r_something): Exim accepts the configuration, and when this router runs, every message it handles is discarded, neither delivered nor bounced");
  assert.deepEqual([f.loc.range.start.line, f.loc.range.start.character, f.loc.range.end.character], [4, 18, 23]);
});

test('router-user-without-group: a numeric user on a router needs a group', () => {
  const routers = (...options: string[]) => only(`begin routers\nr:\n  driver = accept\n  transport = t\n${options.map((o) => `  ${o}\n`).join('')}begin transports\nt:\n  driver = appendfile\n  file = /dev/null\n  user = mail\n`, 'router-user-without-group').length;
  assert.equal(routers('user = 65534'), 1);
  assert.equal(routers('user = "65534"'), 1);
  assert.equal(routers('user = 65534', 'check_local_user'), 1);
  assert.equal(routers('user = 65534', 'group = 65534'), 0);
  assert.equal(routers('user = nobody'), 0);
  assert.equal(routers('user = ${if eq{1}{1}{65534}}'), 0);
  assert.equal(routers(), 0);
});

test('delivery-value-invalid: quotas, size limits and mailbox paths as appendfile reads them when it delivers', () => {
  for (const ok of ['10M', '1.5g', '10', '10 ', '1e3K', '0x10', '-5', 'inf', ' 10', '', '.5k']) assert.equal(quotaProblem('quota', ok), undefined, ok);
  for (const bad of ['10KB', '10%', 'ten', '10 M', '1MB']) assert.equal(quotaProblem('quota', bad), `Malformed value "${bad}"`, bad);
  assert.equal(quotaProblem('quota_warn_threshold', '75%'), undefined);
  assert.equal(quotaProblem('quota_warn_threshold', '75 percent'), 'Malformed value "75 percent"');
  assert.equal(quotaProblem('quota_filecount', '2G'), 'quota_filecount value 2147483648 is too large (overflow)');
  assert.equal(quotaProblem('quota_filecount', '10m'), undefined);
  // The /no_check modifier (measured with deliveries): right after the number, lower case, not on the threshold.
  assert.equal(quotaProblem('quota', '10M/no_check'), undefined);
  assert.equal(quotaProblem('quota', '10/no_check  '), undefined);
  assert.equal(quotaProblem('quota_filecount', '1000/no_check'), undefined);
  for (const bad of ['10M /no_check', '10M/no_checkx', '10M/NO_CHECK']) assert.equal(quotaProblem('quota', bad), `Malformed value "${bad}"`, bad);
  assert.equal(quotaProblem('quota_warn_threshold', '10%/no_check'), 'Malformed value "10%/no_check"');
  for (const ok of ['10m', '2G', '010', '+5', '5K ', '0', '-0']) assert.equal(sizeLimitProblem(ok), undefined, ok);
  assert.equal(sizeLimitProblem('1.5M'), 'invalid integer "1.5M"');
  assert.equal(sizeLimitProblem('5 K'), 'invalid integer "5 K"');
  assert.equal(sizeLimitProblem(''), 'integer expected but "" found');
  assert.equal(sizeLimitProblem('inf'), 'integer expected but "inf" found');
  assert.equal(sizeLimitProblem('-5'), 'non-negative integer expected but "-5" found');
  assert.equal(sizeLimitProblem('99999999999999999999'), 'absolute value of integer "99999999999999999999" is too large (overflow)');

  const transport = (...options: string[]) => only(`begin transports\nt:\n${options.map((o) => `  ${o}\n`).join('')}`, 'delivery-value-invalid').map((f) => f.data!.option);
  assert.deepEqual(transport('driver = appendfile', 'file = /var/mail/$local_part_data', 'quota = ${lookup{$local_part}lsearch{/etc/quotas}}', 'message_size_limit = 50M'), []);
  assert.deepEqual(transport('driver = appendfile', 'directory = $home/Maildir', 'maildir_format'), []);
  assert.deepEqual(transport('driver = appendfile', 'file = mail/$local_part', 'quota = 10KB', 'message_size_limit = 1.5M'), ['file', 'quota', 'message_size_limit']);
  assert.deepEqual(transport('driver = smtp', 'message_size_limit = 1,000'), ['message_size_limit']);
  assert.deepEqual(transport('driver = appendfile', 'file = /var/mail/$local_part_data', 'maildir_format'), ['maildir_format']);
  assert.deepEqual(transport('driver = appendfile', 'file = /var/mail/$local_part_data', 'mailstore_format = true'), ['mailstore_format']);
  assert.deepEqual(transport('driver = appendfile', 'file = /var/mail/$local_part_data', 'no_maildir_format', 'mbx_format'), []);
  assert.deepEqual(transport('driver = appendfile', 'directory = /var/mail/$local_part_data', 'maildir_format'), []);
  // Debian's address_directory: the directory comes from the address a redirect generated.
  assert.deepEqual(transport('driver = appendfile', 'envelope_to_add', 'maildir_format'), []);
  assert.deepEqual(transport('driver = smtp', 'interface = 192.0.2.1'), []);
  assert.deepEqual(transport('driver = smtp', 'interface = <; 192.0.2.1 ; 2001:db8::1'), []);
  assert.deepEqual(transport('driver = smtp', 'interface = ${if eq{$host}{a}{eth0}{192.0.2.1}}'), []);
  assert.deepEqual(transport('driver = smtp', 'interface = eth0'), ['interface']);
  const iface = (value: string) => only(`begin transports\nt:\n  driver = smtp\n  interface = ${value}\n`, 'delivery-value-invalid')[0]?.message;
  assert.equal(iface('eth0'), '"eth0" is not a valid IP address for the "interface" option for t transport (an interface is given by its address, not its name): Exim accepts the configuration, and defers every delivery through this transport');
  assert.match(iface('::1')!, /^":1" is not a valid IP address .* \(an IPv6 address in a list needs another separator: "<; ::1"\)/);
  assert.match(iface('192.0.2.1 : eth0')!, /defers the deliveries that reach this item/);
  assert.equal(iface('192.0.2.1 : 198.51.100.1'), undefined);
  const [f] = only('begin transports\nlocal:\n  driver = appendfile\n  file = /var/mail/x\n  quota = 10KB\n', 'delivery-value-invalid');
  assert.equal(f.message, 'Malformed value "10KB" in local transport: Exim accepts the configuration, and defers every delivery through this transport, until the retry rules give up');
});

test('auth-condition-invalid and auth-condition-constant: a written server_condition as Exim takes it', () => {
  const auth = (driver: string, condition: string) =>
    lint(`begin authenticators\na:\n  driver = ${driver}\n  public_name = X\n  server_condition = ${condition}\n${driver === 'cram_md5' ? '  server_secret = s\n' : '  server_prompts = :\n'}`)
      .filter((f) => f.code.startsWith('auth-condition'))
      .map((f) => `${f.code}:${f.severity}`);
  assert.deepEqual(auth('plaintext', '${if crypteq{$auth3}{${lookup{$auth2}lsearch{/etc/exim4/passwd}}}}'), []);
  assert.deepEqual(auth('plaintext', 'foo'), ['auth-condition-invalid:warning']);
  assert.deepEqual(auth('cram_md5', '2'), ['auth-condition-invalid:warning']);
  assert.deepEqual(auth('plaintext', 'Yes'), ['auth-condition-constant:warning']);
  assert.deepEqual(auth('plaintext', '"0"'), ['auth-condition-constant:information']);
  // For cram_md5 server_condition only adds to the password check.
  assert.deepEqual(auth('cram_md5', 'yes'), []);
  const [f] = lint('begin authenticators\nplain:\n  driver = plaintext\n  public_name = PLAIN\n  server_prompts = :\n  server_condition = true\n').filter((x) => x.code === 'auth-condition-constant');
  assert.equal(f.message, 'server_condition of the plain authenticator is always "true": every user name and password is accepted, and a client that authenticates gets what your ACLs give authenticated clients (often relaying)');
});

test('undefined names in a configuration whose includes could not be read say they may be defined there', () => {
  const text = 'domainlist local_domains = a.example\n.include /nonexistent/lists.conf\nbegin acl\na:\n  accept domains = +other\n';
  const [f] = only(text, 'named-list-undefined');
  assert.equal(f.message, 'unknown named domain list "+other": matching this list defers (files this configuration includes could not be read: it may be defined in one of them)');
  assert.doesNotMatch(only(text.replace('.include /nonexistent/lists.conf\n', ''), 'named-list-undefined')[0].message, /could not be read/);
});

test('transport-undefined: a shadow_transport that names no transport', () => {
  const text = 'begin transports\nlocal:\n  driver = appendfile\n  file = /var/mail/x\n  shadow_transport = copyy\ncopy:\n  driver = appendfile\n  file = /var/mail/copy\n';
  const [f] = only(text, 'transport-undefined');
  assert.equal(f.message, 'shadow transport "copyy" not found for the local transport: Exim accepts the configuration, delivers as usual, and never makes the shadow copy; did you mean "copy"?');
  assert.match(applyEdits(text, f.fixes![0].edits), /shadow_transport = copy\n/);
  assert.deepEqual(only(text.replace('copyy', 'copy'), 'transport-undefined'), []);
});

test('dkim-setting-invalid: hash, canonicalization and signed headers of a transport that signs', () => {
  const dkim = (...options: string[]) =>
    only(`begin transports\nt:\n  driver = smtp\n${options.map((o) => `  ${o}\n`).join('')}`, 'dkim-setting-invalid').map((f) => `${f.data!.option}:${f.severity}`);
  const signing = ['dkim_domain = example.org', 'dkim_selector = s1', 'dkim_private_key = /etc/exim4/dkim.pem'];
  assert.deepEqual(dkim(...signing, 'dkim_hash = sha512', 'dkim_canon = simple', 'dkim_sign_headers = From:To:Subject'), []);
  assert.deepEqual(dkim(...signing, 'dkim_hash = ${if eq{$domain}{a}{sha1}{sha256}}'), []);
  assert.deepEqual(dkim(...signing, 'dkim_hash = SHA256', 'dkim_canon = relaxed/relaxed', 'dkim_sign_headers = :'), ['dkim_hash:warning', 'dkim_canon:information', 'dkim_sign_headers:warning']);
  // A key that is not a path is taken as the key text (written with an expansion after it, too).
  assert.deepEqual(dkim('dkim_domain = example.org', 'dkim_private_key = dkim/$dkim_domain.key'), ['dkim_private_key:warning']);
  assert.deepEqual(dkim('dkim_domain = example.org', 'dkim_private_key = ${if exists{/k}{/k}{0}}'), []);
  // Not signing: no domain, or a key of 0 or false.
  assert.deepEqual(dkim('dkim_private_key = dkim/example.key'), []);
  assert.deepEqual(dkim('dkim_hash = md5'), []);
  assert.deepEqual(dkim('dkim_domain = example.org', 'dkim_private_key = false', 'dkim_hash = md5'), []);
  const text = `begin transports\nt:\n  driver = smtp\n${signing.map((o) => `  ${o}\n`).join('')}  dkim_hash = sha265\n`;
  const [f] = only(text, 'dkim-setting-invalid');
  assert.equal(f.message, "DKIM: unrecognised hashname 'sha265' (Exim takes sha1, sha256, sha512, lower case): Exim accepts the configuration, and the t transport sends every message without a DKIM signature; did you mean \"sha256\"?");
  assert.match(applyEdits(text, f.fixes![0].edits), /dkim_hash = sha256\n/);
});

test('acl-message-code: a reply code of the wrong class for its verb is replaced by Exim\'s own', () => {
  const codes = (...lines: string[]) => only(`acl_smtp_rcpt = a\nbegin acl\na:\n${lines.map((l) => `  ${l}\n`).join('')}`, 'acl-message-code').map((f) => f.data!.code);
  assert.deepEqual(codes('deny message = 550 go away', 'defer message = 451 later', 'deny message = 450-4.7.1 x', 'accept message = 450 x', 'warn message = 450 x', 'deny message = 4.7.1 x'), []);
  assert.deepEqual(codes('deny message = 450 go away', 'drop message = 421 bye', 'defer message = 550 later', 'require message = 250 ok\n          condition = no'), ['450', '421', '550', '250']);
  const [f] = only('acl_smtp_rcpt = a\nbegin acl\na:\n  deny message = 450 go away\n', 'acl-message-code');
  assert.equal(f.message, 'configured error code starts with incorrect digit (expected 5) in "450 go away": a deny answers with a 5xx code, and Exim sends 550 instead of 450');
  assert.deepEqual([f.loc.range.start.character, f.loc.range.end.character], [17, 20]);
});

test('acl-regex-invalid: a regex or mime_regex pattern PCRE2 refuses is skipped by Exim', () => {
  const patterns = (...lines: string[]) => only(`acl_smtp_data = a\nbegin acl\na:\n${lines.map((l) => `  ${l}\n`).join('')}  accept\n`, 'acl-regex-invalid').map((f) => f.data!.pattern);
  assert.deepEqual(patterns('deny regex = ^Subject:\\\\s+x : \\N[0-9]{3}\\N', 'deny mime_regex = a(b)c', 'deny regex = ${if true{(}}'), []);
  assert.deepEqual(patterns('deny regex = (abc : x', 'deny mime_regex = \\N[a\\N'), ['(abc', '[a']);
  assert.match(only('acl_smtp_data = a\nbegin acl\na:\n  deny regex = (abc\n', 'acl-regex-invalid')[0].message, /^regex acl condition warning - error in regex '\(abc': missing closing parenthesis, skipped/);
});

test('acl-misplaced: what Exim refuses in the ACL where it runs, called ACLs included', () => {
  const text = [
    'acl_smtp_mail = check_mail',
    'acl_smtp_rcpt = check_rcpt',
    'acl_smtp_quit = check_quit',
    'acl_smtp_connect = check_connect',
    'begin acl',
    'check_mail:',
    '  deny    domains = +local_domains',
    '          verify = recipient',
    '  warn    control = caseful_local_part',
    '  accept  acl = common',
    'check_rcpt:',
    '  accept  domains = example.org',
    '          verify = recipient/callout=10s',
    '          control = caseful_local_part',
    '  accept  acl = common',
    'common:',
    '  accept  senders = a@b.example',
    '          local_parts = postmaster',
    'check_quit:',
    '  require condition = no',
    '  deny    hosts = 192.0.2.1',
    '  accept',
    'check_connect:',
    '  discard hosts = 192.0.2.1',
    '  warn    add_header = X-Seen: 1',
    '  accept',
    '',
  ].join('\n');
  const found = only(text, 'acl-misplaced');
  assert.deepEqual(
    found.map((f) => `${f.loc.range.start.line + 1} ${f.data!.item} ${(f.data!.phases as string[]).join(',')}`),
    ['7 domains mail', '8 verify=recipient mail', '9 control=caseful_local_part mail', '18 local_parts mail', '20 "require" quit', '21 "deny" quit', '24 "discard" connect', '25 add_header connect'],
  );
  assert.equal(found[0].message, 'cannot test domains condition in MAIL ACL: the ACL runs as acl_smtp_mail, where Exim refuses it when the statement runs (exim -bV accepts it; an SMTP command then gets 451)');
  assert.match(found[5].message, /^QUIT or not-QUIT toplevel ACL may not fail \('deny' verb used incorrectly\) \(when its conditions hold\)/);
  // An ACL no option names is not judged; a called ACL of the QUIT ACL is not top-level.
  assert.deepEqual(only('begin acl\nx:\n  deny domains = a\n', 'acl-misplaced'), []);
  assert.deepEqual(only('acl_smtp_quit = q\nbegin acl\nq:\n  accept acl = sub\nsub:\n  deny hosts = 192.0.2.1\n', 'acl-misplaced'), []);
});

test('expansion-brace-escaped: "\\}{" in an argument, with a fix that drops the backslash', () => {
  const text = 'begin routers\nr:\n  driver = accept\n  condition = ${if match {${lookup dnsdb{>: defer_never,ptr=$sender_host_address}}\\}{$sender_helo_name}{no}{yes}}\n  transport = t\n';
  const [f] = only(text, 'expansion-brace-escaped');
  assert.match(f.message, /^"\\}" is an escaped brace, so the argument goes on: the "\{" after it is text of this argument/);
  const col = text.split('\n')[3].indexOf('\\}{');
  assert.deepEqual([f.loc.range.start.line, f.loc.range.start.character, f.loc.range.end.character], [3, col, col + 2]);
  assert.equal(f.fixes![0].title, 'Drop the backslash: the brace ends the argument');
  const fixed = applyEdits(text, f.fixes![0].edits);
  assert.ok(fixed.includes('$sender_host_address}}}{$sender_helo_name}{no}{yes}}'), fixed);
  assert.deepEqual(only(fixed, 'expansion-brace-escaped'), []);
  // Escaped on both sides, inside \N...\N, or outside an argument: nothing.
  for (const ok of ['${sg{$h_x:}{a}{\\}\\{}}', '${if match{$h_x:}{\\N^a\\}{b\\N}{y}{n}}', 'a\\}{b ${lc:x}'])
    assert.deepEqual(only(`begin routers\nr:\n  driver = accept\n  condition = ${ok}\n  transport = t\n`, 'expansion-brace-escaped'), [], ok);
});

test('lookup-query-unquoted: data of the message in a mysql, pgsql or ldap query without its quote operator, with a fix', () => {
  const found = (condition: string) => only(`begin routers\nr:\n  driver = accept\n  condition = ${condition}\n  transport = t\n`, 'lookup-query-unquoted');
  const text = "begin routers\nr:\n  driver = accept\n  condition = ${lookup mysql{SELECT 1 FROM d WHERE a='$local_part' AND b='${lc:$domain}'}{yes}{no}}\n  transport = t\n";
  const [f] = only(text, 'lookup-query-unquoted');
  assert.equal(
    f.message,
    'the query of this mysql lookup uses $local_part, which comes from the message, without ${quote_mysql:...} around it: Exim 4.96 writes "tainted search query is not properly quoted" to the panic log at every lookup and runs the query anyway, so a quote in the data changes it (injection); write ${quote_mysql:$local_part}',
  );
  assert.equal(f.fixes![0].title, 'Quote the data of the message with ${quote_mysql:...}');
  const fixed = applyEdits(text, f.fixes![0].edits);
  assert.ok(fixed.includes("WHERE a='${quote_mysql:$local_part}' AND b='${quote_mysql:${lc:$domain}}'}"), fixed);
  assert.deepEqual(only(fixed, 'lookup-query-unquoted'), []);
  assert.match(found('${lookup ldap{ldap:///o=x?cn?sub?(uid=${local_part})}{yes}{no}}')[0].message, /ldap lookup uses \$local_part.*\$\{quote_ldap:\$\{local_part\}\}$/);
  assert.match(found("${lookup pgsql{SELECT 1 WHERE h='$h_x-foo:'}{yes}{no}}")[0].message, /uses \$h_x-foo:/);
  // In the DN of an ldap URL, the DN quoting (quote_ldap's %2C would be decoded back to a ",").
  const dn = "begin routers\nr:\n  driver = accept\n  condition = ${lookup ldap{ldap:///uid=$local_part,ou=people?mail?sub?(cn=$domain)}{yes}{no}}\n";
  const [g] = only(dn, 'lookup-query-unquoted');
  assert.match(g.message, /without \$\{quote_ldap_dn:\.\.\.\} around it.*write \$\{quote_ldap_dn:\$local_part\}$/);
  assert.equal(g.fixes![0].title, 'Quote the data of the message with ${quote_ldap_dn:...} and ${quote_ldap:...}');
  assert.ok(applyEdits(dn, g.fixes![0].edits).includes('ldap:///uid=${quote_ldap_dn:$local_part},ou=people?mail?sub?(cn=${quote_ldap:$domain})'));
  for (const ok of [
    "${lookup mysql{SELECT 1 WHERE a='${quote_mysql:$local_part}'}{yes}{no}}",
    "${lookup mysql{SELECT 1 WHERE a='${lc:${quote_mysql:$local_part}}'}{yes}{no}}",
    "${lookup mysql{SELECT 1 WHERE a='$local_part_data'}{yes}{no}}",
    '${lookup ldapdn{ldap:///uid=${quote_ldap_dn:$local_part},o=x?cn?base}{yes}{no}}',
    '${lookup dnsdb{a=$domain}{yes}{no}}',
    "${lookup sqlite,file=/db{SELECT 1 WHERE a='$local_part'}{yes}{no}}",
    "${lookup{$local_part}lsearch{/etc/aliases}{yes}{no}}",
  ])
    assert.deepEqual(found(ok), [], ok);
});

test('perl-startup-missing: ${perl} in a configuration that sets no perl_startup', () => {
  const acl = 'begin acl\nr:\n  warn set acl_m_x = ${perl{check}{$local_part}}\n  accept\n';
  const [f] = only(acl, 'perl-startup-missing');
  assert.match(f.message, /^Exim starts its Perl interpreter only with perl_startup, which is not set: every \$\{perl\{\.\.\.\}\} fails/);
  assert.deepEqual([f.loc.range.start.line, f.loc.range.start.character, f.loc.range.end.character], [2, 21, 27]);
  assert.deepEqual(only(`perl_startup = do '/etc/exim4/exim.pl'\n${acl}`, 'perl-startup-missing'), []);
  assert.deepEqual(only('begin acl\nr:\n  warn set acl_m_x = perl{x} $perl\n  accept\n', 'perl-startup-missing'), []);
});

test('a did-you-mean fix never rewrites the name of a macro where it is used; written out, it is offered', () => {
  const fixes = (text: string, code: string) => only(text, code).flatMap((f) => (f.fixes ?? []).map((x) => applyEdits(text, x.edits)));
  // The mistake is in the macro's definition: an edit over "LOCALS" would drop the "+" with it.
  const list = 'domainlist local_domains = @\nLOCALS = +local_domain\nbegin routers\nr:\n  driver = accept\n  domains = ! LOCALS\n';
  assert.equal(only(list, 'named-list-undefined').length, 1);
  assert.deepEqual(fixes(list, 'named-list-undefined'), []);
  const option = 'begin transports\nSETHELO = helo_dta = foo\nt:\n  driver = smtp\n  SETHELO\n';
  assert.equal(only(option, 'unknown-option').length, 1);
  assert.deepEqual(fixes(option, 'unknown-option'), []);
  const variable = 'QUERY = select 1 from t where d=$domain_part\nbegin routers\nr:\n  driver = accept\n  condition = ${lookup pgsql{QUERY}}\n';
  assert.equal(only(variable, 'unknown-variable').length, 1);
  assert.deepEqual(fixes(variable, 'unknown-variable'), []);
  // Written where it is used, the fix is there.
  assert.deepEqual(fixes('begin routers\nr:\n  driver = accept\n  condition = ${if eq{$domain_part}{x}}\n', 'unknown-variable'), ['begin routers\nr:\n  driver = accept\n  condition = ${if eq{$domain_data}{x}}\n']);
  // A fix that keeps the macro's name (the sqlite file= move) stays.
  const sqlite = 'GREYDB = /var/db/grey.db\nbegin acl\nr:\n  accept condition = ${lookup sqlite {GREYDB SELECT 1 WHERE x=\'$local_part\'}}\n';
  assert.match(fixes(sqlite, 'tainted-data')[0], /sqlite,file=GREYDB \{SELECT/);
});

test('with an include that could not be read, findings about a name written like a macro no readable file defines are left out', () => {
  const text = '.include /nonexistent/exim-macros.conf\nlocal_interfaces = MY_IP\nbegin transports\nt:\n  driver = smtp\n  interface = MY_IP\n';
  assert.deepEqual(lint(text).map((f) => f.code).filter((c) => !/^(tls|retry)-/.test(c)), ['include-missing']);
  // Readable, the same names are what they are.
  assert.ok(lint(text.replace('.include /nonexistent/exim-macros.conf\n', '')).some((f) => f.code === 'local-interfaces-invalid'));
  // A defined macro's name is not one of them.
  assert.ok(lint(`.include /nonexistent/x.conf\nMY_IP = 127.0.0.1\nlocal_interfaces = 192.0.2.300 : MY_IP\n`).some((f) => f.code === 'local-interfaces-invalid'));
});

test('tainted-data: AUTH data, and $authenticated_id only where server_set_id takes it', () => {
  const acl = 'begin acl\nr:\n  warn logwrite = ${readfile{/etc/x/$authenticated_id}}\n  accept\n';
  const auth = (setId: string) => `begin authenticators\nplain:\n  driver = plaintext\n  public_name = PLAIN\n  server_condition = yes\n  server_set_id = ${setId}\n`;
  const [f] = only(acl + auth('$2'), 'tainted-data');
  assert.match(f.message, /uses \$authenticated_id \(set from \$auth2\), which comes from the message/);
  assert.equal(f.related?.[0].loc.range.start.line, 9);
  assert.equal(only(acl + auth('$auth1'), 'tainted-data').length, 1);
  assert.deepEqual(only(acl + auth('${lookup{$auth1}lsearch{/etc/users}}'), 'tainted-data'), []);
  assert.deepEqual(only(acl, 'tainted-data'), []);
  assert.equal(only('begin acl\nr:\n  warn logwrite = ${readfile{/etc/x/$auth2}} ${readfile{/etc/y/$authenticated_sender}}\n  accept\n', 'tainted-data').length, 2);
  // In a query, unquoted unless server_set_id quoted it.
  const query = 'begin acl\nr:\n  warn set acl_m_r = ${lookup mysql{SELECT 1 WHERE u=\'$authenticated_id\'}}\n  accept\n';
  assert.equal(only(query + auth('$auth2'), 'lookup-query-unquoted').length, 1);
  assert.deepEqual(only(query + auth('${quote_mysql:$auth2}'), 'lookup-query-unquoted'), []);
});
