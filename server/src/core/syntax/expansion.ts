/**
 * A small, tolerant reader of Exim string expansions (`$var`, `${var}`, `${op:...}`,
 * `${item{...}{...}}`, `${if cond {...}{...}}`), following expand_string_internal() closely
 * enough to find what Exim would refuse when it expands the string: unbalanced braces,
 * unknown items, operators and conditions, wrong numbers of arguments, unknown variables.
 * It never throws; after a problem it goes on where it can. Exim's own wording is used
 * where it has one. Names and argument counts: syntaxData.ts (checked against the binary).
 */
import {
  ExpansionConditionInfo,
  HEADER_VARIABLE_PREFIXES,
  expansionCondition,
  expansionItem,
  isExpansionOperator,
  isKnownVariable,
} from '../syntaxData';

export type ExpansionProblemKind = 'syntax' | 'unknown-item' | 'unknown-operator' | 'unknown-condition' | 'unknown-variable' | 'arguments';

export interface ExpansionProblem {
  kind: ExpansionProblemKind;
  message: string;
  /** Offsets in the scanned text. */
  start: number;
  end: number;
  /** The unknown name, for did-you-mean. */
  name?: string;
}

export interface ExpansionReference {
  kind: 'variable' | 'item' | 'operator' | 'condition';
  name: string;
  start: number;
  end: number;
}

export interface ExpansionScan {
  problems: ExpansionProblem[];
  references: ExpansionReference[];
}

// Character codes (NaN past the end of the string, which none of these accept).
const BACKSLASH = 92;
const DOLLAR = 36;
const OPEN = 123;
const CLOSE = 125;
const COLON = 58;
const isAlpha = (c: number): boolean => (c >= 97 && c <= 122) || (c >= 65 && c <= 90);
const isDigit = (c: number): boolean => c >= 48 && c <= 57;
const isNameChar = (c: number): boolean => isAlpha(c) || isDigit(c) || c === 95;
/** Space, tab, newline, vertical tab, form feed, carriage return: C's isspace(). */
const isSpace = (c: number): boolean => c === 32 || (c >= 9 && c <= 13);
const isComparison = (c: number): boolean => c === 60 || c === 61 || c === 62; // < = >

const lowerCode = (c: number): number => (c >= 65 && c <= 90 ? c + 32 : c);
const HEADER_PREFIX_STARTS = new Set(HEADER_VARIABLE_PREFIXES.map((p) => p.charCodeAt(0)));

/** A name (letters, digits, "_") that starts with a header prefix ($h_, $rheader_ ...) in any case. */
function isHeaderPrefixed(name: string): boolean {
  if (!HEADER_PREFIX_STARTS.has(lowerCode(name.charCodeAt(0)))) return false;
  for (const p of HEADER_VARIABLE_PREFIXES) {
    if (name.length < p.length) continue;
    let k = 0;
    while (k < p.length && lowerCode(name.charCodeAt(k)) === p.charCodeAt(k)) k++;
    if (k === p.length) return true;
  }
  return false;
}

/** Depth beyond which the reader stops descending (a guard against pathological input). */
const MAX_DEPTH = 200;

class Scanner {
  readonly problems: ExpansionProblem[] = [];
  /** Offsets that have a problem (made with the first one). */
  private problemStarts: Set<number> | undefined;
  private depth = 0;
  /** Offset where nesting first went past MAX_DEPTH, if it did. */
  tooDeepAt = -1;
  /** Where the last args() stopped. */
  private argsEnd = 0;

  constructor(
    private readonly s: string,
    /** Undefined when the caller wants only the problems. */
    readonly references: ExpansionReference[] | undefined,
  ) {}

  private problem(kind: ExpansionProblemKind, message: string, start: number, end: number, name?: string): void {
    // One problem per place is enough.
    this.problemStarts ??= new Set();
    if (this.problemStarts.has(start)) return;
    this.problemStarts.add(start);
    const p: ExpansionProblem = { kind, message, start, end: Math.max(end, start + 1) };
    if (name !== undefined) p.name = name;
    this.problems.push(p);
  }

  private skipSpace(i: number): number {
    while (isSpace(this.s.charCodeAt(i))) i++;
    return i;
  }

  private readName(i: number): number {
    while (isNameChar(this.s.charCodeAt(i))) i++;
    return i;
  }

  /** Counts one more level of nesting at i; past the bound, notes where and answers false. */
  private enter(i: number): boolean {
    if (++this.depth <= MAX_DEPTH) return true;
    this.depth--;
    if (this.tooDeepAt < 0) this.tooDeepAt = i;
    return false;
  }

  /**
   * Reads expandable text from i. With `inBraces`, stops at the closing brace (returns its
   * offset) or reports the missing brace at `open` and returns the end.
   */
  text(i: number, inBraces: boolean, open = -1): number {
    const s = this.s;
    if (!this.enter(i)) return s.length;
    try {
      while (i < s.length) {
        const c = s.charCodeAt(i);
        if (c === BACKSLASH) {
          if (s.charCodeAt(i + 1) === 78 /* N */) {
            // \N...\N: copied literally.
            const end = s.indexOf('\\N', i + 2);
            i = end < 0 ? s.length : end + 2;
          } else i += 2;
          continue;
        }
        if (c === DOLLAR) {
          i = this.dollar(i);
          continue;
        }
        if (c === CLOSE && inBraces) return i;
        // An unbalanced '{' in text is literal for Exim; a '}' outside braces too.
        i++;
      }
      if (inBraces) this.problem('syntax', 'missing } at end of string', open >= 0 ? open : s.length - 1, open >= 0 ? open + 1 : s.length);
      return s.length;
    } finally {
      this.depth--;
    }
  }

  /** `{...}` at i (after optional white space): returns the offset after the closing brace, or -1 when there is no "{". */
  private braced(i: number): number {
    i = this.skipSpace(i);
    if (this.s.charCodeAt(i) !== OPEN) return -1;
    const close = this.text(i + 1, true, i);
    return close >= this.s.length ? this.s.length : close + 1;
  }

  private variable(name: string, start: number, end: number): void {
    this.references?.push({ kind: 'variable', name, start, end });
    if (!isKnownVariable(name)) this.problem('unknown-variable', `unknown variable name "${name}"`, start, end, name);
  }

  /** After a header prefix: the header name runs to a colon (which ends it) or white space. */
  private headerName(i: number, braced: boolean): number {
    const s = this.s;
    while (i < s.length && s.charCodeAt(i) !== COLON && !isSpace(s.charCodeAt(i)) && !(braced && s.charCodeAt(i) === CLOSE)) i++;
    return s.charCodeAt(i) === COLON ? i + 1 : i;
  }

  private dollar(i: number): number {
    const s = this.s;
    const j = i + 1;
    if (isDigit(s.charCodeAt(j))) {
      let k = j;
      while (isDigit(s.charCodeAt(k))) k++;
      return k;
    }
    if (isAlpha(s.charCodeAt(j))) {
      const end = this.readName(j);
      const name = s.slice(j, end);
      if (isHeaderPrefixed(name)) return this.headerName(end, false);
      this.variable(name, j, end);
      return end;
    }
    if (s.charCodeAt(j) === OPEN) return this.brace(i);
    this.problem('syntax', '"$" must be followed by a name, a digit or "{" (write "\\$" for a dollar sign)', i, j);
    return j;
  }

  /** `${` at i. */
  private brace(i: number): number {
    const s = this.s;
    // Problems about the whole ${...} point at its "$".
    const open = i;
    let j = i + 2;
    if (isDigit(s.charCodeAt(j))) {
      while (isDigit(s.charCodeAt(j))) j++;
      if (s.charCodeAt(j) === CLOSE) return j + 1;
      this.problem('syntax', 'missing } after a numeric variable', i, j);
      return j;
    }
    const nameEnd = this.readName(j);
    const name = s.slice(j, nameEnd);
    if (!name) {
      this.problem('syntax', `"\${" is not followed by a name`, i, i + 2);
      return i + 2;
    }
    const next = s.charCodeAt(nameEnd);
    const item = expansionItem(name);
    if (item) {
      this.references?.push({ kind: 'item', name, start: j, end: nameEnd });
      return this.item(name, item.kind, item.min, item.max, i, nameEnd);
    }
    if (next === COLON) {
      this.references?.push({ kind: 'operator', name, start: j, end: nameEnd });
      const bad = operatorProblem(name);
      if (bad) this.problem('unknown-operator', bad, j, nameEnd, bad.startsWith('unknown') ? name : undefined);
      return this.close(this.text(nameEnd + 1, true, open), open);
    }
    if (next === CLOSE) {
      // Header lines are variables only in the $h_name: form, not in braces.
      if (isHeaderPrefixed(name)) this.problem('unknown-variable', `unknown variable in "\${${name}}" (header lines are written $h_name: without braces)`, j, nameEnd);
      else this.variable(name, j, nameEnd);
      return nameEnd + 1;
    }
    this.problem('unknown-item', `"\${${name}" is not a known operator (or a } is missing in a variable reference)`, j, nameEnd, name);
    // Skip to the brace that closes this one.
    return this.close(this.text(nameEnd, true, open), open);
  }

  private close(at: number, _open: number): number {
    return at >= this.s.length ? this.s.length : at + 1;
  }

  /** Reads `{arg}...` groups; returns their count, and leaves the offset after the last in argsEnd. */
  private args(i: number, max = 50): number {
    let n = 0;
    let at = i;
    while (n < max) {
      const next = this.braced(at);
      if (next < 0) break;
      n++;
      at = next;
    }
    this.argsEnd = at;
    return n;
  }

  /** The end of an item: optional "fail", then "}". */
  private itemEnd(i: number, open: number, name: string): number {
    const s = this.s;
    let j = this.skipSpace(i);
    if (s.startsWith('fail', j) && !isNameChar(s.charCodeAt(j + 4))) j = this.skipSpace(j + 4);
    if (s.charCodeAt(j) === CLOSE) return j + 1;
    if (j >= s.length) this.problem('syntax', `missing } at end of "${name}"`, open, open + 1);
    else this.problem('syntax', `missing } at end of "${name}" (found "${s[j]}")`, j, j + 1);
    // Resynchronise on the brace that closes the item.
    return this.close(this.text(j, true, open), open);
  }

  private countProblem(name: string, n: number, min: number, max: number, start: number, end: number): void {
    if (n < min) this.problem('arguments', `Not enough arguments for '${name}' (min is ${min})`, start, end);
    else if (n > max) this.problem('arguments', `Too many arguments for '${name}' (max is ${max})`, start, end);
  }

  private item(name: string, kind: string, min: number, max: number, dollar: number, nameEnd: number): number {
    const s = this.s;
    const open = dollar;
    let i = nameEnd;
    switch (kind) {
      case 'if': {
        i = this.condition(this.skipSpace(i), open);
        this.args(i, 2);
        return this.itemEnd(this.argsEnd, open, name);
      }
      case 'lookup': {
        i = this.skipSpace(i);
        if (s.charCodeAt(i) === OPEN) i = this.braced(i);
        i = this.skipSpace(i);
        // The lookup type: partial-lsearch*@, dnsdb, lsearch,ret=full ...
        const typeStart = i;
        while (i < s.length && !isSpace(s.charCodeAt(i)) && s.charCodeAt(i) !== OPEN && s.charCodeAt(i) !== CLOSE) i++;
        if (i === typeStart) this.problem('syntax', 'missing lookup type', nameEnd, nameEnd + 1);
        const query = this.braced(i);
        if (query < 0) {
          this.problem('syntax', `missing '{' for the key or query of lookup`, i, i + 1);
          return this.itemEnd(i, open, name);
        }
        this.args(query, 2);
        return this.itemEnd(this.argsEnd, open, name);
      }
      case 'run': {
        if (s.charCodeAt(i) === 44 /* , */) while (i < s.length && !isSpace(s.charCodeAt(i)) && s.charCodeAt(i) !== OPEN) i++;
        const n = this.args(i, 3);
        this.countProblem(name, n, 1, 3, dollar, nameEnd);
        return this.itemEnd(this.argsEnd, open, name);
      }
      case 'extract': {
        i = this.skipSpace(i);
        if (s.startsWith('jsons', i)) i += 5;
        else if (s.startsWith('json', i)) i += 4;
        const n = this.args(i, max + 1);
        this.countProblem(name, n, min, max, dollar, nameEnd);
        return this.itemEnd(this.argsEnd, open, name);
      }
      case 'filter': {
        const list = this.braced(i);
        if (list < 0) {
          this.problem('syntax', `missing '{' for first arg of ${name}`, nameEnd, nameEnd + 1);
          return this.itemEnd(i, open, name);
        }
        let j = this.skipSpace(list);
        if (s.charCodeAt(j) !== OPEN) {
          this.problem('syntax', `missing '{' for second arg of ${name}`, j, j + 1);
          return this.itemEnd(j, open, name);
        }
        j = this.condition(this.skipSpace(j + 1), open);
        j = this.skipSpace(j);
        if (s.charCodeAt(j) === CLOSE) j++;
        else this.problem('syntax', `missing } after the condition of ${name}`, j, j + 1);
        return this.itemEnd(j, open, name);
      }
      default: {
        const n = this.args(i, max + 1);
        this.countProblem(name, n, min, max, dollar, nameEnd);
        return this.itemEnd(this.argsEnd, open, name);
      }
    }
  }

  /** A condition at i (inside `${if` or a condition list); returns the offset after it. */
  condition(i: number, open: number): number {
    const s = this.s;
    if (!this.enter(i)) return s.length;
    try {
      i = this.skipSpace(i);
      while (s.charCodeAt(i) === 33 /* ! */) i = this.skipSpace(i + 1);
      const start = i;
      let name: string;
      if (isComparison(s.charCodeAt(i))) {
        while (isComparison(s.charCodeAt(i))) i++;
        name = s.slice(start, i);
      } else {
        i = this.readName(i);
        name = s.slice(start, i);
      }
      if (!name) {
        this.problem('syntax', `condition name expected, but found "${s.slice(start, start + 10)}"`, start, start + 1);
        return start;
      }
      const info: ExpansionConditionInfo | undefined = expansionCondition(name);
      if (!info) {
        this.problem('unknown-condition', `unknown condition "${name}"`, start, i, name);
        // Skip its arguments so that the rest can still be read.
        this.args(i);
        return this.argsEnd;
      }
      this.references?.push({ kind: 'condition', name, start, end: i });
      switch (info.kind) {
        case 'none':
          return i;
        case 'def': {
          if (s.charCodeAt(i) !== COLON) {
            this.problem('syntax', `":" expected after "def"`, i, i + 1);
            return i;
          }
          const vStart = i + 1;
          let vEnd = this.readName(vStart);
          const v = s.slice(vStart, vEnd);
          if (isHeaderPrefixed(v)) vEnd = this.headerName(vEnd, true);
          else if (v) this.variable(v, vStart, vEnd);
          return vEnd;
        }
        case 'condlist': {
          let j = this.skipSpace(i);
          if (s.charCodeAt(j) !== OPEN) {
            this.problem('syntax', `missing { after "${name}"`, j, j + 1);
            return j;
          }
          j = this.skipSpace(j + 1);
          while (s.charCodeAt(j) === OPEN) {
            j = this.condition(j + 1, open);
            j = this.skipSpace(j);
            if (s.charCodeAt(j) === CLOSE) j = this.skipSpace(j + 1);
            else {
              this.problem('syntax', `each subcondition inside an "${name}{...}" condition must be in its own {}`, j, j + 1);
              return this.skipTo(j);
            }
          }
          if (s.charCodeAt(j) === CLOSE) return j + 1;
          this.problem('syntax', `missing } at end of "${name}" condition list`, j, j + 1);
          return j;
        }
        case 'forall': {
          const list = this.braced(i);
          if (list < 0) {
            this.problem('syntax', `missing { after "${name}"`, i, i + 1);
            return i;
          }
          let j = this.skipSpace(list);
          if (s.charCodeAt(j) !== OPEN) {
            this.problem('syntax', `missing { after "${name}" list`, j, j + 1);
            return j;
          }
          j = this.skipSpace(this.condition(j + 1, open));
          if (s.charCodeAt(j) === CLOSE) return j + 1;
          this.problem('syntax', `missing } at end of condition inside "${name}"`, j, j + 1);
          return j;
        }
        case 'nested': {
          let j = this.skipSpace(i);
          if (s.charCodeAt(j) !== OPEN) {
            this.problem('syntax', `missing { after "${name}"`, j, j + 1);
            return j;
          }
          const n = this.args(j + 1, (info.max ?? 10) + 1);
          this.countProblem(name, n, info.min ?? 1, info.max ?? 10, start, i);
          j = this.skipSpace(this.argsEnd);
          if (s.charCodeAt(j) === CLOSE) return j + 1;
          this.problem('syntax', `missing } at end of "${name}" arguments`, j, j + 1);
          return j;
        }
        default: {
          const want = info.min ?? 1;
          let j = i;
          for (let k = 0; k < want; k++) {
            const next = this.braced(j);
            if (next < 0) {
              this.problem('syntax', k === 0 ? `missing { after "${name}"` : `missing ${ordinal(k + 1)} string in {} after "${name}"`, this.skipSpace(j), this.skipSpace(j) + 1);
              return j;
            }
            j = next;
          }
          return j;
        }
      }
    } finally {
      this.depth--;
    }
  }

  /** Skips to the next unbalanced "}" (for recovery). */
  private skipTo(i: number): number {
    let depth = 0;
    const s = this.s;
    while (i < s.length) {
      if (s.charCodeAt(i) === BACKSLASH) i++;
      else if (s.charCodeAt(i) === OPEN) depth++;
      else if (s.charCodeAt(i) === CLOSE) {
        if (depth === 0) return i;
        depth--;
      }
      i++;
    }
    return s.length;
  }
}

/** Operators whose name takes numbers after underscores: hash_3_4, l_5, substr_1_2. */
const NUMBERED = new Set(['hash', 'h', 'length', 'l', 'substr', 's', 'nhash', 'nh']);
/** The digest lengths ${sha2_N:} and ${sha3_N:} take, measured with Exim 4.96 (sha2_224 is refused). */
const SHA_VARIANTS: Record<string, Set<string>> = { sha2: new Set(['256', '384', '512']), sha3: new Set(['224', '256', '384', '512']) };

function operatorProblem(name: string): string | undefined {
  if (!isExpansionOperator(name)) return `unknown expansion operator "${name}"`;
  const us = name.indexOf('_');
  const sha = us > 0 ? SHA_VARIANTS[name.slice(0, us)] : undefined;
  if (sha) return sha.has(name.slice(us + 1)) ? undefined : `unrecognised ${name.slice(0, us)} variant`;
  // Measured with Exim 4.96: an empty number is taken (${l_:abc}), a letter is not.
  if (us > 0 && NUMBERED.has(name.slice(0, us)) && !/^(?:\d+(?:_\d+)*)?$/.test(name.slice(us + 1))) return `non-digit after underscore in "${name}"`;
  return undefined;
}

function ordinal(n: number): string {
  return n === 2 ? '2nd' : n === 3 ? '3rd' : `${n}th`;
}

/** Reads an expanded string and returns what Exim would refuse in it, and what it refers to. */
export function scanExpansion(text: string): ExpansionScan {
  const references: ExpansionReference[] = [];
  return { problems: scan(text, references), references };
}

/** What Exim would refuse in an expanded string (scanExpansion without the references). */
export function expansionProblems(text: string): ExpansionProblem[] {
  return scan(text, undefined);
}

function scan(text: string, references: ExpansionReference[] | undefined): ExpansionProblem[] {
  const scanner = new Scanner(text, references);
  scanner.text(0, false);
  if (scanner.tooDeepAt >= 0) {
    // What follows the cut-off was not read, so "missing }" there would be false: say only this.
    const at = scanner.tooDeepAt;
    return [{ kind: 'syntax', message: `expansion nested more than ${MAX_DEPTH} levels deep: not checked beyond this point`, start: at, end: at + 1 }];
  }
  return scanner.problems;
}
