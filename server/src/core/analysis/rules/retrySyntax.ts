/**
 * Retry rules as Exim's readconf_retries() reads them (exim -bV refuses what this
 * reports): the error name (`quota_<time>`, `refused_MX`, `timeout_connect_A`,
 * `rcpt_4xx`, prefixes such as `tls` for `tls_required`), `senders =`, then
 * `letter,time,time[,factor]` items separated by semicolons. Measured with Exim 4.96.
 */
import { RetryRuleNode } from '../../syntax/tree';
import { closingQuote } from '../../util/stringSetting';
import { suggest } from '../../util/suggest';
import { Fix, Rule, RuleContext } from '../types';
import { readTime, readTimeAt } from './values';

/** The error names Exim 4.96 knows, for did-you-mean. */
export const RETRY_ERRORS = [
  '*',
  'quota',
  'refused',
  'refused_A',
  'refused_MX',
  'timeout',
  'timeout_A',
  'timeout_MX',
  'timeout_connect',
  'timeout_connect_A',
  'timeout_connect_MX',
  'mail_4xx',
  'rcpt_4xx',
  'data_4xx',
  'auth_failed',
  'lost_connection',
  'tls_required',
  'lookup',
];

/** C's isspace(), isdigit(), isalnum() and isgraph() in the C locale, on character codes. */
const isSpace = (c: number): boolean => c === 32 || (c >= 9 && c <= 13);
const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const isAlnum = (c: number): boolean => isDigit(c) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
const isGraph = (c: number): boolean => c > 32 && c < 127;

/** Case-insensitive: `word` is a prefix of `target` (Exim's strncmpic(word, target, len(word)) == 0). */
function prefixOf(word: string, target: string): boolean {
  return word.length <= target.length && target.slice(0, word.length).toLowerCase() === word.toLowerCase();
}

const TIMEOUT_TAILS = ['A', 'MX', 'connect', 'connect_A', 'connect_MX', 'DNS'];

/** Exim's readconf_retry_error(): undefined when the name is good, else the message. */
export function retryErrorProblem(word: string): string | undefined {
  if (word === '*') return undefined;
  const us = word.indexOf('_');
  const head = us < 0 ? word : word.slice(0, us);
  const tail = us < 0 ? undefined : word.slice(us + 1);
  const lowerHead = head.toLowerCase();
  if (head.length === 5 && lowerHead === 'quota') {
    if (tail !== undefined && readTime(tail) < 0) return 'bad time value';
    return undefined;
  }
  if (head.length === 7 && lowerHead === 'refused') {
    if (tail !== undefined && !prefixOf(tail, 'MX') && !prefixOf(tail, 'A')) return 'A or MX expected after "refused"';
    return undefined;
  }
  if (head.length === 7 && lowerHead === 'timeout') {
    if (tail !== undefined && !TIMEOUT_TAILS.some((x) => prefixOf(tail, x))) {
      return '"A", "MX", or "connect" expected after "timeout"';
    }
    return undefined;
  }
  const lower6 = word.slice(0, 6).toLowerCase();
  if (lower6 === 'mail_4' || lower6 === 'rcpt_4' || lower6 === 'data_4') {
    let bad = word.length !== 8;
    if (!bad) {
      const a = word[6];
      const b = word[7];
      if (isDigit(word.charCodeAt(6))) bad = !(isDigit(word.charCodeAt(7)) || b === 'x');
      else bad = a !== 'x' || b !== 'x';
    }
    return bad ? `${word.slice(0, 4)}_4 must be followed by xx, dx, or dd, where x is literal and d is any digit` : undefined;
  }
  if (head.length === 4 && lowerHead === 'auth' && tail !== undefined && prefixOf(tail, 'failed')) return undefined;
  if (prefixOf(word, 'lost_connection') || prefixOf(word, 'tls_required') || prefixOf(word, 'lookup')) return undefined;
  if (head !== '*') return `unknown or malformed retry error "${word}"`;
  return undefined;
}

export interface RetrySyntaxProblem {
  message: string;
  /** Offsets in the rule's line text. */
  start: number;
  end: number;
  /** For an unknown error name: names it may have meant. */
  suggestions?: string[];
}

/** Exim's string_dequote() end: a quoted string with backslash escapes, or a run of non-blank characters. */
function skipItem(text: string, p: number): number {
  if (text.charCodeAt(p) !== 34 /* " */) {
    while (p < text.length && !isSpace(text.charCodeAt(p))) p++;
    return p;
  }
  const close = closingQuote(text, p);
  return close < 0 ? text.length : close + 1;
}

function skipSpace(text: string, p: number): number {
  while (p < text.length && isSpace(text.charCodeAt(p))) p++;
  return p;
}

/** Exim's readconf_readfixed() over text[start, end): the value times 1000, or -1 (C int arithmetic: 2147484 wraps). */
function readFixed(text: string, start: number, end: number): number {
  if (start >= end || !isDigit(text.charCodeAt(start))) return -1;
  let i = start;
  let v = 0;
  while (i < end && isDigit(text.charCodeAt(i))) v = (Math.imul(v, 10) + (text.charCodeAt(i++) - 48)) | 0;
  v = Math.imul(v, 1000);
  if (i < end && text.charCodeAt(i) === 46 /* . */) {
    let m = 100;
    i++;
    while (i < end && isDigit(text.charCodeAt(i))) {
      v = (v + (text.charCodeAt(i++) - 48) * m) | 0;
      m = Math.trunc(m / 10);
    }
  }
  return i === end ? v : -1;
}

function problemAt(message: string, start: number, end: number, suggestions?: string[]): RetrySyntaxProblem {
  return { message, start, end: Math.max(end, start), ...(suggestions ? { suggestions } : {}) };
}

/** Where the reading of the current rule's times is, and what went wrong. */
let at = 0;
let failed: RetrySyntaxProblem | undefined;

/** Exim's retry_arg(): a comma, then a time (type 0) or a fixed-point number (type 1); -1 when bad. */
function retryArg(text: string, type: 0 | 1): number {
  const comma = at;
  if (text.charCodeAt(at++) !== 44 /* , */) {
    failed = problemAt('comma expected', comma, comma + 1);
    return -1;
  }
  at = skipSpace(text, at);
  const a = at;
  while (at < text.length) {
    const c = text.charCodeAt(at);
    if (isAlnum(c) || (type === 1 && c === 46)) at++;
    else break;
  }
  if (at < text.length) {
    const c = text.charCodeAt(at);
    if (!isSpace(c) && c !== 44 && c !== 59 /* ; */) {
      failed = problemAt('comma or semicolon expected', at, at + 1);
      return -1;
    }
  }
  return type === 0 ? readTimeAt(text, a, at) : readFixed(text, a, at);
}

/** Checks one retry rule line the way readconf_retries() reads it. */
export function checkRetryLine(text: string): RetrySyntaxProblem | undefined {
  return checkAfterPattern(text, skipItem(text, 0));
}

/** checkRetryLine() of what follows the pattern, which ends at `from`. */
function checkAfterPattern(text: string, from: number): RetrySyntaxProblem | undefined {
  let p = skipSpace(text, from);
  const pp = p;
  while (p < text.length && isGraph(text.charCodeAt(p))) p++;
  if (p === pp) return undefined; // the parser reports a missing error type
  if (p - pp !== 1 || text.charCodeAt(pp) !== 42 /* * */) {
    const word = text.slice(pp, p);
    const bad = retryErrorProblem(word);
    if (bad) return problemAt(bad, pp, p, bad.startsWith('unknown') ? suggest(word, RETRY_ERRORS) : undefined);
  }
  p = skipSpace(text, p);
  if (text.startsWith('senders', p)) {
    const from = p;
    p = skipSpace(text, p + 7);
    if (text.charCodeAt(p++) !== 61 /* = */) return problemAt('"=" expected after "senders" in retry rule', from, p);
    p = skipItem(text, skipSpace(text, p));
  }
  at = skipSpace(text, p);
  failed = undefined;
  while (at < text.length) {
    const itemStart = at;
    const letter = text.charCodeAt(at++) | 32;
    const timeout = retryArg(text, 0);
    if (failed) return failed;
    let p1 = 0;
    let p2 = 0;
    if (letter === 102 /* f */) p1 = retryArg(text, 0);
    else if (letter === 103 || letter === 104 /* g h */) {
      p1 = retryArg(text, 0);
      if (!failed) p2 = retryArg(text, 1);
    } else return problemAt('unknown retry rule letter', itemStart, itemStart + 1);
    if (failed) return failed;
    if (timeout <= 0 || p1 <= 0 || (letter !== 102 && p2 < 1000)) return problemAt('bad parameters for retry rule', itemStart, at);
    at = skipSpace(text, at);
    if (text.charCodeAt(at) === 59) at = skipSpace(text, at + 1);
    else if (at < text.length) return problemAt('semicolon expected', at, text.length);
  }
  return undefined;
}

const retrySyntax: Rule = {
  id: 'retry-syntax',
  defaultSeverity: 'error',
  title: 'retry rule that Exim cannot read (error name, letters, times, semicolons)',
  check(ctx) {
    // Rules often share their error and times: each text after a pattern is read once.
    const read = new Map<string, RetrySyntaxProblem | null>();
    const sections = ctx.tree.sections;
    for (let i = 0; i < sections.length; i++) {
      if (sections[i].kind !== 'retry') continue;
      const items = sections[i].items;
      for (let j = 0; j < items.length; j++) {
        const rule = items[j];
        if (rule.kind !== 'retry') continue;
        const text = rule.line.text;
        const from = skipItem(text, 0);
        const rest = text.slice(from);
        let problem = read.get(rest);
        if (problem === undefined) {
          problem = checkAfterPattern(rest, 0) ?? null;
          read.set(rest, problem);
        }
        if (problem) report(ctx, rule, from, problem);
      }
    }
  },
};

/** Reports a problem found in the rule's text after `from`. */
function report(ctx: RuleContext, rule: RetryRuleNode, from: number, problem: RetrySyntaxProblem): void {
  const loc = rule.line.locate(problem.start + from, problem.end + from);
  const fixes: Fix[] = (problem.suggestions ?? []).map((s) => ({ title: `Change to "${s}"`, edits: [{ file: loc.file, range: loc.range, newText: s }], isPreferred: true }));
  const dym = problem.suggestions?.length ? `; did you mean ${problem.suggestions.map((s) => `"${s}"`).join(' or ')}?` : '';
  ctx.report({
    message: `${problem.message}${dym}`,
    loc,
    active: rule.active,
    ...(problem.suggestions ? { data: { suggestions: problem.suggestions } } : {}),
    ...(fixes.length ? { fixes } : {}),
  });
}

export const retrySyntaxRules: Rule[] = [retrySyntax];
