import { trimCSpace } from './lists';
/**
 * The string Exim keeps for a string option (readconf's read_string()): a value that starts
 * with a double quote is the quoted string, its backslash escapes resolved as
 * string_dequote() does; any other value is taken as written, without surrounding blanks
 * (C's white space: a no-break space is part of the value).
 * Measured with Exim 4.96: `self = "freeze"` and `log_selector = "+all"` are accepted and
 * `exim -bP` shows them without quotes.
 */
export function stringSetting(value: string): string {
  const v = trimCSpace(value);
  return v.startsWith('"') ? dequote(v).text : v;
}

const OCTAL = /[0-7]/;
const HEX = /[0-9a-fA-F]/;
const NAMED_ESCAPES: Record<string, string> = { b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v' };

/**
 * The double-quoted string at the start of `quoted`, decoded like Exim's string_dequote()
 * with string_interpret_escape(): `\b \f \n \r \t \v`, one to three octal digits, `\x`
 * with up to two hex digits (none gives a NUL), and any other escaped character stands
 * for itself. `offsets[i]` is the index in `quoted` of what gave the i-th decoded
 * character; one more entry gives the end.
 */
export function dequote(quoted: string): { text: string; offsets: number[] } {
  let text = '';
  const offsets: number[] = [];
  let i = 1;
  while (i < quoted.length && quoted[i] !== '"') {
    offsets.push(i);
    if (quoted[i] !== '\\' || i + 1 >= quoted.length) {
      text += quoted[i++];
      continue;
    }
    const c = quoted[i + 1];
    let j = i + 2;
    if (OCTAL.test(c)) {
      let code = Number(c);
      for (let k = 0; k < 2 && OCTAL.test(quoted[j] ?? ''); k++) code = code * 8 + Number(quoted[j++]);
      text += String.fromCharCode(code & 0xff);
    } else if (c === 'x') {
      let code = 0;
      for (let k = 0; k < 2 && HEX.test(quoted[j] ?? ''); k++) code = code * 16 + parseInt(quoted[j++], 16);
      text += String.fromCharCode(code);
    } else {
      text += NAMED_ESCAPES[c] ?? c;
    }
    i = j;
  }
  offsets.push(i);
  return { text, offsets };
}

/**
 * The index of the quote that closes the double-quoted string starting at `start` (a
 * backslash escapes the character after it, as in Exim's string_dequote()), or -1 when the
 * string is not closed.
 */
export function closingQuote(text: string, start: number): number {
  let i = start + 1;
  while (i < text.length && text.charCodeAt(i) !== 34 /* " */) i += text.charCodeAt(i) === 92 /* \ */ ? 2 : 1;
  return i < text.length ? i : -1;
}

/** The string an option setting sets (see stringSetting), or undefined when there is none. */
export function settingOf(option: { value: string } | undefined): string | undefined {
  return option ? stringSetting(option.value) : undefined;
}
