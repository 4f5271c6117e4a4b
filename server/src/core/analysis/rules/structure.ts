/** Options, drivers and names as Exim's configuration reader checks them. */
import { LOCAL_SCAN_OPTIONS, findOptionAnywhere, isKnownDriver, knownDrivers, optionsFor } from '../../options';
import { DriverNode, DriverSectionKind, OptionNode, mainOptions } from '../../syntax/tree';
import { suggest } from '../../util/suggest';
import { stringSetting } from '../../util/stringSetting';
import { ResolvedOption } from '../model';
import { Fix, Rule, RuleContext } from '../types';

const CLASS: Record<DriverSectionKind, string> = { routers: 'router', transports: 'transport', authenticators: 'authenticator' };

function renameFix(option: OptionNode, name: string): Fix {
  return { title: `Change to "${name}"`, edits: [{ file: option.wordLoc.file, range: option.wordLoc.range, newText: name }], isPreferred: true };
}

function whereElse(name: string): string {
  const places = findOptionAnywhere(name);
  if (places.length === 0) return '';
  const p = places[0];
  if (p.section === 'main') return ` (it is a main-section option)`;
  const cls = CLASS[p.section as DriverSectionKind];
  return p.scope === 'private' ? ` (it is an option of the ${p.driver} ${cls} driver)` : ` (it is a generic ${cls} option)`;
}

const unknownOption: Rule = {
  id: 'unknown-option',
  defaultSeverity: 'error',
  title: 'option name that Exim does not know in this place',
  check(ctx: RuleContext) {
    for (const option of mainOptions(ctx.tree)) checkOption(ctx, option, ctx.model.resolve(option, 'main'), 'main', undefined);
    const { drivers, resolved, unusual } = ctx.model.optionTable();
    if (unusual === 0) return;
    for (let k = 0; k < drivers.length; k++) {
      const rs = resolved[k];
      let j = 0;
      while (j < rs.length && rs[j].info !== undefined && !rs[j].negated) j++;
      if (j < rs.length) unknownInDriver(ctx, drivers[k], rs);
    }
  },
};

function unknownInDriver(ctx: RuleContext, driver: DriverNode, resolved: readonly ResolvedOption[]): void {
  let driverSeen = false;
  for (let i = 0; i < driver.options.length; i++) {
    const option = driver.options[i];
    if (option === driver.driverOption) driverSeen = true;
    const r = resolved[i];
    if (r.info && !r.negated) continue;
    if (!r.info && !driverSeen && driver.driverName) {
      const late = ctx.model.resolveAfterDriver(option, driver.section, driver.driverName);
      if (late.info) {
        ctx.report({
          message: `option "${option.word}" unknown ("driver" must be specified before any private options)`,
          loc: option.wordLoc,
          active: option.active,
          data: { reason: 'private-before-driver' },
        });
        continue;
      }
    }
    checkOption(ctx, option, r, driver.section, driver);
  }
}

function checkOption(ctx: RuleContext, option: OptionNode, r: ResolvedOption, section: 'main' | DriverSectionKind, driver: DriverNode | undefined): void {
  if (r.info) {
    if (r.negated && r.info.type !== 'boolean') {
      ctx.report({ message: `negation prefix applied to a non-boolean option: "${r.name}" takes a value, not no_ or not_`, loc: option.wordLoc, active: option.active });
    }
    return;
  }
  const names = optionsFor(section, driver?.driverName).map((o) => o.name);
  const suggestions = suggest(option.word, names);
  // Exim reads an option name into 64 bytes: a main option is named by its first 63
  // characters, a driver option longer than that stops it before the lookup.
  const tooLong = section === 'main' ? undefined : itemNameTooLong(option.word);
  if (tooLong) {
    ctx.report({ message: tooLong, loc: option.wordLoc, active: option.active });
    return;
  }
  const what = section === 'main' ? `main option "${option.word.slice(0, MAX_NAME)}" unknown` : `option "${option.word}" unknown in ${CLASS[section]} "${driver?.name}"`;
  const hint = whereElse(option.word.replace(/^not?_/, ''));
  const dym = suggestions.length ? `; did you mean ${suggestions.map((s) => `"${s}"`).join(' or ')}?` : '';
  ctx.report({
    message: `${what}${hint}${dym}`,
    loc: option.wordLoc,
    active: option.active,
    data: { suggestions },
    fixes: suggestions.map((s) => renameFix(option, s)),
  });
}

const unknownDriver: Rule = {
  id: 'unknown-driver',
  defaultSeverity: 'error',
  title: 'driver instance with a missing or unknown driver',
  check(ctx) {
    const { drivers } = ctx.model.optionTable();
    // The driver name last found known needs no second look.
    let known = '';
    let knownIn = '';
    for (let k = 0; k < drivers.length; k++) {
      const item = drivers[k];
      if (!item.driverOption) checkDriver(ctx, item);
      else if (item.driverName !== known || item.section !== knownIn) {
        if (!isKnownDriver(item.section, item.driverName ?? '')) checkDriver(ctx, item);
        else {
          known = item.driverName!;
          knownIn = item.section;
        }
      }
    }
  },
};

function checkDriver(ctx: RuleContext, item: DriverNode): void {
  const kind = item.section;
  if (!item.driverOption) {
    // Exim reads inactive branches not at all, so only an active instance must have one.
    const hasInactiveDriver = item.options.some((o) => o.word === 'driver');
    if (!hasInactiveDriver || item.active) {
      ctx.report({ message: `no driver defined for ${CLASS[kind]} "${item.name}"`, loc: item.nameLoc, active: item.active });
    }
    return;
  }
  const name = item.driverName ?? '';
  const suggestions = suggest(name, knownDrivers(kind));
  const loc = item.driverOption.valueLoc ?? item.driverOption.wordLoc;
  ctx.report({
    message: `${CLASS[kind]} ${item.name}: cannot find ${CLASS[kind]} driver "${name}"${suggestions.length ? `; did you mean "${suggestions[0]}"?` : ''}`,
    loc,
    active: item.active,
    data: { suggestions },
    fixes: suggestions.map((s) => ({ title: `Change to "${s}"`, edits: [{ file: loc.file, range: loc.range, newText: s }], isPreferred: true })),
  });
}

/**
 * The option that makes an authenticator of each driver a server, for the public-name check
 * (measured with Exim 4.96: any value, even an empty one, counts; the generic
 * server_condition only for plaintext and external). A tls authenticator never took part;
 * a cyrus_sasl one is always a server.
 */
const SERVER_OPTION: Record<string, string> = {
  plaintext: 'server_condition',
  external: 'server_condition',
  cram_md5: 'server_secret',
  spa: 'server_password',
  dovecot: 'server_socket',
};

/** The option that makes an authenticator a client (cram_md5's client_name alone does not). */
const CLIENT_OPTION: Record<string, string> = {
  plaintext: 'client_send',
  external: 'client_send',
  cram_md5: 'client_secret',
  spa: 'client_username',
};

/**
 * Exim refuses two client, or two server, authenticators with one public name, compared
 * without regard to case; an authenticator without public_name goes by its own name ("two
 * server authenticators (a and b) have the same public name (X)"). A pair that is both is
 * named "client", as Exim does. A cram_md5 or cyrus_sasl without public_name is refused on its own
 * (driver-requirements) and left out here.
 */
function duplicatePublicNames(ctx: RuleContext): void {
  const first = { client: new Map<string, { auth: DriverNode; publicName: string }>(), server: new Map<string, { auth: DriverNode; publicName: string }>() };
  for (const auth of ctx.model.activeDrivers('authenticators')) {
    const driver = auth.driverName ?? '';
    const set = ctx.model.optionNode(auth, 'public_name');
    if (!set && (driver === 'cram_md5' || driver === 'cyrus_sasl')) continue;
    const roles = (['client', 'server'] as const).filter((role) => {
      if (driver === 'cyrus_sasl') return role === 'server';
      const option = (role === 'client' ? CLIENT_OPTION : SERVER_OPTION)[driver];
      return option !== undefined && ctx.model.optionNode(auth, option) !== undefined;
    });
    if (roles.length === 0) continue;
    const publicName = set ? stringSetting(set.value) : auth.name;
    const key = publicName.toLowerCase();
    const clash = roles.find((role) => first[role].has(key));
    for (const role of roles) if (!first[role].has(key)) first[role].set(key, { auth, publicName });
    if (!clash) continue;
    const earlier = first[clash].get(key)!;
    ctx.report({
      message: `two ${clash} authenticators (${earlier.auth.name} and ${auth.name}) have the same public name (${earlier.publicName})${set ? '' : `: "${auth.name}" has no public_name, so its name is its public name`}; Exim refuses the configuration`,
      loc: set ? (set.valueLoc ?? set.wordLoc) : auth.nameLoc,
      related: [{ loc: earlier.auth.nameLoc, message: `"${earlier.auth.name}" is the first ${clash} authenticator with this public name` }],
    });
  }
}

const duplicateName: Rule = {
  id: 'duplicate-name',
  defaultSeverity: 'error',
  title: 'two routers, transports, authenticators or ACLs with one name, or two client or two server authenticators with one public name',
  check(ctx) {
    duplicatePublicNames(ctx);
    const model = ctx.model;
    const sections = ctx.tree.sections;
    for (let i = 0; i < sections.length; i++) {
      const kind = sections[i].kind;
      if (kind !== 'acl' && kind !== 'routers' && kind !== 'transports' && kind !== 'authenticators') continue;
      if (!model.hasDuplicateNames(kind)) continue;
      const items = sections[i].items;
      for (let j = 0; j < items.length; j++) {
        const item = items[j];
        if ((item.kind !== 'driver' && item.kind !== 'acl') || !item.active) continue;
        // The model keeps the first active one of each name.
        const first = item.kind === 'acl' ? model.acls().get(item.name) : model.drivers(item.section).get(item.name);
        if (first === undefined || first === item) continue;
        const cls = item.kind === 'acl' ? 'ACL' : CLASS[item.section];
        ctx.report({
          message: `there are two ${cls === 'ACL' ? 'ACLs' : cls + 's'} called "${item.name}"`,
          loc: item.nameLoc,
          related: [{ loc: first.nameLoc, message: 'first defined here' }],
        });
      }
    }
  },
};

/**
 * Exim keeps driver and ACL names in 64-byte buffers and macro names in 64 characters
 * (measured with 4.96): 63 characters are the most, and a longer name stops `exim -bV` on
 * its line. In an .ifdef branch that Exim skips it is only a warning: it breaks once the
 * branch is taken.
 */
const MAX_NAME = 63;

/** Exim's refusal of a name read into its 64-byte buffer (driver, ACL, verb, condition, driver option), or undefined. */
export function itemNameTooLong(name: string): string | undefined {
  return name.length > MAX_NAME ? `exim item name too long (>64), unable to use "${name.slice(0, MAX_NAME)}" (truncated)` : undefined;
}
const nameTooLong: Rule = {
  id: 'name-too-long',
  defaultSeverity: 'error',
  title: 'router, transport, authenticator, ACL or macro name longer than 63 characters',
  check(ctx) {
    for (const section of ctx.tree.sections) {
      for (const item of section.items) {
        if ((item.kind !== 'driver' && item.kind !== 'acl') || item.name.length <= MAX_NAME) continue;
        ctx.report({ message: itemNameTooLong(item.name)!, loc: item.nameLoc, active: item.active });
      }
    }
    for (const m of ctx.tree.macros) {
      if (m.name.length > MAX_NAME) ctx.report({ message: `macro name too long (maximum is ${MAX_NAME} characters)`, loc: m.nameLoc, active: m.active });
    }
  },
};

/**
 * Options Exim lets a driver set more than once (measured with 4.96): the values of a
 * router's `condition` are all required; `headers_add`, `headers_remove` and a router's
 * `set` accumulate.
 */
export const REPEATABLE: Record<DriverSectionKind, ReadonlySet<string>> = {
  routers: new Set(['condition', 'headers_add', 'headers_remove', 'set']),
  transports: new Set(['headers_add', 'headers_remove']),
  authenticators: new Set(),
};

/** Above this many options, a map finds the first setting of a name. */
const SMALL = 32;

function reportRepeat(ctx: RuleContext, name: string, o: OptionNode, first: OptionNode): void {
  // Exim names the second setting as written: "no_use_shell" option set for the second time.
  const written = o.word === `no_${name}` || o.word === `not_${name}` ? o.word : name;
  ctx.report({
    message: `"${written}" option set for the second time`,
    loc: o.wordLoc,
    related: [{ loc: first.wordLoc, message: 'first set here' }],
  });
}

function repeatedInDriver(ctx: RuleContext, driver: DriverNode, resolved: readonly ResolvedOption[]): void {
  const options = driver.options;
  const repeatable = REPEATABLE[driver.section];
  if (options.length > SMALL) {
    const seen = new Map<string, OptionNode>();
    for (let j = 0; j < options.length; j++) {
      const r = resolved[j];
      const o = options[j];
      if (!r.info || !o.active || repeatable.has(r.name)) continue;
      const first = seen.get(r.name);
      if (first) reportRepeat(ctx, r.name, o, first);
      else seen.set(r.name, o);
    }
    return;
  }
  for (let j = 1; j < options.length; j++) {
    const r = resolved[j];
    if (!r.info) continue;
    let i = 0;
    while (i < j && resolved[i].name !== r.name) i++;
    if (i === j || !options[j].active || repeatable.has(r.name)) continue;
    // Exim complains at this setting; the first active one of the name is the one it repeats.
    for (; i < j; i++) {
      if (resolved[i].name === r.name && resolved[i].info && options[i].active) {
        reportRepeat(ctx, r.name, options[j], options[i]);
        break;
      }
    }
  }
}

const optionRepeated: Rule = {
  id: 'option-repeated',
  defaultSeverity: 'error',
  title: 'option set twice in one driver or in the main section',
  check(ctx) {
    const sections = ctx.tree.sections;
    for (let i = 0; i < sections.length; i++) {
      if (sections[i].kind !== 'main') continue;
      const seen = new Map<string, OptionNode>();
      const items = sections[i].items;
      for (let j = 0; j < items.length; j++) {
        const o = items[j];
        if (o.kind !== 'option' || !o.active) continue;
        const r = ctx.model.resolve(o, 'main');
        if (!r.info) continue;
        const first = seen.get(r.name);
        if (first) reportRepeat(ctx, r.name, o, first);
        else seen.set(r.name, o);
      }
    }
    const { drivers, resolved } = ctx.model.optionTable();
    for (let k = 0; k < drivers.length; k++) repeatedInDriver(ctx, drivers[k], resolved[k]);
  },
};

/**
 * `begin local_scan` needs an Exim built with LOCAL_SCAN_HAS_OPTIONS; Debian's exim4 4.96
 * refuses it with the message below.
 */
const localScanUnsupported: Rule = {
  id: 'local-scan-unsupported',
  defaultSeverity: 'error',
  title: 'begin local_scan in a configuration for an Exim built without local_scan options',
  check(ctx) {
    if (LOCAL_SCAN_OPTIONS) return;
    for (const section of ctx.tree.sections) {
      if (section.kind !== 'local_scan' || !section.begin) continue;
      ctx.report({
        message: 'local_scan() options not supported: (LOCAL_SCAN_HAS_OPTIONS not defined in Local/Makefile); the installed Exim refuses a local_scan section',
        loc: section.begin.nameLoc,
        active: section.active,
      });
    }
  },
};

export const structureRules: Rule[] = [unknownOption, unknownDriver, duplicateName, nameTooLong, optionRepeated, localScanUnsupported];
