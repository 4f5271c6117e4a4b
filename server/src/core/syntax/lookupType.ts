/**
 * The lookup type in `${lookup{key}TYPE{file}}` and `${lookup TYPE{query}}`, checked as
 * Exim 4.96's search_findtype_partial() checks it: an optional "partial" prefix
 * (`partial-`, `partialN-`, `partial(affix)`), the type's name, an optional `*` or `*@`
 * default, and `,options`. Types are those compiled into the binary; a single-key type needs
 * the {key}, a query-style type must not have one, and takes neither "partial" nor defaults.
 */
import { lookupTypeStyle } from '../syntaxData';

/** C's ispunct(): printable ASCII that is neither a letter, a digit nor a space. */
const isPunct = (c: number): boolean => (c >= 33 && c <= 47) || (c >= 58 && c <= 64) || (c >= 91 && c <= 96) || (c >= 123 && c <= 126);

/** What Exim says about the lookup type `type` (the text it read up to "{" or white space), if anything. */
export function lookupTypeProblem(type: string, hasKey: boolean | undefined): string | undefined {
  let rest = type;
  let partial = false;
  if (rest.startsWith('partial')) {
    partial = true;
    let k = 7;
    while (k < rest.length && rest.charCodeAt(k) >= 48 && rest.charCodeAt(k) <= 57) k++;
    if (rest[k] === '(') {
      k++;
      while (k < rest.length && isPunct(rest.charCodeAt(k)) && rest[k] !== ')') k++;
      if (rest[k] !== ')') return `format error in lookup type "${type}"`;
      k++;
    } else if (rest[k] === '-') k++;
    else return `format error in lookup type "${type}"`;
    rest = rest.slice(k);
  }
  // The name ends at the first "*" (a default) or at the first "," after it (options).
  const star = rest.indexOf('*');
  let len = star >= 0 ? star : rest.length;
  const comma = rest.indexOf(',', star >= 0 ? star : 0);
  if (comma >= 0 && comma < len) len = comma;
  const name = rest.slice(0, len);
  const style = lookupTypeStyle(name);
  if (!style) return `unknown lookup type "${name}"`;
  if (style === 'query') {
    if (partial) return `"partial" is not permitted for lookup type "${rest}"`;
    if (star >= 0) return `defaults using "*" or "*@" are not permitted for lookup type "${rest}"`;
    if (hasKey === true) return `a single key was given for lookup type "${type}", which is not a single-key lookup type`;
  } else if (hasKey === false) return `missing {key} for single-key "${type}" lookup`;
  return undefined;
}

export type ListKind = 'domain' | 'host' | 'localpart' | 'address';

/**
 * A host list item Exim reads as an IPv4 address or address and mask (match.c): digits and
 * dots from the start up to a "/" or the end. Anything else after them ("192.0.2.1 ; x",
 * "1mail.example") is not.
 */
export const IPV4_LIKE = /^\d[\d.]*(?:\/|$)/;

/**
 * A list item that is a lookup (`lsearch;/etc/file`, `net24-lsearch;...`, `*@lsearch;...` in
 * an address list) whose type Exim cannot use, as match.c reads it: an item with a ";" is a
 * lookup unless it is a regular expression ("^") or, in domain and local part lists, a
 * wildcard ("*"); the type is everything before the ";", spaces included. Measured with
 * 4.96: Exim then logs 'unknown lookup type' to the panic log and the process stops.
 */
export function listItemLookupProblem(item: string, kind: ListKind): string | undefined {
  let text = item.replace(/^!\s*/, '');
  // In a host list, digits and dots up to a "/" or the end are an address, however malformed
  // ("10.0.0.0/8 ; 127.0.0.1" is no lookup: measured).
  if (kind === 'host' && IPV4_LIKE.test(text)) return undefined;
  if (kind === 'address') {
    const semicolon = text.indexOf(';');
    const at = semicolon < 0 ? -1 : text.lastIndexOf('@', semicolon);
    // "*@lsearch;file" looks up the domain; in "lsearch*@;file" the "*@" is the lookup's default.
    const defaultSuffix = at > 0 && text[at - 1] === '*' && at + 1 === semicolon;
    if (!text.startsWith('^') && at >= 0 && !defaultSuffix) text = text.slice(at + 1);
  }
  // "@mx_any/ignore=<;127.0.0.1;::1": a domain list's MX item with a host list of its own.
  if (kind === 'domain' && /^@mx_(?:any|primary|secondary)\b/.test(text)) return undefined;
  const semicolon = text.indexOf(';');
  if (semicolon < 0 || text.startsWith('^') || (kind !== 'host' && text.startsWith('*'))) return undefined;
  let type = text.slice(0, semicolon);
  // No type at all ("lsearch*@ ;file" is the local part "lsearch*" and the domain " ;file"):
  // Exim reads no lookup there, and the item never matches (measured).
  if (type.trim() === '') return undefined;
  if (kind === 'host') {
    const net = /^net\d*-/.exec(type);
    if (net) type = type.slice(net[0].length);
    else if (type.startsWith('net')) return undefined;
  }
  const problem = lookupTypeProblem(type, undefined);
  if (problem) return problem;
  // A file that is not absolute is opened from Exim's working directory (measured: a domain
  // list "lsearch;etc/domains" dies with 'failed to open etc/domains for linear search').
  const base = fileLookupType(type);
  const file = text.slice(semicolon + 1).trim();
  if (base && file !== '' && !file.startsWith('/')) return `failed to open ${file} (the file of this ${base} lookup is not absolute: Exim opens it from its own working directory, not the configuration's)`;
  return undefined;
}

/** Single-key lookup types whose "file" is a file or directory to open. */
const FILE_LOOKUPS = new Set(['lsearch', 'wildlsearch', 'nwildlsearch', 'iplsearch', 'cdb', 'dbm', 'dbmjz', 'dbmnz', 'dsearch', 'lmdb', 'json']);

/**
 * The lookup type of a written type ("partial2-lsearch*@,ret=key" is lsearch) when it opens
 * a file or directory, else undefined.
 */
export function fileLookupType(type: string): string | undefined {
  const base = type.replace(/^partial\d*(?:\([^)]*\))?-/, '').replace(/,.*$/s, '').replace(/\*@?$/, '').trim();
  return FILE_LOOKUPS.has(base) ? base : undefined;
}
