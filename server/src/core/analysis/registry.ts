/**
 * Every code the analyser can report, with its default severity. Codes are stable:
 * users write them in settings (`exim.rules.<code>`) and suppression comments.
 */
import { RuleMeta, Rule } from './types';
import { structureRules } from './rules/structure';
import { tlsRules } from './rules/tls';
import { retryRules } from './rules/retry';
import { valueRules } from './rules/values';
import { retrySyntaxRules } from './rules/retrySyntax';
import { rewriteRulesList } from './rules/rewrite';
import { aclSyntaxRules } from './rules/aclSyntax';
import { driverRules } from './rules/drivers';
import { expansionRules } from './rules/expansions';
import { referenceRules } from './rules/references';
import { mainOptionRules } from './rules/mainOptions';
import { valueCommentRules } from './rules/valueComments';
import { routingRules } from './rules/routing';
import { aclValueRules } from './rules/aclValues';
import { taintRules } from './rules/taint';
import { redirectRules } from './rules/redirect';
import { deliveryValueRules } from './rules/deliveryValues';
import { daemonRules } from './rules/daemon';
import { contentScanningRules } from './rules/contentScanning';
import { authenticatorRules } from './rules/authenticators';
import { dkimRules } from './rules/dkim';
import { tlsSettingRules } from './rules/tlsSettings';
import { listLookupRules } from './rules/listLookups';
import { aclPlacementRules } from './rules/aclPlacement';
import { debianRules } from './rules/debian';

/** Problems found while reading and parsing; the reader and parser report them directly. */
export const PARSE_PROBLEMS: RuleMeta[] = [
  { id: 'byte-order-mark', defaultSeverity: 'error', title: 'file that starts with a byte order mark, which Exim refuses' },
  { id: 'nul-byte', defaultSeverity: 'warning', title: 'line with a NUL byte, where Exim stops reading the line' },
  { id: 'debian-settings-unreadable', defaultSeverity: 'error', title: "line of Debian's update-exim4.conf.conf the shell cannot read, so update-exim4.conf writes no configuration" },
  { id: 'conditional-unterminated', defaultSeverity: 'error', title: '.ifdef without .endif' },
  { id: 'conditional-unmatched', defaultSeverity: 'error', title: '.endif, .else or .elifdef without a matching .ifdef' },
  { id: 'conditional-ignored', defaultSeverity: 'warning', title: 'line that looks like .ifdef/.endif but that Exim skips (a tab, a CRLF line break or a longer word)' },
  { id: 'conditional-too-deep', defaultSeverity: 'error', title: '.ifdef nested more deeply than Exim allows' },
  { id: 'include-missing', defaultSeverity: 'error', title: '.include of a file that cannot be opened' },
  { id: 'include-relative', defaultSeverity: 'error', title: '.include_if_exists with a relative path' },
  { id: 'include-not-read', defaultSeverity: 'warning', title: '.include of a directory or a device, which is not read' },
  { id: 'include-loop', defaultSeverity: 'error', title: '.include that includes itself' },
  { id: 'include-too-deep', defaultSeverity: 'warning', title: '.include nested more deeply than this reader follows' },
  { id: 'macro-expansion-too-long', defaultSeverity: 'error', title: 'macro replacement that grows a line beyond reason' },
  { id: 'macro-malformed', defaultSeverity: 'error', title: 'line starting with an upper-case letter that is not a macro definition' },
  { id: 'macro-duplicate', defaultSeverity: 'error', title: 'macro defined twice without ==' },
  { id: 'macro-substring', defaultSeverity: 'error', title: 'macro whose name contains the name of an earlier macro' },
  { id: 'macro-redefine-undefined', defaultSeverity: 'error', title: '== redefinition of a macro that is not defined' },
  { id: 'unknown-section', defaultSeverity: 'error', title: 'begin with an unknown section name' },
  { id: 'section-repeated', defaultSeverity: 'error', title: 'a section begun twice' },
  { id: 'option-expected', defaultSeverity: 'error', title: 'line that is not an option setting' },
  { id: 'named-list-malformed', defaultSeverity: 'error', title: 'named list without a name or "="' },
  { id: 'extra-characters', defaultSeverity: 'error', title: 'text after a driver name' },
  { id: 'acl-name-text-ignored', defaultSeverity: 'warning', title: 'text after an ACL name, which Exim ignores' },
  { id: 'driver-name-missing', defaultSeverity: 'error', title: 'option before the first driver name' },
  { id: 'acl-name-missing', defaultSeverity: 'error', title: 'ACL statement before the first ACL name' },
  { id: 'acl-condition-expected', defaultSeverity: 'error', title: 'ACL line that is neither a verb nor a condition' },
  { id: 'acl-missing-equals', defaultSeverity: 'error', title: 'ACL condition or modifier without "="' },
  { id: 'retry-missing-error', defaultSeverity: 'error', title: 'retry rule without an error type' },
  { id: 'rewrite-missing-replacement', defaultSeverity: 'error', title: 'rewrite rule without a replacement' },
];

export const RULES: Rule[] = [...structureRules, ...tlsRules, ...tlsSettingRules, ...retryRules, ...valueRules, ...retrySyntaxRules, ...rewriteRulesList, ...aclSyntaxRules, ...driverRules, ...expansionRules, ...referenceRules, ...mainOptionRules, ...valueCommentRules, ...routingRules, ...redirectRules, ...deliveryValueRules, ...taintRules, ...daemonRules, ...contentScanningRules, ...authenticatorRules, ...dkimRules, ...aclValueRules, ...listLookupRules, ...aclPlacementRules, ...debianRules];

const ALL: Map<string, RuleMeta> = new Map([...PARSE_PROBLEMS, ...RULES].map((r) => [r.id, r]));

export function ruleMeta(code: string): RuleMeta | undefined {
  return ALL.get(code);
}

export function allRules(): RuleMeta[] {
  return [...ALL.values()];
}
