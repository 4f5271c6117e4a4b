/**
 * Messages quote configuration text, and a broken or binary file can hold anything: terminal
 * escape sequences, NUL bytes, lines of megabytes. What a finding says is made safe to print
 * and to show in a list of problems.
 */

/** Longest message kept whole; longer ones keep their start and end (where suggestions are). */
export const MAX_MESSAGE = 1000;
const HEAD = 600;
const TAIL = 300;

/** C0 controls other than tab, DEL and C1 controls: a terminal would act on them. */
const CONTROL = /[\u0000-\u0008\u000a-\u001f\u007f-\u009f]/g;

function escapeControl(c: string): string {
  return `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`;
}

/** Control characters written as `\xNN`, and the middle of an overlong text left out. */
export function printable(text: string): string {
  // A message may quote a line of megabytes: its start and end are cut out first, so that
  // only what is kept is copied and escaped (what is left out is counted in its own characters).
  if (text.length > 4 * MAX_MESSAGE) {
    const head = escape(text.slice(0, HEAD)).slice(0, HEAD);
    const tail = escape(text.slice(text.length - TAIL));
    return `${head} … (${text.length - HEAD - TAIL} characters left out) … ${tail.slice(tail.length - TAIL)}`;
  }
  const out = escape(text);
  if (out.length <= MAX_MESSAGE) return out;
  const left = out.length - HEAD - TAIL;
  return `${out.slice(0, HEAD)} … (${left} characters left out) … ${out.slice(out.length - TAIL)}`;
}

function escape(text: string): string {
  CONTROL.lastIndex = 0;
  return CONTROL.test(text) ? text.replace(CONTROL, escapeControl) : text;
}
