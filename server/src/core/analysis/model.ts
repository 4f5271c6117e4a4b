/**
 * Meaning on top of the tree: option words resolved against Exim's option table,
 * drivers and ACLs by name, option values as Exim would take them.
 */
import { lookupOption, OptionInfo, OptionSectionKind } from '../options';
import { AclNode, ConfigTree, DriverNode, DriverSectionKind, OptionNode, SectionKind } from '../syntax/tree';

export interface ResolvedOption {
  /** The option's name without a `no_`/`not_` prefix. */
  name: string;
  /** Written as `no_x` or `not_x`. */
  negated: boolean;
  info?: OptionInfo;
}

/** Exim first looks the whole word up, and only then tries it as `no_`/`not_` + a boolean. */
export function resolveOptionWord(section: OptionSectionKind, word: string, driver?: string): ResolvedOption {
  const info = lookupOption(section, word, driver);
  if (info) return { name: word, negated: false, info };
  for (const prefix of ['no_', 'not_']) {
    if (word.startsWith(prefix)) {
      const base = word.slice(prefix.length);
      const baseInfo = lookupOption(section, base, driver);
      if (baseInfo) return { name: base, negated: true, info: baseInfo };
    }
  }
  return { name: word, negated: false };
}

export function optionSectionOf(kind: SectionKind): OptionSectionKind | undefined {
  if (kind === 'main' || kind === 'routers' || kind === 'transports' || kind === 'authenticators') return kind;
  return undefined;
}

/** Exim's words for true and false. */
export function parseBoolean(value: string): boolean | undefined {
  const v = value.trim().toLowerCase();
  if (v === 'true' || v === 'yes') return true;
  if (v === 'false' || v === 'no') return false;
  return undefined;
}

export class ConfigModel {
  private readonly driverMaps = new Map<DriverSectionKind, Map<string, DriverNode>>();
  private aclMap?: Map<string, AclNode>;
  private readonly resolved = new WeakMap<OptionNode, ResolvedOption>();

  constructor(readonly tree: ConfigTree) {}

  /** Active drivers of a section by name (the first of a name wins, as Exim refuses the second). */
  drivers(kind: DriverSectionKind): Map<string, DriverNode> {
    let map = this.driverMaps.get(kind);
    if (!map) {
      map = new Map();
      for (const s of this.tree.sections) {
        if (s.kind !== kind) continue;
        for (const item of s.items) if (item.kind === 'driver' && item.active && !map.has(item.name)) map.set(item.name, item);
      }
      this.driverMaps.set(kind, map);
    }
    return map;
  }

  acls(): Map<string, AclNode> {
    if (!this.aclMap) {
      this.aclMap = new Map();
      for (const s of this.tree.sections) {
        if (s.kind !== 'acl') continue;
        for (const item of s.items) if (item.kind === 'acl' && item.active && !this.aclMap.has(item.name)) this.aclMap.set(item.name, item);
      }
    }
    return this.aclMap;
  }

  resolve(option: OptionNode, section: OptionSectionKind, driver?: string): ResolvedOption {
    let r = this.resolved.get(option);
    if (!r) {
      r = resolveOptionWord(section, option.word, driver);
      this.resolved.set(option, r);
    }
    return r;
  }

  /** The active setting of a driver option (the last one, as Exim would have it if it allowed repeats). */
  driverOption(driver: DriverNode, name: string): { node: OptionNode; resolved: ResolvedOption } | undefined {
    let found: { node: OptionNode; resolved: ResolvedOption } | undefined;
    for (const o of driver.options) {
      if (!o.active) continue;
      const r = this.resolve(o, driver.section, driver.driverName);
      if (r.name === name) found = { node: o, resolved: r };
    }
    return found;
  }

  /**
   * A boolean option's effective value on a driver: explicit setting, or undefined when
   * left at its default.
   */
  booleanOption(driver: DriverNode, name: string): boolean | undefined {
    const set = this.driverOption(driver, name);
    if (!set) return undefined;
    if (set.resolved.negated) return false;
    if (!set.node.hasValue) return true;
    return parseBoolean(set.node.value);
  }

  private routerIndex?: { byTransport: Map<string, DriverNode[]>; expanded: { router: DriverNode; value: string }[] };

  /** Routers whose `transport =` names this transport (or mentions it inside an expansion). */
  routersUsing(transport: string): DriverNode[] {
    if (!this.routerIndex) {
      const byTransport = new Map<string, DriverNode[]>();
      const expanded: { router: DriverNode; value: string }[] = [];
      for (const router of this.drivers('routers').values()) {
        const t = this.driverOption(router, 'transport');
        if (!t) continue;
        const value = t.node.value.trim();
        if (value.includes('$')) expanded.push({ router, value });
        else byTransport.set(value, [...(byTransport.get(value) ?? []), router]);
      }
      this.routerIndex = { byTransport, expanded };
    }
    const out = [...(this.routerIndex.byTransport.get(transport) ?? [])];
    for (const { router, value } of this.routerIndex.expanded) {
      if (new RegExp(`(^|[^A-Za-z0-9_])${transport}([^A-Za-z0-9_]|$)`).test(value)) out.push(router);
    }
    return out;
  }
}
