/**
 * An smtp transport's DKIM signing settings that Exim reads only when it signs: `exim -bV`
 * accepts any text. Measured with Exim 4.96 delivering to a local SMTP server:
 *  - dkim_hash other than sha1, sha256 or sha512 (lower case): "DKIM: unrecognised hashname
 *    'md5'", and the message goes out unsigned;
 *  - dkim_canon other than relaxed or simple (lower case): "DKIM: unknown canonicalization
 *    method 'Simple', defaulting to 'relaxed'";
 *  - dkim_sign_headers that names no header (empty, or only ":"): the transport process
 *    crashes (signal 11) and every delivery is deferred;
 *  - dkim_private_key that does not start with "/": Exim takes it as the key text itself
 *    ("dkim/example.key"), and the transport process crashes the same way.
 * Only transports that sign are read: dkim_domain and dkim_private_key set, the key not "0"
 * or "false".
 */
import { OptionNode } from '../../syntax/tree';
import { exactListItems } from '../../util/lists';
import { stringSetting } from '../../util/stringSetting';
import { suggest } from '../../util/suggest';
import { changeToFixes } from '../../fixes/edits';
import { Rule, RuleContext } from '../types';

const HASHES = ['sha1', 'sha256', 'sha512'];
const CANONS = ['relaxed', 'simple'];

const dkimSettingInvalid: Rule = {
  id: 'dkim-setting-invalid',
  defaultSeverity: 'warning',
  title: 'DKIM signing setting Exim cannot use: an unknown hash (unsigned mail) or canonicalization, no headers to sign or a key that is not a path (the transport crashes)',
  check(ctx: RuleContext) {
    if (!ctx.model.mayHaveOption('dkim_domain')) return;
    for (const transport of ctx.model.activeDrivers('transports')) {
      if (transport.driverName !== 'smtp') continue;
      const written = (name: string): [OptionNode, string] | undefined => {
        const node = ctx.model.optionNode(transport, name);
        return node && node.hasValue ? [node, stringSetting(node.value)] : undefined;
      };
      const domain = written('dkim_domain');
      const key = written('dkim_private_key');
      if (!domain || domain[1] === '' || !key || /^(?:0|false|)$/i.test(key[1].trim())) continue;
      // Known to be key text, not a file: it starts with a written character other than "/"
      // (PEM text starts with "-").
      if (/^[^/$\\-]/.test(key[1])) {
        ctx.report({
          message: `dkim_private_key "${key[1]}" does not start with "/", so Exim takes it as the key itself rather than a file name, cannot use it, and the ${transport.name} transport process crashes (signal 11): Exim accepts the configuration, and defers every delivery through this transport`,
          loc: key[0].valueLoc ?? key[0].wordLoc,
          active: key[0].active,
          data: { transport: transport.name, option: 'dkim_private_key' },
        });
      }
      const report = (node: OptionNode, message: string, severity: 'warning' | 'information', suggestions: string[] = []) => {
        const loc = node.valueLoc ?? node.wordLoc;
        ctx.report({
          message: message + (suggestions.length ? `; did you mean "${suggestions[0]}"?` : ''),
          loc,
          active: node.active,
          severity,
          data: { transport: transport.name, option: node.word },
          fixes: node.value.startsWith('"') ? [] : changeToFixes(loc, suggestions.slice(0, 1)),
        });
      };
      const hash = written('dkim_hash');
      if (hash && !/[$\\]/.test(hash[1]) && !HASHES.includes(hash[1])) {
        report(hash[0], `DKIM: unrecognised hashname '${hash[1]}' (Exim takes ${HASHES.join(', ')}, lower case): Exim accepts the configuration, and the ${transport.name} transport sends every message without a DKIM signature`, 'warning', suggest(hash[1], HASHES));
      }
      const canon = written('dkim_canon');
      if (canon && !/[$\\]/.test(canon[1]) && !CANONS.includes(canon[1])) {
        report(canon[0], `DKIM: unknown canonicalization method '${canon[1]}', defaulting to 'relaxed' (Exim takes relaxed or simple, lower case, for header and body alike)`, 'information', suggest(canon[1], CANONS));
      }
      const headers = written('dkim_sign_headers');
      if (headers && !/[$\\]/.test(headers[1]) && exactListItems(headers[1]).every((h) => h === '')) {
        report(headers[0], `dkim_sign_headers names no header: when the ${transport.name} transport signs, its process crashes (signal 11), and every delivery through it is deferred (leave the option unset for Exim's default list)`, 'warning');
      }
    }
  },
};

export const dkimRules: Rule[] = [dkimSettingInvalid];
