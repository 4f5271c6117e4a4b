/**
 * Reads configuration text the way Exim's get_config_line() does: physical lines,
 * macro replacement, comment lines, `.ifdef`-style conditionals, `.include` files and
 * backslash continuations, producing logical lines. Lines inside inactive conditional
 * branches are also assembled (marked inactive) so that the editor can still show and
 * check them.
 */
import type { GeneratedMacros } from '../debianMacros';
import { ConfigHost, dirname, joinPath } from '../host';
import { LogicalLine, Segment } from './logicalLine';
import { Location, SourceFile, range } from './source';

export type ConditionalKind = 'ifdef' | 'ifndef' | 'elifdef' | 'elifndef' | 'else' | 'endif';
export type IncludeKind = 'include' | 'include_if_exists';

export interface MacroDefinition {
  name: string;
  value: string;
  /** Written with `==`. */
  redefinition: boolean;
  nameLoc: Location;
  valueLoc: Location;
  line: LogicalLine;
  active: boolean;
}

export interface MacroUse {
  name: string;
  loc: Location;
  /** The definition in force where the macro was used (undefined for Exim's built-in macros). */
  definition?: MacroDefinition;
}

export interface Directive {
  kind: ConditionalKind | IncludeKind;
  loc: Location;
  keywordLoc: Location;
  /** The argument after macro replacement (what Exim tests), and as written in the file. */
  argument: string;
  writtenArgument: string;
  argumentLoc: Location;
  /** For conditionals: whether the text before the directive was being read (not skipped). */
  active: boolean;
}

export interface IncludeDirective extends Directive {
  kind: IncludeKind;
  path: string;
  status: 'included' | 'skipped' | 'missing' | 'unreadable' | 'loop' | 'too-deep' | 'inactive' | 'relative';
}

/** An `.ifdef` ... `.endif` group, for folding and navigation. */
export interface ConditionalBlock {
  directives: Directive[];
}

export interface ReaderProblem {
  code: string;
  message: string;
  loc: Location;
  active: boolean;
}

/** Receives logical lines as they complete; may define macros before the next line is read. */
export interface LineSink {
  onLine(line: LogicalLine, reader: ConfigReader): void;
}

interface Piece {
  start: number;
  length: number;
  srcStart: number;
  srcEnd: number;
  macro?: string;
}

interface Macro {
  name: string;
  value: string;
  definition?: MacroDefinition;
  /** Position in definition order among the user's macros (replacement follows it). */
  order: number;
}

/** One line's macro replacement in progress (see ConfigReader.expandLine). */
interface LineExpansion {
  raw: string;
  text: string;
  /** The first position where a macro name can still start. */
  from: number;
  pieces: Piece[];
  found: boolean;
  replaced: number;
  /** Replacement stopped at MAX_EXPANDED_LINE. */
  stopped: boolean;
}

/**
 * From this many user macros on, a line or a new macro name looks its possible names up in
 * the index instead of trying every macro in turn: a file of a million definitions would
 * otherwise take hours (Exim itself tries every macro, and is quadratic there).
 */
const INDEXED_MACROS_FROM = 256;

interface Accumulator {
  text: string;
  segments: Segment[];
  /**
   * The first physical line started with white space: Exim's line buffer holds it, so the
   * line is still pending when its text is empty ("  \\" alone).
   */
  lead: boolean;
  /** Where the first physical line's text starts (an empty line is found there). */
  file: SourceFile;
  /** A blank physical line of `file` read as part of the line (after "x \\"). */
  endLine?: number;
  line: number;
  column: number;
}

interface Frame {
  file: SourceFile;
  next: number;
  include?: IncludeDirective;
  /** The host's id of the file (see ConfigHost.fileId). */
  id?: string;
}

const CONDITIONALS: Record<ConditionalKind, { found: number; notFound: number; stack: 1 | 0 | -1 }> = {
  ifdef: { found: 0, notFound: 1, stack: 1 },
  ifndef: { found: 1, notFound: 0, stack: 1 },
  elifdef: { found: 2, notFound: 3, stack: 0 },
  elifndef: { found: 3, notFound: 2, stack: 0 },
  else: { found: 2, notFound: 2, stack: 0 },
  endif: { found: 0, notFound: 0, stack: -1 },
};

/**
 * Exim's conditional state machine: state 0 reads lines, 1 skips until a branch
 * matches, 2 skips until `.endif`.
 */
const NEXT_STATE = [
  [0, 1, 2, 2],
  [2, 2, 0, 1],
  [2, 2, 2, 2],
];

/** Exim refuses `.ifdef` nested deeper than this (CSTATE_STACK_SIZE). */
export const MAX_CONDITIONAL_DEPTH = 10;
/** A bound of this reader, not of Exim (4.96 reads a chain of 1,000 nested includes). */
export const MAX_INCLUDE_DEPTH = 32;
/** A bound of this reader on the .include lines read in one configuration. */
export const MAX_INCLUDES = 5000;
/** A bound of this reader on the text read through .include lines in one configuration. */
export const MAX_INCLUDED_TEXT = 64 * 1024 * 1024;
/** A bound on a line's length after macro replacement, against macros that grow exponentially. */
export const MAX_EXPANDED_LINE = 4 * 1024 * 1024;
/** A bound on the text macro replacement adds to the whole configuration. */
export const MAX_EXPANDED_TOTAL = 32 * 1024 * 1024;
/** Macro replacements on one line whose source columns are kept; past it the line maps as a whole. */
const PIECE_BUDGET = 1000;

/** Measured with Exim 4.96: `.include` alone is taken too (an empty path, the configuration's directory). */
const INCLUDE_RE = /^\.(include_if_exists|include)(?=[ \t\v\f\r]|$)/;

/** Exim tries the conditional names in this order, each as a prefix of the word after the dot. */
const CONDITIONAL_ORDER: readonly ConditionalKind[] = ['ifdef', 'ifndef', 'elifdef', 'elifndef', 'else', 'endif'];

/**
 * Exim's test for a conditional line: the first name in CONDITIONAL_ORDER that starts the
 * word after the dot decides. It is a conditional when a space, a "t" (Exim tests for 't'
 * where it means a tab) or the end of the line follows; anything else, a tab or the carriage
 * return of a CRLF line break included, makes Exim skip the whole line without a word.
 */
export function matchConditional(text: string, dot: number, carriageReturn: boolean): ConditionalKind | 'ignored' | undefined {
  for (const kind of CONDITIONAL_ORDER) {
    if (!text.startsWith(kind, dot + 1)) continue;
    const at = dot + 1 + kind.length;
    if (at >= text.length) return carriageReturn ? 'ignored' : kind;
    const c = text[at];
    return c === ' ' || c === 't' ? kind : 'ignored';
  }
  return undefined;
}

function isUpper(c: number): boolean {
  return c >= 65 && c <= 90;
}
function isNameChar(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}
export function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 11 || c === 12 || c === 13 || c === 10;
}

/** Skips characters that cannot start a macro name (Exim: not upper case, and not `_` before upper case). */
function skipToCandidate(text: string, from: number): number {
  let i = from;
  const n = text.length;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (isUpper(c) || (c === 95 && isUpper(text.charCodeAt(i + 1)))) break;
    i++;
  }
  return i;
}

export class ConfigReader {
  readonly files = new Map<string, SourceFile>();
  readonly macroDefinitions: MacroDefinition[] = [];
  readonly macroUses: MacroUse[] = [];
  readonly directives: Directive[] = [];
  readonly includes: IncludeDirective[] = [];
  readonly conditionals: ConditionalBlock[] = [];
  readonly comments: Location[] = [];
  readonly problems: ReaderProblem[] = [];
  readonly lines: LogicalLine[] = [];
  /** The line after which update-exim4.conf's macros were inserted, and the file they come from (debianMacros.ts). */
  generatedAt: { at: Location; from: string } | undefined;

  private readonly userMacros: Macro[] = [];
  private readonly macroIndex = new Map<string, Macro>();
  /** The distinct lengths of user macro names, ascending. */
  private readonly macroNameLengths: number[] = [];
  private readonly builtins: Macro[];
  private stack: Frame[] = [];
  private state = 0;
  private condStack: { state: number; block: ConditionalBlock }[] = [];
  private activeAcc: Accumulator | undefined;
  private inactiveAcc: Accumulator | undefined;
  /** Results of the last expand(): the piece map (undefined when nothing was replaced) and whether a macro was found. */
  private expandedPieces: Piece[] | undefined;
  private expandedFound = false;
  /** Characters macro replacement added so far, and whether it stopped at MAX_EXPANDED_TOTAL. */
  private expandedTotal = 0;
  private includeCount = 0;
  private includedBytes = 0;
  private includedTextStopped = false;
  private expansionStopped = false;
  /**
   * The last physical line read, when it was not added to a logical line (a comment, a
   * directive, a line of a skipped .ifdef branch). Exim reads every physical line into its
   * line buffer after the logical line so far and skips such a line by leaving it there;
   * when the configuration ends while a continued line is pending, that text is still in the
   * buffer and becomes the end of the logical line ("accept \\" then "# c" or ".endif").
   */
  private skippedFile: SourceFile | undefined;
  private skippedLine = 0;
  private skippedText = '';
  private skippedPieces: Piece[] | undefined;
  private skippedShift = 0;

  constructor(
    private readonly host: ConfigHost,
    private readonly sink: LineSink,
    builtinMacroNames: readonly string[] = [],
    builtinMacroValues: Readonly<Record<string, string>> = {},
    private readonly generated?: GeneratedMacros,
  ) {
    this.builtins = builtinMacroNames.map((name, order) => ({ name, value: builtinMacroValues[name] ?? 'y', order }));
  }

  /** Reads files one after another as if concatenated, each followed by a blank line (Debian's update-exim4.conf joins conf.d this way). */
  read(roots: SourceFile[]): void {
    for (const file of roots) {
      this.files.set(file.path, file);
      this.stack = [{ file, next: 0, id: this.host.fileId?.(file.path) }];
      this.drain();
      if (roots.length === 1 && this.activeAcc) this.finishAtEnd(this.activeAcc);
      this.skippedFile = undefined;
      // The blank line update-exim4.conf writes after each part ends any continuation.
      this.finishActive();
    }
    this.finishInactive();
    if (this.condStack.length > 0) {
      // Exim names the last line; the open `.ifdef` is where the fix goes.
      for (const open of this.condStack) {
        this.problems.push({
          code: 'conditional-unterminated',
          message: `Unexpected end of configuration file: .endif missing for this .${open.block.directives[0].kind}`,
          loc: open.block.directives[0].keywordLoc,
          active: true,
        });
      }
    }
  }

  /** Whether a macro of this name is defined at this point of the reading. */
  isDefined(name: string): boolean {
    return this.macroIndex.has(name);
  }

  lookupMacro(name: string): MacroDefinition | undefined {
    return this.macroIndex.get(name)?.definition;
  }

  /**
   * Defines (or with `==` redefines) a macro. Returns a problem code and Exim's message
   * when Exim would refuse the definition.
   */
  defineMacro(def: MacroDefinition): { code: string; message: string } | undefined {
    this.macroDefinitions.push(def);
    if (!def.active) return undefined;
    const existing = this.macroIndex.get(def.name);
    if (def.redefinition) {
      if (!existing) return { code: 'macro-redefine-undefined', message: `can't redefine an undefined macro "${def.name}"` };
      existing.value = def.value;
      existing.definition = def;
      return undefined;
    }
    if (existing) return { code: 'macro-duplicate', message: `macro "${def.name}" is already defined (use "==" if you want to redefine it)` };
    // Exim refuses a name that contains an earlier macro's name: that macro would replace part
    // of it. The built-in macros (all starting "_") count: MY_HAVE_TLS contains _HAVE_TLS.
    const inner =
      (def.name.includes('_') ? this.builtins.find((m) => def.name.includes(m.name)) : undefined) ??
      (this.userMacros.length >= INDEXED_MACROS_FROM
        ? this.firstMacroIn(def.name, 0, def.name.length - 1)
        : this.userMacros.find((m) => m.name.length < def.name.length && def.name.includes(m.name)));
    if (inner) {
      return {
        code: 'macro-substring',
        message: `"${def.name}" cannot be defined as a macro because previously defined macro "${inner.name}" is a substring`,
      };
    }
    const macro: Macro = { name: def.name, value: def.value, definition: def, order: this.userMacros.length };
    this.userMacros.push(macro);
    this.macroIndex.set(def.name, macro);
    const lengths = this.macroNameLengths;
    if (!lengths.includes(def.name.length)) {
      lengths.push(def.name.length);
      lengths.sort((a, b) => a - b);
    }
    return undefined;
  }

  /**
   * The earliest defined user macro, from `minOrder` on, whose name occurs in `text` (names
   * no longer than `maxLength`), found through the index: each upper-case letter of the text
   * is tried with each name length in use.
   */
  private firstMacroIn(text: string, minOrder: number, maxLength: number, from = 0): Macro | undefined {
    let best: Macro | undefined;
    for (let p = from; p < text.length; p++) {
      if (!isUpper(text.charCodeAt(p))) continue;
      for (const length of this.macroNameLengths) {
        if (length > maxLength || p + length > text.length) break;
        const m = this.macroIndex.get(text.substr(p, length));
        if (m && m.order >= minOrder && (!best || m.order < best.order)) best = m;
      }
    }
    return best;
  }

  private drain(): void {
    while (this.stack.length > 0) {
      const frame = this.stack[this.stack.length - 1];
      // An empty file has no line for Exim (an editor shows it one empty line).
      if (frame.next >= (frame.file.text === '' ? 0 : frame.file.lineCount)) {
        this.stack.pop();
        continue;
      }
      const n = frame.next++;
      this.physicalLine(frame.file, n);
      if (this.generated && !frame.file.generated && frame.file.lines[n].startsWith(this.generated.marker)) {
        // update-exim4.conf writes its macros after this line (debianMacros.ts).
        const file = this.generated.file((name) => this.macroIndex.has(name), frame.file.lines[n]);
        this.generatedAt ??= { at: { file: frame.file.path, range: range(n, 0, n, frame.file.lines[n].length) }, from: this.generated.path };
        if (file) {
          this.files.set(file.path, file);
          this.stack.push({ file, next: 0 });
        }
      }
    }
  }

  private physicalLine(file: SourceFile, n: number): void {
    const bom = n === 0 && file.hasBom ? 1 : 0;
    let raw = bom ? file.lines[n].slice(1) : file.lines[n];
    // Exim reads a line as a C string: it ends at a NUL byte (measured with exim -bP).
    const nul = raw.indexOf('\0');
    if (nul >= 0) {
      const rest = raw.slice(nul + 1).replace(/\0/g, '');
      if (rest.trim() !== '') {
        this.problems.push({
          code: 'nul-byte',
          message: `Exim reads this line only up to the NUL byte at column ${nul + bom + 1}: what follows it is ignored`,
          loc: { file: file.path, range: range(n, nul + bom, n, file.lines[n].length) },
          active: this.state === 0,
        });
      }
      raw = raw.slice(0, nul);
    }
    const acc = this.state === 0 ? this.activeAcc : this.inactiveAcc;
    const text = this.expand(raw, acc === undefined, file, n);
    const found = this.expandedFound;
    // Undefined (the common case) when no macro was replaced: text is raw.
    const replaced = this.expandedPieces;
    if (replaced && bom) for (const p of replaced) (p.srcStart += 1), (p.srcEnd += 1);
    let ss = 0;
    while (ss < text.length && isSpace(text.charCodeAt(ss))) ss++;
    const first = text.charCodeAt(ss);

    // Until it is added to a logical line, this line is one Exim skips.
    this.skippedFile = file;
    this.skippedLine = n;
    this.skippedText = text;
    this.skippedPieces = replaced;
    this.skippedShift = bom;
    if (first === 35 /* # */) {
      this.comments.push({ file: file.path, range: range(n, 0, n, file.lines[n].length) });
      return;
    }
    if (first === 46 /* . */) {
      const pieces = replaced ?? wholeLine(raw.length, bom);
      const cond = matchConditional(text, ss, file.endsWithCarriageReturn(n));
      if (cond === 'ignored') {
        this.ignoredDirective(file, n, text, ss, pieces);
        return;
      }
      if (cond) {
        this.conditional(cond, found, file, n, pieces, text, ss);
        return;
      }
      const m = INCLUDE_RE.exec(text.slice(ss, ss + 20));
      if (m) {
        const kind = m[1] as IncludeKind;
        if (this.state === 0) this.include(kind, file, n, pieces, text, ss);
        else {
          const d = this.directive(kind, file, n, pieces, text, ss, false) as IncludeDirective;
          d.path = d.argument;
          d.status = 'inactive';
          this.includes.push(d);
        }
        return;
      }
    }
    if (this.state !== 0) {
      this.inactiveAcc = this.feed(this.inactiveAcc, file, n, text, replaced, bom, ss, false);
      return;
    }
    this.skippedFile = undefined;
    this.activeAcc = this.feed(this.activeAcc, file, n, text, replaced, bom, ss, true);
  }

  /**
   * The end of the configuration while a continued line is pending: Exim returns its buffer
   * as it is, with the text of a last skipped line still in it, written as it was (a comment
   * line after "true \\" makes "true # x"), and an empty line too ("  \\" alone).
   */
  private finishAtEnd(acc: Accumulator): void {
    const file = this.skippedFile;
    if (file) {
      const text = this.skippedText;
      let end = text.length;
      while (end > 0 && isSpace(text.charCodeAt(end - 1))) end--;
      const pieces = this.skippedPieces ?? wholeLine(text.length, this.skippedShift);
      this.appendPieces(acc, file, this.skippedLine, text, pieces, 0, end);
      acc.text += text.slice(0, end);
      // The line is part of the logical line, not a comment.
      const last = this.comments[this.comments.length - 1];
      if (last && last.file === file.path && last.range.start.line === this.skippedLine) this.comments.pop();
    }
    this.activeAcc = undefined;
    // Exim strips trailing white space from each physical line before it removes the
    // backslash; the space before that backslash goes only when a next line is read. At
    // the end of the configuration there is none, so it stays ("driver = smtp \\" at the
    // end: 'cannot find transport driver "smtp "', measured).
    this.emit(acc, true, true, true);
  }

  /** `replaced` is the piece map when macros were replaced; otherwise text is the raw line from column `shift`. */
  private feed(acc: Accumulator | undefined, file: SourceFile, n: number, text: string, replaced: Piece[] | undefined, shift: number, ss: number, active: boolean): Accumulator | undefined {
    let end = text.length;
    while (end > ss && isSpace(text.charCodeAt(end - 1))) end--;
    if (end === ss) {
      // A blank line: nothing, or the end of a continued line. Exim adds it to the line so
      // far and looks at the end of that again: one that still ends in a backslash ("x\\\\"
      // less the one removed) goes on, and one with no text left was never a line.
      if (!acc) return undefined;
      let e = acc.text.length;
      while (e > 0 && isSpace(acc.text.charCodeAt(e - 1))) e--;
      if (e === 0) return undefined;
      if (file === acc.file) acc.endLine = n;
      if (acc.text.charCodeAt(e - 1) === 92) {
        this.cut(acc, e - 1);
        return acc;
      }
      this.emit(acc, active);
      return undefined;
    }
    const continued = text.charCodeAt(end - 1) === 92; /* backslash */
    if (acc === undefined && !continued && replaced === undefined) {
      // The common case: one physical line without macros.
      this.deliver(new LogicalLine(text.slice(ss, end), undefined, active, file, n, shift + ss));
      return undefined;
    }
    const pieces = replaced ?? wholeLine(text.length, shift);
    const next: Accumulator = acc ?? { text: '', segments: [], lead: ss > 0, file, line: n, column: shift + ss };
    const stop = continued ? end - 1 : end;
    this.appendPieces(next, file, n, text, pieces, ss, stop);
    next.text += text.slice(ss, stop);
    if (continued) {
      // A lone backslash at the very start of a line leaves Exim's buffer empty: no line.
      return next.text === '' && !next.lead ? undefined : next;
    }
    this.emit(next, active);
    return undefined;
  }

  /** Segments for text[from, to) of a physical line, added at the end of the logical line so far. */
  private appendPieces(acc: Accumulator, file: SourceFile, n: number, text: string, pieces: Piece[], from: number, to: number): void {
    const base = acc.text.length;
    for (const p of pieces) {
      const a = Math.max(p.start, from);
      const b = Math.min(p.start + p.length, to);
      if (b <= a) continue;
      if (p.macro) {
        acc.segments.push({ at: base + a - from, length: b - a, file, line: n, column: p.srcStart, sourceLength: p.srcEnd - p.srcStart, macro: p.macro });
      } else {
        const col = p.srcStart + (a - p.start);
        acc.segments.push({ at: base + a - from, length: b - a, file, line: n, column: col, sourceLength: b - a });
      }
    }
  }

  /** Shortens the logical line so far to `end` characters. */
  private cut(acc: Accumulator, end: number): void {
    acc.text = acc.text.slice(0, end);
    const segments = acc.segments.filter((g) => g.at < end);
    const last = segments[segments.length - 1];
    if (last && last.at + last.length > end) {
      const over = last.at + last.length - end;
      segments[segments.length - 1] = { ...last, length: last.length - over, sourceLength: last.macro ? last.sourceLength : last.sourceLength - over };
    }
    acc.segments = segments;
  }

  /** `keepEmpty`: an empty line is a line (Exim's buffer at the end of the configuration). */
  private emit(acc: Accumulator, active: boolean, keepEmpty = false, keepTrailingSpace = false): void {
    // Trailing white space left before a removed backslash goes when the line ends.
    let end = acc.text.length;
    while (end > 0 && isSpace(acc.text.charCodeAt(end - 1))) end--;
    if (keepTrailingSpace && end > 0) end = acc.text.length;
    if (end === 0) {
      if (keepEmpty) this.deliver(new LogicalLine('', undefined, active, acc.file, acc.line, acc.column));
      return;
    }
    this.cut(acc, end);
    if (acc.segments.length === 0) return;
    const line = new LogicalLine(acc.text, acc.segments, active);
    if (acc.endLine !== undefined) line.endingBlankLine = acc.endLine;
    this.deliver(line);
  }

  private deliver(line: LogicalLine): void {
    this.lines.push(line);
    this.sink.onLine(line, this);
  }

  private finishActive(): void {
    if (this.activeAcc) this.emit(this.activeAcc, true);
    this.activeAcc = undefined;
  }

  private finishInactive(): void {
    if (this.inactiveAcc) this.emit(this.inactiveAcc, false);
    this.inactiveAcc = undefined;
  }

  private conditional(kind: ConditionalKind, found: boolean, file: SourceFile, n: number, pieces: Piece[], text: string, ss: number): void {
    const wasActive = this.state === 0;
    const directive = this.directive(kind, file, n, pieces, text, ss, wasActive);
    const rule = CONDITIONALS[kind];
    if (rule.stack > 0) {
      const block: ConditionalBlock = { directives: [directive] };
      // Exim stops at the first conditional nested too deeply: one finding for the first level
      // beyond the limit, not one for every level of a runaway nesting.
      if (this.condStack.length === MAX_CONDITIONAL_DEPTH) {
        this.problems.push({ code: 'conditional-too-deep', message: `.${kind} nested too deeply`, loc: directive.keywordLoc, active: true });
        // Go on as if the block were skipped so the rest can still be read.
      }
      this.condStack.push({ state: this.state, block });
      this.conditionals.push(block);
      this.state = NEXT_STATE[this.state][found ? rule.found : rule.notFound];
    } else {
      const open = this.condStack[this.condStack.length - 1];
      if (!open) {
        this.problems.push({ code: 'conditional-unmatched', message: `.${kind} without matching .ifdef`, loc: directive.keywordLoc, active: true });
        return;
      }
      open.block.directives.push(directive);
      if (rule.stack < 0) {
        this.state = open.state;
        this.condStack.pop();
      } else {
        this.state = NEXT_STATE[this.state][found ? rule.found : rule.notFound];
      }
    }
    if (this.state === 0 && !wasActive) this.finishInactive();
  }

  /** A line Exim skips because it looks like a conditional but is not one. */
  private ignoredDirective(file: SourceFile, n: number, text: string, ss: number, pieces: Piece[]): void {
    const raw = file.lines[n];
    let end = ss + 1;
    while (end < text.length && !isSpace(text.charCodeAt(end))) end++;
    const word = text.slice(ss, end);
    const kind = CONDITIONAL_ORDER.find((k) => text.startsWith(k, ss + 1))!;
    const after = text[ss + 1 + kind.length];
    const why =
      after === undefined
        ? `it ends with a carriage return (a CRLF line break), so Exim does not take it as .${kind}`
        : after === '\t'
          ? `a tab follows ".${kind}"; Exim takes a conditional only when a space follows the name`
          : `"${word}" is not ".${kind}" followed by a space`;
    this.problems.push({
      code: 'conditional-ignored',
      message: `Exim skips this line without a word: ${why}`,
      loc: { file: file.path, range: range(n, mapOffset(pieces, ss), n, raw.trimEnd().length) },
      active: this.state === 0,
    });
  }

  private directive(kind: Directive['kind'], file: SourceFile, n: number, pieces: Piece[], text: string, ss: number, active: boolean): Directive {
    const raw = file.lines[n];
    const src = (offset: number) => mapOffset(pieces, offset);
    const kwStart = src(ss);
    const kwEnd = src(ss + 1 + kind.length);
    let argStart = ss + 1 + kind.length;
    while (argStart < text.length && isSpace(text.charCodeAt(argStart))) argStart++;
    let argEnd = text.length;
    while (argEnd > argStart && isSpace(text.charCodeAt(argEnd - 1))) argEnd--;
    const writtenStart = src(argStart);
    const writtenEnd = argEnd > argStart ? mapOffset(pieces, argEnd, true) : writtenStart;
    const d: Directive = {
      kind,
      loc: { file: file.path, range: range(n, kwStart, n, raw.trimEnd().length) },
      keywordLoc: { file: file.path, range: range(n, kwStart, n, kwEnd) },
      argument: text.slice(argStart, argEnd),
      writtenArgument: raw.slice(writtenStart, writtenEnd),
      argumentLoc: { file: file.path, range: range(n, writtenStart, n, writtenEnd) },
      active,
    };
    this.directives.push(d);
    return d;
  }

  private include(kind: IncludeKind, file: SourceFile, n: number, pieces: Piece[], text: string, ss: number): void {
    const d = this.directive(kind, file, n, pieces, text, ss, true) as IncludeDirective;
    let path = d.argument;
    if (path.length >= 2 && path.startsWith('"') && path.endsWith('"')) path = path.slice(1, -1);
    d.path = path;
    this.includes.push(d);
    const problem = (code: string, message: string) => this.problems.push({ code, message, loc: d.argument ? d.argumentLoc : d.keywordLoc, active: true });
    if (!path.startsWith('/')) {
      if (kind === 'include_if_exists') {
        d.status = 'relative';
        problem('include-relative', `.include specifies a non-absolute path "${path}"`);
        return;
      }
      // A document the editor has not saved (untitled:) has no directory to read it from.
      if (/^[A-Za-z][A-Za-z0-9+.-]*:/.test(file.path)) {
        d.status = 'relative';
        problem('include-not-read', `.include of the relative path "${path}" in a document that is not saved: it is read from the document's directory once the document is saved`);
        return;
      }
      path = joinPath(dirname(file.path), path);
      d.path = path;
    }
    if (kind === 'include_if_exists' && !this.host.exists(path)) {
      d.status = 'skipped';
      return;
    }
    const id = this.host.fileId?.(path);
    if (this.stack.some((f) => f.file.path === path || (id !== undefined && f.id === id))) {
      d.status = 'loop';
      problem('include-loop', `.include of "${path}" includes itself (an include loop); Exim would never finish reading it`);
      return;
    }
    // A bound on the whole, against includes that fan out (each file including the next
    // twice makes 2^n reads): past it nothing more is read, and that is said once.
    if (++this.includeCount > MAX_INCLUDES) {
      d.status = 'too-deep';
      if (this.includeCount === MAX_INCLUDES + 1) problem('include-too-deep', `more than ${MAX_INCLUDES} .include lines were read in this configuration; this one and those after it are not read here (Exim reads on), so what they define is missing from this analysis`);
      return;
    }
    if (this.stack.length > MAX_INCLUDE_DEPTH) {
      d.status = 'too-deep';
      problem('include-too-deep', `.include nested more than ${MAX_INCLUDE_DEPTH} deep is not read here (Exim reads on), so what the rest defines is missing from this analysis`);
      return;
    }
    // A file included again is read once (its text is kept), and the text read through
    // includes is bounded as a whole: one 16 MB file included a hundred times is 1.6 GB.
    const cached = this.files.get(path);
    const result: ReturnType<ConfigHost['readFile']> = cached ? { kind: 'file', text: cached.text } : this.host.readFile(path);
    if (result.kind === 'file') {
      this.includedBytes += result.text.length;
      if (this.includedBytes > MAX_INCLUDED_TEXT) {
        d.status = 'too-deep';
        if (!this.includedTextStopped) problem('include-too-deep', `the files included so far hold more than ${MAX_INCLUDED_TEXT} characters in all; this .include and those after it are not read here (Exim reads on), so what they define is missing from this analysis`);
        this.includedTextStopped = true;
        return;
      }
    }
    if (result.kind === 'error' && result.notRegular) {
      // Exim opens a directory and reads nothing from it; a device gives whatever it gives
      // (nothing from /dev/null; /dev/zero never ends). Only regular files are read here.
      d.status = 'unreadable';
      this.problems.push({
        code: 'include-not-read',
        message:
          result.notRegular === 'directory'
            ? `${path || '""'} is a directory: Exim opens it and reads nothing from it, so this .include includes nothing`
            : result.message === 'would block'
              ? `${path} has nothing to read without waiting (as a pipe would), and is not read here; Exim waits for whatever it gives`
              : `${path} is not a regular file (a device, pipe or socket) and is not read here; Exim reads whatever it gives (nothing from /dev/null; from /dev/zero it never finishes)`,
        loc: d.argument ? d.argumentLoc : d.keywordLoc,
        active: true,
      });
      return;
    }
    if (result.kind !== 'file') {
      d.status = result.kind === 'missing' ? 'missing' : 'unreadable';
      problem(
        'include-missing',
        result.kind === 'missing'
          ? `failed to open included configuration file ${path}`
          : `failed to open included configuration file ${path}: ${result.message}`,
      );
      return;
    }
    d.status = 'included';
    let included = this.files.get(path);
    if (!included) {
      included = new SourceFile(path, result.text);
      this.files.set(path, included);
    }
    this.stack.push({ file: included, next: 0, include: d, id });
  }

  /**
   * Exim's macros_expand() on one physical line: each macro in definition order replaces
   * every occurrence of its name (a plain substring match) from the first possible name
   * start; a replacement is not rescanned for the same macro but is for later ones. At
   * the start of a logical line `NAME =` is a definition and its name is left alone.
   * Returns the text; the piece map and whether a macro was found go to expandedPieces
   * (left undefined when nothing was replaced, most lines) and expandedFound.
   */
  private expand(raw: string, startOfLogical: boolean, file: SourceFile, n: number): string {
    const text = this.expandLine(raw, startOfLogical, file, n);
    if (text.length > raw.length) {
      // A bound on the whole configuration, against files of junk that define and use
      // thousands of macros (each line may grow to MAX_EXPANDED_LINE).
      this.expandedTotal += text.length - raw.length;
      if (this.expandedTotal > MAX_EXPANDED_TOTAL && !this.expansionStopped) {
        this.expansionStopped = true;
        this.problems.push({
          code: 'macro-expansion-too-long',
          message: `macro replacements make more than ${MAX_EXPANDED_TOTAL} characters of text in this configuration; the lines after this one are read without replacing macros`,
          loc: { file: file.path, range: range(n, 0, n, raw.length) },
          active: this.state === 0,
        });
      }
    }
    return text;
  }

  private expandLine(raw: string, startOfLogical: boolean, file: SourceFile, n: number): string {
    this.expandedPieces = undefined;
    this.expandedFound = false;
    if (this.expansionStopped) return raw;
    let s = 0;
    while (s < raw.length && isSpace(raw.charCodeAt(s))) s++;
    const ss = s;
    if (startOfLogical && isUpper(raw.charCodeAt(s))) {
      let t = s;
      while (t < raw.length && isNameChar(raw.charCodeAt(t))) t++;
      while (t < raw.length && isSpace(raw.charCodeAt(t))) t++;
      s = raw.charCodeAt(t) === 61 /* = */ ? t : ss;
    }
    s = skipToCandidate(raw, s);
    if (s >= raw.length) return raw;
    const builtinsFirst = raw.charCodeAt(s) === 95;
    // The index costs a lookup per upper-case letter and name length; trying every macro costs a
    // search of the text per macro, which is less while there are few macros for each length.
    const linear = this.userMacros.length < INDEXED_MACROS_FROM || this.userMacros.length < 32 * this.macroNameLengths.length;
    const macros = linear ? (builtinsFirst ? this.builtins.concat(this.userMacros) : this.userMacros) : undefined;
    // Most lines hold no macro name at all, and then nothing can replace anything in them.
    if (macros && !macros.some((m) => raw.indexOf(m.name, s) >= 0)) return raw;
    const line: LineExpansion = { raw, text: raw, from: s, pieces: wholeLine(raw.length, 0), found: false, replaced: 0, stopped: false };
    if (macros) {
      for (const m of macros) {
        if (!this.replaceMacro(m, line, file, n)) break;
      }
    } else {
      if (builtinsFirst) for (const m of this.builtins) if (!this.replaceMacro(m, line, file, n)) break;
      // Only the macros whose names occur in the text can change it; they are found through
      // the index, earliest defined first, and the text is searched again after each one.
      let m: Macro | undefined;
      while (!line.stopped && line.from < line.text.length && (m = this.firstMacroIn(line.text, m ? m.order + 1 : 0, Infinity, line.from))) {
        this.replaceMacro(m, line, file, n);
      }
    }
    if (line.found) this.expandedPieces = line.pieces;
    this.expandedFound = line.found;
    return line.text;
  }

  /**
   * Replaces every occurrence of one macro's name in the line's text, from the first place a
   * name can start; false when nothing more can be replaced on this line.
   */
  private replaceMacro(m: Macro, line: LineExpansion, file: SourceFile, n: number): boolean {
    let text = line.text;
    const s = (line.from = skipToCandidate(text, line.from));
    if (s >= text.length) return false;
    // One pass over the text for each macro, the new text built once at the end (a line of
    // macros that double each other makes tens of thousands of replacements).
    const chunks: string[] = [];
    let kept = 0;
    let delta = 0;
    let t = s;
    let p: number;
    while ((p = text.indexOf(m.name, t)) >= 0) {
      if (text.length + delta - m.name.length + m.value.length > MAX_EXPANDED_LINE) {
        this.problems.push({
          code: 'macro-expansion-too-long',
          message: `replacing macro "${m.name}" makes this line longer than ${MAX_EXPANDED_LINE} characters; the rest of the line is not expanded`,
          loc: { file: file.path, range: range(n, 0, n, line.raw.length) },
          active: this.state === 0,
        });
        chunks.push(text.slice(kept));
        line.text = chunks.join('');
        line.found = true;
        line.stopped = true;
        return false;
      }
      if (++line.replaced <= PIECE_BUDGET) {
        const direct = replacePieces(line.pieces, p + delta, p + delta + m.name.length, m.value.length, m.name);
        if (direct && this.state === 0) {
          this.macroUses.push({ name: m.name, loc: { file: file.path, range: range(n, direct.srcStart, n, direct.srcEnd) }, definition: m.definition });
        }
        // Past the budget, the line maps to its source as a whole.
        if (line.replaced === PIECE_BUDGET) {
          line.pieces = [{ start: 0, length: text.length + delta + m.value.length - m.name.length, srcStart: 0, srcEnd: line.raw.length, macro: m.name }];
        }
      } else line.pieces[0].length += m.value.length - m.name.length;
      chunks.push(text.slice(kept, p), m.value);
      kept = p + m.name.length;
      delta += m.value.length - m.name.length;
      line.found = true;
      t = skipToCandidate(text, kept);
    }
    if (kept > 0) {
      chunks.push(text.slice(kept));
      text = line.text = chunks.join('');
    }
    return true;
  }
}

/** The piece map of a physical line without macros: its text is the source from column `shift`. */
function wholeLine(length: number, shift: number): Piece[] {
  return [{ start: 0, length, srcStart: shift, srcEnd: length + shift }];
}

/** Maps an offset in an expanded physical line back to a source column. */
function mapOffset(pieces: Piece[], offset: number, isEnd = false): number {
  for (let i = 0; i < pieces.length; i++) {
    const p = pieces[i];
    const inside = isEnd ? offset > p.start && offset <= p.start + p.length : offset >= p.start && offset < p.start + p.length;
    if (inside) {
      if (p.macro) return isEnd ? p.srcEnd : p.srcStart;
      return p.srcStart + (offset - p.start);
    }
  }
  const last = pieces[pieces.length - 1];
  return last ? last.srcEnd : 0;
}

/**
 * Replaces text[a, b) by a macro's replacement of length `len` in the piece map.
 * Returns the source span when the name was written literally in the source.
 */
function replacePieces(pieces: Piece[], a: number, b: number, len: number, macro: string): { srcStart: number; srcEnd: number } | undefined {
  let i = 0;
  while (i < pieces.length - 1 && pieces[i].start + pieces[i].length <= a) i++;
  let j = i;
  while (j < pieces.length - 1 && pieces[j].start + pieces[j].length < b) j++;
  const first = pieces[i];
  const last = pieces[j];
  const srcStart = first.macro ? first.srcStart : first.srcStart + (a - first.start);
  const srcEnd = last.macro ? last.srcEnd : last.srcStart + (b - last.start);
  const replacement: Piece[] = [];
  if (a > first.start) {
    replacement.push(first.macro ? { ...first, length: a - first.start } : { start: first.start, length: a - first.start, srcStart: first.srcStart, srcEnd: first.srcStart + (a - first.start) });
  }
  replacement.push({ start: a, length: len, srcStart, srcEnd, macro });
  const lastEnd = last.start + last.length;
  if (b < lastEnd) {
    replacement.push(
      last.macro
        ? { ...last, start: a + len, length: lastEnd - b }
        : { start: a + len, length: lastEnd - b, srcStart: last.srcStart + (b - last.start), srcEnd: last.srcEnd },
    );
  }
  const delta = len - (b - a);
  for (let k = j + 1; k < pieces.length; k++) pieces[k].start += delta;
  pieces.splice(i, j - i + 1, ...replacement);
  return i === j && !first.macro ? { srcStart, srcEnd } : undefined;
}
