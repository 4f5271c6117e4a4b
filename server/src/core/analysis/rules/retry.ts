/**
 * The retry section decides what a TLS failure does. Measured with Exim 4.96: a
 * `tls_required` rule with no retry times bounces the message at once; rules are
 * first-match, so one placed after a catch-all `* *` never applies; with no retry
 * section at all, every temporary error of every kind bounces at once.
 */
import { settingOf } from '../../util/stringSetting';
import { deleteLogicalLine, insertLinesAfter, insertLinesBefore } from '../../fixes/edits';
import { RetryRuleNode, SectionNode, retryRulesOf } from '../../syntax/tree';
import { isRemoteSmtp, isSmtps } from './tls';
import { Fix, Rule, RuleContext } from '../types';

/** The rules of the recipe, for a new retry section. */
export const RECIPE_RETRY_RULES = ['*   refused', '*   quota', '*   tls_required', '*   *   F,2h,15m; G,16h,1h,1.5; F,4d,6h'];
export const TLS_RULE_LINE = '*   tls_required';

/** Exim accepts any case-insensitive prefix of an error name ("tls" for tls_required). */
export function isTlsRequiredError(error: string | undefined): boolean {
  if (!error) return false;
  const e = error.toLowerCase();
  return e.length >= 2 && 'tls_required'.startsWith(e);
}

/**
 * A pattern that matches every domain and address: "*", "*@*", or a regular expression that
 * matches anything ("^.*", "^.*\\$", "\\N^.*$\\N"; measured with exim -brt, not "^.*$", whose
 * "$" fails to expand).
 */
export function isCatchAllPattern(pattern: string): boolean {
  return pattern === '*' || pattern === '*@*' || /^(?:\^\.\*(?:\\\$)?|\\N\^\.\*\$?\\N)$/.test(pattern);
}

/** A rule that applies to every domain, error and sender. */
function isCatchAll(rule: RetryRuleNode): boolean {
  return isCatchAllPattern(rule.pattern.text) && rule.error?.text === '*' && !rule.senders;
}

/**
 * A rule for every error and sender and every domain but the one its negated pattern names
 * ("!+name" is not one: a retry pattern's named list is an address list, and without one of
 * that name Exim skips the rule, measured).
 */
function isNegatedCatchAll(rule: RetryRuleNode): boolean {
  return /^!\s*[^\s+]/.test(rule.pattern.text) && rule.error?.text === '*' && !rule.senders;
}

function activeRetrySections(sections: SectionNode[]): SectionNode[] {
  return sections.filter((s) => s.kind === 'retry' && s.active);
}

/** Whether any remote smtp transport requires TLS for some hosts. */
function tlsRequiredSomewhere(ctx: RuleContext): boolean {
  const transports = ctx.model.activeDrivers('transports');
  for (let i = 0; i < transports.length; i++) {
    const t = transports[i];
    if (t.driverName !== 'smtp') continue;
    // TLS on connect fails like a required STARTTLS (defer -37), which "tls_required" matches.
    const required = (settingOf(ctx.model.optionNode(t, 'hosts_require_tls')) ?? '') !== '' || isSmtps(ctx.model, t);
    if (required && isRemoteSmtp(ctx.model, t)) return true;
  }
  return false;
}

/**
 * The line before which a rule must go to come before `rule` whatever macros are
 * defined later: above the outermost `.ifdef` block around the rule, if any.
 */
function lineBefore(ctx: RuleContext, rule: RetryRuleNode): number {
  const file = rule.line.file.path;
  let line = rule.line.firstLine;
  for (const block of ctx.tree.conditionals) {
    const first = block.directives[0];
    const last = block.directives[block.directives.length - 1];
    if (first.loc.file !== file || last.kind !== 'endif' || last.loc.file !== file) continue;
    if (first.loc.range.start.line < line && last.loc.range.start.line > rule.line.firstLine) line = first.loc.range.start.line;
  }
  return line;
}

/** Where a `* tls_required` rule belongs: before the first catch-all rule (also one in a skipped branch), or at the section's end. */
function insertTlsRule(ctx: RuleContext, section: SectionNode, rules: RetryRuleNode[]): Fix['edits'][number] {
  // A catch-all in a skipped .ifdef branch counts too: it would shadow the new rule once the
  // macro is defined.
  const catchAll = retryRulesOf({ ...ctx.tree, sections: [section] }).find(isCatchAll) ?? rules.find(isCatchAll);
  if (catchAll) {
    const file = catchAll.line.file;
    return insertLinesBefore(file, lineBefore(ctx, catchAll), file.indentOf(catchAll.line.firstLine), [TLS_RULE_LINE]);
  }
  const last = rules[rules.length - 1];
  if (last) return insertLinesAfter(last.line, last.line.file.indentOf(last.line.firstLine), [TLS_RULE_LINE]);
  return insertLinesAfter(section.begin!.line, '', [TLS_RULE_LINE]);
}

const retrySectionMissing: Rule = {
  id: 'retry-section-missing',
  defaultSeverity: 'information',
  title: 'configuration without a retry section',
  check(ctx) {
    if (ctx.tree.sections.some((s) => s.kind === 'retry')) return;
    // Only a configuration that delivers mail (it has routers or transports) needs one;
    // a fragment meant for `.include` does not.
    if (!ctx.tree.sections.some((s) => (s.kind === 'routers' || s.kind === 'transports') && s.active)) return;
    const file = ctx.tree.files.find((f) => f.path === ctx.tree.root) ?? ctx.tree.files[0];
    if (!file) return;
    const eol = file.eol;
    const section = `begin retry${eol}${eol}${RECIPE_RETRY_RULES.join(eol)}${eol}`;
    const empty = file.text.trim() === '';
    const endsWithBreak = file.text.endsWith('\n');
    // Append after the last line, leaving one blank line before the new section.
    const last = endsWithBreak ? file.lineCount : Math.max(0, file.lineCount - 1);
    const end = endsWithBreak ? 0 : (file.lines[last]?.length ?? 0);
    const newText = empty ? section : endsWithBreak ? `${eol}${section}` : `${eol}${eol}${section}`;
    ctx.report({
      message: 'there is no retry section: every temporary delivery error of every kind bounces the message at once instead of being retried',
      loc: { file: file.path, range: { start: { line: 0, character: 0 }, end: { line: 0, character: file.lines[0]?.length ?? 0 } } },
      fixes: [
        {
          title: 'Add a retry section with a "* tls_required" rule before the catch-all',
          edits: [{ file: file.path, range: { start: { line: last, character: end }, end: { line: last, character: end } }, newText }],
          hardening: true,
        },
      ],
    });
  },
};

const retryTlsRequired: Rule[] = [
  {
    id: 'retry-tls-required-missing',
    defaultSeverity: 'warning',
    title: 'TLS is required but TLS failures are retried instead of bouncing',
    check(ctx) {
      let required: boolean | undefined;
      for (const section of activeRetrySections(ctx.tree.sections)) {
        const rules = retryRulesOf({ ...ctx.tree, sections: [section] }).filter((r) => r.active);
        if (rules.some((r) => isTlsRequiredError(r.error?.text) && isCatchAllPattern(r.pattern.text) && !r.senders)) continue;
        required ??= tlsRequiredSomewhere(ctx);
        if (!required) return;
        ctx.report({
          message: 'TLS is required for outgoing mail but no "* tls_required" retry rule exists: a TLS failure is retried under the catch-all rule for days instead of bouncing at once',
          loc: section.begin!.loc,
          fixes: [{ title: 'Insert "*   tls_required" before the catch-all rule', edits: [insertTlsRule(ctx, section, rules)], hardening: true, isPreferred: true }],
        });
      }
    },
  },
  {
    id: 'retry-tls-required-shadowed',
    defaultSeverity: 'warning',
    title: 'tls_required retry rule placed after a rule that matches everything',
    check(ctx) {
      for (const section of activeRetrySections(ctx.tree.sections)) {
        const rules = retryRulesOf({ ...ctx.tree, sections: [section] }).filter((r) => r.active);
        // A negated pattern with any error ("!example.com * ...") matches every other domain:
        // measured with exim -brt, a later "* tls_required" then applies to example.com only.
        const firstShadow = rules.findIndex((r) => isCatchAll(r) || isNegatedCatchAll(r));
        if (firstShadow < 0) continue;
        rules.forEach((rule, i) => {
          if (i <= firstShadow || !isTlsRequiredError(rule.error?.text)) return;
          const shadow = rules[firstShadow];
          const file = shadow.line.file;
          const what = isCatchAll(shadow)
            ? `never applies: the earlier rule "${shadow.line.text}" already matches every domain and error`
            : `applies only to ${shadow.pattern.text.slice(1).trim()}: the earlier rule "${shadow.line.text}" already matches every other domain, and every error`;
          ctx.report({
            message: `retry rule "${rule.pattern.text} ${rule.error!.text}" ${what} (retry rules are first-match)`,
            loc: rule.loc,
            related: [{ loc: shadow.loc, message: 'this rule matches first' }],
            fixes: [
              {
                title: 'Move the tls_required rule before the catch-all rule',
                edits: [deleteLogicalLine(rule.line), insertLinesBefore(file, lineBefore(ctx, shadow), file.indentOf(shadow.line.firstLine), [rule.line.text])],
                hardening: true,
                isPreferred: true,
              },
            ],
          });
        });
      }
    },
  },
  {
    id: 'retry-tls-required-retries',
    defaultSeverity: 'warning',
    title: 'tls_required retry rule with retry times',
    check(ctx) {
      for (const section of activeRetrySections(ctx.tree.sections)) {
        for (const rule of retryRulesOf({ ...ctx.tree, sections: [section] })) {
          if (!rule.active || !isTlsRequiredError(rule.error?.text) || !rule.times) continue;
          const error = rule.error!;
          let start = rule.times.offset;
          while (start > 0 && /\s/.test(rule.line.text[start - 1])) start--;
          const cut = rule.line.locate(start, rule.line.text.length);
          ctx.report({
            message: `retry rule "${rule.pattern.text} ${error.text}" has retry times, so a TLS failure is retried (and may wait days) instead of bouncing at once`,
            loc: rule.times.loc,
            fixes: [{ title: 'Remove the retry times (bounce at once on a TLS failure)', edits: [{ file: cut.file, range: cut.range, newText: '' }], hardening: true, isPreferred: true }],
          });
        }
      }
    },
  },
];

export const retryRules: Rule[] = [retrySectionMissing, ...retryTlsRequired];
