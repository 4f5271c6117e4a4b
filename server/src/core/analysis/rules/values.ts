/**
 * Option values as Exim's readconf_handle_option() reads them when it loads the
 * configuration (so `exim -bV` rejects what this rule reports): booleans, integers,
 * fixed-point numbers, times and time lists, a value that is missing or not introduced
 * by "=", and quoted strings. Measured with Exim 4.96: every non-expanded option of these
 * types is checked; expanded integers and times are strings until use (not checked);
 * an expanded boolean is only a string when its value contains "$".
 */
import { closingQuote, stringSetting } from '../../util/stringSetting';
import { exactListItems } from '../../util/lists';
import { OptionInfo } from '../../options';
import { OptionNode, mainOptions } from '../../syntax/tree';
import { Location } from '../../syntax/source';
import { ResolvedOption } from '../model';
import { Fix, Rule, RuleContext } from '../types';
import { valueSites } from '../valueSites';

/** How Exim reads a value: its internal option type, from the manual's type and the dagger. */
export type ValueKind = 'bool' | 'expand_bool' | 'int' | 'Kint' | 'octint' | 'fixed' | 'time' | 'timelist' | 'func_time' | 'string';

/**
 * Options whose internal type differs from what the manual says (measured with the binary):
 * check_*_space hold kilobytes in a 64-bit integer (no overflow at "3000G"). The option
 * table itself corrects types the manual gets wrong (scripts/gen-options.mjs, MEASURED_TYPES).
 */
const KIND_OVERRIDES: Record<string, ValueKind> = {
  check_log_space: 'Kint',
  check_spool_space: 'Kint',
};

/** Maximum number of values in a time list (Exim's delay_warning holds 10). */
const TIME_LIST_MAX = 10;

/**
 * Options naming users and groups, which Exim looks up (getpwnam, getgrnam) when it reads
 * the configuration ("user x was not found"). The `expanded` ones are looked up so only
 * when there is no "$": measured with 4.96, `trusted_users = ${if true{root}}` and
 * `command_user = $x` are accepted (the lists are expanded when Exim starts, the single
 * names when they are used), while `exim_user = ${if true{root}}` is a user of that name.
 */
const ID_OPTIONS: Record<string, { what: 'user' | 'group'; list: boolean; expanded: boolean }> = {
  exim_user: { what: 'user', list: false, expanded: false },
  exim_group: { what: 'group', list: false, expanded: false },
  system_filter_user: { what: 'user', list: false, expanded: false },
  system_filter_group: { what: 'group', list: false, expanded: false },
  never_users: { what: 'user', list: true, expanded: true },
  trusted_users: { what: 'user', list: true, expanded: true },
  trusted_groups: { what: 'group', list: true, expanded: true },
  admin_groups: { what: 'group', list: true, expanded: true },
  user: { what: 'user', list: false, expanded: true },
  group: { what: 'group', list: false, expanded: true },
  command_user: { what: 'user', list: false, expanded: true },
  command_group: { what: 'group', list: false, expanded: true },
  owners: { what: 'user', list: true, expanded: true },
  owngroups: { what: 'group', list: true, expanded: true },
};

/**
 * Whether a user or group can exist is a question for the machine Exim runs on, which need
 * not be this one; a name written like a macro (upper case, digits, underscores) is what an
 * undefined macro leaves behind, and no system has such a user.
 */
function idProblem(name: string, value: string): ValueProblem | undefined {
  const id = ID_OPTIONS[name];
  if (!id) return undefined;
  // An expanded option with a "$" (once dequoted: "\x24x" is "$x") is looked up when it is
  // used; the others read it literally.
  const v = stringSetting(value);
  if (id.expanded && v.includes('$')) return undefined;
  // Expansion turns "\x" into "x" before the list is split: read only what needs none.
  if (id.expanded && v.includes('\\')) return undefined;
  // A list is split as Exim splits it: an empty item (":root", "root: :daemon") is a user
  // named "", and a doubled colon is a colon in the name ("root::daemon" is one user).
  const items = id.list ? exactListItems(v) : [v];
  for (const item of items) {
    // No system has a user or group without a name, or with a "$" in it.
    if (item === '' && id.list) return { message: `${id.what}  was not found (an empty item: a separator at the start of the list or after another one)` };
    if (item === '' || item.includes('$')) return { message: `${id.what} ${item} was not found` };
    // Nor with a ":" in it: it separates the fields of /etc/passwd and /etc/group.
    if (item.includes(':')) {
      const hint = id.list && v.includes('::') ? ' (a doubled ":" in a list is one ":" in the name, not an empty item)' : '';
      return { message: `${id.what} ${item} was not found${hint}` };
    }
    if (/^[A-Z][A-Z0-9_]*$/.test(item)) return { message: `${id.what} ${item} was not found ("${item}" looks like a macro that is not defined)` };
    // Nor with white space in it: a "# comment" after the name is part of it (measured:
    // `exim_user = Debian-exim # run as` stops exim -bV with 'user Debian-exim # run as was not found').
    if (/\s/.test(item.trim())) {
      const hint = /\s#/.test(item) ? ' ("#" starts a comment only at the start of a line: here it is part of the name)' : '';
      return { message: `${id.what} ${item.trim()} was not found${hint}` };
    }
  }
  return undefined;
}

export function valueKind(info: OptionInfo): ValueKind {
  const override = KIND_OVERRIDES[info.name];
  if (override) return override;
  switch (info.type) {
    case 'boolean':
      return info.expanded ? 'expand_bool' : 'bool';
    case 'integer':
      return info.expanded ? 'string' : 'int';
    case 'octal integer':
      return info.expanded ? 'string' : 'octint';
    case 'fixed-point':
      return 'fixed';
    case 'time':
      // smtp_receive_timeout has its own reader: a value starting with "$" is expanded later.
      if (info.name === 'smtp_receive_timeout') return 'func_time';
      return info.expanded ? 'string' : 'time';
    case 'time list':
      return 'timelist';
    default:
      return 'string';
  }
}

export interface ValueProblem {
  message: string;
  /** Offset in the value where the problem starts (the whole value when undefined). */
  at?: number;
  /** Replacement values that Exim would accept. */
  suggestions?: string[];
}

const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';
const isSpace = (c: string | undefined): boolean => c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f' || c === '\v';
const isAlphaCode = (c: number): boolean => (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
const isDigitCode = (c: number): boolean => c >= 48 && c <= 57;

function extraChars(rest: string, what: string): string {
  return `extra characters follow ${what}${rest.startsWith('#') ? ' (# is comment only at line start)' : ''}`;
}

/** Seconds in a time unit letter, or 0. */
function unitSeconds(c: number): number {
  switch (c) {
    case 119: // w
      return 604800;
    case 100: // d
      return 86400;
    case 104: // h
      return 3600;
    case 109: // m
      return 60;
    case 115: // s
      return 1;
    default:
      return 0;
  }
}

/** Exim's readconf_readtime(s, terminator): seconds, or -1. Reads to `end`. */
export function readTime(s: string, end = s.length): number {
  return readTimeAt(s, 0, end);
}

/**
 * readTime() of s[start, end). The arithmetic is C's int, as in Exim: a time beyond
 * 2^31-1 seconds wraps, usually to a negative number, which Exim refuses
 * ("F,24856d,1h" is "bad parameters for retry rule").
 */
export function readTimeAt(s: string, start: number, end: number): number {
  let i = start;
  let total = 0;
  for (;;) {
    if (i >= end || !isDigitCode(s.charCodeAt(i))) return -1;
    let n = 0;
    while (i < end && isDigitCode(s.charCodeAt(i))) n = (Math.imul(n, 10) + (s.charCodeAt(i++) - 48)) | 0;
    const mult = i < end ? unitSeconds(s.charCodeAt(i)) : 0;
    if (mult === 0) return -1;
    total = (total + Math.imul(n, mult)) | 0;
    i++;
    if (i >= end) return total;
  }
}

/** A hexadecimal digit's value, or 99. */
function digitValue(c: number): number {
  if (c >= 48 && c <= 57) return c - 48;
  if (c >= 65 && c <= 70) return c - 55;
  if (c >= 97 && c <= 102) return c - 87;
  return 99;
}

/**
 * strtol() as Exim calls it: base 0 (decimal, 0x hex, 0 octal) or 8, into a 64-bit long
 * (saturating, with `erange` set, as strtol() does). Returns the end offset and value.
 */
function strtol(s: string, base: 0 | 8): { end: number; value: bigint; erange: boolean } {
  let i = 0;
  while (isSpace(s[i])) i++;
  let negative = false;
  if (s[i] === '+' || s[i] === '-') {
    negative = s[i] === '-';
    i++;
  }
  let radix = base === 8 ? 8 : 10;
  if (base === 0 && s[i] === '0') {
    if ((s[i + 1] === 'x' || s[i + 1] === 'X') && digitValue(s.charCodeAt(i + 2)) < 16) {
      radix = 16;
      i += 2;
    } else radix = 8;
  }
  let value = 0n;
  const digitStart = i;
  const big = BigInt(radix);
  for (; i < s.length; i++) {
    const d = digitValue(s.charCodeAt(i));
    if (d >= radix) break;
    // Past 2^64 the value only saturates; stop growing it.
    if (value < LONG_LIMIT) value = value * big + BigInt(d);
  }
  // Nothing read: strtol() leaves the end pointer at the start.
  if (i === digitStart) return { end: 0, value: 0n, erange: false };
  if (negative) value = -value;
  const erange = value > LONG_MAX || value < LONG_MIN;
  return { end: i, value: value > LONG_MAX ? LONG_MAX : value < LONG_MIN ? LONG_MIN : value, erange };
}

const LONG_MAX = 2n ** 63n - 1n;
const LONG_MIN = -(2n ** 63n);
const LONG_LIMIT = 2n ** 64n;
const INT_MAX = 2147483647n;
const INT_MIN = -2147483648n;

/**
 * Suffix multipliers measured with Exim 4.96: an integer option takes K, M, G and T (T is
 * 2^40, so only 0T fits); a size in K (check_spool_space, check_log_space) counts a plain
 * number as K and takes up to Z, within a 64-bit integer.
 */
const INT_SUFFIXES: Record<string, bigint> = { k: 2n ** 10n, m: 2n ** 20n, g: 2n ** 30n, t: 2n ** 40n };
const KINT_SUFFIXES: Record<string, bigint> = { k: 1n, m: 2n ** 10n, g: 2n ** 20n, t: 2n ** 30n, p: 2n ** 40n, e: 2n ** 50n, z: 2n ** 60n };

/**
 * Exim's reading of an integer option (readconf.c, opt_int and friends): strtol(), one
 * suffix, the range of the option's type, nothing but white space after. Gives the value,
 * or the problem in Exim's words.
 */
function readIntegerSetting(value: string, name: string, kind: 'int' | 'Kint' | 'octint'): { value: bigint } | { problem: ValueProblem } {
  const inttype = kind === 'octint' ? 'octal ' : '';
  const { end, value: n, erange } = strtol(value, kind === 'octint' ? 8 : 0);
  if (end === 0) return { problem: { message: `${inttype}integer expected for ${name}` } };
  let i = end;
  let v = n;
  const suffixes = kind === 'Kint' ? KINT_SUFFIXES : INT_SUFFIXES;
  const multiplier = value[i] === undefined ? undefined : suffixes[value[i].toLowerCase()];
  if (!erange && multiplier !== undefined) {
    v *= multiplier;
    i++;
  }
  const [min, max] = kind === 'Kint' ? [LONG_MIN, LONG_MAX] : [INT_MIN, INT_MAX];
  if (erange || v > max || v < min) return { problem: { message: `absolute value of integer "${value}" is too large (overflow)` } };
  while (isSpace(value[i])) i++;
  if (i < value.length) return { problem: { message: extraChars(value.slice(i), `${inttype}integer value for ${name}`), at: i } };
  return { value: v };
}

/** An integer option's value as Exim reads it (base 0, a K, M, G or T suffix), or undefined when Exim refuses it. */
export function readInteger(value: string): bigint | undefined {
  const r = readIntegerSetting(value, '', 'int');
  return 'value' in r ? r.value : undefined;
}

function checkInteger(value: string, name: string, kind: 'int' | 'Kint' | 'octint'): ValueProblem | undefined {
  const r = readIntegerSetting(value, name, kind);
  return 'problem' in r ? r.problem : undefined;
}

function checkFixed(value: string, name: string): ValueProblem | undefined {
  // sscanf("%d"): white space, a sign, digits.
  let i = 0;
  while (isSpace(value[i])) i++;
  const signAt = i;
  if (value[i] === '+' || value[i] === '-') i++;
  const digitStart = i;
  while (isDigit(value[i])) i++;
  if (i === digitStart) return { message: `fixed-point number expected for ${name}` };
  // sscanf's %d reads a 64-bit long (saturating) and keeps its low 32 bits; Exim refuses
  // a negative result (measured: 2147483648 is refused, -4294967296 taken).
  // (More than 20 digits saturates anyway; a huge number is not worth converting.)
  let n = i - digitStart > 20 ? LONG_LIMIT : BigInt(value.slice(digitStart, i));
  if (value[signAt] === '-') n = -n;
  if (n > LONG_MAX) n = LONG_MAX;
  if (n < LONG_MIN) n = LONG_MIN;
  if (BigInt.asIntN(32, n) < 0n) return { message: `integer "${value}" is too large (overflow)` };
  if (value[i] === '.') {
    i++;
    while (isDigit(value[i])) i++;
  }
  while (isSpace(value[i])) i++;
  if (i < value.length) return { message: extraChars(value.slice(i), `fixed-point value for ${name}`), at: i };
  return undefined;
}

function checkTimeList(value: string, name: string): ValueProblem | undefined {
  if (value === '') return undefined;
  let s = 0;
  let count = 0;
  let previous = -1;
  for (;;) {
    count++;
    if (count > TIME_LIST_MAX) return { message: `too many time values for ${name}` };
    const colon = value.indexOf(':', s);
    // Exim reads the time up to a terminator: the colon, or, when white space comes before
    // the colon, the first character of that white space wherever it first occurs in the
    // item ("1h junk :2h" is 1h, measured with Exim 4.96).
    let end = value.length;
    if (colon >= 0) {
      let ss = colon;
      while (ss > s && isSpace(value[ss - 1])) ss--;
      end = value.indexOf(value[ss], s);
    }
    const t = readTimeAt(value, s, end);
    if (t < 0) return { message: `invalid time value for ${name}`, at: s };
    if (count > 1 && t <= previous) return { message: `time value out of order for ${name}`, at: s };
    previous = t;
    if (colon < 0) return undefined;
    s = colon + 1;
    while (isSpace(value[s])) s++;
  }
}

/**
 * A quoted string value: the closing quote must be there and nothing may follow it. Exim's
 * read_string() only looks at the last character string_dequote() consumed, so a value
 * that ends in an escaped quote ("abc\") passes (measured with Exim 4.96).
 */
function checkQuoted(value: string, name: string): ValueProblem | undefined {
  if (!value.startsWith('"')) return undefined;
  const close = closingQuote(value, 0);
  if (close < 0) return value.length > 1 && value.endsWith('"') ? undefined : { message: `missing quote at end of string value for ${name}` };
  const i = close + 1;
  if (i < value.length) return { message: extraChars(value.slice(i), `string value for ${name}`), at: i };
  return undefined;
}

const isWordCode = (c: number): boolean => isAlphaCode(c) || isDigitCode(c) || c === 95;

/** value[0, end) is true, yes, false or no in any case. */
function isBooleanWord(value: string, end: number): boolean {
  switch (end) {
    case 2:
      return sameLower(value, 'no');
    case 3:
      return sameLower(value, 'yes');
    case 4:
      return sameLower(value, 'true');
    case 5:
      return sameLower(value, 'false');
    default:
      return false;
  }
}

/** value starts with the lower-case ASCII word, in any case. */
function sameLower(value: string, word: string): boolean {
  for (let i = 0; i < word.length; i++) if ((value.charCodeAt(i) | 32) !== word.charCodeAt(i)) return false;
  return true;
}

/**
 * Checks one option setting against its type, as Exim does. `word` is the name as
 * written (with any no_/not_ prefix), `negated` whether that prefix applied.
 */
export function checkOptionValue(info: OptionInfo, word: string, negated: boolean, option: Pick<OptionNode, 'hasValue' | 'value'>): ValueProblem | undefined {
  const kind = valueKind(info);
  const value = option.value;
  if (kind === 'bool' || (kind === 'expand_bool' && !(option.hasValue && value.includes('$')))) {
    if (!option.hasValue) {
      if (value !== '') return { message: extraChars(value, `boolean option ${word}`), at: 0 };
      return undefined;
    }
    if (negated) return { message: extraChars('=', `boolean option ${word}`) };
    if (value === '') return undefined;
    // readconf_readname(): a letter, then letters, digits and underscores.
    let i = 0;
    if (isAlphaCode(value.charCodeAt(0))) while (i < value.length && isWordCode(value.charCodeAt(i))) i++;
    if (!isBooleanWord(value, i)) {
      return { message: `"${value.slice(0, i)}" is not a valid value for the "${word}" option`, suggestions: ['true', 'false'] };
    }
    const end = i;
    while (isSpace(value[i])) i++;
    if (i < value.length) return { message: extraChars(value.slice(i), `"${value.slice(0, end)}" for boolean option ${word}`), at: i };
    return undefined;
  }
  // Every other type needs "=" and a value; no_ and not_ are for booleans only.
  if (negated) return { message: 'negation prefix applied to a non-boolean option' };
  if (!option.hasValue) return { message: value === '' ? `unexpected end of line (data missing) after ${word}` : `missing "=" after ${word}`, at: 0 };
  switch (kind) {
    case 'int':
    case 'Kint':
    case 'octint':
      return checkInteger(value, word, kind);
    case 'fixed':
      return checkFixed(value, word);
    case 'time':
      return readTime(value) < 0 ? { message: `invalid time value for ${word}` } : undefined;
    case 'func_time':
      return value.startsWith('$') || readTime(value) >= 0 ? undefined : { message: `invalid time value for ${word}` };
    case 'timelist':
      return checkTimeList(value, word);
    default:
      return checkQuoted(value, word) ?? idProblem(info.name, value);
  }
}

/** A word that can be a macro name (an upper-case letter first). */
export function mentionsMacro(text: string): boolean {
  return /(?:^|[^A-Za-z0-9_$])[A-Z][A-Za-z0-9_]*/.test(text);
}

function problemLoc(option: OptionNode, problem: ValueProblem): Location {
  if (!option.hasValue) {
    // Missing "=": point at the name, or at what follows it.
    if (problem.at !== undefined && option.value !== '') return option.line.locate(option.valueOffset, option.line.text.length);
    return option.wordLoc;
  }
  if (option.value === '') return option.valueLoc ?? option.wordLoc;
  const start = option.valueOffset + (problem.at ?? 0);
  return option.line.locate(start, option.line.text.length);
}

/** Options whose unquoted value Exim takes as it is: strings that name no user or group. */
const takenAsIs = new Map<OptionInfo, boolean>();

function isTakenAsIs(info: OptionInfo): boolean {
  let asIs = takenAsIs.get(info);
  if (asIs === undefined) {
    asIs = valueKind(info) === 'string' && !ID_OPTIONS[info.name];
    takenAsIs.set(info, asIs);
  }
  return asIs;
}

function checkSetting(ctx: RuleContext, option: OptionNode, r: ResolvedOption): void {
  const info = r.info;
  if (!info) return;
  if (r.negated) {
    // The existing unknown-option rule reports a negated non-boolean already.
    if (info.type !== 'boolean') return;
  } else if (isTakenAsIs(info) && option.hasValue && option.value.charCodeAt(0) !== 34 /* " */) {
    return;
  }
  // In a branch Exim skips, a macro the branch is waiting for is still undefined, so
  // its name stands where its value will be: nothing to say about such a value.
  if (!option.active && mentionsMacro(option.value)) return;
  const problem = checkOptionValue(info, option.word, r.negated, option);
  if (!problem) return;
  const loc = problemLoc(option, problem);
  const fixes: Fix[] = (problem.suggestions ?? []).map((s) => ({
    title: `Change to "${s}"`,
    edits: [{ file: option.valueLoc?.file ?? loc.file, range: (option.valueLoc ?? loc).range, newText: s }],
  }));
  ctx.report({ message: problem.message, loc, active: option.active, data: { option: r.name, type: info.type }, ...(fixes.length ? { fixes } : {}) });
}

const invalidValue: Rule = {
  id: 'invalid-option-value',
  defaultSeverity: 'error',
  title: 'option value that Exim refuses when it reads the configuration',
  check(ctx: RuleContext) {
    for (const option of mainOptions(ctx.tree)) checkSetting(ctx, option, ctx.model.resolve(option, 'main'));
    // Private options count only once "driver =" has been read (as the model has them).
    const { drivers, resolved } = ctx.model.optionTable();
    for (let k = 0; k < drivers.length; k++) {
      const options = drivers[k].options;
      const rs = resolved[k];
      for (let i = 0; i < options.length; i++) {
        const r = rs[i];
        if (r.info === undefined) continue;
        if (!r.negated && isTakenAsIs(r.info)) {
          const o = options[i];
          if (o.hasValue && o.value.charCodeAt(0) !== 34 /* " */) continue;
        }
        checkSetting(ctx, options[i], r);
      }
    }
    // A named list's value is read as a string too: "a" : b is refused.
    for (const list of valueSites(ctx.tree).namedLists) {
      if (list.value.charCodeAt(0) !== 34 /* " */ || (!list.active && mentionsMacro(list.value))) continue;
      const problem = checkQuoted(list.value, list.name);
      if (!problem) continue;
      const start = list.valueOffset + (problem.at ?? 0);
      ctx.report({ message: problem.message, loc: list.line.locate(start, list.line.text.length), active: list.active });
    }
  },
};

export const valueRules: Rule[] = [invalidValue];
