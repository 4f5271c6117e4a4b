#!/usr/bin/env node
// `node scripts/gen-syntax-data.mjs`: regenerates the data behind the ACL and expansion checks from the
// installed Exim binary and its reference manual:
//
//   server/src/core/data/exim-acl.json         ACL verbs, conditions and modifiers
//   server/src/core/data/exim-expansions.json  expansion items, operators and conditions
//   server/src/core/data/exim-log-selectors.json  log_selector names
//   server/src/core/data/pcre2-properties.json  Unicode property names after \p in a regular expression
//   (variables: server/src/core/data/exim-variables.json, made by scripts/gen-variables.mjs
//   from the manual; this script adds the names the binary knows beyond it as extraVariables)
//
//   node scripts/gen-syntax-data.mjs [--exim PATH] [--manual DIR] [--outdir DIR]
//
// Candidates come from the manual (Debian package exim4-doc-html, spec_html/) and from the
// words in the binary (`strings`); the binary decides what exists:
//   - ACL conditions/modifiers: a throw-away config with `accept NAME = x` per candidate,
//     checked with `exim -C FILE -bV` ("unknown ACL condition/modifier" = not one); a
//     modifier is what refuses `!NAME = x` ("negation is not allowed").
//   - expansion operators: `${NAME:x}` with `exim -be` ("unknown expansion operator");
//     items: `${NAME}` (an item fails with its own complaint, an unknown word is taken as a
//     variable); conditions: `${if NAME}` ("unknown condition"). Nothing is run: with no
//     arguments no item or condition does anything.
//   - argument counts: Exim's own "Not enough arguments for 'x' (min is N)" and "Too many
//     arguments for 'x' (max is N)" where it has them; for the items and conditions with a
//     syntax of their own, the manual's chapter "String expansions" (SYNTAX below).
//   - variables: `$NAME` with `exim -be` ("unknown variable name").
//   - lookup types: the names `exim -bV` lists, single-key or query-style as `exim -be` says.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const opt = (name, fallback) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : fallback;
};
const EXIM = opt('--exim', ['/usr/sbin/exim', '/usr/sbin/exim4'].find((p) => existsSync(p)));
const MANUAL = opt('--manual', '/usr/share/doc/exim4-doc-html/spec_html');
const OUTDIR = resolve(opt('--outdir', join(ROOT, 'server/src/core/data')));

function fail(msg) {
  console.error(`gen-syntax-data: ${msg}`);
  process.exit(1);
}
if (!EXIM || !existsSync(EXIM)) fail('exim not found (apt-get install -y exim4-daemon-heavy)');
if (!existsSync(join(MANUAL, 'ch-string_expansions.html'))) fail(`the reference manual is not in ${MANUAL} (apt-get install -y exim4-doc-html)`);

const tmp = mkdtempSync(join(tmpdir(), 'gen-syntax-'));
const conf = join(tmp, 'min.conf');
writeFileSync(conf, 'qualify_domain = example.org\nkeep_environment =\n');

const version = /Exim version (\S+)/.exec(spawnSync(EXIM, ['-C', conf, '-bV'], { encoding: 'utf8' }).stdout)?.[1] ?? 'unknown';

// ---------------------------------------------------------------------------------------
// The manual

const decode = (s) =>
  s
    .replace(/<[^>]+>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/&nbsp;/g, ' ')
    .replace(/&#8211;|&ndash;/g, '–')
    .replace(/&quot;/g, '"')
    .replace(/&#[0-9]+;/g, ' ');
const readChapter = (name) => readFileSync(join(MANUAL, name), 'utf8');
const expansions = readChapter('ch-string_expansions.html');

/** `<dt>` headings of a chapter with the text of their `<dd>`, in order, with the section they are in. */
function definitions(html) {
  const sections = [...html.matchAll(/<h3[^>]*>(.*?)<\/h3>/gs)].map((m) => ({ at: m.index, title: decode(m[1]).trim() }));
  const out = [];
  for (const m of html.matchAll(/<dt>((?:(?!<\/dt>).)*)<\/dt>\s*(?:<a [^>]*><\/a>\s*)*(?:<dd>((?:(?!<\/dd>).)*)<\/dd>)?/gs)) {
    const section = sections.filter((s) => s.at < m.index).pop()?.title ?? '';
    out.push({ term: decode(m[1]).replace(/\s+/g, ' ').trim(), text: decode(m[2] ?? '').replace(/\s+/g, ' ').trim(), section });
  }
  return out;
}

const defs = definitions(expansions);

// ---------------------------------------------------------------------------------------
// Probing the binary

/** Expands each line with `exim -be`; returns the result or the failure message per line. */
function expandEach(lines) {
  const r = spawnSync(EXIM, ['-C', conf, '-be'], { input: lines.join('\n') + '\n', encoding: 'utf8', maxBuffer: 256 << 20, env: { ...process.env, LC_ALL: 'C' } });
  const parts = r.stdout.split(/^> /m).slice(1);
  if (parts.length < lines.length) fail(`exim -be answered ${parts.length} of ${lines.length} lines`);
  return parts.slice(0, lines.length).map((p) => p.replace(/\n$/, ''));
}

function bV(text) {
  writeFileSync(join(tmp, 'p.conf'), text);
  const r = spawnSync(EXIM, ['-C', join(tmp, 'p.conf'), '-bV'], { encoding: 'utf8' });
  return r.status === 0 ? '' : r.stderr;
}

const binaryWords = [...new Set(spawnSync('strings', ['-n', '2', EXIM], { encoding: 'utf8', maxBuffer: 256 << 20 }).stdout.split('\n').filter((w) => /^[a-z][a-z0-9_]{0,40}$/.test(w)))];

// ---------------------------------------------------------------------------------------
// ACL conditions and modifiers

function aclData() {
  const chapters = ['ch-access_control_lists.html', 'ch-content_scanning_at_acl_time.html', 'ch-dkim_spf_srs_and_dmarc.html', 'ch-events.html'].filter((c) => existsSync(join(MANUAL, c)));
  const candidates = new Set(['set', 'endpass']);
  for (const c of chapters) for (const m of decode(readChapter(c)).matchAll(/(?:^|[\s!])([a-z][a-z0-9_]*)\s*=/gm)) candidates.add(m[1]);
  for (const w of binaryWords) if (w.length < 24) candidates.add(w);
  const conditions = [];
  for (const name of [...candidates].sort()) {
    const line = name === 'set' ? 'set acl_m_x = 1' : name === 'endpass' ? 'endpass' : `${name} = x`;
    const err = bV(`begin acl\na:\n  accept ${line}\n`);
    if (/unknown ACL condition\/modifier/.test(err)) continue;
    const neg = bV(`begin acl\na:\n  accept !${line}\n`);
    conditions.push({ name, modifier: /negation is not allowed/.test(neg) });
  }
  return { eximVersion: version, generatedBy: 'scripts/gen-syntax-data.mjs', verbs: ['accept', 'defer', 'deny', 'discard', 'drop', 'require', 'warn'], conditions };
}

// ---------------------------------------------------------------------------------------
// Expansion items, operators and conditions

/**
 * Items and conditions whose syntax is not "name{arg}{arg}...", from the manual's chapter
 * "String expansions" (4.96): `kind` says how the parser reads them.
 *   if:        ${if <condition> {<string1>}{<string2>}}
 *   lookup:    ${lookup{<key>} <type> {<file>} {<string1>}{<string2>}}, ${lookup <type> {<query>} ...}
 *   run:       ${run[,options] {<command>}{<string1>}{<string2>}}
 *   extract:   ${extract[ json| jsons]{<key>|<number>}{[<separators>]}{<string1>}{<string2>}{<string3>}}
 *   filter:    ${filter{<list>}{<condition>}}   (the second argument is a condition)
 *   sort:      ${sort{<list>}{<comparator>}{<extractor>}}   (the comparator is a condition name)
 *   condlist:  and{{<cond1>}{<cond2>}...}, or{...}
 *   forall:    forall{<list>}{<condition>} and the json variants
 *   nested:    acl {{<name>}{<arg1>}...}, saslauthd {{<user>}{<password>}{<service>}{<realm>}}
 *   def:       def:<variable name>
 *   none:      first_delivery, queue_running
 */
const SYNTAX_ITEMS = {
  if: { kind: 'if', min: 0, max: 2 },
  lookup: { kind: 'lookup', min: 0, max: 2 },
  run: { kind: 'run', min: 1, max: 3 },
  extract: { kind: 'extract', min: 2, max: 5 },
  filter: { kind: 'filter', min: 2, max: 2 },
  map: { kind: 'args', min: 2, max: 2 },
  reduce: { kind: 'args', min: 3, max: 3 },
  sort: { kind: 'sort', min: 3, max: 3 },
  certextract: { kind: 'args', min: 2, max: 4 },
  env: { kind: 'args', min: 1, max: 3 },
  listextract: { kind: 'args', min: 2, max: 4 },
};
const SYNTAX_CONDITIONS = {
  and: { kind: 'condlist' },
  or: { kind: 'condlist' },
  forall: { kind: 'forall' },
  forany: { kind: 'forall' },
  forall_json: { kind: 'forall' },
  forany_json: { kind: 'forall' },
  forall_jsons: { kind: 'forall' },
  forany_jsons: { kind: 'forall' },
  acl: { kind: 'nested', min: 1, max: 10 },
  saslauthd: { kind: 'nested', min: 2, max: 4 },
  def: { kind: 'def' },
  first_delivery: { kind: 'none' },
  queue_running: { kind: 'none' },
};

function expansionData() {
  // Section 5 "Expansion items", 6 "Expansion operators", 7 and 8 conditions.
  const inSection = (n) => defs.filter((d) => d.section.startsWith(`${n}.`));
  const manualItems = new Map();
  for (const d of inSection(5)) {
    const m = /^\$\{([a-z_0-9]+)/.exec(d.term);
    if (!m) continue;
    const count = (d.term.match(/\{</g) ?? []).length;
    const prev = manualItems.get(m[1]) ?? { max: 0, variadic: false };
    manualItems.set(m[1], { max: Math.max(prev.max, count), variadic: prev.variadic || d.term.includes('...'), syntax: d.term });
  }
  const manualOps = new Set();
  const opPatterns = [];
  for (const d of inSection(6)) {
    for (const m of d.term.matchAll(/\$\{([a-z0-9_]+)((?:_<[^>]+>)*):/g)) {
      if (m[2]) opPatterns.push(m[1]);
      else manualOps.add(m[1]);
    }
  }
  const manualConds = new Map();
  // Section 7 "Expansion conditions" and 8 "Combining expansion conditions" (and, or).
  for (const d of [...inSection(7), ...inSection(8)]) {
    const m = /^([a-z_0-9]+)\s*(.*)$/.exec(d.term);
    if (!m) continue;
    manualConds.set(m[1], { args: (m[2].match(/\{</g) ?? []).length, syntax: d.term });
  }

  const words = [...new Set([...binaryWords, ...manualItems.keys(), ...manualOps, ...manualConds.keys()])].sort();
  // An item complains when it has no arguments; an unknown word in ${...} is taken as a variable.
  const itemResults = expandEach(words.map((w) => `\${${w}}`));
  const itemNames = words.filter((w, i) => itemResults[i].startsWith('Failed:') && !/unknown variable in/.test(itemResults[i]));
  // Exim looks an operator up by its whole name, then by the part before the first "_"
  // (hash_3, sha2_256, expand_anything): keep the names that are operators on their own.
  const opResults = expandEach(words.map((w) => `\${${w}:x}`));
  const opCandidates = words.filter((w, i) => !itemNames.includes(w) && !/unknown expansion operator|is not a known operator/.test(opResults[i]));
  const opSet = new Set(opCandidates.filter((w) => !w.includes('_')));
  // An operator the manual names in full is one even so: ${quote_local_part:...} is not the
  // quote_<lookup type> form (measured: Exim takes it by its whole name).
  const operators = opCandidates.filter((w) => !w.includes('_') || !opSet.has(w.slice(0, w.indexOf('_'))) || manualOps.has(w));
  const condResults = expandEach(words.map((w) => `\${if ${w}}`));
  const condNames = words.filter((w, i) => !/unknown condition/.test(condResults[i]) && !/condition name expected/.test(condResults[i]));

  // Argument counts the binary states itself.
  const minResults = expandEach(itemNames.map((w) => `\${${w}}`));
  const safe = (w) => !['run', 'readsocket', 'perl', 'dlfunc', 'acl', 'lookup', 'if'].includes(w);
  const maxProbe = itemNames.filter(safe);
  const maxResults = expandEach(maxProbe.map((w) => `\${${w}${'{}'.repeat(12)}}`));
  const items = {};
  itemNames.forEach((name, i) => {
    const min = /\(min is (\d+)\)/.exec(minResults[i]);
    const mi = maxProbe.indexOf(name);
    const max = mi >= 0 ? /\(max is (\d+)\)/.exec(maxResults[mi]) : null;
    const manual = manualItems.get(name);
    const special = SYNTAX_ITEMS[name];
    const entry = special
      ? { ...special }
      : {
          kind: 'args',
          min: min ? Number(min[1]) : (manual?.max ?? 1),
          // Some items read a further argument themselves (prvscheck's third): the larger count wins.
          max: Math.max(max ? Number(max[1]) : 0, manual?.variadic ? 10 : (manual?.max ?? (max ? 0 : 10))),
        };
    if (manual?.syntax) entry.syntax = manual.syntax;
    items[name] = entry;
  });
  // Symbolic numeric comparisons are conditions too.
  const symbolic = ['<', '<=', '=', '==', '>', '>='];
  const conditions = {};
  for (const s of symbolic) conditions[s] = { kind: 'args', min: 2, max: 2 };
  for (const name of condNames) {
    const special = SYNTAX_CONDITIONS[name];
    const manual = manualConds.get(name);
    const n = manual ? manual.args : 1;
    conditions[name] = special ? { ...special } : { kind: 'args', min: n, max: n };
    if (manual?.syntax) conditions[name].syntax = manual.syntax;
  }
  // Operators written with numbers: hash_<n>_<m>, length_<n> (also l_<n>), substr_<s>_<l> (s_),
  // nhash_ (nh_), mask_n, sha2_<n>, sha3_<n>, quote_<lookup>, listnamed_<type>.
  const patterns = [...new Set([...opPatterns, 'l', 's', 'h', 'nh'])].sort();
  return { eximVersion: version, generatedBy: 'scripts/gen-syntax-data.mjs', items, operators, operatorPrefixes: patterns, conditions };
}

// ---------------------------------------------------------------------------------------
// Variables

// ---------------------------------------------------------------------------------------
// log_selector names: the manual's table (chapter "Log files"), and the words of the binary,
// each tried as `log_selector = +NAME` ("unknown log_selector setting" = not one).

function logSelectorData() {
  const table = existsSync(join(MANUAL, 'ch-log_files.html')) ? readChapter('ch-log_files.html') : '';
  const fromManual = [...table.matchAll(/<tr[^>]*>\s*<td[^>]*>(.*?)<\/td>/gs)].map((m) => decode(m[1]).trim()).filter((n) => /^[a-z0-9][a-z0-9_]*$/.test(n));
  // Selector names may start with a digit (8bitmime), unlike the other names read from the binary.
  const digitWords = spawnSync('strings', ['-n', '2', EXIM], { encoding: 'utf8', maxBuffer: 256 << 20 }).stdout.split('\n').filter((w) => /^[0-9][a-z0-9_]{1,40}$/.test(w) && /[a-z]/.test(w));
  const candidates = [...new Set([...fromManual, ...binaryWords, ...digitWords])].sort();
  const selectors = candidates.filter((name) => !/unknown log_selector setting|malformed log_selector/.test(bV(`log_selector = +${name}\n`)));
  return { eximVersion: version, generatedBy: 'scripts/gen-syntax-data.mjs', selectors };
}

// ---------------------------------------------------------------------------------------
// Unicode property names PCRE2 knows after \p and \P: the name table of the PCRE2 library
// Exim is linked with (found by `ldd`, read as the run of NUL-separated words around
// "greek"), each name tried with `exim -be` in `\p{NAME}` ("unknown property" = not one)
// and in `\p{sc:NAME}` (the scripts).

function pcre2PropertyData() {
  const lib = /libpcre2-8\.so\S*\s+=>\s+(\S+)/.exec(spawnSync('ldd', [EXIM], { encoding: 'utf8' }).stdout)?.[1];
  if (!lib || !existsSync(lib)) fail(`the PCRE2 library of ${EXIM} was not found with ldd`);
  const bytes = readFileSync(lib);
  const at = bytes.indexOf(Buffer.from('\0greek\0'));
  if (at < 0) fail(`no Unicode property table in ${lib}`);
  const isWordByte = (b) => (b >= 97 && b <= 122) || (b >= 48 && b <= 57) || b === 38; // a-z 0-9 &
  // Walk back and forward over words "xxx\0" while they look like table entries.
  let start = at + 1;
  for (;;) {
    let p = start - 2;
    while (p >= 0 && isWordByte(bytes[p])) p--;
    if (p === start - 2 || bytes[p] !== 0) break;
    start = p + 1;
  }
  let end = at + 1;
  while (isWordByte(bytes[end])) {
    while (isWordByte(bytes[end])) end++;
    if (bytes[end] !== 0) break;
    end++;
  }
  const candidates = bytes.subarray(start, end).toString('latin1').split('\0').filter((w) => w !== '');
  const verdicts = expandEach([...candidates, 'nosuchproperty'].map((w) => `\${if match{a}{\\N\\p{${w}}\\N}{y}{n}}`));
  if (!/unknown property/.test(verdicts[verdicts.length - 1])) fail(`exim -be did not refuse \\p{nosuchproperty}: ${verdicts[verdicts.length - 1]}`);
  const names = candidates.filter((w, i) => !/unknown property|regular expression error/.test(verdicts[i]));
  // The names "sc:" (a script) takes: not the categories and binary properties.
  const asScript = expandEach(names.map((w) => `\${if match{a}{\\N\\p{sc:${w}}\\N}{y}{n}}`));
  const scripts = names.filter((w, i) => !/unknown property|regular expression error/.test(asScript[i]));
  return { generatedBy: 'scripts/gen-syntax-data.mjs', library: lib.replace(/.*\//, ''), names, scripts };
}

/**
 * Lookup types compiled into the binary (`exim -bV` lists them), each single-key (`${lookup{key}lsearch{file}}`)
 * or query-style (`${lookup dnsdb{query}}`). Probed inside a branch Exim skips, where it checks the
 * type and the key without looking anything up.
 */
function lookupData() {
  const bv = spawnSync(EXIM, ['-C', conf, '-bV'], { encoding: 'utf8' }).stdout;
  const listed = [...bv.matchAll(/^Lookups \([^)]*\):(.*)$/gm)].flatMap((m) => m[1].trim().split(/\s+/)).filter(Boolean);
  if (listed.length === 0) fail('exim -bV listed no lookup types');
  // Lookup types that come with a feature rather than in the "Lookups" line (spf with SPF
  // support), or as modules: kept when exim -be takes them.
  const extra = ['spf', 'json', 'lmdb', 'redis', 'oracle', 'ibase', 'nisplus', 'testdb', 'whoson', 'sqlite', 'psl', 'dmarc'].filter((t) => !listed.includes(t));
  const candidates = [...listed, ...extra];
  const verdicts = expandEach([...candidates, 'nosuchlookup'].map((t) => `\${if eq{1}{2}{\${lookup{x}${t}{x}}}{}}`));
  if (!/unknown lookup type/.test(verdicts[candidates.length])) fail(`exim -be did not refuse lookup type nosuchlookup: ${verdicts[candidates.length]}`);
  const types = {};
  candidates.forEach((t, i) => {
    if (/unknown lookup type/.test(verdicts[i])) {
      if (listed.includes(t)) fail(`exim -bV lists lookup type ${t} but exim -be refuses it`);
      return;
    }
    types[t] = /not a single-key lookup type/.test(verdicts[i]) ? 'query' : 'single';
  });
  return Object.fromEntries(Object.entries(types).sort(([a], [b]) => (a < b ? -1 : 1)));
}

/** Families of variables named by a prefix (exim-variables.json lists them with "family"). */
const FAMILIES = ['acl_c', 'acl_m', 'header_', 'h_', 'bheader_', 'bh_', 'lheader_', 'lh_', 'rheader_', 'rh_', 'r_', 'sender_rate_'];

function variableData() {
  const fromManual = new Set();
  for (const file of ['ch-string_expansions.html', 'ch-variable_index.html']) {
    if (!existsSync(join(MANUAL, file))) continue;
    for (const m of decode(readChapter(file)).matchAll(/\$([a-z][a-z0-9_]*)/g)) fromManual.add(m[1]);
  }
  const candidates = [...new Set([...fromManual, ...binaryWords])].filter((w) => !FAMILIES.some((p) => w.startsWith(p))).sort();
  const results = expandEach(candidates.map((w) => `$${w}`));
  return { variables: candidates.filter((w, i) => !/unknown variable name/.test(results[i])).map((name) => ({ name })) };
}

try {
  const write = (name, data) => {
    writeFileSync(join(OUTDIR, name), JSON.stringify(data, null, 1) + '\n');
    console.log(`wrote ${join(OUTDIR, name)}`);
  };
  const logs = logSelectorData();
  write('exim-log-selectors.json', logs);
  console.log(`  ${logs.selectors.length} log selectors`);
  const props = pcre2PropertyData();
  write('pcre2-properties.json', props);
  console.log(`  ${props.names.length} Unicode property names`);
  const acl = aclData();
  write('exim-acl.json', acl);
  console.log(`  ${acl.conditions.length} ACL conditions and modifiers`);
  const exp = expansionData();
  exp.lookupTypes = lookupData();
  write('exim-expansions.json', exp);
  console.log(`  ${Object.keys(exp.items).length} items, ${exp.operators.length} operators, ${Object.keys(exp.conditions).length} conditions, ${Object.keys(exp.lookupTypes).length} lookup types`);
  // Variables: server/src/core/data/exim-variables.json (from the manual, shared with
  // completion) is the list; the binary knows a few more (older aliases such as $tls_bits,
  // $event_name, ...), kept here so that they are not reported as unknown.
  const shared = JSON.parse(readFileSync(join(ROOT, 'server/src/core/data/exim-variables.json'), 'utf8'));
  const known = new Set(shared.variables.map((v) => v.name));
  const extra = variableData().variables.map((v) => v.name).filter((n) => !known.has(n));
  exp.extraVariables = extra;
  // And it refuses some the manual lists: those of a feature not compiled in ($dmarc_status),
  // and those of filter files ($n0, $sn0), which a configuration cannot use.
  const listed = shared.variables.filter((v) => !v.family).map((v) => v.name);
  const verdicts = expandEach(listed.map((n) => `$${n}`));
  exp.refusedVariables = listed.filter((n, i) => /unknown variable name/.test(verdicts[i]));
  write('exim-expansions.json', exp);
  console.log(`  ${extra.length} variables the binary knows beyond exim-variables.json, ${exp.refusedVariables.length} in it that it refuses`);
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
