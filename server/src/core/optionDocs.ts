// One-line descriptions of the most used Exim options, in our own words, and links to
// the chapter of the Exim 4.96 specification that documents each option. Options not
// described here still show their type, default and scope from the option table.
import { OptionInfo, OptionSectionKind } from './options';

export const SPEC_BASE = 'https://www.exim.org/exim-html-4.96/doc/html/spec_html/';

const SINGULAR: Record<Exclude<OptionSectionKind, 'main'>, string> = { routers: 'router', transports: 'transport', authenticators: 'authenticator' };

/** The chapter of the specification for a section's options, or a driver's private ones. */
export function specChapter(section: OptionSectionKind, driver?: string): string {
  if (section === 'main') return `${SPEC_BASE}ch-main_configuration.html`;
  if (driver) return `${SPEC_BASE}ch-the_${driver.replace(/_/g, '')}_${SINGULAR[section]}.html`;
  if (section === 'authenticators') return `${SPEC_BASE}ch-smtp_authentication.html`;
  return `${SPEC_BASE}ch-generic_options_for_${section}.html`;
}

export const SPEC_CHAPTERS = {
  acl: `${SPEC_BASE}ch-access_control_lists.html`,
  retry: `${SPEC_BASE}ch-retry_configuration.html`,
  rewrite: `${SPEC_BASE}ch-address_rewriting.html`,
  expansions: `${SPEC_BASE}ch-string_expansions.html`,
  lists: `${SPEC_BASE}ch-domain_host_address_and_local_part_lists.html`,
  configFile: `${SPEC_BASE}ch-the_exim_runtime_configuration_file.html`,
  tls: `${SPEC_BASE}ch-encrypted_smtp_connections_using_tlsssl.html`,
  localScan: `${SPEC_BASE}ch-adding_a_local_scan_function_to_exim.html`,
} as const;

/** "main option", "generic router option", "private option of the smtp transport". */
export function scopeText(section: OptionSectionKind, info: OptionInfo): string {
  if (section === 'main') return 'main configuration option';
  if (info.scope === 'generic') return `generic ${SINGULAR[section]} option`;
  return `private option of the ${info.driver} ${SINGULAR[section]}`;
}

/**
 * Descriptions by key: `main:name`, `<section>:name` for generic driver options and
 * `<section>/<driver>:name` for private ones (section = routers, transports, authenticators).
 */
const DESCRIPTIONS: Record<string, string> = {
  // --- main: identity and listening
  'main:primary_hostname': 'Fully qualified name of this host, used in EHLO, Received: headers and as the default qualify domain.',
  'main:qualify_domain': 'Domain added to unqualified sender addresses (and to recipients unless qualify_recipient is set).',
  'main:qualify_recipient': 'Domain added to unqualified recipient addresses; defaults to qualify_domain.',
  'main:local_interfaces': 'IP addresses (optionally with .port) the daemon listens on.',
  'main:daemon_smtp_ports': 'Ports the daemon listens on for interfaces that name no port.',
  'main:smtp_banner': 'Text of the greeting line sent to connecting clients (expanded).',
  'main:exim_user': 'User Exim runs as when it does not need root.',
  'main:exim_group': 'Group Exim runs as when it does not need root.',
  'main:never_users': 'Users that deliveries are never run as (root belongs here).',
  'main:trusted_users': 'Users allowed to set the sender and other message details on the command line.',
  'main:trusted_groups': 'Groups whose members may set the sender and other message details on the command line.',
  'main:spool_directory': 'Directory holding Exim’s message queue, hints databases and (by default) logs.',
  'main:log_file_path': 'Where log files go: a path with %s for the log name, and/or "syslog".',
  'main:log_selector': 'Adds (+name) or removes (-name) items from what is logged.',
  'main:message_size_limit': 'Largest message accepted; larger ones are rejected. 0 means no limit.',
  'main:smtp_accept_max': 'Maximum number of simultaneous incoming SMTP connections.',
  'main:remote_max_parallel': 'How many remote deliveries of one message may run in parallel.',
  'main:queue_only': 'Do not deliver on arrival; leave messages for the next queue run.',
  'main:host_lookup': 'Clients whose host name is looked up from their IP address.',
  'main:rfc1413_hosts': 'Clients to which an ident (RFC 1413) call is made; usually best left empty.',
  'main:system_filter': 'A filter file applied to every message before routing.',
  'main:ignore_bounce_errors_after': 'How long an undeliverable bounce message stays frozen before it is discarded.',
  'main:timeout_frozen_after': 'Frozen messages older than this are failed (bounced or discarded).',
  'main:keep_environment': 'Environment variables kept from the caller; everything else is removed.',
  'main:disable_ipv6': 'Do not use IPv6 at all, even when it is available.',
  'main:dns_dnssec_ok': 'Ask the resolver for DNSSEC data (needed for DANE).',
  'main:received_header_text': 'Template of the Received: header added to each message.',
  'main:recipient_unqualified_hosts': 'Clients allowed to send unqualified recipient addresses.',
  'main:sender_unqualified_hosts': 'Clients allowed to send unqualified sender addresses.',
  'main:helo_try_verify_hosts': 'Clients whose HELO/EHLO name is checked when asked for in an ACL.',
  'main:split_spool_directory': 'Spread the queue over 62 subdirectories (for large queues).',
  'main:av_scanner': 'Which virus scanner the malware ACL condition talks to, and how.',
  'main:spamd_address': 'Where the spam ACL condition finds SpamAssassin (spamd) or rspamd.',
  // --- main: ACLs
  'main:acl_smtp_connect': 'ACL run when a client connects, before the greeting.',
  'main:acl_smtp_helo': 'ACL run for HELO and EHLO.',
  'main:acl_smtp_mail': 'ACL run for MAIL FROM.',
  'main:acl_smtp_rcpt': 'ACL run for each RCPT TO. When unset, every recipient from SMTP is refused.',
  'main:acl_smtp_predata': 'ACL run for the DATA command, before the message is sent.',
  'main:acl_smtp_data': 'ACL run after the whole message has been received.',
  'main:acl_smtp_mime': 'ACL run for each MIME part of a received message.',
  'main:acl_smtp_dkim': 'ACL run for each DKIM signer of a received message.',
  'main:acl_smtp_auth': 'ACL run for the AUTH command.',
  'main:acl_smtp_starttls': 'ACL run for the STARTTLS command.',
  'main:acl_smtp_quit': 'ACL run for QUIT (cannot refuse anything; for logging and cleanup).',
  'main:acl_smtp_notquit': 'ACL run when a connection ends without QUIT.',
  'main:acl_smtp_vrfy': 'ACL run for VRFY. When unset, VRFY is refused.',
  'main:acl_smtp_expn': 'ACL run for EXPN. When unset, EXPN is refused.',
  'main:acl_smtp_etrn': 'ACL run for ETRN. When unset, ETRN is refused.',
  'main:acl_not_smtp': 'ACL run for messages not received over SMTP (e.g. from the command line).',
  // --- main: TLS and AUTH for incoming connections
  'main:tls_advertise_hosts': 'Clients to which STARTTLS is offered (all by default); an empty list turns incoming TLS off.',
  'main:tls_certificate': 'Server certificate (PEM file, may include the chain) for incoming TLS.',
  'main:tls_privatekey': 'Private key of tls_certificate; unset means the key is in the certificate file.',
  'main:tls_require_ciphers': 'Restricts the ciphers offered to clients (an OpenSSL cipher string or GnuTLS priority string).',
  'main:tls_verify_certificates': 'CA certificates used to check client certificates ("system" for the system store).',
  'main:tls_verify_hosts': 'Clients that must present a certificate that verifies, or the connection is refused.',
  'main:tls_try_verify_hosts': 'Clients asked for a certificate; the result is in $tls_in_certificate_verified, nothing is refused.',
  'main:tls_on_connect_ports': 'Ports where TLS starts at once, without STARTTLS (submissions on 465).',
  'main:tls_dhparam': 'Diffie-Hellman parameters for the server: a file, a built-in name, or "none".',
  'main:tls_ocsp_file': 'File with a stapled OCSP response for the server certificate.',
  'main:tls_crl': 'Certificate revocation lists used when checking client certificates.',
  'main:tls_resumption_hosts': 'Clients for which TLS session resumption is offered.',
  'main:tls_eccurve': 'Elliptic curve(s) for ECDH key exchange on incoming TLS.',
  'main:openssl_options': 'OpenSSL option flags (+name/-name), e.g. to disable old protocol versions.',
  'main:auth_advertise_hosts': 'Clients to which AUTH is offered. Advertise it only over TLS so that passwords are never sent in clear.',
  // --- generic router options
  'routers:driver': 'Which router driver this instance uses.',
  'routers:transport': 'Transport that delivers the addresses this router accepts.',
  'routers:domains': 'Run this router only for recipient domains in this list.',
  'routers:local_parts': 'Run this router only for local parts in this list.',
  'routers:senders': 'Run this router only for senders in this list.',
  'routers:condition': 'Run this router only if this expands to a true value.',
  'routers:more': 'When false (no_more), an address this router declines is not passed to later routers.',
  'routers:verify': 'Also use this router when verifying addresses.',
  'routers:verify_only': 'Use this router only when verifying addresses, never for delivery.',
  'routers:check_local_user': 'Run this router only if the local part is a local user account.',
  'routers:require_files': 'Run this router only if these files exist (and have the given owners).',
  'routers:unseen': 'Deliver a copy and pass the address on to the following routers as well.',
  'routers:self': 'What to do when the lowest MX host is this machine.',
  'routers:errors_to': 'Where bounces for addresses handled by this router go.',
  'routers:headers_add': 'Header lines added to messages delivered through this router.',
  'routers:headers_remove': 'Header lines removed from messages delivered through this router.',
  'routers:address_data': 'Data looked up for the address, available later as $address_data.',
  'routers:pass_router': 'Router at which processing continues when this one answers "pass".',
  'routers:redirect_router': 'Router at which new addresses generated by this one start.',
  'routers:ignore_target_hosts': 'Hosts removed from the routing result, as if they did not exist.',
  'routers:fallback_hosts': 'Hosts tried when delivery to the routed hosts fails temporarily.',
  'routers:local_part_suffix': 'Suffixes removed from local parts before matching (e.g. -*).',
  'routers:local_part_prefix': 'Prefixes removed from local parts before matching.',
  'routers:dnssec_request_domains': 'Domains for which DNSSEC data is requested when routing.',
  'routers:dnssec_require_domains': 'Domains whose DNS answers must be DNSSEC-validated.',
  'routers/manualroute:route_list': 'Semicolon-separated rules "domains hosts [options]" saying where mail goes.',
  'routers/manualroute:route_data': 'Expanded to give "hosts [options]" for the address.',
  'routers/manualroute:host_find_failed': 'What to do when a listed host cannot be found (defer, fail, freeze, ignore, pass, decline).',
  'routers/dnslookup:same_domain_copy_routing': 'Reuse the routing of an address for other addresses in the same domain.',
  'routers/dnslookup:widen_domains': 'Domains appended to a domain that is not found in DNS.',
  'routers/dnslookup:mx_domains': 'Domains that must have MX records.',
  'routers/redirect:data': 'The redirection list (addresses, files, pipes), usually from a lookup.',
  'routers/redirect:file': 'A file holding the redirection list (e.g. ~/.forward).',
  'routers/redirect:allow_fail': 'Allow :fail: items in the redirection data.',
  'routers/redirect:allow_defer': 'Allow :defer: items in the redirection data.',
  'routers/redirect:allow_filter': 'Allow the redirection data to be an Exim or Sieve filter.',
  'routers/redirect:file_transport': 'Transport used for file names in the redirection data.',
  'routers/redirect:pipe_transport': 'Transport used for |command items in the redirection data.',
  'routers/redirect:reply_transport': 'Transport used for automatic replies generated by a filter.',
  'routers/redirect:directory_transport': 'Transport used for directory names in the redirection data.',
  // --- generic transport options
  'transports:driver': 'Which transport driver this instance uses.',
  'transports:headers_add': 'Header lines added to messages delivered by this transport.',
  'transports:headers_remove': 'Header lines removed from messages delivered by this transport.',
  'transports:return_path': 'Replaces the envelope sender for this delivery.',
  'transports:return_path_add': 'Adds a Return-path: header (for final deliveries).',
  'transports:envelope_to_add': 'Adds an Envelope-to: header (for final deliveries).',
  'transports:delivery_date_add': 'Adds a Delivery-date: header (for final deliveries).',
  'transports:user': 'User the delivery runs as (local transports).',
  'transports:group': 'Group the delivery runs as (local transports).',
  'transports:home_directory': 'Home directory for the delivery process.',
  'transports:message_size_limit': 'Larger messages are not delivered by this transport.',
  'transports:transport_filter': 'A command the message is piped through before delivery.',
  'transports:shadow_transport': 'Another local transport that also gets a copy after successful delivery.',
  // --- smtp transport
  'transports/smtp:hosts': 'Hosts to deliver to when the router gave none (or always, with hosts_override).',
  'transports/smtp:hosts_override': 'Use this transport’s hosts even when the router supplied some.',
  'transports/smtp:port': 'Port to connect to (25 by default, 587 for submission, 465 with protocol = smtps).',
  'transports/smtp:protocol': 'smtp, lmtp, or smtps (TLS on connect, for port 465).',
  'transports/smtp:interface': 'Local IP address to send from.',
  'transports/smtp:helo_data': 'Name sent in EHLO/HELO; defaults to $primary_hostname.',
  'transports/smtp:hosts_require_tls':
    'Hosts that must be reached over TLS: if STARTTLS is not offered or the handshake fails, the delivery is deferred instead of sent in clear. Set to * to never send in clear text.',
  'transports/smtp:hosts_avoid_tls': 'Hosts to which TLS is never attempted: mail to them always goes in clear text.',
  'transports/smtp:hosts_verify_avoid_tls': 'Hosts to which TLS is not attempted for callout verification.',
  'transports/smtp:tls_tempfail_tryclear':
    'After a temporary TLS failure with a host not in hosts_require_tls, retry the delivery in clear text (true, the default) or defer it (false). Measured with Exim 4.96: with false, a 454 answer to STARTTLS is retried, not bounced; with hosts_require_tls = * nothing is sent in clear either way.',
  'transports/smtp:tls_verify_certificates': 'CA certificates used to check server certificates ("system" for the system store).',
  'transports/smtp:tls_verify_hosts': 'Hosts whose certificate must verify, or the delivery is deferred.',
  'transports/smtp:tls_try_verify_hosts': 'Hosts whose certificate is checked; the result is logged, nothing is refused.',
  'transports/smtp:tls_verify_cert_hostnames': 'Hosts whose certificate must also match the host name.',
  'transports/smtp:tls_certificate': 'Client certificate to present to servers that ask for one.',
  'transports/smtp:tls_privatekey': 'Private key of the client certificate.',
  'transports/smtp:tls_require_ciphers': 'Restricts the ciphers used for outgoing TLS.',
  'transports/smtp:tls_sni': 'Server name (SNI) sent in the TLS handshake.',
  'transports/smtp:tls_crl': 'Certificate revocation lists used when checking server certificates.',
  'transports/smtp:tls_dh_min_bits': 'Smallest Diffie-Hellman group accepted from a server.',
  'transports/smtp:tls_resumption_hosts': 'Hosts for which TLS sessions are resumed.',
  'transports/smtp:tls_alpn': 'ALPN protocol names offered to servers.',
  'transports/smtp:hosts_require_alpn': 'Hosts that must agree on an ALPN protocol.',
  'transports/smtp:hosts_require_dane': 'Hosts that must pass DANE (TLSA) verification; needs DNSSEC.',
  'transports/smtp:hosts_try_dane': 'Hosts for which DANE is used when TLSA records exist.',
  'transports/smtp:dane_require_tls_ciphers': 'Cipher restriction used instead of tls_require_ciphers for DANE connections.',
  'transports/smtp:hosts_require_ocsp': 'Hosts that must staple a valid OCSP response.',
  'transports/smtp:hosts_request_ocsp': 'Hosts asked to staple an OCSP response.',
  'transports/smtp:hosts_nopass_tls': 'Hosts whose TLS connection is not passed on to a new process for more messages.',
  'transports/smtp:hosts_noproxy_tls': 'Hosts for which TLS is not proxied through the parent process.',
  'transports/smtp:hosts_require_auth': 'Hosts that must accept our AUTH, or delivery fails.',
  'transports/smtp:hosts_try_auth': 'Hosts with which AUTH is tried when offered.',
  'transports/smtp:connect_timeout': 'How long to wait for a connection.',
  'transports/smtp:command_timeout': 'How long to wait for the answer to a command.',
  'transports/smtp:data_timeout': 'How long to wait while sending a block of data.',
  'transports/smtp:max_rcpt': 'Most recipients sent in one message transaction.',
  'transports/smtp:multi_domain': 'Allow recipients in different domains in one transaction.',
  'transports/smtp:allow_localhost': 'Allow delivery to this machine (otherwise a loop is assumed).',
  'transports/smtp:hosts_max_try': 'How many hosts are tried for one delivery.',
  'transports/smtp:hosts_randomize': 'Try the hosts in random order.',
  'transports/smtp:fallback_hosts': 'Hosts tried when delivery to the routed hosts fails temporarily.',
  'transports/smtp:dkim_domain': 'Domain(s) to DKIM-sign outgoing messages for.',
  'transports/smtp:dkim_selector': 'DKIM selector for signing.',
  'transports/smtp:dkim_private_key': 'Private key for DKIM signing.',
  // --- local transports
  'transports/appendfile:file': 'Mailbox file to append the message to.',
  'transports/appendfile:directory': 'Directory to deliver into, one file per message (with maildir_format for Maildir).',
  'transports/appendfile:maildir_format': 'Deliver in Maildir format into directory.',
  'transports/appendfile:create_directory': 'Create missing directories.',
  'transports/appendfile:mode': 'File mode for newly created files.',
  'transports/appendfile:quota': 'Mailbox size limit.',
  'transports/pipe:command': 'Command the message is piped into.',
  'transports/pipe:return_output': 'Treat any output of the command as an error and return it to the sender.',
  'transports/pipe:return_fail_output': 'Return the command’s output to the sender only when it fails.',
  'transports/pipe:path': 'PATH for the command.',
  'transports/pipe:use_shell': 'Run the command through /bin/sh.',
  'transports/pipe:timeout': 'Kill the command if it runs longer than this.',
  'transports/lmtp:socket': 'Unix socket of the LMTP server.',
  'transports/lmtp:command': 'LMTP server command to run and talk to over a pipe.',
  'transports/autoreply:to': 'Recipient of the automatic reply.',
  'transports/autoreply:from': 'Sender of the automatic reply.',
  'transports/autoreply:subject': 'Subject of the automatic reply.',
  'transports/autoreply:text': 'Body text of the automatic reply.',
  'transports/autoreply:once': 'File recording who has been answered, so each sender gets one reply.',
  // --- authenticators
  'authenticators:driver': 'Which authenticator driver this instance uses.',
  'authenticators:public_name': 'Mechanism name used in the AUTH command (e.g. PLAIN, LOGIN).',
  'authenticators:server_condition': 'Expands to true when the client’s credentials are right.',
  'authenticators:server_advertise_condition': 'Offer this mechanism only when this expands to true (e.g. only over TLS).',
  'authenticators:server_set_id': 'Value of $authenticated_id after success (logged).',
  'authenticators:client_condition': 'Use this authenticator as a client only when this expands to true (e.g. only over TLS).',
  'authenticators/plaintext:server_prompts': 'Prompts sent to the client (LOGIN).',
  'authenticators/plaintext:client_send': 'Strings sent as the client, ^ separating the parts of PLAIN.',
  'authenticators/cram_md5:server_secret': 'Expands to the user’s secret for checking the client.',
  'authenticators/cram_md5:client_name': 'User name sent as the client.',
  'authenticators/cram_md5:client_secret': 'Secret used as the client.',
  'authenticators/dovecot:server_socket': 'Dovecot authentication socket.',
  'authenticators/tls:server_param1': 'Value of the client certificate made available for the server_condition.',
};

/** Our description of an option, if we have one. */
export function describeOption(section: OptionSectionKind, info: OptionInfo): string | undefined {
  if (section === 'main') return DESCRIPTIONS[`main:${info.name}`];
  if (info.scope === 'private' && info.driver) return DESCRIPTIONS[`${section}/${info.driver}:${info.name}`];
  return DESCRIPTIONS[`${section}:${info.name}`];
}

/** Every key, for tests. */
export function describedOptionKeys(): string[] {
  return Object.keys(DESCRIPTIONS);
}
