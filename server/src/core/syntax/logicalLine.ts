import { Location, Range, SourceFile, range } from './source';

/**
 * A piece of a logical line's text and where it came from. Text that a macro
 * replaced maps back to the macro's name in the source.
 */
export interface Segment {
  /** Offset in the logical line's text. */
  at: number;
  length: number;
  file: SourceFile;
  line: number;
  column: number;
  /** Length in the source (differs from `length` for a macro's replacement). */
  sourceLength: number;
  /** Name of the macro whose replacement text this is. */
  macro?: string;
}

/**
 * What Exim calls a configuration line: physical lines joined by backslash
 * continuations, comment lines dropped, leading white space of each continuation and
 * trailing white space removed, macros replaced.
 */
export class LogicalLine {
  private whole: LineSpan | undefined;
  /** The file of the first segment (replaced when a changed line is re-read; see incremental.ts). */
  file: SourceFile;
  /** First physical line (0-based) in `file`. */
  readonly firstLine: number;
  /** Column of the text's start when the line is one unchanged piece of one physical line. */
  private readonly column: number;
  /** The segments, unless the line is one unchanged piece of one physical line (most are). */
  private readonly parts: Segment[] | undefined;

  /** Either segments, or (for one unchanged piece of a physical line) its file, line and column. */
  constructor(
    readonly text: string,
    segments: Segment[] | undefined,
    /** False for lines Exim skips because of an `.ifdef`-style condition. */
    readonly active: boolean,
    file?: SourceFile,
    line = 0,
    column = 0,
  ) {
    if (segments) {
      const s0 = segments[0];
      this.file = s0.file;
      this.firstLine = s0.line;
      this.column = s0.column;
      const simple = segments.length === 1 && s0.at === 0 && s0.length === text.length && s0.sourceLength === text.length && s0.macro === undefined;
      this.parts = simple ? undefined : segments;
    } else {
      this.file = file!;
      this.firstLine = line;
      this.column = column;
      this.parts = undefined;
    }
  }

  /** After a file was read again with this line unchanged: the line now comes from `to`. */
  moveTo(from: SourceFile, to: SourceFile): void {
    if (this.file === from) this.file = to;
    if (this.parts) for (const part of this.parts) if (part.file === from) part.file = to;
  }

  /** Where each piece of the text comes from. */
  get segments(): Segment[] {
    return this.parts ?? [{ at: 0, length: this.text.length, file: this.file, line: this.firstLine, column: this.column, sourceLength: this.text.length }];
  }

  /**
   * A blank physical line that ended the logical line ("x \\" then an empty line), when it
   * holds no text of it: the line ends there, so text inserted after the line goes after it.
   */
  endingBlankLine: number | undefined;

  /** Last physical line (0-based) of the logical line in its first file. */
  get lastLine(): number {
    let last = this.firstLine;
    if (this.parts) for (const s of this.parts) if (s.file === this.file && s.line > last) last = s.line;
    return this.endingBlankLine !== undefined && this.endingBlankLine > last ? this.endingBlankLine : last;
  }

  /** Source location of text[start, end), worked out when first read. */
  locate(start: number, end: number = start): Location {
    return new LineSpan(this, start, end);
  }

  /** Source location of text[start, end), worked out now. */
  resolve(start: number, end: number = start): Location {
    if (!this.parts) {
      const length = this.text.length;
      const startCol = this.column + Math.min(start, length);
      const endCol = end <= start ? startCol : this.column + Math.min(end, length);
      return { file: this.file.path, range: range(this.firstLine, startCol, this.firstLine, endCol) };
    }
    const a = this.segmentAt(start);
    const b = end > start ? this.segmentAt(end - 1) : a;
    const startCol = a.macro ? a.column : a.column + Math.min(start - a.at, a.sourceLength);
    let endCol: number;
    if (end <= start) endCol = startCol;
    else endCol = b.macro ? b.column + b.sourceLength : b.column + Math.min(end - b.at, b.sourceLength);
    if (b.file !== a.file) return { file: a.file.path, range: range(a.line, startCol, a.line, a.file.lines[a.line].length) };
    return { file: a.file.path, range: range(a.line, startCol, b.line, endCol) };
  }

  /** The whole logical line in the source. */
  get location(): Location {
    return (this.whole ??= new LineSpan(this, 0, this.text.length));
  }

  private segmentAt(offset: number): Segment {
    const segs = this.parts ?? this.segments;
    let lo = 0;
    let hi = segs.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (segs[mid].at <= offset) lo = mid;
      else hi = mid - 1;
    }
    return segs[lo];
  }
}

/**
 * A location in a logical line whose file and range are computed on first use: a large
 * configuration has several per line, and most are never read.
 */
export class LineSpan implements Location {
  private resolved: Location | undefined;

  constructor(
    readonly line: LogicalLine,
    readonly start: number,
    readonly end: number,
  ) {}

  private get location(): Location {
    return (this.resolved ??= this.line.resolve(this.start, this.end));
  }

  get file(): string {
    return this.location.file;
  }

  get range(): Range {
    return this.location.range;
  }

  toJSON(): Location {
    return this.location;
  }
}

/** From the start of one location to the end of another in the same file (a driver and its options). */
export class Extent implements Location {
  constructor(
    readonly first: Location,
    public last: Location,
  ) {}

  get file(): string {
    return this.first.file;
  }

  get range(): Range {
    return { start: this.first.range.start, end: this.last.range.end };
  }

  toJSON(): Location {
    return { file: this.file, range: this.range };
  }
}
