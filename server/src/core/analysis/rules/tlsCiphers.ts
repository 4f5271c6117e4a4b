/**
 * `tls_require_ciphers` on an smtp transport that the TLS library refuses. Debian's Exim is
 * built with GnuTLS, which takes a priority string ("NORMAL:-VERS-TLS1.0"), not OpenSSL's
 * cipher list ("HIGH:!aNULL"). `exim -bV` accepts any string; measured with Exim 4.96
 * delivering to a local server that offers STARTTLS: Exim logs 'TLS session:
 * (gnutls_priority_init(HIGH:!aNULL) failed at offset 0, "HIGH:!.."): The request is
 * invalid.' and, with tls_tempfail_tryclear left true and the host not in
 * hosts_require_tls, delivers in clear ("delivering unencrypted"); otherwise every such
 * delivery is deferred (-37). The string is the admin's wish for stronger TLS, and it turns
 * TLS off. The main option's string is loaded when the daemon starts: `exim -bd` then stops
 * with "Exim configuration error: tls_require_ciphers invalid" (measured), while `exim -bV`
 * still accepts the file.
 */
import { gnutlsPriorityProblem } from '../../util/gnutlsPriority';
import { stringSetting } from '../../util/stringSetting';
import { OptionNode } from '../../syntax/tree';
import { Fix, Rule, RuleContext } from '../types';
import { tlsPosture } from './tls';

/** Words of OpenSSL's cipher-list syntax that GnuTLS does not have. */
const OPENSSL_WORDS = /(?:^|[:+!-])(?:HIGH|MEDIUM|LOW|DEFAULT|COMPLEMENTOFDEFAULT|ALL|aNULL|eNULL|EECDH|EDH|kEECDH|kEDH|kRSA|aRSA|AESGCM|@STRENGTH|@SECLEVEL=\d)(?=$|[:+!-])/;

/** Reports the priority string of one setting, if GnuTLS refuses it; `consequence` says what follows. */
function checkSetting(ctx: RuleContext, node: OptionNode, consequence: string, data: Record<string, unknown>, severity?: 'error'): void {
  const value = stringSetting(node.value);
  // An expanded value is known only when it is used.
  if (value.includes('$')) return;
  const problem = gnutlsPriorityProblem(value);
  if (!problem) return;
  const openssl = OPENSSL_WORDS.test(value) ? '; this looks like an OpenSSL cipher list, and Debian\'s Exim is built with GnuTLS, which takes priority strings such as "NORMAL:-VERS-TLS1.0:-VERS-TLS1.1"' : '';
  const quotedValue = node.value.startsWith('"');
  const loc = quotedValue || !node.valueLoc ? node.valueLoc ?? node.wordLoc : node.line.locate(node.valueOffset + problem.offset, node.valueOffset + problem.offset + Math.max(problem.element.length, 1));
  const fixes: Fix[] = quotedValue
    ? []
    : problem.suggestions.slice(0, 1).map((s) => ({ title: `Change to "${s}"`, edits: [{ file: loc.file, range: loc.range, newText: s }], isPreferred: true }));
  ctx.report({
    message: `gnutls_priority_init(${value}) failed at offset ${problem.offset}: ${problem.reason}${openssl}. ${consequence}${problem.suggestions.length ? `; did you mean "${problem.suggestions[0]}"?` : ''}`,
    loc,
    active: node.active,
    ...(severity ? { severity } : {}),
    data: { ...data, element: problem.element, suggestions: problem.suggestions },
    fixes,
  });
}

/** The last active main-section setting of an option. */
function mainSetting(ctx: RuleContext, name: string): OptionNode | undefined {
  let found: OptionNode | undefined;
  for (const section of ctx.tree.sections) {
    if (section.kind !== 'main' || section.begin) continue;
    for (const item of section.items) if (item.kind === 'option' && item.active && item.word === name) found = item;
  }
  return found;
}

const tlsCiphersInvalid: Rule = {
  id: 'tls-ciphers-invalid',
  defaultSeverity: 'warning',
  title: 'tls_require_ciphers that GnuTLS refuses: TLS off for a transport, or a daemon that does not start',
  check(ctx: RuleContext) {
    for (const transport of ctx.model.activeDrivers('transports')) {
      if (transport.driverName !== 'smtp') continue;
      const node = ctx.model.optionNode(transport, 'tls_require_ciphers');
      if (!node || !node.hasValue) continue;
      const tryclear = ctx.model.booleanOption(transport, 'tls_tempfail_tryclear') !== false;
      const required = tlsPosture(ctx.model, transport) === 'required';
      const consequence =
        tryclear && !required
          ? 'Exim accepts the configuration, and every delivery through this transport to a server that offers STARTTLS falls back to clear text ("delivering unencrypted"), since tls_tempfail_tryclear is true and hosts_require_tls does not cover the server'
          : 'Exim accepts the configuration, and every delivery through this transport to a server that offers STARTTLS fails to start TLS and is deferred (or bounced at once under a "* tls_required" retry rule)';
      checkSetting(ctx, node, consequence, { transport: transport.name });
    }
    // The server's string is loaded when the daemon starts, if it offers TLS at all
    // (tls_advertise_hosts, "*" by default).
    const server = mainSetting(ctx, 'tls_require_ciphers');
    const advertise = mainSetting(ctx, 'tls_advertise_hosts');
    if (server && server.hasValue && (!advertise || stringSetting(advertise.value) !== '')) {
      // An error: Exim refuses the configuration, only later than exim -bV does.
      checkSetting(ctx, server, '`exim -bV` accepts the configuration, but the daemon (`exim -bd`) refuses to start with "Exim configuration error: tls_require_ciphers invalid", so no mail is received', { option: 'tls_require_ciphers' }, 'error');
    }
  },
};

export const tlsCipherRules: Rule[] = [tlsCiphersInvalid];
