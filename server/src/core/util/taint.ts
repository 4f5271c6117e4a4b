/**
 * Tainted data (Exim 4.94 and later): values that come from the message, such as
 * `$local_part` and `$domain`, are tainted, and Exim refuses them in file names, lookup file
 * names and pipe arguments. Their `_data` copies, set by a router's check or lookup, are not.
 */
import { isExpansionOperator } from '../syntaxData';

/** Variables whose values come from the message. */
export const TAINTED_VARIABLES = new Set([
  'local_part',
  'domain',
  'local_part_prefix',
  'local_part_suffix',
  'original_local_part',
  'original_domain',
  'parent_local_part',
  'parent_domain',
  'sender_address',
  'sender_address_local_part',
  'sender_address_domain',
]);

const isNameCode = (c: number): boolean => (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;

/** The offset after the backslash escape at i (`\N...\N` is one escape). */
function escapeEnd(s: string, i: number): number {
  if (s.charCodeAt(i + 1) !== 78 /* N */) return i + 2;
  const end = s.indexOf('\\N', i + 2);
  return end < 0 ? s.length : end + 2;
}

/** The offset of the "}" that closes the "{" before i, or the end of the string. */
function closing(s: string, i: number): number {
  let depth = 0;
  while (i < s.length) {
    const c = s.charCodeAt(i);
    if (c === 92 /* \ */) {
      i = escapeEnd(s, i);
      continue;
    }
    if (c === 123 /* { */) depth++;
    else if (c === 125 /* } */) {
      if (depth === 0) return i;
      depth--;
    }
    i++;
  }
  return s.length;
}

/**
 * The first tainted variable whose value ends up in the expanded string as it is: written
 * in the text, or inside operators (`${lc:$local_part}` is as tainted as `$local_part`).
 * Inside an item (a lookup, `${if}`, `${sg}` ...) a variable may or may not reach the result,
 * and is left alone, as is the whole string when it is not read to its end.
 */
export function taintedVariableIn(value: string, start = 0, end = value.length): string | undefined {
  let i = start;
  while (i < end) {
    const c = value.charCodeAt(i);
    if (c === 92 /* \ */) {
      i = escapeEnd(value, i);
      continue;
    }
    if (c !== 36 /* $ */) {
      i++;
      continue;
    }
    if (value.charCodeAt(i + 1) === 123 /* { */) {
      let j = i + 2;
      while (j < end && isNameCode(value.charCodeAt(j))) j++;
      const name = value.slice(i + 2, j);
      const after = value.charCodeAt(j);
      const close = closing(value, i + 2);
      if (after === 125 /* } */) {
        if (TAINTED_VARIABLES.has(name)) return name;
      } else if (after === 58 /* : */ && name !== '') {
        // An operator: its result carries the taint of its argument. An operator this Exim
        // does not know fails the expansion first (expansion-unknown-name says so).
        if (!isExpansionOperator(name)) return undefined;
        const found = taintedVariableIn(value, j + 1, Math.min(close, end));
        if (found) return found;
      }
      i = close + 1;
      continue;
    }
    let j = i + 1;
    while (j < end && isNameCode(value.charCodeAt(j))) j++;
    const name = value.slice(i + 1, j);
    if (TAINTED_VARIABLES.has(name)) return name;
    i = Math.max(j, i + 1);
  }
  return undefined;
}
