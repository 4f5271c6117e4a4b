/**
 * Retry rules as Exim's readconf_retries() reads them (exim -bV refuses what this
 * reports): the error name (`quota_<time>`, `refused_MX`, `timeout_connect_A`,
 * `rcpt_4xx`, prefixes such as `tls` for `tls_required`), `senders =`, then
 * `letter,time,time[,factor]` items separated by semicolons. Measured with Exim 4.96.
 */
import { RetryRuleNode, retryRulesOf } from '../../syntax/tree';
import { suggest } from '../../util/suggest';
import { Fix, Rule } from '../types';
import { readTime } from './values';

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

const isSpace = (c: string | undefined): boolean => c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f' || c === '\v';
const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
const isAlnum = (c: string | undefined): boolean => c !== undefined && /^[A-Za-z0-9]$/.test(c);
const isGraph = (c: string | undefined): boolean => c !== undefined && c > ' ' && c < '\x7f';

/** Case-insensitive: `word` is a prefix of `target` (Exim's strncmpic(word, target, len(word)) == 0). */
function prefixOf(word: string, target: string): boolean {
  return word.length <= target.length && target.slice(0, word.length).toLowerCase() === word.toLowerCase();
}

/** Exim's readconf_retry_error(): undefined when the name is good, else the message. */
export function retryErrorProblem(word: string): string | undefined {
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
    if (tail !== undefined && !['A', 'MX', 'connect', 'connect_A', 'connect_MX', 'DNS'].some((x) => prefixOf(tail, x))) {
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
      if (isDigit(a)) bad = !(isDigit(b) || b === 'x');
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
  if (text[p] !== '"') {
    while (p < text.length && !isSpace(text[p])) p++;
    return p;
  }
  p++;
  while (p < text.length && text[p] !== '"') p += text[p] === '\\' ? 2 : 1;
  return Math.min(p + 1, text.length);
}

/** Exim's readconf_readfixed() over text[a, b): the value times 1000, or -1. */
function readFixed(s: string): number {
  if (!isDigit(s[0])) return -1;
  let i = 0;
  let v = 0;
  while (isDigit(s[i])) v = v * 10 + (s.charCodeAt(i++) - 48);
  v *= 1000;
  if (s[i] === '.') {
    let m = 100;
    i++;
    while (isDigit(s[i])) {
      v += (s.charCodeAt(i++) - 48) * m;
      m /= 10;
    }
  }
  return i === s.length ? v : -1;
}

class RetryError extends Error {
  constructor(
    readonly problem: RetrySyntaxProblem,
  ) {
    super(problem.message);
  }
}

/** Checks one retry rule line the way readconf_retries() reads it. */
export function checkRetryLine(text: string): RetrySyntaxProblem | undefined {
  const fail = (message: string, start: number, end = text.length, suggestions?: string[]): never => {
    throw new RetryError({ message, start, end: Math.max(end, start), ...(suggestions ? { suggestions } : {}) });
  };
  try {
    let p = skipItem(text, 0);
    while (isSpace(text[p])) p++;
    const pp = p;
    while (isGraph(text[p])) p++;
    if (p === pp) return undefined; // the parser reports a missing error type
    const word = text.slice(pp, p);
    const bad = retryErrorProblem(word);
    if (bad) fail(bad, pp, p, bad.startsWith('unknown') ? suggest(word, RETRY_ERRORS) : undefined);
    while (isSpace(text[p])) p++;
    if (text.startsWith('senders', p)) {
      const at = p;
      p += 7;
      while (isSpace(text[p])) p++;
      if (text[p++] !== '=') fail('"=" expected after "senders" in retry rule', at, p);
      while (isSpace(text[p])) p++;
      p = skipItem(text, p);
    }
    while (isSpace(text[p])) p++;
    // retry_arg(): a comma, then a time (type 0) or a fixed-point number (type 1).
    const arg = (type: 0 | 1): number => {
      const comma = p;
      if (text[p++] !== ',') fail('comma expected', comma, comma + 1);
      while (isSpace(text[p])) p++;
      const a = p;
      while (isAlnum(text[p]) || (type === 1 && text[p] === '.')) p++;
      if (p < text.length && !isSpace(text[p]) && text[p] !== ',' && text[p] !== ';') fail('comma or semicolon expected', p, p + 1);
      const s = text.slice(a, p);
      return type === 0 ? readTime(s) : readFixed(s);
    };
    while (p < text.length) {
      const itemStart = p;
      const letter = text[p++].toUpperCase();
      const timeout = arg(0);
      let p1 = 0;
      let p2 = 0;
      if (letter === 'F') p1 = arg(0);
      else if (letter === 'G' || letter === 'H') {
        p1 = arg(0);
        p2 = arg(1);
      } else fail('unknown retry rule letter', itemStart, itemStart + 1);
      if (timeout <= 0 || p1 <= 0 || (letter !== 'F' && p2 < 1000)) fail('bad parameters for retry rule', itemStart, p);
      while (isSpace(text[p])) p++;
      if (text[p] === ';') {
        p++;
        while (isSpace(text[p])) p++;
      } else if (p < text.length) fail('semicolon expected', p);
    }
    return undefined;
  } catch (e) {
    if (e instanceof RetryError) return e.problem;
    throw e;
  }
}

const retrySyntax: Rule = {
  id: 'retry-syntax',
  defaultSeverity: 'error',
  title: 'retry rule that Exim cannot read (error name, letters, times, semicolons)',
  check(ctx) {
    for (const rule of retryRulesOf(ctx.tree) as RetryRuleNode[]) {
      const problem = checkRetryLine(rule.line.text);
      if (!problem) continue;
      const loc = rule.line.locate(problem.start, problem.end);
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
  },
};

export const retrySyntaxRules: Rule[] = [retrySyntax];
