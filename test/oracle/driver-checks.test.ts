// Settings that real Exim 4.96 accepts or refuses once it has read them (quoted and empty
// values, per-driver set-up checks), each checked with `exim -bV` and with the analyser:
// the analyser gives an error exactly when Exim refuses, with Exim's words.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { lintPath } from '../../server/src/core/service';
import { nodeHost } from '../../server/src/node/fsHost';
import { eximValidate, requireExim } from '../support/exim';

const dir = mkdtempSync(join(tmpdir(), 'exim-driver-checks-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const router = (...lines: string[]) =>
  ['begin routers', 'r:', ...lines.map((l) => `  ${l}`), '', 'begin transports', 't:', '  driver = smtp', ''].join('\n');
const transport = (...lines: string[]) =>
  ['begin routers', 'r:', '  driver = accept', '  transport = t', '', 'begin transports', 't:', ...lines.map((l) => `  ${l}`), ''].join('\n');

/** [name, configuration, undefined when Exim accepts it or the words of its refusal]. */
const CASES: [string, string, string | undefined][] = [
  // At the end of the configuration a continued line keeps the space before its backslash.
  ['driver name continued at the end of the file', 'begin transports\nt:\n  driver = smtp \\\n', 'transport t: cannot find transport driver "smtp "'],
  ['driver name continued at the end, no final newline', 'begin transports\nt:\n  driver = smtp \\', 'transport t: cannot find transport driver "smtp "'],
  ['driver name continued by a blank line', 'begin transports\nt:\n  driver = smtp \\\n\n', undefined],
  ['quoted localhost_number', 'localhost_number = "3"\n', undefined],
  ['empty localhost_number', 'localhost_number =\n', undefined],
  ['quoted syslog_facility', 'syslog_facility = "mail"\n', undefined],
  ['quoted log_selector', 'log_selector = "+all"\n', undefined],
  ['quoted log_selector with an unknown name', 'log_selector = "+tls_peerdn +argument"\n', 'unknown log_selector setting: +argument'],
  ['empty errors_reply_to', 'errors_reply_to =\n', 'error in errors_reply_to (): empty address'],
  ['quoted errors_reply_to', 'errors_reply_to = "postmaster@example.org"\n', undefined],
  ['quoted self', router('driver = manualroute', 'route_list = * h.example', 'transport = t', 'self = "freeze"'), undefined],
  ['empty self', router('driver = manualroute', 'route_list = * h.example', 'transport = t', 'self ='), 'is not valid for the self option'],
  ['quoted host_find_failed', router('driver = manualroute', 'route_list = * h.example', 'transport = t', 'host_find_failed = "defer"'), undefined],
  ['iplookup with a transport', router('driver = iplookup', 'port = 1', 'hosts = h.example', 'transport = t'), 'a transport must not be defined for this router'],
  ['redirect one_time with an empty headers_add', router('driver = redirect', 'data = x@example.org', 'one_time', 'headers_add ='), undefined],
  ['redirect allow_filter with an empty value (set, as a bare name)', router('driver = redirect', 'data = x@example.org', 'allow_filter ='), '"user" or "check_local_user" must be set with "allow_filter"'],
  ['iplookup with an unknown protocol', router('driver = iplookup', 'port = 25', 'hosts = localhost', 'protocol = abc'), 'protocol not specified as udp or tcp'],
  ['iplookup over tcp', router('driver = iplookup', 'port = 25', 'hosts = localhost', 'protocol = tcp'), undefined],
  ['pipe with allow_commands and use_shell', transport('driver = pipe', 'allow_commands = /bin/cat', 'use_shell'), 'both allow_commands and use_shell set for t transport'],
  ['pipe with a word in temp_errors', transport('driver = pipe', 'temp_errors = 75:abc'), 'temp_errors must be a list of numbers or an asterisk for the t transport'],
  ['pipe with temp_errors = *', transport('driver = pipe', 'temp_errors = *'), undefined],
  ['pipe with return_output and return_fail_output', transport('driver = pipe', 'return_output', 'return_fail_output'), 'both return_output and return_fail_output set for t transport'],
  ['pipe with log_output and log_fail_output', transport('driver = pipe', 'log_output', 'log_fail_output'), 'both log_output and log_fail_output set for the t transport'],
  ['body_only with headers_only', transport('driver = pipe', 'body_only', 'headers_only'), 't transport: body_only and headers_only are mutually exclusive'],
  ['negative tls_dh_max_bits', 'tls_dh_max_bits = -1\n', 'tls_dh_max_bits is too small, must be at least 1024 for interop'],
  ['hexadecimal tls_dh_max_bits below 1024', 'tls_dh_max_bits = 0x10\n', 'tls_dh_max_bits is too small, must be at least 1024 for interop'],
  ['hexadecimal tls_dh_max_bits of 2048', 'tls_dh_max_bits = 0x800\n', undefined],
  ['log_selector is not expanded: "$x" is read as it is', 'log_selector = $x\n', 'malformed log_selector setting: + or - expected but found "$x"'],
  ['syslog_facility is not expanded', 'syslog_facility = $x\n', 'failed to interpret syslog_facility "$x"'],
  ['errors_reply_to is not expanded', 'errors_reply_to = $x\n', 'errors_reply_to ($x) does not contain a domain'],
  ['create_file is not expanded', transport('driver = appendfile', 'file = /tmp/x', 'create_file = $x'), 'invalid value given for "create_file" for the t transport'],
  ['localhost_number is expanded: left for Exim to work out', 'localhost_number = ${eval:3}\n', undefined],
  ['an empty exim_user', 'exim_user =\n', 'user  was not found'],
  ['exim_user is not expanded: "$x" is a name', 'exim_user = $x\n', 'user $x was not found'],
  ['an empty group on a router', router('driver = accept', 'transport = t', 'group ='), 'group  was not found'],
  ['an expanded user on a transport is looked up later', transport('driver = pipe', 'user = ${lookup{x}lsearch{/etc/aliases}}'), undefined],
  ['a router name of 63 characters', router('driver = accept', 'transport = t').replace('r:', `${'r'.repeat(63)}:`), undefined],
  ['a router name of 64 characters', router('driver = accept', 'transport = t').replace('r:', `${'r'.repeat(64)}:`), 'exim item name too long (>64)'],
  ['an ACL name of 64 characters', `begin acl\n${'a'.repeat(64)}:\n  accept\n`, 'exim item name too long (>64)'],
  ['a macro name of 63 characters', `M${'X'.repeat(62)} = 1\n`, undefined],
  ['a macro name of 64 characters', `M${'X'.repeat(63)} = 1\n`, 'macro name too long (maximum is 63 characters)'],
  ['spa with client_username and no client_password', `${transport('driver = smtp')}begin authenticators\na:\n  driver = spa\n  public_name = NTLM\n  client_username = u\n`, 'one of client_username and client_password cannot be set without the other'],
  ['spa with both client settings', `${transport('driver = smtp')}begin authenticators\na:\n  driver = spa\n  public_name = NTLM\n  client_username = u\n  client_password = p\n`, undefined],
  ['quoted create_file', transport('driver = appendfile', 'file = /tmp/x', 'create_file = "anywhere"'), undefined],
  ['empty create_file', transport('driver = appendfile', 'file = /tmp/x', 'create_file ='), undefined],
  ['smtp with a numeric user and no group', transport('driver = smtp', 'user = 0'), undefined],
  ['lmtp with a numeric user and no group', transport('driver = lmtp', 'socket = /tmp/s', 'user = 0'), 'user set without group for the t transport'],
  ['smtp with a zero command_timeout', transport('driver = smtp', 'command_timeout = 0s'), 'command, data, or final timeout value is zero for t transport'],
  ['smtp with a zero final_timeout', transport('driver = smtp', 'final_timeout = 0s'), 'command, data, or final timeout value is zero for t transport'],
  ['smtp with a shadow transport', transport('driver = smtp', 'shadow_transport = t'), 'shadow transport not allowed on non-local transport t'],
  ['pass_router naming no router', router('driver = accept', 'transport = t', 'pass_router = nope'), 'new_router "nope" not found for "r" router'],
  ['pass_router naming the router itself', router('driver = accept', 'transport = t', 'pass_router = r'), 'new_router "r" does not follow "r" router'],
  ['pass_router naming an earlier router', `begin routers\nq:\n  driver = accept\n  transport = t\n${router('driver = accept', 'transport = t', 'pass_router = q').slice('begin routers\n'.length)}`, 'new_router "q" does not follow "r" router'],
  ['pass_router naming a later router, quoted', router('driver = accept', 'transport = t', 'pass_router = "s"').replace('\nbegin transports', 's:\n  driver = accept\n  transport = t\n\nbegin transports'), undefined],
  ['pass_router is not expanded', router('driver = accept', 'transport = t', 'pass_router = ${if true{r}}'), 'new_router "${if true{r}}" not found for "r" router'],
  ['redirect_router naming no router', router('driver = redirect', 'data = x@example.org', 'redirect_router = nope'), 'new_router "nope" not found for "r" router'],
  ['redirect_router naming its own router', router('driver = redirect', 'data = x@example.org', 'redirect_router = r'), undefined],
  ['smtp_ratelimit_mail with a maximum delay without a unit', 'smtp_ratelimit_mail = 1,1s,1,1\n', 'malformed ratelimit data: 1,1s,1,1'],
  ['smtp_ratelimit_rcpt with blanks before a comma', 'smtp_ratelimit_rcpt = 10 ,1s ,2 ,5m\n', 'malformed ratelimit data: 10 ,1s ,2 ,5m'],
  ['smtp_ratelimit_rcpt with a fifth field', 'smtp_ratelimit_rcpt = 10,1s,2,5m,6\n', 'malformed ratelimit data: 10,1s,2,5m,6'],
  ['smtp_ratelimit_mail with a delay that overflows', 'smtp_ratelimit_mail = 10,3000000s,2,5m\n', 'malformed ratelimit data: 10,3000000s,2,5m'],
  ['smtp_ratelimit_mail, quoted, blanks after the commas, fractions', 'smtp_ratelimit_mail = "10, 1.5s, 2e0, 1h30m"\n', undefined],
  ['smtp_ratelimit_rcpt: text after the fourth field is ignored', 'smtp_ratelimit_rcpt = 10,1s,.5,5m then\n', undefined],
  ['smtp_ratelimit_mail with an exponent mark and no digits (scanf reads 1e as 1)', 'smtp_ratelimit_mail = 1,1s,1e,1h\n', undefined],
  ['smtp_ratelimit_mail with a hexadecimal factor without a digit', 'smtp_ratelimit_mail = 1,1s,0x,1h\n', 'malformed ratelimit data: 1,1s,0x,1h'],
  ['smtp_ratelimit_mail with a NaN factor with a payload', 'smtp_ratelimit_mail = 1,1s,nan(1),1h\n', 'malformed ratelimit data: 1,1s,nan(1),1h'],
  ['smtp_ratelimit_rcpt, quoted, with a tab written \\t after a comma', 'smtp_ratelimit_rcpt = "5,\\t1s,1,1h"\n', undefined],
  ['smtp_ratelimit_rcpt with a maximum delay of 1.5e+s', 'smtp_ratelimit_rcpt = 1,1s,1,1.5e+s\n', undefined],
  ['pass_router naming a later router with a hex escape', router('driver = accept', 'transport = t', 'pass_router = "\\x73"').replace('\nbegin transports', 's:\n  driver = accept\n  transport = t\n\nbegin transports'), undefined],
  ['two plaintext servers whose public names differ by an escaped tab', 'begin authenticators\na:\n  driver = plaintext\n  public_name = PLAIN\n  server_condition = yes\nb:\n  driver = plaintext\n  public_name = "PLAIN\\t"\n  server_condition = yes\n', undefined],
  ['two plaintext servers with one public name in different case', 'begin authenticators\na:\n  driver = plaintext\n  public_name = PLAIN\n  server_condition = yes\nb:\n  driver = plaintext\n  public_name = plain\n  server_condition = yes\n', 'two server authenticators (a and b) have the same public name (PLAIN)'],
  ['a server without public_name goes by its name', 'begin authenticators\nPLAIN:\n  driver = plaintext\n  server_condition = yes\nb:\n  driver = cram_md5\n  public_name = plain\n  server_secret = x\n', 'two server authenticators (PLAIN and b) have the same public name (PLAIN)'],
  ['a server and a client with one public name', 'begin authenticators\na:\n  driver = plaintext\n  public_name = PLAIN\n  server_condition = yes\nb:\n  driver = plaintext\n  public_name = PLAIN\n  client_send = :u:p\n', undefined],
  ['spa and dovecot servers with one public name', 'begin authenticators\na:\n  driver = spa\n  public_name = NTLM\n  server_password = x\nb:\n  driver = dovecot\n  public_name = NTLM\n  server_socket = /run/dovecot/auth-client\n', 'two server authenticators (a and b) have the same public name (NTLM)'],
  ['a cram_md5 with only server_condition is not a server', 'begin authenticators\na:\n  driver = cram_md5\n  public_name = X\n  server_secret = x\nb:\n  driver = cram_md5\n  public_name = X\n  server_condition = yes\n', undefined],
  ['two plaintext clients with one public name', 'begin authenticators\na:\n  driver = plaintext\n  public_name = PLAIN\n  client_send = :u:p\nb:\n  driver = plaintext\n  public_name = plain\n  client_send = :u:p\n', 'two client authenticators (a and b) have the same public name (PLAIN)'],
  ['two spa clients with one public name', 'begin authenticators\na:\n  driver = spa\n  public_name = X\n  client_username = u\n  client_password = p\nb:\n  driver = spa\n  public_name = X\n  client_username = u\n  client_password = p\n', 'two client authenticators (a and b) have the same public name (X)'],
  ['a client and server, then a client, with one public name', 'begin authenticators\na:\n  driver = plaintext\n  public_name = X\n  server_condition = yes\n  client_send = :a\nb:\n  driver = external\n  public_name = X\n  client_send = b\n', 'two client authenticators (a and b) have the same public name (X)'],
  ['two cram_md5 with only client_name are no clients', 'begin authenticators\na:\n  driver = cram_md5\n  public_name = X\n  client_name = s\nb:\n  driver = cram_md5\n  public_name = X\n  client_name = s\n', undefined],
  ['a cram_md5 without public_name', 'begin authenticators\na:\n  driver = cram_md5\n  server_secret = x\n', 'no public name specified for the a authenticator'],
  ['a cram_md5 with an empty public_name', 'begin authenticators\na:\n  driver = cram_md5\n  public_name =\n', undefined],
  ['trusted_users is expanded as Exim starts', 'trusted_users = ${if eq{a}{a}{root}{}}\n', undefined],
  ['never_users with an expanded item', 'never_users = root:${if eq{a}{a}{mail}{}}\n', undefined],
  ['trusted_users starting with a colon: an empty user', 'trusted_users = :root\n', 'user  was not found'],
  ['trusted_users with an empty item between spaces', 'trusted_users = root : : mail\n', 'user  was not found'],
  ['trusted_users ending with a colon: no empty item', 'trusted_users = root :\n', undefined],
  ['trusted_users with a doubled colon: one user "root:mail"', 'trusted_users = root::mail\n', 'user root:mail was not found'],
  ['trusted_groups ending with a doubled colon', 'trusted_groups = mail::\n', 'group mail: was not found'],
  ['exim_user is one name, not a list', 'exim_user = root:mail\n', 'user root:mail was not found'],
  ['a comment after exim_user is part of the name', 'exim_user = Debian-exim # run as\n', 'user Debian-exim # run as was not found'],
  ['a comment after never_users is part of the last name', 'never_users = root # system\n', 'user root # system was not found'],
  ['a comment after a router user is part of the name', router('driver = accept', 'transport = t', 'user = mail # x'), 'user mail # x was not found'],
  ['trusted_users with another separator', 'trusted_users = <; root ; mail\n', undefined],
  ['headers_rewrite with an empty rule', transport('driver = smtp', 'headers_rewrite = :'), 'missing rewrite replacement string'],
  ['headers_rewrite starting with an empty rule', transport('driver = smtp', 'headers_rewrite = : a@b c@d'), 'missing rewrite replacement string'],
  ['headers_rewrite ending with a colon', transport('driver = smtp', 'headers_rewrite = a@b c@d :'), undefined],
  ['admin_groups with an unknown variable', 'admin_groups = $nosuchvar\n', 'failed to expand admin_groups: unknown variable name "nosuchvar"'],
  ['spool_directory with a broken expansion', 'spool_directory = ${if eq{a}{b}\n', 'failed to expand spool_directory'],
  ['pid_file_path with an unknown operator', 'pid_file_path = ${nosuch:x}\n', 'failed to expand pid_file_path'],
  ['smtp_active_hostname with an unknown variable', 'smtp_active_hostname = $nosuchvar\n', 'unknown variable name "nosuchvar"'],
  ['localhost_number with an unknown variable', 'localhost_number = $nosuchvar\n', 'failed to expand localhost_number'],
  ['log_file_path with a variable and no "%s"', 'log_file_path = /var/log/exim4/$primary_hostname.log\n', 'does not contain "%s"'],
  ['log_file_path with a variable and "%s"', 'log_file_path = /var/log/exim4/$primary_hostname-%slog\n', undefined],
  ['spool_directory of two quotes', 'spool_directory = ""\n', 'spool_directory undefined: cannot proceed'],
  ['spool_directory of a quoted space', 'spool_directory = " "\n', undefined],
  // A value Exim refuses only when it evaluates the item, in an option it expands as it starts.
  ['spool_directory with a relative lookup file', 'spool_directory = ${lookup{spool}lsearch{etc/exim-dirs}}\n', 'failed to expand spool_directory'],
  ['spool_directory with an hmac algorithm Exim does not know', 'spool_directory = /var/spool/${hmac{sha256}{a}{b}}\n', 'hmac algorithm "sha256" is not'],
  ['localhost_number with a lookup file name in white space', 'localhost_number = ${lookup{x}lsearch{ /etc/hosts}{1}{2}}\n', 'failed to expand localhost_number'],
  ['spool_directory with a relative lookup file in a branch never taken', 'spool_directory = ${if eq{a}{b}{${lookup{spool}lsearch{etc/x}}}{/var/spool/exim4}}\n', undefined],
  ['a quoted start-up expansion with \\\\N regex quotes', 'smtp_active_hostname = "${if match{abc}{\\\\N^a(b)c$\\\\N}{$1}}"\n', undefined],
  ['a quoted start-up expansion with an escaped dollar', 'smtp_active_hostname = "\\\\$nosuch"\n', undefined],
  ['a quoted start-up expansion with a dollar written \\x24', 'smtp_active_hostname = "\\x24nosuch"\n', 'unknown variable name "nosuch"'],
  ['bare variable prefixes $acl_c, $acl_m, $r_ and $h_', 'smtp_active_hostname = $acl_c$acl_m$r_$h_\n', undefined],
  ['$acl_ followed by a letter', 'smtp_active_hostname = $acl_cx\n', 'unknown variable name "acl_cx"'],
  ['$sender_rate_ is no family', 'smtp_active_hostname = $sender_rate_x\n', 'unknown variable name "sender_rate_x"'],
  ['numbered operators with an empty number', 'smtp_active_hostname = ${l_:abc}${s_:abc}${h_:abc}\n', undefined],
  ['sha2 with a digest length Exim has not', 'smtp_active_hostname = ${sha2_224:abc}\n', 'unrecognised sha2 variant'],
  ['sha3 with a 224-bit digest', 'smtp_active_hostname = ${sha3_224:abc}\n', undefined],
  ['a begin in a skipped branch changes no section (1)', 'begin acl\nx:\n  accept\n.ifdef NOPE\nbegin retry\n* * F,1h,10m\n.endif\ny:\n  deny\n', undefined],
  ['a begin in a skipped branch changes no section (2)', '.ifdef NOPE\nbegin acl\n.endif\nx:\n  accept\n', 'main option "x" unknown'],
  ['a begin in a skipped branch changes no section (3)', 'begin acl\n.ifdef NOPE\nbegin rewrite\n.endif\nx:\n  bogus\n', 'unknown ACL verb "bogus"'],
  ['text after an ACL name is accepted (and ignored)', 'begin acl\nx: accept hosts = :\ny:  # comment\n  accept\n', undefined],
  ['.include of /dev/null', '.include /dev/null\n', undefined],
  ['.include of a directory', '.include /etc\n', undefined],
  ['.include with no path', '.include\n', undefined],
  ['.include_if_exists with no path', '.include_if_exists\n', '.include specifies a non-absolute path ""'],
  ['a quoted rewrite key with a hex escape and the S flag', 'begin rewrite\n"\\x5E(.*)@old\\.example$"  $1@new.example  S\n', undefined],
  ['a quoted rewrite key with \\N, which dequotes to N, and the S flag', 'begin rewrite\n"\\N^a"  $1@new.example  S\n', 'rewrite rule has the S flag but is not a regular expression'],
  ['a macro name that contains a built-in macro name', 'REMOTE_SMTP_DKIM_SIGN_HEADERS = From:To\n', 'previously defined macro "_DKIM_SIGN_HEADERS" is a substring'],
  ['a macro name that contains a built-in name without its underscore', 'MAIN_TLS_ENABLE = yes\nHAVE_TLS = 1\n', undefined],
  ['begin followed by a tab', 'begin\tacl\n', 'main option "begin" unknown'],
  ['begin followed by a tab in the ACL section', 'begin acl\nbegin\trouters\n', 'missing or malformed ACL name'],
  ['a local_scan section', 'begin local_scan\n', 'local_scan() options not supported'],
  ['a local_scan section in a skipped branch', '.ifdef NOPE\nbegin local_scan\n.endif\n', undefined],
  ['a quoted named list value with text after it', 'domainlist local_domains = "example.com" : localhost\n', 'extra characters follow string value for local_domains'],
  ['a quoted named list value', 'hostlist h = "192.0.2.1 : 192.0.2.2"\n', undefined],
  ['a negated ACL verb', 'begin acl\nx:\n!accept hosts = :\n', 'malformed ACL line "!accept hosts = :"'],
  ['a negated name and a colon in an ACL', 'begin acl\nx:\n  accept\n  !hosts : x\n', 'missing or malformed ACL name'],
  ['a negated condition first in an ACL', 'begin acl\nx:\n!hosts = x\n', 'unknown ACL verb "hosts" in "!hosts = x"'],
  ['an integer with a T suffix and no value', 'remote_max_parallel = 0T\n', undefined],
  ['an integer with a T suffix', 'smtp_accept_max = 1T\n', 'absolute value of integer "1T" is too large (overflow)'],
  ['an octal mode of 0T', transport('driver = appendfile', 'file = /tmp/x', 'mode = 0T'), undefined],
  ['check_spool_space in Z', 'check_spool_space = 7Z\n', undefined],
  ['check_spool_space beyond 64 bits', 'check_spool_space = 8Z\n', 'absolute value of integer "8Z" is too large (overflow)'],
  ['a fixed-point value whose low 32 bits are zero', 'queue_only_load = -4294967296\n', undefined],
  ['a fixed-point value whose low 32 bits are negative', 'queue_only_load = 2147483648\n', 'integer "2147483648" is too large (overflow)'],
  ['a string ending in an escaped quote', 'primary_hostname = "abc\\"\n', undefined],
  ['a user written with an escaped dollar', transport('driver = appendfile', 'file = /tmp/x', 'user = "\\x24local_part"'), undefined],
  ['pipe temp_errors with empty items', transport('driver = pipe', 'command = /bin/true', 'temp_errors = 75::73'), undefined],
  ['pipe temp_errors with a tab', transport('driver = pipe', 'command = /bin/true', 'temp_errors = "75\\t"'), 'temp_errors must be a list of numbers or an asterisk for the t transport'],
  ['delay_warning with a blank before a colon', 'delay_warning = 1h junk :2h\n', undefined],
  ['delay_warning with junk in its last item', 'delay_warning = 1h:2h junk\n', 'invalid time value for delay_warning'],
  ['log_selector with a selector that starts with a digit', 'log_selector = +8bitmime\n', undefined],
  ['pipe with a negative numeric user and no group', transport('driver = pipe', 'command = /bin/true', 'user = -1'), 'user set without group for the t transport'],
  ['smtp with a command_timeout that wraps to zero', transport('driver = smtp', 'command_timeout = 4294967296s'), 'command, data, or final timeout value is zero for t transport'],
  ['a time beyond 2^31-1 seconds', 'auto_thaw = 3551w\n', 'invalid time value for auto_thaw'],
  ['keep_environment with a broken regular expression', 'keep_environment = A : ^(\n', 'regular expression error: missing closing parenthesis'],
  ['keep_environment with a regular expression and a doubled colon', 'keep_environment = ^(x::y) : B\n', undefined],
  ['no_ on a router option that is not a boolean', router('driver = accept', 'transport = t', 'no_self'), 'negation prefix applied to a non-boolean option'],
  ['no_ on a main option that is not a boolean', 'no_smtp_ratelimit_mail = true\n', 'negation prefix applied to a non-boolean option'],
  ['errors_reply_to with two addresses', 'errors_reply_to = a@b.example, c@d.example\n', 'malformed address: , c@d.example may not follow a@b.example'],
  ['errors_reply_to without a local part', 'errors_reply_to = @b.example\n', 'no local part'],
  ['errors_reply_to with "<" and no ">"', 'errors_reply_to = Postmaster <a@b.example\n', "'>' missing at end of address"],
  ['errors_reply_to with an underscore in the domain', 'errors_reply_to = a@b_c.example\n', 'malformed address: _c.example may not follow a@b'],
  ['errors_reply_to with a name, a route address and a comment', 'errors_reply_to = Jo Bloggs <jo@b.example> (the postmaster)\n', undefined],
  ['errors_reply_to with white space around "@"', 'errors_reply_to = postmaster @ example.org\n', undefined],
  ['errors_reply_to with a source route', 'errors_reply_to = <@relay.example:postmaster@example.org>\n', undefined],
  ['errors_reply_to with a backslash in the local part', 'errors_reply_to = a\\@b@c.example\n', undefined],
  ['errors_reply_to that is only a comment', 'errors_reply_to = (postmaster@example.org)\n', 'empty address'],
  ['errors_reply_to with a domain literal', 'errors_reply_to = <postmaster@[192.0.2.1]>\n', 'domain literals not allowed'],
  ['errors_reply_to with a domain literal allowed', 'allow_domain_literals\nerrors_reply_to = <postmaster@[192.0.2.1]>\n', undefined],
  ['errors_reply_to with a bare domain literal', 'errors_reply_to = postmaster@[192.0.2.1]\n', undefined],
  // localhost_number: any negative number, white space alone (0), and the expansion's escapes.
  ['negative localhost_number', 'localhost_number = -17\n', undefined],
  ['localhost_number of white space', 'localhost_number = " "\n', undefined],
  ['localhost_number written with an octal escape', 'localhost_number = \\063\n', undefined],
  ['localhost_number written with an octal escape, too large', 'localhost_number = \\061\\067\n', 'localhost_number is greater than the maximum allowed value (16)'],
  ['log_file_path with "%s" written as an escape', 'log_file_path = /var/log/exim4/\\x25slog\n', undefined],
  ['iplookup with a negative port', router('driver = iplookup', 'port = -1', 'hosts = localhost'), 'a port must be specified'],
  ['iplookup with port 0', router('driver = iplookup', 'port = -0', 'hosts = localhost'), undefined],
  ['smtp_accept_max written 0x0 with smtp_accept_queue', 'smtp_accept_max = 0x0\nsmtp_accept_queue = 5\n', 'smtp_accept_max must be set if smtp_accept_queue or smtp_accept_max_per_host is set'],
  ['smtp_accept_max 0 with an empty smtp_accept_max_per_host', 'smtp_accept_max = 0\nsmtp_accept_max_per_host =\n', 'smtp_accept_max must be set if smtp_accept_queue or smtp_accept_max_per_host is set'],
  ['smtp_accept_max 0 with a negative smtp_accept_queue', 'smtp_accept_max = 0\nsmtp_accept_queue = -5\n', undefined],
  ['tls_dh_max_bits of 0K', 'tls_dh_max_bits = 0K\n', 'tls_dh_max_bits is too small, must be at least 1024 for interop'],
  ['tls_dh_max_bits of 2K', 'tls_dh_max_bits = 2K\n', undefined],
  ['primary_hostname is expanded only when used', 'primary_hostname = $nosuchvar\n', undefined],
  ['redirect owners is expanded as Exim starts', router('driver = redirect', 'data = x@example.org', 'check_owner', 'owners = ${if eq{a}{a}{root}{}}'), undefined],
  ['redirect owngroups with an unknown variable', router('driver = redirect', 'data = x@example.org', 'check_owner', 'owngroups = $nosuchvar'), 'failed to expand owngroups: unknown variable name "nosuchvar"'],
  ['queryprogram command_user with a "$" is looked up when used', router('driver = queryprogram', 'command = /bin/true', 'command_user = $nosuchvar'), undefined],
  ['uucp_from_pattern with an unclosed group', 'uucp_from_pattern = ^From (\\S+\n', 'regular expression error: missing closing parenthesis'],
  ['uucp_from_pattern, quoted, with an escaped parenthesis', 'uucp_from_pattern = "^From \\\\(x"\n', undefined],
  ['gecos_pattern with gecos_name and an unterminated class', 'gecos_pattern = ^[^,\ngecos_name = $1\n', 'regular expression error: missing terminating ] for character class'],
  ['gecos_pattern without gecos_name is not compiled', 'gecos_pattern = (\n', undefined],
  ['iplookup response_pattern with a quantifier at the start', router('driver = iplookup', 'port = 25', 'hosts = localhost', 'response_pattern = *x'), 'regular expression error: quantifier does not follow a repeatable item'],
  ['iplookup response_pattern with numbers out of order', router('driver = iplookup', 'port = 25', 'hosts = localhost', 'response_pattern = ^a{3,2}'), 'regular expression error: numbers out of order in {} quantifier'],
  ['Exim\'s own dns_check_names_pattern default as uucp_from_pattern', 'uucp_from_pattern = (?i)^(?>(?(1)\\.|())[^\\W](?>[a-z0-9/_-]*[^\\W])?)+(\\.?)$\n', undefined],
  ['appendfile with every lock turned off', transport('driver = appendfile', 'file = /tmp/x', 'mbx_format', 'use_fcntl_lock = false', 'no_use_lockfile'), 'no locking configured'],
  ['appendfile with only the mbx lock', transport('driver = appendfile', 'directory = /tmp/d', 'use_fcntl_lock = false', 'use_lockfile = false', 'use_mbx_lock'), undefined],
  ['appendfile with only flock', transport('driver = appendfile', 'file = /tmp/x', 'use_fcntl_lock = false', 'use_lockfile = false', 'use_flock_lock'), undefined],
  // A no-break space is not white space to Exim (C's isspace()): it stays in the value.
  ['a driver name ending with a no-break space', router('driver = accept\u00a0', 'transport = t'), 'cannot find router driver "accept\u00a0"'],
  ['syslog_facility ending with a no-break space', 'syslog_facility = mail\u00a0\n', 'failed to interpret syslog_facility "mail\u00a0"'],
  ['log_selector ending with a no-break space', 'log_selector = +all\u00a0\n', 'malformed log_selector setting: + or - expected but found "\u00a0"'],
  ['qualify_domain ending with a no-break space', 'qualify_domain = example.org\u00a0\n', undefined],
  // Built-in macros are "y", except a few such as _DKIM_SIGN_HEADERS, a list of header names.
  ['a built-in macro with a value of its own, in a boolean', 'split_spool_directory = _DKIM_SIGN_HEADERS\n', '"From" is not a valid value for the "split_spool_directory" option'],
  ['a built-in macro at the start of a line', '_DKIM_SIGN_HEADERS = 1\n', 'malformed macro definition'],
  ['_HAVE_TLS at the start of a line is "y"', '_HAVE_TLS = 1\n', 'main option "y" unknown'],
  // A byte order mark at the start of the file, before a comment too.
  ['a byte order mark', '\ufeffprimary_hostname = example.org\n', 'found unexpected BOM (Byte Order Mark)'],
  ['a byte order mark before a comment', '\ufeff# settings\nprimary_hostname = example.org\n', 'found unexpected BOM (Byte Order Mark)'],
  // Continued lines, as Exim's line buffer ends them.
  ['a blank line after "x\\\\" goes on with the next line', 'begin acl\na:\n  accept\\\\\n\n', undefined],
  ['a blank line after "x\\\\" in the main section joins "begin acl"', 'qualify_domain = example.org\\\\\n\nbegin acl\na:\n  accept\n', 'main option "a" unknown'],
  ['a lone backslash at the start of a line, then a comment', 'begin acl\na:\n\\\n# c\n', undefined],
  ['an indented lone backslash at the end: an empty line', 'begin acl\na:\n  accept\n  \\\n', 'unknown ACL condition/modifier in ""'],
  ['an indented lone backslash at the end of the main section', 'qualify_domain = x\n  \\\n', 'option setting expected'],
  ['a continued line, then .ifdef and .endif at the end', 'begin acl\na:\n  accept \\\n.ifdef X\n.endif\n', 'unknown ACL condition/modifier in "accept .endif'],
  ['a quoted driver name', router('driver = "accept"', 'transport = t').replace('driver = smtp', 'driver = "pipe"\n  command = /bin/cat'), undefined],
  ['pipe_as_creator with a user', transport('driver = pipe', 'command = /bin/cat', 'pipe_as_creator', 'user = $local_part'), 'both pipe_as_creator and an explicit uid/gid are set for the t transport'],
  ['pipe_as_creator with a numeric user and no group', transport('driver = pipe', 'command = /bin/cat', 'pipe_as_creator', 'user = 0'), 'both pipe_as_creator and an explicit uid/gid are set for the t transport'],
  ['pipe_as_creator turned off, with a user and group', transport('driver = pipe', 'command = /bin/cat', 'pipe_as_creator = false', 'user = mail', 'group = mail'), undefined],
  ['two cyrus_sasl authenticators with one public name', 'begin authenticators\na:\n  driver = cyrus_sasl\n  public_name = PLAIN\nb:\n  driver = cyrus_sasl\n  public_name = plain\n', 'two server authenticators (a and b) have the same public name (PLAIN)'],
  ['a cyrus_sasl and a plaintext client with one public name', 'begin authenticators\na:\n  driver = cyrus_sasl\n  public_name = PLAIN\nb:\n  driver = plaintext\n  public_name = PLAIN\n  client_send = x\n', undefined],
  ['a cyrus_sasl authenticator without public_name', 'begin authenticators\na:\n  driver = cyrus_sasl\n  server_mech = PLAIN\n', 'no public name specified for the a authenticator'],
  ['cyrus_sasl server_realm is expanded as Exim starts', 'begin authenticators\na:\n  driver = cyrus_sasl\n  public_name = PLAIN\n  server_realm = $nosuch\n', 'unknown variable name "nosuch"'],
  ['cyrus_sasl server_service is not', 'begin authenticators\na:\n  driver = cyrus_sasl\n  public_name = PLAIN\n  server_service = ${lc:x\n', undefined],
  ['a boolean set again with no_', transport('driver = pipe', 'command = /bin/cat', 'use_shell', 'no_use_shell'), '"no_use_shell" option set for the second time'],
  ['a main boolean set again with not_', 'split_spool_directory\nnot_split_spool_directory\n', '"not_split_spool_directory" option set for the second time'],
  ['a router name starting with a digit', router('driver = accept', 'transport = t').replace('r:', '1r:'), 'router name missing'],
  // With two faults, the one Exim names first.
  ['redirect with a transport and neither file nor data', router('driver = redirect', 'transport = t'), 'one of "file" or "data" must be specified'],
  ['manualroute with a bad self and a bad host_all_ignored', router('driver = manualroute', 'route_list = * h.example', 'transport = t', 'self = x', 'host_all_ignored = x'), 'unrecognized setting for host_all_ignored option'],
  ['accept with no transport and a bad self', 'begin routers\nr:\n  driver = accept\n  self = x\n', 'a transport is required for this router'],
  ['pipe with a numeric user and restrict_to_path with use_shell', transport('driver = pipe', 'command = /bin/cat', 'user = 0', 'restrict_to_path', 'use_shell'), 'user set without group for the t transport'],
  ['pipe with temp_errors and return_output faults', transport('driver = pipe', 'command = /bin/cat', 'temp_errors = x', 'return_output', 'return_fail_output'), 'temp_errors must be a list of numbers or an asterisk'],
  // Names longer than Exim's 64-byte buffer.
  ['an ACL condition name of 64 characters', `begin acl\nx:\n  accept ${'a'.repeat(64)} = 1\n`, 'exim item name too long (>64), unable to use "' + 'a'.repeat(63) + '" (truncated)'],
  ['an ACL verb of 64 characters', `begin acl\nx:\n  ${'a'.repeat(64)}\n`, 'exim item name too long (>64)'],
  ['a router option name of 64 characters', router('driver = accept', 'transport = t', `${'a'.repeat(64)} = 1`), 'exim item name too long (>64)'],
  ['a main option name of 64 characters, named by 63', `${'a'.repeat(64)} = 1\n`, `main option "${'a'.repeat(63)}" unknown`],
  ['a negated modifier without "=": the negation is what Exim refuses', 'begin acl\nx:\n  accept ! set acl_m0 : yes\n', 'negation is not allowed with "set"'],
  ['set dkim_verify_status', 'begin acl\na:\n  accept set dkim_verify_status = none\n', undefined],
  ['set dkim_verify_reason with no space before "="', 'begin acl\na:\n  accept set dkim_verify_reason=x\n', undefined],
  ['set dkim_verify_status_x: the name is 18 characters, then "=" is missing', 'begin acl\na:\n  accept set dkim_verify_status_x = 1\n', '"=" missing after ACL "set" modifier'],
  ['set dkim_verify_status-x', 'begin acl\na:\n  accept set dkim_verify_status-x = 1\n', '"=" missing after ACL "set" modifier'],
  ['set dkim_verify_statusx', 'begin acl\na:\n  accept set dkim_verify_statusx = 1\n', 'only "dkim_verify_status" or "dkim_verify_reason" permitted'],
];

describe('driver and main set-up checks against exim -bV', () => {
  CASES.forEach(([name, text, refusal], i) => {
    test(name, (t) => {
      const exim = requireExim(t);
      if (!exim) return;
      const path = join(dir, `${i}.conf`);
      writeFileSync(path, text);
      const verdict = eximValidate(path, exim);
      const errors = lintPath(path, nodeHost()).findings.filter((f) => f.severity === 'error');
      if (refusal === undefined) {
        assert.ok(verdict.ok, `exim refuses it: ${verdict.message}`);
        assert.deepEqual(errors.map((f) => `${f.code}: ${f.message}`), []);
      } else {
        assert.ok(!verdict.ok && verdict.message?.includes(refusal), `exim: ${verdict.ok ? 'accepted' : verdict.message}`);
        assert.ok(errors.some((f) => f.message.includes(refusal)), JSON.stringify(errors.map((f) => f.message)));
      }
    });
  });

  test('a quoted hosts_require_tls = "*" requires TLS for every host, as Exim reads it', (t) => {
    const exim = requireExim(t);
    if (!exim) return;
    const path = join(dir, 'quoted-require.conf');
    writeFileSync(path, router('driver = dnslookup', 'transport = t').replace('  driver = smtp', '  driver = smtp\n  hosts_require_tls = "*"\n  tls_tempfail_tryclear = false'));
    assert.ok(eximValidate(path, exim).ok);
    assert.deepEqual(lintPath(path, nodeHost()).findings.filter((f) => f.code.startsWith('tls-')).map((f) => f.message), []);
  });
});

test('a cyrus_sasl authenticator with neither public_name nor server_mech crashes Exim, and is reported as an error', (t) => {
  const exim = requireExim(t);
  if (!exim) return;
  const dir = mkdtempSync(join(tmpdir(), 'exim-cyrus-sasl-'));
  try {
    const path = join(dir, 'exim.conf');
    writeFileSync(path, 'begin authenticators\nfoo:\n  driver = cyrus_sasl\n');
    const r = spawnSync(exim, ['-C', path, '-bV'], { encoding: 'utf8', timeout: 30_000 });
    assert.match(r.stdout + r.stderr, /SIGSEGV/);
    const [f] = lintPath(path, nodeHost()).findings.filter((x) => x.code === 'driver-requirements');
    assert.equal(f.severity, 'error');
    assert.match(f.message, /crashes \(SIGSEGV\)/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a line ends at a NUL byte for Exim: what follows it is ignored, and reported', (t) => {
  const exim = requireExim(t);
  if (!exim) return;
  const dir = mkdtempSync(join(tmpdir(), 'exim-nul-'));
  try {
    const path = join(dir, 'exim.conf');
    for (const [text, hostname, reported] of [
      ['primary_hostname = ab\0cd\n', 'ab', true],
      ['\0\nprimary_hostname = ab\n', 'ab', false],
      ['primary_hostname = ab \\\n\0zz\nqualify_domain = q.example\n', 'ab', true],
    ] as const) {
      writeFileSync(path, text);
      const r = spawnSync(exim, ['-C', path, '-bP', 'primary_hostname'], { encoding: 'utf8', timeout: 30_000 });
      assert.match(r.stdout, new RegExp(`^primary_hostname = ${hostname}$`, 'm'), r.stdout + r.stderr);
      const findings = lintPath(path, nodeHost()).findings;
      assert.deepEqual(findings.filter((f) => f.severity === 'error').map((f) => f.message), [], JSON.stringify(text));
      assert.equal(findings.some((f) => f.code === 'nul-byte'), reported, JSON.stringify(text));
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
