/**
 * TLS settings Exim loads only when it starts TLS: `exim -bV` accepts any text, and a value
 * the TLS library cannot use turns TLS off where the admin meant to have it. Measured with
 * Exim 4.96 (Debian, GnuTLS), delivering to a local server that offers STARTTLS and
 * starting a daemon that offers it:
 *  - tls-ciphers-invalid: `tls_require_ciphers` must be a GnuTLS priority string
 *    ("NORMAL:-VERS-TLS1.0"), not OpenSSL's cipher list ("HIGH:!aNULL"). On a transport Exim
 *    logs 'TLS session: (gnutls_priority_init(HIGH:!aNULL) failed at offset 0, ...)'; in
 *    the main section the daemon does not start ("Exim configuration error:
 *    tls_require_ciphers invalid").
 *  - tls-file-invalid: certificate, key, CA and CRL files named by a relative path ("could
 *    not stat 'ca.pem'", "cert/key setup: ... Error while reading file"), and a tls_dhparam
 *    that is neither a path nor one of Exim's prime names ("No standard prime named").
 * On a transport, with tls_tempfail_tryclear left true and the host not in
 * hosts_require_tls, the message then goes out in clear ("delivering unencrypted");
 * otherwise every delivery to a server that offers STARTTLS is deferred (-37). In the main
 * section, every client's STARTTLS fails ("TLS error on connection").
 */
import { changeToFixes } from '../../fixes/edits';
import { gnutlsPriorityProblem } from '../../util/gnutlsPriority';
import { exactListItems } from '../../util/lists';
import { stringSetting } from '../../util/stringSetting';
import { ifStrings } from '../../util/taint';
import { DriverNode, OptionNode } from '../../syntax/tree';
import { ConfigModel } from '../model';
import { suggest } from '../../util/suggest';
import { Fix, Rule, RuleContext } from '../types';
import { tlsPosture } from './tls';

/** Words of OpenSSL's cipher-list syntax that GnuTLS does not have. */
const OPENSSL_WORDS = /(?:^|[:+!-])(?:HIGH|MEDIUM|LOW|DEFAULT|COMPLEMENTOFDEFAULT|ALL|aNULL|eNULL|EECDH|EDH|kEECDH|kEDH|kRSA|aRSA|AESGCM|@STRENGTH|@SECLEVEL=\d)(?=$|[:+!-])/;

/**
 * The yes and no strings of a value that is one `${if ...{A}{B}}`, where each is written out
 * (no "$", braces or backslashes in it); else undefined.
 */
function literalIfBranches(value: string): { text: string; offset: number }[] | undefined {
  const strings = ifStrings(value);
  return strings && strings.length > 0 && strings.every((b) => !/[$\\{}]/.test(b.text)) ? strings : undefined;
}

/** Reports the priority string of one setting, if GnuTLS refuses it; `consequence` says what follows. */
function checkSetting(ctx: RuleContext, node: OptionNode, consequence: () => string, data: Record<string, unknown>, severity?: 'error'): void {
  const value = stringSetting(node.value);
  if (value.includes('$')) {
    // An expanded value is known only when it is used, but a branch of an ${if} written out
    // is what Exim gets whenever the condition picks it (measured: the daemon checks the
    // string as it starts, with $received_port empty, and refuses to start on a bad branch).
    for (const branch of literalIfBranches(value) ?? []) {
      const problem = gnutlsPriorityProblem(branch.text);
      if (!problem) continue;
      const openssl = OPENSSL_WORDS.test(branch.text) ? '; this looks like an OpenSSL cipher list, and Debian\'s Exim is built with GnuTLS, which takes priority strings such as "NORMAL:-VERS-TLS1.0:-VERS-TLS1.1"' : '';
      ctx.report({
        message: `gnutls_priority_init(${branch.text}) failed at offset ${problem.offset}: ${problem.reason}${openssl}. Whenever the \${if} picks this string TLS cannot start: ${consequence()}`,
        loc: node.value.startsWith('"') || !node.valueLoc ? node.valueLoc ?? node.wordLoc : node.line.locate(node.valueOffset + branch.offset, node.valueOffset + branch.offset + Math.max(branch.text.length, 1)),
        active: node.active,
        data: { ...data, element: problem.element, suggestions: problem.suggestions },
      });
      return;
    }
    return;
  }
  const problem = gnutlsPriorityProblem(value);
  if (!problem) return;
  const openssl = OPENSSL_WORDS.test(value) ? '; this looks like an OpenSSL cipher list, and Debian\'s Exim is built with GnuTLS, which takes priority strings such as "NORMAL:-VERS-TLS1.0:-VERS-TLS1.1"' : '';
  const quotedValue = node.value.startsWith('"');
  const loc = quotedValue || !node.valueLoc ? node.valueLoc ?? node.wordLoc : node.line.locate(node.valueOffset + problem.offset, node.valueOffset + problem.offset + Math.max(problem.element.length, 1));
  const fixes: Fix[] = quotedValue
    ? []
    : changeToFixes(loc, problem.suggestions.slice(0, 1));
  ctx.report({
    message: `gnutls_priority_init(${value}) failed at offset ${problem.offset}: ${problem.reason}${openssl}. ${consequence()}${problem.suggestions.length ? `; did you mean "${problem.suggestions[0]}"?` : ''}`,
    loc,
    active: node.active,
    ...(severity ? { severity } : {}),
    data: { ...data, element: problem.element, suggestions: problem.suggestions },
    fixes,
  });
}

/** What a TLS setting that cannot be used does to deliveries through this smtp transport. */
function clientConsequence(model: ConfigModel, transport: DriverNode): string {
  const tryclear = model.booleanOption(transport, 'tls_tempfail_tryclear') !== false;
  const required = tlsPosture(model, transport) === 'required';
  return tryclear && !required
    ? 'Exim accepts the configuration, and every delivery through this transport to a server that offers STARTTLS falls back to clear text ("delivering unencrypted"), since tls_tempfail_tryclear is true and hosts_require_tls does not cover the server'
    : 'Exim accepts the configuration, and every delivery through this transport to a server that offers STARTTLS fails to start TLS and is deferred (or bounced at once under a "* tls_required" retry rule)';
}

/** Whether the server offers STARTTLS at all (tls_advertise_hosts, "*" by default). */
function serverOffersTls(ctx: RuleContext): boolean {
  const advertise = ctx.model.mainSetting('tls_advertise_hosts');
  return !advertise || stringSetting(advertise.value) !== '';
}

/** smtp transports in use. */
function smtpTransports(ctx: RuleContext): DriverNode[] {
  return ctx.model.activeDrivers('transports').filter((t) => t.driverName === 'smtp');
}

const tlsCiphersInvalid: Rule = {
  id: 'tls-ciphers-invalid',
  defaultSeverity: 'warning',
  title: 'tls_require_ciphers that GnuTLS refuses: TLS off for a transport, or a daemon that does not start',
  check(ctx: RuleContext) {
    for (const transport of ctx.model.mayHaveOption('tls_require_ciphers') ? smtpTransports(ctx) : []) {
      const node = ctx.model.optionNode(transport, 'tls_require_ciphers');
      if (node && node.hasValue) checkSetting(ctx, node, () => clientConsequence(ctx.model, transport), { transport: transport.name });
    }
    // The server's string is loaded when the daemon starts, if it offers TLS at all.
    const server = ctx.model.mainSetting('tls_require_ciphers');
    if (server && server.hasValue && serverOffersTls(ctx)) {
      // An error: Exim refuses the configuration, only later than exim -bV does.
      checkSetting(ctx, server, () => '`exim -bV` accepts the configuration, but the daemon (`exim -bd`) refuses to start with "Exim configuration error: tls_require_ciphers invalid", so no mail is received', { option: 'tls_require_ciphers' }, 'error');
    }
  },
};

/** TLS options naming files: lists of paths, or one path ("system" for the system's CAs). */
const FILE_OPTIONS: Record<string, 'list' | 'path' | 'ca'> = {
  tls_certificate: 'list',
  tls_privatekey: 'list',
  tls_ocsp_file: 'list',
  tls_verify_certificates: 'ca',
  tls_crl: 'path',
};

const FILE_OPTION_NAMES = Object.keys(FILE_OPTIONS);

/** The prime names tls_dhparam takes instead of a path (case-sensitive; from the 4.96 manual, measured). */
const DH_PRIMES = new Set([
  'none', 'historic', 'default',
  'ffdhe2048', 'ffdhe3072', 'ffdhe4096', 'ffdhe6144', 'ffdhe8192',
  'ike1', 'ike2', 'ike5', 'ike14', 'ike15', 'ike16', 'ike17', 'ike18', 'ike22', 'ike23', 'ike24',
  'exim.dev.20160529.1', 'exim.dev.20160529.2', 'exim.dev.20160529.3',
]);

/** Why Exim cannot load the files of this TLS option, or undefined. Values with "$" are not read. */
export function tlsFileProblem(option: string, value: string): { problem: string; suggestions: string[] } | undefined {
  if (value === '' || /[$\\]/.test(value)) return undefined;
  if (option === 'tls_dhparam') {
    if (value.startsWith('/') || DH_PRIMES.has(value)) return undefined;
    return { problem: `No standard prime named "${value}" for tls_dhparam (a path must start with "/"; names are ${[...DH_PRIMES].filter((n) => !n.startsWith('ike')).join(', ')} and the ike ones)`, suggestions: suggest(value, DH_PRIMES) };
  }
  const kind = FILE_OPTIONS[option];
  if (kind === 'ca' && value === 'system') return undefined;
  const paths = kind === 'list' ? exactListItems(value) : [value];
  const relative = paths.find((p) => p !== '' && !p.startsWith('/'));
  return relative === undefined ? undefined : { problem: `${option} names "${relative}", which is not an absolute path: Exim cannot load it ("Error while reading file")`, suggestions: [] };
}

const tlsFileInvalid: Rule = {
  id: 'tls-file-invalid',
  defaultSeverity: 'warning',
  title: 'TLS certificate, key, CA, CRL or DH setting Exim cannot load (a relative path, an unknown prime name), which turns TLS off',
  check(ctx: RuleContext) {
    const report = (node: OptionNode, consequence: () => string, data: Record<string, unknown>) => {
      const found = tlsFileProblem(node.word, stringSetting(node.value));
      if (!found) return;
      const loc = node.valueLoc ?? node.wordLoc;
      ctx.report({
        message: `${found.problem}. ${consequence()}${found.suggestions.length ? `; did you mean "${found.suggestions[0]}"?` : ''}`,
        loc,
        active: node.active,
        data: { ...data, option: node.word },
        fixes: node.value.startsWith('"') ? [] : changeToFixes(loc, found.suggestions.slice(0, 1)),
      });
    };
    const written = FILE_OPTION_NAMES.filter((o) => ctx.model.mayHaveOption(o));
    for (const transport of written.length ? smtpTransports(ctx) : []) {
      for (const option of written) {
        const node = ctx.model.optionNode(transport, option);
        if (node && node.hasValue) report(node, () => clientConsequence(ctx.model, transport), { transport: transport.name });
      }
    }
    if (!serverOffersTls(ctx)) return;
    // The server loads its CRL only to check client certificates: a relative tls_crl there
    // leaves STARTTLS working (measured), unlike the other files.
    for (const option of [...FILE_OPTION_NAMES.filter((o) => o !== 'tls_crl'), 'tls_dhparam']) {
      const node = ctx.model.mainSetting(option);
      if (node && node.hasValue) report(node, () => 'Exim accepts the configuration, and every client\'s STARTTLS then fails ("TLS error on connection"), so senders deliver to this server in clear or not at all', {});
    }
  },
};

/**
 * Why an smtp transport cannot start TLS at all, in a few words (for hovers), or undefined:
 * the first of its written TLS settings the library refuses or cannot load.
 */
export function tlsStartProblem(model: ConfigModel, transport: DriverNode): string | undefined {
  const ciphers = model.optionNode(transport, 'tls_require_ciphers');
  if (ciphers && ciphers.hasValue) {
    const value = stringSetting(ciphers.value);
    if (!value.includes('$') && gnutlsPriorityProblem(value)) return `GnuTLS refuses tls_require_ciphers (${value})`;
  }
  for (const option of FILE_OPTION_NAMES) {
    const node = model.optionNode(transport, option);
    if (node && node.hasValue && tlsFileProblem(option, stringSetting(node.value))) return `${option} is not an absolute path`;
  }
  return undefined;
}

export const tlsSettingRules: Rule[] = [tlsCiphersInvalid, tlsFileInvalid];
