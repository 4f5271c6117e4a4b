/**
 * The structural errors PCRE2 (Exim 4.96's regular expression library) finds when it
 * compiles a pattern, in PCRE2's words: unbalanced parentheses, an unterminated character
 * class, an unknown POSIX class name, a quantifier with nothing to repeat (at the start of
 * the pattern, of an alternative or of a group, after an anchor or an option setting,
 * after another quantifier), `{n,m}` with n > m or a number over 65535, escapes a class
 * cannot hold, ranges out of order or to a class escape, unknown `(*VERB)`s and
 * `(*alpha_assertions)`, unknown Unicode properties after \p, lookbehinds that are not of
 * fixed length, \K in a lookaround, and references to groups that do not exist. Anything
 * else is left alone: this is not a full PCRE2 parser, so it only speaks where the pattern
 * is certainly broken. A pattern with `(?x)` (white space and `#`
 * comments) is not checked.
 */

import properties from '../data/pcre2-properties.json';

/** Unicode property names after \p and \P (PCRE2's table, scripts/gen-syntax-data.mjs). */
const PROPERTY_NAMES = new Set(properties.names);
/** The names "sc:" and "scx:" take. */
const SCRIPT_NAMES = new Set(properties.scripts);
const SCRIPT_PREFIXES = new Set(['sc', 'script', 'scx', 'scriptextensions']);
const BIDI_PREFIXES = new Set(['bc', 'bidiclass']);

/**
 * Whether PCRE2 knows the property `\p{raw}`: names match loosely (case, white space, "-"
 * and "_" ignored) after one "^"; "sc:", "scx:" (or "=") take a script, "bc:" a bidi class.
 * Measured with exim -be: \p{Bidi-Class:L} and \p{script_extensions=Latin} are taken,
 * \p{sc:L}, \p{sc:any}, \p{bc:greek} and \p{foo:L} refused.
 */
function propertyKnown(raw: string): boolean {
  const name = (raw.startsWith('^') ? raw.slice(1) : raw).replace(/[ \t\n\v\f\r_-]/g, '').toLowerCase();
  const sep = name.search(/[:=]/);
  if (sep < 0) return PROPERTY_NAMES.has(name);
  const prefix = name.slice(0, sep);
  const value = name.slice(sep + 1);
  if (BIDI_PREFIXES.has(prefix)) return PROPERTY_NAMES.has(`bidi${value}`);
  // A script: not a general category or binary property (sc:L, sc:alpha are refused).
  if (SCRIPT_PREFIXES.has(prefix)) return SCRIPT_NAMES.has(value);
  return false;
}

/** PCRE2's message for the property escape \p or \P at `at`, or undefined. */
function propertyProblem(pattern: string, at: number): string | undefined {
  if (pattern[at + 2] === '{') {
    const close = pattern.indexOf('}', at + 3);
    if (close < 0) return 'malformed \\P or \\p sequence';
    return propertyKnown(pattern.slice(at + 3, close)) ? undefined : 'unknown property after \\P or \\p';
  }
  if (at + 2 >= pattern.length) return 'malformed \\P or \\p sequence';
  return propertyKnown(pattern[at + 2]) ? undefined : 'unknown property after \\P or \\p';
}

/** Settings PCRE2 takes only at the very start of a pattern: "(*UTF)", "(*CRLF)", ... */
const START_ITEMS = new Set(['UTF', 'UTF8', 'UCP', 'CR', 'LF', 'CRLF', 'ANYCRLF', 'ANY', 'NUL', 'BSR_ANYCRLF', 'BSR_UNICODE', 'NOTEMPTY', 'NOTEMPTY_ATSTART', 'NO_AUTO_POSSESS', 'NO_DOTSTAR_ANCHOR', 'NO_JIT', 'NO_START_OPT']);
/** Start settings with a number: "(*LIMIT_MATCH=1000)". */
const START_LIMITS = new Set(['LIMIT_MATCH', 'LIMIT_DEPTH', 'LIMIT_HEAP', 'LIMIT_RECURSION']);
/** Backtracking verbs, each with an optional ":NAME" ("(*MARK:NAME)" must have one). */
const VERBS = new Set(['ACCEPT', 'FAIL', 'F', 'COMMIT', 'PRUNE', 'SKIP', 'THEN', 'MARK']);
/** Assertions and groups written "(*name:...)" in lower case. */
const ALPHA_ASSERTIONS = new Set([
  'pla', 'plb', 'nla', 'nlb', 'napla', 'naplb', 'positive_lookahead', 'positive_lookbehind', 'negative_lookahead', 'negative_lookbehind',
  'non_atomic_positive_lookahead', 'non_atomic_positive_lookbehind', 'atomic', 'sr', 'script_run', 'asr', 'atomic_script_run',
]);
const VERB_NAME = /^\*([A-Za-z0-9_]*)/;

/** The length of the start setting at `at` ("(*UTF)", "(*LIMIT_MATCH=10)"), or 0. */
function startItemLength(pattern: string, at: number): number {
  const m = /^\(\*([A-Z_0-9]+)(?:=(\d+))?\)/.exec(pattern.slice(at, at + 40));
  if (!m) return 0;
  if (m[2] === undefined ? START_ITEMS.has(m[1]) : START_LIMITS.has(m[1]) && limitFits(m[2])) return m[0].length;
  return 0;
}

/** PCRE2 stops reading a limit's digits once the number so far is over UINT32_MAX / 10 - 1. */
function limitFits(digits: string): boolean {
  let c = 0;
  for (const d of digits) {
    if (c > 429496728) return false;
    c = c * 10 + Number(d);
  }
  return true;
}

/**
 * PCRE2's message for "(*" at `at` (the "*"), or undefined: a lower-case name is an
 * assertion that must be known and take ":", an upper-case one a backtracking verb (a
 * start setting after the start is not one). Measured with exim -be.
 */
function verbProblem(pattern: string, at: number): string | undefined {
  const name = VERB_NAME.exec(pattern.slice(at, at + 40))![1];
  const next = pattern[at + 1 + name.length];
  if (name === '') {
    // "(*:NAME)" is (*MARK:NAME); "(*)" is a quantifier with nothing to repeat.
    return next === ':' && pattern[at + 2] === ')' ? '(*MARK) must have an argument' : undefined;
  }
  const c = name.charCodeAt(0);
  if (c >= 97 && c <= 122) return ALPHA_ASSERTIONS.has(name) && next === ':' ? undefined : '(*alpha_assertion) not recognized';
  if (!VERBS.has(name) || (next !== ':' && next !== ')')) return next === undefined ? undefined : '(*VERB) not recognized or malformed';
  if (name === 'MARK' && (next !== ':' || pattern[at + 6] === ')')) return '(*MARK) must have an argument';
  return undefined;
}

/**
 * A reference to a capture group, checked once the whole pattern is read (a reference may
 * come before its group): by number, by name, or relative to the groups opened before it
 * ("-1" the last one, "+1" the next one).
 */
interface GroupReference {
  number?: number;
  name?: string;
  relative?: number;
  /** Capture groups opened before the reference. */
  before: number;
}

const NO_SUCH_GROUP = 'reference to non-existent subpattern';
const NAME_TOO_LONG = 'subpattern name is too long (maximum 32 code units)';
const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
const isWord = (c: string | undefined): boolean => c !== undefined && /^\w$/.test(c);

/**
 * PCRE2's read_number() for a group: "N", "+N" (the Nth group after the `before` opened so
 * far) or "-N" (counting back). Undefined when no number starts at `at`; a problem for a
 * number over 65535, a relative zero or a "-N" reaching before the first group.
 */
function readGroupNumber(p: string, at: number, before: number): { end: number; reference?: GroupReference; problem?: string } | undefined {
  let i = at;
  const sign = p[i] === '+' ? 1 : p[i] === '-' ? -1 : 0;
  if (sign) i++;
  if (!isDigit(p[i])) return undefined;
  const max = 65535 - (sign > 0 ? before : 0);
  let n = 0;
  for (; isDigit(p[i]); i++) {
    n = n * 10 + p.charCodeAt(i) - 48;
    if (n > max) return { end: i, problem: 'subpattern number is too big' };
  }
  if (sign === 0) return { end: i, reference: { number: n, before } };
  if (n === 0) return { end: i, problem: 'a relative value of zero is not allowed' };
  if (sign < 0 && n > before) return { end: i, problem: NO_SUCH_GROUP };
  return { end: i, reference: { relative: sign * n, before } };
}

/** PCRE2's read_name() for a group name after the opener at `at` ("<", "'" or "{"). */
function readGroupName(p: string, at: number, terminator: string, before: number): GroupReference | string {
  let i = at + 1;
  if (isDigit(p[i])) return 'subpattern name must start with a non-digit';
  while (isWord(p[i])) i++;
  if (i - at - 1 > 32) return NAME_TOO_LONG;
  if (i === at + 1) return 'subpattern name expected';
  if (p[i] !== terminator) return 'syntax error in subpattern name (missing terminator?)';
  return { name: p.slice(at + 1, i), before };
}

const CLOSE: Record<string, string> = { '<': '>', "'": "'", '{': '}' };

/**
 * The group reference written at `at` (a backslash), read as PCRE2 reads it, or its problem:
 * \1 to \9 (and numbers starting 8 or 9; other numbers from 10 may be octal); \gN, \g+N,
 * \g-N and the same in braces (a back reference; "\g{name}" is \k{name}); \g<N>, \g'N' and
 * their +N, -N and name forms (a subroutine call; \g<0> calls the whole pattern); \k<name>,
 * \k'name', \k{name}.
 */
function escapeReference(pattern: string, at: number, before: number): GroupReference | string | undefined {
  const e = pattern[at + 1];
  if (e >= '1' && e <= '9') {
    const digits = /^\d+/.exec(pattern.slice(at + 1, at + 12))![0];
    return digits.length === 1 || e === '8' || e === '9' ? { number: Number(digits), before } : undefined;
  }
  if (e !== 'g' && e !== 'k') return undefined;
  const open = pattern[at + 2];
  const close = CLOSE[open];
  if (e === 'k') return close ? readGroupName(pattern, at + 2, close, before) : '\\k is not followed by a braced, angle-bracketed, or quoted name';
  const notFollowed = '\\g is not followed by a braced, angle-bracketed, or quoted name/number or by a plain number';
  const number = readGroupNumber(pattern, close ? at + 3 : at + 2, before);
  if (!number) return close ? readGroupName(pattern, at + 2, close, before) : notFollowed;
  if (number.problem) return number.problem;
  if (close && pattern[number.end] !== close) return notFollowed;
  // A back reference to group 0 does not exist; a call of group 0 recurses the whole pattern.
  if (number.reference!.number === 0) return open === '<' || open === "'" ? undefined : NO_SUCH_GROUP;
  return number.reference;
}

/**
 * The group reference in the group at `at` (just after its "("): (?N), (?+N), (?-N),
 * (?&name), (?P>name), (?P=name), and the conditions (?(N)...), (?(<name>)...), (?('name')...).
 */
function groupReference(pattern: string, at: number, before: number): GroupReference | string | undefined {
  const head = pattern.slice(at, at + 40);
  let m = /^\?(?:\(([+-]?)(\d{1,5})\)|([+-]?)(\d{1,5})\))/.exec(head);
  if (m) {
    const sign = m[1] ?? m[3];
    const n = Number(m[2] ?? m[4]);
    if (sign && n === 0) return 'a relative value of zero is not allowed';
    if (sign) return { relative: sign === '-' ? -n : n, before };
    return n === 0 ? undefined : { number: n, before };
  }
  m = /^\?(?:&|P[>=]|\(<|\(')([A-Za-z_]\w*)[)>']/.exec(head);
  return m ? { name: m[1], before } : undefined;
}

/** Lengths in a lookbehind: a number of characters, or one of these. */
const VARIABLE = -1;
const UNKNOWN = -2;

function addLength(a: number, b: number): number {
  if (a === VARIABLE || b === VARIABLE) return VARIABLE;
  if (a === UNKNOWN || b === UNKNOWN) return UNKNOWN;
  return a + b;
}

/** Openers of lookarounds: the text after "(". */
const LOOKAROUND = /^(?:\?(?:=|!|<=|<!)|\*(?:pla|plb|nla|nlb|napla|naplb|positive_lookahead|positive_lookbehind|negative_lookahead|negative_lookbehind|non_atomic_positive_lookahead|non_atomic_positive_lookbehind):)/;
const LOOKBEHIND = /^(?:\?<[=!]|\*(?:plb|nlb|naplb|positive_lookbehind|negative_lookbehind|non_atomic_positive_lookbehind):)/;

/**
 * The length of each alternative from `i` up to the ")" that ends them, as PCRE2 measures a
 * lookbehind: a quantifier other than {n} makes it VARIABLE, and so do \R, \X and a group
 * whose alternatives differ in length; references, calls, conditions and verbs make it
 * UNKNOWN (not checked). Lookarounds inside count nothing.
 */
function alternativeLengths(p: string, i: number): { lengths: number[]; end: number } {
  const lengths: number[] = [];
  let len = 0;
  let last = UNKNOWN;
  while (i < p.length && p[i] !== ')') {
    const c = p[i];
    let item = 1;
    if (c === '|') {
      lengths.push(len);
      len = 0;
      last = UNKNOWN;
      i++;
      continue;
    }
    if (c === '\\') {
      const e = p[i + 1] ?? '';
      if (e === 'Q') {
        const end = p.indexOf('\\E', i + 2);
        const quoted = (end < 0 ? p.length : end) - (i + 2);
        i = end < 0 ? p.length : end + 2;
        if (quoted > 0) (len = addLength(len, quoted)), (last = 1);
        continue;
      }
      if (e === 'E') {
        i += 2;
        continue;
      }
      if ('bBAzZG'.includes(e)) item = 0;
      else if (e === 'R' || e === 'X') item = VARIABLE;
      else if (/[1-9gkK]/.test(e)) item = UNKNOWN;
      i = escapeEnd(p, i);
      // \0 takes two more octal digits, \x two hex digits.
      if (e === '0') for (let k = 0; k < 2 && /[0-7]/.test(p[i] ?? ''); k++) i++;
      if (e === 'x' && p[i - 1] !== '}') for (let k = 0; k < 2 && /[0-9A-Fa-f]/.test(p[i] ?? ''); k++) i++;
    } else if (c === '[') {
      const end = classEnd(p, i);
      if (typeof end === 'string') return { lengths: [UNKNOWN], end: p.length };
      i = end + 1;
    } else if (c === '(') {
      const head = p.slice(i + 1, i + 41);
      if (head.startsWith('?#')) {
        const close = p.indexOf(')', i);
        i = close < 0 ? p.length : close + 1;
        continue;
      }
      const setting = OPTION_SETTING.exec(head);
      if (setting) {
        i += 1 + setting[0].length;
        continue;
      }
      if (/^\*[A-Z:]/.test(head)) {
        // A backtracking verb matches nothing.
        const close = p.indexOf(')', i);
        i = close < 0 ? p.length : close + 1;
        last = 0;
        continue;
      }
      const look = LOOKAROUND.exec(head);
      const opener = look ?? GROUP_OPENER.exec(head);
      if (!look && (head[0] === '?' || head[0] === '*') && !opener) return { lengths: [UNKNOWN], end: p.length };
      const inner = alternativeLengths(p, i + 1 + (opener ? opener[0].length : 0));
      i = inner.end + 1;
      if (look) item = 0;
      else if (inner.lengths.includes(VARIABLE)) item = VARIABLE;
      else if (inner.lengths.includes(UNKNOWN)) item = UNKNOWN;
      else item = inner.lengths.every((l) => l === inner.lengths[0]) ? inner.lengths[0] : VARIABLE;
    } else if (c === '*' || c === '+' || c === '?') {
      len = last > 0 || last === VARIABLE ? VARIABLE : addLength(len, UNKNOWN);
      i++;
      if (p[i] === '+' || p[i] === '?') i++;
      last = UNKNOWN;
      continue;
    } else if (c === '{' && QUANTIFIER_BRACES.test(p.slice(i, i + 24))) {
      const m = QUANTIFIER_BRACES.exec(p.slice(i, i + 24))!;
      const min = Number(m[1]);
      const fixed = m[2] === undefined || (m[2] !== '' && Number(m[2]) === min);
      if (!fixed) len = last > 0 || last === VARIABLE ? VARIABLE : addLength(len, UNKNOWN);
      else if (last >= 0) len = addLength(len, last * (min - 1));
      else len = addLength(len, last);
      i += m[0].length;
      if (p[i] === '+' || p[i] === '?') i++;
      last = UNKNOWN;
      continue;
    } else {
      if (c === '^' || c === '$') item = 0;
      i++;
    }
    len = addLength(len, item);
    last = item;
  }
  lengths.push(len);
  return { lengths, end: i };
}

/** What a quantifier would apply to at a point of the pattern. */
const enum Before {
  /** Nothing repeatable: the start of the pattern or an alternative, an anchor. */
  Nothing,
  /** A character, class, escape or group. */
  Item,
  /** A quantifier, which may take one "+" (possessive) or "?" (lazy). */
  Quantifier,
  /** A quantifier with its "+" or "?". */
  Done,
}

/** PCRE2's POSIX class names. */
const POSIX_CLASSES = new Set(['alpha', 'alnum', 'ascii', 'blank', 'cntrl', 'digit', 'graph', 'lower', 'print', 'punct', 'space', 'upper', 'word', 'xdigit']);
/** Escapes that match a position, not a character: nothing to repeat. */
const ASSERTION_ESCAPES = new Set(['b', 'B', 'A', 'z', 'Z', 'G', 'K']);
const QUANTIFIER_BRACES = /^\{(\d+)(?:,(\d*))?\}/;

/**
 * What follows "(" when it opens a group whose body follows: "(?:", lookarounds, atomic and
 * branch-reset groups, named groups, option settings with ":", and verbs like "(*pla:".
 */
const GROUP_OPENER = /^(?:\?(?:[:=!>|]|<[=!]|<[A-Za-z_]\w*>|'[A-Za-z_]\w*'|P<[A-Za-z_]\w*>|\^?[imnsx]*(?:-[imnsx]*)?:)|\*[a-z_]+:)/;

/** An option setting that is not a group: "(?i)", "(?-x)", "(?^)", "(?)". */
const OPTION_SETTING = /^\?\^?[imnsxJU]*(?:-[imnsxJU]*)?\)/;

/** Escapes that stand for a set of characters: in a class they cannot end or start a range. */
const CLASS_TYPE_ESCAPES = new Set(['d', 'D', 's', 'S', 'w', 'W', 'h', 'H', 'v', 'V', 'p', 'P']);

/** Whether a "-" at `at` in a class starts a range (it does unless a "]" follows it). */
function startsRange(pattern: string, at: number): boolean {
  return pattern[at] === '-' && at + 1 < pattern.length && pattern[at + 1] !== ']';
}

/** Escapes PCRE2 refuses in a character class. */
const CLASS_INVALID_ESCAPES = new Set(['B', 'R', 'X', 'k', 'K', 'G', 'A', 'z', 'Z']);

/** Escapes that may take an argument in braces: \x{41}, \o{101}, \g{1}, \k{name}, \p{L}, \N{U+41}. */
const BRACED_ESCAPES = new Set(['x', 'o', 'g', 'k', 'p', 'P', 'N']);

/**
 * The index just after the escape at `at` (a backslash): its argument in braces is part of
 * it (a quantifier after `\x{41}` repeats the character), and so is the character after \c.
 */
function escapeEnd(pattern: string, at: number): number {
  const e = pattern[at + 1];
  if (e === 'c') return Math.min(at + 3, pattern.length);
  // \pL: a one-letter property name.
  if ((e === 'p' || e === 'P') && pattern[at + 2] !== '{') return Math.min(at + 3, pattern.length);
  if (e !== undefined && BRACED_ESCAPES.has(e) && pattern[at + 2] === '{') {
    const close = pattern.indexOf('}', at + 3);
    if (close >= 0) return close + 1;
  }
  return at + 2;
}

/** PCRE2's message for the first structural error of the pattern, or undefined. */
export function regexProblem(pattern: string): string | undefined {
  if (/\(\?\^?[a-wyzA-Z]*x/.test(pattern)) return undefined;
  const n = pattern.length;
  let depth = 0;
  let before = Before.Nothing;
  let i = 0;
  let captures = 0;
  const names = new Set<string>();
  const references: GroupReference[] = [];
  // Branch reset groups "(?|" number their groups differently, (?n) makes "(" no capture,
  // and (?J) allows a name twice: group references are not checked in such patterns.
  const checkGroups = !pattern.includes('(?|') && !/\(\?[\^imnsxJU-]*[nJ]/.test(pattern);
  // Open groups, true for a lookaround or a group inside one (\K is refused there).
  const inLookaround: boolean[] = [];
  let lookbehindProblem: string | undefined;
  // PCRE2 finds these when it compiles, after a syntax error anywhere.
  let lookaroundK = false;
  // Start settings: "(*UTF)(*CRLF)..." before anything else.
  for (let len = startItemLength(pattern, 0); len > 0; len = startItemLength(pattern, i)) i += len;
  const quantifier = (possibleSuffix: boolean): string | undefined => {
    if (before === Before.Item) before = Before.Quantifier;
    else if (before === Before.Quantifier && possibleSuffix) before = Before.Done;
    else return 'quantifier does not follow a repeatable item';
    return undefined;
  };
  while (i < n) {
    const c = pattern[i];
    switch (c) {
      case '\\': {
        const e = pattern[i + 1];
        if (e === undefined) return '\\ at end of pattern';
        if (e === 'Q') {
          const end = pattern.indexOf('\\E', i + 2);
          // An empty \Q\E quotes nothing: it changes nothing.
          if (end !== i + 2) before = Before.Item;
          i = end < 0 ? n : end + 2;
          continue;
        }
        if (e === 'E') {
          // \E outside \Q...\E is ignored.
          i += 2;
          continue;
        }
        if (e === 'p' || e === 'P') {
          const problem = propertyProblem(pattern, i);
          if (problem) return problem;
        }
        if (e === 'K' && inLookaround[inLookaround.length - 1]) lookaroundK = true;
        // A reference back ("-1") is resolved as it is read, the others at the end.
        const reference = escapeReference(pattern, i, captures);
        if (typeof reference === 'string') return reference;
        if (reference && checkGroups) references.push(reference);
        before = e !== undefined && ASSERTION_ESCAPES.has(e) ? Before.Nothing : Before.Item;
        i = escapeEnd(pattern, i);
        continue;
      }
      case '[': {
        const end = classEnd(pattern, i);
        if (typeof end === 'string') return end;
        i = end + 1;
        before = Before.Item;
        continue;
      }
      case '(': {
        if (pattern.startsWith('(?#', i)) {
          const end = pattern.indexOf(')', i);
          if (end < 0) return 'missing ) after (?# comment';
          i = end + 1;
          continue;
        }
        depth++;
        i++;
        before = Before.Nothing;
        const look = LOOKAROUND.test(pattern.slice(i, i + 40));
        inLookaround.push(look || inLookaround[inLookaround.length - 1] === true);
        if (look && !lookbehindProblem && LOOKBEHIND.test(pattern.slice(i, i + 40))) {
          // PCRE2 measures lookbehinds once the pattern is read: a later syntax error comes first.
          const body = i + LOOKBEHIND.exec(pattern.slice(i, i + 40))![0].length;
          if (alternativeLengths(pattern, body).lengths.includes(VARIABLE)) lookbehindProblem = 'lookbehind assertion is not fixed length';
        }
        // "(?..." is group syntax and "(*VERB)" a verb: what follows is not a quantifier.
        const head = pattern.slice(i, i + 40);
        const setting = OPTION_SETTING.exec(head);
        if (setting) {
          // "(?i)" sets options and is no group: a quantifier after it has nothing to repeat.
          depth--;
          inLookaround.pop();
          i += setting[0].length;
          continue;
        }
        if (pattern[i] === '*' && i + 1 < n && !/[A-Za-z:)]/.test(pattern[i + 1])) return '(*VERB) not recognized or malformed';
        if (pattern[i] === '*') {
          const problem = verbProblem(pattern, i);
          if (problem) return problem;
          // A backtracking verb ("(*MARK:x)", "(*F)") is not an item: nothing to repeat after
          // it, except (*ACCEPT), which PCRE2 lets a quantifier repeat.
          const c = pattern.charCodeAt(i + 1);
          if ((c >= 65 && c <= 90) || c === 58 /* : */) {
            const close = pattern.indexOf(')', i);
            if (close < 0) return '(*VERB) not recognized or malformed';
            depth--;
            inLookaround.pop();
            before = pattern.startsWith('*ACCEPT', i) ? Before.Item : Before.Nothing;
            i = close + 1;
            continue;
          }
        }
        if (checkGroups) {
          if (pattern[i] !== '?' && pattern[i] !== '*') captures++;
          else {
            const named = /^\?(?:<|'|P<)([A-Za-z_]\w*)[>']/.exec(head);
            if (named) {
              if (named[1].length > 32) return NAME_TOO_LONG;
              if (names.has(named[1])) return 'two named subpatterns have the same name (PCRE2_DUPNAMES not set)';
              names.add(named[1]);
              captures++;
            } else {
              const reference = groupReference(pattern, i, captures);
              if (typeof reference === 'string') return reference;
              if (reference && reference.relative !== undefined && -reference.relative > reference.before) return NO_SUCH_GROUP;
              if (reference) references.push(reference);
            }
          }
        }
        // A condition "(?(1)", "(?(<name>)", "(?(R)", "(?(DEFINE)": its "(...)" is no group.
        const condition = /^\?\((?![?*])[^()]*\)/.exec(head);
        if (condition) {
          i += condition[0].length;
          continue;
        }
        const opener = GROUP_OPENER.exec(head);
        if (opener) {
          // A group's body starts after its opener: a quantifier there has nothing to repeat.
          i += opener[0].length;
        } else if (pattern[i] === '?' || (pattern[i] === '*' && /[A-Za-z:]/.test(pattern[i + 1] ?? ''))) {
          i++;
          before = Before.Item;
        }
        continue;
      }
      case ')':
        if (depth === 0) return 'unmatched closing parenthesis';
        depth--;
        inLookaround.pop();
        i++;
        before = Before.Item;
        continue;
      case '|':
      case '^':
      case '$':
        i++;
        before = Before.Nothing;
        continue;
      case '*':
      case '+':
      case '?': {
        const problem = quantifier(c !== '*');
        if (problem) return problem;
        i++;
        continue;
      }
      case '{': {
        const m = QUANTIFIER_BRACES.exec(pattern.slice(i, i + 24));
        if (m) {
          if (Number(m[1]) > 65535 || (m[2] !== undefined && Number(m[2]) > 65535)) return 'number too big in {} quantifier';
          if (m[2] !== undefined && m[2] !== '' && Number(m[1]) > Number(m[2])) return 'numbers out of order in {} quantifier';
          const problem = quantifier(false);
          if (problem) return problem;
          i += m[0].length;
          continue;
        }
        i++;
        before = Before.Item;
        continue;
      }
      default:
        i++;
        before = Before.Item;
    }
  }
  if (depth > 0) return 'missing closing parenthesis';
  if (lookbehindProblem) return lookbehindProblem;
  if (lookaroundK) return '\\K is not allowed in lookarounds (but see PCRE2_EXTRA_ALLOW_LOOKAROUND_BSK)';
  for (const r of references) {
    const exists =
      r.name !== undefined ? names.has(r.name) : r.number !== undefined ? r.number <= captures : r.relative! < 0 ? -r.relative! <= r.before : r.before + r.relative! <= captures;
    if (!exists) return NO_SUCH_GROUP;
  }
  return undefined;
}

/**
 * The index of the "]" that closes the class opening at `start`, or PCRE2's message. A "]"
 * straight after "[" or "[^" is a member; "[:name:]" is a POSIX class; a backslash escapes
 * one character (and \Q...\E quotes).
 */
function classEnd(pattern: string, start: number): number | string {
  let i = start + 1;
  if (pattern[i] === '^') i++;
  // \E and an empty \Q\E are ignored, also before a "]" that is a member.
  for (;;) {
    if (pattern.startsWith('\\E', i)) i += 2;
    else if (pattern.startsWith('\\Q\\E', i)) i += 4;
    else break;
  }
  if (pattern[i] === ']') i++;
  while (i < pattern.length) {
    const c = pattern[i];
    if (c === '\\') {
      const e = pattern[i + 1];
      if (e === undefined) return '\\ at end of pattern';
      if (CLASS_INVALID_ESCAPES.has(e)) return 'escape sequence is invalid in character class';
      if (e === 'N') return '\\N is not supported in a class';
      if (e === 'Q') {
        const end = pattern.indexOf('\\E', i + 2);
        if (end < 0) break;
        i = end + 2;
      } else {
        if (e === 'p' || e === 'P') {
          const problem = propertyProblem(pattern, i);
          if (problem) return problem;
        }
        i = escapeEnd(pattern, i);
        if (e !== undefined && CLASS_TYPE_ESCAPES.has(e) && startsRange(pattern, i)) return 'invalid range in character class';
      }
      continue;
    }
    if (c === '[' && (pattern[i + 1] === ':' || pattern[i + 1] === '.' || pattern[i + 1] === '=')) {
      const close = pattern.indexOf(`${pattern[i + 1]}]`, i + 2);
      if (close >= 0 && !pattern.slice(i + 2, close).includes(']')) {
        const name = pattern.slice(i + 2, close);
        if (pattern[i + 1] !== ':') return 'POSIX collating elements are not supported';
        // [[:<:]] and [[:>:]] are word boundaries only as a whole class.
        const boundary = (name === '<' || name === '>') && i === start + 1 && pattern[close + 2] === ']';
        if (!boundary && !POSIX_CLASSES.has(name.replace(/^\^/, ''))) return 'unknown POSIX class name';
        i = close + 2;
        if (startsRange(pattern, i)) return 'invalid range in character class';
        continue;
      }
    }
    if (c === ']') return i;
    if (pattern[i + 1] === '-' && i + 2 < pattern.length && pattern[i + 2] !== ']') {
      // A range from a plain character: to a class escape it is invalid; between two ASCII
      // characters (PCRE2 reads bytes here) the end must not come before the start.
      const to = pattern[i + 2];
      if (to === '\\') {
        if (CLASS_TYPE_ESCAPES.has(pattern[i + 3] ?? '')) return 'invalid range in character class';
      } else if (to !== '[' && c.charCodeAt(0) < 128 && to.charCodeAt(0) < 128) {
        if (to.charCodeAt(0) < c.charCodeAt(0)) return 'range out of order in character class';
        i += 3;
        continue;
      }
    }
    i++;
  }
  return 'missing terminating ] for character class';
}
