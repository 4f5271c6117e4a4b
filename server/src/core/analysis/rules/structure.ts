/** Options, drivers and names as Exim's configuration reader checks them. */
import { findOptionAnywhere, isKnownDriver, knownDrivers, optionsFor } from '../../options';
import { DriverNode, DriverSectionKind, OptionNode } from '../../syntax/tree';
import { suggest } from '../../util/suggest';
import { ResolvedOption, optionSectionOf } from '../model';
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
    for (const section of ctx.tree.sections) {
      const kind = optionSectionOf(section.kind);
      if (!kind || section.begin?.name && kind === 'main' && section.begin) continue;
      for (const item of section.items) {
        if (item.kind === 'option' && kind === 'main') checkOption(ctx, item, ctx.model.resolve(item, 'main'), 'main', undefined);
        if (item.kind === 'driver') {
          const driver = item;
          let driverSeen = false;
          for (const option of driver.options) {
            if (option === driver.driverOption) driverSeen = true;
            const r = ctx.model.resolve(option, driver.section, driverSeen ? driver.driverName : undefined);
            if (!r.info && !driverSeen && driver.driverName) {
              const late = ctx.model.resolve(option, driver.section, driver.driverName);
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
      }
    }
  },
};

function checkOption(ctx: RuleContext, option: OptionNode, r: ResolvedOption, section: 'main' | DriverSectionKind, driver: DriverNode | undefined): void {
  if (r.info) {
    if (r.negated && r.info.type !== 'boolean') {
      ctx.report({ message: `negation prefix applied to the non-boolean option "${r.name}"`, loc: option.wordLoc, active: option.active });
    }
    return;
  }
  const names = optionsFor(section, driver?.driverName).map((o) => o.name);
  const suggestions = suggest(option.word, names);
  const what = section === 'main' ? `main option "${option.word}" unknown` : `option "${option.word}" unknown in ${CLASS[section]} "${driver?.name}"`;
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
    for (const section of ctx.tree.sections) {
      if (section.kind !== 'routers' && section.kind !== 'transports' && section.kind !== 'authenticators') continue;
      const kind = section.kind;
      for (const item of section.items) {
        if (item.kind !== 'driver') continue;
        if (!item.driverOption) {
          // Exim reads inactive branches not at all, so only an active instance must have one.
          const hasInactiveDriver = item.options.some((o) => o.word === 'driver');
          if (!hasInactiveDriver || item.active) {
            ctx.report({ message: `no driver defined for ${CLASS[kind]} "${item.name}"`, loc: item.nameLoc, active: item.active });
          }
          continue;
        }
        const name = item.driverName ?? '';
        if (!isKnownDriver(kind, name)) {
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
      }
    }
  },
};

const duplicateName: Rule = {
  id: 'duplicate-name',
  defaultSeverity: 'error',
  title: 'two routers, transports, authenticators or ACLs with one name',
  check(ctx) {
    const seen = new Map<string, { loc: import('../../syntax/source').Location }>();
    for (const section of ctx.tree.sections) {
      for (const item of section.items) {
        if ((item.kind !== 'driver' && item.kind !== 'acl') || !item.active) continue;
        const cls = item.kind === 'acl' ? 'ACL' : CLASS[item.section];
        const key = `${cls}:${item.name}`;
        const first = seen.get(key);
        if (first) {
          ctx.report({
            message: `there are two ${cls === 'ACL' ? 'ACLs' : cls + 's'} called "${item.name}"`,
            loc: item.nameLoc,
            related: [{ loc: first.loc, message: 'first defined here' }],
          });
        } else seen.set(key, { loc: item.nameLoc });
      }
    }
  },
};

/**
 * Options Exim lets a driver set more than once (measured with 4.96): the values of a
 * router's `condition` are all required; `headers_add`, `headers_remove` and a router's
 * `set` accumulate.
 */
const REPEATABLE: Record<DriverSectionKind, ReadonlySet<string>> = {
  routers: new Set(['condition', 'headers_add', 'headers_remove', 'set']),
  transports: new Set(['headers_add', 'headers_remove']),
  authenticators: new Set(),
};

const optionRepeated: Rule = {
  id: 'option-repeated',
  defaultSeverity: 'error',
  title: 'option set twice in one driver or in the main section',
  check(ctx) {
    const check = (options: OptionNode[], section: 'main' | DriverSectionKind, driver?: DriverNode) => {
      const seen = new Map<string, OptionNode>();
      for (const o of options) {
        if (!o.active) continue;
        const r = ctx.model.resolve(o, section, driver?.driverName);
        if (!r.info || (section !== 'main' && REPEATABLE[section].has(r.name))) continue;
        const first = seen.get(r.name);
        if (first) {
          ctx.report({
            message: `"${r.name}" option set for the second time`,
            loc: o.wordLoc,
            related: [{ loc: first.wordLoc, message: 'first set here' }],
          });
        } else seen.set(r.name, o);
      }
    };
    for (const section of ctx.tree.sections) {
      if (section.kind === 'main') check(section.items.filter((i): i is OptionNode => i.kind === 'option'), 'main');
      for (const item of section.items) if (item.kind === 'driver') check(item.options, item.section, item);
    }
  },
};

export const structureRules: Rule[] = [unknownOption, unknownDriver, duplicateName, optionRepeated];
