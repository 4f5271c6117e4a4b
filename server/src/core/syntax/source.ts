/** Positions, ranges and source files. Lines and characters are 0-based (UTF-16 code units), as in LSP. */

export interface Position {
  line: number;
  character: number;
}

export interface Range {
  start: Position;
  end: Position;
}

/** A range inside one file. */
export interface Location {
  file: string;
  range: Range;
}

export function pos(line: number, character: number): Position {
  return { line, character };
}

export function range(startLine: number, startChar: number, endLine: number, endChar: number): Range {
  return { start: pos(startLine, startChar), end: pos(endLine, endChar) };
}

export function comparePositions(a: Position, b: Position): number {
  return a.line - b.line || a.character - b.character;
}

export function rangeContains(r: Range, p: Position): boolean {
  return comparePositions(r.start, p) <= 0 && comparePositions(p, r.end) <= 0;
}

/** One file of the configuration, split into physical lines. */
export class SourceFile {
  readonly lines: string[];
  /** Line break used by most lines ("\r\n" or "\n"); fixes write new lines with it. */
  readonly eol: '\n' | '\r\n';
  /**
   * True when the file starts with a byte order mark. It stays in line 0's text so that
   * positions count it as editors and the raw text do; the reader skips it.
   */
  readonly hasBom: boolean;
  /** Lines whose carriage return (of a CRLF break) was removed: Exim sees it as part of the line. */
  private readonly crLines = new Set<number>();

  /**
   * @param generated text made here, not read from `path` (the macros update-exim4.conf
   *   generates from it): shown and navigated, never edited.
   */
  constructor(readonly path: string, readonly text: string, readonly generated = false) {
    this.hasBom = text.charCodeAt(0) === 0xfeff;
    const lines = text.split('\n');
    let crlf = 0;
    for (let i = 0; i < lines.length; i++) {
      const l = lines[i];
      if (l.endsWith('\r')) {
        lines[i] = l.slice(0, -1);
        this.crLines.add(i);
        // A lone "\r" at the very end is no line break.
        if (i < lines.length - 1) crlf++;
      }
    }
    // A final newline does not start another line.
    if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
    this.lines = lines;
    this.eol = crlf > 0 && crlf >= (lines.length - 1) / 2 ? '\r\n' : '\n';
  }

  /** True when the line ended with a carriage return before its line feed. */
  endsWithCarriageReturn(line: number): boolean {
    return this.crLines.has(line);
  }

  get lineCount(): number {
    return this.lines.length;
  }

  /** Range covering the whole of one line's text. */
  lineRange(line: number): Range {
    const text = this.lines[line] ?? '';
    return range(line, 0, line, text.length);
  }

  /** Columns of the first non-blank character on a line. */
  indentOf(line: number): string {
    const m = /^[ \t]*/.exec(this.lines[line] ?? '');
    return m ? m[0] : '';
  }
}
