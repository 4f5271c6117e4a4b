import { test } from 'node:test';
import assert from 'node:assert/strict';
import { applyEdits } from '../../server/src/core/fixes/edits';
import { memoryHost } from '../../server/src/core/host';
import { parseText, parseFiles } from '../../server/src/core/syntax/parser';
import { Location, SourceFile } from '../../server/src/core/syntax/source';
import { AclNode, DriverNode, NamedListNode, OptionNode, RetryRuleNode, RewriteRuleNode, aclsOf, driversOf, retryRulesOf } from '../../server/src/core/syntax/tree';

const parse = (text: string) => parseText('/c/exim.conf', text, memoryHost({}));
const at = (l: Location | undefined) => (l ? [l.range.start.line, l.range.start.character, l.range.end.line, l.range.end.character] : undefined);

test('main section: options with hide, bare booleans, no_/not_ forms and values', () => {
  const t = parse('hide mysql_servers = a/b/c\nsplit_spool_directory\nno_message_logs\nnot_x_y\nqualify_domain =   example.org\n');
  const opts = t.sections[0].items as OptionNode[];
  assert.deepEqual(
    opts.map((o) => [o.word, o.hide, o.hasValue, o.value]),
    [
      ['mysql_servers', true, true, 'a/b/c'],
      ['split_spool_directory', false, false, ''],
      ['no_message_logs', false, false, ''],
      ['not_x_y', false, false, ''],
      ['qualify_domain', false, true, 'example.org'],
    ],
  );
  assert.deepEqual(at(opts[0].hideLoc), [0, 0, 0, 4]);
  assert.deepEqual(at(opts[0].wordLoc), [0, 5, 0, 18]);
  assert.deepEqual(at(opts[0].valueLoc), [0, 21, 0, 26]);
  assert.deepEqual(at(opts[4].valueLoc), [4, 19, 4, 30]);
  assert.deepEqual(at(opts[4].loc), [4, 0, 4, 30]);
});

test('named lists of the four kinds, with _cache and hide', () => {
  const t = parse('domainlist local_domains = @ : example.org\nhostlist_cache relay = 192.0.2.0/24\naddresslist a = x@y\nhide localpartlist lp = root\n');
  const lists = t.sections[0].items as NamedListNode[];
  assert.deepEqual(
    lists.map((l) => [l.kind, l.listType, l.cache, l.hide, l.name, l.value]),
    [
      ['namedList', 'domainlist', false, false, 'local_domains', '@ : example.org'],
      ['namedList', 'hostlist', true, false, 'relay', '192.0.2.0/24'],
      ['namedList', 'addresslist', false, false, 'a', 'x@y'],
      ['namedList', 'localpartlist', false, true, 'lp', 'root'],
    ],
  );
  assert.deepEqual(at(lists[0].nameLoc), [0, 11, 0, 24]);
  assert.deepEqual(at(lists[0].valueLoc), [0, 27, 0, 42]);
});

test('begin sections: names are pluralised and matched without case; unknown and repeated sections are problems', () => {
  const t = parse('begin ACL\nbegin router\nbegin transports\nbegin retry\nbegin rewrite\nbegin authenticator\nbegin local_scan\nbegin routers\nbegin bogus\n');
  assert.deepEqual(
    t.sections.map((s) => s.kind),
    ['main', 'acl', 'routers', 'transports', 'retry', 'rewrite', 'authenticators', 'local_scan', 'routers'],
  );
  assert.deepEqual(
    t.problems.map((p) => [p.code, at(p.loc)]),
    [
      ['section-repeated', [7, 6, 7, 13]],
      ['unknown-section', [8, 6, 8, 11]],
    ],
  );
  assert.deepEqual(at(t.sections[1].begin!.nameLoc), [0, 6, 0, 9]);
});

test('begin followed by a tab is no begin, as Exim reads it', () => {
  const t = parse('begin\tacl\n');
  assert.deepEqual(t.sections.map((s) => s.kind), ['main']);
  assert.deepEqual(t.sections[0].items.map((i) => i.kind === 'option' && i.word), ['begin']);
});

test('a begin in a skipped branch is read for that branch only: the next active line is back in the section before', () => {
  const t = parse('begin acl\nx:\n  accept\n.ifdef NOPE\nbegin retry\n* * F,1h,10m\n.else\n  warn\n.endif\ny:\n  deny\n');
  assert.deepEqual(
    t.sections.map((s) => [s.kind, s.active]),
    [
      ['main', true],
      ['acl', true],
      ['retry', false],
    ],
  );
  // The ACL x goes on after the skipped branch (its warn statement), then y follows.
  assert.deepEqual(aclsOf(t).map((a) => [a.name, a.statements.map((st) => st.verb)]), [
    ['x', ['accept', 'warn']],
    ['y', ['deny']],
  ]);
  assert.equal(retryRulesOf(t).length, 1);
  // A skipped begin is not a repeat, and the active one after it is no repeat either.
  const u = parse('.ifdef NOPE\nbegin acl\n.endif\nx = 1\nbegin acl\n');
  assert.deepEqual(u.problems, []);
  assert.deepEqual(u.sections[0].items.map((i) => i.kind), ['option']);
});

test('drivers: name lines, options, the driver option, and the range of the whole instance', () => {
  const t = parse('begin transports\n\nremote_smtp:\n  driver = smtp\n  hosts_require_tls = *\n  no_tls_tempfail_tryclear\n\nlocal:\n  driver = appendfile\n');
  const [remote, local] = driversOf(t, 'transports') as DriverNode[];
  assert.equal(remote.name, 'remote_smtp');
  assert.equal(remote.driverName, 'smtp');
  assert.deepEqual(at(remote.nameLoc), [2, 0, 2, 11]);
  assert.deepEqual(at(remote.loc), [2, 0, 5, 26]);
  assert.deepEqual(
    remote.options.map((o) => [o.word, o.value]),
    [
      ['driver', 'smtp'],
      ['hosts_require_tls', '*'],
      ['no_tls_tempfail_tryclear', ''],
    ],
  );
  assert.deepEqual(at(remote.driverOption!.valueLoc), [3, 11, 3, 15]);
  assert.equal(local.driverName, 'appendfile');
});

test('driver sections: options before any name, text after a name, and a macro ending a driver', () => {
  const t = parse('begin routers\n  domains = x\nr: junk\n  driver = accept\nM = 1\n  transport = t\n');
  assert.deepEqual(
    t.problems.map((p) => [p.code, at(p.loc)?.[0]]),
    [
      ['driver-name-missing', 1],
      ['extra-characters', 2],
      ['driver-name-missing', 5],
    ],
  );
  assert.match(t.problems[0].message, /^router name missing/);
});

test('a name line Exim cannot read ("1r:") is "router name missing", reported once for the lines after it', () => {
  const t = parse('begin routers\n1r:\n  driver = accept\n  transport = t\nr:\n  driver = accept\nM = 1\n  a = 1\n  b = 2\n');
  assert.deepEqual(
    t.problems.map((p) => [p.code, at(p.loc)?.[0]]),
    [
      ['driver-name-missing', 1],
      ['driver-name-missing', 7],
    ],
  );
});

test('ACLs: names, verbs with conditions on the same and following lines, negation, set, and ranges', () => {
  const src = ['begin acl', 'acl_check_rcpt:', '  accept  hosts = :', '  deny    domains = +local_domains', '          !verify = sender', '  warn', '    set acl_m_x = ${lc:$domain}', '    message = hi'].join('\n');
  const t = parse(src);
  const [acl] = aclsOf(t) as AclNode[];
  assert.equal(acl.name, 'acl_check_rcpt');
  assert.deepEqual(at(acl.nameLoc), [1, 0, 1, 14]);
  assert.deepEqual(
    acl.statements.map((s) => [s.verb, s.items.map((i) => `${i.negated ? '!' : ''}${i.name}=${i.value}`)]),
    [
      ['accept', ['hosts=:']],
      ['deny', ['domains=+local_domains', '!verify=sender']],
      ['warn', ['set=${lc:$domain}', 'message=hi']],
    ],
  );
  const deny = acl.statements[1];
  assert.deepEqual(at(deny.verbLoc), [3, 2, 3, 6]);
  assert.deepEqual(at(deny.items[0].nameLoc), [3, 10, 3, 17]);
  assert.deepEqual(at(deny.items[0].valueLoc), [3, 20, 3, 34]);
  assert.deepEqual(at(deny.items[1].nameLoc), [4, 11, 4, 17]);
  assert.deepEqual(at(deny.loc), [3, 2, 4, 26]);
  assert.equal(t.problems.length, 0);
});

test('a "!" before a verb or an ACL name, as the acl_read() of Exim takes them', () => {
  const msgs = (line: string) => parse(`begin acl\nx:\n${line}\n`).problems.map((p) => `${p.code}: ${p.message}`);
  assert.deepEqual(msgs('!accept hosts = :'), ['acl-condition-expected: error in ACL: malformed ACL line "!accept hosts = :" (a verb cannot be negated)']);
  for (const line of ['!HOSTS = x', ':  accept', '!hosts : x']) assert.deepEqual(msgs(line), ['acl-name-missing: missing or malformed ACL name (an ACL starts with a "name:" line)'], line);
  // A negated condition first in an ACL is an unknown verb, named without its "!".
  const [unknown] = parse('begin acl\nx:\n!hosts = x\n').sections[1].items.filter((i) => i.kind === 'unknown');
  assert.equal(unknown.kind === 'unknown' && unknown.word, 'hosts');
  assert.deepEqual(msgs('accept\n  !hosts = x'), []);
});

test('text after an ACL name is ignored, as Exim does: a warning, and no statement', () => {
  const t = parse('begin acl\nx: accept hosts = :\ny:   # comment\n  deny\n');
  assert.deepEqual(t.problems.map((p) => [p.code, at(p.loc)]), [['acl-name-text-ignored', [1, 3, 1, 19]]]);
  assert.match(t.problems[0].message, /^Exim ignores the text after the ACL name "x": "accept hosts = :" is not part of the ACL/);
  assert.deepEqual(aclsOf(t).map((a) => [a.name, a.statements.length]), [
    ['x', 0],
    ['y', 1],
  ]);
});

test('ACL problems: unknown verb first, missing "=", no ACL name', () => {
  const t = parse('begin acl\n  accept\na:\n  acept hosts = x\nb:\n  accept hosts\n');
  assert.deepEqual(
    t.problems.map((p) => [p.code, at(p.loc)]),
    [
      ['acl-name-missing', [1, 2, 1, 8]],
      ['acl-missing-equals', [5, 9, 5, 14]],
    ],
  );
  // An unknown first verb is left to the acl-unknown-verb rule (which offers did-you-mean fixes).
  const unknown = t.sections[1].items.find((i) => i.kind === 'unknown' && i.reason === 'acl-unknown-verb');
  assert.ok(unknown && unknown.kind === 'unknown');
  assert.equal(unknown.word, 'acept');
  assert.deepEqual(at(unknown.wordLoc), [3, 2, 3, 7]);
});

test('retry rules: pattern, error, senders, and F/G/H parameters with ranges', () => {
  const t = parse('begin retry\n*  tls_required\n"*.example.com"  *  senders=a@b  F,2h,15m; G,16h,1h,1.5\n*  quota_7d\n');
  const [tls, ex, quota] = retryRulesOf(t) as RetryRuleNode[];
  assert.equal(tls.pattern.text, '*');
  assert.equal(tls.error!.text, 'tls_required');
  assert.equal(tls.times, undefined);
  assert.deepEqual(at(tls.error!.loc), [1, 3, 1, 15]);
  assert.equal(ex.pattern.text, '*.example.com');
  assert.deepEqual(at(ex.pattern.loc), [2, 0, 2, 15]);
  assert.equal(ex.senders!.text, 'a@b');
  assert.equal(ex.times!.text, 'F,2h,15m; G,16h,1h,1.5');
  assert.deepEqual(
    ex.params.map((p) => [p.letter.text, ...p.args.map((a) => a.text)]),
    [
      ['F', '2h', '15m'],
      ['G', '16h', '1h', '1.5'],
    ],
  );
  assert.deepEqual(at(ex.params[1].letter.loc), [2, 43, 2, 44]);
  assert.deepEqual(at(ex.params[1].args[2].loc), [2, 52, 2, 55]);
  assert.equal(quota.error!.text, 'quota_7d');
});

test('rewrite rules: pattern, replacement and flags', () => {
  const t = parse('begin rewrite\n*@localhost  "$local_part@example.org"  Ffrs\n');
  const [r] = t.sections[1].items as RewriteRuleNode[];
  assert.equal(r.pattern.text, '*@localhost');
  assert.equal(r.replacement!.text, '$local_part@example.org');
  assert.equal(r.flags!.text, 'Ffrs');
  assert.deepEqual(at(r.flags!.loc), [1, 40, 1, 44]);
});

test('a line starting with upper case in the main section that is not a definition is malformed', () => {
  const t = parse('UNDEFINED_MACRO\n');
  assert.deepEqual(
    t.problems.map((p) => [p.code, p.message]),
    [['macro-malformed', 'malformed macro definition']],
  );
});

test('macro defined inside an inactive branch does not take effect', () => {
  const t = parse('.ifdef NOPE\nX = 1\n.endif\nv = X\n');
  assert.equal(t.lines[1].text, 'v = X');
  assert.equal(t.macros[0].active, false);
});

test('several files read as one configuration keep their own paths and lines', () => {
  const files = [new SourceFile('/d/main/01', 'a = 1\n'), new SourceFile('/d/transport/00', 'begin transports\nt:\n  driver = smtp\n')];
  const t = parseFiles('/d', files, memoryHost({}));
  const [drv] = driversOf(t, 'transports');
  assert.equal(drv.nameLoc.file, '/d/transport/00');
  assert.deepEqual(at(drv.nameLoc), [1, 0, 1, 1]);
});

test('binary junk and empty input parse without throwing', () => {
  for (const text of ['', '\n\n', '\0\0\0\xff\xfe', 'begin\n', '\\\n\\\n', '${{{{{{', ':', '=', 'a:\n b', '"\n']) {
    const t = parse(text);
    assert.ok(Array.isArray(t.problems));
  }
});

test('parse problems carry fixes: a misspelt section name, a macro defined twice', () => {
  const text = 'M = 1\nM = 2\nbegin routres\n';
  const t = parse(text);
  const section = t.problems.find((p) => p.code === 'unknown-section')!;
  assert.deepEqual(section.data?.suggestions, ['routers']);
  assert.equal(applyEdits(text, section.fixes![0].edits), 'M = 1\nM = 2\nbegin routers\n');
  const dup = t.problems.find((p) => p.code === 'macro-duplicate')!;
  assert.equal(applyEdits(text, dup.fixes![0].edits), 'M = 1\nM == 2\nbegin routres\n');
});

test('locations computed on first use read and serialise like plain ones', () => {
  const t = parse('begin transports\n\nremote_smtp:\n  driver = smtp\n  hide port = 25\n  hosts_require_tls = *\n');
  const [remote] = driversOf(t, 'transports');
  const port = remote.options[1];
  assert.deepEqual(JSON.parse(JSON.stringify(port.wordLoc)), { file: '/c/exim.conf', range: { start: { line: 4, character: 7 }, end: { line: 4, character: 11 } } });
  assert.deepEqual(JSON.parse(JSON.stringify(remote.loc)), { file: '/c/exim.conf', range: { start: { line: 2, character: 0 }, end: { line: 5, character: 23 } } });
  // Read twice, the same answer (the first reading is kept).
  assert.equal(port.wordLoc.range.start.character, port.wordLoc.range.start.character);
  assert.deepEqual(at(port.hideLoc), [4, 2, 4, 6]);
  assert.equal(remote.options[0].hideLoc, undefined);
  assert.equal(port.active, true);
});

test('a driver, ACL or statement reaches only to the last line in its own file', () => {
  const host = memoryHost({ '/c/opts': '  port = 26\n' });
  const t = parseText('/c/exim.conf', 'begin transports\nt:\n  driver = smtp\n.include /c/opts\n', host);
  const [d] = driversOf(t, 'transports');
  assert.equal(d.options.length, 2);
  assert.deepEqual(at(d.loc), [1, 0, 2, 15]);
  assert.equal(d.options[1].loc.file, '/c/opts');
});
