/**
 * The structural errors PCRE2 (Exim 4.96's regular expression library) finds when it
 * compiles a pattern, in PCRE2's words: unbalanced parentheses, an unterminated character
 * class, an unknown POSIX class name, a quantifier with nothing to repeat (at the start of
 * the pattern, of an alternative or of a group, after an anchor or an option setting,
 * after another quantifier), `{n,m}` with n > m or a number over 65535, escapes a class
 * cannot hold, ranges out of order or to a class escape, and unknown `(*VERB)`s. Anything else is left alone: this is not a full PCRE2 parser, so it only
 * speaks where the pattern is certainly broken. A pattern with `(?x)` (white space and `#`
 * comments) is not checked.
 */

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
        // "(?..." is group syntax and "(*VERB)" a verb: what follows is not a quantifier.
        const head = pattern.slice(i, i + 40);
        const setting = OPTION_SETTING.exec(head);
        if (setting) {
          // "(?i)" sets options and is no group: a quantifier after it has nothing to repeat.
          depth--;
          i += setting[0].length;
          continue;
        }
        if (pattern[i] === '*' && i + 1 < n && !/[A-Za-z:)]/.test(pattern[i + 1])) return '(*VERB) not recognized or malformed';
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
  return depth > 0 ? 'missing closing parenthesis' : undefined;
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
      if (e !== undefined && CLASS_INVALID_ESCAPES.has(e)) return 'escape sequence is invalid in character class';
      if (e === 'N') return '\\N is not supported in a class';
      if (e === 'Q') {
        const end = pattern.indexOf('\\E', i + 2);
        if (end < 0) break;
        i = end + 2;
      } else {
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
