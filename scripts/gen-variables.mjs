#!/usr/bin/env node
// Regenerates server/src/core/data/exim-variables.json from the Exim reference manual
// (Debian package exim4-doc-html): the expansion variables, expansion items, operators
// and conditions of the "String expansions" chapter, and the ACL modifiers, conditions
// and controls of the "Access control lists" chapter. Only names and syntax summaries
// are taken (never the manual's prose), plus the "tainted" marking of variables.
//
//   node scripts/gen-variables.mjs [--manual DIR] [--out PATH] [--check]
//
// --check compares with the committed file instead of writing it (exit 1 on a difference).
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DEFAULT_OUT = join(ROOT, 'server/src/core/data/exim-variables.json');
const DEFAULT_MANUAL = '/usr/share/doc/exim4-doc-html/spec_html';

function parseArgs(argv) {
  const opts = { manual: process.env.EXIM_MANUAL_DIR ?? DEFAULT_MANUAL, out: DEFAULT_OUT, check: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--manual') opts.manual = argv[++i];
    else if (a === '--out') opts.out = resolve(argv[++i]);
    else if (a === '--check') opts.check = true;
    else {
      console.error('usage: node scripts/gen-variables.mjs [--manual DIR] [--out PATH] [--check]');
      process.exit(2);
    }
  }
  return opts;
}

const ENTITIES = { '&lt;': '<', '&gt;': '>', '&amp;': '&', '&quot;': '"', '&#39;': "'", '&nbsp;': ' ' };

/** Tags removed, entities decoded, white space collapsed. */
function text(html) {
  return html
    .replace(/<[^>]*>/g, '')
    .replace(/&[a-z#0-9]+;/g, (e) => ENTITIES[e] ?? e)
    .replace(/\s+/g, ' ')
    .trim();
}

/** The part of a chapter between the heading with this id and the next <h3>. */
function section(html, id) {
  const start = html.indexOf(`<h3 id="${id}"`);
  if (start < 0) throw new Error(`section ${id} not found in the manual`);
  const end = html.indexOf('<h3', start + 10);
  return html.slice(start, end < 0 ? html.length : end);
}

/** Top-level <dt> terms of a section with the <dd> that follows each (nested lists skipped). */
function entries(html) {
  const out = [];
  const re = /<dt>([\s\S]*?)<\/dt>([\s\S]*?)(?=<dt>|$)/g;
  let m;
  while ((m = re.exec(html))) out.push({ term: text(m[1]), body: m[2] });
  return out;
}

// ---------------------------------------------------------------------------------------
// Variables

/** Turns a term such as "$auth1 – $auth4", "$acl_c..." or "$header_<name>" into entries. */
function variableEntries(term, body) {
  // The manual marks such variables with a "Tainted" table cell in their description.
  const tainted = /<td><span class="docbook_emphasis">Tainted<\/span><\/td>/.test(body);
  const names = [];
  let m;
  if ((m = /^\$([a-z_]+)(\d) [–-] \$\1(\d)$/.exec(term))) {
    for (let i = Number(m[2]); i <= Number(m[3]); i++) names.push({ name: `${m[1]}${i}` });
  } else if ((m = /^\$([a-z_]*?)(\d), \$\1(\d), etc$/.exec(term))) {
    // "$0, $1, etc", "$acl_arg1, $acl_arg2, etc", "$regex1, $regex2, etc": Exim has up to 9.
    for (let i = Number(m[2]); i <= 9; i++) names.push({ name: `${m[1]}${i}` });
  } else if ((m = /^\$([a-z_]+)\.\.\.$/.exec(term))) {
    // "$acl_c...", "$r_...": any name with this prefix.
    names.push({ name: m[1], family: true });
  } else if ((m = /^\$([a-z_]+_)(?:<name>|xxx)$/.exec(term))) {
    // "$header_<name>", "$sender_rate_xxx"
    names.push({ name: m[1], family: true });
  } else if ((m = /^\$([a-z]+_)<name>$/.exec(term))) {
    names.push({ name: m[1], family: true });
  } else if ((m = /^\$([a-z0-9_]+)$/.exec(term))) {
    names.push({ name: m[1] });
  } else {
    throw new Error(`unexpected variable term "${term}"`);
  }
  return names.map((n) => ({ ...n, ...(tainted ? { tainted: true } : {}) }));
}

function variables(chapter) {
  const out = new Map();
  for (const { term, body } of entries(section(chapter, 'SECTexpvar'))) {
    if (!term.startsWith('$')) continue;
    for (const v of variableEntries(term, body)) if (!out.has(v.name)) out.set(v.name, v);
  }
  // Header variables have short and raw/basic forms (see "$header_<name>").
  for (const prefix of ['h_', 'bheader_', 'bh_', 'rheader_', 'rh_', 'lheader_', 'lh_']) {
    if (!out.has(prefix)) out.set(prefix, { name: prefix, family: true, tainted: true });
  }
  return [...out.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

// ---------------------------------------------------------------------------------------
// Expansion items, operators and conditions: names with their syntax line.

function expansionThings(chapter, id, kind) {
  const out = new Map();
  for (const { term } of entries(section(chapter, id))) {
    // e.g. "${extract{<key>}{<string1>}{<string2>}{<string3>}}", "${lc:<string>}", "eq {<string1>}{<string2>}"
    for (const written of term.split(/ or (?=\$|[a-z])/)) {
      // The 4.96 manual writes the numbered json forms of ${extract} with one "}" too many:
      // "${extract json {<number>}}{<string1>}...".
      const alt = written.replace(/\{<number>\}\}\{/, '{<number>}{');
      let m;
      if (kind === 'condition') {
        m = /^([a-z_0-9]+)(?=[ {:]|$)/i.exec(alt);
        if (!m) continue;
      } else {
        m = /^\$\{([a-z_0-9]+)(?=[{:\s]|$)/i.exec(alt);
        if (!m) continue;
      }
      const name = m[1];
      // The first form is the one hovers show; every form is kept for signature help
      // (e.g. ${extract} by key, by number, json and jsons; ${lookup} single-key and query-style).
      const known = out.get(name);
      if (!known) out.set(name, { name, syntax: alt });
      else if (alt !== known.syntax && !(known.forms ?? []).includes(alt)) known.forms = [...(known.forms ?? [known.syntax]), alt];
    }
  }
  return [...out.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

// ---------------------------------------------------------------------------------------
// ACL modifiers, conditions and controls

function aclWords(chapter, id, prefix) {
  const out = new Map();
  for (const { term } of entries(section(chapter, id))) {
    const t = prefix ? term.replace(new RegExp(`^${prefix}\\s*=\\s*`), '') : term;
    const m = /^([a-z_0-9]+)/.exec(t);
    if (!m) continue;
    if (!out.has(m[1])) out.set(m[1], { name: m[1], syntax: term.replace(/\s*\*$/, '') });
  }
  return [...out.values()];
}

/** Conditions documented outside the ACL chapter (DKIM, SPF and DMARC chapter). */
const EXTRA_ACL_CONDITIONS = [
  { name: 'dkim_signers', syntax: 'dkim_signers = <domain or identity list>' },
  { name: 'dkim_status', syntax: 'dkim_status = <list of verification results>' },
  { name: 'dmarc_status', syntax: 'dmarc_status = <list of DMARC results>' },
  { name: 'spf', syntax: 'spf = <list of SPF results>' },
  { name: 'spf_guess', syntax: 'spf_guess = <list of SPF results>' },
];

/** "Combining expansion conditions" has no list of its own. */
const COMBINING_CONDITIONS = [
  { name: 'and', syntax: 'and {{<cond1>}{<cond2>}...}' },
  { name: 'or', syntax: 'or {{<cond1>}{<cond2>}...}' },
];

function generate(manual) {
  const expansions = readFileSync(join(manual, 'ch-string_expansions.html'), 'utf8');
  const acls = readFileSync(join(manual, 'ch-access_control_lists.html'), 'utf8');
  const conditions = aclWords(acls, 'SECTaclconditions');
  for (const extra of EXTRA_ACL_CONDITIONS) if (!conditions.some((c) => c.name === extra.name)) conditions.push(extra);
  conditions.sort((a, b) => (a.name < b.name ? -1 : 1));
  const verify = aclWords(acls, 'SECTaclconditions', 'verify').filter((v) => v.syntax.startsWith('verify'));
  return {
    eximVersion: '4.96',
    generatedBy: 'scripts/gen-variables.mjs from the Exim 4.96 reference manual (names and syntax only)',
    variables: variables(expansions),
    expansionItems: expansionThings(expansions, 'SECTexpansionitems', 'item'),
    expansionOperators: expansionThings(expansions, 'SECTexpop', 'operator'),
    expansionConditions: [...expansionThings(expansions, 'SECTexpcond', 'condition'), ...COMBINING_CONDITIONS].sort((a, b) => (a.name < b.name ? -1 : 1)),
    aclModifiers: aclWords(acls, 'SECTACLmodi').sort((a, b) => (a.name < b.name ? -1 : 1)),
    aclConditions: conditions,
    aclVerifyTargets: verify,
    aclControls: aclWords(acls, 'SECTcontrols', 'control').sort((a, b) => (a.name < b.name ? -1 : 1)),
  };
}

const opts = parseArgs(process.argv.slice(2));
if (!existsSync(join(opts.manual, 'ch-string_expansions.html'))) {
  console.error(`the Exim manual was not found in ${opts.manual} (Debian: apt-get install exim4-doc-html)`);
  process.exit(1);
}
const json = JSON.stringify(generate(opts.manual), null, 2) + '\n';
if (opts.check) {
  const current = existsSync(opts.out) ? readFileSync(opts.out, 'utf8') : '';
  if (current !== json) {
    console.error(`${opts.out} is out of date: run node scripts/gen-variables.mjs`);
    process.exit(1);
  }
  console.log(`${opts.out} is up to date`);
} else {
  writeFileSync(opts.out, json);
  console.log(`wrote ${opts.out}`);
}
