/**
 * GnuTLS priority strings, the value of `tls_require_ciphers` for an Exim built with GnuTLS
 * (Debian's is). Read as gnutls_priority_init() reads them: ":"-separated elements, each a
 * keyword (NORMAL, SECURE128, ...; NONE only first), a name after "+", "-" or "!"
 * ("-VERS-TLS1.0", "+AES-256-GCM"; case-insensitive; keywords may be added, not removed)
 * or a flag after "%" ("%COMPAT"; case-sensitive); spaces may only come before an element. The words are those the
 * installed libgnutls accepts (data/gnutls-priorities.json, from
 * scripts/gen-gnutls-priorities.py). A string the library refuses only because nothing
 * usable is left ("NORMAL:-VERS-ALL") is not detected.
 */
import vocabulary from '../data/gnutls-priorities.json';
import { suggest } from './suggest';

const KEYWORDS = new Set(vocabulary.keywords);
const NAMES = new Set(vocabulary.names);
const ADD_ONLY = new Set(vocabulary.addOnly);
const FLAGS = new Set(vocabulary.flags);
const PREFIXES = vocabulary.namePrefixes;

export interface PriorityProblem {
  /** Offset of the element in the string (where gnutls_priority_init() says it failed). */
  offset: number;
  element: string;
  reason: string;
  /** Closest known words, for a misspelt one. */
  suggestions: string[];
}

/** A name the library takes after this sign; one that starts with a prefix may go on with anything, spaces included. */
const knownName = (sign: string, name: string): boolean => (NAMES.has(name) && (sign === '+' || !ADD_ONLY.has(name))) || PREFIXES.some((p) => name.startsWith(p));

/**
 * Why libgnutls refuses `text` as a priority string, or undefined.
 */
export function gnutlsPriorityProblem(text: string): PriorityProblem | undefined {
  // "@KEYWORD" names an entry of the system's GnuTLS configuration, which only the server
  // has; OpenSSL's "@STRENGTH" and "@SECLEVEL=n" are not such names.
  if (text === '' || /^ *@(?!STRENGTH(?::|$)|SECLEVEL=)/.test(text)) return undefined;
  let offset = 0;
  const elements = text.split(':');
  for (let i = 0; i < elements.length; i++) {
    const raw = elements[i];
    const lead = raw.length - raw.replace(/^ +/, '').length;
    const element = raw.slice(lead);
    const at = offset + lead;
    offset += raw.length + 1;
    const problem = (reason: string, suggestions: string[] = []): PriorityProblem => ({ offset: at, element, reason, suggestions });
    if (element === '') return problem(i === elements.length - 1 && i > 0 ? 'nothing after the last ":"' : 'an empty element between two ":"');
    const spaced = /\s/.test(element) ? ' (white space may only come before an element)' : '';
    const sign = element[0];
    if (sign === '%') {
      if (!FLAGS.has(element.slice(1))) return problem(`"${element}" is not a GnuTLS flag${spaced || ' (flags are upper case)'}`, suggest(element.slice(1), FLAGS).map((f) => `%${f}`));
    } else if (sign === '+' || sign === '-' || sign === '!') {
      const name = element.slice(1).toUpperCase();
      if (knownName(sign, name)) continue;
      if (ADD_ONLY.has(name)) return problem(`"${element.slice(1)}" is a keyword: it may be added ("+${element.slice(1)}") or stand alone, not removed`);
      return problem(`"${element.slice(1)}" is not a name GnuTLS knows${spaced}`, suggest(name, NAMES).map((n) => sign + n));
    } else {
      const keyword = element.toUpperCase();
      if (i > 0 && keyword === 'NONE') return problem('"NONE" may only come first');
      if (!KEYWORDS.has(keyword)) return problem(`"${element}" is not a GnuTLS priority keyword (${[...KEYWORDS].join(', ')})${spaced}`, suggest(keyword, KEYWORDS));
    }
  }
  return undefined;
}
