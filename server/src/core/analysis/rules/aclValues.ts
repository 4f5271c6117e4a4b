/**
 * ACL values Exim reads only when the statement runs: `exim -bV` accepts them, and the SMTP
 * command the ACL guards is then refused with a temporary error ("451 Temporary local
 * problem", logged 'syntax error in "control=..."'). Measured with Exim 4.96 (`exim -bh`).
 */
import { aclItemsNamed } from '../valueSites';
import { suggest } from '../../util/suggest';
import { expandedLiteral, literalTextOutsideReferences } from '../../syntax/expansion';
import { regexProblem } from '../../util/regexSyntax';
import { exactListItems, splitList } from '../../util/lists';
import { mentionsMacro, readTime } from './values';
import { Rule, RuleContext } from '../types';

/**
 * The controls this Exim takes, and what may follow the name (measured with exim -bh, the
 * Debian 4.96 build): nothing ("none"), anything or nothing, even a bare "/" ("optional":
 * unknown options are ignored), a "/" and anything ("required"), or what one of the readers
 * below takes. dmarc_disable_verify and dmarc_enable_forensic are not compiled in, and are
 * refused like unknown names.
 */
const CONTROLS: Record<string, 'none' | 'optional' | 'required' | 'freeze' | 'submission' | 'utf8_downconvert'> = {
  allow_auth_unadvertised: 'none',
  caseful_local_part: 'none',
  caselower_local_part: 'none',
  cutthrough_delivery: 'optional',
  debug: 'optional',
  dkim_disable_verify: 'none',
  dscp: 'required',
  enforce_sync: 'none',
  fakedefer: 'optional',
  fakereject: 'optional',
  freeze: 'freeze',
  no_callout_flush: 'none',
  no_delay_flush: 'none',
  no_enforce_sync: 'none',
  no_mbox_unspool: 'none',
  no_multiline_responses: 'none',
  no_pipelining: 'none',
  queue: 'optional',
  queue_only: 'optional',
  submission: 'submission',
  suppress_local_fixups: 'none',
  utf8_downconvert: 'utf8_downconvert',
};
/** The controls this Exim build takes. */
export const CONTROL_NAMES: readonly string[] = Object.keys(CONTROLS);

/** Whether acl.c reads submission's options: "/sender_retain", "/domain=..." (to the next "/"), "/name=..." (the rest); case matters. */
function submissionOptionsRead(options: string): boolean {
  let p = options;
  while (p.startsWith('/')) {
    if (p.startsWith('/sender_retain')) p = p.slice(14);
    else if (p.startsWith('/domain=')) {
      const next = p.indexOf('/', 8);
      p = next < 0 ? '' : p.slice(next);
    } else if (p.startsWith('/name=')) p = '';
    else break;
  }
  return p === '';
}

/** What a control with options of its own takes, in words, for the message. */
const OPTION_WORDS: Record<string, string> = {
  freeze: 'takes only "/no_tell"',
  submission: 'takes "/sender_retain", "/domain=..." and "/name=..." (in lower case)',
  utf8_downconvert: 'takes "/1", "/0" or "/-1"',
};

/** Why Exim cannot read `control = value`, or undefined. */
export function controlProblem(value: string): string | undefined {
  const slash = value.indexOf('/');
  const name = slash < 0 ? value : value.slice(0, slash);
  const kind = Object.prototype.hasOwnProperty.call(CONTROLS, name) ? CONTROLS[name] : undefined;
  if (kind === undefined) return `syntax error in "control=${value}": "${name}" is not a control this Exim knows`;
  if (slash < 0) return kind === 'required' ? `syntax error in "control=${value}": ${name} needs a value after "/"` : undefined;
  const options = value.slice(slash);
  if (kind === 'none') return `syntax error in "control=${value}": ${name} takes no options`;
  const read = kind === 'freeze' ? options === '/no_tell' : kind === 'submission' ? submissionOptionsRead(options) : kind === 'utf8_downconvert' ? /^\/(?:1|0|-1)/.test(options) : true;
  return read ? undefined : `syntax error in "control=${value}": ${name} ${OPTION_WORDS[kind]}`;
}

/** What each rule below adds to Exim's own words. */
const AT_RUN_TIME = 'Exim accepts the configuration, and refuses the command this ACL guards with a temporary error when the statement runs';

/**
 * Reports, for each written-out value of the named ACL items (no "$" unless problemOf reads
 * around expansions itself; a "# comment" after it is comment-in-value's), what Exim says when
 * the statement runs.
 */
function checkWrittenValues(ctx: RuleContext, names: readonly string[], problemOf: (name: string, value: string) => string | undefined, consequence = AT_RUN_TIME, readsExpansions = false): void {
  for (const name of names) {
    for (const { item } of aclItemsNamed(ctx.tree, name)) {
      if (!item.hasValue || (!readsExpansions && item.value.includes('$')) || /\s#/.test(item.value)) continue;
      const value = item.value.trim();
      const problem = problemOf(name, value);
      if (problem) ctx.report({ message: `${problem}: ${consequence}`, loc: item.valueLoc ?? item.nameLoc, active: item.active, data: { value } });
    }
  }
}

const aclControlInvalid: Rule = {
  id: 'acl-control-invalid',
  defaultSeverity: 'warning',
  title: 'ACL control that Exim cannot read, which refuses the SMTP command with a temporary error',
  check(ctx: RuleContext) {
    for (const { item } of aclItemsNamed(ctx.tree, 'control')) {
      // A "# comment" after the value is comment-in-value's to report.
      if (!item.hasValue || item.value.includes('$') || /\s#/.test(item.value)) continue;
      const value = item.value.replace(/[ \t]+$/, '');
      const problem = controlProblem(value);
      if (!problem) continue;
      const name = value.replace(/\/.*$/s, '');
      const suggestions = Object.prototype.hasOwnProperty.call(CONTROLS, name) ? [] : suggest(name, CONTROL_NAMES);
      const loc = item.valueLoc ?? item.nameLoc;
      ctx.report({
        message: `${problem}: ${AT_RUN_TIME}${suggestions.length ? `; did you mean "${suggestions[0]}"?` : ''}`,
        loc,
        active: item.active,
        data: { control: value },
        fixes: suggestions.slice(0, 1).map((n) => ({ title: `Change to "${n}"`, edits: [{ file: loc.file, range: loc.range, newText: n + value.slice(name.length) }], isPreferred: true })),
      });
    }
  },
};

/**
 * verify targets and the "/options" each takes (acl.c's verify_type_list): none, the
 * callout options, only case_insensitive (not_blind; empty items allowed), or not checked.
 * Names and options are case-insensitive.
 */
const VERIFY_TARGETS = new Map<string, 'options' | 'none' | 'unchecked' | 'case_insensitive'>([
  ['reverse_host_lookup', 'unchecked'],
  ['certificate', 'none'],
  ['helo', 'none'],
  ['csa', 'unchecked'],
  ['header_syntax', 'none'],
  ['not_blind', 'case_insensitive'],
  ['header_sender', 'options'],
  ['sender', 'options'],
  ['recipient', 'options'],
  ['header_names_ascii', 'none'],
]);
/** Options of sender, recipient and header_sender verification besides callout (quota: measured with 4.96). */
const VERIFY_OPTIONS = new Set(['defer_ok', 'no_details', 'success_on_redirect', 'callout_defer_ok', 'check_postmaster', 'quota']);
/** callout= sub-options, matched by prefix in this order; [name, takes "=value", value is a time]. Anything else is a time. */
const CALLOUT_OPTIONS: [string, boolean, boolean][] = [
  ['defer_ok', false, false],
  ['no_cache', false, false],
  ['random', false, false],
  ['use_sender', false, false],
  ['use_postmaster', false, false],
  ['postmaster_mailfrom', true, false],
  ['postmaster', false, false],
  ['fullpostmaster', false, false],
  ['mailfrom', true, false],
  ['maxwait', true, true],
  ['connect', true, true],
  ['hold', false, false],
];

/** Whether Exim's readconf_readtime() reads the text: numbers each with a unit (w, d, h, m, s), nothing else. */
const isTime = (text: string): boolean => readTime(text) >= 0;

/** Why Exim cannot run `verify = value` (acl_verify()'s own messages), or undefined. */
export function verifyProblem(value: string): string | undefined {
  const items = value.split('/').map((x) => x.trim());
  const first = items[0].toLowerCase();
  const target = /^sender\s*=/.test(first) ? 'sender' : first;
  const kind = VERIFY_TARGETS.get(target);
  if (kind === undefined) return `expected "sender[=address]", "recipient", "helo", "header_syntax", "header_sender", "header_names_ascii" or "reverse_host_lookup" at start of ACL condition "verify ${value}"`;
  if (kind === 'none' && value.includes('/')) return `unexpected '/' found in "${value}" (this verify item has no options)`;
  if (kind === 'case_insensitive') {
    const bad = items.slice(1).find((o) => o !== '' && o.toLowerCase() !== 'case_insensitive');
    return bad === undefined ? undefined : `unknown option "${bad}" in ACL condition "verify ${value}"`;
  }
  if (kind !== 'options') return undefined;
  let useSender = false;
  let usePostmaster = false;
  for (const item of items.slice(1)) {
    if (item === '') continue;
    const lower = item.toLowerCase();
    if (VERIFY_OPTIONS.has(lower) || lower.startsWith('quota=')) continue;
    if (!lower.startsWith('callout')) return `unknown option "${item}" in ACL condition "verify ${value}"`;
    const rest = item.slice(7).trimStart();
    if (rest === '') continue;
    if (!rest.startsWith('=')) return `'=' expected after "callout" in ACL condition "${value}"`;
    for (const raw of rest.slice(1).split(',')) {
      const opt = raw.trim();
      if (opt === '') continue;
      const entry = CALLOUT_OPTIONS.find(([name]) => opt.toLowerCase().startsWith(name));
      if (!entry) {
        if (!isTime(opt)) return `bad time value in ACL condition "verify ${value}"`;
        continue;
      }
      const [name, hasValue, isTimeValue] = entry;
      if (name === 'use_sender') useSender = true;
      if (name === 'use_postmaster') usePostmaster = true;
      if (name === 'mailfrom' && target !== 'header_sender') return `"mailfrom" is allowed as a callout option only for verify=header_sender (detected in ACL condition "${value}")`;
      if (!hasValue) continue;
      const after = opt.slice(name.length).trimStart();
      if (!after.startsWith('=')) return `'=' expected after "${name}" in ACL verify condition "${value}"`;
      if (isTimeValue && !isTime(after.slice(1).trim())) return `bad time value in ACL condition "verify ${value}"`;
    }
  }
  if (useSender && usePostmaster) return 'only one of use_sender and use_postmaster can be set for a recipient callout';
  if (target === 'sender' && (useSender || usePostmaster)) return 'use_sender or use_postmaster cannot be used for a sender verify callout';
  return undefined;
}

const aclVerifyInvalid: Rule = {
  id: 'acl-verify-invalid',
  defaultSeverity: 'warning',
  title: 'ACL "verify =" that Exim cannot run: an unknown target, or options it does not take',
  check(ctx: RuleContext) {
    checkWrittenValues(ctx, ['verify'], (_, value) => verifyProblem(value));
  },
};

/** A number as strtod() reads all of it, not negative. */
const isPositiveNumber = (text: string): boolean => /^\+?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/.test(text);

const UPDATE_MODES = new Set(['strict', 'leaky', 'readonly']);
export const PER_OPTIONS = new Set(['per_mail', 'per_rcpt', 'per_byte', 'per_cmd', 'per_conn', 'per_addr']);

/**
 * Why Exim cannot run `delay`, `seen` or `ratelimit` with this value, in its words (each
 * case measured with exim -bh), or undefined.
 */
export function timedArgumentProblem(name: string, value: string): string | undefined {
  if (name === 'delay') return isTime(value) ? undefined : `syntax error in argument for "delay" modifier: "${value}" is not a time value`;
  if (name === 'seen') {
    const items = value.split('/').map((x) => x.trim());
    if (!isTime(items[0].replace(/^-/, ''))) return `failed to parse '${items[0]}'`;
    const bad = items.slice(1).find((o) => o !== '' && !/^(?:readonly|write|key=.*|refresh=.*)$/s.test(o));
    return bad === undefined ? undefined : `unrecognised option '${bad}' in '${value}'`;
  }
  // ratelimit = <m> / <p> / <options> / <key>: "/" separates, "//" is a "/" of an item, and
  // option words are case-insensitive (measured with exim -bh; any other word joins the key).
  const parts = ratelimitItems(value);
  const pre = 'error in arguments to "ratelimit" condition';
  if (!isLimit(parts[0])) return `${pre}: "${parts[0]}" is not a positive number`;
  if (parts.length < 2) return `${pre}: "NULL" is not a time value`;
  if (!(readTime(parts[1]) > 0)) return `${pre}: "${parts[1]}" is not a time value`;
  const options = parts.slice(2).map((o) => o.toLowerCase());
  if (new Set(options.filter((o) => UPDATE_MODES.has(o))).size > 1) return `${pre}: conflicting update modes`;
  if (options.filter((o) => PER_OPTIONS.has(o)).length > 1) return `${pre}: conflicting per_* options`;
  const count = parts.slice(2).find((o) => o.toLowerCase().startsWith('count='));
  if (count !== undefined && count.length > 6 && !isPositiveNumber(count.slice(6).trim())) return `${pre}: "${count}" is not a positive number`;
  return undefined;
}

/** The items of a ratelimit value: split at "/", a doubled "//" kept as one "/" of the item, each trimmed. */
export function ratelimitItems(value: string): string[] {
  const items: string[] = [];
  let item = '';
  for (let i = 0; i < value.length; i++) {
    if (value[i] !== '/') item += value[i];
    else if (value[i + 1] === '/') item += value[i++];
    else items.push(item.trim()), (item = '');
  }
  items.push(item.trim());
  return items;
}

/** A ratelimit's limit: empty (zero), or a number not below zero with an optional K, M or G (any case). */
const isLimit = (text: string): boolean => text === '' || isPositiveNumber(text.replace(/[kKmMgG]$/, ''));

/**
 * Why Exim cannot send `udpsend = host : port : text`, or undefined. The value is a list
 * (an IPv6 address needs `<;`); the port is read as a decimal number, an empty one as 0.
 * Host names are looked up when the statement runs and are not checked here.
 */
export function udpsendProblem(value: string): string | undefined {
  const items = exactListItems(value);
  if (items.length < 2) return 'missing destination port in "udpsend" modifier';
  if (!/^[+-]?\d*$/.test(items[1])) return `bad destination port in "udpsend" modifier: "${items[1]}" is not a number`;
  return undefined;
}

const aclArgumentInvalid: Rule = {
  id: 'acl-argument-invalid',
  defaultSeverity: 'warning',
  title: 'ACL "delay", "seen", "ratelimit" or "udpsend" whose time, number or port Exim cannot read',
  check(ctx: RuleContext) {
    checkWrittenValues(ctx, ['delay', 'seen', 'ratelimit', 'udpsend'], (name, value) => (name === 'udpsend' ? udpsendProblem(value) : timedArgumentProblem(name, value)));
  },
};

/**
 * Why an ACL `remove_header` list removes nothing where its author expects it to, or
 * undefined. Measured with exim -bh (the size of the received message): Exim splits the list
 * at ":" only, so "<; X-A ; X-B" is one name that no header has, and names are matched
 * exactly, without wildcards or regular expressions ("X-Spam-*", "^X-Spam").
 */
export function removeHeaderProblem(value: string): string | undefined {
  if (/^<[!-\/:-@[-`{-~]/.test(value)) return `remove_header is split at ":" only, so "${value.slice(0, 2)}" does not change its separator: "${value}" names one header that no message has, and nothing is removed`;
  const names = value.split(':').map((n) => n.trim());
  const spaced = names.find((n) => /\s/.test(n));
  if (spaced !== undefined) return `remove_header item "${spaced}" removes nothing: a header name has no white space`;
  const pattern = names.find((n) => /[*?^$]/.test(n));
  if (pattern !== undefined) return `remove_header item "${pattern}" is not a pattern: names are matched exactly, so it removes only a header called "${pattern}"`;
  return undefined;
}

const aclRemoveHeaderIneffective: Rule = {
  id: 'acl-remove-header-ineffective',
  defaultSeverity: 'warning',
  title: 'ACL remove_header list that removes nothing as written: a "<;" separator change, or a wildcard or pattern',
  check(ctx: RuleContext) {
    checkWrittenValues(ctx, ['remove_header'], (_, value) => removeHeaderProblem(value), 'Exim accepts the configuration and runs the statement without a word');
  },
};

/**
 * The lines of an ACL `add_header` value that are not header lines, as Exim adds it
 * (measured with exim -bh and $headers_added): a leading ":at_start:", ":at_start_rfc:",
 * ":at_end:" or ":after_received:" (any case) goes, "\n" separates lines, a line that starts
 * with white space continues the one before, empty lines at either end go, and every other
 * line must be a name of printable characters other than space and ":", then ":". Exim adds
 * a line that is not as "X-ACL-Warn: line"; a position word alone adds "X-ACL-Warn: ".
 */
export function addHeaderStrays(value: string): string[] {
  const position = /^:(?:at_start|at_start_rfc|at_end|after_received):/i.exec(value);
  const text = value.slice(position ? position[0].length : 0).replace(/\\n/g, '\n');
  // A position word with nothing after it adds an empty "X-ACL-Warn:" (measured).
  if (position && /^\n*$/.test(text)) return [''];
  const lines = text.split('\n');
  while (lines.length && lines[0] === '') lines.shift();
  while (lines.length && lines[lines.length - 1] === '') lines.pop();
  return lines.filter((line) => !/^[ \t]/.test(line) && !/^[!-9;-~]*:/.test(line));
}

const aclAddHeaderNotHeader: Rule = {
  id: 'acl-add-header-not-header',
  defaultSeverity: 'information',
  title: 'ACL add_header line that is not a header line, which Exim adds as "X-ACL-Warn: ..."',
  check(ctx: RuleContext) {
    // Only "\n" among the expansion's escapes is read here; other backslashes and "$" are left.
    checkWrittenValues(
      ctx,
      ['add_header'],
      (_, value) => {
        if (/\\[^n]/.test(value)) return undefined;
        const stray = addHeaderStrays(value)[0];
        return stray === undefined ? undefined : `add_header line "${stray}" is not a header line ("Name: text", the name without spaces), so Exim adds it as "X-ACL-Warn: ${stray}"`;
      },
      'Exim accepts it without a word',
    );
  },
};

/**
 * The DNS list domains of a `dnslists` value that Exim logs as having "strange characters"
 * (anything but letters, digits, ".", "-" and "_"; measured with exim -bh): items of a ":"
 * list (or "<;"), each "domain[,domain][=values | &mask][/key]". The usual cause is a space
 * before "=", which becomes part of the name, so the lookup never finds the address listed.
 */
export function strangeDnslistDomains(value: string): string[] {
  const strange: string[] = [];
  for (const item of exactListItems(value)) {
    const read = readDnslistItem(item);
    if (!read || read.domains.includes('$')) continue;
    for (const domain of read.domains.split(',')) if (/[^A-Za-z0-9._-]/.test(domain)) strange.push(domain);
  }
  return strange;
}

interface DnslistItem {
  /** "domain[,txt-domain]", without the "!" of a negation. */
  domains: string;
  /** The text before the key (the domains and the values). */
  head: string;
  /** The values after "=" or "&" (undefined when there are none), and whether they are bitmasks. */
  values?: string;
  bitmask: boolean;
  /** The text after the first "/". */
  key?: string;
}

/**
 * One `dnslists` item as dnsbl.c reads it (undefined for an empty item or a "+option"): the key
 * is split off at the first "/", then the first "=" (or else "&") starts the values; "==", "=&"
 * and a "!" before the operator say how they match.
 */
function readDnslistItem(item: string): DnslistItem | undefined {
  if (item === '' || item.startsWith('+')) return undefined;
  const slash = item.indexOf('/');
  const head = slash < 0 ? item : item.slice(0, slash);
  const key = slash < 0 ? undefined : item.slice(slash + 1);
  let at = head.indexOf('=');
  let bitmask = at < 0;
  if (bitmask) at = head.indexOf('&');
  // "!" before the item or before "=" / "&" is Exim's negation, not part of a name.
  const domains = (at < 0 ? head : head.slice(0, at)).replace(/^!/, '').replace(/!$/, '');
  if (at < 0) return { domains, head, bitmask: false, key };
  let values = head.slice(at + 1);
  if (!bitmask && (values.startsWith('=') || values.startsWith('&'))) {
    bitmask = values.startsWith('&');
    values = values.slice(1);
  }
  return { domains, head, values, bitmask, key };
}

const aclDnslistDomainStrange: Rule = {
  id: 'acl-dnslist-domain-strange',
  defaultSeverity: 'warning',
  title: 'dnslists domain with characters no DNS list name has (often a space before "="), so the item never matches',
  check(ctx: RuleContext) {
    checkWrittenValues(
      ctx,
      ['dnslists'],
      (_, value) => {
        const domain = strangeDnslistDomains(value)[0];
        if (domain === undefined) return undefined;
        const hint = /\s$/.test(domain) ? ' (white space before "=" or "/" is part of the name)' : '';
        return `dnslists domain "${domain}" contains strange characters - is this right?${hint}: the lookup uses the name as written, so this item never finds an address listed`;
      },
      'Exim accepts the configuration, and only logs the line above',
    );
  },
};

/** An IPv4 address as Exim writes a DNS list's answer: four numbers 0-255, no leading zeros. */
const ANSWER_ADDRESS = /^(?:(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)\.){3}(?:25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)$/;

/**
 * Why the return-value part of `dnslists` items can never match, one reason per item (Exim
 * 4.96's dnsbl.c, measured with exim -bh and a DNS server answering 127.0.0.2). An item is
 * "domain[,domain][!][=[=]list | &list | =&list][/key]": the key is split off at the first
 * "/", then the first "=" (or else "&") starts the list of values, separated by ",".
 * - After "=" each value is compared as text with the answer, so only an address written as
 *   Exim writes answers can match ("127.0.0.02", "127.2", "foo" never do); an empty list
 *   matches nothing (it does not mean "any address").
 * - After "&" each value is a bitmask read as a.b.c.d; anything else ("&2") is read into
 *   uninitialised memory and never matched, and a part over 255 carries into the next.
 * - "=127.0.0.0/24" is not a prefix length: "24" becomes the key, and Exim looks up
 *   "24.domain" instead of the client's address.
 * Items whose domain or values come from an expansion are left alone.
 */
export function dnslistValueProblems(value: string): string[] {
  const items = exactListItems(value);
  // An expansion can split into items differently once expanded.
  if (items.some((item) => (item.match(/\{/g)?.length ?? 0) !== (item.match(/\}/g)?.length ?? 0))) return [];
  const problems: string[] = [];
  for (const item of items) {
    const read = readDnslistItem(item);
    if (!read || read.head.includes('$') || read.values === undefined) continue;
    const { domains: domain, bitmask, key } = read;
    const op = bitmask ? '&' : '=';
    // A doubled "," is a literal comma (string_nextinlist): "=127.0.0.2,,127.0.0.3" is one value.
    const values = exactListItems(read.values, 44).filter((v) => v !== '');
    if (key !== undefined && /^\d{1,3}$/.test(key) && values.length > 0 && /^[\d.]+$/.test(values[values.length - 1])) {
      problems.push(`dnslists item "${item}": "/${key}" is not a prefix length; "/" starts the lookup key, so Exim looks up "${key}.${domain}" instead of the client's address`);
      continue;
    }
    if (values.length === 0) {
      problems.push(`dnslists item "${item}": the list after "${op}" is empty, and an empty list matches no answer (it does not mean "any address"); write "${domain}" alone for any answer in 127.0.0.0/8`);
      continue;
    }
    for (const v of values) {
      if (bitmask) {
        const parts = v.split('.');
        if (parts.length === 4 && parts.every((x) => /^\d+$/.test(x) && Number(x) <= 255)) continue;
        problems.push(`dnslists bitmask "${v}" for ${domain} is not four numbers 0-255 (a.b.c.d, such as 0.0.0.2): Exim cannot read it as a mask, and it never matches as meant`);
      } else if (!ANSWER_ADDRESS.test(v)) {
        const hint = v.includes(':') ? ' (DNS lists answer with IPv4 addresses; "::" in a ":" list is also one literal ":")' : /^[\d.]+$/.test(v) ? ' (four numbers 0-255, without leading zeros)' : '';
        problems.push(`dnslists value "${v}" for ${domain} never equals an answer: Exim compares it as text with the address the list returns${hint}`);
      }
    }
  }
  return problems;
}

const aclDnslistValueNeverMatches: Rule = {
  id: 'acl-dnslist-value-never-matches',
  defaultSeverity: 'warning',
  title: 'dnslists return value or bitmask that no DNS list answer can match (not an address as Exim writes one, an empty list, or "/24")',
  check(ctx: RuleContext) {
    // Keys and values after expansions are left alone by dnslistValueProblems() itself.
    checkWrittenValues(ctx, ['dnslists'], (_, value) => dnslistValueProblems(value)[0], 'Exim accepts it without a word', true);
  },
};

/**
 * The results an `spf` or `spf_guess` condition compares with (Exim 4.96's spf.c, by exact,
 * case-sensitive comparison; each one measured with exim -bh and a DNS server giving that
 * result). Older Exim releases called the last two err_temp and err_perm.
 */
const SPF_RESULTS = ['pass', 'fail', 'softfail', 'neutral', 'none', 'permerror', 'temperror', 'invalid'];
const SPF_OLD_NAMES: Record<string, string> = { err_perm: 'permerror', err_temp: 'temperror' };

/** The SPF result a misspelt name most likely means: case, an old name, a typo, swapped letters. */
function spfResultMeant(name: string): string | undefined {
  const lower = name.toLowerCase();
  if (SPF_RESULTS.includes(lower)) return lower;
  if (SPF_OLD_NAMES[lower]) return SPF_OLD_NAMES[lower];
  const sorted = (w: string) => [...w].sort().join('');
  return suggest(lower, SPF_RESULTS, 1)[0] ?? SPF_RESULTS.find((r) => sorted(r) === sorted(lower));
}

export interface SpfResultProblem {
  problem: string;
  /** The unknown name as written (without "!"), and the result it likely means. */
  name: string;
  meant?: string;
}

/**
 * The first item of an spf/spf_guess list that names no SPF result. Exim compares each item
 * (a leading "!" negates) with the result's name, so an unknown name never matches, and with
 * "!" it matches every result.
 */
export function spfResultProblem(condition: string, value: string): SpfResultProblem | undefined {
  for (const raw of exactListItems(value)) {
    const negated = raw.startsWith('!');
    const name = negated ? raw.slice(1) : raw;
    if (name === '' || SPF_RESULTS.includes(name)) continue;
    const meant = spfResultMeant(name);
    const known = `(Exim's names, in lower case: ${SPF_RESULTS.join(', ')})`;
    const effect = negated ? `"!${name}" matches every result, so this item makes "${condition}" true for every message` : `this item never matches, whatever the result`;
    return { problem: `"${name}" is not an SPF result ${known}: ${effect}, and Exim accepts it without a word${meant ? `; did you mean "${negated ? '!' : ''}${meant}"?` : ''}`, name, meant };
  }
  return undefined;
}

const aclSpfResultUnknown: Rule = {
  id: 'acl-spf-result-unknown',
  defaultSeverity: 'warning',
  title: 'spf or spf_guess condition naming something that is not an SPF result (a typo such as "fial", "Fail", an old name such as "err_perm")',
  check(ctx: RuleContext) {
    for (const condition of ['spf', 'spf_guess']) {
      for (const { item } of aclItemsNamed(ctx.tree, condition)) {
        if (!item.hasValue || item.value.includes('$') || /\s#/.test(item.value)) continue;
        // In a skipped branch, a macro name stands for what the macro will say once defined.
        if (!item.active && mentionsMacro(item.value)) continue;
        const found = spfResultProblem(condition, item.value.trim());
        if (!found) continue;
        const loc = item.valueLoc ?? item.nameLoc;
        const value = item.value.trim();
        // The name as a whole item: after the start, a separator or "!", before a separator or the end.
        const at = new RegExp(`(^|[\\s:;!])${found.name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(?=\\s*(?:[:;]|$))`).exec(value);
        const fixes =
          found.meant && at && item.valueLoc && loc.range.start.line === loc.range.end.line
            ? [
                {
                  title: `Change "${found.name}" to "${found.meant}"`,
                  edits: [{ file: loc.file, range: loc.range, newText: value.slice(0, at.index + at[1].length) + found.meant + value.slice(at.index + at[0].length) }],
                  isPreferred: true,
                },
              ]
            : [];
        ctx.report({ message: found.problem, loc, active: item.active, data: { value }, fixes });
      }
    }
  },
};

/** The log names of `logwrite = :names: text` and `log_reject_target` (case-sensitive). */
const LOG_NAMES = new Set(['main', 'reject', 'panic']);

/**
 * Why Exim cannot read the log names of `logwrite` (a leading ":name,name:"; "::" names
 * none) or of `log_reject_target` (a list), or undefined.
 */
export function logNameProblem(name: string, value: string): string | undefined {
  if (name === 'log_reject_target') {
    const bad = exactListItems(value).find((n) => !LOG_NAMES.has(n));
    return bad === undefined ? undefined : `unknown log name "${bad}" in "log_reject_target"`;
  }
  if (!value.startsWith(':')) return undefined;
  const end = value.indexOf(':', 1);
  const names = end < 0 ? undefined : value.slice(1, end);
  if (names === '' || (names !== undefined && names.split(',').every((n) => LOG_NAMES.has(n)))) return undefined;
  return `unknown log name in "${value}" in "logwrite"`;
}

const aclLogNameUnknown: Rule = {
  id: 'acl-log-name-unknown',
  defaultSeverity: 'warning',
  title: 'ACL "logwrite" or "log_reject_target" naming a log other than main, reject or panic',
  check(ctx: RuleContext) {
    // Measured (exim -bs with its own log directory): the error goes to the main and panic
    // logs; logwrite then writes nothing, and log_reject_target falls back to main and reject.
    checkWrittenValues(ctx, ['logwrite'], logNameProblem, 'Exim writes this error to the main and panic logs instead of the line (log names are main, reject and panic, lower case, separated by commas without spaces)');
    checkWrittenValues(ctx, ['log_reject_target'], logNameProblem, 'Exim logs this error, and the rejection goes to its default logs, main and reject (log names are main, reject and panic, lower case, in a colon-separated list)');
  },
};

/** The first digit Exim requires of a reply code given in `message =`, by verb. */
const CODE_CLASS: Record<string, string> = { deny: '5', drop: '5', require: '5', defer: '4' };

/**
 * `message = 450 text` on a deny (or `550 text` on a defer): Exim logs 'configured error
 * code starts with incorrect digit (expected 5)' and answers with its own code (measured:
 * "deny message = 450 go away" answers "550 go away", "drop message = 421 bye" "550 bye").
 * A code is three digits and a space at the start of the message.
 */
const aclMessageCode: Rule = {
  id: 'acl-message-code',
  defaultSeverity: 'warning',
  title: 'ACL message whose reply code is of the wrong class for its verb, which Exim replaces',
  check(ctx: RuleContext) {
    for (const { item, statement } of aclItemsNamed(ctx.tree, 'message')) {
      const expected = Object.prototype.hasOwnProperty.call(CODE_CLASS, statement.verb) ? CODE_CLASS[statement.verb] : undefined;
      if (!expected || !item.hasValue) continue;
      const code = /^(\d)\d\d /.exec(item.value);
      if (!code || code[1] === expected) continue;
      const answer = `${expected}${expected === '5' ? '50' : '51'}`;
      ctx.report({
        message: `configured error code starts with incorrect digit (expected ${expected}) in "${item.value.slice(0, 40)}": a ${statement.verb} answers with a ${expected}xx code, and Exim sends ${answer} instead of ${code[0].trim()}`,
        loc: item.line.locate(item.valueOffset, item.valueOffset + 3),
        active: item.active,
        data: { verb: statement.verb, code: code[0].trim() },
      });
    }
  },
};

/**
 * `regex` and `mime_regex` take a list of patterns, expanded first; a pattern PCRE2 refuses
 * is skipped with a warning in the log (measured: 'regex acl condition warning - error in
 * regex '(abc': missing closing parenthesis at offset 4, skipped.'), so it never matches.
 */
const aclRegexInvalid: Rule = {
  id: 'acl-regex-invalid',
  defaultSeverity: 'warning',
  title: 'ACL regex or mime_regex pattern that PCRE2 refuses, which Exim skips',
  check(ctx: RuleContext) {
    for (const name of ['regex', 'mime_regex']) {
      for (const { item } of aclItemsNamed(ctx.tree, name)) {
        if (!item.hasValue) continue;
        const list = expandedLiteral(item.value);
        if (list === undefined) continue;
        for (const pattern of splitList(list)) {
          const problem = regexProblem(pattern);
          if (!problem) continue;
          ctx.report({
            message: `${item.name} acl condition warning - error in regex '${pattern}': ${problem}, skipped: Exim logs this when the statement runs, and the pattern never matches`,
            loc: item.valueLoc ?? item.nameLoc,
            active: item.active,
            data: { pattern },
          });
          break;
        }
      }
    }
  },
};

/**
 * `condition =` takes, once expanded and trimmed, an empty string or "0"-like integer (false),
 * another integer, or yes/no/true/false in any case; anything else is 'invalid "condition"
 * value' (measured with exim -bh: `condition = foo` and `condition = "yes"`, whose quotes
 * stay, answer 451; `01` and `-1` are true, `00` false).
 */
export function conditionValueValid(value: string): boolean {
  const t = value.trim();
  return t === '' || /^-?\d+$/.test(t) || /^(?:yes|no|true|false)$/i.test(t);
}

const aclConditionInvalid: Rule = {
  id: 'acl-condition-invalid',
  defaultSeverity: 'warning',
  title: 'ACL "condition =" with a value that is neither true nor false',
  check(ctx: RuleContext) {
    // The same condition often repeats across ACLs: each distinct value is read once.
    const literals = new Map<string, string | undefined>();
    checkWrittenValues(
      ctx,
      ['condition'],
      (_, value) => {
        if (!value.includes('$')) {
          return conditionValueValid(value) ? undefined : `invalid "condition" value "${value}": Exim takes an empty value, a number, yes, no, true or false (quotes stay part of an ACL value)`;
        }
        // Text written outside the expansions is part of every result: with a character that
        // no number and none of yes/no/true/false has, the result can never be valid
        // ("$sender_helo_name is empty" expands to "mail.example is empty").
        let literal = literals.get(value);
        if (!literals.has(value)) literals.set(value, (literal = literalTextOutsideReferences(value)));
        const odd = literal === undefined ? undefined : /[^-0-9A-Za-z]/.exec(literal);
        if (!odd) return undefined;
        return `invalid "condition" value: the text "${literal!.trim()}" written outside the expansions stays in the result, which is then neither a number nor yes, no, true or false (to test a condition, write \${if ...})`;
      },
      AT_RUN_TIME,
      true,
    );
  },
};

export const aclValueRules: Rule[] = [aclControlInvalid, aclConditionInvalid, aclVerifyInvalid, aclArgumentInvalid, aclLogNameUnknown, aclRemoveHeaderIneffective, aclAddHeaderNotHeader, aclDnslistDomainStrange, aclDnslistValueNeverMatches, aclSpfResultUnknown, aclMessageCode, aclRegexInvalid];
