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
export function lookupTypeProblem(type: string, hasKey: boolean): string | undefined {
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
    if (hasKey) return `a single key was given for lookup type "${type}", which is not a single-key lookup type`;
  } else if (!hasKey) return `missing {key} for single-key "${type}" lookup`;
  return undefined;
}
