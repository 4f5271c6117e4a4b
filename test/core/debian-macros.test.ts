// The macros Debian's update-exim4.conf generates from update-exim4.conf.conf, read into a
// conf.d split configuration and into exim4.conf.template (server/src/core/debianMacros.ts).
// test/oracle/debian-macros.test.ts compares them with what update-exim4.conf itself writes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { memoryHost } from '../../server/src/core/host';
import { hover } from '../../server/src/core/features/hover';
import { rename } from '../../server/src/core/features/navigation';
import { lintPath, parsePath } from '../../server/src/core/service';

const UE4CC = [
  "dc_eximconfig_configtype='smarthost'",
  "dc_other_hostnames='Example.org; mail.example.org'",
  "dc_local_interfaces='127.0.0.1 ; ::1'",
  "dc_readhost=''",
  "dc_relay_nets='192.0.2.0/24'",
  "dc_smarthost='smtp.example.net::587'",
  "CFILEMODE='644'",
  "dc_use_split_config='true'",
  "dc_localdelivery='maildir_home'",
  'MAIN_TLS_ENABLE=Yes',
  '',
].join('\n');

/** A conf.d whose main part defines the marker line, as Debian's 01_exim4-config_listmacrosdefs does. */
function confd(main: string, ue4cc = UE4CC) {
  return memoryHost({
    '/e/update-exim4.conf.conf': ue4cc,
    '/e/conf.d/main/01_listmacrosdefs': `${main}UPEX4CmacrosUPEX4C = 1\n.ifndef LOCAL_DELIVERY\nLOCAL_DELIVERY = mail_spool\n.endif\n`,
    '/e/conf.d/router/00_header': 'begin routers\n',
    '/e/conf.d/transport/00_header': 'begin transports\n',
    '/e/conf.d/router/900_local': 'local_user:\n  driver = accept\n  check_local_user\n  transport = LOCAL_DELIVERY\n',
    '/e/conf.d/transport/30_mail_spool': 'mail_spool:\n  driver = appendfile\n  file = /var/mail/$local_part_data\n',
    '/e/conf.d/transport/30_maildir_home': 'maildir_home:\n  driver = appendfile\n  directory = $home/Maildir\n  maildir_format\n',
  });
}

const macroValues = (host: ReturnType<typeof memoryHost>, path = '/e/conf.d') =>
  Object.fromEntries(parsePath(path, host).macros.filter((m) => m.nameLoc.file === '/e/update-exim4.conf.conf').map((m) => [m.name, m.value]));

test('update-exim4.conf.conf settings become the macros update-exim4.conf writes after its marker line', () => {
  assert.deepEqual(macroValues(confd('')), {
    MAIN_LOCAL_INTERFACES: '<; 127.0.0.1 ; ::1',
    MAIN_LOCAL_DOMAINS: '@:localhost:example.org: mail.example.org',
    MAIN_RELAY_TO_DOMAINS: '',
    ETC_MAILNAME: '',
    LOCAL_DELIVERY: 'maildir_home',
    MAIN_RELAY_NETS: '192.0.2.0/24 : 127.0.0.1 : ::::1',
    DCreadhost: '',
    DCsmarthost: 'smtp.example.net::587',
    DC_eximconfig_configtype: 'smarthost',
    DCconfig_smarthost: '1',
    MAIN_TLS_ENABLE: 'yes',
  });
  // dc_localdelivery makes maildir_home the transport (mail_spool stays named by the default
  // the main part would have set).
  assert.deepEqual(lintPath('/e/conf.d', confd('')).findings.filter((f) => f.code === 'unused-transport'), []);
  assert.deepEqual(
    lintPath('/e/conf.d', confd('', UE4CC.replace('maildir_home', 'mail_spool'))).findings.filter((f) => f.code === 'unused-transport').map((f) => f.message),
    ['transport "maildir_home" is not used by any router'],
  );
  // The definition is shown on the line of the setting it comes from.
  const local = parsePath('/e/conf.d', confd('')).macros.find((m) => m.name === 'LOCAL_DELIVERY' && m.nameLoc.file === '/e/update-exim4.conf.conf')!;
  assert.equal(local.nameLoc.range.start.line, 8);
});

test('a macro defined before the marker line wins (update-exim4.conf wraps each in .ifndef)', () => {
  const values = macroValues(confd('LOCAL_DELIVERY = mail_spool\n'));
  assert.equal(values.LOCAL_DELIVERY, undefined);
  assert.equal(values.DCsmarthost, 'smtp.example.net::587');
  assert.deepEqual(lintPath('/e/conf.d', confd('LOCAL_DELIVERY = mail_spool\n')).findings.filter((f) => f.code.startsWith('macro-')), []);
});

test('no macros for the configuration type "none", without update-exim4.conf.conf, or for other files', () => {
  assert.deepEqual(macroValues(confd('', UE4CC.replace("'smarthost'", "'none'"))), {});
  const host = confd('');
  assert.deepEqual(macroValues(memoryHost({ '/e/conf.d/main/01_x': 'UPEX4CmacrosUPEX4C = 1\n' })), {});
  assert.equal(host.exists('/e/update-exim4.conf.conf'), true);
  const plain = memoryHost({ '/e/update-exim4.conf.conf': UE4CC, '/e/exim.conf': 'UPEX4CmacrosUPEX4C = 1\n' });
  assert.deepEqual(macroValues(plain, '/e/exim.conf'), {});
});

test('exim4.conf.template reads them too, after exim4.conf.localmacros', () => {
  const host = memoryHost({
    '/e/update-exim4.conf.conf': UE4CC,
    '/e/exim4.conf.localmacros': 'DCsmarthost = relay.example\n',
    '/e/exim4.conf.template': 'UPEX4CmacrosUPEX4C = 1\nbegin routers\nsmarthost:\n  driver = manualroute\n  route_list = * DCsmarthost byname\n  transport = remote_smtp\nbegin transports\nremote_smtp:\n  driver = smtp\n',
  });
  const tree = parsePath('/e/exim4.conf.template', host);
  assert.equal(tree.macros.find((m) => m.name === 'DCsmarthost')!.value, 'relay.example');
  assert.equal(tree.macros.filter((m) => m.name === 'DCsmarthost').length, 1);
  assert.ok(tree.lines.some((l) => l.text === 'route_list = * relay.example byname'));
  assert.equal(tree.macros.find((m) => m.name === 'LOCAL_DELIVERY')!.value, 'maildir_home');
});

test('fixes never edit the generated text', () => {
  // Exim refuses MAIN_LOCAL_INTERFACES, MAIN_LOCAL_DOMAINS and LOCAL_DELIVERY after a macro
  // LOCAL: the problems are shown, with no fix that would write into update-exim4.conf.conf.
  const found = lintPath('/e/conf.d', confd('LOCAL = x\n')).findings.filter((f) => f.loc.file === '/e/update-exim4.conf.conf');
  assert.deepEqual(found.map((f) => f.message.split('"')[1]).sort(), ['LOCAL_DELIVERY', 'MAIN_LOCAL_DOMAINS', 'MAIN_LOCAL_INTERFACES']);
  assert.ok(found.every((f) => f.code === 'macro-substring'));
  assert.deepEqual(found.flatMap((f) => f.fixes ?? []), []);
});

test('hover names update-exim4.conf as the origin; rename leaves a generated name alone', () => {
  const tree = parsePath('/e/conf.d', confd(''));
  const at = { line: 3, character: 16 };
  assert.match(hover(tree, '/e/conf.d/router/900_local', at)!.markdown, /LOCAL_DELIVERY = maildir_home[^]*Generated by update-exim4\.conf from `update-exim4\.conf\.conf` line 9/);
  const r = rename(tree, '/e/conf.d/router/900_local', at, 'MY_DELIVERY');
  assert.equal(r.ok, false);
  assert.match(r.ok ? '' : r.message, /one of the macros update-exim4\.conf generates/);
});

test('update-exim4.conf.conf lines the shell cannot read, and quoted macro lines, are reported there', () => {
  const lint = (extra: string) => lintPath('/e/conf.d', confd('', `${UE4CC}${extra}\n`)).findings.filter((f) => f.code.startsWith('debian-'));
  const at = (extra: string) => lint(extra).map((f) => [f.code, f.loc.file, f.loc.range.start.line, f.severity]);
  assert.deepEqual(at('DKIM_SELECTOR = mail'), [['debian-settings-unreadable', '/e/update-exim4.conf.conf', 10, 'error']]);
  assert.deepEqual(at('DKIM_DOMAIN=${lc:${domain:$h_from:}}'), [['debian-settings-unreadable', '/e/update-exim4.conf.conf', 10, 'error']]);
  assert.match(lint('DKIM_DOMAIN=${lc:$h_from:}')[0].message, /"Bad substitution"/);
  assert.deepEqual(at("DKIM_DOMAIN='${lc:$h_from:}'"), []);
  assert.deepEqual(at('X=${HOME:-/root}'), []);
  // A quoted value matters where the macro is used: LOCAL_DELIVERY names the transport.
  const quoted = lint("LOCAL_DELIVERY='maildir_home'").filter((f) => f.code === 'debian-macro-quoted');
  assert.equal(quoted.length, 0, 'dc_localdelivery comes first: the macro line is a second definition update-exim4.conf skips');
  const host = confd('', UE4CC.replace("dc_localdelivery='maildir_home'\n", '') + "LOCAL_DELIVERY='maildir_home'\n");
  const found = lintPath('/e/conf.d', host).findings.filter((f) => f.code === 'debian-macro-quoted');
  assert.equal(found.length, 0, 'without dc_localdelivery update-exim4.conf still defines LOCAL_DELIVERY=mail_spool first');
  const used = memoryHost({
    '/e/update-exim4.conf.conf': `${UE4CC}MAIN_QUALIFY_DOMAIN='example.net'\n`,
    '/e/conf.d/main/01_listmacrosdefs': 'UPEX4CmacrosUPEX4C = 1\n.ifdef MAIN_QUALIFY_DOMAIN\nqualify_domain = MAIN_QUALIFY_DOMAIN\n.endif\n',
  });
  const [q] = lintPath('/e/conf.d', used).findings.filter((f) => f.code === 'debian-macro-quoted');
  assert.deepEqual([q.loc.file, q.loc.range.start.line, q.severity], ['/e/update-exim4.conf.conf', 10, 'warning']);
  assert.match(q.message, /MAIN_QUALIFY_DOMAIN is 'example\.net', not example\.net/);
});

test('update-exim4.conf.conf is read as the shell reads it: quotes, $variables, several words, the first macro line', () => {
  const values = (extra: string) => macroValues(confd('', `${UE4CC}${extra}\n`));
  // Only lines that start with an upper-case letter are macro lines; the first one wins.
  assert.equal(values('  MAIN_TLS_ENABLE=no').MAIN_TLS_ENABLE, 'yes');
  assert.equal(values('MAIN_X=1\nMAIN_X=2').MAIN_X, '1');
  assert.equal(values('dc_readhost="$dc_localdelivery.example"').DCreadhost, 'maildir_home.example');
  // dc_minimaldns is compared as written.
  assert.equal(values("dc_minimaldns='True'").DC_minimaldns, undefined);
  assert.equal(values("dc_minimaldns='true'").DC_minimaldns, '1');
  const unreadable = (extra: string) => lintPath('/e/conf.d', confd('', `${UE4CC}${extra}\n`)).findings.filter((f) => f.code === 'debian-settings-unreadable').map((f) => f.message);
  assert.match(unreadable('MAIN_X=a   b')[0], /which runs "b" as a command \("b: not found"\)/);
  assert.match(unreadable('MAIN_X=a|b')[0], /which reads "\|" as an operator/);
  assert.match(unreadable("dc_use_split_config='maybe'")[0], /Invalid value for dc_use_split_config: "maybe"/);
  assert.deepEqual(unreadable("MAIN_X='a   b'"), []);
});
