#!/usr/bin/env node
// `npm run gen:options`: regenerates server/src/core/data/exim-options.json from the
// installed Exim binary and, when present, its reference manual.
//
//   node scripts/gen-options.mjs [--out PATH] [--exim PATH] [--manual DIR] [--verbose]
//
// Sources:
//   - the binary: `exim -bP macros` names the compiled-in drivers (_DRIVER_*) and every
//     option (_OPT_MAIN_*, _OPT_ROUTERS_* = generic router options, _OPT_ROUTER_<DRIVER>_*
//     = private ones, likewise for transports and authenticators). A throw-away config
//     with one instance of each driver is then printed with `exim -C FILE -bP ...`, which
//     gives the defaults. The binary is the authority for which names exist.
//     Defaults: the -bP value ("true"/"false" for booleans, "unset" when empty), except
//     where it follows the config or the machine (host name, spool directory, values the
//     config had to set) or differs between drivers; there the manual's words.
//     Internal names (`*expand_...`) are skipped.
//   - the manual (Debian package exim4-doc-html, spec_html/): its "Use / Type / Default"
//     tables give each option's type and whether it is expanded (the dagger). Options the
//     manual lacks get a type inferred from the -bP output and "typeSource": "inferred".
// The script installs nothing. Debian packages it reads: exim4-daemon-heavy (the binary),
// libsasl2-modules (the cyrus_sasl authenticator must find the PLAIN and LOGIN mechanisms,
// or exim rejects the config), exim4-doc-html (the manual). Without the manual every type
// is inferred (with a warning), so the committed table is generated with it installed.
// Run it as root or as a member of the Exim group: exim lists macros only to admin users.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DEFAULT_OUT = join(ROOT, 'server/src/core/data/exim-options.json');
const EXIM_CANDIDATES = ['/usr/sbin/exim', '/usr/sbin/exim4', '/usr/local/sbin/exim', '/usr/exim/bin/exim'];
const MANUAL_CANDIDATES = ['/usr/share/doc/exim4-doc-html/spec_html'];

// ---------------------------------------------------------------------------------------
// Command line

function parseArgs(argv) {
  const opts = { out: DEFAULT_OUT, exim: process.env.EXIM_BIN, manual: process.env.EXIM_MANUAL_DIR, verbose: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const val = () => {
      if (i + 1 >= argv.length) fail(`${a} needs a value`);
      return argv[++i];
    };
    if (a === '--out') opts.out = resolve(val());
    else if (a === '--exim') opts.exim = val();
    else if (a === '--manual') opts.manual = val();
    else if (a === '--verbose' || a === '-v') opts.verbose = true;
    else if (a === '--help' || a === '-h') {
      console.log('usage: node scripts/gen-options.mjs [--out PATH] [--exim PATH] [--manual DIR] [--verbose]');
      process.exit(0);
    } else fail(`unknown argument ${a}`);
  }
  return opts;
}

class GenError extends Error {}

function fail(msg) {
  throw new GenError(msg);
}

function findExim(explicit) {
  if (explicit) {
    if (!existsSync(explicit)) fail(`exim binary ${explicit} not found`);
    return explicit;
  }
  for (const c of EXIM_CANDIDATES) if (existsSync(c)) return c;
  for (const dir of (process.env.PATH ?? '').split(':')) {
    for (const n of ['exim', 'exim4']) if (dir && existsSync(join(dir, n))) return join(dir, n);
  }
  fail('no exim binary found (Debian: apt-get install exim4-daemon-heavy)');
}

function findManual(explicit) {
  if (explicit) {
    if (!existsSync(explicit)) fail(`manual directory ${explicit} not found`);
    return explicit;
  }
  return MANUAL_CANDIDATES.find((d) => existsSync(d));
}

// ---------------------------------------------------------------------------------------
// Running exim

function runExim(exim, args, { allowFail = false } = {}) {
  const r = spawnSync(exim, args, { encoding: 'utf8', env: { ...process.env, LC_ALL: 'C' }, maxBuffer: 64 << 20 });
  if (r.error) fail(`cannot run ${exim}: ${r.error.message}`);
  if (r.status !== 0 && !allowFail) {
    fail(`\`${exim} ${args.join(' ')}\` exited ${r.status}:\n${(r.stderr || r.stdout).trim()}`);
  }
  return r;
}

/**
 * Parses `-bP` option lines. Booleans print as `name` / `no_name`; everything else as
 * `name = value`, or `name =` with nothing after it for some unset values (uid/gid lists,
 * fixed-point). Internal names start with `*` and are kept here, dropped by the caller.
 */
function parseBP(text, what) {
  const map = new Map();
  for (const line of text.split('\n')) {
    if (line === '') continue;
    let m = /^(\*?[a-z0-9_]+) =(?: (.*))?$/.exec(line);
    if (m) {
      // Non-admin users see this instead of values of options marked "hide".
      if (m[2] === '<value not displayable>') fail(`-bP ${what} hides ${m[1]}: run as an Exim admin user`);
      map.set(m[1], { bool: false, raw: m[2] ?? '' });
      continue;
    }
    m = /^(\*?)(no_)?([a-z0-9_]+)$/.exec(line);
    if (m) {
      map.set(m[1] + m[3], { bool: true, value: !m[2] });
      continue;
    }
    fail(`cannot parse -bP ${what} line: ${JSON.stringify(line)}`);
  }
  return map;
}

// ---------------------------------------------------------------------------------------
// The binary's built-in macros

const KINDS = [
  // section key, -bP word, macro words (generic, private)
  { section: 'routers', bp: 'router', generic: 'ROUTERS', single: 'ROUTER' },
  { section: 'transports', bp: 'transport', generic: 'TRANSPORTS', single: 'TRANSPORT' },
  { section: 'authenticators', bp: 'authenticator', generic: 'AUTHENTICATORS', single: 'AUTHENTICATOR' },
];

function readMacros(exim, emptyConf) {
  // With -C pointing at an empty file, only the built-in macros are listed (the system
  // config would add its own definitions).
  const r = runExim(exim, ['-C', emptyConf, '-bP', 'macros'], { allowFail: true });
  if (r.status !== 0) {
    const msg = (r.stderr || r.stdout).trim();
    // Only Exim admin users (root, the Exim user, members of the Exim group) may list macros.
    if (/permission denied/i.test(msg)) fail(`${exim} lists its macros only to admin users: run as root or as a member of the Exim group (Debian: Debian-exim)\n${msg}`);
    fail(`\`${exim} -C ${emptyConf} -bP macros\` exited ${r.status}:\n${msg}`);
  }
  const out = r.stdout;
  const names = [];
  for (const line of out.split('\n')) {
    if (!line) continue;
    const eq = line.indexOf('=');
    const name = eq < 0 ? line : line.slice(0, eq);
    if (!/^_[A-Za-z0-9_]+$/.test(name)) fail(`unexpected built-in macro line ${JSON.stringify(line)}`);
    names.push(name);
    // Most built-in macros are "y"; the few others (_DKIM_SIGN_HEADERS, ...) keep their text.
    if (eq >= 0 && line.slice(eq + 1) !== 'y') macroValues[name] = line.slice(eq + 1);
  }
  return [...new Set(names)].sort();
}

/** Values of the built-in macros that are not "y", filled by readMacros(). */
const macroValues = {};

function driversFromMacros(macros) {
  const drivers = {};
  for (const k of KINDS) {
    const prefix = `_DRIVER_${k.single}_`;
    drivers[k.section] = macros.filter((m) => m.startsWith(prefix)).map((m) => m.slice(prefix.length).toLowerCase()).sort();
  }
  return drivers;
}

/** Option names per section from the _OPT_* macros (upper-cased there; Exim's names are lower case). */
function optionNamesFromMacros(macros, drivers) {
  const lc = (s) => s.toLowerCase();
  const res = { main: new Set() };
  for (const m of macros) if (m.startsWith('_OPT_MAIN_')) res.main.add(lc(m.slice('_OPT_MAIN_'.length)));
  for (const k of KINDS) {
    const generic = new Set();
    const priv = Object.fromEntries(drivers[k.section].map((d) => [d, new Set()]));
    // Longest driver name first, so that e.g. CYRUS_SASL is not read as CYRUS + SASL_...
    const byLength = [...drivers[k.section]].sort((a, b) => b.length - a.length);
    for (const m of macros) {
      if (m.startsWith(`_OPT_${k.generic}_`)) {
        generic.add(lc(m.slice(`_OPT_${k.generic}_`.length)));
      } else if (m.startsWith(`_OPT_${k.single}_`)) {
        const rest = m.slice(`_OPT_${k.single}_`.length);
        const d = byLength.find((x) => rest.startsWith(`${x.toUpperCase()}_`));
        if (!d) fail(`macro ${m} names no known ${k.bp} driver`);
        priv[d].add(lc(rest.slice(d.length + 1)));
      }
    }
    res[k.section] = { generic, drivers: priv };
  }
  return res;
}

// ---------------------------------------------------------------------------------------
// The throw-away configuration

// Options some drivers insist on before the configuration is accepted: [variant 0, variant 1]
// values. They count as set, so their defaults come from the manual; the two values
// differ so that options derived from them show up (queryprogram's command_group
// follows command_user's group).
const REQUIRED = {
  routers: {
    accept: { transport: ['x_t_smtp', 'y_t_smtp'] },
    dnslookup: { transport: ['x_t_smtp', 'y_t_smtp'] },
    ipliteral: { transport: ['x_t_smtp', 'y_t_smtp'] },
    iplookup: { hosts: ['127.0.0.1', '127.0.0.2'], port: ['1', '2'] },
    manualroute: { transport: ['x_t_smtp', 'y_t_smtp'], route_list: ['* 127.0.0.1', '* 127.0.0.2'] },
    queryprogram: { command: ['/bin/true', '/bin/false'], command_user: ['root', 'daemon'] },
    redirect: { data: ['postmaster', 'root'] },
  },
  transports: {
    lmtp: { socket: ['/nonexistent/lmtp-x.sock', '/nonexistent/lmtp-y.sock'] },
  },
  authenticators: {},
};

/**
 * Two variants of the config differ in every name and value the generator chooses
 * (instance names, public names, host name, spool directory). Any -bP value that differs
 * between them is derived from the config or the machine (qualify_domain follows the
 * host name, process_log_path the spool directory), not a built-in default.
 * `probe` adds one more setting: { section, driver, name, value }.
 */
function buildConfig(drivers, variant, probe) {
  const prefix = variant === 0 ? 'x' : 'y';
  const lines = [];
  // primary_hostname counts as set in both variants: unset, it is the machine's name.
  const set = { main: new Set(['primary_hostname']), routers: {}, transports: {}, authenticators: {} };
  if (variant === 1) {
    lines.push('primary_hostname = gen-options.invalid', 'spool_directory = /nonexistent/gen-options/spool');
    set.main.add('spool_directory');
  }
  if (probe?.section === 'main') {
    lines.push(`${probe.name} = ${probe.value}`);
    set.main.add(probe.name);
  }
  const instances = { routers: {}, transports: {}, authenticators: {} };
  if (!drivers.transports.includes('smtp')) fail('this exim has no smtp transport; the generator needs one');
  for (const k of KINDS) {
    lines.push('', `begin ${k.section}`);
    for (const d of drivers[k.section]) {
      const inst = `${prefix}_${k.section[0]}_${d}`;
      instances[k.section][d] = inst;
      const opts = Object.fromEntries(Object.entries(REQUIRED[k.section][d] ?? {}).map(([o, v]) => [o, v[variant]]));
      if (k.section === 'authenticators') {
        // cyrus_sasl checks its public name against the mechanisms Cyrus SASL offers.
        opts.public_name = d === 'cyrus_sasl' ? (variant === 0 ? 'PLAIN' : 'LOGIN') : `${prefix.toUpperCase()}${d.toUpperCase()}`;
      }
      if (probe?.section === k.section && probe.driver === d) opts[probe.name] = probe.value;
      set[k.section][d] = new Set(['driver', ...Object.keys(opts)]);
      lines.push(`${inst}:`, `  driver = ${d}`);
      for (const [o, v] of Object.entries(opts)) lines.push(`  ${o} = ${v}`);
    }
  }
  return { text: lines.join('\n') + '\n', set, instances };
}

/**
 * Writes a config and reads the -bP output of `sections` ('main' and/or driver sections)
 * from it. Returns null when exim rejects the config and `mayFail` is set.
 */
function loadConfig(exim, drivers, dir, variant, { probe, sections = ['main', ...KINDS.map((k) => k.section)], mayFail = false } = {}) {
  const cfg = buildConfig(drivers, variant, probe);
  const file = join(dir, probe ? 'probe.conf' : `variant${variant}.conf`);
  writeFileSync(file, cfg.text);
  const check = runExim(exim, ['-C', file, '-bP', 'exim_version'], { allowFail: true });
  if (check.status !== 0) {
    if (mayFail) return null;
    const msg = (check.stderr || check.stdout).trim();
    const hint = /Cyrus SASL/.test(msg) ? '\n(cyrus_sasl needs the Cyrus SASL PLAIN and LOGIN mechanisms: apt-get install libsasl2-modules)' : '';
    fail(`exim rejected the generated config ${file}:\n${msg}${hint}`);
  }
  const result = { set: cfg.set, file };
  if (sections.includes('main')) result.main = parseBP(runExim(exim, ['-C', file, '-bP']).stdout, 'main');
  for (const k of KINDS) {
    if (!sections.includes(k.section)) continue;
    result[k.section] = {};
    for (const d of drivers[k.section]) {
      if (probe && probe.driver !== d) continue;
      const out = runExim(exim, ['-C', file, '-bP', k.bp, cfg.instances[k.section][d]]).stdout;
      result[k.section][d] = parseBP(out, `${k.bp} ${d}`);
    }
  }
  return result;
}

/**
 * Options the manual does not describe are often old names kept as synonyms (e.g.
 * daemon_smtp_port for daemon_smtp_ports): setting one changes the other in -bP.
 * Returns the documented option that changed, or undefined.
 */
function findAlias(exim, drivers, dir, base, { section, driver, name, sample, documented }) {
  let value = 'gen-options-probe';
  const t = inferType(sample);
  if (t === 'boolean') value = sample?.value ? 'false' : 'true';
  else if (t === 'integer') value = '4321';
  else if (t === 'time') value = '4321s';
  else if (t === 'fixed-point') value = '4.321';
  const probe = { section, driver, name, value };
  const res = loadConfig(exim, drivers, dir, 0, { probe, sections: [section], mayFail: true });
  if (!res) return undefined;
  const before = section === 'main' ? base.main : base[section][driver];
  const after = section === 'main' ? res.main : res[section][driver];
  const changed = [...after.keys()].filter((n) => n !== name && !n.startsWith('*') && !sameValue(before.get(n), after.get(n)));
  return changed.length === 1 && documented(changed[0]) ? changed[0] : undefined;
}

// ---------------------------------------------------------------------------------------
// The manual

const TYPE_TYPOS = { bool: 'boolean' };
/**
 * Types the binary reads differently from the manual's table, measured with Exim 4.96:
 * "sqlite_lock_timeout = 5s" gives "extra characters follow integer value".
 */
const MEASURED_TYPES = { sqlite_lock_timeout: 'integer' };
/**
 * Options the binary expands although the manual's table has no dagger, measured with Exim
 * 4.96: a redirect router's "owners = $nosuchvar" stops exim -bV with "failed to expand
 * owners: unknown variable name", and "owners = ${if true{root}}" is accepted.
 */
const MEASURED_EXPANDED = new Set(['owners', 'owngroups']);
const TYPE_WORD = /^(bool|boolean|integer|fixed-point|octal integer|time|time list|string|uid|gid|rewrite rules|([a-z -]* )?list(, .*)?)$/;

function decodeEntities(s) {
  return s
    .replace(/&#x([0-9a-f]+);/gi, (_, h) => String.fromCodePoint(parseInt(h, 16)))
    .replace(/&#(\d+);/g, (_, d) => String.fromCodePoint(Number(d)))
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&nbsp;/g, ' ')
    .replace(/&amp;/g, '&');
}

function cell(html) {
  const text = decodeEntities(html.replace(/<[^>]*>/g, ''))
    .replace(/[†‡]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
  // The HTML marks "expanded" with a dagger (the text manual's `*`); the double dagger
  // marks router preconditions.
  return { text, dagger: html.includes('†') };
}

/**
 * Returns Map "use/name" -> { type, expanded, default } from the option tables. `use` is
 * the manual's "Use:" word: main, routers, transports, authenticators, or a driver name.
 */
function readManual(dir) {
  const entries = new Map();
  const files = readdirSync(dir).filter((f) => /^ch-.*\.html$/.test(f)).sort();
  const re = /<td><span class="docbook_option">([^<]+)<\/span><\/td>\s*<td>Use:(.*?)<\/td>\s*<td>Type:(.*?)<\/td>\s*<td>Default:(.*?)<\/td>/gs;
  for (const f of files) {
    const html = readFileSync(join(dir, f), 'utf8');
    const rows = [];
    for (const m of html.matchAll(re)) rows.push({ name: decodeEntities(m[1]).trim(), use: cell(m[2]), type: cell(m[3]), def: cell(m[4]) });
    if (rows.length === 0) continue;
    const useCounts = new Map();
    for (const r of rows) if (!TYPE_WORD.test(r.use.text)) useCounts.set(r.use.text, (useCounts.get(r.use.text) ?? 0) + 1);
    const chapterUse = [...useCounts.entries()].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]?.[0];
    for (const r of rows) {
      let { use, type, def } = r;
      if (TYPE_WORD.test(use.text) && !TYPE_WORD.test(type.text)) {
        // A row whose cells slipped one column left (4.96: dnslookup's ipv4_only and
        // ipv4_prefer read "Use: string†  Type: unset  Default:"): realign, taking the
        // "Use" from the rest of the chapter.
        def = type;
        type = use;
        use = { text: chapterUse, dagger: false };
      }
      // A dagger in the Use cell belongs to the type (4.96: appendfile's
      // maildir_use_size_file, an expanded boolean).
      const expanded = type.dagger || use.dagger;
      // Typos in the tables (4.96: message_body_newlines says "bool").
      if (TYPE_TYPOS[type.text]) type = { ...type, text: TYPE_TYPOS[type.text] };
      const dflt = def.text.replace(/^unset\.$/, 'unset');
      const key = `${use.text}/${r.name}`;
      const entry = { type: type.text, expanded, default: dflt === '' ? undefined : dflt, file: f };
      const prev = entries.get(key);
      // Some options have a row both in a driver chapter and in a chapter about the
      // feature (4.96: the smtp transport's dkim_* options). The feature chapter is the
      // detailed one (dkim_selector is a list, dkim_timestamps an integer there), so it wins.
      if (!prev || (/^ch-the_/.test(prev.file) && !/^ch-the_/.test(f))) entries.set(key, entry);
    }
  }
  return entries;
}

function manualVersion(dir) {
  try {
    return /Revision (\d+\.\d+)/.exec(readFileSync(join(dir, 'index.html'), 'utf8'))?.[1];
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------
// Types and defaults

function inferType(v) {
  if (!v) return 'string';
  if (v.bool) return 'boolean';
  const raw = v.raw;
  if (/^(\d+[wdhms])+$/.test(raw)) return 'time';
  if (/^-?\d+\.\d+$/.test(raw)) return 'fixed-point';
  if (/^-?(0x)?\d+[KMG]?$/.test(raw)) return 'integer';
  return 'string';
}

function binaryDefault(v) {
  if (v.bool) return v.value ? 'true' : 'false';
  return v.raw === '' ? 'unset' : v.raw;
}

function sameValue(a, b) {
  if (!a || !b) return a === b;
  return a.bool === b.bool && a.value === b.value && a.raw === b.raw;
}

/**
 * One option. `samples` are its -bP values, one per config variant and driver instance
 * that did not set it (v is null when -bP did not print it: hidden options).
 */
function describe({ name, manualEntry, samples, note, resolveAlias }) {
  const info = {};
  const printed = samples.map((s) => s.v).filter((v) => v);
  const alias = manualEntry ? undefined : resolveAlias(printed[0]);
  if (manualEntry) {
    info.type = MEASURED_TYPES[name] ?? manualEntry.type;
    info.expanded = manualEntry.expanded || MEASURED_EXPANDED.has(name);
    if (MEASURED_TYPES[name]) note(`the manual says ${manualEntry.type}; Exim reads ${info.type}`);
    if (MEASURED_EXPANDED.has(name) && !manualEntry.expanded) note('the manual does not mark it expanded; Exim expands it');
  } else if (alias) {
    // A synonym: the documented option's type.
    info.type = alias.entry.type;
    info.expanded = alias.entry.expanded;
    info.typeSource = 'inferred';
    info.aliasOf = alias.name;
    note(`not in the manual, a synonym of ${alias.name}`);
  } else {
    info.type = inferType(printed[0]);
    info.expanded = false;
    info.typeSource = 'inferred';
    note(`not in the manual, type inferred as ${info.type}`);
  }
  let dflt;
  if (printed.length === 0) {
    note(samples.length === 0 ? 'set in every instance; default from the manual' : 'hidden from -bP; default from the manual');
  } else if (printed.length < samples.length) {
    note('printed for some instances only; default from the manual');
  } else {
    const envDependent = samples.some((a) => samples.some((b) => a.driver === b.driver && !sameValue(a.v, b.v)));
    const driverDependent = !samples.every((s) => sameValue(s.v, samples[0].v));
    // Follows the host name or the config's own names, or (generic options such as
    // log_as_local) differs between drivers: no single built-in value to report.
    if (envDependent) note('-bP value follows the config or the machine; default from the manual');
    else if (driverDependent) note('default differs between drivers; default from the manual');
    else dflt = binaryDefault(samples[0].v);
  }
  if (dflt === undefined && manualEntry?.default !== undefined) dflt = manualEntry.default;
  if (dflt !== undefined) info.default = dflt;
  return info;
}

// ---------------------------------------------------------------------------------------

function sortKeys(value) {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    const out = {};
    for (const k of Object.keys(value).sort()) if (value[k] !== undefined) out[k] = sortKeys(value[k]);
    return out;
  }
  return value;
}

function main() {
  const opts = parseArgs(process.argv.slice(2));
  const exim = findExim(opts.exim);
  const manualDir = findManual(opts.manual);
  const versionOut = runExim(exim, ['-bV'], { allowFail: true }).stdout;
  const eximVersion = /Exim version (\S+)/.exec(versionOut)?.[1];
  if (!eximVersion) fail(`cannot read the version from \`${exim} -bV\``);

  const manual = manualDir ? readManual(manualDir) : new Map();
  if (!manualDir) {
    console.warn('gen-options: WARNING: Exim manual not found (Debian: apt-get install exim4-doc-html); every type is inferred from -bP output');
  } else if (manual.size === 0) {
    console.warn(`gen-options: WARNING: no option tables found in ${manualDir}; every type is inferred from -bP output`);
  } else {
    const mv = manualVersion(manualDir);
    if (mv && mv !== eximVersion) console.warn(`gen-options: WARNING: manual is for Exim ${mv}, binary is ${eximVersion}`);
  }

  const dir = mkdtempSync(join(tmpdir(), 'gen-options-'));
  try {
    const emptyConf = join(dir, 'empty.conf');
    writeFileSync(emptyConf, '');
    const macros = readMacros(exim, emptyConf);
    const drivers = driversFromMacros(macros);
    const names = optionNamesFromMacros(macros, drivers);
    const variants = [0, 1].map((v) => loadConfig(exim, drivers, dir, v));
    const issues = [];
    const aliasResolver = (section, driver, name, documented) => (sample) => {
      if (manual.size === 0) return undefined; // nothing documented to be a synonym of
      const target = findAlias(exim, drivers, dir, variants[0], { section, driver, name, sample, documented: (n) => !!documented(n) });
      return target ? { name: target, entry: documented(target) } : undefined;
    };

    // Main section. Hidden options (old names kept as synonyms) are valid in a config but
    // not listed by a plain -bP; ask for them by name.
    const main = {};
    for (const name of [...names.main].sort()) {
      const samples = [];
      variants.forEach((v, i) => {
        if (v.set.main.has(name)) return;
        let value = v.main.get(name) ?? null;
        if (!value) {
          const r = runExim(exim, ['-C', v.file, '-bP', name], { allowFail: true });
          if (r.status === 0) value = parseBP(r.stdout, name).get(name) ?? null;
        }
        samples.push({ driver: '', variant: i, v: value });
      });
      const note = (msg) => issues.push(`main ${name}: ${msg}`);
      const resolveAlias = aliasResolver('main', undefined, name, (n) => manual.get(`main/${n}`));
      main[name] = describe({ name, manualEntry: manual.get(`main/${name}`), samples, note, resolveAlias });
    }
    for (const v of variants) for (const n of v.main.keys()) if (!n.startsWith('*') && !names.main.has(n)) fail(`-bP prints main option ${n} that no _OPT_MAIN_ macro names`);

    const out = { eximVersion, generatedBy: 'npm run gen:options', main };
    for (const k of KINDS) {
      const sec = k.section;
      const generic = {};
      for (const name of [...names[sec].generic].sort()) {
        const samples = [];
        variants.forEach((v, i) => {
          for (const d of drivers[sec]) if (!v.set[sec][d].has(name)) samples.push({ driver: d, variant: i, v: v[sec][d].get(name) ?? null });
        });
        const note = (msg) => issues.push(`${sec} generic ${name}: ${msg}`);
        const resolveAlias = aliasResolver(sec, drivers[sec][0], name, (n) => manual.get(`${sec}/${n}`));
        generic[name] = describe({ name, manualEntry: manual.get(`${sec}/${name}`), samples, note, resolveAlias });
      }
      out[sec] = { generic };
      const drv = {};
      for (const d of drivers[sec]) {
        const priv = {};
        for (const name of [...names[sec].drivers[d]].sort()) {
          if (name.startsWith('*')) continue;
          const samples = [];
          variants.forEach((v, i) => {
            if (!v.set[sec][d].has(name)) samples.push({ driver: d, variant: i, v: v[sec][d].get(name) ?? null });
          });
          const note = (msg) => issues.push(`${sec} ${d} ${name}: ${msg}`);
          const resolveAlias = aliasResolver(sec, d, name, (n) => manual.get(`${d}/${n}`));
          priv[name] = describe({ name, manualEntry: manual.get(`${d}/${name}`), samples, note, resolveAlias });
        }
        for (const v of variants) {
          for (const n of v[sec][d].keys()) {
            if (!n.startsWith('*') && !names[sec].generic.has(n) && !names[sec].drivers[d].has(n)) fail(`-bP ${k.bp} prints ${d} option ${n} that no _OPT_ macro names`);
          }
        }
        drv[d] = priv;
      }
      out[sec].drivers = drv;
    }
    out.builtinMacros = macros;
    out.builtinMacroValues = Object.fromEntries(Object.entries(macroValues).sort(([a], [b]) => (a < b ? -1 : 1)));
    // `begin local_scan` needs an Exim built with LOCAL_SCAN_HAS_OPTIONS; others refuse it.
    const localScanConf = join(dir, 'local-scan.conf');
    writeFileSync(localScanConf, 'begin local_scan\n');
    out.localScanOptions = runExim(exim, ['-C', localScanConf, '-bV'], { allowFail: true }).status === 0;

    // Names the manual documents that this binary lacks (drivers or features not built in).
    if (opts.verbose) {
      const known = new Set(Object.keys(main).map((n) => `main/${n}`));
      for (const k of KINDS) {
        for (const n of Object.keys(out[k.section].generic)) known.add(`${k.section}/${n}`);
        for (const [d, o] of Object.entries(out[k.section].drivers)) for (const n of Object.keys(o)) known.add(`${d}/${n}`);
      }
      for (const key of [...manual.keys()].sort()) if (!known.has(key)) issues.push(`manual ${key}: not in this binary`);
      for (const i of issues) console.warn(`gen-options: ${i}`);
    }

    mkdirSync(dirname(opts.out), { recursive: true });
    writeFileSync(opts.out, JSON.stringify(sortKeys(out), null, 2) + '\n');
    const count = (o) => Object.keys(o).length;
    const summary = [`main ${count(main)}`];
    for (const k of KINDS) {
      summary.push(
        `${k.section} generic ${count(out[k.section].generic)} + ` +
          Object.entries(out[k.section].drivers).map(([d, o]) => `${d} ${count(o)}`).join(', '),
      );
    }
    console.log(`gen-options: Exim ${eximVersion}, wrote ${opts.out}\n  ${summary.join('\n  ')}\n  ${macros.length} built-in macros`);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

try {
  main();
} catch (e) {
  if (!(e instanceof GenError)) throw e;
  console.error(`gen-options: ${e.message}`);
  process.exitCode = 1;
}
