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
  let out = '';
  let i = 1;
  while (i < v.length && v[i] !== '"') {
    if (v[i] === '\\' && i + 1 < v.length) {
      out += v[i + 1];
      i += 2;
    } else out += v[i++];
  }
  return out;
}

/** The string an option setting sets (see stringSetting), or undefined when there is none. */
export function settingOf(option: { value: string } | undefined): string | undefined {
  return option ? stringSetting(option.value) : undefined;
}
