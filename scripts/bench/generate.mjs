// Generates a valid Exim configuration of about `lines` lines: many ACLs, routers,
// transports and retry rules, with macros, named lists, expansions and continuations.
export function generateConfig(lines) {
  // one unit: an ACL (8 lines), a router (6), a transport (6) and a retry rule (1)
  const units = Math.max(1, Math.round(lines / 21));
  const main = [
    '# generated for the benchmark',
    'primary_hostname = bench.example.org',
    'domainlist local_domains = @ : localhost : bench.example.org',
    'hostlist relay_from_hosts = <; 127.0.0.1 ; ::1 ; 192.0.2.0/24',
    'SMTP_PORT = 25',
    'acl_smtp_rcpt = acl_0',
    'tls_advertise_hosts = *',
    'log_selector = +tls_cipher +tls_peerdn \\',
    '  +smtp_protocol_error',
    '',
  ];
  const acl = ['begin acl', ''];
  const routers = ['begin routers', ''];
  const transports = ['begin transports', ''];
  const retry = ['begin retry', ''];
  for (let i = 0; i < units; i++) {
    acl.push(
      `acl_${i}:`,
      '  accept  hosts = :',
      `  deny    domains = +local_domains`,
      '          local_parts = ^[.] : ^.*[@%!/|]',
      `  warn    set acl_m_unit = ${i}`,
      '          condition = ${if eq{$sender_host_address}{192.0.2.' + (i % 250) + '}}',
      '  accept  hosts = +relay_from_hosts',
      '',
    );
    routers.push(
      `route_${i}:`,
      '  driver = manualroute',
      `  domains = d${i}.example.net`,
      `  route_list = * mx${i}.example.net byname`,
      `  transport = smtp_${i}`,
      '',
    );
    transports.push(
      `smtp_${i}:`,
      '  driver = smtp',
      '  port = SMTP_PORT',
      '  hosts_require_tls = *',
      '  tls_tempfail_tryclear = false',
      '',
    );
    retry.push(`d${i}.example.net   *   F,2h,15m; G,16h,1h,1.5; F,4d,6h`);
  }
  routers.push('dnslookup:', '  driver = dnslookup', '  domains = ! +local_domains', '  transport = smtp_0', '  no_more', '');
  retry.push('*   tls_required', '*   *   F,2h,15m; G,16h,1h,1.5; F,4d,6h', '');
  return [...main, ...acl, ...routers, ...transports, ...retry].join('\n');
}
