#!/usr/bin/env node
// Generates syntaxes/exim.tmLanguage.json (the TextMate grammar for Exim configuration
// files). The grammar is written here, in JavaScript, so that the regular expressions can
// be composed from shared pieces and so that the option names Exim knows can be injected.
//
//   node scripts/gen-grammar.mjs           write the grammar
//   node scripts/gen-grammar.mjs --check   exit 1 if the committed grammar is out of date
//
// Option and driver names come from server/src/core/data/exim-options.json (written by
// `npm run gen:options`); without that table they are read from the installed Exim
// binary (`exim -bP macros`: _OPT_* and _DRIVER_* built-in macros).
//
// Rules the regular expressions follow (checked by lint() below):
//   - TextMate matches one physical line at a time, and vscode-textmate hands each line
//     over with a trailing "\n". A logical Exim line ends at a line end that is not
//     preceded by a backslash (EOLL). The only patterns that consume the "\n" are the
//     line continuation and a comment line inside a continued setting, which is what
//     keeps a logical-line region open on the next physical line. So no other pattern
//     may match "\n": no \s, \S or \h, and every negated class names \n.
//   - No nested quantifiers over overlapping classes (lines can be very long).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const OUT = join(ROOT, 'syntaxes/exim.tmLanguage.json');
const TABLE = join(ROOT, 'server/src/core/data/exim-options.json');
const r = String.raw;

// ---------------------------------------------------------------------------------------
// Names

const SECTIONS = ['routers', 'transports', 'authenticators'];

function namesFromTable(table) {
  const res = { source: 'server/src/core/data/exim-options.json', main: Object.keys(table.main ?? {}) };
  for (const sec of SECTIONS) {
    const s = table[sec] ?? {};
    res[sec] = new Set(Object.keys(s.generic ?? {}));
    res[`${sec}Drivers`] = Object.keys(s.drivers ?? {});
    for (const opts of Object.values(s.drivers ?? {})) for (const n of Object.keys(opts)) res[sec].add(n);
    res[sec] = [...res[sec]];
  }
  return res;
}

function namesFromExim() {
  const exim = ['/usr/sbin/exim', '/usr/sbin/exim4', '/usr/local/sbin/exim'].find((p) => existsSync(p)) ?? 'exim';
  const dir = mkdtempSync(join(tmpdir(), 'gen-grammar-'));
  let out;
  try {
    writeFileSync(join(dir, 'empty.conf'), '');
    out = execFileSync(exim, ['-C', join(dir, 'empty.conf'), '-bP', 'macros'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  const macros = out.split('\n').map((l) => l.replace(/=.*/, '').trim()).filter(Boolean);
  const lower = (s) => s.toLowerCase();
  const res = { source: `${exim} -bP macros`, main: macros.filter((m) => m.startsWith('_OPT_MAIN_')).map((m) => lower(m.slice(10))) };
  const kinds = { routers: ['ROUTERS', 'ROUTER'], transports: ['TRANSPORTS', 'TRANSPORT'], authenticators: ['AUTHENTICATORS', 'AUTHENTICATOR'] };
  for (const [sec, [generic, single]] of Object.entries(kinds)) {
    const drivers = macros.filter((m) => m.startsWith(`_DRIVER_${single}_`)).map((m) => m.slice(`_DRIVER_${single}_`.length));
    const names = new Set(macros.filter((m) => m.startsWith(`_OPT_${generic}_`)).map((m) => lower(m.slice(`_OPT_${generic}_`.length))));
    const byLength = [...drivers].sort((a, b) => b.length - a.length);
    for (const m of macros.filter((x) => x.startsWith(`_OPT_${single}_`))) {
      const rest = m.slice(`_OPT_${single}_`.length);
      const d = byLength.find((x) => rest.startsWith(`${x}_`));
      if (d) names.add(lower(rest.slice(d.length + 1)));
    }
    res[sec] = [...names];
    res[`${sec}Drivers`] = drivers.map(lower);
  }
  return res;
}

function loadNames() {
  const n = existsSync(TABLE) ? namesFromTable(JSON.parse(readFileSync(TABLE, 'utf8'))) : namesFromExim();
  for (const k of ['main', ...SECTIONS]) {
    n[k] = [...new Set(n[k])].filter((x) => /^[a-z][a-z0-9_]*$/.test(x));
    if (n[k].length === 0) throw new Error(`gen-grammar: no ${k} option names found in ${n.source}`);
  }
  return n;
}

// Drivers documented for Exim 4.96; the binary may lack some of them.
const DOC_DRIVERS = {
  routers: ['accept', 'dnslookup', 'ipliteral', 'iplookup', 'manualroute', 'queryprogram', 'redirect'],
  transports: ['appendfile', 'autoreply', 'lmtp', 'pipe', 'queuefile', 'smtp'],
  authenticators: ['cram_md5', 'cyrus_sasl', 'dovecot', 'external', 'gsasl', 'heimdal_gssapi', 'plaintext', 'spa', 'tls'],
};

const ACL_VERBS = ['accept', 'defer', 'deny', 'discard', 'drop', 'require', 'warn'];
const ACL_CONDITIONS = [
  'acl', 'authenticated', 'condition', 'decode', 'demime', 'dkim_signers', 'dkim_status', 'dmarc_status', 'dnslists',
  'domains', 'encrypted', 'hosts', 'local_parts', 'malware', 'mime_regex', 'ratelimit', 'recipients', 'regex', 'seen',
  'sender_domains', 'senders', 'spam', 'spf', 'spf_guess', 'verify',
];
const ACL_MODIFIERS = [
  'add_header', 'continue', 'control', 'delay', 'log_message', 'log_reject_target', 'logwrite', 'message', 'queue',
  'remove_header', 'udpsend',
];
const ACL_VERIFY = [
  'arc', 'certificate', 'csa', 'header_names_ascii', 'header_sender', 'header_syntax', 'helo', 'not_blind', 'recipient',
  'reverse_host_lookup', 'sender',
];
const ACL_CONTROLS = [
  'allow_auth_unadvertised', 'caseful_local_part', 'caselower_local_part', 'cutthrough_delivery', 'debug',
  'dkim_disable_verify', 'dmarc_disable_verify', 'dmarc_enable_forensic', 'dscp', 'enforce_sync', 'fakedefer',
  'fakereject', 'freeze', 'no_callout_flush', 'no_delay_flush', 'no_enforce_sync', 'no_mbox_unspool',
  'no_multiline_responses', 'no_pipelining', 'queue', 'queue_only', 'submission', 'suppress_local_fixups',
  'utf8_downconvert', 'wellknown',
];

const EXP_ITEMS = [
  'acl', 'authresults', 'certextract', 'dlfunc', 'env', 'extract', 'hash', 'hmac', 'imapfolder', 'length',
  'listextract', 'listquote', 'map', 'nhash', 'perl', 'prvs', 'prvscheck', 'readfile', 'readsocket', 'reduce', 'run',
  'sg', 'sort', 'srs_encode', 'substr', 'tr',
];
// Operators ${op:...}; entries ending in _ also take _<args> (hash_3_5, quote_mysql, sha2_512).
const EXP_OPERATORS = [
  'address', 'addresses', 'base32', 'base32d', 'base62', 'base62d', 'base64', 'base64d', 'domain', 'escape',
  'escape8bit', 'eval', 'eval10', 'expand', 'from_utf8', 'hash_', 'hex2b64', 'hexquote', 'ipv6denorm', 'ipv6norm', 'lc',
  'length_', 'listcount', 'listnamed', 'listnamed_', 'local_part', 'mask', 'mask_', 'md5', 'nhash_', 'quote', 'quote_',
  'randint', 'reverse_ip', 'rfc2047', 'rfc2047d', 'rxquote', 'sha1', 'sha2', 'sha2_', 'sha256', 'sha3', 'sha3_', 'stat',
  'str2b64', 'strlen', 'substr_', 'time_eval', 'time_interval', 'uc', 'utf8clean', 'utf8_domain_from_alabel',
  'utf8_domain_to_alabel', 'utf8_localpart_from_alabel', 'utf8_localpart_to_alabel',
];
const EXP_CONDITIONS_ARGS = [
  'acl', 'bool', 'bool_lax', 'crypteq', 'eq', 'eqi', 'exists', 'forall', 'forall_json', 'forall_jsons', 'forany',
  'forany_json', 'forany_jsons', 'ge', 'gei', 'gt', 'gti', 'inbound_srs', 'inlist', 'inlisti', 'isip', 'isip4', 'isip6',
  'ldapauth', 'le', 'lei', 'lt', 'lti', 'match', 'match_address', 'match_domain', 'match_ip', 'match_local_part', 'pam',
  'pwcheck', 'radius', 'saslauthd',
];
const EXP_CONDITIONS_NOARGS = ['first_delivery', 'queue_running'];
const LOOKUP_TYPES = [
  'cdb', 'dbm', 'dbmjz', 'dbmnz', 'dnsdb', 'dsearch', 'ibase', 'iplsearch', 'json', 'ldap', 'ldapdn', 'ldapm', 'lmdb',
  'lsearch', 'mysql', 'nis', 'nis0', 'nisplus', 'nwildlsearch', 'oracle', 'passwd', 'pgsql', 'psl', 'redis', 'spf',
  'sqlite', 'testdb', 'whoson', 'wildlsearch',
];
const RETRY_ERRORS = r`\*|auth_failed|(?:data|mail|rcpt)_4(?:xx|[0-9]x|[0-9]{2})|lost_connection|lookup|quota(?:_(?:[0-9]+[smhdw])+)?|refused(?:_A|_MX)?|timeout(?:_connect)?(?:_A|_MX)?|tls_required`;
const HEADER_PREFIX = r`(?:bheader|bh|header|h|lheader|lh|rheader|rh)_`;

/** Escapes names and joins them longest first (the order only matters for readability). */
function alt(names) {
  const uniq = [...new Set(names)].sort((a, b) => b.length - a.length || (a < b ? -1 : 1));
  return uniq.map((n) => n.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|');
}

// ---------------------------------------------------------------------------------------
// Grammar

// End of a logical line: a line end not preceded by a continuation backslash, and not
// directly after a "\n" that a continuation or a continued comment line consumed.
const EOLL = r`(?<![\\\n])$`;
// A statement-level word starts here: nothing before it but blanks or the line start.
const AT_WORD_START = r`(?<![^ \t\n])`;
// Numbers and times stand alone in a value: not glued to words, paths, addresses, IPs.
const NUM_BEFORE = r`(?<![\w.$/@%+*\\:-])`;
const NUM_AFTER = r`(?![\w.@/%:-])`;

const inc = (...names) => names.map((n) => ({ include: `#${n}` }));

function buildGrammar(names) {
  const mainOptions = [...names.main, ...names.routers, ...names.transports, ...names.authenticators];
  const drivers = {};
  for (const sec of SECTIONS) drivers[sec] = [...new Set([...DOC_DRIVERS[sec], ...(names[`${sec}Drivers`] ?? [])])];
  const allDrivers = [...drivers.routers, ...drivers.transports, ...drivers.authenticators];

  const operatorRe = EXP_OPERATORS.map((o) => (o.endsWith('_') ? `${o}\\w+` : o));
  const operators = [...new Set(operatorRe)].sort((a, b) => b.length - a.length).join('|');

  const repository = {};

  // --- Comments, continuation, directives ----------------------------------------------
  repository.comment = {
    comment: 'Only a # that is the first non-blank character starts a comment; a # anywhere else is data.',
    match: r`^([ \t]*)((#).*)$`,
    captures: {
      1: { name: 'punctuation.whitespace.comment.leading.exim' },
      2: { name: 'comment.line.number-sign.exim' },
      3: { name: 'punctuation.definition.comment.exim' },
    },
  };
  repository['continued-comment'] = {
    comment:
      'Lines Exim reads before it joins a continued setting: a comment line, which it drops, and ' +
      '.ifdef/.else/.endif, after which the setting goes on; .include, whose file goes on with it ' +
      '(and, as a file ends with its own last line, ends it).',
    patterns: [
      {
        match: r`^([ \t]*)((#).*)(\n)?`,
        captures: {
          1: { name: 'punctuation.whitespace.comment.leading.exim' },
          2: { name: 'comment.line.number-sign.exim' },
          3: { name: 'punctuation.definition.comment.exim' },
        },
      },
      {
        match: r`^[ \t]*((\.)(ifdef|ifndef|elifdef|elifndef))(?=[ \t]|$)([^\n]*)(\n)?`,
        name: 'meta.preprocessor.conditional.exim',
        captures: {
          1: { name: 'keyword.control.directive.conditional.exim' },
          2: { name: 'punctuation.definition.directive.exim' },
          4: { patterns: [{ match: r`[A-Za-z_][A-Za-z0-9_]*`, name: 'constant.other.macro.exim' }] },
        },
      },
      {
        match: r`^[ \t]*((\.)(else|endif))(?=[ \t]|$)([^\n]*)(\n)?`,
        name: 'meta.preprocessor.conditional.exim',
        captures: {
          1: { name: 'keyword.control.directive.conditional.exim' },
          2: { name: 'punctuation.definition.directive.exim' },
          4: { name: 'comment.line.directive.exim' },
        },
      },
      {
        match: r`^[ \t]*((\.)(include_if_exists|include))(?=[ \t]|$)[ \t]*([^\n]*)$`,
        name: 'meta.preprocessor.include.exim',
        captures: {
          1: { name: 'keyword.control.directive.include.exim' },
          2: { name: 'punctuation.definition.directive.exim' },
          4: { name: 'string.unquoted.path.exim', patterns: inc('macro-use') },
        },
      },
    ],
  };
  repository['line-continuation'] = {
    comment: 'A backslash at the end of a line (trailing blanks allowed) joins the next line.',
    match: r`(\\)[ \t]*$\n?`,
    captures: { 1: { name: 'constant.character.escape.line-continuation.exim' } },
  };
  repository.directive = {
    patterns: [
      {
        match: r`^[ \t]*((\.)(include_if_exists|include))(?=[ \t]|$)[ \t]*(.*)$`,
        name: 'meta.preprocessor.include.exim',
        captures: {
          1: { name: 'keyword.control.directive.include.exim' },
          2: { name: 'punctuation.definition.directive.exim' },
          4: {
            name: 'string.unquoted.path.exim',
            patterns: [{ match: r`"[^"\n]*"`, name: 'string.quoted.double.exim' }, ...inc('macro-use')],
          },
        },
      },
      {
        match: r`^[ \t]*((\.)(ifdef|ifndef|elifdef|elifndef))(?=[ \t]|$)(.*)$`,
        name: 'meta.preprocessor.conditional.exim',
        captures: {
          1: { name: 'keyword.control.directive.conditional.exim' },
          2: { name: 'punctuation.definition.directive.exim' },
          4: { patterns: [{ match: r`[A-Za-z_][A-Za-z0-9_]*`, name: 'constant.other.macro.exim' }] },
        },
      },
      {
        match: r`^[ \t]*((\.)(else|endif))(?=[ \t]|$)(.*)$`,
        name: 'meta.preprocessor.conditional.exim',
        captures: {
          1: { name: 'keyword.control.directive.conditional.exim' },
          2: { name: 'punctuation.definition.directive.exim' },
          4: { name: 'comment.line.directive.exim' },
        },
      },
    ],
  };

  // --- Macros ----------------------------------------------------------------------------
  repository['macro-definition'] = {
    name: 'meta.macro.definition.exim',
    begin: r`^[ \t]*([A-Z][A-Za-z0-9_]*)[ \t]*(==?)[ \t]*`,
    beginCaptures: {
      1: { name: 'entity.name.constant.macro.exim' },
      2: { name: 'keyword.operator.assignment.exim' },
    },
    end: EOLL,
    patterns: inc('value'),
  };
  repository['macro-use'] = {
    comment: 'Upper-case words of two or more characters (and the _HAVE_* style built-ins) are taken as macro uses.',
    match: r`(?<![\w$])(?:_[A-Z]|[A-Z][A-Z0-9_])\w*`,
    name: 'constant.other.macro.exim',
  };

  // --- Sections ----------------------------------------------------------------------------
  const sectionEnd = r`(?=^[ \t]*begin[ \t]+[a-z])`;
  const section = (name, patterns) => ({
    name: `meta.section.${name}.exim`,
    begin: r`^[ \t]*(begin)[ \t]+(${name})(?![\w])`,
    beginCaptures: {
      1: { name: 'keyword.control.section.begin.exim' },
      2: { name: 'entity.name.section.exim' },
    },
    end: sectionEnd,
    patterns,
  });

  // --- Main section and driver options ----------------------------------------------------
  const option = (list, nameScope) => ({
    name: 'meta.option.exim',
    begin: r`^[ \t]*(?:(hide)[ \t]+)?(?:(no_|not_)(?=[a-z]))?(${alt(list)})(?![\w@.-])[ \t]*(?:(=)[ \t]*)?`,
    beginCaptures: {
      1: { name: 'storage.modifier.hide.exim' },
      2: { name: 'keyword.operator.negation.option.exim' },
      3: { name: nameScope },
      4: { name: 'keyword.operator.assignment.exim' },
    },
    end: EOLL,
    patterns: inc('value'),
  });
  repository['option-main'] = option(mainOptions, 'support.type.property-name.exim');
  repository['option-router'] = option(names.routers, 'support.type.property-name.exim');
  repository['option-transport'] = option(names.transports, 'support.type.property-name.exim');
  repository['option-authenticator'] = option(names.authenticators, 'support.type.property-name.exim');
  repository['option-unknown'] = {
    name: 'meta.option.exim',
    begin: r`^[ \t]*(?:(hide)[ \t]+)?(?:(no_|not_)(?=[a-z]))?([a-z][a-z0-9_]*)(?![\w@.-])[ \t]*(?:(=)[ \t]*)?`,
    beginCaptures: {
      1: { name: 'storage.modifier.hide.exim' },
      2: { name: 'keyword.operator.negation.option.exim' },
      3: { name: 'variable.other.option.exim' },
      4: { name: 'keyword.operator.assignment.exim' },
    },
    end: EOLL,
    patterns: inc('value'),
  };
  const driverOption = (list) => ({
    match: r`^[ \t]*(driver)[ \t]*(=)[ \t]*(?:(${alt(list)})|((?:_[A-Z]|[A-Z][A-Z0-9_])\w*)|([A-Za-z_]\w*))[ \t]*$`,
    name: 'meta.option.driver.exim',
    captures: {
      1: { name: 'support.type.property-name.exim' },
      2: { name: 'keyword.operator.assignment.exim' },
      3: { name: 'support.class.driver.exim' },
      4: { name: 'constant.other.macro.exim' },
      5: { name: 'entity.name.type.driver.exim' },
    },
  });
  repository['driver-option-main'] = driverOption(allDrivers);
  repository['driver-option-router'] = driverOption(drivers.routers);
  repository['driver-option-transport'] = driverOption(drivers.transports);
  repository['driver-option-authenticator'] = driverOption(drivers.authenticators);
  const driverHeader = (kind) => ({
    comment: 'A driver instance starts with its name and a colon, alone on the line.',
    match: r`^[ \t]*([A-Za-z][A-Za-z0-9_]*)[ \t]*(:)[ \t]*$`,
    name: `meta.${kind ?? 'driver'}.header.exim`,
    captures: {
      1: { name: kind ? `entity.name.function.${kind}.exim` : 'entity.name.function.exim' },
      2: { name: 'punctuation.separator.colon.exim' },
    },
  });
  repository['driver-header'] = driverHeader(null);
  repository['driver-header-router'] = driverHeader('router');
  repository['driver-header-transport'] = driverHeader('transport');
  repository['driver-header-authenticator'] = driverHeader('authenticator');

  repository['named-list'] = {
    name: 'meta.named-list.exim',
    begin: r`^[ \t]*(?:(hide)[ \t]+)?((?:address|domain|host|localpart)list(?:_cache)?)[ \t]+([A-Za-z_][A-Za-z0-9_]*)[ \t]*(?:(=)[ \t]*)?`,
    beginCaptures: {
      1: { name: 'storage.modifier.hide.exim' },
      2: { name: 'storage.type.named-list.exim' },
      3: { name: 'entity.name.type.named-list.exim' },
      4: { name: 'keyword.operator.assignment.exim' },
    },
    end: EOLL,
    patterns: inc('value'),
  };

  // --- Values --------------------------------------------------------------------------------
  repository.value = {
    comment: 'The right-hand side of a setting, up to the end of the logical line.',
    patterns: [
      ...inc('line-continuation', 'continued-comment'),
      { include: '#quoted-value' },
      {
        match: r`\G(true|false|yes|no)(?=[ \t]*$)`,
        name: 'constant.language.boolean.exim',
      },
      ...inc('list-with-separator', 'list-item', 'list-separator'),
    ],
  };
  repository['list-item'] = {
    patterns: [
      ...inc('quoted-regex-quote', 'regex-quote', 'expansion', 'variable', 'escape', 'special-list-item', 'lookup-in-list'),
      ...inc('list-option', 'named-list-reference', 'negation', 'number', 'macro-use'),
    ],
  };
  // "<; a ; b": the rest of the value is a list with that separator, so colons are data.
  const separatorRegion = (sepRe, sepPatterns) => ({
    name: 'meta.list.exim',
    begin: r`\G[ \t]*((<)(${sepRe}))`,
    beginCaptures: {
      1: { name: 'keyword.operator.list-separator.exim' },
      2: { name: 'punctuation.definition.list-separator.exim' },
    },
    end: EOLL,
    patterns: [...inc('line-continuation', 'continued-comment'), ...sepPatterns, ...inc('list-item')],
  });
  repository['list-with-separator'] = {
    patterns: [
      ...[';', ',', '|'].map((c) => {
        const e = c === '|' ? '\\|' : c;
        return separatorRegion(e, [
          { match: `${e}${e}`, name: 'constant.character.escape.list-separator.exim' },
          { match: e, name: 'punctuation.separator.list.exim' },
        ]);
      }),
      separatorRegion(r`\\[nrt]|[^\w \t\n\\{}$:]`, []),
    ],
  };
  repository['quoted-value'] = {
    comment: 'A value that starts with a double quote is a quoted string with backslash escapes.',
    name: 'string.quoted.double.exim',
    begin: r`\G"`,
    beginCaptures: { 0: { name: 'punctuation.definition.string.begin.exim' } },
    end: r`(")|${EOLL}`,
    endCaptures: { 1: { name: 'punctuation.definition.string.end.exim' } },
    patterns: [
      ...inc('line-continuation', 'continued-comment'),
      ...inc('quoted-regex-quote', 'list-separator-change', 'string-escape', 'expansion', 'variable', 'macro-use'),
    ],
  };
  repository['string-escape'] = {
    match: r`\\(?:[0-7]{1,3}|x[0-9A-Fa-f]{1,2}|.)`,
    name: 'constant.character.escape.exim',
  };
  repository.escape = {
    comment: 'A backslash makes the expander take the next character literally (\\$, \\{, \\\\); \\n \\r \\t \\ooo \\xhh are escapes too.',
    match: r`\\(?:[0-7]{1,3}|x[0-9A-Fa-f]{1,2}|.)`,
    name: 'constant.character.escape.exim',
  };
  repository['list-separator-change'] = {
    comment: 'A list that starts with < and a punctuation character uses that character as separator.',
    match: r`\G[ \t]*((<)(\\[nrt]|[^\w \t\n\\{}$]))`,
    captures: {
      1: { name: 'keyword.operator.list-separator.exim' },
      2: { name: 'punctuation.definition.list-separator.exim' },
    },
  };
  repository['list-separator'] = {
    patterns: [
      {
        match: r`:(?:fail|defer|blackhole|include|unknown|at_start_rfc|at_start|after_received|at_end):`,
        name: 'keyword.other.special-item.exim',
      },
      { match: r`::`, name: 'constant.character.escape.list-separator.exim' },
      { match: r`:`, name: 'punctuation.separator.list.exim' },
    ],
  };
  repository['list-option'] = {
    match: r`(?<![^ \t:;=<\n])\+(?:caseful|ignore_defer|ignore_unknown|include_defer|include_unknown)(?![\w])`,
    name: 'keyword.other.list-option.exim',
  };
  repository['named-list-reference'] = {
    match: r`(?<![^ \t:;=!<@{\n])(\+)([A-Za-z_][A-Za-z0-9_]*)`,
    name: 'variable.other.named-list.exim',
    captures: { 1: { name: 'punctuation.definition.named-list.exim' } },
  };
  repository.negation = {
    match: r`(?<![^ \t:;=<\n])!`,
    name: 'keyword.operator.logical.negation.exim',
  };
  repository['special-list-item'] = {
    match: r`(?<![^ \t:;=!<\n])@(?:\[\]|mx_(?:any|primary|secondary))?(?=[ \t:;/]|$)`,
    name: 'constant.language.list-item.exim',
  };
  repository['lookup-in-list'] = {
    comment: 'A list item "type;data" such as lsearch;/etc/file or partial-dbm;/file.',
    match: r`(?<![^ \t:;=!<{\n])((?:partial[0-9]*-|net[0-9]*-)*(?:${alt(LOOKUP_TYPES)})(?:\*@?)?(?:,[\w=]+)*)(;)`,
    captures: {
      1: { name: 'support.type.lookup.exim' },
      2: { name: 'punctuation.separator.lookup.exim' },
    },
  };
  repository.number = {
    patterns: [
      { match: r`${NUM_BEFORE}(?:[0-9]+[smhdw])+${NUM_AFTER}`, name: 'constant.numeric.time.exim' },
      { match: r`${NUM_BEFORE}0x[0-9A-Fa-f]+[KMGkg]?${NUM_AFTER}`, name: 'constant.numeric.hex.exim' },
      { match: r`${NUM_BEFORE}0[0-7]+[KMGkg]?${NUM_AFTER}`, name: 'constant.numeric.octal.exim' },
      { match: r`${NUM_BEFORE}[0-9]+(?:\.[0-9]+)?[KMGkg]?${NUM_AFTER}`, name: 'constant.numeric.decimal.exim' },
    ],
  };

  // --- Expansions --------------------------------------------------------------------------
  repository['regex-quote'] = {
    comment: '\\N ... \\N: the expander copies the text without interpretation.',
    name: 'string.regexp.exim',
    begin: r`\\N`,
    beginCaptures: { 0: { name: 'punctuation.definition.string.begin.exim' } },
    end: r`(\\N)|${EOLL}`,
    endCaptures: { 1: { name: 'punctuation.definition.string.end.exim' } },
    patterns: inc('line-continuation', 'continued-comment'),
  };
  repository['quoted-regex-quote'] = {
    comment: 'Inside a quoted setting (or a macro that ends up in one) the expander sees \\\\N as \\N.',
    name: 'string.regexp.exim',
    begin: r`\\\\N`,
    beginCaptures: { 0: { name: 'punctuation.definition.string.begin.exim' } },
    end: r`(\\\\N)|${EOLL}`,
    endCaptures: { 1: { name: 'punctuation.definition.string.end.exim' } },
    patterns: inc('line-continuation', 'continued-comment'),
  };
  repository.variable = {
    patterns: [
      {
        comment: 'A header name runs to a colon or white space ("$h_subject," is the header "subject,"); a "}" or "{" is left to the braces, and a final backslash continues the line.',
        match: r`(\$)${HEADER_PREFIX}(?:[^ \t\n:{}\\]|\\(?![ \t]*$))+:?`,
        name: 'variable.other.header.exim',
        captures: { 1: { name: 'punctuation.definition.variable.exim' } },
      },
      {
        match: r`(\$\{)[ \t]*${HEADER_PREFIX}[^ \t\n:{}$"\\]+:?[ \t]*(\})`,
        name: 'variable.other.header.exim',
        captures: {
          1: { name: 'punctuation.definition.variable.begin.exim' },
          2: { name: 'punctuation.definition.variable.end.exim' },
        },
      },
      {
        match: r`(\$\{)[ \t]*(?:[A-Za-z_][A-Za-z0-9_]*|[0-9]+)[ \t]*(\})`,
        name: 'variable.other.exim',
        captures: {
          1: { name: 'punctuation.definition.variable.begin.exim' },
          2: { name: 'punctuation.definition.variable.end.exim' },
        },
      },
      {
        match: r`(\$)(?:[A-Za-z_][A-Za-z0-9_]*|[0-9]+)`,
        name: 'variable.other.exim',
        captures: { 1: { name: 'punctuation.definition.variable.exim' } },
      },
    ],
  };
  const expansionEnd = r`(\})|${EOLL}`;
  const expansionEndCaptures = { 1: { name: 'punctuation.section.expansion.end.exim' } };
  const beginCaps = (kw) => ({
    1: { name: 'punctuation.section.expansion.begin.exim' },
    2: { name: kw },
  });
  repository.expansion = {
    patterns: [
      {
        name: 'meta.expansion.if.exim',
        begin: r`(\$\{)[ \t]*(if)(?![\w])`,
        beginCaptures: beginCaps('keyword.control.conditional.exim'),
        end: expansionEnd,
        endCaptures: expansionEndCaptures,
        patterns: inc('condition', 'brace-group-condition', 'fail', 'expansion-content'),
      },
      {
        name: 'meta.expansion.item.exim',
        begin: r`(\$\{)[ \t]*(filter)(?![\w])`,
        beginCaptures: beginCaps('support.function.expansion.item.exim'),
        end: expansionEnd,
        endCaptures: expansionEndCaptures,
        patterns: inc('brace-group-condition', 'fail', 'expansion-content'),
      },
      {
        name: 'meta.expansion.lookup.exim',
        begin: r`(\$\{)[ \t]*(lookup)(?![\w])`,
        beginCaptures: beginCaps('support.function.expansion.item.exim'),
        end: expansionEnd,
        endCaptures: expansionEndCaptures,
        patterns: inc('lookup-type', 'brace-group', 'fail', 'expansion-content'),
      },
      {
        name: 'meta.expansion.item.exim',
        begin: r`(\$\{)[ \t]*(${alt(EXP_ITEMS)})(?![\w])`,
        beginCaptures: beginCaps('support.function.expansion.item.exim'),
        end: expansionEnd,
        endCaptures: expansionEndCaptures,
        patterns: inc('brace-group', 'fail', 'expansion-content'),
      },
      {
        name: 'meta.expansion.operator.exim',
        begin: r`(\$\{)[ \t]*(${operators})[ \t]*(:)`,
        beginCaptures: {
          ...beginCaps('support.function.expansion.operator.exim'),
          3: { name: 'punctuation.separator.operator.exim' },
        },
        end: expansionEnd,
        endCaptures: expansionEndCaptures,
        patterns: [
          {
            comment: '${addresses:>& ...} and friends: output separator',
            match: r`\G[ \t]*(>)([^\w \t\n\\])`,
            name: 'keyword.operator.list-separator.exim',
          },
          ...inc('list-separator-change', 'brace-group', 'expansion-content'),
        ],
      },
      { include: '#variable' },
      {
        name: 'meta.expansion.exim',
        begin: r`\$\{`,
        beginCaptures: { 0: { name: 'punctuation.section.expansion.begin.exim' } },
        end: expansionEnd,
        endCaptures: expansionEndCaptures,
        patterns: inc('brace-group', 'expansion-content'),
      },
    ],
  };
  repository['expansion-content'] = {
    patterns: [
      ...inc('line-continuation', 'continued-comment', 'quoted-regex-quote', 'regex-quote', 'escape', 'expansion', 'variable'),
      ...inc('lookup-in-list', 'named-list-reference', 'number', 'macro-use'),
    ],
  };
  const braceGroup = (inner) => ({
    name: 'meta.expansion.argument.exim',
    begin: r`\{`,
    beginCaptures: { 0: { name: 'punctuation.section.braces.begin.exim' } },
    end: r`(\})|${EOLL}`,
    endCaptures: { 1: { name: 'punctuation.section.braces.end.exim' } },
    patterns: [
      ...inc('list-separator-change'),
      { match: r`(?<=\{)(?:true|false|yes|no)(?=\})`, name: 'constant.language.boolean.exim' },
      ...inner,
    ],
  });
  // Inside an argument a "{" is text and the first "}" ends it (Exim: `${if eq{a{b}c}...}`
  // fails with "missing 2nd string"), so an argument holds no groups of its own. Groups
  // follow a name: an item's, or a condition's (each condition rule reads its groups: see
  // repository.condition). A group of ${if or ${filter may hold a condition.
  repository['brace-group'] = braceGroup(inc('fail', 'expansion-content'));
  repository['brace-group-condition'] = braceGroup(inc('condition', 'fail', 'expansion-content'));
  repository.fail = {
    comment: '"fail" instead of a false branch forces the expansion to fail.',
    match: r`(?<![^} \t\n])fail(?=[ \t]*(?:\}|\\|$))`,
    name: 'keyword.control.fail.exim',
  };
  const COND_BEFORE = r`(?<![^{! \t\n])`;
  // It reads on to the "}" that closes what holds it (its groups take their own), across
  // continued lines; its first group may be on the next line.
  const conditionWithArgs = (names, scope, groups) => ({
    begin: r`${COND_BEFORE}(${names})(?=[ \t]*(?:\{|\\[ \t]*$))`,
    beginCaptures: { 1: { name: scope } },
    end: r`(?=\})|${EOLL}`,
    patterns: [...groups, ...inc('line-continuation', 'continued-comment', 'fail')],
  });
  repository.condition = {
    comment: 'Conditions of ${if ...}; they follow ${if, a {, or a !.',
    patterns: [
      {
        match: r`${COND_BEFORE}(def)(:)(?:(${HEADER_PREFIX}[^ \t\n:{}$"\\]+:?)|([A-Za-z_][A-Za-z0-9_]*))?`,
        captures: {
          1: { name: 'keyword.other.condition.exim' },
          2: { name: 'punctuation.separator.condition.exim' },
          3: { name: 'variable.other.header.exim' },
          4: { name: 'variable.other.exim' },
        },
      },
      // A condition with arguments reads the groups that follow it (and, harmlessly, the
      // ${if strings after them, which are groups too): and/or hold one group of groups,
      // each a condition; acl and saslauthd one group of argument groups; forall/forany a
      // list and a condition; the others plain arguments.
      conditionWithArgs(r`==|=|>=|<=|>|<`, 'keyword.operator.comparison.exim', inc('brace-group')),
      conditionWithArgs(r`and|or`, 'keyword.operator.logical.exim', [braceGroup([braceGroup(inc('condition', 'fail', 'expansion-content')), ...inc('expansion-content')])]),
      conditionWithArgs(r`acl|saslauthd`, 'keyword.other.condition.exim', [braceGroup([...inc('brace-group', 'expansion-content')])]),
      conditionWithArgs(r`(?:forall|forany)(?:_jsons?)?`, 'keyword.other.condition.exim', inc('brace-group-condition')),
      conditionWithArgs(alt(EXP_CONDITIONS_ARGS.filter((c) => !/^(acl|saslauthd|forall|forany)/.test(c))), 'keyword.other.condition.exim', inc('brace-group')),
      { match: r`${COND_BEFORE}(?:${alt(EXP_CONDITIONS_NOARGS)})(?![\w])`, name: 'keyword.other.condition.exim' },
      { match: r`!`, name: 'keyword.operator.logical.negation.exim' },
    ],
  };
  repository['lookup-type'] = {
    comment: 'The lookup type of ${lookup{key} type {data}}, with partial-, * and *@ forms and ,options.',
    match: r`(?<![^} \t\n])((?:partial[0-9]*-)?(?:${alt(LOOKUP_TYPES)})(?:\*@?)?(?:,[\w=]+)*)(?=[ \t]*\{)`,
    captures: { 1: { name: 'support.type.lookup.exim' } },
  };

  // --- ACL section ---------------------------------------------------------------------------
  const VERBS = alt(ACL_VERBS);
  repository['acl-header'] = {
    comment: 'An ACL starts with its name and a colon; Exim ignores the rest of that line (its statements start on the next).',
    match: r`^[ \t]*([A-Za-z][A-Za-z0-9_]*)[ \t]*(:)[ \t]*([^ \t\n][^\n]*)?$`,
    name: 'meta.acl.header.exim',
    captures: {
      1: { name: 'entity.name.function.acl.exim' },
      2: { name: 'punctuation.separator.colon.exim' },
      3: { name: 'comment.line.ignored.exim' },
    },
  };
  repository['acl-verb'] = {
    match: r`^[ \t]*(${VERBS})(?![^ \t\n])`,
    captures: { 1: { name: 'keyword.control.verb.exim' } },
  };
  const aclStatement = (nameRe, scope, extra = []) => ({
    name: 'meta.acl.condition.exim',
    begin: r`${AT_WORD_START}(?:(!)[ \t]*)?(${nameRe})[ \t]*(=)[ \t]*`,
    beginCaptures: {
      1: { name: 'keyword.operator.logical.negation.exim' },
      2: { name: scope },
      3: { name: 'keyword.operator.assignment.exim' },
    },
    end: EOLL,
    patterns: [...extra, ...inc('value')],
  });
  repository['acl-statement'] = {
    patterns: [
      {
        name: 'meta.acl.modifier.exim',
        begin: r`${AT_WORD_START}(set)[ \t]+((acl_[a-z0-9_]+)|[A-Za-z_][A-Za-z0-9_]*)[ \t]*(=)[ \t]*`,
        beginCaptures: {
          1: { name: 'support.function.acl.modifier.exim' },
          2: { name: 'variable.other.acl.exim' },
          4: { name: 'keyword.operator.assignment.exim' },
        },
        end: EOLL,
        patterns: inc('value'),
      },
      {
        match: r`${AT_WORD_START}endpass(?![^ \t\n])`,
        name: 'support.function.acl.modifier.exim',
      },
      aclStatement('verify', 'support.function.acl.condition.exim', [
        { match: r`\G(?:${alt(ACL_VERIFY)})(?![\w])`, name: 'support.constant.verify.exim' },
      ]),
      { ...aclStatement('control', 'support.function.acl.modifier.exim', [
        { match: r`\G(?:${alt(ACL_CONTROLS)})(?![\w])`, name: 'support.constant.control.exim' },
      ]), name: 'meta.acl.modifier.exim' },
      aclStatement(alt(ACL_CONDITIONS), 'support.function.acl.condition.exim'),
      { ...aclStatement(alt(ACL_MODIFIERS), 'support.function.acl.modifier.exim'), name: 'meta.acl.modifier.exim' },
      aclStatement(r`[a-z][a-z0-9_]*`, 'variable.other.acl.condition.exim'),
    ],
  };

  // --- Retry section -----------------------------------------------------------------------
  const PATTERN = r`("(?:[^"\\\n]|\\.)*")|(\^[^ \t\n]*)|([^ \t\n"][^ \t\n]*)`;
  const patternCaptures = (kind) => ({
    1: { name: 'string.quoted.double.exim', patterns: inc('string-escape') },
    2: { name: `string.regexp.pattern.${kind}.exim`, patterns: inc('regex-quote') },
    3: { name: `string.unquoted.pattern.${kind}.exim`, patterns: inc('regex-quote', 'expansion', 'named-list-reference', 'macro-use') },
  });
  const retryBody = [
    ...inc('line-continuation', 'continued-comment'),
    {
      match: r`${AT_WORD_START}(senders)(=)("(?:[^"\\\n]|\\.)*"|[^ \t\n]*)`,
      captures: {
        1: { name: 'support.type.property-name.exim' },
        2: { name: 'keyword.operator.assignment.exim' },
        3: { name: 'string.unquoted.senders.exim', patterns: inc('named-list-reference', 'list-separator') },
      },
    },
    {
      match: r`(?<![\w.])([FGH])[ \t]*(,)`,
      captures: {
        1: { name: 'keyword.other.retry-algorithm.exim' },
        2: { name: 'punctuation.separator.parameter.exim' },
      },
    },
    { match: r`,`, name: 'punctuation.separator.parameter.exim' },
    { match: r`;`, name: 'punctuation.separator.rule.exim' },
    ...inc('number'),
  ];
  repository['retry-rule'] = {
    patterns: [
      {
        name: 'meta.retry.rule.exim',
        begin: r`^[ \t]*(?:${PATTERN})(?:[ \t]+(?:(${RETRY_ERRORS})|([^ \t\n]+))(?![^ \t\n]))?`,
        beginCaptures: {
          ...patternCaptures('retry'),
          4: { name: 'constant.language.retry-error.exim' },
          5: { name: 'variable.other.retry-error.exim' },
        },
        end: EOLL,
        patterns: retryBody,
      },
    ],
  };

  // --- Rewrite section ---------------------------------------------------------------------
  repository['rewrite-rule'] = {
    name: 'meta.rewrite.rule.exim',
    begin: r`^[ \t]*(?:${PATTERN})`,
    beginCaptures: patternCaptures('rewrite'),
    end: EOLL,
    patterns: [
      ...inc('line-continuation', 'continued-comment'),
      {
        name: 'string.quoted.double.exim',
        begin: r`\G[ \t]+(")`,
        beginCaptures: { 1: { name: 'punctuation.definition.string.begin.exim' } },
        end: r`(")|${EOLL}`,
        endCaptures: { 1: { name: 'punctuation.definition.string.end.exim' } },
        patterns: repository['quoted-value'].patterns,
      },
      {
        name: 'meta.rewrite.replacement.exim',
        begin: r`\G[ \t]+(?=[^ \t\n"])`,
        end: r`(?=[ \t])|${EOLL}`,
        patterns: [{ match: r`\G\*(?![^ \t\n])`, name: 'keyword.operator.rewrite.no-rewrite.exim' }, ...inc('expansion-content')],
      },
      {
        match: r`(?<![^ \t\n"])[EFTbcfhrstQqRSw]+(?=[ \t]*$)`,
        name: 'keyword.other.rewrite-flags.exim',
      },
    ],
  };

  // --- Split configurations ----------------------------------------------------------------
  // Files of a Debian split configuration (conf.d/acl/*, conf.d/retry/*, conf.d/rewrite/*)
  // usually have no "begin" line and so are read as main-section text. Lines that cannot be
  // main-section settings still get their natural reading.
  // ACL conditions and modifiers that are no option of any section ("message", "control"):
  // a line that starts with one is an ACL statement's next line.
  const aclOnlyWords = [...ACL_CONDITIONS, ...ACL_MODIFIERS].filter((w) => !mainOptions.includes(w));
  repository['split-acl-statement'] = {
    comment: 'Lines of a conf.d/acl part (no "begin acl"), which can never be main options: one that starts with an ACL verb, or with a condition or modifier that is no option.',
    patterns: [
      {
        name: 'meta.acl.statement.exim',
        begin: r`^[ \t]*(${VERBS})(?![^ \t\n])`,
        beginCaptures: { 1: { name: 'keyword.control.verb.exim' } },
        end: EOLL,
        patterns: inc('acl-statement'),
      },
      {
        name: 'meta.acl.statement.exim',
        begin: r`^(?=[ \t]*(?:${alt(aclOnlyWords)})[ \t]*=)`,
        end: EOLL,
        patterns: inc('acl-statement'),
      },
    ],
  };
  repository['split-file-rules'] = {
    patterns: [
      {
        comment: 'A negated ACL condition ("!verify = sender") is never a main option.',
        name: 'meta.acl.condition.exim',
        begin: r`^[ \t]*(!)[ \t]*(?:(${alt([...ACL_CONDITIONS, ...ACL_MODIFIERS])})|([a-z][a-z0-9_]*))[ \t]*(=)[ \t]*`,
        beginCaptures: {
          1: { name: 'keyword.operator.logical.negation.exim' },
          2: { name: 'support.function.acl.condition.exim' },
          3: { name: 'variable.other.acl.condition.exim' },
          4: { name: 'keyword.operator.assignment.exim' },
        },
        end: EOLL,
        patterns: inc('value'),
      },
      {
        comment: 'A retry rule: pattern, a known error name, then senders= or F/G/H parameters.',
        name: 'meta.retry.rule.exim',
        begin: r`^[ \t]*(?:${PATTERN})[ \t]+(${RETRY_ERRORS})(?=[ \t]+(?:[FGH][ \t]*,|senders=))`,
        beginCaptures: { ...patternCaptures('retry'), 4: { name: 'constant.language.retry-error.exim' } },
        end: EOLL,
        patterns: retryBody,
      },
      {
        comment: 'A rewrite rule: its pattern starts with *, ^, " or @, or contains an @.',
        ...repository['rewrite-rule'],
        begin: r`^[ \t]*(?=[*^"@]|[^ \t\n#]*@)(?:${PATTERN})`,
      },
    ],
  };

  // --- Assembly ------------------------------------------------------------------------------
  const common = inc('comment', 'directive');
  repository['section-acl'] = section('acl', [...common, ...inc('macro-definition', 'acl-header', 'acl-verb', 'acl-statement', 'macro-use')]);
  repository['section-routers'] = section('routers', [
    ...common,
    ...inc('macro-definition', 'driver-header-router', 'driver-option-router', 'option-router', 'option-unknown', 'macro-use'),
  ]);
  repository['section-transports'] = section('transports', [
    ...common,
    ...inc('macro-definition', 'driver-header-transport', 'driver-option-transport', 'option-transport', 'option-unknown', 'macro-use'),
  ]);
  repository['section-authenticators'] = section('authenticators', [
    ...common,
    ...inc('macro-definition', 'driver-header-authenticator', 'driver-option-authenticator', 'option-authenticator', 'option-unknown', 'macro-use'),
  ]);
  repository['section-retry'] = section('retry', [...common, ...inc('retry-rule')]);
  repository['section-rewrite'] = section('rewrite', [...common, ...inc('rewrite-rule')]);
  repository['section-local_scan'] = section('local_scan', [...common, ...inc('option-unknown')]);

  return {
    information_for_contributors: [
      'This file is generated by scripts/gen-grammar.mjs; edit that script and run `node scripts/gen-grammar.mjs`.',
      `Option names: ${names.source}.`,
    ],
    $schema: 'https://raw.githubusercontent.com/martinring/tmlanguage/master/tmlanguage.json',
    name: 'Exim',
    scopeName: 'source.exim',
    fileTypes: ['exim', 'exim.conf', 'exim4.conf', 'exim4.conf.template'],
    patterns: [
      ...common,
      ...inc('section-acl', 'section-routers', 'section-transports', 'section-authenticators', 'section-retry', 'section-rewrite', 'section-local_scan'),
      ...inc('macro-definition', 'named-list', 'driver-header', 'driver-option-main', 'split-acl-statement', 'option-main', 'option-unknown'),
      ...inc('split-file-rules', 'macro-use'),
    ],
    repository,
  };
}

// ---------------------------------------------------------------------------------------
// Checks

function* regexes(node, path = '') {
  if (Array.isArray(node)) {
    for (let i = 0; i < node.length; i++) yield* regexes(node[i], `${path}[${i}]`);
  } else if (node && typeof node === 'object') {
    for (const [k, v] of Object.entries(node)) {
      if ((k === 'match' || k === 'begin' || k === 'end') && typeof v === 'string') yield [`${path}.${k}`, v];
      else yield* regexes(v, `${path}.${k}`);
    }
  }
}

/** Enforces the newline discipline described at the top of this file. */
function lint(grammar) {
  const problems = [];
  for (const [where, re] of regexes(grammar)) {
    const allowNewline = /continued-comment|line-continuation/.test(where);
    for (let i = 0; i < re.length; i++) {
      const c = re[i];
      if (c === '\\') {
        const n = re[i + 1];
        if ('sSh'.includes(n)) problems.push(`${where}: \\${n} may match a newline; use [ \\t]`);
        if (n === 'n' && !allowNewline && !inClassAt(re, i)) problems.push(`${where}: matches \\n outside a class`);
        i++;
      } else if (c === '[' && re[i + 1] === '^') {
        const end = classEnd(re, i);
        if (!re.slice(i, end).includes('\\n')) problems.push(`${where}: negated class ${re.slice(i, end + 1)} lacks \\n`);
      }
    }
  }
  if (problems.length) throw new Error(`gen-grammar: ${problems.join('\n  ')}`);
}

function classEnd(re, start) {
  let i = start + 1;
  if (re[i] === '^') i++;
  if (re[i] === ']') i++;
  for (; i < re.length; i++) {
    if (re[i] === '\\') i++;
    else if (re[i] === ']') return i;
  }
  return re.length;
}

function inClassAt(re, pos) {
  for (let i = 0; i < pos; i++) {
    if (re[i] === '\\') i++;
    else if (re[i] === '[') {
      const end = classEnd(re, i);
      if (pos < end) return true;
      i = end;
    }
  }
  return false;
}

// ---------------------------------------------------------------------------------------

function main() {
  const check = process.argv.includes('--check');
  const names = loadNames();
  const grammar = buildGrammar(names);
  lint(grammar);
  const text = JSON.stringify(grammar, null, 2) + '\n';
  if (check) {
    const current = existsSync(OUT) ? readFileSync(OUT, 'utf8') : '';
    if (current !== text) {
      console.error('gen-grammar: syntaxes/exim.tmLanguage.json is out of date; run node scripts/gen-grammar.mjs');
      process.exit(1);
    }
    console.log('gen-grammar: grammar is up to date');
    return;
  }
  writeFileSync(OUT, text);
  console.log(`gen-grammar: wrote ${OUT} (${Object.keys(grammar.repository).length} rules; option names from ${names.source})`);
}

main();
