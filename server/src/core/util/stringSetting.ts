/**
 * The string Exim keeps for a string option (readconf's read_string()): a value that starts
 * with a double quote is the quoted string, its backslash escapes resolved (any escaped
 * character stands for itself here, which is enough to check a word); any other value is
 * taken as written, without surrounding blanks. Measured with Exim 4.96: `self = "freeze"`
 * and `log_selector = "+all"` are accepted and `exim -bP` shows them without quotes.
 */
export function stringSetting(value: string): string {
  const v = value.trim();
  if (!v.startsWith('"')) return v;
  const close = closingQuote(v, 0);
  return v.slice(1, close < 0 ? v.length : close).replace(/\\([\s\S])/g, '$1');
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
