/**
 * Tainted data (Exim 4.94 and later): values that come from the message, such as
 * `$local_part` and `$domain`, are tainted, and Exim refuses them in file names, lookup file
 * names and pipe arguments. Their `_data` copies, set by a router's check or lookup, are not.
 */
import { expansionCondition, isExpansionOperator, isHeaderPrefixed } from '../syntaxData';

/** Variables whose values come from the message. */
export const TAINTED_VARIABLES = new Set([
  'local_part',
  'domain',
  'local_part_prefix',
  'local_part_suffix',
  'original_local_part',
  'original_domain',
  'parent_local_part',
  'parent_domain',
  'sender_address',
  'sender_address_local_part',
  'sender_address_domain',
  // What the client said in HELO or EHLO (measured: tainted from -bs on a socket too).
  'sender_helo_name',
  // What the client sent in AUTH, and the AUTH= of its MAIL command (measured with exim -bh:
  // a readfile named from each gives "Tainted filename"; an authenticator then answers 435).
  'auth1',
  'auth2',
  'auth3',
  'authenticated_sender',
]);


/** A set of names: further variables that carry data of the message (ACL variables set from it), or operators. */
export type TaintedNames = { has(name: string): boolean };

/**
 * Operators whose result carries no taint, whatever their argument: digests and numbers
 * (measured with Exim 4.96, a readfile of a name built from each: md5, sha1, sha2, sha256,
 * sha3, nhash, strlen, listcount, eval, eval10, randint, base32, base62, base62d, time_eval,
 * time_interval, ipv6norm, ipv6denorm and reverse_ip give a clean name; hash, substr, length,
 * lc, the quote operators and the rest keep the taint).
 */
const UNTAINTED_RESULT_OPERATORS = new Set(['md5', 'sha1', 'sha2', 'sha256', 'sha3', 'nhash', 'nh', 'strlen', 'listcount', 'eval', 'eval10', 'randint', 'base32', 'base62', 'base62d', 'time_eval', 'time_interval', 'ipv6norm', 'ipv6denorm', 'reverse_ip']);

/** Whether an operator (written as it is, nhash_5 or sha2_256 too) gives an untainted result. */
export function operatorResultIsUntainted(name: string): boolean {
  if (UNTAINTED_RESULT_OPERATORS.has(name)) return true;
  const us = name.indexOf('_');
  return us > 0 && /^(?:nhash|nh|sha2|sha3)$/.test(name.slice(0, us));
}

/**
 * Items whose result is made of the data in some of their arguments (0-based, or 'last'),
 * and so carries its taint (measured with Exim 4.96 as above: ${sg} takes the taint of its
 * subject and replacement, not of its regex; ${tr} of its subject only; ${listextract} of
 * its list, not of its number; ${map} of its expression; ${sort} of its list). Other items
 * (${if}, lookups, ${extract} with its yes/no forms) may or may not pass their data on and are
 * left alone; ${nhash} and ${hmac} results are clean.
 */
const DATA_ARGUMENTS: Record<string, readonly number[] | 'last'> = {
  hash: 'last',
  length: 'last',
  substr: 'last',
  sg: [0, 2],
  tr: [0],
  listextract: [1],
  map: [1],
  sort: [0],
  prvs: [0],
};

/**
 * The spans of the yes and no strings of `${if COND{yes}{no}}`, reading from just after "if"
 * to the item's end: the condition's own groups are skipped by what the condition takes.
 * Undefined where that is not known (an unknown condition, one with optional arguments).
 */
function ifBranchSpans(s: string, i: number, end: number): [number, number][] | undefined {
  while (i < end && /\s/.test(s[i])) i++;
  if (s[i] === '!') i++;
  while (i < end && /\s/.test(s[i])) i++;
  const name = /^(?:[<>=]=?|==|[A-Za-z0-9_]+)/.exec(s.slice(i, Math.min(end, i + 40)))?.[0];
  if (!name) return undefined;
  const info = expansionCondition(name);
  if (!info) return undefined;
  i += name.length;
  let groups: number;
  switch (info.kind) {
    case 'args':
      if (info.min === undefined || info.min !== info.max) return undefined;
      groups = info.min;
      break;
    case 'condlist':
    case 'nested':
      groups = 1;
      break;
    case 'forall':
      groups = 2;
      break;
    case 'def':
      // def:name (a header name runs to white space or a brace).
      while (i < end && !/[\s{}]/.test(s[i])) i++;
      groups = 0;
      break;
    default:
      groups = 0;
  }
  const spans = argumentSpans(s, i, end);
  return spans.length < groups ? undefined : spans.slice(groups, groups + 2);
}

/**
 * The yes and no strings of a value that is one `${if ...}` and nothing else, with their
 * offsets; undefined for any other value or a condition whose arguments are not known.
 */
export function ifStrings(value: string): { text: string; offset: number }[] | undefined {
  const m = /^\s*\$\{if\b/.exec(value);
  if (!m) return undefined;
  const close = closing(value, m[0].length - 2);
  if (close >= value.length || value.slice(close + 1).trim() !== '') return undefined;
  return ifBranchSpans(value, m[0].length, close)?.map(([start, end]) => ({ text: value.slice(start, end), offset: start }));
}

/** The spans inside the braces of the arguments `{...}{...}` from i on (white space between them). */
function argumentSpans(s: string, i: number, end: number): [number, number][] {
  const spans: [number, number][] = [];
  for (;;) {
    while (i < end && (s.charCodeAt(i) === 32 || s.charCodeAt(i) === 9 || s.charCodeAt(i) === 10)) i++;
    if (i >= end || s.charCodeAt(i) !== 123 /* { */) return spans;
    const close = closing(s, i + 1);
    spans.push([i + 1, Math.min(close, end)]);
    i = close + 1;
  }
}

const isNameCode = (c: number): boolean => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;

/** The offset after the backslash escape at i (`\N...\N` is one escape). */
function escapeEnd(s: string, i: number): number {
  if (s.charCodeAt(i + 1) !== 78 /* N */) return i + 2;
  const end = s.indexOf('\\N', i + 2);
  return end < 0 ? s.length : end + 2;
}

/** The offset of the "}" that closes the "{" before i, or the end of the string. */
function closing(s: string, i: number): number {
  let depth = 0;
  while (i < s.length) {
    const c = s.charCodeAt(i);
    if (c === 92 /* \ */) {
      i = escapeEnd(s, i);
      continue;
    }
    if (c === 123 /* { */) depth++;
    else if (c === 125 /* } */) {
      if (depth === 0) return i;
      depth--;
    }
    i++;
  }
  return s.length;
}

/**
 * The first tainted variable whose value ends up in the expanded string as it is: written
 * in the text, or inside operators (`${lc:$local_part}` is as tainted as `$local_part`).
 * Inside an item (a lookup, `${if}`, `${sg}` ...) a variable may or may not reach the result,
 * and is left alone, as is the whole string when it is not read to its end.
 */
export function taintedVariableIn(value: string, start = 0, end = value.length, alsoTainted?: TaintedNames, quotedBy?: TaintedNames): string | undefined {
  return taintedIn(value, start, end, alsoTainted, quotedBy, 0);
}

/** Levels of nested items and operators read: deeper, nothing is said (hostile input stays linear). */
const MAX_DEPTH = 200;

function taintedIn(value: string, start: number, end: number, alsoTainted: TaintedNames | undefined, quotedBy: TaintedNames | undefined, depth: number): string | undefined {
  if (depth > MAX_DEPTH) return undefined;
  for (let i = nextDollar(value, start, end); i < end; ) {
    if (value.charCodeAt(i + 1) === 123 /* { */) {
      let j = i + 2;
      while (j < end && isNameCode(value.charCodeAt(j))) j++;
      const name = value.slice(i + 2, j);
      const after = value.charCodeAt(j);
      const close = closing(value, i + 2);
      if (after === 125 /* } */) {
        if (TAINTED_VARIABLES.has(name) || alsoTainted?.has(name)) return name;
      } else if (name === 'if') {
        // The result is one of the yes and no strings: data of the message in either may
        // reach it (measured: "${if def:x{$sender_address}{no}}" names a tainted file).
        for (const span of ifBranchSpans(value, j, Math.min(close, end)) ?? []) {
          const found = taintedIn(value, span[0], span[1], alsoTainted, quotedBy, depth + 1);
          if (found) return found;
        }
      } else if (Object.prototype.hasOwnProperty.call(DATA_ARGUMENTS, name)) {
        const spans = argumentSpans(value, j, Math.min(close, end));
        const which = DATA_ARGUMENTS[name];
        for (const at of which === 'last' ? [spans.length - 1] : which) {
          const span = spans[at];
          const found = span && taintedIn(value, span[0], span[1], alsoTainted, quotedBy, depth + 1);
          if (found) return found;
        }
      } else if (after === 58 /* : */ && name !== '') {
        // An operator: its result carries the taint of its argument. An operator this Exim
        // does not know fails the expansion first (expansion-unknown-name says so).
        if (!isExpansionOperator(name)) return undefined;
        if (operatorResultIsUntainted(name)) {
          i = nextDollar(value, close + 1, end);
          continue;
        }
        // A lookup's own quoting operator (quote_mysql in a mysql query) makes its argument
        // safe there, whatever is around it.
        const found = quotedBy?.has(name) ? undefined : taintedIn(value, j + 1, Math.min(close, end), alsoTainted, quotedBy, depth + 1);
        if (found) return found;
      }
      i = nextDollar(value, close + 1, end);
      continue;
    }
    let j = i + 1;
    while (j < end && isNameCode(value.charCodeAt(j))) j++;
    const name = value.slice(i + 1, j);
    if (TAINTED_VARIABLES.has(name) || alsoTainted?.has(name)) return name;
    if (isHeaderPrefixed(name)) {
      // Header lines ($h_subject:, $rh_from:) come from the message too (measured in an
      // appendfile file and a DKIM key file name). The header's name runs to the colon: "$h_x-foo:" is one variable.
      while (j < end && value.charCodeAt(j) !== 58 /* : */ && value.charCodeAt(j) > 32) j++;
      return value.slice(i + 1, Math.min(j + 1, end));
    }
    i = nextDollar(value, Math.max(j, i + 1), end);
  }
  return undefined;
}

/** The offset of the next "$" from i on that no backslash escapes (or `end`); \N...\N is skipped. */
function nextDollar(value: string, i: number, end: number): number {
  while (i < end) {
    const c = value.charCodeAt(i);
    if (c === 36 /* $ */) return i;
    i = c === 92 /* \ */ ? escapeEnd(value, i) : i + 1;
  }
  return end;
}

/**
 * The references at the top level of value[start, end) that bring data of the message into it
 * without one of the `quotedBy` operators around it: `$local_part`, `${domain}`, or an
 * operator around such a variable (`${lc:$local_part}`), each with its span.
 */
export function unquotedTaintedReferences(value: string, start: number, end: number, quotedBy: TaintedNames, alsoTainted?: TaintedNames): { name: string; start: number; end: number }[] {
  const found: { name: string; start: number; end: number }[] = [];
  for (let i = nextDollar(value, start, end); i < end; ) {
    const next = value.charCodeAt(i + 1) === 123 /* { */ ? Math.min(closing(value, i + 2) + 1, end) : undefined;
    if (next === undefined) {
      // $name, or a header line: as taintedVariableIn() reads it.
      let j = i + 1;
      while (j < end && isNameCode(value.charCodeAt(j))) j++;
      if (isHeaderPrefixed(value.slice(i + 1, j))) {
        while (j < end && value.charCodeAt(j) !== 58 /* : */ && value.charCodeAt(j) > 32) j++;
        if (value.charCodeAt(j) === 58) j++;
      }
      const name = taintedVariableIn(value, i, j, alsoTainted, quotedBy);
      if (name) found.push({ name, start: i, end: j });
      i = nextDollar(value, Math.max(j, i + 1), end);
      continue;
    }
    const name = taintedVariableIn(value, i, next, alsoTainted, quotedBy);
    if (name) found.push({ name, start: i, end: next });
    i = nextDollar(value, next, end);
  }
  return found;
}

/** The parts of `${if [!]exists{test}{yes}{no}}` written as the whole value, else undefined. */
export function ifExistsParts(value: string): { test: string; yes: string; no: string | undefined } | undefined {
  const m = /^\s*\$\{if\s*(!?)\s*exists\s*\{/.exec(value);
  if (!m) return undefined;
  const testEnd = closing(value, m[0].length);
  const strings: string[] = [];
  let i = testEnd + 1;
  while (strings.length < 2) {
    while (/\s/.test(value[i] ?? '')) i++;
    if (value[i] !== '{') break;
    const close = closing(value, i + 1);
    if (close >= value.length) return undefined;
    strings.push(value.slice(i + 1, close));
    i = close + 1;
  }
  while (/\s/.test(value[i] ?? '')) i++;
  if (strings.length === 0 || value[i] !== '}' || value.slice(i + 1).trim() !== '') return undefined;
  return { test: value.slice(m[0].length, testEnd), yes: strings[0], no: strings[1] };
}

/**
 * taintedVariableIn() for a value that may also be `${if [!]exists{...}{A}{B}}`, the usual way
 * to use a file only when it is there: the result is A or B as they are, and `exists` does
 * not de-taint the name it tests (measured with a DKIM key file).
 */
export function taintedVariableInResult(value: string, alsoTainted?: TaintedNames): string | undefined {
  const direct = taintedVariableIn(value, 0, value.length, alsoTainted);
  if (direct) return direct;
  const parts = ifExistsParts(value);
  if (!parts) return undefined;
  return taintedVariableIn(parts.yes, 0, parts.yes.length, alsoTainted) ?? (parts.no === undefined ? undefined : taintedVariableIn(parts.no, 0, parts.no.length, alsoTainted));
}

/** Splits a path at the "/" written outside `${...}`. */
export function pathComponents(path: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < path.length; i++) {
    const c = path.charCodeAt(i);
    if (c === 92 /* \ */) i = escapeEnd(path, i) - 1;
    else if (c === 123 /* { */) depth++;
    else if (c === 125 /* } */) depth = Math.max(0, depth - 1);
    else if (c === 47 /* / */ && depth === 0) {
      parts.push(path.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(path.slice(start));
  return parts;
}
