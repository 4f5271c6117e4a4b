/**
 * What Exim checks once it has read the main section (readconf_main()); exim -bV then
 * fails without naming a line, so the finding is on the option that causes it. Measured
 * with Exim 4.96 one setting at a time. log_selector names: exim-log-selectors.json.
 */
import { changeToFixes } from '../../fixes/edits';
import { expandedLiteral } from '../../syntax/expansion';
import { stringSetting } from '../../util/stringSetting';
import { regexProblem } from '../../util/regexSyntax';
import { isCSpaceCode, splitList } from '../../util/lists';
import selectorData from '../../data/exim-log-selectors.json';
import { isBuiltinMacro, lookupOption } from '../../options';
import { OptionNode } from '../../syntax/tree';
import { suggest } from '../../util/suggest';
import { parseBoolean } from '../model';
import { Fix, Rule, RuleContext } from '../types';
import { readInteger } from './values';

const SELECTORS = new Set<string>(selectorData.selectors);
const FACILITIES = ['mail', 'user', 'news', 'uucp', 'local0', 'local1', 'local2', 'local3', 'local4', 'local5', 'local6', 'local7', 'daemon'];
/** LOCALHOST_MAX in Exim's build. */
const LOCALHOST_MAX = 16;

export interface LogSelectorProblem {
  message: string;
  start: number;
  end: number;
  name?: string;
}

/** Exim's decode_bits() for log_selector: "+name" and "-name" items, white space between (or none). */
export function checkLogSelector(value: string): LogSelectorProblem | undefined {
  let i = 0;
  while (i < value.length) {
    while (i < value.length && isCSpaceCode(value.charCodeAt(i))) i++;
    if (i >= value.length) break;
    const sign = value[i];
    if (sign !== '+' && sign !== '-') return { message: `malformed log_selector setting: + or - expected but found "${value.slice(i)}"`, start: i, end: value.length };
    const start = i;
    i++;
    while (i < value.length && /[A-Za-z0-9_]/.test(value[i])) i++;
    const name = value.slice(start + 1, i);
    if (!SELECTORS.has(name)) return { message: `unknown log_selector setting: ${value.slice(start, i)}`, start, end: Math.max(i, start + 1), name };
  }
  return undefined;
}

const isDigit = (c: number): boolean => c >= 48 && c <= 57;
/** The characters of Exim's "%15[0123456789smhdw.]" conversion. */
const DELAY_CHARS = /^[0-9smhdw.]{1,15}/;
/**
 * What glibc's scanf("%lf") consumes: it takes an exponent mark after a digit even when no
 * exponent digits follow ("1e", "0x1p+" read as 1), and NaN only as the bare word. Measured
 * with Exim 4.96's smtp_ratelimit_mail: "1,1s,1e,1h" is taken, "1,1s,nan(1),1h" refused.
 */
const SCANF_DOUBLE = /^[+-]?(?:0[xX](?:[0-9a-fA-F]+\.?[0-9a-fA-F]*|\.[0-9a-fA-F]+)(?:[pP][+-]?[0-9]*)?|(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]*)?|inf(?:inity)?|nan)/i;

/**
 * Exim's readconf_readtime(s, 0, TRUE): a time in milliseconds, or a negative number when
 * Exim refuses it. Each number needs a unit (w, d, h, m, s), or a fraction and "s"; the
 * arithmetic is C's int, so a time that overflows is negative and refused as well.
 */
export function readTimeMilliseconds(s: string): number {
  let total = 0;
  let i = 0;
  for (;;) {
    if (i >= s.length || !isDigit(s.charCodeAt(i))) return -1;
    const start = i;
    let value = 0;
    while (i < s.length && isDigit(s.charCodeAt(i))) value = (Math.imul(value, 10) + s.charCodeAt(i++) - 48) | 0;
    const count = i - start;
    switch (s[i]) {
      case 'w':
        value = Math.imul(value, 7 * 24 * 60 * 60);
        i++;
        break;
      case 'd':
        value = Math.imul(value, 24 * 60 * 60);
        i++;
        break;
      case 'h':
        value = Math.imul(value, 60 * 60);
        i++;
        break;
      case 'm':
        value = Math.imul(value, 60);
        i++;
        break;
      case 's':
        i++;
        break;
      case '.': {
        // sscanf("%lf%n") from the point; when it reads nothing, %n keeps the digit count.
        const m = /^\.[0-9]+(?:[eE][+-]?[0-9]*)?/.exec(s.slice(i));
        const fraction = m ? parseFloat(m[0]) : 0;
        i += m ? m[0].length : count;
        if (s[i++] !== 's') return -1;
        total = (total + Math.trunc(fraction * 1000)) | 0;
        break;
      }
      default:
        return -1;
    }
    total = (total + Math.imul(value, 1000)) | 0;
    if (i >= s.length) return total;
  }
}

/**
 * Whether Exim's unpick_ratelimit() takes an smtp_ratelimit_mail or _rcpt setting: sscanf
 * with "%d, %15[0123456789smhdw.], %lf, %15s" must read all four (white space is allowed
 * after each comma, not before it; text after the fourth word is ignored), and both delays
 * must be times with units. Otherwise Exim stops at start-up ("malformed ratelimit data").
 */
export function isRatelimit(value: string): boolean {
  let i = 0;
  const skipSpace = () => {
    while (i < value.length && isCSpaceCode(value.charCodeAt(i))) i++;
  };
  skipSpace();
  if (value[i] === '+' || value[i] === '-') i++;
  if (!isDigit(value.charCodeAt(i))) return false;
  while (isDigit(value.charCodeAt(i))) i++;
  if (value[i++] !== ',') return false;
  skipSpace();
  const base = DELAY_CHARS.exec(value.slice(i))?.[0];
  if (!base) return false;
  i += base.length;
  if (value[i++] !== ',') return false;
  skipSpace();
  const factor = SCANF_DOUBLE.exec(value.slice(i))?.[0];
  if (!factor) return false;
  i += factor.length;
  if (value[i++] !== ',') return false;
  skipSpace();
  let end = i;
  while (end < value.length && end - i < 15 && !isCSpaceCode(value.charCodeAt(end))) end++;
  if (end === i) return false;
  return readTimeMilliseconds(base) >= 0 && readTimeMilliseconds(value.slice(i, end)) >= 0;
}

/**
 * The last active setting of a main option. The no_ and not_ forms count only for a
 * boolean: on another option they are an error of their own (unknown-option), not a value.
 */
/**
 * The plain mistakes Exim's parse_extract_address() refuses in an address such as
 * errors_reply_to, in its words (measured with Exim 4.96): no local part, "<" without ">",
 * an empty domain label or one starting with "-", and text after the address or after its
 * domain, which is letters, digits, "-" and dots ("a@b, c@d": ", c@d may not follow a@b";
 * "a@b_c": "_c may not follow a@b"). Quoted local parts and comments are left alone.
 */
export function addressProblem(value: string, allowDomainLiterals = false): string | undefined {
  // RFC 822 allows white space between the words of an address ("postmaster @ example.org")
  // and comments in parentheses: a value that is only a comment is an empty address.
  if (value.replace(/\([^()]*\)/g, '').trim() === '') return 'empty address';
  // A backslash quotes the next character in a local part: not read here.
  if (value.includes('\\')) return undefined;
  value = value.replace(/\s*([@.])\s*/g, '$1');
  let addr = value;
  const lt = value.indexOf('<');
  if (lt >= 0) {
    const gt = value.indexOf('>', lt);
    if (gt < 0) return "'>' missing at end of address";
    addr = value.slice(lt + 1, gt).trim();
    if (addr === '') return 'missing or malformed local part';
    // A source route (<@relay.example:user@example.org>) comes before the address.
    if (addr.startsWith('@')) return undefined;
    const after = value.slice(gt + 1).trim();
    if (after !== '' && !after.startsWith('(')) return `malformed address: ${after} may not follow ${value.slice(0, gt + 1)}`;
  }
  if (addr.startsWith('"') || addr.includes('(')) return undefined;
  const at = addr.indexOf('@');
  if (at === 0) return 'no local part';
  if (at < 0) return undefined;
  if (lt < 0 && /\S\s+\S/.test(addr.slice(0, at).replace(/\s*\.\s*/g, '.'))) return 'missing or malformed local part (expected word or "<")';
  // A domain literal in angle brackets (<a@[192.0.2.1]>) only with allow_domain_literals;
  // written bare it passes (both measured).
  if (addr[at + 1] === '[') return lt >= 0 && !allowDomainLiterals ? 'domain literals not allowed' : undefined;
  // A domain is letters, digits, "-" and dots; it ends at any other character.
  const domain = /^[A-Za-z0-9.-]*/.exec(addr.slice(at + 1))![0];
  if (domain.split('.').some((label) => label === '' || label.startsWith('-'))) return 'domain missing or malformed';
  const rest = addr.slice(at + 1 + domain.length).trim();
  if (lt < 0 && rest !== '') return `malformed address: ${rest} may not follow ${addr.slice(0, at + 1 + domain.length)}`;
  return undefined;
}

function lastSetting(options: OptionNode[], name: string): OptionNode | undefined {
  const negatable = lookupOption('main', name)?.type === 'boolean';
  let found: OptionNode | undefined;
  for (const o of options) if (o.active && (o.word === name || (negatable && (o.word === `no_${name}` || o.word === `not_${name}`)))) found = o;
  return found;
}

function boolValue(o: OptionNode | undefined, fallback: boolean): boolean {
  if (!o) return fallback;
  if (o.word.startsWith('no_') || o.word.startsWith('not_')) return false;
  if (!o.hasValue || o.value === '') return true;
  return parseBoolean(o.value) ?? fallback;
}

const mainRequirements: Rule = {
  id: 'main-requirements',
  defaultSeverity: 'error',
  title: 'main options Exim refuses once it has read them all (log_selector, log_file_path, syslog_facility, combinations)',
  check(ctx: RuleContext) {
    const options: OptionNode[] = [];
    for (const s of ctx.tree.sections) if (s.kind === 'main' && !s.begin) for (const i of s.items) if (i.kind === 'option') options.push(i);
    const get = (name: string) => lastSetting(options, name);
    // The string set, without quotes: Exim reads a quoted value as the string inside. A "$"
    // is left for later only in options Exim expands; the others take it literally.
    // The value as Exim reads it: of an option it expands, the text after the expansion's
    // escapes (`\063` is "3", `\x25s` is "%s"), and nothing for one that expands something.
    const plain = (o: OptionNode | undefined) => {
      if (!o || !o.hasValue) return undefined;
      const value = stringSetting(o.value);
      return lookupOption('main', o.word)?.expanded ? expandedLiteral(value) : value;
    };
    const at = (o: OptionNode) => o.valueLoc ?? o.wordLoc;
    const report = (o: OptionNode, message: string, fixes?: Fix[]) => ctx.report({ message, loc: at(o), ...(fixes?.length ? { fixes } : {}) });

    const selector = get('log_selector');
    const sel = plain(selector);
    if (selector && sel !== undefined) {
      const p = checkLogSelector(sel);
      if (p) {
        // Offsets in the setting; a quoted one starts a character later in the line.
        const at0 = selector.valueOffset + (selector.value.trimStart().startsWith('"') ? 1 : 0);
        const loc = selector.line.locate(at0 + p.start, at0 + p.end);
        const suggestions = p.name ? suggest(p.name, [...SELECTORS]) : [];
        const nameLoc = selector.line.locate(at0 + p.start + 1, at0 + p.end);
        ctx.report({
          message: `${p.message}${suggestions.length ? `; did you mean ${suggestions.map((s) => `"${s}"`).join(' or ')}?` : ''}`,
          loc,
          ...(suggestions.length
            ? { data: { suggestions }, fixes: changeToFixes(nameLoc, suggestions) }
            : {}),
        });
      }
    }

    const retain = get('local_sender_retain');
    const fromCheck = get('local_from_check');
    if (retain && boolValue(retain, false) && boolValue(fromCheck, true)) {
      // Both settings make the conflict: each gets the finding (local_from_check when it is written).
      report(retain, 'both local_from_check and local_sender_retain are set; this combination is not allowed (local_from_check is true unless set to false)');
      if (fromCheck) report(fromCheck, 'both local_from_check and local_sender_retain are set; this combination is not allowed');
    }

    const max = get('smtp_accept_max');
    const maxValue = plain(max);
    // Exim: smtp_accept_max == 0 && (smtp_accept_queue > 0 || smtp_accept_max_per_host != NULL);
    // an empty per-host setting is set (measured with 4.96), and 0x0, -0 and 0K are zero.
    if (max && maxValue !== undefined && readInteger(maxValue) === 0n) {
      const queue = plain(get('smtp_accept_queue'));
      const perHost = get('smtp_accept_max_per_host');
      if ((queue !== undefined && (readInteger(queue) ?? 0n) > 0n) || (perHost && perHost.hasValue)) {
        report(max, 'smtp_accept_max must be set if smtp_accept_queue or smtp_accept_max_per_host is set');
      }
    }

    const reply = get('errors_reply_to');
    const replyValue = plain(reply);
    if (reply && replyValue !== undefined) {
      if (replyValue === '') report(reply, 'error in errors_reply_to (): empty address');
      else {
        const problem = addressProblem(replyValue.trim(), boolValue(get('allow_domain_literals'), false));
        if (problem) report(reply, `error in errors_reply_to (${replyValue}): ${problem}`);
        else if (!replyValue.includes('@')) report(reply, `errors_reply_to (${replyValue}) does not contain a domain`);
      }
    }

    const localhost = get('localhost_number');
    const lh = plain(localhost);
    // An empty value leaves it unset (Exim 4.96 accepts "localhost_number ="), and white space
    // alone reads as 0 (strtol); only a number above the maximum is refused, not a negative one
    // (measured: -17 is accepted).
    if (localhost && lh !== undefined && lh.trim() !== '') {
      const m = /^\s*([+-]?)(0[xX][0-9A-Fa-f]+|0[0-7]*|[1-9][0-9]*)\s*$/.exec(lh);
      if (!m) report(localhost, `localhost_number value is not a number: ${lh}`);
      else if (m[1] !== '-' && Number(m[2].replace(/^0(?=[0-7])/, '0o')) > LOCALHOST_MAX) report(localhost, `localhost_number is greater than the maximum allowed value (${LOCALHOST_MAX})`);
    }

    const logPath = get('log_file_path');
    const lp = plain(logPath);
    // An expanded value with no "%s" anywhere, and no item that could bring one in, still has
    // none once Exim has expanded it as it starts (measured: `/var/log/exim4/$primary_hostname.log`
    // does not contain "%s").
    const rawPath = logPath?.hasValue ? stringSetting(logPath.value) : undefined;
    if (logPath && lp === undefined && rawPath !== undefined && !rawPath.includes('%') && !/\$\{\s*(?:lookup|readfile|readsocket|run|perl|dlfunc|env|acl|extract|listextract)\b/.test(rawPath)) {
      report(logPath, `log_file_path "${rawPath}" does not contain "%s" (nor does what Exim expands it to, as it starts)`);
    }
    if (logPath && lp !== undefined) {
      for (const item of lp.split(':').map((x) => x.trim())) {
        if (item === '' || item === 'syslog') continue;
        if (!item.includes('%s')) {
          report(logPath, `log_file_path "${item}" does not contain "%s"`);
          break;
        }
        const rest = item.replace('%s', 'X');
        const pct = rest.indexOf('%');
        if (pct >= 0 && (!/[DM]/.test(rest[pct + 1] ?? '') || rest.indexOf('%', pct + 1) >= 0)) {
          report(logPath, `log_file_path "${lp}" contains unexpected "%" character`);
          break;
        }
      }
    }

    const facility = get('syslog_facility');
    const fv = plain(facility);
    if (facility && fv !== undefined) {
      const name = fv.toLowerCase().replace(/^log_/, '');
      if (!FACILITIES.includes(name)) {
        const suggestions = suggest(name, FACILITIES);
        report(
          facility,
          `failed to interpret syslog_facility "${fv}"${suggestions.length ? `; did you mean "${suggestions[0]}"?` : ''}`,
          suggestions.map((s) => ({ title: `Change to "${s}"`, edits: [{ file: at(facility).file, range: at(facility).range, newText: s }] })),
        );
      }
    }

    const dh = get('tls_dh_max_bits');
    const dhValue = plain(dh);
    // An integer as Exim reads it (0x hexadecimal, 0 octal, a K, M, G or T suffix: 0K is 0).
    const dhBits = dhValue === undefined ? undefined : readInteger(dhValue);
    if (dh && dhBits !== undefined && dhBits < 1024n) {
      report(dh, 'tls_dh_max_bits is too small, must be at least 1024 for interop');
    }

    const openssl = get('openssl_options');
    if (openssl && isBuiltinMacro('_HAVE_GNUTLS')) report(openssl, "openssl_options is set but we're using GnuTLS (this Exim is built with GnuTLS)");

    for (const name of ['smtp_ratelimit_mail', 'smtp_ratelimit_rcpt']) {
      const o = get(name);
      const v = o?.hasValue ? stringSetting(o.value) : undefined;
      if (o && v !== undefined && !isRatelimit(v)) {
        report(o, `malformed ratelimit data: ${v} (${name} is a threshold, an initial delay, a factor and a maximum delay, such as "5,1s,1.5,1h"; both delays need a unit)`);
      }
    }

    // Patterns Exim compiles as it starts (gecos_pattern only together with gecos_name).
    for (const name of ['uucp_from_pattern', 'gecos_pattern']) {
      const o = get(name);
      const pattern = plain(o);
      if (!o || pattern === undefined || (name === 'gecos_pattern' && !get('gecos_name'))) continue;
      const problem = regexProblem(pattern);
      if (problem) report(o, `regular expression error: ${problem} while compiling ${pattern} (${name})`);
    }
    // keep_environment items that start with "^" are regular expressions, compiled as Exim starts.
    const keep = get('keep_environment');
    for (const item of splitList(plain(keep) ?? '')) {
      const problem = item.startsWith('^') ? regexProblem(item) : undefined;
      if (problem) {
        report(keep!, `regular expression error: ${problem} while compiling ${item} (keep_environment)`);
        break;
      }
    }

    const spool = get('spool_directory');
    // Empty as written, quotes removed ("" too); what an expansion makes empty is not checked
    // here (measured: `spool_directory = \N\N` passes exim -bV).
    if (spool && spool.hasValue && stringSetting(spool.value) === '') report(spool, 'spool_directory undefined: cannot proceed');
  },
};

const LIST_WORDS: Record<string, string> = { domainlist: 'domain', hostlist: 'host', addresslist: 'address', localpartlist: 'local part' };

const namedListDuplicate: Rule = {
  id: 'named-list-duplicate',
  defaultSeverity: 'error',
  title: 'two named lists of one kind with one name',
  check(ctx) {
    const seen = new Map<string, import('../../syntax/tree').NamedListNode>();
    for (const s of ctx.tree.sections) {
      if (s.kind !== 'main' || s.begin) continue;
      for (const i of s.items) {
        if (i.kind !== 'namedList' || !i.active) continue;
        const key = `${i.listType}:${i.name}`;
        const first = seen.get(key);
        if (first) {
          ctx.report({
            message: `duplicate name "${i.name}" for a named ${LIST_WORDS[i.listType]} list`,
            loc: i.nameLoc,
            related: [{ loc: first.nameLoc, message: 'first defined here' }],
          });
        } else seen.set(key, i);
      }
    }
  },
};

/**
 * ${perl{...}} with no perl_startup: Exim starts its Perl interpreter only with the code that
 * option names, and without it every ${perl} fails (measured: "A setting of perl_startup is
 * needed when using the Perl interpreter"; an ACL answers 451, a router condition is skipped
 * with a panic log line).
 */
const perlStartupMissing: Rule = {
  id: 'perl-startup-missing',
  defaultSeverity: 'warning',
  title: '${perl{...}} with no perl_startup: every Perl call fails',
  check(ctx: RuleContext) {
    const startup = ctx.model.mainValue('perl_startup');
    if (startup && startup.value.trim() !== '') return;
    for (const line of ctx.tree.lines) {
      if (!line.text.includes('perl')) continue;
      const at = line.text.search(/\$\{\s*perl\s*\{/);
      if (at < 0) continue;
      const end = line.text.indexOf('perl', at) + 4;
      ctx.report({
        message: 'Exim starts its Perl interpreter only with perl_startup, which is not set: every ${perl{...}} fails ("A setting of perl_startup is needed when using the Perl interpreter"; an ACL answers 451, a router condition is skipped); set perl_startup = do \'/path/to/your.pl\' in the main section',
        loc: line.locate(at, end),
        active: line.active,
      });
    }
  },
};

export const mainOptionRules: Rule[] = [mainRequirements, namedListDuplicate, perlStartupMissing];
