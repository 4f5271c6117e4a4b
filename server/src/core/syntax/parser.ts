/**
 * Builds the configuration tree from logical lines, section by section, following
 * how Exim's readconf.c and acl.c read each section. Never throws: anything it cannot
 * make sense of becomes a problem with a stable code.
 */
import type { GeneratedMacros } from '../debianMacros';
import { ConfigHost, memoryHost } from '../host';
import { closingQuote, dequote, stringSetting } from '../util/stringSetting';
import { suggest } from '../util/suggest';
import { LogicalLine } from './logicalLine';
import { AclBlock, AclItem, AclStatement, DriverBlock, LineToken, OptionSetting, RetryParam } from './nodes';
import { ConfigReader, LineSink, MacroDefinition } from './reader';
import { Location, SourceFile } from './source';
import { aclCondition } from '../syntaxData';
import {
  AclItemNode,
  ConfigTree,
  DriverSectionKind,
  NamedListType,
  OptionNode,
  ParseProblem,
  RetryParamNode,
  RetryRuleNode,
  RewriteRuleNode,
  SectionKind,
  SectionNode,
  Token,
} from './tree';

export const ACL_VERBS = ['accept', 'defer', 'deny', 'discard', 'drop', 'require', 'warn'] as const;
const ACL_VERB_SET = new Set<string>(ACL_VERBS);

/** Exim pluralises a section name that does not end in "s", then matches it without regard to case. */
const SECTION_NAMES: Record<string, SectionKind> = {
  acls: 'acl',
  authenticators: 'authenticators',
  local_scans: 'local_scan',
  retrys: 'retry',
  rewrites: 'rewrite',
  routers: 'routers',
  transports: 'transports',
};

const DRIVER_CLASS: Record<DriverSectionKind, string> = { routers: 'router', transports: 'transport', authenticators: 'authenticator' };
const DRIVER_OPTION: Record<DriverSectionKind, string> = { routers: 'router option', transports: 'transport option', authenticators: 'authenticator option' };

export interface ParseOptions {
  /** Names of Exim's built-in macros (`_HAVE_TLS`, `_OPT_...`), which `.ifdef` can test. */
  builtinMacros?: readonly string[];
  /** Their values where they are not "y". */
  builtinMacroValues?: Readonly<Record<string, string>>;
  /** Macros Debian's update-exim4.conf inserts after its marker line (debianMacros.ts). */
  generatedMacros?: GeneratedMacros;
}

/** Parses a configuration file and the files it includes. */
export function parseConfig(path: string, host: ConfigHost, options: ParseOptions = {}): ConfigTree {
  const result = host.readFile(path);
  const text = result.kind === 'file' ? result.text : '';
  return parseFiles(path, [new SourceFile(path, text)], host, options);
}

/** Parses text held in memory (an editor buffer); includes are read through the host. */
export function parseText(path: string, text: string, host: ConfigHost = memoryHost({}), options: ParseOptions = {}): ConfigTree {
  return parseFiles(path, [new SourceFile(path, text)], host, options);
}

/** Parses files read one after another as one configuration (a Debian split configuration). */
export function parseFiles(root: string, files: SourceFile[], host: ConfigHost, options: ParseOptions = {}): ConfigTree {
  const builder = new TreeBuilder();
  const reader = new ConfigReader(host, builder, options.builtinMacros ?? [], options.builtinMacroValues, options.generatedMacros);
  reader.read(files);
  const problems: ParseProblem[] = [...(options.generatedMacros?.problems ?? []), ...reader.problems, ...builder.problems];
  // Measured: Exim refuses a file that starts with a byte order mark, included files too
  // ("found unexpected BOM (Byte Order Mark)"); the reader reads past it to go on.
  for (const file of reader.files.values()) {
    if (!file.hasBom) continue;
    const at = { file: file.path, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 1 } } };
    problems.unshift({
      code: 'byte-order-mark',
      message: 'found unexpected BOM (Byte Order Mark): Exim refuses a configuration file that starts with one; save it as UTF-8 without a BOM',
      loc: at,
      active: true,
      fixes: [{ title: 'Remove the byte order mark', edits: [{ file: file.path, range: at.range, newText: '' }], isPreferred: true }],
    });
  }
  return {
    root,
    files: [...reader.files.values()],
    sections: builder.sections,
    macros: reader.macroDefinitions,
    macroUses: reader.macroUses,
    directives: reader.directives,
    includes: reader.includes,
    conditionals: reader.conditionals,
    comments: reader.comments,
    problems,
    lines: reader.lines,
    generatedMacros: reader.generatedAt,
  };
}

function isUpperAt(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  return c >= 65 && c <= 90;
}

/**
 * `begin` in any case followed by a space (checked on every line, so without a regex).
 * Measured with Exim 4.96: after a tab it is no `begin` ("main option "begin" unknown").
 */
export function startsBegin(text: string): boolean {
  const c = text.charCodeAt(0) | 0x20;
  if (c !== 98 /* b */ || text.length < 6) return false;
  return text.charCodeAt(5) === 32 && text.slice(0, 5).toLowerCase() === 'begin';
}

function isSpaceAt(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  return c === 32 || c === 9 || c === 11 || c === 12 || c === 13;
}

/** Exim's readconf_readname(): a letter, then letters, digits and underscores. Returns the end offset. */
function readName(text: string, from: number): number {
  let i = from;
  const c = text.charCodeAt(i);
  if (!((c >= 65 && c <= 90) || (c >= 97 && c <= 122))) return from;
  while (i < text.length) {
    const d = text.charCodeAt(i);
    if ((d >= 48 && d <= 57) || (d >= 65 && d <= 90) || (d >= 97 && d <= 122) || d === 95) i++;
    else break;
  }
  return i;
}

function skipSpace(text: string, from: number): number {
  let i = from;
  while (i < text.length && isSpaceAt(text, i)) i++;
  return i;
}

/** Exim's string_dequote(): a double-quoted string with backslash escapes, or a run of non-blank characters. */
function readItem(line: LogicalLine, from: number): Token | undefined {
  const text = line.text;
  const start = skipSpace(text, from);
  if (start >= text.length) return undefined;
  let i = start;
  let value = '';
  if (text[i] === '"') {
    const quoted = dequote(text.slice(start));
    value = quoted.text;
    i = start + quoted.offsets[quoted.offsets.length - 1];
    if (i < text.length) i++;
  } else {
    while (i < text.length && !isSpaceAt(text, i)) i++;
    value = text.slice(start, i);
  }
  return new LineToken(line, value, start, i);
}

function token(line: LogicalLine, start: number, end: number): Token {
  return new LineToken(line, line.text.slice(start, end), start, end);
}

/** The `letter,arg,...` parameters of a retry rule's times, from `from` to the end of the line. */
function retryParams(line: LogicalLine, from: number): RetryParamNode[] {
  const text = line.text;
  const params: RetryParamNode[] = [];
  let i = from;
  while (i < text.length) {
    i = skipSpace(text, i);
    let end = text.indexOf(';', i);
    if (end < 0) end = text.length;
    let partEnd = end;
    while (partEnd > i && isSpaceAt(text, partEnd - 1)) partEnd--;
    if (partEnd > i) {
      const fields: Token[] = [];
      let f = i;
      while (f <= partEnd) {
        let comma = text.indexOf(',', f);
        if (comma < 0 || comma > partEnd) comma = partEnd;
        const a = skipSpace(text, f);
        let b = comma;
        while (b > a && isSpaceAt(text, b - 1)) b--;
        fields.push(token(line, a, b));
        f = comma + 1;
        if (comma === partEnd) break;
      }
      params.push(new RetryParam(line, fields[0], fields.slice(1), i, partEnd));
    }
    i = end + 1;
  }
  return params;
}

/** A retry rule; its parameters are read from the times when first asked for. */
class RetryRule implements RetryRuleNode {
  readonly kind = 'retry';
  error?: Token;
  senders?: Token;
  times?: Token;
  private parsedParams: RetryParamNode[] | undefined;

  constructor(
    readonly line: LogicalLine,
    readonly pattern: Token,
  ) {}

  get active(): boolean {
    return this.line.active;
  }

  get loc(): Location {
    return this.line.location;
  }

  get params(): RetryParamNode[] {
    return (this.parsedParams ??= this.times ? retryParams(this.line, this.times.offset) : []);
  }
}

interface OpenBlocks {
  driver?: DriverBlock;
  /** "name missing" was reported for a line since the last driver: once is enough. */
  nameMissing?: boolean;
  acl?: AclBlock;
  statement?: AclStatement;
}

class TreeBuilder implements LineSink {
  readonly sections: SectionNode[] = [];
  readonly problems: ParseProblem[] = [];
  private section: SectionNode;
  /**
   * The driver, ACL and statement that lines continue. Exim never reads a skipped branch,
   * so an active line continues the last active driver or ACL even when a skipped one
   * comes between; a skipped line continues whatever came last.
   */
  private activeOpen: OpenBlocks = {};
  private anyOpen: OpenBlocks = {};
  private c: OpenBlocks = this.activeOpen;
  private readonly seenSections = new Set<SectionKind>();
  private unknownSection = false;
  /**
   * The section of the last active `begin` (and whether its name was unknown). Exim never
   * reads a skipped branch, so a `begin` there changes nothing for the lines after the
   * branch: the next active line goes back to this section. The skipped lines after such
   * a `begin` are read as its section.
   */
  private activeSection: SectionNode;
  private activeUnknown = false;
  /** One string per distinct option word or ACL name: they repeat on most lines, and a large configuration keeps them all. */
  private readonly words = new Map<string, string>();

  constructor() {
    this.section = { kind: 'main', items: [], active: true };
    this.activeSection = this.section;
    this.sections.push(this.section);
  }

  private word(text: string, start: number, end: number): string {
    const word = text.slice(start, end);
    const known = this.words.get(word);
    if (known !== undefined) return known;
    this.words.set(word, word);
    return word;
  }

  private problem(code: string, message: string, line: LogicalLine, start = 0, end = line.text.length, data?: Record<string, unknown>): void {
    this.problems.push({ code, message, loc: line.locate(start, end), active: line.active, ...(data ? { data } : {}) });
  }

  onLine(line: LogicalLine, reader: ConfigReader): void {
    if (line.active) this.anyOpen = this.activeOpen;
    else if (this.anyOpen === this.activeOpen) this.anyOpen = { ...this.activeOpen };
    this.c = line.active ? this.activeOpen : this.anyOpen;
    if (line.active && this.section !== this.activeSection) {
      this.section = this.activeSection;
      this.unknownSection = this.activeUnknown;
    }
    const text = line.text;
    if (startsBegin(text)) {
      this.beginSection(line);
      return;
    }
    if (this.unknownSection) {
      this.section.items.push({ kind: 'unknown', line, loc: line.location, active: line.active });
      return;
    }
    const kind = this.section.kind;
    if (isUpperAt(text, 0) && this.allowsMacros(kind, text)) {
      this.macroDefinition(line, reader);
      // A definition ends the driver or ACL before it: Exim then wants a new "name:" line.
      this.c.driver = undefined;
      this.c.nameMissing = false;
      this.c.acl = undefined;
      this.c.statement = undefined;
      return;
    }
    switch (kind) {
      case 'main':
      case 'local_scan':
        this.mainLine(line);
        break;
      case 'routers':
      case 'transports':
      case 'authenticators':
        this.driverLine(line, kind);
        break;
      case 'acl':
        this.aclLine(line);
        break;
      case 'retry':
        this.retryLine(line);
        break;
      case 'rewrite':
        this.rewriteLine(line);
        break;
    }
  }

  /**
   * In the main section every line that starts with an upper-case letter is a macro
   * definition. Between drivers and ACLs only `NAME =` is one (elsewhere such a line is
   * an option or an ACL word). Retry, rewrite and local_scan sections have none.
   */
  private allowsMacros(kind: SectionKind, text: string): boolean {
    if (kind === 'main') return true;
    if (kind === 'acl' || kind === 'routers' || kind === 'transports' || kind === 'authenticators') return /^[A-Za-z][A-Za-z0-9_]*[ \t]*=/.test(text);
    return false;
  }

  private beginSection(line: LogicalLine): void {
    const text = line.text;
    const nameStart = skipSpace(text, 6);
    const name = text.slice(nameStart);
    let key = name.toLowerCase();
    if (!key.endsWith('s')) key += 's';
    const kind = SECTION_NAMES[key];
    this.c.driver = undefined;
    this.c.nameMissing = false;
    this.c.acl = undefined;
    this.c.statement = undefined;
    const begin = { line, loc: line.location, nameLoc: line.locate(nameStart, text.length), name };
    if (!kind) {
      const suggestions = suggest(name, ['acl', 'routers', 'transports', 'authenticators', 'retry', 'rewrite', 'local_scan']);
      this.problem('unknown-section', `"${name}" is not a known configuration section name${suggestions.length ? `; did you mean "${suggestions[0]}"?` : ''}`, line, nameStart, text.length, { name, suggestions });
      this.problems[this.problems.length - 1].fixes = suggestions.map((s) => ({ title: `Change to "begin ${s}"`, edits: [{ file: begin.nameLoc.file, range: begin.nameLoc.range, newText: s }], isPreferred: true }));
      this.unknownSection = true;
      this.section = { kind: 'main', begin, items: [], active: line.active };
    } else {
      this.unknownSection = false;
      if (this.seenSections.has(kind) && line.active) {
        this.problem('section-repeated', `"${name}" section is repeated in the configuration file`, line, nameStart, text.length);
      }
      if (line.active) this.seenSections.add(kind);
      this.section = { kind, begin, items: [], active: line.active };
      this.sections.push(this.section);
    }
    if (line.active) {
      this.activeSection = this.section;
      this.activeUnknown = this.unknownSection;
    }
  }

  private macroDefinition(line: LogicalLine, reader: ConfigReader): void {
    const text = line.text;
    let i = 0;
    while (i < text.length && /[A-Za-z0-9_]/.test(text[i])) i++;
    const nameEnd = i;
    i = skipSpace(text, i);
    if (text[i] !== '=') {
      this.problem('macro-malformed', 'malformed macro definition', line);
      this.section.items.push({ kind: 'unknown', line, loc: line.location, active: line.active });
      return;
    }
    const equals = i;
    i++;
    const redefinition = text[i] === '=';
    if (redefinition) i++;
    i = skipSpace(text, i);
    const def: MacroDefinition = {
      name: text.slice(0, nameEnd),
      value: text.slice(i),
      redefinition,
      nameLoc: line.locate(0, nameEnd),
      valueLoc: line.locate(i, text.length),
      line,
      active: line.active,
    };
    const error = reader.defineMacro(def);
    if (error) {
      this.problem(error.code, error.message, line, 0, nameEnd, { name: def.name });
      if (error.code === 'macro-duplicate') {
        const at = line.locate(equals, equals);
        this.problems[this.problems.length - 1].fixes = [{ title: `Redefine ${def.name} with "=="`, edits: [{ file: at.file, range: at.range, newText: '=' }] }];
      }
    }
    this.section.items.push({ kind: 'macro', definition: def, line, loc: line.location, active: line.active });
  }

  /** `[hide] [no_|not_]name [= value]`; returns undefined (after recording a problem) when no name can be read. */
  readOption(line: LogicalLine, from: number, what: string, report = true): OptionNode | undefined {
    const text = line.text;
    let i = from;
    let hideStart = -1;
    if (text.startsWith('hide', i) && isSpaceAt(text, i + 4)) {
      hideStart = i;
      i = skipSpace(text, i + 4);
    }
    const wordEnd = readName(text, i);
    if (wordEnd === i) {
      if (report) this.problem('option-expected', `${what} setting expected: ${text}`, line);
      this.section.items.push({ kind: 'unknown', line, loc: line.location, active: line.active });
      return undefined;
    }
    const word = this.word(text, i, wordEnd);
    const after = skipSpace(text, wordEnd);
    const hasValue = text[after] === '=';
    const valueOffset = hasValue ? skipSpace(text, after + 1) : after;
    return new OptionSetting(line, word, i, hideStart, hasValue, hasValue ? after : -1, valueOffset);
  }

  private mainLine(line: LogicalLine): void {
    const text = line.text;
    let i = 0;
    let hide = false;
    if (text.startsWith('hide') && isSpaceAt(text, 4)) {
      hide = true;
      i = skipSpace(text, 4);
    }
    const list = /^(domainlist|hostlist|addresslist|localpartlist)(_cache)?(?=[ \t])/.exec(text.slice(i, i + 20));
    if (list) {
      const nameStart = skipSpace(text, i + list[0].length);
      // Exim's read_named_list(): letters, digits and underscores, possibly none.
      let nameEnd = nameStart;
      while (nameEnd < text.length && /[A-Za-z0-9_]/.test(text[nameEnd])) nameEnd++;
      const eq = skipSpace(text, nameEnd);
      if (text[eq] !== '=') this.problem('named-list-malformed', `missing '=' after "${text.slice(nameStart, nameEnd)}"`, line);
      const valueOffset = text[eq] === '=' ? skipSpace(text, eq + 1) : text.length;
      this.section.items.push({
        kind: 'namedList',
        listType: list[1] as NamedListType,
        cache: !!list[2],
        hide,
        name: text.slice(nameStart, nameEnd),
        nameLoc: line.locate(nameStart, nameEnd),
        value: text.slice(valueOffset),
        valueLoc: valueOffset < text.length ? line.locate(valueOffset, text.length) : undefined,
        valueOffset,
        line,
        loc: line.location,
        active: line.active,
      });
      return;
    }
    const option = this.readOption(line, 0, this.section.kind === 'main' ? 'main option' : 'local_scan option');
    if (option) this.section.items.push(option);
  }

  private driverLine(line: LogicalLine, kind: DriverSectionKind): void {
    const text = line.text;
    const nameEnd = readName(text, 0);
    const colon = skipSpace(text, nameEnd);
    if (nameEnd > 0 && text[colon] === ':') {
      const rest = skipSpace(text, colon + 1);
      if (rest < text.length) {
        this.problem('extra-characters', `extra characters follow ${DRIVER_CLASS[kind]} name "${text.slice(0, nameEnd)}"`, line, rest, text.length);
      }
      this.c.driver = new DriverBlock(line, kind, text.slice(0, nameEnd));
      this.c.nameMissing = false;
      this.section.items.push(this.c.driver);
      return;
    }
    // Before any "name:" line Exim wants one: whatever the line is ("1r:", an option), it
    // stops with "router name missing". The lines after it are not reported again.
    const option = this.readOption(line, 0, DRIVER_OPTION[kind], this.c.driver !== undefined);
    if (!this.c.driver) {
      if (!this.c.nameMissing) {
        this.problem('driver-name-missing', `${DRIVER_CLASS[kind]} name missing (options must follow a "name:" line)`, line, 0, text.length);
        this.c.nameMissing = true;
      }
      if (option) this.section.items.push(option);
      return;
    }
    if (!option) return;
    const d = this.c.driver;
    d.options.push(option);
    d.extendTo(line);
    // An instance in a skipped branch still says which driver it is, for checking its options.
    if (option.word === 'driver' && !d.driverOption && (option.active || !d.active)) {
      d.driverOption = option;
      // Read as a string setting: `driver = "accept"` is the accept router. Space after the
      // name is part of it: a line only keeps it when the configuration ends in a
      // continuation ("driver = smtp \\": 'cannot find transport driver "smtp "', measured).
      const written = option.value.replace(/^[ \t\n\v\f\r]+/, '');
      d.driverName = written.startsWith('"') ? stringSetting(written) : written;
    }
  }

  private aclLine(line: LogicalLine): void {
    const text = line.text;
    const nameEnd = readName(text, 0);
    const colon = skipSpace(text, nameEnd);
    if (nameEnd > 0 && text[colon] === ':') {
      const rest = skipSpace(text, colon + 1);
      // Exim 4.96 ignores the rest of an ACL's name line (measured: "x: accept" gives an
      // ACL x without that statement, which denies). A "#" there reads as a comment.
      if (rest < text.length && text[rest] !== '#') {
        this.problem('acl-name-text-ignored', `Exim ignores the text after the ACL name "${text.slice(0, nameEnd)}": "${text.slice(rest)}" is not part of the ACL; put it on a line of its own`, line, rest, text.length);
      }
      this.c.acl = new AclBlock(line, text.slice(0, nameEnd));
      this.c.statement = undefined;
      this.section.items.push(this.c.acl);
      return;
    }
    // Exim's acl_read(): a "!" may come first, then a name. A ":" after the name (or after
    // no name), or "=" after an upper-case one, ends the ACL, and Exim then reads the line
    // as an ACL name, which it is not; a negated verb is "malformed ACL line".
    const negated = text.charCodeAt(0) === 33; /* ! */
    const nameStart = negated ? skipSpace(text, 1) : 0;
    const wordEnd = negated ? readName(text, nameStart) : nameEnd;
    const after = skipSpace(text, wordEnd);
    if (!this.c.acl || ((negated || wordEnd === 0) && text[after] === ':') || (negated && isUpperAt(text, nameStart) && text[after] === '=')) {
      this.problem('acl-name-missing', 'missing or malformed ACL name (an ACL starts with a "name:" line)', line);
      this.section.items.push({ kind: 'unknown', line, loc: line.location, active: line.active });
      return;
    }
    if (negated && ACL_VERB_SET.has(text.slice(nameStart, wordEnd))) {
      this.problem('acl-condition-expected', `error in ACL: malformed ACL line "${text}" (a verb cannot be negated)`, line);
      this.section.items.push({ kind: 'unknown', line, loc: line.location, active: line.active });
      return;
    }
    const acl = this.c.acl;
    let i = 0;
    const word = this.word(text, nameStart, wordEnd);
    if (ACL_VERB_SET.has(word)) {
      this.c.statement = new AclStatement(line, word);
      acl.statements.push(this.c.statement);
      i = skipSpace(text, nameEnd);
      // Exim 4.96 no longer has verb options such as "accept/"; a slash here is junk.
      if (i >= text.length) {
        acl.extendTo(line);
        return;
      }
    } else if (!this.c.statement) {
      // Reported (with did-you-mean fixes) by the acl-unknown-verb rule.
      this.section.items.push({ kind: 'unknown', line, loc: line.location, active: line.active, reason: 'acl-unknown-verb', word, wordLoc: line.locate(nameStart, wordEnd > nameStart ? wordEnd : text.length) });
      return;
    }
    const item = this.aclItem(line, i);
    const statement = this.c.statement!;
    if (item) statement.items.push(item);
    statement.extendTo(line);
    acl.extendTo(line);
  }

  private aclItem(line: LogicalLine, from: number): AclItemNode | undefined {
    const text = line.text;
    let i = from;
    const negated = text[i] === '!';
    if (negated) i = skipSpace(text, i + 1);
    const nameEnd = readName(text, i);
    if (nameEnd === i) {
      this.problem('acl-condition-expected', `error in ACL: unknown ACL condition/modifier in "${text}"`, line, from, text.length);
      return undefined;
    }
    const name = this.word(text, i, nameEnd);
    let j = skipSpace(text, nameEnd);
    if (name === 'set') {
      // set acl_m_name = value: the variable name is part of the modifier. The DKIM names
      // are exactly 18 characters: Exim reads "dkim_verify_status_x" as that name and "_x"
      // where it wants "=" (one followed by a letter or digit is a bad name, reported by a rule).
      const c = text.charCodeAt(j + 18);
      const alnum = (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
      if (!alnum && (text.startsWith('dkim_verify_status', j) || text.startsWith('dkim_verify_reason', j))) j += 18;
      else while (j < text.length && !isSpaceAt(text, j) && text[j] !== '=') j++;
      j = skipSpace(text, j);
    }
    const hasValue = text[j] === '=';
    const valueOffset = hasValue ? skipSpace(text, j + 1) : j;
    // An unknown name is reported by the acl-unknown-condition rule, as Exim does first.
    const known = aclCondition(name);
    // A negated modifier is refused first (acl-modifier-misuse), before its "=" is looked for.
    if (!hasValue && name !== 'endpass' && known && !(negated && known.modifier)) {
      this.problem('acl-missing-equals', `error in ACL: "=" missing after ACL "${name}" ${known.modifier ? 'modifier' : 'condition'}`, line, i, nameEnd, { name });
    }
    return new AclItem(line, name, i, negated, hasValue, valueOffset, from);
  }

  private retryLine(line: LogicalLine): void {
    const text = line.text;
    const pattern = readItem(line, 0)!;
    const rule = new RetryRule(line, pattern);
    this.section.items.push(rule);
    let i = pattern.offset + (line.text[pattern.offset] === '"' ? this.quotedLength(text, pattern.offset) : pattern.text.length);
    const errStart = skipSpace(text, i);
    if (errStart >= text.length) {
      this.problem('retry-missing-error', 'retry rule has no error type (for example "*")', line);
      return;
    }
    let errEnd = errStart;
    while (errEnd < text.length && !isSpaceAt(text, errEnd)) errEnd++;
    rule.error = token(line, errStart, errEnd);
    i = skipSpace(text, errEnd);
    if (/^senders[ \t]*=/i.test(text.slice(i, i + 12))) {
      const eq = text.indexOf('=', i);
      const senders = readItem(line, eq + 1);
      if (senders) {
        rule.senders = senders;
        i = senders.offset + (text[senders.offset] === '"' ? this.quotedLength(text, senders.offset) : senders.text.length);
      } else i = text.length;
      i = skipSpace(text, i);
    }
    if (i < text.length) {
      rule.times = token(line, i, text.length);
    }
  }

  private quotedLength(text: string, start: number): number {
    const close = closingQuote(text, start);
    return (close < 0 ? text.length : close + 1) - start;
  }

  private rewriteLine(line: LogicalLine): void {
    const text = line.text;
    const pattern = readItem(line, 0)!;
    const rule: RewriteRuleNode = { kind: 'rewrite', pattern, line, loc: line.location, active: line.active };
    this.section.items.push(rule);
    let i = pattern.offset + (text[pattern.offset] === '"' ? this.quotedLength(text, pattern.offset) : pattern.text.length);
    const replacement = readItem(line, i);
    if (!replacement) {
      this.problem('rewrite-missing-replacement', 'rewrite rule has no replacement', line);
      return;
    }
    rule.replacement = replacement;
    i = replacement.offset + (text[replacement.offset] === '"' ? this.quotedLength(text, replacement.offset) : replacement.text.length);
    const flagsStart = skipSpace(text, i);
    if (flagsStart < text.length) rule.flags = token(line, flagsStart, text.length);
  }
}

/**
 * Reads one line on its own as an option setting, as the parser would inside a driver or
 * the main section. Undefined when the line is anything else or has a problem.
 */
export function readOptionSetting(line: LogicalLine): OptionNode | undefined {
  const builder = new TreeBuilder();
  const option = builder.readOption(line, 0, 'option');
  return option && builder.problems.length === 0 ? option : undefined;
}
