/**
 * Re-parsing after an edit that changed the text of one option setting and nothing else:
 * the common keystroke. The tree of the previous text is reused with that one line read
 * again; anything else (another kind of line, a line count that changed, macros, a
 * continuation, a `driver =` line, a parse problem) returns undefined and the caller
 * parses the whole configuration again.
 *
 * Why so narrow: Exim reads a configuration line by line with state (macros defined so
 * far, `.ifdef` branches, the section, the driver being read), so in general a change can
 * alter how every later line is read. A setting line whose old and new text contain no
 * macro name, no continuation and no `driver =` changes no state: every other line reads
 * as before.
 */
import { ConfigHost } from '../host';
import { LogicalLine } from './logicalLine';
import { DriverBlock } from './nodes';
import { readOptionSetting, startsBegin } from './parser';
import { isSpace } from './reader';
import { SourceFile } from './source';
import { ConfigTree, DriverNode, OptionNode, SectionNode } from './tree';

/** No macro (user names start with an upper-case letter, Exim's with `_` and one) can occur in text without upper case. */
const MAY_HOLD_MACRO = /[A-Z]/;

/** A named list is a definition, not an option setting. */
const NAMED_LIST = /^(?:hide[ \t\v\f\r]+)?(?:domainlist|hostlist|addresslist|localpartlist)/;
/** `name:` starts a driver (or an ACL). */
const DRIVER_OR_ACL_NAME = /^[A-Za-z][A-Za-z0-9_]*[ \t\v\f\r]*:/;

/** The one line (0-based) where two files differ, or undefined when it is not exactly one line. */
function changedLine(before: SourceFile, after: SourceFile): number | undefined {
  if (before.lineCount !== after.lineCount || before.hasBom !== after.hasBom) return undefined;
  let changed: number | undefined;
  for (let i = 0; i < before.lineCount; i++) {
    if (before.lines[i] === after.lines[i] && before.endsWithCarriageReturn(i) === after.endsWithCarriageReturn(i)) continue;
    if (changed !== undefined) return undefined;
    changed = i;
  }
  return changed;
}

/**
 * Where the text of a physical line starts and ends (blanks trimmed, as the reader does),
 * or undefined when the line could take part in a continuation, a macro, a comment, a
 * directive or a definition rather than being one plain setting.
 */
function plainSetting(raw: string): { start: number; end: number } | undefined {
  // A NUL ends the line for Exim (the reader cuts it there, and may report it).
  if (raw.includes('\0')) return undefined;
  let start = 0;
  while (start < raw.length && isSpace(raw.charCodeAt(start))) start++;
  let end = raw.length;
  while (end > start && isSpace(raw.charCodeAt(end - 1))) end--;
  if (end === start) return undefined;
  const first = raw.charCodeAt(start);
  if (first === 35 /* # */ || first === 46 /* . */) return undefined;
  if (raw.charCodeAt(end - 1) === 92 /* \ */) return undefined;
  const rest = raw.slice(start, end);
  if (startsBegin(rest) || NAMED_LIST.test(rest) || DRIVER_OR_ACL_NAME.test(rest)) return undefined;
  return MAY_HOLD_MACRO.test(raw) ? undefined : { start, end };
}

interface Place {
  node: OptionNode;
  /** The array holding it (a section's items or a driver's options) and its index. */
  list: unknown[];
  index: number;
  driver?: DriverNode;
}

function findOption(sections: SectionNode[], line: LogicalLine): Place | undefined {
  for (const s of sections) {
    if (s.kind !== 'main' && s.kind !== 'routers' && s.kind !== 'transports' && s.kind !== 'authenticators') continue;
    for (let i = 0; i < s.items.length; i++) {
      const item = s.items[i];
      if (item.kind === 'option' && item.line === line) return { node: item, list: s.items, index: i };
      if (item.kind === 'driver' && item.line.firstLine <= line.firstLine) {
        const options = item.options;
        for (let j = 0; j < options.length; j++) if (options[j].line === line) return { node: options[j], list: options, index: j, driver: item };
      }
    }
  }
  return undefined;
}

/**
 * The tree of the file's new text `after`, built from `previous` (the tree of its previous
 * text, which this changes: it must not be used afterwards) when only one option setting line
 * changed. The caller can parse `after` itself when this returns undefined.
 */
export function reparseChangedSetting(previous: ConfigTree, after: SourceFile, host: ConfigHost): ConfigTree | undefined {
  const path = after.path;
  // Only a configuration of one file, and one whose missing includes are still missing.
  if (previous.files.length !== 1 || previous.files[0].path !== path || previous.root !== path) return undefined;
  for (const include of previous.includes) {
    if (include.status === 'included' || include.status === 'unreadable') return undefined;
    if ((include.status === 'skipped' || include.status === 'missing') && host.exists(include.path)) return undefined;
  }
  const before = previous.files[0];
  const n = changedLine(before, after);
  if (n === undefined || n === 0) return undefined;
  const span = plainSetting(after.lines[n]);
  if (!span || !plainSetting(before.lines[n])) return undefined;
  // Neither the line before (a continuation into this one) nor this one may continue.
  if (n > 0 && before.lines[n - 1].trimEnd().endsWith('\\')) return undefined;

  const lineIndex = previous.lines.findIndex((l) => l.firstLine === n && l.file === before);
  if (lineIndex < 0) return undefined;
  const oldLine = previous.lines[lineIndex];
  if (oldLine.lastLine !== n || oldLine.segments.length !== 1) return undefined;
  // A problem reported on the old line (by the reader or the parser) would have to go too.
  if (previous.problems.some((p) => p.loc.file === path && p.loc.range.start.line <= n && p.loc.range.end.line >= n)) return undefined;

  const place = findOption(previous.sections, oldLine);
  if (!place || place.node.word === 'driver' || place.driver?.driverOption === place.node) return undefined;

  const newLine = new LogicalLine(after.lines[n].slice(span.start, span.end), undefined, oldLine.active, after, n, span.start);
  const option = readOptionSetting(newLine);
  if (!option || option.word === 'driver') return undefined;

  // Every other line now belongs to the new text (fixes read lines and indentation from it).
  for (const l of previous.lines) l.moveTo(before, after);
  previous.lines[lineIndex] = newLine;
  place.list[place.index] = option;
  if (place.driver instanceof DriverBlock) place.driver.replaceLine(oldLine, newLine);
  return { ...previous, files: [after] };
}
