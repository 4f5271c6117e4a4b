/**
 * Exim lists: items separated by ':' (or the character after a leading '<'), a doubled
 * separator standing for a literal one, white space around items ignored.
 */

/** White space as JavaScript's `\s` and `trim()` know it. */
export function isSpaceCode(c: number): boolean {
  if (c <= 32) return c === 32 || (c >= 9 && c <= 13);
  if (c < 160) return false;
  return c === 160 || c === 0x1680 || (c >= 0x2000 && c <= 0x200a) || c === 0x2028 || c === 0x2029 || c === 0x202f || c === 0x205f || c === 0x3000 || c === 0xfeff;
}

/**
 * Walks the items of a list without building them: after next() returns true, the item
 * is text[start, stop) with white space trimmed; `doubled` says it holds a doubled
 * separator, so that its text is item(), not the raw range.
 */
class ListScanner {
  private text = '';
  private sep = 58; // ':'
  private pos = 0;
  private end = 0;
  start = 0;
  stop = 0;
  doubled = false;

  reset(value: string): void {
    let s = 0;
    let e = value.length;
    while (s < e && isSpaceCode(value.charCodeAt(s))) s++;
    while (e > s && isSpaceCode(value.charCodeAt(e - 1))) e--;
    this.sep = 58;
    if (e - s > 1 && value.charCodeAt(s) === 60 /* < */ && !isSpaceCode(value.charCodeAt(s + 1))) {
      this.sep = value.charCodeAt(s + 1);
      s += 2;
    }
    this.text = value;
    this.pos = s;
    this.end = e;
  }

  /** The next item that is not empty. */
  next(): boolean {
    const text = this.text;
    const sep = this.sep;
    const end = this.end;
    while (this.pos <= end) {
      let i = this.pos;
      let doubled = false;
      while (i < end) {
        if (text.charCodeAt(i) === sep) {
          if (i + 1 < end && text.charCodeAt(i + 1) === sep) {
            doubled = true;
            i += 2;
            continue;
          }
          break;
        }
        i++;
      }
      let s = this.pos;
      let e = i;
      this.pos = i + 1;
      while (s < e && isSpaceCode(text.charCodeAt(s))) s++;
      while (e > s && isSpaceCode(text.charCodeAt(e - 1))) e--;
      if (s === e) continue;
      this.start = s;
      this.stop = e;
      this.doubled = doubled;
      return true;
    }
    return false;
  }

  item(): string {
    const raw = this.text.slice(this.start, this.stop);
    if (!this.doubled) return raw;
    const sep = String.fromCharCode(this.sep);
    let out = '';
    for (let i = 0; i < raw.length; i++) {
      out += raw[i];
      if (raw[i] === sep && raw[i + 1] === sep) i++;
    }
    return out;
  }

  /** The item is exactly `c` (one character). */
  is(c: number): boolean {
    return !this.doubled ? this.stop - this.start === 1 && this.text.charCodeAt(this.start) === c : this.item() === String.fromCharCode(c);
  }

  firstCode(): number {
    return this.text.charCodeAt(this.start);
  }

  /** Character code at offset `k` of the raw item, or -1. */
  codeAt(k: number): number {
    return this.start + k < this.stop ? this.text.charCodeAt(this.start + k) : -1;
  }
}

const scanner = new ListScanner();

export function splitList(value: string): string[] {
  const items: string[] = [];
  scanner.reset(value);
  while (scanner.next()) items.push(scanner.item());
  return items;
}

/** White space as C's isspace() knows it in Exim's C locale (not U+00A0 and the like). */
export function isCSpaceCode(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13);
}

/** The string without the C white space around it (a no-break space stays, as in Exim). */
export function trimCSpace(value: string): string {
  let s = 0;
  let e = value.length;
  while (s < e && isCSpaceCode(value.charCodeAt(s))) s++;
  while (e > s && isCSpaceCode(value.charCodeAt(e - 1))) e--;
  return s === 0 && e === value.length ? value : value.slice(s, e);
}

const isPunctCode = (c: number): boolean => (c >= 33 && c <= 47) || (c >= 58 && c <= 64) || (c >= 91 && c <= 96) || (c >= 123 && c <= 126);

/**
 * Every item of a list as Exim's string_nextinlist() returns them, empty items included:
 * leading white space is skipped before each item and trailing white space dropped, a
 * separator right after that (": root", "root: :daemon") is an empty item, a doubled
 * separator is one literal separator ("root::daemon" is the one item "root:daemon"), and a
 * separator at the end ends the list without an empty item. `<X` at the start changes the
 * separator to X when X is punctuation or a control character. Lists whose separator is
 * not ":" by default (a router's `set`: ";") give it as `defaultSeparator`.
 */
export function exactListItems(value: string, defaultSeparator = 58 /* : */): string[] {
  const items: string[] = [];
  let s = 0;
  const n = value.length;
  let sep = defaultSeparator;
  while (s < n && isCSpaceCode(value.charCodeAt(s))) s++;
  if (value.charCodeAt(s) === 60 /* < */) {
    // "<" and nothing: Exim takes the NUL after it as the separator.
    if (s + 1 >= n) return items;
    const c = value.charCodeAt(s + 1);
    if (isPunctCode(c) || c < 32 || c === 127) {
      sep = c;
      s += 2;
    }
  }
  const special = sep < 32 || sep === 127;
  for (;;) {
    while (s < n && isCSpaceCode(value.charCodeAt(s)) && value.charCodeAt(s) !== sep) s++;
    if (s >= n) return items;
    if (value.charCodeAt(s) === sep) {
      s++;
      if (s >= n || value.charCodeAt(s) !== sep || special) {
        items.push('');
        continue;
      }
      // A doubled separator at the start: the item starts with the second one.
    }
    let item = '';
    for (;;) {
      let ss = s + 1;
      while (ss < n && value.charCodeAt(ss) !== sep) ss++;
      item += value.slice(s, ss);
      s = ss;
      if (s >= n) break;
      s++;
      if (s >= n || value.charCodeAt(s) !== sep || special) break;
    }
    let e = item.length;
    while (e > 0 && isCSpaceCode(item.charCodeAt(e - 1)) && (e === 1 || item.charCodeAt(e - 2) !== 92 /* \\ */)) e--;
    items.push(item.slice(0, e));
  }
}

/** The loopback interface by address or the usual names. */
export function isLoopbackHost(item: string): boolean {
  let h = item.trim().toLowerCase();
  if (h.startsWith('[') && h.includes(']')) h = h.slice(1, h.indexOf(']'));
  // host::port or host:port forms in manualroute lists
  const port = /^(.*?)(::?\d+)$/.exec(h);
  if (port && !h.includes('::1')) h = port[1];
  return /^127(\.\d{1,3}){3}$/.test(h) || h === '::1' || h === 'localhost' || h === 'localhost.localdomain' || h === 'ip6-localhost';
}

/** Whether a host can be loopback from its first character: "127...", "::1", "localhost", "ip6-localhost". */
function mayBeLoopback(c: number): boolean {
  return c === 49 /* 1 */ || c === 58 /* : */ || c === 108 || c === 76 /* l L */ || c === 105 || c === 73 /* i I */;
}

/** Whether a list has at least one item and every item is the loopback interface. */
export function allLoopback(list: string): boolean {
  if (list.includes('$')) return false;
  scanner.reset(list);
  let count = 0;
  while (scanner.next()) {
    count++;
    if (!scanner.doubled) {
      let c = scanner.firstCode();
      if (c === 91 /* [ */) c = scanner.codeAt(1);
      if (!mayBeLoopback(c)) return false;
    }
    if (!isLoopbackHost(scanner.item())) return false;
  }
  return count > 0;
}

/** Whether a host list, read in order, matches every host: a `*` with no negated item before it. */
export function listMatchesEverything(value: string): boolean {
  scanner.reset(value);
  while (scanner.next()) {
    if (scanner.is(42 /* * */)) return true;
    if (scanner.doubled ? scanner.item().startsWith('!') : scanner.firstCode() === 33 /* ! */) return false;
  }
  return false;
}
