/**
 * The rules of a manualroute router's route_list (`domains hosts options; ...`) and its
 * route_data (`hosts options`), read as manualroute.c reads them: items are runs of
 * non-blank characters, the hosts may be quoted, and the options are words after the hosts.
 */
import { isSpaceCode } from './lists';

/** The words allowed after the hosts besides a transport's name (measured with Exim 4.96; ipv6_prefer is not one). */
export const ROUTE_HOST_OPTIONS: readonly string[] = ['byname', 'bydns', 'randomize', 'no_randomize', 'ipv4_prefer', 'ipv4_only'];
const ROUTE_HOST_OPTION_SET = new Set(ROUTE_HOST_OPTIONS);

export interface RouteRule {
  /** Offsets of the hosts item in the text, quotes removed (hostStart === hostEnd when missing). */
  hostStart: number;
  hostEnd: number;
  /** Offset where the options begin (after the hosts and white space) and the rule's end. */
  optionsStart: number;
  end: number;
}

/** Reads one rule in text[from, to): `withDomains` for route_list (a domain list comes first). */
export function readRouteRule(text: string, from: number, to: number, withDomains: boolean): RouteRule | undefined {
  let i = from;
  let hostStart = -1;
  let hostEnd = -1;
  for (let item = withDomains ? 0 : 1; item < 2; item++) {
    while (i < to && isSpaceCode(text.charCodeAt(i))) i++;
    if (i >= to) return undefined;
    const start = i;
    const close = text.charCodeAt(i) === 34 /* " */ ? text.indexOf('"', i + 1) : -1;
    if (close >= 0 && close < to) i = close + 1;
    else while (i < to && !isSpaceCode(text.charCodeAt(i))) i++;
    hostStart = start;
    hostEnd = i;
  }
  if (text.charCodeAt(hostStart) === 34) hostStart++;
  if (hostEnd > hostStart && text.charCodeAt(hostEnd - 1) === 34) hostEnd--;
  while (i < to && isSpaceCode(text.charCodeAt(i))) i++;
  let end = to;
  while (end > i && isSpaceCode(text.charCodeAt(end - 1))) end--;
  return { hostStart, hostEnd, optionsStart: i, end };
}

/** The rules of a route_list: [from, to) of each non-empty one, split at ";" or at the separator a leading "<x" sets. */
export function routeListRules(list: string): { from: number; to: number }[] {
  const rules: { from: number; to: number }[] = [];
  let sep = ';';
  let from = 0;
  const lead = list.length - list.trimStart().length;
  if (list.charCodeAt(lead) === 60 /* < */ && lead + 1 < list.length && !/[A-Za-z0-9\s]/.test(list[lead + 1])) {
    sep = list[lead + 1];
    from = lead + 2;
  }
  while (from <= list.length) {
    let to = list.indexOf(sep, from);
    if (to < 0) to = list.length;
    if (list.slice(from, to).trim() !== '') rules.push({ from, to });
    from = to + 1;
  }
  return rules;
}

/**
 * The first option word Exim would not take, with the rest of the options (Exim names the
 * rest from that word on: `unknown routing option or transport name "# x"`).
 */
export function unknownRouteOption(text: string, rule: RouteRule, transports: ReadonlySet<string>): { start: number; end: number; text: string } | undefined {
  let i = rule.optionsStart;
  while (i < rule.end) {
    const start = i;
    while (i < rule.end && !isSpaceCode(text.charCodeAt(i))) i++;
    const word = text.slice(start, i);
    if (!ROUTE_HOST_OPTION_SET.has(word) && !transports.has(word)) return { start, end: rule.end, text: text.slice(start, rule.end) };
    while (i < rule.end && isSpaceCode(text.charCodeAt(i))) i++;
  }
  return undefined;
}
