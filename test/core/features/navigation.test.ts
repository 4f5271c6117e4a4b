import { test } from 'node:test';
import assert from 'node:assert/strict';
import { definitions, documentHighlights, prepareRename, references, rename } from '../../../server/src/core/features/navigation';
import { applyEdits } from '../../../server/src/core/fixes/edits';
import { memoryHost } from '../../../server/src/core/host';
import { parsePath } from '../../../server/src/core/service';
import { Location } from '../../../server/src/core/syntax/source';
import { CONFIG, FILE, locQuad, parse, posOf } from './fixture';

const tree = parse();
const locs = (list: Location[]) => list.map(locQuad);

test('definition of a transport, an ACL, a named list and a macro from their uses', () => {
  assert.deepEqual(locs(definitions(tree, FILE, posOf(CONFIG, 31, 'remote', 3))), [[FILE, 41, 0, 41, 11]]);
  assert.deepEqual(locs(definitions(tree, FILE, posOf(CONFIG, 37, 'local_delivery'))), [[FILE, 47, 0, 47, 14]]);
  assert.deepEqual(locs(definitions(tree, FILE, posOf(CONFIG, 5, 'acl_check'))), [[FILE, 16, 0, 16, 14]]);
  assert.deepEqual(locs(definitions(tree, FILE, posOf(CONFIG, 21, 'acl_check'))), [[FILE, 23, 0, 23, 14]]);
  assert.deepEqual(locs(definitions(tree, FILE, posOf(CONFIG, 17, 'relay'))), [[FILE, 4, 9, 4, 25]]);
  assert.deepEqual(locs(definitions(tree, FILE, posOf(CONFIG, 30, 'local_domains'))), [[FILE, 3, 11, 3, 24]]);
  assert.deepEqual(locs(definitions(tree, FILE, posOf(CONFIG, 43, 'REMOTE'))), [[FILE, 2, 0, 2, 11]]);
  // At a definition: itself.
  assert.deepEqual(locs(definitions(tree, FILE, posOf(CONFIG, 41, 'remote'))), [[FILE, 41, 0, 41, 11]]);
  // On an option word or blank space: nothing.
  assert.deepEqual(definitions(tree, FILE, posOf(CONFIG, 31, 'transport')), []);
  assert.deepEqual(definitions(tree, FILE, { line: 7, character: 0 }), []);
});

test('references: transport =, +list in values, acl_smtp_* and acl =, macro uses including .ifdef and skipped branches', () => {
  assert.deepEqual(locs(references(tree, FILE, posOf(CONFIG, 41, 'remote'), true)), [
    [FILE, 41, 0, 41, 11],
    [FILE, 31, 14, 31, 25],
  ]);
  assert.deepEqual(locs(references(tree, FILE, posOf(CONFIG, 41, 'remote'), false)), [[FILE, 31, 14, 31, 25]]);
  assert.deepEqual(locs(references(tree, FILE, posOf(CONFIG, 3, 'local_domains'), true)), [
    [FILE, 3, 11, 3, 24],
    [FILE, 18, 20, 18, 33],
    [FILE, 30, 15, 30, 28],
  ]);
  assert.deepEqual(locs(references(tree, FILE, posOf(CONFIG, 23, 'acl_check_data'), true)), [
    [FILE, 23, 0, 23, 14],
    [FILE, 6, 16, 6, 30],
    [FILE, 21, 15, 21, 29],
  ]);
  assert.deepEqual(locs(references(tree, FILE, posOf(CONFIG, 2, 'REMOTE'), true)), [
    [FILE, 2, 0, 2, 11],
    [FILE, 8, 7, 8, 18],
    [FILE, 43, 9, 43, 20],
    [FILE, 11, 17, 11, 28],
  ]);
});

test('document highlights: the definition is written, every use read; only in the file asked about', () => {
  const marks = (file: string, pos: { line: number; character: number }) =>
    documentHighlights(tree, file, pos).map((h) => [h.kind, h.range.start.line, h.range.start.character, h.range.end.line, h.range.end.character]);
  assert.deepEqual(marks(FILE, posOf(CONFIG, 6, 'acl_check_data')), [
    ['write', 23, 0, 23, 14],
    ['read', 6, 16, 6, 30],
    ['read', 21, 15, 21, 29],
  ]);
  assert.deepEqual(marks(FILE, posOf(CONFIG, 2, 'REMOTE')), [
    ['write', 2, 0, 2, 11],
    ['read', 8, 7, 8, 18],
    ['read', 43, 9, 43, 20],
    ['read', 11, 17, 11, 28],
  ]);
  // Nothing under an option word; nothing for a file that is not the one the position is in.
  assert.deepEqual(marks(FILE, posOf(CONFIG, 31, 'transport')), []);
  assert.deepEqual(marks('/c/other.conf', posOf(CONFIG, 6, 'acl_check_data')), []);

  // A transport defined in an included file: each file highlights its own occurrences.
  const host = memoryHost({
    '/m/exim.conf': 'begin routers\nr:\n  driver = accept\n  transport = t\nbegin transports\n.include /m/t.conf\n',
    '/m/t.conf': 't:\n  driver = appendfile\n  file = /var/mail/x\n',
  });
  const inc = parsePath('/m/exim.conf', host);
  assert.deepEqual(
    documentHighlights(inc, '/m/exim.conf', { line: 3, character: 15 }).map((h) => [h.kind, h.range.start.line, h.range.start.character]),
    [['read', 3, 14]],
  );
  assert.deepEqual(
    documentHighlights(inc, '/m/t.conf', { line: 0, character: 0 }).map((h) => [h.kind, h.range.start.line, h.range.start.character]),
    [['write', 0, 0]],
  );
});

test('named lists of different kinds with the same name are different symbols', () => {
  const text = 'domainlist x = a\nhostlist x = b\nbegin routers\nr:\n  driver = accept\n  domains = +x\n  ignore_target_hosts = +x\n';
  const t = parse(text);
  assert.deepEqual(locs(definitions(t, FILE, posOf(text, 5, 'x'))), [[FILE, 0, 11, 0, 12]]);
  assert.deepEqual(locs(definitions(t, FILE, posOf(text, 6, 'x'))), [[FILE, 1, 9, 1, 10]]);
  assert.deepEqual(locs(references(t, FILE, posOf(text, 1, 'x'), true)), [
    [FILE, 1, 9, 1, 10],
    [FILE, 6, 25, 6, 26],
  ]);
});

test('routers named by pass_router, authenticators compared with $sender_host_authenticated, ACLs in ${acl{...}}', () => {
  const text = [
    'begin acl',
    'check:',
    '  accept condition = ${if eq{$sender_host_authenticated}{plain_server}}',
    '  accept condition = ${acl{other}}',
    'other:',
    '  accept',
    'begin routers',
    'first:',
    '  driver = accept',
    '  pass_router = second',
    'second:',
    '  driver = accept',
    'begin authenticators',
    'plain_server:',
    '  driver = plaintext',
    '',
  ].join('\n');
  const t = parse(text);
  assert.deepEqual(locs(references(t, FILE, posOf(text, 13, 'plain'), true)), [
    [FILE, 13, 0, 13, 12],
    [FILE, 2, 57, 2, 69],
  ]);
  assert.deepEqual(locs(definitions(t, FILE, posOf(text, 9, 'second'))), [[FILE, 10, 0, 10, 6]]);
  assert.deepEqual(locs(definitions(t, FILE, posOf(text, 3, 'other'))), [[FILE, 4, 0, 4, 5]]);
});

test('references and definitions across .include files', () => {
  const files = { '/c/transports.conf': 'remote_smtp:\n  driver = smtp\n' };
  const main = 'begin routers\nr:\n  driver = dnslookup\n  transport = remote_smtp\nbegin transports\n.include /c/transports.conf\n';
  const t = parse(main, files);
  assert.deepEqual(locs(definitions(t, FILE, posOf(main, 3, 'remote'))), [['/c/transports.conf', 0, 0, 0, 11]]);
  assert.deepEqual(locs(references(t, '/c/transports.conf', { line: 0, character: 2 }, true)), [
    ['/c/transports.conf', 0, 0, 0, 11],
    [FILE, 3, 14, 3, 25],
  ]);
  const r = rename(t, '/c/transports.conf', { line: 0, character: 2 }, 'smarthost');
  assert.ok(r.ok);
  assert.deepEqual(
    r.edits.map((e) => [e.file, e.range.start.line, e.range.start.character, e.range.end.character, e.newText]),
    [
      ['/c/transports.conf', 0, 0, 11, 'smarthost'],
      [FILE, 3, 14, 25, 'smarthost'],
    ],
  );
});

test('rename across the parts of a split configuration', () => {
  const host = memoryHost({
    '/e/conf.d/router/00_header': 'begin routers\n',
    '/e/conf.d/router/200_dnslookup': 'dnslookup:\n  driver = dnslookup\n  transport = remote_smtp\n',
    '/e/conf.d/transport/00_header': 'begin transports\n',
    '/e/conf.d/transport/30_remote_smtp': 'remote_smtp:\n  driver = smtp\n',
  });
  const t = parsePath('/e/conf.d', host);
  assert.deepEqual(locs(definitions(t, '/e/conf.d/router/200_dnslookup', { line: 2, character: 16 })), [['/e/conf.d/transport/30_remote_smtp', 0, 0, 0, 11]]);
  const r = rename(t, '/e/conf.d/router/200_dnslookup', { line: 2, character: 16 }, 'remote_tls');
  assert.ok(r.ok);
  assert.deepEqual(
    r.edits.map((e) => [e.file, e.range.start.line, e.range.start.character, e.range.end.character]),
    [
      ['/e/conf.d/transport/30_remote_smtp', 0, 0, 11],
      ['/e/conf.d/router/200_dnslookup', 2, 14, 25],
    ],
  );
});

test('rename a macro: every definition and use, in skipped branches and .ifdef lines too', () => {
  const r = rename(tree, FILE, posOf(CONFIG, 43, 'REMOTE'), 'SMTP_PORT');
  assert.ok(r.ok);
  assert.deepEqual(
    r.edits.map((e) => [e.range.start.line, e.range.start.character, e.range.end.character, e.newText]),
    [
      [2, 0, 11, 'SMTP_PORT'],
      [8, 7, 18, 'SMTP_PORT'],
      [43, 9, 20, 'SMTP_PORT'],
      [11, 17, 28, 'SMTP_PORT'],
    ],
  );
});

test('rename refuses invalid names, existing names, built-in macros and names written through macros', () => {
  const refuse = (t: ReturnType<typeof parse>, p: { line: number; character: number }, name: string, message: RegExp) => {
    const r = rename(t, FILE, p, name);
    assert.equal(r.ok, false, `${name} accepted`);
    if (!r.ok) assert.match(r.message, message);
  };
  refuse(tree, posOf(CONFIG, 41, 'remote'), 'remote-smtp', /not a valid transport name/);
  refuse(tree, posOf(CONFIG, 41, 'remote'), '1smtp', /not a valid transport name/);
  refuse(tree, posOf(CONFIG, 41, 'remote'), '', /not a valid transport name/);
  refuse(tree, posOf(CONFIG, 41, 'remote'), 'x'.repeat(65), /longer than 64/);
  refuse(tree, posOf(CONFIG, 41, 'remote'), 'local_delivery', /A transport named local_delivery already exists/);
  refuse(tree, posOf(CONFIG, 2, 'REMOTE'), 'remote_port', /not a valid macro name/);
  refuse(tree, posOf(CONFIG, 3, 'local'), 'local domains', /not a valid named list name/);
  refuse(tree, { line: 7, character: 0 }, 'x', /Nothing to rename here/);
  refuse(parse('.ifdef _HAVE_TLS\n.endif\n'), { line: 0, character: 9 }, 'X', /built-in/);
  const viaMacro = 'REMOTE = remote_smtp\nbegin routers\nr:\n  driver = accept\n  transport = REMOTE\nbegin transports\nremote_smtp:\n  driver = smtp\n';
  refuse(parse(viaMacro), { line: 6, character: 2 }, 'smarthost', /also written through a macro at \/c\/exim.conf:5 \(in the value of REMOTE, defined at \/c\/exim.conf:1\)/);
  const overlap = 'PORT = 25\nOTHER_PORT_X = 2\nprimary_hostname = x.PORT\n';
  refuse(parse(overlap), { line: 0, character: 1 }, 'OTHER', /overlaps the macro OTHER_PORT_X/);
  // A new name holding a macro's name: Exim would replace it there.
  const withMacro = 'MYMAC = 1\nbegin transports\nt:\n  driver = smtp\n';
  refuse(parse(withMacro), { line: 2, character: 0 }, 'MYMACRO', /contains the name of the macro MYMAC, which Exim would replace in it/);
  // A macro renamed to text written elsewhere: Exim would replace it there too.
  refuse(parse('MYMAC = 1\nsmtp_banner = $smtp_active_hostname ESMTP Exim\nqualify_domain = MYMAC\n'), { line: 0, character: 1 }, 'ESMTP', /already written at \/c\/exim\.conf:2/);
  // A rename to the same name changes nothing.
  assert.deepEqual(rename(tree, FILE, posOf(CONFIG, 41, 'remote'), 'remote_smtp'), { ok: true, edits: [] });
  const check = prepareRename(tree, FILE, posOf(CONFIG, 31, 'remote'));
  assert.ok(check.ok);
  if (check.ok) assert.deepEqual([check.name, check.kind, ...locQuad(check.loc)], ['remote_smtp', 'transport', FILE, 31, 14, 31, 25]);
});

test('rename finds ${listnamed:...}, system filter transports, file_format, rewrite and retry patterns, and macros of skipped branches', () => {
  const edits = (text: string, line: number, character: number, name: string) => {
    const r = rename(parse(text), FILE, { line, character }, name);
    assert.ok(r.ok, r.ok ? '' : r.message);
    return r.ok ? r.edits.map((e) => `${e.range.start.line}:${e.range.start.character}`).sort() : [];
  };
  // Each was measured: a rename that misses one leaves Exim failing there (451 "is not a named
  // list", "unknown named domain list", a system filter delivering through a missing transport).
  assert.deepEqual(edits('domainlist local_domains = a.example\nx = ${listnamed:local_domains} ${listnamed_d:local_domains}\n', 0, 12, 'mine'), ['0:11', '1:16', '1:45']);
  assert.deepEqual(edits('system_filter_pipe_transport = address_pipe\nbegin transports\naddress_pipe:\n  driver = pipe\n', 2, 1, 'pipe2'), ['0:31', '2:0']);
  assert.deepEqual(edits('begin transports\nt:\n  driver = appendfile\n  file_format = From : t : *mbx* : mbx\nmbx:\n  driver = appendfile\n', 4, 1, 'mailbox'), ['3:35', '4:0']);
  assert.deepEqual(edits('domainlist local_domains = a.example\nbegin rewrite\n*@+local_domains $1@x.example\nbegin retry\n+local_domains * F,1h,10m\n', 0, 12, 'mine'), ['0:11', '2:3', '4:1']);
  // A macro defined only in a skipped branch: the uses Exim replaces once the branch is taken.
  assert.deepEqual(edits('.ifdef X\nMYM = /etc/a.crt\ntls_certificate = MYM\n.endif\n', 1, 1, 'NEWM'), ['1:0', '2:18']);
  assert.deepEqual(edits('.ifndef MAIN_CERT\nMAIN_CERT = /etc/a.crt\n.endif\n.ifdef MAIN_CERT\ntls_certificate = MAIN_CERT\n.endif\n', 1, 1, 'CERT_FILE').length, 4);
});

test('rename refuses a name an expansion may build, and an authenticator without public_name', () => {
  const refused = (text: string, line: number, character: number, name: string) => {
    const r = rename(parse(text), FILE, { line, character }, name);
    return r.ok ? '' : r.message;
  };
  const built = 'begin routers\nr:\n  driver = accept\n  transport = ${local_part_prefix}local_delivery\nbegin transports\nlocal_delivery:\n  driver = appendfile\n';
  assert.match(refused(built, 5, 1, 'spool'), /An expansion at \/c\/exim\.conf:4 builds transport names that local_delivery may be one of/);
  assert.match(refused('acl_smtp_rcpt = acl_${lc:$sender_host_address}\nbegin acl\nacl_x:\n  accept\n', 2, 1, 'other'), /builds ACL names/);
  // Exim offers an authenticator without public_name by its name (measured: AUTH PLAIN becomes AUTH MYAUTH).
  assert.match(refused('begin authenticators\nPLAIN:\n  driver = plaintext\n  server_condition = yes\n', 1, 1, 'MYAUTH'), /Add "public_name = PLAIN" first/);
  assert.equal(refused('begin authenticators\nplain_server:\n  driver = plaintext\n  public_name = PLAIN\n  server_condition = yes\n', 1, 1, 'login_server'), '');
  // An ACL named through a variable that a `set` gives the name to (measured: the SMTP answers change).
  const viaVariable = 'acl_smtp_rcpt = r\nbegin acl\nr:\n  warn set acl_c_x = bwl_acl\n  deny acl = $acl_c_x\n  accept\nbwl_acl:\n  accept\n';
  assert.match(refused(viaVariable, 6, 1, 'other_acl'), /named through a variable at \/c\/exim\.conf:5, and bwl_acl is also written at \/c\/exim\.conf:4/);
  assert.equal(refused(viaVariable.replace('  warn set acl_c_x = bwl_acl\n', ''), 6 - 1, 1, 'other_acl'), '');
  // A name joined to an expansion is not a reference to the whole name.
  assert.deepEqual(references(parse(built), FILE, { line: 5, character: 1 }, false), []);
});

test('ACL variables: every set is a definition, $x, ${x} and def:x are uses; rename keeps acl_c or acl_m', () => {
  const text = [
    'acl_smtp_rcpt = r', // 0
    'begin acl',
    'r:',
    '  warn set acl_m_grey = ${lc:$sender_address}', // 3
    '       set acl_c0 = x${acl_m_grey}y',
    '  deny condition = ${if def:acl_m_grey {yes}{no}}', // 5
    '       message = \\$acl_m_grey ${sg{a}{\\N$acl_m_grey\\N}{b}} $acl_m_grey_other',
    '  warn set acl_m_grey = again',
    '  accept',
    'begin transports',
    't:', // 10
    '  driver = appendfile',
    '  file = /var/mail/$acl_m_grey',
    '',
  ].join('\n');
  const t = parse(text);
  const at = (line: number, needle: string, nth = 0) => posOf(text, line, needle, 1, nth);
  assert.deepEqual(locs(definitions(t, FILE, at(12, 'acl_m_grey'))), [
    [FILE, 3, 11, 3, 21],
    [FILE, 7, 11, 7, 21],
  ]);
  // The escaped one, the one inside \N...\N and $acl_m_grey_other are not uses.
  assert.deepEqual(locs(references(t, FILE, at(3, 'acl_m_grey'), false)), [
    [FILE, 4, 23, 4, 33],
    [FILE, 5, 28, 5, 38],
    [FILE, 12, 20, 12, 30],
  ]);
  assert.deepEqual(
    documentHighlights(t, FILE, at(5, 'acl_m_grey')).map((h) => [h.kind, h.range.start.line]),
    [['write', 3], ['write', 7], ['read', 4], ['read', 5], ['read', 12]],
  );
  const renamed = rename(t, FILE, at(12, 'acl_m_grey'), 'acl_m_greyident');
  assert.ok(renamed.ok);
  if (renamed.ok) assert.equal(renamed.edits.length, 5);
  const refuse = (name: string, message: RegExp) => {
    const r = rename(t, FILE, at(3, 'acl_m_grey'), name);
    assert.equal(r.ok, false, name);
    if (!r.ok) assert.match(r.message, message);
  };
  refuse('acl_mx', /not a valid ACL variable name/);
  refuse('grey', /not a valid ACL variable name/);
  refuse('acl_c_grey', /keeps its value for the message; the new name must start with acl_m too/);
  refuse('acl_m_grey_other'.replace('_other', '') + '-x', /not a valid ACL variable name/);
  // Read but never set here: nothing to rename.
  const unset = rename(t, FILE, at(6, 'acl_m_grey_other'), 'acl_m_x');
  assert.equal(unset.ok, false);
  if (!unset.ok) assert.match(unset.message, /No ACL statement sets acl_m_grey_other/);
});

test('rename refuses an ACL variable name that is read elsewhere; a tls authenticator is not offered in EHLO', () => {
  const text = 'begin acl\nr:\n  warn set acl_m_a = 1\n  deny condition = ${if eq{$acl_m_b}{1}}\n  accept\n';
  const r = rename(parse(text), FILE, posOf(text, 2, 'acl_m_a', 1), 'acl_m_b');
  assert.equal(r.ok, false);
  if (!r.ok) assert.match(r.message, /\$acl_m_b is already used in this configuration/);
  const tls = 'begin authenticators\ncert:\n  driver = tls\n  server_param1 = ${certextract{subject}{$tls_in_peercert}}\n';
  assert.equal(rename(parse(tls), FILE, { line: 1, character: 1 }, 'peer').ok, true);
});

test('a macro with an empty value is found in lines Exim skips, and renamed there', () => {
  const text = 'DCsmarthost=\nbegin routers\n.ifdef DCconfig_smarthost\nsmarthost:\n  driver = manualroute\n  route_list = * DCsmarthost byname\n.endif\n';
  const t = parse(text);
  assert.deepEqual(locs(references(t, FILE, { line: 0, character: 2 }, true)), [
    [FILE, 0, 0, 0, 11],
    [FILE, 5, 17, 5, 28],
  ]);
  const r = rename(t, FILE, { line: 0, character: 2 }, 'DCrelay');
  assert.ok(r.ok);
  if (r.ok) assert.equal(applyEdits(text, r.edits), text.replace(/DCsmarthost/g, 'DCrelay'));
});

test('a named list inside match_domain{...}{+name} is a domain list, whatever list the option holds', () => {
  const text = 'domainlist tls_to = example.net\nbegin transports\nt:\n  driver = smtp\n  hosts_require_tls = <; ${if match_domain{$domain}{+tls_to}{*}{}}\n';
  const t = parse(text);
  assert.deepEqual(locs(references(t, FILE, { line: 0, character: 12 }, false)), [[FILE, 4, 53, 4, 59]]);
});
