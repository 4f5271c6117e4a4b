/**
 * String expansions, which `exim -bV` mostly does not look at: Exim expands an option only
 * when it uses it, so a broken `${...}` fails a delivery or an SMTP command later ("failed
 * to expand ..."). Reported as warnings: the reader is tolerant and a string that is never
 * used never fails. The exception is the options Exim expands when it starts
 * (START_UP_EXPANDED): there the problem stops every exim command, so it is an error.
 * Checked: expanded options (the manual's dagger), ACL conditions and modifiers, named
 * lists (expanded each time they are used: "failed to expand ... while checking a list"),
 * rewrite replacements.
 */
import { mentionsMacro } from './values';
import { routeListRules } from '../../util/routeList';
import { changeToFixes } from '../../fixes/edits';
import { Location } from '../../syntax/source';
import { ExpansionProblem, ExpansionProblemKind, expansionProblems, TaintedSources } from '../../syntax/expansion';
import { LogicalLine } from '../../syntax/logicalLine';
import { DriverNode } from '../../syntax/tree';
import { EXPANSION_CONDITION_NAMES, EXPANSION_ITEM_NAMES, EXPANSION_OPERATOR_NAMES, VARIABLE_NAMES } from '../../syntaxData';
import { dequote } from '../../util/stringSetting';
import { exactListItems } from '../../util/lists';
import { suggest } from '../../util/suggest';
import { writtenText } from '../../util/sourceText';
import { Rule, RuleContext } from '../types';
import { valueSites } from '../valueSites';
import { AUTH_NUMBERED, taintedAclVariables } from '../aclVariables';

/**
 * Options Exim expands as it starts, measured with 4.96 by setting every expanded option to
 * "$nosuchvar": `exim -bV` stops with "failed to expand spool_directory ..." for these main
 * options, a redirect router's owners and owngroups, and a cyrus_sasl authenticator's
 * server_hostname and server_realm ("couldn't expand server_realm"), and for no other option.
 */
const START_UP_EXPANDED = {
  main: new Set(['spool_directory', 'log_file_path', 'pid_file_path', 'localhost_number', 'trusted_users', 'never_users', 'trusted_groups', 'admin_groups', 'smtp_active_hostname']),
  redirect: new Set(['owners', 'owngroups']),
  cyrus_sasl: new Set(['server_hostname', 'server_realm']),
};

/** Whether Exim expands this option (main, or of this driver) as it starts. */
function expandedAtStartUp(name: string, driver: DriverNode | undefined): boolean {
  if (!driver) return START_UP_EXPANDED.main.has(name);
  if (driver.section === 'authenticators') return driver.driverName === 'cyrus_sasl' && START_UP_EXPANDED.cyrus_sasl.has(name);
  return driver.section === 'routers' && driver.driverName === 'redirect' && START_UP_EXPANDED.redirect.has(name);
}

export interface ExpandedText {
  line: LogicalLine;
  /** The option when Exim expands it as it starts (a problem stops exim -bV). */
  startUp?: string;
  /** Offset of the text in line.text. */
  offset: number;
  active: boolean;
  problems: ExpansionProblem[];
  /** What follows from a problem, where it is not the usual failed expansion. */
  consequence?: string;
}

const REWRITE_SKIPPED = 'Exim cannot expand the pattern, so it skips this rewrite rule, and logs the error each time (to the panic log too)';

/** Every expanded string of the configuration that contains a "$" and has a problem, in order. */
function expandedTexts(ctx: RuleContext): ExpandedText[] {
  const out: ExpandedText[] = [];
  // The same string (one condition in many ACLs, one setting in many drivers) is scanned once.
  const scannedTexts = new Map<string, ExpansionProblem[]>();
  // Exim removes the quotes around an option's value or a named list's, not an ACL item's
  // (measured: `deny domains = "\N^.*\.org$\N"` keeps its quotes and expands cleanly).
  const scannedAclTexts = new Map<string, ExpansionProblem[]>();
  // In an authenticator, $1-$3 are the client's AUTH data too (as $auth1-$auth3 everywhere).
  const scannedAuthenticatorTexts = new Map<string, ExpansionProblem[]>();
  const acl = taintedAclVariables(ctx.tree);
  const tainted = acl.size ? acl : undefined;
  let inAuthenticator: TaintedSources | undefined;
  const add = (line: LogicalLine, offset: number, text: string, active: boolean, startUp?: string, quotesKept = false, consequence?: string, authenticator = false) => {
    const scanned = authenticator ? scannedAuthenticatorTexts : quotesKept ? scannedAclTexts : scannedTexts;
    let problems = scanned.get(text);
    if (problems === undefined) {
      const sources = authenticator ? (inAuthenticator ??= new Map([...acl, ...AUTH_NUMBERED])) : tainted;
      problems = !quotesKept && text.startsWith('"') ? quotedProblems(text, sources) : expansionProblems(text, sources);
      scanned.set(text, problems);
    }
    if (problems.length) out.push({ line, offset, active, problems, ...(startUp ? { startUp } : {}), ...(consequence ? { consequence } : {}) });
  };
  for (const { node, driver } of valueSites(ctx.tree).dollar) {
    switch (node.kind) {
      case 'option': {
        const r = driver ? ctx.model.resolve(node, driver.section, driver.driverName) : ctx.model.resolve(node, 'main');
        if (r.name === 'route_list' && driver?.driverName === 'manualroute' && !node.value.startsWith('"')) {
          // Not expanded as a whole, but each rule's domain pattern is, as a domain list item:
          // measured (exim -bt), "^.*\.example\.com$" fails to expand and defers the address.
          for (const { from, to } of routeListRules(node.value)) {
            const start = from + (node.value.slice(from, to).length - node.value.slice(from, to).trimStart().length);
            const end = start + (/^\S*/.exec(node.value.slice(start, to))?.[0].length ?? 0);
            const pattern = node.value.slice(start, end);
            if (pattern.includes('$')) add(node.line, node.valueOffset + start, pattern, node.active, undefined, false, 'Exim cannot expand this domain pattern, so routing defers every address that reaches the rule (and writes to the panic log)');
          }
          break;
        }
        if (r.name === 'headers_rewrite' && !node.value.startsWith('"')) {
          // A list of rewrite rules: each rule's pattern is expanded as an address list item
          // when the headers are rewritten (measured with a delivery: "^(.*)@old\.example$"
          // fails to expand, and the header is left as it was).
          let cursor = 0;
          for (const item of exactListItems(node.value)) {
            const at = node.value.indexOf(item, cursor);
            if (at < 0) break;
            cursor = at + item.length;
            const pattern = /^\S*/.exec(item)![0];
            if (pattern.includes('$')) add(node.line, node.valueOffset + at, pattern, node.active, undefined, false, REWRITE_SKIPPED);
          }
          break;
        }
        if (!r.info?.expanded) break;
        add(node.line, node.valueOffset, node.value, node.active, expandedAtStartUp(r.name, driver) ? r.name : undefined, false, undefined, driver?.section === 'authenticators');
        break;
      }
      case 'aclItem':
        add(node.line, node.valueOffset, node.value, node.active, undefined, true);
        break;
      case 'namedList':
        add(node.line, node.valueOffset, node.value, node.active);
        break;
      case 'rewrite': {
        // The pattern is matched as an address list item, expanded first (exim -brw:
        // 'failed to expand "^(.*)@old\.example$" while checking a list').
        if (node.pattern.text.includes('$') && !node.pattern.text.startsWith('"')) add(node.line, node.pattern.offset, node.pattern.text, node.active, undefined, false, REWRITE_SKIPPED);
        if (!node.replacement) break;
        const text = node.line.text;
        const start = node.replacement.offset;
        let end = start + node.replacement.text.length;
        if (text[start] === '"') {
          end = start + 1;
          while (end < text.length && text[end] !== '"') end += text[end] === '\\' ? 2 : 1;
          end = Math.min(end + 1, text.length);
        }
        const value = text.slice(start, end);
        if (value.includes('$')) add(node.line, start, value, node.active);
        break;
      }
      case 'retry':
        // Measured (exim -brt): 'failed to expand "^.*$" while checking a list', and the next rule applies.
        add(node.line, node.pattern.offset, node.pattern.text, node.active, undefined, false, 'Exim cannot expand the pattern, so it skips this retry rule');
        break;
    }
  }
  return out;
}

/**
 * Problems of a double-quoted setting: Exim expands the string after string_dequote(), so
 * `"\\N^a$\\N"` is the regex `\N^a$\N`. Offsets are mapped back to the quoted text; a name
 * written with escapes gets no did-you-mean edit.
 */
function quotedProblems(quoted: string, tainted: TaintedSources | undefined): ExpansionProblem[] {
  const { text, offsets } = dequote(quoted);
  return expansionProblems(text, tainted).map((p) => {
    const start = offsets[p.start];
    const mapped: ExpansionProblem = { ...p, start, end: Math.max(offsets[p.end], start + 1) };
    if (p.name !== undefined && p.kind.startsWith('unknown') && quoted.slice(start, start + p.name.length) !== p.name) delete mapped.name;
    return mapped;
  });
}

let conditionNames: readonly string[] | undefined;
let itemNames: readonly string[] | undefined;

function candidates(p: ExpansionProblem): readonly string[] {
  switch (p.kind) {
    case 'unknown-variable':
      return VARIABLE_NAMES;
    case 'unknown-condition':
      return (conditionNames ??= EXPANSION_CONDITION_NAMES.filter((n) => /^[a-z]/.test(n)));
    case 'unknown-operator':
      return EXPANSION_OPERATOR_NAMES;
    case 'unknown-item':
      return (itemNames ??= [...EXPANSION_ITEM_NAMES, ...VARIABLE_NAMES]);
    default:
      return [];
  }
}

/** Did-you-mean names for each kind of problem and name, once per analysis. */
const suggestionCache = new WeakMap<RuleContext['tree'], Map<string, string[]>>();
function suggestionsFor(ctx: RuleContext, p: ExpansionProblem & { name: string }): string[] {
  let cache = suggestionCache.get(ctx.tree);
  if (!cache) suggestionCache.set(ctx.tree, (cache = new Map()));
  const key = `${p.kind} ${p.name}`;
  let found = cache.get(key);
  if (!found) cache.set(key, (found = suggest(p.name, candidates(p))));
  return [...found];
}

function report(ctx: RuleContext, t: ExpandedText, p: ExpansionProblem): void {
  // In a branch Exim skips, a macro is often defined together with the switch that turns the
  // branch on (the macro here still undefined): a problem that is a macro's name is not one.
  if (!t.active && mentionsMacro(t.line.text.slice(t.offset + p.start, t.offset + p.end))) return;
  const loc: Location = t.line.locate(t.offset + p.start, t.offset + p.end);
  const suggestions = p.name ? suggestionsFor(ctx, p as ExpansionProblem & { name: string }) : [];
  const nameLoc = p.name ? t.line.locate(t.offset + p.start, t.offset + p.start + p.name.length) : loc;
  const fixes = changeToFixes(nameLoc, suggestions);
  const dym = suggestions.length ? `; did you mean ${suggestions.map((s) => `"${s}"`).join(' or ')}?` : '';
  ctx.report({
    message: t.startUp
      ? `failed to expand ${t.startUp}: ${p.message}${dym} (Exim expands ${t.startUp} as it starts, so it ${t.active ? 'refuses the configuration' : 'would refuse the configuration with this branch active'})`
      : `${p.message}${dym}${t.consequence ? `: ${t.consequence}` : ''}`,
    loc,
    active: t.active,
    ...(t.startUp ? { severity: 'error' as const } : {}),
    ...(suggestions.length ? { data: { name: p.name, suggestions }, fixes } : {}),
  });
}

/** Scans each expanded string once per analysis, for the three rules below. */
const scans = new WeakMap<RuleContext['tree'], ExpandedText[]>();
export function scanned(ctx: RuleContext): ExpandedText[] {
  let s = scans.get(ctx.tree);
  if (!s) {
    s = expandedTexts(ctx);
    scans.set(ctx.tree, s);
  }
  return s;
}

/** The problems of the given kinds in every expanded string, each with the string it is in. */
export function* scannedProblems(ctx: RuleContext, ...kinds: ExpansionProblemKind[]): Generator<{ t: ExpandedText; p: ExpansionProblem }> {
  for (const t of scanned(ctx)) for (const p of t.problems) if (kinds.includes(p.kind)) yield { t, p };
}

const expansionSyntax: Rule = {
  id: 'expansion-syntax',
  defaultSeverity: 'warning',
  title: 'string expansion Exim cannot expand: braces, arguments, "$" not followed by a name',
  check(ctx) {
    for (const t of scanned(ctx)) {
      // Exim stops at the first: what the reader finds after it is mostly its consequence
      // (one unclosed brace is also a missing "}" for every item around it).
      // A value refused only when evaluated is not said of a start-up option, which Exim may
      // expand without reaching the item.
      const first = t.problems.find((p) => p.kind === 'syntax' || p.kind === 'arguments' || p.kind === 'runtime' || p.kind === 'list-cut');
      if (first) report(ctx, t, first);
    }
  },
};

const expansionUnknown: Rule = {
  id: 'expansion-unknown-name',
  defaultSeverity: 'warning',
  title: 'unknown expansion item, operator or condition',
  check(ctx) {
    for (const { t, p } of scannedProblems(ctx, 'unknown-item', 'unknown-operator', 'unknown-condition')) report(ctx, t, p);
  },
};

const unknownVariable: Rule = {
  id: 'unknown-variable',
  defaultSeverity: 'warning',
  title: 'expansion variable Exim does not know',
  check(ctx) {
    for (const { t, p } of scannedProblems(ctx, 'unknown-variable')) report(ctx, t, p);
  },
};

const expansionBraceEscaped: Rule = {
  id: 'expansion-brace-escaped',
  defaultSeverity: 'warning',
  title: 'an escaped "}" followed by "{" inside an argument: what looks like the next argument is text of this one',
  check(ctx) {
    for (const { t, p } of scannedProblems(ctx, 'escaped-brace')) {
      // The backslash alone, where "\}{" is written as read (not made by a macro).
      const backslash = t.line.locate(t.offset + p.start, t.offset + p.start + 1);
      ctx.report({
        message: p.message,
        loc: t.line.locate(t.offset + p.start, t.offset + p.end),
        active: t.active,
        fixes: writtenText(ctx.tree, backslash, 2) === '\\}{' ? [{ title: 'Drop the backslash: the brace ends the argument', edits: [{ file: backslash.file, range: backslash.range, newText: '' }] }] : undefined,
      });
    }
  },
};

export const expansionRules: Rule[] = [expansionSyntax, expansionUnknown, unknownVariable, expansionBraceEscaped];
