/**
 * The items of a redirect router's `data`, as Exim's parse_forward_list() reads them when it
 * routes: items are separated by commas (and white space before an item); an item is a
 * special (`:blackhole:`, `:unknown:`, `:include:path`, or `:fail:` / `:defer:` with the
 * rest of the text as the message, all case-sensitive), a pipe (`|command`, also quoted),
 * a file (`/path`) or directory (`/path/`), or an address. Commas inside double quotes and
 * parenthesised comments do not end an item. Measured with Exim 4.96 (`exim -bt`).
 */

export type RedirectItemKind = 'fail' | 'defer' | 'blackhole' | 'unknown' | 'include' | 'special' | 'pipe' | 'file' | 'directory' | 'address';

export interface RedirectItem {
  kind: RedirectItemKind;
  /** Offsets of the item in the data text. */
  start: number;
  end: number;
  /** For `:include:`, the file name (white space after the keyword skipped). */
  path?: string;
}

const SPECIAL = /^:(fail|defer|blackhole|unknown|include):/;

const isSpace = (c: number): boolean => c === 32 || (c >= 9 && c <= 13);

/** The end of an item that starts at `i`: the next comma outside quotes and parentheses. */
function itemEnd(text: string, i: number): number {
  let depth = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 34 /* " */) {
      i++;
      while (i < text.length && text.charCodeAt(i) !== 34) i += text.charCodeAt(i) === 92 /* \ */ ? 2 : 1;
    } else if (c === 40 /* ( */) depth++;
    else if (c === 41 /* ) */ && depth > 0) depth--;
    else if (c === 44 /* , */ && depth === 0) return i;
    i++;
  }
  return text.length;
}

/**
 * The items of `text` that lie wholly before `known` (the end of the literal part of a value
 * that goes on with an expansion; by default all of it). `:fail:` and `:defer:` and pipes
 * are known from their start alone.
 */
export function redirectItems(text: string, known = text.length): RedirectItem[] {
  const items: RedirectItem[] = [];
  let i = 0;
  while (i < known) {
    const c = text.charCodeAt(i);
    if (c === 44 || isSpace(c)) {
      i++;
      continue;
    }
    const special = c === 58 /* : */ ? SPECIAL.exec(text.slice(i, i + 12)) : null;
    if (special && i + special[0].length <= known) {
      const kind = special[1] as RedirectItemKind;
      // The message of :fail: and :defer: is the rest of the text, commas included.
      if (kind === 'fail' || kind === 'defer') {
        items.push({ kind, start: i, end: text.length });
        break;
      }
      const end = kind === 'include' ? itemEnd(text, i) : i + special[0].length;
      if (end > known) break;
      const item: RedirectItem = { kind, start: i, end };
      if (kind === 'include') item.path = text.slice(i + special[0].length, end).trim();
      items.push(item);
      i = end;
      continue;
    }
    const end = itemEnd(text, i);
    const first = c === 34 ? text.charCodeAt(i + 1) : c;
    if (first === 124 /* | */) items.push({ kind: 'pipe', start: i, end: Math.min(end, known) });
    if (end > known) break;
    if (first !== 124) {
      const body = text.slice(i, end).trim();
      let kind: RedirectItemKind = 'address';
      if (c === 58) kind = 'special';
      else if (first === 47 /* / */) kind = (c === 34 ? body.slice(1, -1) : body).endsWith('/') ? 'directory' : 'file';
      items.push({ kind, start: i, end: i + body.length });
    }
    i = end;
  }
  return items;
}
