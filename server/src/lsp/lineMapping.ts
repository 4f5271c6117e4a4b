/**
 * The core numbers lines as Exim reads a file: split at "\n" only, so a lone "\r" inside a
 * line is part of it (in a comment line, say, it changes nothing for Exim). LSP counts a lone
 * "\r" as a line break too (LSP 3.17, "Text Documents"), and so does the server's own
 * TextDocument when it applies the client's edits. A LineMapping converts positions between
 * the two for one text; text without a lone "\r" (nearly every file) needs none.
 */
import { Position, Range } from '../core/syntax/source';

export class LineMapping {
  /** Offsets where each line starts: split at "\n" (the core), and at "\r\n", "\r" or "\n" (the client). */
  private readonly coreStarts: number[] = [0];
  private readonly clientStarts: number[] = [0];

  private constructor(private readonly text: string) {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10) {
        this.coreStarts.push(i + 1);
        this.clientStarts.push(i + 1);
      } else if (c === 13 && text.charCodeAt(i + 1) !== 10) {
        this.clientStarts.push(i + 1);
      }
    }
  }

  /** The mapping for a text, or undefined when both count lines alike. */
  static of(text: string): LineMapping | undefined {
    return /\r(?!\n)/.test(text) ? new LineMapping(text) : undefined;
  }

  toClient(p: Position): Position {
    return this.convert(p, this.coreStarts, this.clientStarts);
  }

  fromClient(p: Position): Position {
    return this.convert(p, this.clientStarts, this.coreStarts);
  }

  toClientRange(r: Range): Range {
    return { start: this.toClient(r.start), end: this.toClient(r.end) };
  }

  private convert(p: Position, from: number[], to: number[]): Position {
    const line = Math.max(0, Math.min(p.line, from.length - 1));
    const start = from[line];
    let end = line + 1 < from.length ? from[line + 1] : this.text.length;
    // A position lies within the line's text, before its line break.
    if (end > start && this.text.charCodeAt(end - 1) === 10) end--;
    if (end > start && this.text.charCodeAt(end - 1) === 13) end--;
    const offset = start + Math.max(0, Math.min(p.character, end - start));
    // The last line of `to` that starts at or before the offset.
    let lo = 0;
    let hi = to.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (to[mid] <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, character: offset - to[lo] };
  }
}
