import { test } from 'node:test';
import assert from 'node:assert/strict';
import { complete, CompletionItem } from '../../../server/src/core/features/completion';
import { memoryHost } from '../../../server/src/core/host';
import { isBuiltinMacro, knownDrivers } from '../../../server/src/core/options';
import { parsePath } from '../../../server/src/core/service';
import { Position } from '../../../server/src/core/syntax/source';
import { CONFIG, eol, FILE, parse, posOf, quad } from './fixture';

const tree = parse();
const at = (p: Position, text = CONFIG, file = FILE, snippets?: Record<string, { prefix: string; body: string[]; description?: string }>) =>
  complete(text === CONFIG ? tree : parse(text, {}, file), file, p, { snippets });
const labels = (items: CompletionItem[]) => items.map((i) => i.label);
const byLabel = (items: CompletionItem[], label: string) => items.find((i) => i.label === label);

test('router options after a router: generic and the driver’s private ones, with no_ forms, never transport options', () => {
  const items = at({ line: 33, character: 0 });
  const l = labels(items);
  for (const name of ['transport', 'domains', 'condition', 'more', 'no_more', 'verify', 'no_verify', 'same_domain_copy_routing', 'widen_domains']) assert.ok(l.includes(name), name);
  for (const name of ['hosts_require_tls', 'tls_tempfail_tryclear', 'route_list', 'file', 'primary_hostname', 'no_domains']) assert.ok(!l.includes(name), name);
  assert.ok(items.every((i) => i.kind === 'option' || i.kind === 'keyword'), JSON.stringify(items.filter((i) => i.kind !== 'option' && i.kind !== 'keyword')));
  const transport = byLabel(items, 'transport')!;
  assert.deepEqual(quad(transport.range), [33, 0, 33, 0]);
  assert.equal(transport.insertText, 'transport');
  assert.match(transport.detail!, /^string, default unset — generic router option$/);
  assert.equal(byLabel(items, 'no_more')!.detail, 'sets more to false');
});

test('transport options for the smtp transport replace the word typed so far', () => {
  const text = CONFIG.replace('  tls_tempfail_tryclear = false', '  tls_tem');
  const items = at(eol(text, 45), text);
  const l = labels(items);
  for (const name of ['tls_tempfail_tryclear', 'no_tls_tempfail_tryclear', 'hosts_avoid_tls', 'headers_add', 'port']) assert.ok(l.includes(name), name);
  for (const name of ['check_local_user', 'domains', 'transport', 'file', 'maildir_format']) assert.ok(!l.includes(name), name);
  const item = byLabel(items, 'tls_tempfail_tryclear')!;
  assert.deepEqual(quad(item.range), [45, 2, 45, 9]);
  assert.match(item.documentation!, /454/);
});

test('appendfile options for the appendfile transport', () => {
  const l = labels(at({ line: 50, character: 0 }));
  for (const name of ['file', 'directory', 'maildir_format', 'no_maildir_format', 'driver']) assert.ok(l.includes(name), name);
  assert.ok(!l.includes('hosts_require_tls'));
});

test('main section: main options, list keywords and begin; not driver options', () => {
  const items = at({ line: 7, character: 0 });
  const l = labels(items);
  for (const name of ['primary_hostname', 'tls_advertise_hosts', 'acl_smtp_rcpt', 'domainlist', 'hostlist', 'addresslist', 'localpartlist', 'begin', 'hide']) assert.ok(l.includes(name), name);
  assert.ok(!l.includes('transport'));
  assert.equal(byLabel(items, 'domainlist')!.insertText, 'domainlist ');
  assert.equal(byLabel(items, 'primary_hostname')!.documentation, 'Fully qualified name of this host, used in EHLO, Received: headers and as the default qualify domain.');
  // The option table is this Exim's, built with GnuTLS: it refuses openssl_options.
  assert.ok(isBuiltinMacro('_HAVE_GNUTLS'));
  assert.ok(!l.includes('openssl_options'));
  assert.ok(l.includes('tls_require_ciphers'));
});

test('driver names after driver =, for the right section', () => {
  const items = at(eol(CONFIG, 42));
  assert.deepEqual(labels(items), knownDrivers('transports'));
  assert.ok(items.every((i) => i.kind === 'driver'));
  assert.deepEqual(quad(items[0].range), [42, 11, 42, 15]);
  const routers = at(eol(CONFIG, 29));
  assert.deepEqual(labels(routers), knownDrivers('routers'));
  // Right after "=", a space goes first.
  const text = CONFIG.replace('  driver = smtp', '  driver =');
  const tight = at(eol(text, 42), text);
  assert.equal(byLabel(tight, 'smtp')!.insertText, ' smtp');
  assert.deepEqual(quad(byLabel(tight, 'smtp')!.range), [42, 10, 42, 10]);
});

test('transport names in a router’s transport =', () => {
  const items = at(eol(CONFIG, 31));
  assert.deepEqual(labels(items), ['remote_smtp', 'local_delivery']);
  assert.deepEqual(items.map((i) => i.detail), ['transport (smtp)', 'transport (appendfile)']);
  assert.deepEqual(quad(items[0].range), [31, 14, 31, 25]);
});

test('section names after begin', () => {
  const text = CONFIG.replace('begin routers', 'begin ro');
  const items = at(eol(text, 26), text);
  assert.deepEqual(labels(items), ['acl', 'authenticators', 'local_scan', 'retry', 'rewrite', 'routers', 'transports']);
  assert.deepEqual(quad(items[0].range), [26, 6, 26, 8]);
});

test('ACL names in acl_smtp_* values and in the acl condition', () => {
  assert.deepEqual(labels(at(eol(CONFIG, 5))), ['acl_check_rcpt', 'acl_check_data']);
  assert.deepEqual(quad(at(eol(CONFIG, 5))[0].range), [5, 16, 5, 30]);
  assert.deepEqual(labels(at(eol(CONFIG, 21))), ['acl_check_rcpt', 'acl_check_data']);
});

test('named lists of the right kind after +', () => {
  assert.deepEqual(labels(at(posOf(CONFIG, 17, '+', 1))), ['relay_from_hosts']);
  assert.deepEqual(labels(at(posOf(CONFIG, 18, '+', 1))), ['local_domains']);
  assert.deepEqual(labels(at(posOf(CONFIG, 30, '+', 3))), ['local_domains']);
  const item = at(posOf(CONFIG, 30, '+', 3))[0];
  assert.deepEqual(quad(item.range), [30, 15, 30, 17]);
  assert.equal(item.kind, 'namedList');
  assert.equal(item.detail, 'domainlist local_domains');
});

test('macros defined before the position, in values', () => {
  const text = 'A_ONE = 1\nprimary_hostname = A\nB_TWO = 2\n';
  const items = at(eol(text, 1), text);
  assert.deepEqual(labels(items.filter((i) => i.kind === 'macro')), ['A_ONE']);
  assert.deepEqual(quad(items[0].range), [1, 19, 1, 20]);
  // After an .ifdef: user macros and Exim's built-in ones.
  const ifdef = 'A_ONE = 1\n.ifdef \n.endif\n';
  const l = labels(at(eol(ifdef, 1), ifdef));
  assert.ok(l.includes('A_ONE'));
  assert.ok(l.includes('_HAVE_TLS'));
});

test('$variables, expansion items after ${ and conditions after ${if', () => {
  const vars = at(posOf(CONFIG, 49, '$loc', 4));
  const local = byLabel(vars, 'local_part')!;
  assert.ok(local, JSON.stringify(labels(vars).slice(0, 10)));
  assert.equal(local.kind, 'variable');
  assert.equal(local.detail, '$local_part (tainted)');
  assert.deepEqual(quad(local.range), [49, 20, 49, 23]);
  assert.ok(byLabel(vars, 'tls_out_cipher'));
  assert.equal(byLabel(vars, 'event_name')!.detail, '$event_name');
  assert.equal(byLabel(vars, 'acl_c…')!.insertText, 'acl_c');

  const text = CONFIG.replace('  no_more', '  condition = ${');
  const items = at(eol(text, 32), text);
  for (const name of ['if', 'lookup', 'extract', 'sg', 'lc', 'domain']) assert.ok(byLabel(items, name), name);
  assert.equal(byLabel(items, 'lc')!.insertText, 'lc:');
  assert.equal(byLabel(items, 'if')!.kind, 'expansionItem');

  const cond = CONFIG.replace('  no_more', '  condition = ${if !eq');
  const conds = at(eol(cond, 32), cond);
  assert.ok(byLabel(conds, 'eq') && byLabel(conds, 'match_domain') && byLabel(conds, 'def'));
  assert.deepEqual(quad(byLabel(conds, 'eq')!.range), [32, 20, 32, 22]);
  assert.ok(conds.every((i) => i.kind === 'condition'));
  // "${if " typed at the end of a line: conditions, though the line's text ends before the space.
  const spaced = CONFIG.replace('  no_more', '  condition = ${if ');
  const afterIf = at({ line: 32, character: '  condition = ${if '.length }, spaced);
  assert.ok(afterIf.length > 0 && afterIf.every((i) => i.kind === 'condition'), JSON.stringify(labels(afterIf).slice(0, 5)));
});

test('expansions read as Exim reads them: conditions in each group of and/or and after forall, lookup types, escaped and protected "$"', () => {
  const labelsAt = (value: string) => {
    const text = CONFIG.replace('  no_more', `  condition = ${value}`);
    return at(eol(text, 32), text);
  };
  for (const value of ['${if or{{eq{a}{b}}{', '${if and{ {def:h_x:} {!', '${if forall{a:b}{', '${filter{a:b}{']) {
    const items = labelsAt(value);
    assert.ok(items.length > 0 && items.every((i) => i.kind === 'condition') && byLabel(items, 'match_ip'), `${value}: ${JSON.stringify(labels(items).slice(0, 5))}`);
  }
  for (const value of ['${lookup{$local_part}', '${lookup ', '${lookup{$local_part}ls']) {
    const items = labelsAt(value);
    assert.ok(byLabel(items, 'lsearch') && byLabel(items, 'dnsdb'), `${value}: ${JSON.stringify(labels(items).slice(0, 5))}`);
    assert.equal(byLabel(items, 'lsearch')!.detail, 'single-key lookup');
  }
  // "\\${" is a backslash and then an expansion; after "\N" nothing is expanded.
  assert.ok(byLabel(labelsAt('\\\\${'), 'lookup'));
  assert.deepEqual(labelsAt('${if match{$h_x:}{\\N^a$'), []);
});

test('retry section: error names in the second field', () => {
  const items = at(posOf(CONFIG, 53, 'tls', 3));
  assert.ok(byLabel(items, 'tls_required'));
  assert.ok(byLabel(items, 'timeout_connect_MX'));
  assert.deepEqual(quad(byLabel(items, 'tls_required')!.range), [53, 4, 53, 7]);
  assert.ok(items.every((i) => i.kind === 'retryError'));
});

test('ACL section: verbs and conditions at the start of a line, conditions and modifiers after a verb', () => {
  const start = at({ line: 22, character: 0 });
  for (const name of ['accept', 'deny', 'require', 'warn', 'drop', 'discard', 'defer', 'hosts', 'verify', 'message', 'set']) assert.ok(byLabel(start, name), name);
  const text = CONFIG.replace('  accept acl = acl_check_data', '  deny ver');
  const after = at(eol(text, 21), text);
  assert.ok(!byLabel(after, 'accept'));
  assert.equal(byLabel(after, 'verify')!.kind, 'aclCondition');
  assert.equal(byLabel(after, 'add_header')!.kind, 'aclModifier');
  assert.deepEqual(quad(byLabel(after, 'verify')!.range), [21, 7, 21, 10]);
  const verify = at(eol(CONFIG, 20));
  assert.ok(byLabel(verify, 'sender') && byLabel(verify, 'recipient') && byLabel(verify, 'helo'));
  // Only what this Exim build has: no DMARC (exim -bV refuses dmarc_status, a 451 for the control).
  assert.ok(!byLabel(after, 'dmarc_status') && byLabel(after, 'spf'));
  const control = CONFIG.replace('  accept acl = acl_check_data', '  warn control = ');
  const controls = at({ line: 21, character: '  warn control = '.length }, control);
  assert.ok(byLabel(controls, 'no_multiline_responses') && !byLabel(controls, 'dmarc_disable_verify'), JSON.stringify(labels(controls).slice(0, 5)));
});

test('dot-directives at the start of a line', () => {
  const text = CONFIG.replace('.endif', '.en');
  const items = at(eol(text, 12), text);
  assert.deepEqual(labels(items), ['include', 'include_if_exists', 'ifdef', 'ifndef', 'elifdef', 'elifndef', 'else', 'endif']);
  assert.deepEqual(quad(items[0].range), [12, 1, 12, 3]);
});

test('suppression comments: the keyword, then rule codes', () => {
  const text = CONFIG.replace('# for the language features', '# exim-lint: disable-next-line tls-');
  const items = at(eol(text, 1), text);
  assert.ok(byLabel(items, 'tls-tryclear'));
  assert.ok(items.every((i) => i.kind === 'rule'));
  assert.deepEqual(quad(byLabel(items, 'tls-tryclear')!.range), [1, 31, 1, 35]);
  const kw = CONFIG.replace('# for the language features', '# exim');
  assert.deepEqual(labels(at(eol(kw, 1), kw)), ['exim-lint: disable-next-line']);
  assert.deepEqual(at(eol(CONFIG, 0)), []);
});

test('snippets at the start of a line only when given (clients without their own snippet support)', () => {
  const snippets = { 'Hardened remote SMTP transport': { prefix: 'exim-transport-smtp-hardened', body: ['${1:remote_smtp}:', '  driver = smtp'], description: 'smtp with TLS' } };
  const text = CONFIG.replace('  check_local_user', 'exim-tr');
  const items = at(eol(text, 36), text, FILE, snippets);
  const s = byLabel(items, 'exim-transport-smtp-hardened')!;
  assert.equal(s.kind, 'snippet');
  assert.equal(s.snippet, true);
  assert.equal(s.insertText, '${1:remote_smtp}:\n  driver = smtp');
  assert.deepEqual(quad(s.range), [36, 0, 36, 7]);
  assert.ok(!byLabel(at(eol(text, 36), text), 'exim-transport-smtp-hardened'));
  // Not inside a value.
  assert.ok(!at(eol(CONFIG, 31), CONFIG, FILE, snippets).some((i) => i.kind === 'snippet'));
});

test('a part of a Debian split configuration knows its section without a begin line', () => {
  const host = memoryHost({
    '/e/conf.d/main/00_main': 'primary_hostname = mail.example.org\n',
    '/e/conf.d/router/00_header': 'begin routers\n',
    '/e/conf.d/router/200_dnslookup': 'dnslookup:\n  driver = dnslookup\n  transport = \n',
    '/e/conf.d/router/900_empty': '',
    '/e/conf.d/transport/00_header': 'begin transports\n',
    '/e/conf.d/transport/30_remote_smtp': 'remote_smtp:\n  driver = smtp\n\n',
  });
  const t = parsePath('/e/conf.d', host);
  assert.deepEqual(labels(complete(t, '/e/conf.d/router/200_dnslookup', { line: 2, character: 14 })), ['remote_smtp']);
  const opts = labels(complete(t, '/e/conf.d/transport/30_remote_smtp', { line: 2, character: 0 }));
  assert.ok(opts.includes('hosts_require_tls') && !opts.includes('check_local_user'));
  // An empty part after a router: router options of that router (its section and driver carry over).
  const empty = labels(complete(t, '/e/conf.d/router/900_empty', { line: 0, character: 0 }));
  assert.ok(empty.includes('same_domain_copy_routing') && !empty.includes('hosts_require_tls'));
});

test('a file included in the middle of a section continues it', () => {
  const files = { '/c/transports.conf': 'remote_smtp:\n  driver = smtp\n  \n' };
  const t = parse('begin transports\n.include /c/transports.conf\n', files);
  const l = labels(complete(t, '/c/transports.conf', { line: 2, character: 2 }));
  assert.ok(l.includes('hosts_require_tls'));
  // After the include, still in the transport.
  const after = labels(complete(parse('begin transports\n.include /c/transports.conf\n\n', files), FILE, { line: 2, character: 0 }));
  assert.ok(after.includes('tls_tempfail_tryclear'));
});

test('options already set in the driver or main section come last and say so (Exim refuses a second setting)', () => {
  // Line 33 is in the dnslookup router, which sets driver, domains, transport and no_more.
  const items = at({ line: 33, character: 0 });
  for (const name of ['driver', 'domains', 'transport', 'more', 'no_more']) {
    const item = byLabel(items, name)!;
    assert.match(item.documentation!, /^\*\*Already set in this driver\*\*: Exim refuses a second setting/, name);
    assert.ok(item.sortText!.startsWith('~~~'), name);
  }
  // Not set here, or allowed more than once in a router (condition, headers_add, set).
  for (const name of ['widen_domains', 'condition', 'headers_add', 'set']) {
    assert.doesNotMatch(byLabel(items, name)!.documentation!, /Already set/, name);
    assert.ok(!byLabel(items, name)!.sortText?.startsWith('~~~'), name);
  }
  const sorted = [...items].sort((a, b) => ((a.sortText ?? a.label) < (b.sortText ?? b.label) ? -1 : 1)).map((i) => i.label);
  assert.ok(sorted.indexOf('transport') > sorted.indexOf('no_widen_domains'));

  // On the line of the setting itself (the word being typed) it is offered as usual.
  assert.doesNotMatch(byLabel(at({ line: 31, character: 5 }), 'transport')!.documentation!, /Already set/);

  // The main section: acl_smtp_rcpt is set (line 5); qualify_domain only in an .ifdef branch
  // that is read (line 9), the other branch being skipped.
  const main = at({ line: 7, character: 0 });
  assert.match(byLabel(main, 'acl_smtp_rcpt')!.documentation!, /^\*\*Already set in the main section\*\*/);
  assert.match(byLabel(main, 'qualify_domain')!.documentation!, /^\*\*Already set in the main section\*\*/);
  assert.doesNotMatch(byLabel(main, 'primary_hostname')!.documentation!, /Already set/);
});

test('after "$", the ACL variables the configuration sets come with where they are set', () => {
  const text = 'begin acl\nr:\n  warn set acl_m_grey = ${lc:$sender_address}\n       set acl_c_n = 1\n  warn set acl_m_grey = x\n  accept condition = ${if eq{$acl_m}{}}\n';
  const items = at(posOf(text, 5, '$acl_m', 6), text);
  const grey = byLabel(items, 'acl_m_grey')!;
  assert.equal(grey.detail, '$acl_m_grey: set in ACL r (tainted)');
  assert.equal(byLabel(items, 'acl_c_n')!.detail, '$acl_c_n: set in ACL r');
  assert.equal(items.filter((i) => i.label === 'acl_m_grey').length, 1);
  // Still offered: Exim's own variables.
  assert.ok(byLabel(items, 'sender_address'));
});
