// The generated option table against the project's copy of the measured reference facts
// (test/fixtures/reference/exim-4.96-options.json: names, types and defaults of Exim
// 4.96 as built by Debian 12's exim4-daemon-heavy, from -bP, _OPT_* macros and the manual).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import table from '../../server/src/core/data/exim-options.json';
import { repoRoot } from '../support/paths';

interface RefOption {
  type: string;
  default: string | null;
  in_binary: boolean;
  documented: boolean;
  bP_default?: string | boolean;
}
type RefSection = Record<string, RefOption>;
interface Reference {
  main: RefSection;
  routers: Record<string, RefSection>;
  transports: Record<string, RefSection>;
  authenticators: Record<string, RefSection>;
}

interface OurOption {
  type: string;
  expanded: boolean;
  default?: string;
  typeSource?: string;
}
type OurSection = Record<string, OurOption>;
interface OurDriverSection {
  generic: OurSection;
  drivers: Record<string, OurSection>;
}
const ours = table as unknown as {
  main: OurSection;
  routers: OurDriverSection;
  transports: OurDriverSection;
  authenticators: OurDriverSection;
};


const reference: Reference = JSON.parse(
  readFileSync(join(repoRoot(), 'test', 'fixtures', 'reference', 'exim-4.96-options.json'), 'utf8'),
);

/**
 * Known type disagreements, each checked to still hold (so a fixed one must be removed).
 * Both options are missing from the manual's option tables, so the generator infers their
 * types from -bP output, which cannot show whether a value is expanded.
 */
const TYPE_EXCEPTIONS: Record<string, { ours: string; reference: string; reason: string }> = {
  'main/sqlite_lock_timeout': {
    ours: 'integer',
    reference: 'time',
    // The reference follows the manual; the binary reads an integer: "sqlite_lock_timeout = 5s"
    // gives "extra characters follow integer value for sqlite_lock_timeout" (exim -bV).
    reason: 'read as an integer by 4.96 (checked against the binary)',
  },
  'main/sqlite_dbfile': {
    ours: 'string',
    reference: 'string*',
    // The reference is wrong here: with `sqlite_dbfile = ${if true{/tmp/x.db}}`,
    // `exim -d+lookup -be '${lookup sqlite{select 1}}'` logs "Using sqlite_dbfile:
    // ${if true{/tmp/x.db}}" and fails "absolute file name expected": not expanded.
    reason: 'not expanded in 4.96 (checked against the binary)',
  },
  'routers/redirect/owners': {
    ours: 'string list*',
    reference: 'string list',
    // The manual has no dagger; the binary expands it when it reads the configuration:
    // "owners = $nosuchvar" stops exim -bV with "failed to expand owners".
    reason: 'expanded by 4.96 (checked against the binary)',
  },
  'routers/redirect/owngroups': {
    ours: 'string list*',
    reference: 'string list',
    reason: 'expanded by 4.96, as owners (checked against the binary)',
  },
  'routers/redirect/sieve_enotify_mailto_owner': {
    ours: 'string',
    reference: 'string*',
    // The reference is right: sieve.c passes it through expand_string(). Our table marks
    // it typeSource "inferred"; -bP alone cannot reveal the expansion.
    reason: 'undocumented; expanded by the Sieve interpreter, which -bP cannot show',
  },
};

/** Trivial spelling differences only: surrounding and repeated white space. */
function normType(t: string): string {
  return t.trim().replace(/\s+/g, ' ');
}

// Manual "defaults" that describe the value in prose instead of giving one: any value of
// ours is compatible with them.
const PROSE_DEFAULT =
  /^(see below|see description|set at compile time|compile-time configured|current version|per RFC|the primary host name|Exim user|Exim group)$/i;

function seconds(t: string): number | undefined {
  const m = /^((\d+[wdhms])+)$/.exec(t);
  if (!m) return undefined;
  const unit: Record<string, number> = { w: 604800, d: 86400, h: 3600, m: 60, s: 1 };
  let total = 0;
  for (const part of t.matchAll(/(\d+)([wdhms])/g)) total += Number(part[1]) * unit[part[2]];
  return total;
}

/**
 * Normalises a default for comparison: "" and "unset" are the same (-bP prints unset
 * strings as empty); a trailing period is the manual's punctuation ("unset."); white
 * space around list colons is layout ("sha256 : sha512" in the manual, "sha256:sha512"
 * from -bP); times compare by length ("1w" from -bP is the manual's "7d").
 */
function normDefault(v: string | boolean | null | undefined): string | undefined {
  if (v === null || v === undefined) return undefined;
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  let s = v.trim().replace(/\.$/, '');
  if (s === '') s = 'unset';
  s = s.replace(/\s*:\s*/g, ':');
  const secs = seconds(s);
  return secs === undefined ? s : `${secs}s`;
}

type Verdict = 'same' | 'binary' | 'prose' | 'none';

/** ours vs the reference's manual default and -bP default. */
function compareDefault(our: string | undefined, ref: RefOption): Verdict | undefined {
  if (ref.default === null || ref.default === undefined) return 'none';
  const o = normDefault(our);
  if (o === normDefault(ref.default)) return 'same';
  // The installed binary wins where it differs from the manual (e.g. remote_max_parallel
  // 2, queue_fast_ramp false, no OpenSSL defaults in a GnuTLS build).
  if (ref.bP_default !== undefined && o === normDefault(ref.bP_default)) return 'binary';
  if (PROSE_DEFAULT.test(ref.default.trim())) return 'prose';
  return undefined;
}

interface Pair {
  key: string;
  ref: RefOption;
  our: OurOption | undefined;
}

function pairs(): { matched: Pair[]; absentDrivers: string[] } {
  const matched: Pair[] = [];
  const absentDrivers: string[] = [];
  for (const [name, ref] of Object.entries(reference.main)) {
    matched.push({ key: `main/${name}`, ref, our: ours.main[name] });
  }
  for (const section of ['routers', 'transports', 'authenticators'] as const) {
    for (const [group, opts] of Object.entries(reference[section])) {
      const entries = Object.entries(opts);
      if (group !== 'generic' && entries.length > 0 && entries.every(([, r]) => !r.in_binary)) {
        absentDrivers.push(`${section}/${group}`);
      }
      const our = group === 'generic' ? ours[section].generic : ours[section].drivers[group];
      for (const [name, ref] of entries) matched.push({ key: `${section}/${group}/${name}`, ref, our: our?.[name] });
    }
  }
  return { matched, absentDrivers };
}

test('the generated table agrees with the reference facts', () => {
  const { matched, absentDrivers } = pairs();
  const inBinary = matched.filter((p) => p.ref.in_binary);
  const problems: string[] = [];
  const counts = { same: 0, binary: 0, prose: 0, none: 0 };
  let typesEqual = 0;
  let typeExceptions = 0;

  for (const { key, ref, our } of inBinary) {
    if (!our) {
      problems.push(`${key}: missing (or in another section/driver)`);
      continue;
    }
    const ourType = normType(our.type) + (our.expanded ? '*' : '');
    const refType = normType(ref.type);
    const exception = TYPE_EXCEPTIONS[key];
    if (exception) {
      if (ourType !== exception.ours || refType !== exception.reference) {
        problems.push(`${key}: recorded exception no longer holds (ours ${ourType}, reference ${refType}); update TYPE_EXCEPTIONS`);
      } else typeExceptions++;
    } else if (ourType === refType) typesEqual++;
    else problems.push(`${key}: type ${ourType}, reference ${refType}`);

    const verdict = compareDefault(our.default, ref);
    if (verdict) counts[verdict]++;
    else problems.push(`${key}: default ${JSON.stringify(our.default)}, reference ${JSON.stringify(ref.default)} (-bP ${JSON.stringify(ref.bP_default)})`);
  }

  // Names the reference marks as not in this build must not be in ours either.
  for (const { key, ref, our } of matched) if (!ref.in_binary && our) problems.push(`${key}: in our table but not in the binary`);
  for (const d of absentDrivers) {
    const [section, driver] = d.split('/') as ['routers' | 'transports' | 'authenticators', string];
    if (ours[section].drivers[driver]) problems.push(`${d}: driver not in the binary but in our table`);
  }

  // And nothing of ours is unknown to the reference.
  const refKeys = new Set(inBinary.map((p) => p.key));
  const ourKeys = [
    ...Object.keys(ours.main).map((n) => `main/${n}`),
    ...(['routers', 'transports', 'authenticators'] as const).flatMap((s) => [
      ...Object.keys(ours[s].generic).map((n) => `${s}/generic/${n}`),
      ...Object.entries(ours[s].drivers).flatMap(([d, o]) => Object.keys(o).map((n) => `${s}/${d}/${n}`)),
    ]),
  ];
  for (const k of ourKeys) if (!refKeys.has(k)) problems.push(`${k}: not in the reference`);

  console.log(
    `options-reference: ${inBinary.length} reference options in the binary, ${ourKeys.length} in our table; ` +
      `types equal ${typesEqual}, recorded exceptions ${typeExceptions}; defaults equal ${counts.same}, ` +
      `= -bP where the manual differs ${counts.binary}, manual prose ${counts.prose}, none in reference ${counts.none}; ` +
      `problems ${problems.length}`,
  );
  assert.deepEqual(problems, []);
  assert.equal(typesEqual + typeExceptions, inBinary.length);
});
