/**
 * A small, tolerant reader of Exim string expansions (`$var`, `${var}`, `${op:...}`,
 * `${item{...}{...}}`, `${if cond {...}{...}}`), following expand_string_internal() closely
 * enough to find what Exim would refuse when it expands the string: unbalanced braces,
 * unknown items, operators and conditions, wrong numbers of arguments, unknown variables.
 * It never throws; after a problem it goes on where it can. Exim's own wording is used
 * where it has one. Names and argument counts: syntaxData.ts (checked against the binary).
 */
import { taintedVariableIn, unquotedTaintedReferences } from '../util/taint';
import {
  ExpansionConditionInfo,
  isHeaderPrefixed,
  expansionCondition,
  expansionItem,
  isExpansionOperator,
  isNamedOperator,
  isKnownVariable,
  lookupTypeStyle,
} from '../syntaxData';
import { fileLookupType, lookupTypeProblem } from './lookupType';
import { regexProblem } from '../util/regexSyntax';

/** 'runtime': a value Exim refuses only when it evaluates the item, not in a branch it skips. */
/** 'list-cut': an expansion in an unexpanded list argument, which Exim cuts at its first "}" (a wrong result, or a failure when matched). */
export type ExpansionProblemKind = 'syntax' | 'unknown-item' | 'unknown-operator' | 'unknown-condition' | 'unknown-variable' | 'arguments' | 'runtime' | 'tainted' | 'escaped-brace' | 'unquoted-query' | 'list-cut';

export interface ExpansionProblem {
  kind: ExpansionProblemKind;
  message: string;
  /** Offsets in the scanned text. */
  start: number;
  end: number;
  /** The unknown name, for did-you-mean; for 'tainted' and 'unquoted-query', the variable that carries data of the message. */
  name?: string;
  /**
   * A sqlite file named at the start of the query (the problem's range): the offsets of the
   * end of the lookup type and of the query's text after the file, for a fix that moves
   * the file into a `file=` option.
   */
  sqliteFile?: { typeEnd: number; queryStart: number };
  /** Data of the message in a query without the lookup's quoting: where, and the operator each needs. */
  unquoted?: { start: number; end: number; operator: string }[];
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


/** Query-style lookups that check the quoting of data of the message, and the operators that quote for them. */
const QUOTING_LOOKUPS: Record<string, string[]> = {
  mysql: ['quote_mysql'],
  pgsql: ['quote_pgsql'],
  ldap: ['quote_ldap', 'quote_ldap_dn'],
  ldapdn: ['quote_ldap', 'quote_ldap_dn'],
  ldapm: ['quote_ldap', 'quote_ldap_dn'],
};

/** ACL variables that carry data of the message, each with the variable it is set from and whether a lookup's quote operator went round it. */
export type TaintedSources = ReadonlyMap<string, { from: string; quoted: boolean }>;

/** Depth beyond which the reader stops descending (a guard against pathological input). */
const MAX_DEPTH = 200;
/**
 * Measured: 'Tainted filename for search' in the panic log, and the expansion fails as a
 * whole; what follows depends on the setting (an ACL answers 451, measured with exim -bh;
 * a router condition skips the router, an
 * appendfile path defers, an autoreply option fails the address, which bounces).
 */
const TAINTED_FILE_EFFECT =
  'Exim 4.94 and later refuse it ("Tainted filename", in the panic log) and the whole expansion fails: an ACL then answers 451, a router condition skips the router, other settings make the delivery defer or fail';

class Scanner {
  readonly problems: ExpansionProblem[] = [];
  /** Offsets that have a problem (made with the first one). */
  private problemStarts: Set<number> | undefined;
  private depth = 0;
  /** Offset where nesting first went past MAX_DEPTH, if it did. */
  tooDeepAt = -1;
  /** Where the last args() stopped. */
  private argsEnd = 0;
  /** Inside this many strings Exim may skip: ${if} and lookup yes/no strings, and/or conditions after the first. */
  private branch = 0;

  constructor(
    private readonly s: string,
    /** Undefined when the caller wants only the problems. */
    readonly references: ExpansionReference[] | undefined,
    /** Variables that carry data of the message besides Exim's own (ACL variables set from it), with the variable each is set from. */
    private readonly tainted?: TaintedSources,
  ) {}

  /** "$name", and for an ACL variable " (set from $sender_address)". */
  private taintedName(name: string): string {
    const from = this.tainted?.get(name)?.from;
    return from ? `$${name} (set from $${from})` : `$${name}`;
  }

  /** Records a problem and returns it, or undefined when this place has one already. */
  private problem(kind: ExpansionProblemKind, message: string, start: number, end: number, name?: string): ExpansionProblem | undefined {
    // One problem per place is enough.
    this.problemStarts ??= new Set();
    if (this.problemStarts.has(start)) return undefined;
    this.problemStarts.add(start);
    const p: ExpansionProblem = { kind, message, start, end: Math.max(end, start + 1) };
    if (name !== undefined) p.name = name;
    this.problems.push(p);
    return p;
  }

  private skipSpace(i: number): number {
    while (isSpace(this.s.charCodeAt(i))) i++;
    return i;
  }

  private readName(i: number): number {
    while (isNameChar(this.s.charCodeAt(i))) i++;
    return i;
  }

  /** A name after "${": Exim reads "-" in it too (${acl_m_a-b}, ${substr_-2:x}), but not first. */
  private readBracedName(i: number): number {
    if (!isNameChar(this.s.charCodeAt(i))) return i;
    while (isNameChar(this.s.charCodeAt(i)) || this.s.charCodeAt(i) === 45 /* - */) i++;
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
          // "\}{" in an argument: the escaped brace does not end it, and Exim reads the "{...}"
          // after it as text of this argument (HestiaCP's `${if match {...\}{$sender_helo_name}
          // {no}{yes}}` matches the regex "no"; measured with exim -be).
          if (inBraces && s.charCodeAt(i + 1) === CLOSE && s.charCodeAt(i + 2) === OPEN) {
            this.problem('escaped-brace', '"\\}" is an escaped brace, so the argument goes on: the "{" after it is text of this argument, not the start of the next one, and every argument after it moves one place; drop the backslash if the brace ends the argument (or write "\\}\\{" for the text "}{")', i, i + 2);
          }
          i = this.escapeEnd(i);
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

  /** The offset after the backslash escape at i; \N...\N is one escape, copied literally. */
  private escapeEnd(i: number): number {
    if (this.s.charCodeAt(i + 1) !== 78 /* N */) return i + 2;
    const end = this.s.indexOf('\\N', i + 2);
    return end < 0 ? this.s.length : end + 2;
  }

  /** `{...}` at i (after optional white space): returns the offset after the closing brace, or -1 when there is no "{". */
  private braced(i: number): number {
    i = this.skipSpace(i);
    if (this.s.charCodeAt(i) !== OPEN) return -1;
    const close = this.text(i + 1, true, i);
    return close >= this.s.length ? this.s.length : close + 1;
  }

  /**
   * `{...}` at i read as Exim reads a string whose "$" is not honoured: backslash escapes and
   * \N...\N still apply, and the first other "}" ends it. Returns the offset after it, or -1.
   */
  /**
   * An argument read without expansion from its "{" at i (after white space): the offset of
   * that "{", of the "}" that ends it (-1 when none does) and of the first "${" in it (-1).
   */
  private unexpandedSpan(i: number): { open: number; close: number; item: number } | undefined {
    const s = this.s;
    const open = this.skipSpace(i);
    if (s.charCodeAt(open) !== OPEN) return undefined;
    let item = -1;
    for (let j = open + 1; j < s.length; ) {
      const c = s.charCodeAt(j);
      if (c === BACKSLASH) j = this.escapeEnd(j);
      else if (c === CLOSE) return { open, close: j, item };
      else {
        if (c === DOLLAR && s.charCodeAt(j + 1) === OPEN && item < 0) item = j;
        j++;
      }
    }
    return { open, close: -1, item };
  }

  /** Whether the unexpanded argument at i holds a "${" before the "}" that ends it. */
  private cutsExpansion(i: number): boolean {
    const span = this.unexpandedSpan(i);
    return span !== undefined && span.close >= 0 && span.item >= 0;
  }

  private unexpanded(i: number, condition?: string): number {
    const s = this.s;
    const span = this.unexpandedSpan(i);
    if (!span) return -1;
    const { open, close, item } = span;
    if (close >= 0) {
      // Measured with exim -be: "${if match_ip{1.2.3.4}{${lc:1.2.3.4}}{yes}{no}}" fails
      // ('failed to expand "${lc:1.2.3.4" while checking a list'), and match_domain gives
      // "true{yes}{no}}". Variables written without braces are expanded with each item.
      if (item >= 0 && condition) {
        this.problem(
          'list-cut',
          `the list of ${condition} is read as it is written, not expanded first: the first "}" (of "${s.slice(item, Math.min(close + 1, item + 24))}") ends it, and Exim reads the rest of the item from there (the list's items are expanded only as they are matched, so a "\${...}" in it fails); set a variable to the expansion first and write $acl_m_name in the list, or use a named list`,
          item,
          close + 1,
        );
      }
      return close + 1;
    }
    this.problem('syntax', 'missing } at end of string', open, open + 1);
    return s.length;
  }

  private variable(name: string, start: number, end: number): void {
    this.references?.push({ kind: 'variable', name, start, end });
    if (!isKnownVariable(name)) this.problem('unknown-variable', `unknown variable name "${name}"`, start, end, name);
  }

  /**
   * After a header prefix: the header name runs to a colon (which ends it) or white space; a
   * "}" is part of it. `from` is where the reference starts, for the problem below.
   */
  private headerName(i: number, from: number): number {
    const s = this.s;
    const nameEnd = i;
    while (i < s.length && s.charCodeAt(i) !== COLON && !isSpace(s.charCodeAt(i))) i++;
    if (s.charCodeAt(i) === COLON) return i + 1;
    // Written without its colon and followed by punctuation (`"$h_subject"`, `$h_from,`):
    // Exim reads the punctuation as part of the name, a header no message has, so the value
    // is empty (measured with exim -bem). A "}" there is the syntax problem Exim reports.
    let k = nameEnd;
    while (k < i && (isNameChar(s.charCodeAt(k)) || s.charCodeAt(k) === 45 /* - */)) k++;
    if (k < i && s.charCodeAt(k) !== CLOSE && !s.slice(k, i).includes('}')) {
      const written = s.slice(from, i);
      const header = written.replace(/^\$?[a-z]+_/i, '');
      this.problem('unknown-variable', `the header name in ${written} runs on to a colon or white space, so Exim reads a header named '${header}', which no message has (the value is empty); end the name with a colon: ${s.slice(from, k)}:`, from, i);
    }
    return i;
  }

  /** A `$` reference at i (a variable, a header line, `${...}`): returns the offset after it. */
  dollar(i: number): number {
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
      if (isHeaderPrefixed(name)) return this.headerName(end, i);
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
    const nameEnd = this.readBracedName(j);
    const name = s.slice(j, nameEnd);
    if (!name) {
      this.problem('syntax', `"\${" is not followed by a name`, i, i + 2);
      return i + 2;
    }
    if (name.charCodeAt(0) === 95 /* _ */) {
      // Exim's words (measured with exim -be: "${_if" and "${_x}").
      this.problem('syntax', 'letter or digit expected after ${', i, nameEnd);
      return this.close(this.text(nameEnd, true, open), open);
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
      if (bad) this.problem('unknown-operator', bad, j, nameEnd, bad.startsWith('unknown expansion operator') ? name : undefined);
      const argEnd = this.text(nameEnd + 1, true, open);
      if (name === 'expand' || name === 'mask' || name === 'mask_n') this.taintedOperand(name, nameEnd + 1, argEnd);
      return this.close(argEnd, open);
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

  /** Reads `{arg}...` groups; returns their count, and leaves the offset after the last in argsEnd (and each one's text span in spans). */
  private args(i: number, max = 50, spans?: [start: number, end: number][]): number {
    let n = 0;
    let at = i;
    while (n < max) {
      const open = this.skipSpace(at);
      const next = this.braced(at);
      if (next < 0) break;
      spans?.push([open + 1, next - 1]);
      n++;
      at = next;
    }
    this.argsEnd = at;
    return n;
  }

  /**
   * The end of an item: "}", after optional white space. Where the item's yes/no strings
   * allow it (`yesNo`: how many were given, one reading per entry), the word "fail" may come
   * first, and only after a single yes-string: `${if eq{a}{b}{y}fail}`.
   */
  private itemEnd(i: number, open: number, name: string, yesNo: readonly number[] = []): number {
    const s = this.s;
    let j = this.skipSpace(i);
    let failed = false;
    const onlyYes = yesNo.length === 1 && yesNo[0] === 1;
    if (j < s.length && s.charCodeAt(j) !== CLOSE && ((isAlpha(s.charCodeAt(j)) && yesNo.includes(1)) || onlyYes)) {
      // After a yes-string only "fail" or "}" may come (measured with exim -be: "{y}$x" too).
      const wordEnd = isAlpha(s.charCodeAt(j)) ? this.readName(j) : j + 1;
      if (s.slice(j, wordEnd) === 'fail') {
        j = this.skipSpace(wordEnd);
        failed = true;
      } else {
        this.problem('syntax', `syntax error in "${name}" item - "fail" expected`, j, wordEnd);
        return this.close(this.text(j, true, open), open);
      }
    }
    if (s.charCodeAt(j) === CLOSE) return j + 1;
    // Exim's own words where the yes/no strings are read (process_yesno).
    const yesNoProblem =
      j >= s.length || yesNo.length === 0
        ? undefined
        : failed || yesNo.every((n) => n >= 2)
          ? "did not close with '}'"
          : yesNo.every((n) => n === 0)
            ? "'yes' part did not start with '{'"
            : undefined;
    if (yesNoProblem) this.problem('syntax', `curly-bracket problem in conditional yes/no parsing: ${yesNoProblem}`, j, j + 1);
    else if (j >= s.length) this.problem('syntax', `missing } at end of "${name}"`, open, open + 1);
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
        this.branch++;
        const n = this.args(i, 2);
        this.branch--;
        return this.itemEnd(this.argsEnd, open, name, [n]);
      }
      case 'lookup': {
        i = this.skipSpace(i);
        const hasKey = s.charCodeAt(i) === OPEN;
        if (hasKey) i = this.braced(i);
        i = this.skipSpace(i);
        // The lookup type (partial-lsearch*@, dnsdb, lsearch,ret=full ...): Exim takes
        // everything up to "{" or white space, "}" included, and it must start with a letter.
        const typeStart = i;
        while (i < s.length && !isSpace(s.charCodeAt(i)) && s.charCodeAt(i) !== OPEN) i++;
        let typeRead = false;
        if (!isAlpha(s.charCodeAt(typeStart))) this.problem('syntax', 'missing lookup type', nameEnd, nameEnd + 1);
        else {
          const bad = lookupTypeProblem(s.slice(typeStart, i), hasKey);
          if (bad) this.problem('syntax', bad, typeStart, i);
          typeRead = !bad;
        }
        const query = this.braced(i);
        if (query < 0) {
          this.problem('syntax', `missing '{' for the key or query of lookup`, i, i + 1);
          return this.itemEnd(i, open, name);
        }
        if (hasKey && typeRead) this.lookupFile(s.slice(typeStart, i), [this.skipSpace(i) + 1, query - 1]);
        else if (typeRead) {
          this.sqliteQueryFile(s.slice(typeStart, i), i, [this.skipSpace(i) + 1, query - 1]);
          this.unquotedQuery(s.slice(typeStart, i), [this.skipSpace(i) + 1, query - 1]);
        }
        this.branch++;
        const n = this.args(query, 2);
        this.branch--;
        return this.itemEnd(this.argsEnd, open, name, [n]);
      }
      case 'run': {
        // Options: ${run,preexpand{command}...}, each after a comma.
        while (s.charCodeAt(i) === 44 /* , */) {
          const word = this.readName(i + 1);
          if (s.slice(i + 1, word) === 'preexpand' && !isAlpha(s.charCodeAt(word))) {
            i = word;
            continue;
          }
          const brace = s.indexOf('{', i + 2);
          const shown = s.slice(i + 1, brace < 0 ? s.length : brace) || s.slice(i + 1, i + 2);
          this.problem('syntax', `bad option '${shown}' for run`, i + 1, i + 1 + shown.length);
          return this.close(this.text(i + 1, true, open), open);
        }
        const n = this.args(i, 3);
        this.countProblem(name, n, 1, 3, dollar, nameEnd);
        return this.itemEnd(this.argsEnd, open, name, [n - 1]);
      }
      case 'extract': {
        i = this.skipSpace(i);
        const json = s.startsWith('json', i);
        if (s.startsWith('jsons', i)) i += 5;
        else if (json) i += 4;
        // Measured with exim -be: where Exim skips the item (a branch not taken, a condition
        // after and/or has decided) it does not skip white space after "json", and the whole
        // expansion fails; evaluated, the item works.
        if (json && this.branch > 0 && isSpace(s.charCodeAt(i))) {
          const kind = s.startsWith('jsons', i - 5) ? 'jsons' : 'json';
          this.problem(
            'syntax',
            `Exim 4.96 cannot skip "\${extract ${kind} {" with white space before its "{": wherever this item is not evaluated (the branch of \${if} or of a lookup not taken, a condition after and/or has decided) the whole expansion fails ("missing '}' closing extract"); write "${kind}{" with no space`,
            i - kind.length,
            this.skipSpace(i),
          );
        }
        // ${extract{field}{string}{yes}{no}} and ${extract{number}{separators}{string}{yes}{no}}:
        // Exim tells them apart by the expanded first argument (a number, "-" allowed); the json
        // forms always take a field. When the first argument is expanded, either may be meant.
        // The first argument's text is found by its braces, not read: args() reads it next
        // (reading it twice would double the work at each level of nesting).
        const firstOpen = this.skipSpace(i);
        const first = s.charCodeAt(firstOpen) === OPEN ? s.slice(firstOpen + 1, this.skipTo(firstOpen + 1)) : '';
        const required = json ? [2] : first.includes('$') ? [2, 3] : /^\s*-?\d+\s*$/.test(first) ? [3] : [2];
        const n = this.args(i, max + 1);
        const lo = Math.min(...required);
        const hi = Math.max(...required) + 2;
        this.countProblem(name, n, Math.max(min, lo), Math.min(max, hi), dollar, nameEnd);
        return this.itemEnd(this.argsEnd, open, name, required.map((r) => n - r));
      }
      case 'sort': {
        // ${sort{list}{comparator}{extractor}}: the comparator is not expanded, and must be one of
        // Exim's ordering conditions; the closing "}" follows the extractor at once.
        const list = this.braced(i);
        if (list < 0) {
          this.problem('syntax', `missing '{' for list arg of sort`, nameEnd, nameEnd + 1);
          return this.itemEnd(i, open, name);
        }
        const cmpStart = this.skipSpace(list);
        const cmpEnd = this.unexpanded(cmpStart);
        if (cmpEnd < 0) {
          this.problem('syntax', `missing '{' for comparator arg of sort`, cmpStart, cmpStart + 1);
          return this.itemEnd(cmpStart, open, name);
        }
        const bad = sortComparatorProblem(s.slice(cmpStart + 1, cmpEnd - 1));
        if (bad) this.problem('syntax', bad, cmpStart + 1, cmpEnd - 1);
        const extractor = this.braced(cmpEnd);
        if (extractor < 0) {
          this.problem('syntax', `missing '{' for extractor arg of sort`, cmpEnd, cmpEnd + 1);
          return this.itemEnd(cmpEnd, open, name);
        }
        if (s.charCodeAt(extractor) === CLOSE) return extractor + 1;
        this.problem('syntax', `missing } at end of "sort"`, extractor, extractor + 1);
        return this.close(this.text(extractor, true, open), open);
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
        if (name === 'certextract') this.certificateArgument(i);
        const spans: [number, number][] = [];
        const n = this.args(i, max + 1, spans);
        this.fixedArguments(name, n, spans);
        if (name === 'sg' && n >= 2) this.regexArgument(spans[1]);
        if (name === 'hmac' && n >= 1) this.hmacAlgorithm(spans[0]);
        if (name === 'readfile' && n >= 1) {
          const tainted = taintedVariableIn(s.slice(spans[0][0], spans[0][1]), undefined, undefined, this.tainted);
          if (tainted) this.problem('tainted', `the file name of this readfile uses ${this.taintedName(tainted)}, which comes from the message: ${TAINTED_FILE_EFFECT}`, spans[0][0], Math.max(spans[0][1], spans[0][0] + 1), tainted);
        }
        // Exim 4.96 says "min is 1" for prvscheck, yet refuses it without the secret.
        this.countProblem(name, n, name === 'prvscheck' ? 2 : min, max, dollar, nameEnd);
        const before = YES_NO_AFTER[name];
        return this.itemEnd(this.argsEnd, open, name, before === undefined ? [] : [n - before]);
      }
    }
  }

  /** ${if bool{x}}: a written-out value must be a boolean or an integer (bool_lax takes anything). */
  private booleanArgument(from: number, end: number): void {
    const open = this.skipSpace(from);
    const text = this.literal([open + 1, end - 1]);
    if (text === undefined) return;
    const t = text.trim();
    if (t === '' || /^-?\d*$/.test(t) || /^(?:true|yes|false|no)$/i.test(t)) return;
    this.problem('syntax', `unrecognised boolean value "${t}"`, open + 1, end - 1);
  }

  /**
   * A regular expression argument (of ${sg}, which Exim compiles as it reads the item, and of
   * the match condition, compiled when it is tested): checked when it is written out, after
   * the expansion's own escapes (\\N...\\N kept as it is, \\n, \\t, octal, hex, "\\c" as c).
   */
  private regexArgument(span: [number, number] | undefined): void {
    if (!span || this.s.charCodeAt(span[1]) !== CLOSE) return;
    const pattern = expandedLiteral(this.s.slice(span[0], span[1]));
    if (pattern === undefined) return;
    const problem = regexProblem(pattern);
    if (problem) this.problem('syntax', `regular expression error in "${pattern}": ${problem}`, span[0], Math.max(span[1], span[0] + 1));
  }

  /**
   * ${hmac{algorithm}...}: Exim 4.96 knows md5 and sha1 only, exactly so (measured with exim
   * -be). It checks the name only when it evaluates the item, so only an item that is not
   * inside another one (always evaluated with the string) is read.
   */
  private hmacAlgorithm(span: [number, number] | undefined): void {
    if (this.depth > 1) return;
    const algorithm = this.literal(span);
    if (algorithm === undefined || algorithm === 'md5' || algorithm === 'sha1') return;
    this.problem('runtime', `hmac algorithm "${algorithm}" is not recognised (Exim knows "md5" and "sha1")`, span![0], Math.max(span![1], span![0] + 1));
  }

  /**
   * Data of the message as the argument of ${expand:...} or ${mask:...}. Measured with Exim
   * 4.96: expand refuses it ("attempt to expand tainted string") and the expansion fails;
   * mask kills the process ("Taint mismatch, Ustrncpy: string_is_ip_address" in the panic
   * log): an SMTP session ends without an answer to the command, a transport's delivery
   * process fails. A lookup's result is untainted.
   */
  private taintedOperand(name: string, start: number, end: number): void {
    const tainted = taintedVariableIn(this.s, start, end, this.tainted);
    if (!tainted) return;
    const effect =
      name === 'expand'
        ? 'Exim 4.94 and later refuse to expand data of the message ("attempt to expand tainted string") and the whole expansion fails'
        : 'the Exim 4.96 process that reads it dies ("Taint mismatch, Ustrncpy: string_is_ip_address" in the panic log): an SMTP session ends without an answer, a delivery through a transport fails';
    this.problem('tainted', `the argument of \${${name}:...} uses ${this.taintedName(tainted)}, which comes from the message: ${effect}`, start, Math.max(end, start + 1), tainted);
  }

  /**
   * Data of the message in the query of a lookup that checks its quoting (mysql, pgsql and
   * the ldap family; not sqlite or dnsdb) without the lookup's own quote operator around it.
   * Measured: 'tainted search query is not properly quoted' in the panic log at every lookup,
   * and Exim runs the query anyway; ${quote_mysql:...} (also inside other operators) is
   * enough, another lookup's quoting or ${quote:...} is not.
   */
  private unquotedQuery(type: string, span: [number, number]): void {
    const base = type.split(',')[0];
    const quoters = QUOTING_LOOKUPS[base];
    if (!quoters) return;
    // An ACL variable whose data went through a quote operator when it was set stays quoted.
    const tainted = this.tainted;
    const unquotedVariables = tainted && { has: (name: string) => tainted.get(name)?.quoted === false };
    const refs = unquotedTaintedReferences(this.s, span[0], span[1], new Set(quoters), unquotedVariables);
    if (refs.length === 0) return;
    // In the DN of an ldap URL (before its first "?"), the DN quoting: quote_ldap's %-escapes
    // are undone when the URL is decoded, so a "," in the data would start a new DN part.
    const operatorAt = (at: number) => (base.startsWith('ldap') && /:\/\/[^/?]*\/[^?]*$/.test(this.s.slice(span[0], at)) ? 'quote_ldap_dn' : quoters[0]);
    const first = operatorAt(refs[0].start);
    const problem = this.problem(
      'unquoted-query',
      `the query of this ${base} lookup uses ${this.taintedName(refs[0].name)}, which comes from the message, without \${${first}:...} around it: Exim 4.96 writes "tainted search query is not properly quoted" to the panic log at every lookup and runs the query anyway, so a quote in the data changes it (injection); write \${${first}:${this.s.slice(refs[0].start, refs[0].end)}}`,
      refs[0].start,
      refs[0].end,
      refs[0].name,
    );
    if (problem) problem.unquoted = refs.map(({ start, end }) => ({ start, end, operator: operatorAt(start) }));
  }

  /**
   * A sqlite lookup that names its file at the start of the query (`${lookup sqlite{/db
   * SELECT ...}}`, as the Exim wiki's greylisting does): Exim 4.96 takes the file name from
   * the expanded query, so data of the message anywhere in the query (quoted or not) makes
   * the file name tainted. Measured: 'Tainted filename for search' and the expansion fails
   * (an ACL answers 451); `sqlite,file=/db{SELECT ...}` is not refused.
   */
  private sqliteQueryFile(type: string, typeEnd: number, span: [number, number]): void {
    const [name, ...options] = type.split(',');
    if (name !== 'sqlite' || options.some((o) => o.startsWith('file='))) return;
    const start = this.skipSpace(span[0]);
    if (this.s.charCodeAt(start) !== 47 /* / */) return;
    const tainted = taintedVariableIn(this.s, span[0], span[1], this.tainted);
    if (!tainted) return;
    let fileEnd = start;
    while (fileEnd < span[1] && !isSpace(this.s.charCodeAt(fileEnd))) fileEnd++;
    const file = this.s.slice(start, fileEnd);
    const problem = this.problem(
      'tainted',
      `this sqlite lookup names its file (${file}) at the start of the query, and the query uses ${this.taintedName(tainted)}, which comes from the message: Exim 4.94 and later then take the file name as tainted too ("Tainted filename for search", in the panic log) and the whole expansion fails (an ACL answers 451, a router condition skips the router, other settings defer or fail the delivery); name the file with sqlite,file=${file}{...}`,
      start,
      fileEnd,
      tainted,
    );
    if (problem) problem.sqliteFile = { typeEnd, queryStart: this.skipSpace(fileEnd) };
  }

  /**
   * The file of a single-key lookup that reads a file (lsearch, cdb, dbm, dsearch, ...), when
   * it is written out and not absolute: Exim opens it relative to its working directory,
   * not the configuration's ("failed to open etc/aliases for linear search"), and the
   * expansion fails. Lookup options written inside the braces ("lsearch{ret=key{/f}}") are
   * part of the file name. Read only where the item is always evaluated (not nested).
   */
  private lookupFile(type: string, span: [number, number]): void {
    const base = fileLookupType(type);
    if (!base) return;
    const file = this.s.slice(span[0], span[1]);
    // Measured: 'Tainted filename for search', the lookup fails (and the panic log says so).
    const tainted = taintedVariableIn(file, undefined, undefined, this.tainted);
    if (tainted) this.problem('tainted', `the file name of this ${base} lookup uses ${this.taintedName(tainted)}, which comes from the message: ${TAINTED_FILE_EFFECT}`, span[0], Math.max(span[1], span[0] + 1), tainted);
    if (this.depth > 1) return;
    if (file === '' || /[$\\]/.test(file)) return;
    if (file !== file.trim()) {
      this.problem('runtime', `the file name "${file}" has white space around it, which Exim keeps, and the lookup fails ("failed to open ${file}")`, span[0], Math.max(span[1], span[0] + 1));
      return;
    }
    if (file.startsWith('/')) return;
    const option = /^(ret|cache|opts)=[^{]*/.exec(file);
    this.problem(
      'runtime',
      option
        ? `"${option[0]}" inside the braces is part of the file name, and Exim fails to open "${file.replace(/\}$/, '')}": a lookup option goes after the type with a comma (${base},${option[0]}{/path})`
        : `the file name "${file}" is not absolute: Exim opens it from its own working directory, not the configuration's, and the lookup fails ("failed to open ${file}")`,
      span[0],
      Math.max(span[1], span[0] + 1),
    );
  }

  /** An argument's text when it is written out (closed, no "$" and no backslash), else undefined. */
  private literal(span: [number, number] | undefined): string | undefined {
    if (!span || this.s.charCodeAt(span[1]) !== CLOSE) return undefined;
    const text = this.s.slice(span[0], span[1]);
    return /[$\\]/.test(text) ? undefined : text;
  }

  /**
   * Arguments Exim reads as numbers or as one character even in a branch it skips (measured
   * with 4.96): the numbers of length, substr, hash and nhash (strtol, nothing after; only
   * the first of substr, hash and nhash may be negative), listextract's field number, and
   * imapfolder's separator.
   */
  private fixedArguments(name: string, n: number, spans: [number, number][]): void {
    const numbers = NUMERIC_ARGUMENTS[name];
    if (numbers !== undefined) {
      // The last argument is the string; the ones before it are numbers.
      for (let k = 0; k < Math.min(n - 1, numbers); k++) {
        const text = this.literal(spans[k]);
        if (text === undefined) continue;
        const m = /^\s*([+-]?)\d+$/.exec(text);
        const signed = k === 0 && name !== 'length';
        if (text === '' || (m && (signed || m[1] !== '-'))) continue;
        const message = signed ? `"${text}" is not a number (in "${name}" expansion)` : `"${text}" is not a positive number (in "${name}" expansion)`;
        this.problem('syntax', message, spans[k][0], spans[k][1]);
      }
    } else if (name === 'listextract') {
      const text = this.literal(spans[0])?.trim();
      if (text && !/^-?\d+$/.test(text)) this.problem('syntax', 'first argument of "listextract" must be numeric', spans[0][0], spans[0][1]);
    } else if (name === 'imapfolder' && n >= 2) {
      const text = this.literal(spans[1]);
      if (text !== undefined && text.length !== 1) this.problem('syntax', `IMAP folder separator must be one character, found "${text}"`, spans[1][0], spans[1][1]);
    }
  }

  /**
   * ${certextract{field}{$cert}...}: Exim takes the second argument as "$" and the name of a
   * certificate variable, exactly (no braces, no white space), without expanding it.
   */
  private certificateArgument(i: number): void {
    const s = this.s;
    const first = this.skipSpace(i);
    if (s.charCodeAt(first) !== OPEN) return;
    const second = this.skipSpace(this.skipTo(first + 1) + 1);
    if (s.charCodeAt(second) !== OPEN) return;
    const end = this.skipTo(second + 1);
    const text = s.slice(second + 1, end);
    if (CERTIFICATE_VARIABLES.has(text.slice(1)) && text.startsWith('$')) return;
    const variable = text.slice(1);
    // An unknown name alone is reported as an unknown variable when the argument is read.
    if (text.startsWith('$') && /^[A-Za-z0-9_]+$/.test(variable) && !isKnownVariable(variable)) return;
    const message = !text.startsWith('$')
      ? 'second argument of "certextract" must be a certificate variable'
      : isKnownVariable(variable)
        ? `"${variable}" is not a certificate`
        : `no variable named "${variable}"`;
    this.problem('syntax', message, second + 1, Math.max(end, second + 2));
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
          if (!v) this.problem('syntax', 'variable name omitted after "def:"', i, i + 1);
          else if (!isAlpha(v.charCodeAt(0))) this.problem('unknown-variable', `unknown variable "${v}" after "def:"`, vStart, vEnd, v);
          // A header name runs to a colon or white space, as after "$": a "}" is part of it.
          else if (isHeaderPrefixed(v)) vEnd = this.headerName(vEnd, vStart);
          else this.variable(v, vStart, vEnd);
          return vEnd;
        }
        case 'condlist': {
          let j = this.skipSpace(i);
          if (s.charCodeAt(j) !== OPEN) {
            this.problem('syntax', `missing { after "${name}"`, j, j + 1);
            return j;
          }
          j = this.skipSpace(j + 1);
          // Exim skips the conditions after the one that decides.
          const branch = this.branch;
          try {
            while (s.charCodeAt(j) === OPEN) {
              j = this.condition(j + 1, open);
              this.branch = branch + 1;
              j = this.skipSpace(j);
              if (s.charCodeAt(j) === CLOSE) j = this.skipSpace(j + 1);
              else {
                this.problem('syntax', `each subcondition inside an "${name}{...}" condition must be in its own {}`, j, j + 1);
                return this.skipTo(j);
              }
            }
          } finally {
            this.branch = branch;
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
          const numeric = NUMERIC_COMPARISONS.has(name);
          for (let k = 0; k < want; k++) {
            // The list of match_address, match_domain, match_local_part and match_ip is not
            // expanded (Exim reads it with "$" not honoured): the first "}" ends it. Its items
            // are expanded as they are matched, and match_ip fails on one that cannot be (an
            // unknown variable: "unable to complete match"), so its list is read as expanded
            // where that changes nothing: when no "${" in it is cut.
            const unexpanded = k === 1 && UNEXPANDED_LIST_CONDITIONS.has(name) && (name !== 'match_ip' || this.cutsExpansion(j));
            const next = unexpanded ? this.unexpanded(j, name) : this.braced(j);
            if (next < 0) {
              this.problem('syntax', k === 0 ? `missing { after "${name}"` : `missing ${ordinal(k + 1)} string in {} after "${name}"`, this.skipSpace(j), this.skipSpace(j) + 1);
              return j;
            }
            if (k === 1 && name === 'match') this.regexArgument([this.skipSpace(j) + 1, next - 1]);
            if (numeric) {
              const from = this.skipSpace(j) + 1;
              const arg = s.slice(from, next - 1);
              const bad = /[$\\]/.test(arg) ? undefined : integerProblem(arg);
              if (bad) {
                this.problem('syntax', bad, from, Math.max(next - 1, from + 1));
                return next;
              }
            }
            j = next;
          }
          if (name === 'bool') this.booleanArgument(i, j);
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

/** Conditions whose second argument, a list, is read without expansion. */
const UNEXPANDED_LIST_CONDITIONS = new Set(['match_address', 'match_domain', 'match_local_part', 'match_ip']);

/** The conditions that compare numbers: each argument is read by expanded_string_integer(). */
const NUMERIC_COMPARISONS = new Set(['<', '<=', '=', '==', '>', '>=']);
const MAX_INT64 = 2n ** 63n - 1n;

/**
 * Why Exim's expanded_string_integer() refuses a written number (measured with exim -be):
 * white space around it is allowed and an empty string is 0; then an optional sign, decimal
 * digits ("010" is ten, "0x10" is refused) and one optional K, M or G (any case).
 */
export function integerProblem(text: string): string | undefined {
  const t = text.replace(/^[ \t\n\r\f\v]+/, '');
  if (t === '') return undefined;
  const m = /^([+-]?)(\d+)([kKmMgG]?)/.exec(t);
  if (!m) return `integer expected but "${t}" found`;
  const scale = { '': 1n, k: 1024n, m: 1024n ** 2n, g: 1024n ** 3n }[m[3].toLowerCase() as '' | 'k' | 'm' | 'g'];
  const limit = m[1] === '-' ? MAX_INT64 + 1n : MAX_INT64;
  // More than 19 significant digits is beyond 64 bits (and not worth a BigInt of a huge string).
  const digits = m[2].replace(/^0+(?=\d)/, '');
  if (digits.length > 19 || BigInt(digits) * scale > limit) return `absolute value of integer "${t}" is too large (overflow)`;
  return /^[ \t\n\r\f\v]*$/.test(t.slice(m[0].length)) ? undefined : `invalid integer "${t}"`;
}

/** Operators whose name takes numbers after underscores: hash_3_4, l_5, substr_1_2. */
const NUMBERED = new Set(['hash', 'h', 'length', 'l', 'substr', 's', 'nhash', 'nh']);
const SHORT_NUMBERED = new Set(['h', 'l', 's', 'nh']);
/** The digest lengths ${sha2_N:} and ${sha3_N:} take, measured with Exim 4.96 (sha2_224 is refused). */
const SHA_VARIANTS: Record<string, Set<string>> = { sha2: new Set(['256', '384', '512']), sha3: new Set(['224', '256', '384', '512']) };

function operatorProblem(name: string): string | undefined {
  // The short forms of hash, length, substr and nhash need their numbers: ${l_3:x}, not ${l:x}.
  if (SHORT_NUMBERED.has(name)) return `missing values after ${name}`;
  if (!isExpansionOperator(name)) return `unknown expansion operator "${name}"`;
  // Exim looks the whole name up first: quote_local_part is an operator of its own.
  if (isNamedOperator(name)) return undefined;
  const us = name.indexOf('_');
  const sha = us > 0 ? SHA_VARIANTS[name.slice(0, us)] : undefined;
  if (sha) return sha.has(name.slice(us + 1)) ? undefined : `unrecognised ${name.slice(0, us)} variant`;
  // Measured with Exim 4.96: an empty number is taken (${l_:abc}), a letter is not; substr's
  // first number may be negative (${s_-2:abc}, counted from the end), no other number may.
  const base = us > 0 ? name.slice(0, us) : '';
  const numbers = /^-?(?:\d+(?:_\d+)*)?$/.exec(name.slice(us + 1));
  if (NUMBERED.has(base) && (!numbers || (numbers[0].startsWith('-') && base !== 'substr' && base !== 's'))) return `non-digit after underscore in "${name}"`;
  // ${quote_<lookup type>:...} needs a lookup type this Exim has (measured: quote_bogus,
  // quote_ and quote_MYSQL fail with 'unknown lookup type'); only ldap takes "_dn" after it.
  if (base === 'quote') {
    const [type, ...more] = name.slice(us + 1).split('_');
    if (!lookupTypeStyle(type)) return `unknown lookup type "${type}"`;
    if (more.length > 0 && !(type === 'ldap' && more.join('_') === 'dn')) return `"${more.join('_')}" unrecognized after "\${quote_${type}"`;
  }
  return undefined;
}

/**
 * What Exim makes of a string with no "$" outside \N...\N: its backslash escapes applied
 * (string_interpret_escape: \n \r \t, up to three octal digits, \x and up to two hex
 * digits, any other character stands for itself). Undefined when something is expanded.
 */
export function expandedLiteral(text: string): string | undefined {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '$') return undefined;
    if (c !== '\\' || i + 1 >= text.length) {
      out += c;
      continue;
    }
    const e = text[++i];
    if (e === 'N') {
      const end = text.indexOf('\\N', i + 1);
      out += text.slice(i + 1, end < 0 ? text.length : end);
      i = end < 0 ? text.length : end + 1;
    } else if (e >= '0' && e <= '7') {
      let k = i;
      while (k < i + 3 && text[k] >= '0' && text[k] <= '7') k++;
      out += String.fromCharCode(parseInt(text.slice(i, k), 8));
      i = k - 1;
    } else if (e === 'x' && /[0-9a-fA-F]/.test(text[i + 1] ?? '')) {
      let k = i + 1;
      while (k < i + 3 && /[0-9a-fA-F]/.test(text[k] ?? '')) k++;
      out += String.fromCharCode(parseInt(text.slice(i + 1, k), 16));
      i = k - 1;
    } else out += e === 'n' ? '\n' : e === 'r' ? '\r' : e === 't' ? '\t' : e;
  }
  return out;
}

/** Items whose first arguments are numbers, and how many there may be before the string. */
const NUMERIC_ARGUMENTS: Record<string, number> = { length: 1, substr: 2, hash: 2, nhash: 2 };

/** The variables that hold a certificate, as ${certextract} takes them. */
const CERTIFICATE_VARIABLES = new Set(['tls_in_ourcert', 'tls_in_peercert', 'tls_out_ourcert', 'tls_out_peercert']);

/** Items of the "args" kind that end in yes/no strings, and how many arguments come before them. */
const YES_NO_AFTER: Record<string, number> = { env: 1, certextract: 2, listextract: 2 };

/** The comparators ${sort} takes: the numeric and string ordering conditions. */
const SORT_COMPARATORS = new Set(['<', '<=', '>', '>=', 'lt', 'lti', 'le', 'lei', 'gt', 'gti', 'ge', 'gei']);

/**
 * Exim reads a comparator as it reads a condition's name (a symbol: one of "=<>" and an
 * optional "="; otherwise letters, digits and "_") and ignores what follows it.
 */
function sortComparatorProblem(text: string): string | undefined {
  const m = /^(?:[=<>]=?|[A-Za-z0-9_]*)/.exec(text)![0];
  if (!m) return `condition name expected, but found "${text.slice(0, 16)}"`;
  return SORT_COMPARATORS.has(m) ? undefined : 'comparator not handled for sort';
}

function ordinal(n: number): string {
  return n === 2 ? '2nd' : n === 3 ? '3rd' : `${n}th`;
}

/** Reads an expanded string and returns what Exim would refuse in it, and what it refers to. */
export function scanExpansion(text: string): ExpansionScan {
  const references: ExpansionReference[] = [];
  return { problems: scan(text, references), references };
}

/**
 * The text of a string outside its `$` references (variables, header lines, `${...}`), which
 * every expansion of it contains; undefined when the string has a backslash escape or
 * something Exim would refuse.
 */
export function literalTextOutsideReferences(text: string): string | undefined {
  const scanner = new Scanner(text, undefined);
  let literal = '';
  let i = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === BACKSLASH) return undefined;
    if (c === DOLLAR) {
      i = scanner.dollar(i);
      continue;
    }
    literal += text[i++];
  }
  return scanner.problems.length > 0 || scanner.tooDeepAt >= 0 ? undefined : literal;
}

/**
 * What Exim would refuse in an expanded string (scanExpansion without the references);
 * `tainted` names variables that carry data of the message besides Exim's own.
 */
export function expansionProblems(text: string, tainted?: TaintedSources): ExpansionProblem[] {
  return scan(text, undefined, tainted);
}

function scan(text: string, references: ExpansionReference[] | undefined, tainted?: TaintedSources): ExpansionProblem[] {
  const scanner = new Scanner(text, references, tainted);
  scanner.text(0, false);
  if (scanner.tooDeepAt >= 0) {
    // What follows the cut-off was not read, so "missing }" there would be false: say only this.
    const at = scanner.tooDeepAt;
    return [{ kind: 'syntax', message: `expansion nested more than ${MAX_DEPTH} levels deep: not checked beyond this point`, start: at, end: at + 1 }];
  }
  return scanner.problems;
}
