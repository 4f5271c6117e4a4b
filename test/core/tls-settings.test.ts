import { test } from 'node:test';
import assert from 'node:assert/strict';
import { analyze } from '../../server/src/core/analysis/analyze';
import { applyEdits } from '../../server/src/core/fixes/edits';
import { memoryHost } from '../../server/src/core/host';
import { parseText } from '../../server/src/core/syntax/parser';
import { gnutlsPriorityProblem } from '../../server/src/core/util/gnutlsPriority';
import { tlsFileProblem } from '../../server/src/core/analysis/rules/tlsSettings';

const lintCode = (code: string) => (text: string) => analyze(parseText('/t.conf', text, memoryHost({}))).filter((f) => f.code === code);
const lint = lintCode('tls-ciphers-invalid');
const transport = (...options: string[]) => `begin transports\nremote_smtp:\n  driver = smtp\n${options.map((o) => `  ${o}\n`).join('')}`;

test('gnutlsPriorityProblem: priority strings as gnutls_priority_init() reads them', () => {
  for (const ok of ['NORMAL', 'normal', 'SECURE128:-VERS-SSL3.0:-VERS-TLS1.0:%SERVER_PRECEDENCE', 'NORMAL: -VERS-TLS1.0', 'NORMAL:+aes-256-gcm', 'NORMAL:+CIPHER-anything', 'NONE:+VERS-TLS1.2:+AES-128-GCM:+AEAD:+ECDHE-RSA:+SIGN-ALL:+GROUP-ALL', '+AES-128-GCM:NORMAL', 'SECURE256:+SECURE128', '@SYSTEM', '']) {
    assert.equal(gnutlsPriorityProblem(ok), undefined, ok);
  }
  const reason = (s: string) => {
    const p = gnutlsPriorityProblem(s);
    return p && [p.offset, p.element, p.reason, p.suggestions[0]];
  };
  assert.deepEqual(reason('HIGH:!aNULL'), [0, 'HIGH', '"HIGH" is not a GnuTLS priority keyword (LEGACY, NONE, NORMAL, PERFORMANCE, PFS, SECURE, SECURE128, SECURE192, SECURE256, SUITEB128, SUITEB192)', undefined]);
  assert.deepEqual(reason('NORMAL:+AES256-GCM'), [7, '+AES256-GCM', '"AES256-GCM" is not a name GnuTLS knows', '+AES-256-GCM']);
  assert.deepEqual(reason('NORMAL:%compat'), [7, '%compat', '"%compat" is not a GnuTLS flag (flags are upper case)', '%COMPAT']);
  assert.deepEqual(reason('NORMAL :-VERS-TLS1.0'), [0, 'NORMAL ', '"NORMAL " is not a GnuTLS priority keyword (LEGACY, NONE, NORMAL, PERFORMANCE, PFS, SECURE, SECURE128, SECURE192, SECURE256, SUITEB128, SUITEB192) (white space may only come before an element)', 'NORMAL']);
  assert.deepEqual(reason('NORMAL:'), [7, '', 'nothing after the last ":"', undefined]);
  assert.deepEqual(reason('NORMAL::%COMPAT'), [7, '', 'an empty element between two ":"', undefined]);
  assert.deepEqual(reason('NORMAL:NONE'), [7, 'NONE', '"NONE" may only come first', undefined]);
  assert.deepEqual(reason('NORMAL:-PFS'), [7, '-PFS', '"PFS" is a keyword: it may be added ("+PFS") or stand alone, not removed', undefined]);
  assert.deepEqual(reason('@STRENGTH'), [0, '@STRENGTH', '"@STRENGTH" is not a GnuTLS priority keyword (LEGACY, NONE, NORMAL, PERFORMANCE, PFS, SECURE, SECURE128, SECURE192, SECURE256, SUITEB128, SUITEB192)', undefined]);
});

test('tls-ciphers-invalid: a tls_require_ciphers GnuTLS refuses, with what that does to delivery or to the daemon', () => {
  const [f] = lint(transport('tls_require_ciphers = HIGH:!aNULL:!MD5'));
  assert.equal(
    f.message,
    'gnutls_priority_init(HIGH:!aNULL:!MD5) failed at offset 0: "HIGH" is not a GnuTLS priority keyword (LEGACY, NONE, NORMAL, PERFORMANCE, PFS, SECURE, SECURE128, SECURE192, SECURE256, SUITEB128, SUITEB192); this looks like an OpenSSL cipher list, and Debian\'s Exim is built with GnuTLS, which takes priority strings such as "NORMAL:-VERS-TLS1.0:-VERS-TLS1.1". Exim accepts the configuration, and every delivery through this transport to a server that offers STARTTLS falls back to clear text ("delivering unencrypted"), since tls_tempfail_tryclear is true and hosts_require_tls does not cover the server',
  );
  assert.deepEqual([f.loc.range.start.line, f.loc.range.start.character, f.loc.range.end.character], [3, 24, 28]);
  assert.equal(f.severity, 'warning');
  assert.match(lint(transport('hosts_require_tls = *', 'tls_require_ciphers = BOGUS'))[0].message, /fails to start TLS and is deferred \(or bounced at once under a "\* tls_required" retry rule\)$/);
  assert.match(lint(transport('tls_tempfail_tryclear = false', 'tls_require_ciphers = BOGUS'))[0].message, /fails to start TLS and is deferred/);

  const text = transport('tls_require_ciphers = SECURE128:-VERS-TLS1.0:+AES256-GCM');
  const [g] = lint(text);
  assert.match(g.message, /failed at offset 23: "AES256-GCM" is not a name GnuTLS knows\. Exim accepts .*; did you mean "\+AES-256-GCM"\?$/);
  const fixed = applyEdits(text, g.fixes![0].edits);
  assert.match(fixed, /tls_require_ciphers = SECURE128:-VERS-TLS1\.0:\+AES-256-GCM\n/);
  assert.deepEqual(lint(fixed), []);

  // Not read: good strings, expanded ones, system keywords, other transports.
  assert.deepEqual(lint(transport('tls_require_ciphers = NORMAL:-VERS-TLS1.0:-VERS-TLS1.1')), []);
  assert.deepEqual(lint(transport('tls_require_ciphers = ${if eq{$host}{a}{$acl_c_x}{NORMAL}}')), []);
  assert.deepEqual(lint(transport('tls_require_ciphers = @SYSTEM')), []);
  assert.deepEqual(lint('begin transports\nlmtp:\n  driver = lmtp\n  socket = /s\n'), []);
  // The server's string: the daemon does not start, unless TLS is not offered at all.
  const [m] = lint('tls_require_ciphers = HIGH:!aNULL\n');
  assert.equal(m.severity, 'error');
  assert.match(m.message, /\. `exim -bV` accepts the configuration, but the daemon \(`exim -bd`\) refuses to start with "Exim configuration error: tls_require_ciphers invalid", so no mail is received$/);
  assert.equal(lint('tls_advertise_hosts = *\ntls_require_ciphers = SECURE128:%compat\n').length, 1);
  assert.deepEqual(lint('tls_advertise_hosts =\ntls_require_ciphers = HIGH:!aNULL\n'), []);
  assert.deepEqual(lint('tls_require_ciphers = SECURE192:-VERS-TLS1.1\n'), []);
  // A quoted value is reported on the whole value, without a fix.
  const [q] = lint(transport('tls_require_ciphers = "NORMAL:+AES256-GCM"'));
  assert.deepEqual([q.loc.range.start.character, q.fixes], [24, []]);
});

test('tls-file-invalid: relative TLS file paths and unknown tls_dhparam primes', () => {
  for (const [option, value] of [['tls_certificate', '/etc/exim4/exim.crt'], ['tls_certificate', '/a.pem : /b.pem'], ['tls_verify_certificates', 'system'], ['tls_verify_certificates', '/etc/ssl/certs'], ['tls_crl', '/etc/crl.pem'], ['tls_dhparam', 'ffdhe3072'], ['tls_dhparam', 'none'], ['tls_dhparam', '/etc/exim4/dh.pem'], ['tls_certificate', '$config_dir/x.pem'], ['tls_certificate', '']]) {
    assert.equal(tlsFileProblem(option, value), undefined, `${option} = ${value}`);
  }
  assert.equal(tlsFileProblem('tls_certificate', '/a.pem : b.pem')?.problem, 'tls_certificate names "b.pem", which is not an absolute path: Exim cannot load it ("Error while reading file")');
  assert.equal(tlsFileProblem('tls_verify_certificates', 'ca.pem')?.problem.startsWith('tls_verify_certificates names "ca.pem"'), true);
  assert.equal(tlsFileProblem('tls_dhparam', 'FFDHE2048')?.suggestions[0], 'ffdhe2048');
  assert.equal(tlsFileProblem('tls_dhparam', 'Default')?.suggestions[0], 'default');

  const lintFiles = lintCode('tls-file-invalid');
  const [t] = lintFiles(transport('tls_certificate = client.pem', 'tls_privatekey = /etc/exim4/client.key'));
  assert.equal(t.message, 'tls_certificate names "client.pem", which is not an absolute path: Exim cannot load it ("Error while reading file"). Exim accepts the configuration, and every delivery through this transport to a server that offers STARTTLS falls back to clear text ("delivering unencrypted"), since tls_tempfail_tryclear is true and hosts_require_tls does not cover the server');
  assert.match(lintFiles(transport('hosts_require_tls = *', 'tls_verify_certificates = ca.pem'))[0].message, /is deferred/);
  const [m] = lintFiles('tls_dhparam = Default\n');
  assert.match(m.message, /^No standard prime named "Default" for tls_dhparam .*\. Exim accepts the configuration, and every client's STARTTLS then fails \("TLS error on connection"\), so senders deliver to this server in clear or not at all; did you mean "default"\?$/);
  assert.match(applyEdits('tls_dhparam = Default\n', m.fixes![0].edits), /^tls_dhparam = default\n$/);
  assert.deepEqual(lintFiles('tls_advertise_hosts =\ntls_certificate = exim.crt\n'), []);
  // The server reads its CRL only to check client certificates (measured: STARTTLS works).
  assert.deepEqual(lintFiles('tls_crl = revoked.pem\n'), []);
  assert.deepEqual(lintFiles(transport('tls_certificate = ${if eq{$host}{a}{/a.pem}{/b.pem}}')), []);
  assert.deepEqual(lintFiles('tls_certificate = /etc/exim4/exim.crt\ntls_privatekey = /etc/exim4/exim.key\ntls_dhparam = ffdhe4096\n'), []);
});

test('local-interfaces-invalid: addresses, with ports after a dot or in brackets; names and cut-up IPv6 stop the daemon', () => {
  const lintIfaces = lintCode('local-interfaces-invalid');
  for (const ok of ['127.0.0.1', '0.0.0.0 : 192.0.2.1', '127.0.0.1.2525', '<; ::1 ; 127.0.0.1', '<; [::1]:2525', '[127.0.0.1]', '127.0.0.1 : ']) assert.deepEqual(lintIfaces(`local_interfaces = ${ok}\n`), [], ok);
  const [f] = lintIfaces('local_interfaces = eth0\n');
  assert.equal(f.severity, 'error');
  assert.equal(f.message, 'Malformed IP address "eth0" in local_interfaces (an interface is given by its address, not its name): `exim -bV` accepts the configuration, but the daemon (`exim -bd`) refuses to start, so no mail is received');
  assert.match(lintIfaces('local_interfaces = 127.0.0.1 : ::1\n')[0].message, /^Malformed IP address "" in local_interfaces|^Malformed IP address ":1" in local_interfaces \(an IPv6 address in a list needs another separator/);
  assert.equal(lintIfaces('local_interfaces = [127.0.0.1]:2525\n')[0].data!.item, '2525');
});

test('tls-ciphers-invalid: each written-out branch of an ${if} is a priority string of its own', () => {
  const [f] = lint('tls_require_ciphers = ${if =={$received_port}{25}{NORMAL}{HIGH:!MD5:!SHA1}}\n');
  assert.match(f.message, /^gnutls_priority_init\(HIGH:!MD5:!SHA1\) failed at offset 0: .*OpenSSL cipher list.*Whenever the \$\{if\} picks this string TLS cannot start/);
  assert.deepEqual([f.loc.range.start.character, f.loc.range.end.character], [58, 73]);
  assert.equal(f.severity, 'warning');
  assert.deepEqual(lint('tls_require_ciphers = ${if =={$received_port}{25}{NORMAL}{SECURE256}}\n'), []);
  // A branch that is itself expanded is not read.
  assert.deepEqual(lint('tls_require_ciphers = ${if =={$received_port}{25}{NORMAL}{$acl_c_x}}\n'), []);
  assert.equal(lint(transport('tls_require_ciphers = ${if eq{$host}{a}{HIGH}{NORMAL}}')).length, 1);
});
