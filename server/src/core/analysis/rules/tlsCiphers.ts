/**
 * `tls_require_ciphers` on an smtp transport that the TLS library refuses. Debian's Exim is
 * built with GnuTLS, which takes a priority string ("NORMAL:-VERS-TLS1.0"), not OpenSSL's
 * cipher list ("HIGH:!aNULL"). `exim -bV` accepts any string; measured with Exim 4.96
 * delivering to a local server that offers STARTTLS: Exim logs 'TLS session:
 * (gnutls_priority_init(HIGH:!aNULL) failed at offset 0, "HIGH:!.."): The request is
 * invalid.' and, with tls_tempfail_tryclear left true and the host not in
 * hosts_require_tls, delivers in clear ("delivering unencrypted"); otherwise every such
 * delivery is deferred (-37). The string is the admin's wish for stronger TLS, and it turns
 * TLS off.
 */
import { gnutlsPriorityProblem } from '../../util/gnutlsPriority';
import { stringSetting } from '../../util/stringSetting';
import { Fix, Rule, RuleContext } from '../types';
import { tlsPosture } from './tls';

/** Words of OpenSSL's cipher-list syntax that GnuTLS does not have. */
const OPENSSL_WORDS = /(?:^|[:+!-])(?:HIGH|MEDIUM|LOW|DEFAULT|COMPLEMENTOFDEFAULT|ALL|aNULL|eNULL|EECDH|EDH|kEECDH|kEDH|kRSA|aRSA|AESGCM|@STRENGTH|@SECLEVEL=\d)(?=$|[:+!-])/;

const tlsCiphersInvalid: Rule = {
  id: 'tls-ciphers-invalid',
  defaultSeverity: 'warning',
  title: 'tls_require_ciphers that GnuTLS refuses, which turns TLS off for the transport',
  check(ctx: RuleContext) {
    for (const transport of ctx.model.activeDrivers('transports')) {
      if (transport.driverName !== 'smtp') continue;
      const node = ctx.model.optionNode(transport, 'tls_require_ciphers');
      if (!node || !node.hasValue) continue;
      const value = stringSetting(node.value);
      // An expanded value is known only when the transport runs.
      if (value.includes('$')) continue;
      const problem = gnutlsPriorityProblem(value);
      if (!problem) continue;
      const tryclear = ctx.model.booleanOption(transport, 'tls_tempfail_tryclear') !== false;
      const required = tlsPosture(ctx.model, transport) === 'required';
      const consequence =
        tryclear && !required
          ? 'every delivery through this transport to a server that offers STARTTLS falls back to clear text ("delivering unencrypted"), since tls_tempfail_tryclear is true and hosts_require_tls does not cover the server'
          : 'every delivery through this transport to a server that offers STARTTLS fails to start TLS and is deferred (or bounced at once under a "* tls_required" retry rule)';
      const openssl = OPENSSL_WORDS.test(value) ? '; this looks like an OpenSSL cipher list, and Debian\'s Exim is built with GnuTLS, which takes priority strings such as "NORMAL:-VERS-TLS1.0:-VERS-TLS1.1"' : '';
      const quotedValue = node.value.startsWith('"');
      const loc = quotedValue || !node.valueLoc ? node.valueLoc ?? node.wordLoc : node.line.locate(node.valueOffset + problem.offset, node.valueOffset + problem.offset + Math.max(problem.element.length, 1));
      const fixes: Fix[] = quotedValue
        ? []
        : problem.suggestions.slice(0, 1).map((s) => ({ title: `Change to "${s}"`, edits: [{ file: loc.file, range: loc.range, newText: s }], isPreferred: true }));
      ctx.report({
        message: `gnutls_priority_init(${value}) failed at offset ${problem.offset}: ${problem.reason}${openssl}. Exim accepts the configuration, and ${consequence}${problem.suggestions.length ? `; did you mean "${problem.suggestions[0]}"?` : ''}`,
        loc,
        data: { transport: transport.name, element: problem.element, suggestions: problem.suggestions },
        fixes,
      });
    }
  },
};

export const tlsCipherRules: Rule[] = [tlsCiphersInvalid];
