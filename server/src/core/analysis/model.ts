/**
 * Meaning on top of the tree: option words resolved against Exim's option table,
 * drivers and ACLs by name, option values as Exim would take them.
 */
import { lookupOption, OptionInfo, OptionSectionKind } from '../options';
import { ACL_CONDITION_NAMES, AclConditionInfo, aclCondition } from '../syntaxData';
import { AclItemNode, AclNode, AclStatementNode, ConfigTree, DriverNode, DriverSectionKind, OptionNode, SectionKind } from '../syntax/tree';
import { trimCSpace } from '../util/lists';
import { stringSetting } from '../util/stringSetting';
import { Location } from '../syntax/source';

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
  if (info) return { name: info.name, negated: false, info };
  const base = word.startsWith('no_') ? word.slice(3) : word.startsWith('not_') ? word.slice(4) : undefined;
  if (base !== undefined) {
    const baseInfo = lookupOption(section, base, driver);
    if (baseInfo) return { name: baseInfo.name, negated: true, info: baseInfo };
  }
  return { name: word, negated: false };
}

export function optionSectionOf(kind: SectionKind): OptionSectionKind | undefined {
  if (kind === 'main' || kind === 'routers' || kind === 'transports' || kind === 'authenticators') return kind;
  return undefined;
}

/** Exim's words for true and false. */
export function parseBoolean(value: string): boolean | undefined {
  const v = trimCSpace(value).toLowerCase();
  // "name =" with nothing after it sets the option, as the bare name does (Exim 4.96 -bP).
  if (v === '' || v === 'true' || v === 'yes') return true;
  if (v === 'false' || v === 'no') return false;
  return undefined;
}

export interface DriverOptionSetting {
  node: OptionNode;
  resolved: ResolvedOption;
}

/** Every driver of the tree, in order, with its options as Exim reads them. */
export interface OptionTable {
  readonly drivers: readonly DriverNode[];
  /** Parallel to `drivers`: each driver's options resolved, in the order of its `options`. */
  readonly resolved: readonly (readonly ResolvedOption[])[];
  /** How many driver options are unknown where they stand or written with `no_`/`not_`. */
  readonly unusual: number;
}

/** Every condition and modifier of every ACL statement (active or not), in order. */
export interface AclItemTable {
  readonly items: readonly AclItemNode[];
  /** Parallel to `items`: the statement of each. */
  readonly statements: readonly AclStatementNode[];
  /** Parallel to `items`: the condition or modifier Exim knows by that name, if any. */
  readonly infos: readonly (AclConditionInfo | undefined)[];
  /** How many items have a name Exim does not know. */
  readonly unknown: number;
}

/** Resolutions of option words (which repeat a lot) for one section and driver, by word. */
type WordCache = Record<string, ResolvedOption | undefined>;

function newCache(): WordCache {
  return Object.create(null) as WordCache;
}

/** The ACL conditions and modifiers Exim knows, by name. */
const ACL_CONDITIONS = Object.create(null) as Record<string, AclConditionInfo | undefined>;
for (const name of ACL_CONDITION_NAMES) ACL_CONDITIONS[name] = aclCondition(name);

interface Table extends OptionTable {
  unusual: number;
  readonly drivers: DriverNode[];
  readonly resolved: (readonly ResolvedOption[])[];
  readonly byDriver: Map<DriverNode, readonly ResolvedOption[]>;
  /** Private options written before `driver =`, where Exim does not know them yet. */
  readonly early: Set<OptionNode>;
  /** Words of options that are neither main options nor in a driver. */
  readonly otherWords: Set<string>;
}

/** Active routers by the transport they name. */
interface RouterIndex {
  /** `transport =` without an expansion, by its value. */
  byTransport: Record<string, DriverNode[] | undefined>;
  /** `transport =` with an expansion, in order. */
  expanded: { router: DriverNode; value: string }[];
  /** The routers of `expanded` by each word of their value (made on first use). */
  byWord?: Map<string, DriverNode[]>;
}

const DRIVER_SECTIONS: readonly DriverSectionKind[] = ['routers', 'transports', 'authenticators'];
const NO_ROUTERS: readonly DriverNode[] = Object.freeze([]);
const NO_OPTIONS: readonly ResolvedOption[] = Object.freeze([]);

function isWordCode(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

function isWord(s: string): boolean {
  if (s === '') return false;
  for (let i = 0; i < s.length; i++) if (!isWordCode(s.charCodeAt(i))) return false;
  return true;
}

export class ConfigModel {
  private readonly driverMaps = new Map<DriverSectionKind, Map<string, DriverNode>>();
  private readonly driverLists = new Map<DriverSectionKind, readonly DriverNode[]>();
  private aclMap?: Map<string, AclNode>;
  /** Active drivers of each section and active ACLs, counted with their maps. */
  private readonly activeCounts = new Map<DriverSectionKind | 'acl', number>();

  /** Per section, per driver: option words as Exim resolves them. */
  private readonly wordCaches = new Map<OptionSectionKind, { none: WordCache; byDriver: Record<string, WordCache | undefined> }>();
  private lastCacheSection?: OptionSectionKind;
  private lastCacheDriver?: string;
  private lastCache?: WordCache;
  private table?: Table;
  private aclTable?: AclItemTable;
  private lastDriver?: DriverNode;
  private lastResolved: readonly ResolvedOption[] = NO_OPTIONS;

  private routerIndex?: RouterIndex;

  constructor(readonly tree: ConfigTree) {}

  /** The last active main-section setting of an option, as written (no `no_` forms). */
  mainSetting(name: string): OptionNode | undefined {
    let found: OptionNode | undefined;
    for (const section of this.tree.sections) {
      if (section.kind !== 'main' || section.begin) continue;
      for (const item of section.items) if (item.kind === 'option' && item.active && item.word === name) found = item;
    }
    return found;
  }

  /**
   * The value of the last active main-section setting of an option as Exim reads it (a
   * quoted string unquoted), with where to report on it; undefined when it is not set or has
   * no "=".
   */
  mainValue(name: string): { value: string; loc: Location; node: OptionNode } | undefined {
    const node = this.mainSetting(name);
    if (!node || !node.hasValue) return undefined;
    return { value: stringSetting(node.value), loc: node.valueLoc ?? node.wordLoc, node };
  }

  /** Active drivers of a section by name (the first of a name wins, as Exim refuses the second). */
  drivers(kind: DriverSectionKind): Map<string, DriverNode> {
    // Made with the option table, in the same walk.
    if (!this.table) this.buildTable();
    return this.driverMaps.get(kind)!;
  }

  /** Whether two active drivers of a section, or two active ACLs, have one name. */
  hasDuplicateNames(kind: DriverSectionKind | 'acl'): boolean {
    const size = kind === 'acl' ? this.acls().size : this.drivers(kind).size;
    return this.activeCounts.get(kind)! > size;
  }

  /** The drivers of drivers(kind), in order. */
  activeDrivers(kind: DriverSectionKind): readonly DriverNode[] {
    let list = this.driverLists.get(kind);
    if (!list) {
      list = [...this.drivers(kind).values()];
      this.driverLists.set(kind, list);
    }
    return list;
  }

  acls(): Map<string, AclNode> {
    if (!this.aclMap) {
      const map = new Map<string, AclNode>();
      let count = 0;
      const sections = this.tree.sections;
      for (let i = 0; i < sections.length; i++) {
        if (sections[i].kind !== 'acl') continue;
        const items = sections[i].items;
        for (let j = 0; j < items.length; j++) {
          const item = items[j];
          if (item.kind !== 'acl' || !item.active) continue;
          count++;
          if (!map.has(item.name)) map.set(item.name, item);
        }
      }
      this.aclMap = map;
      this.activeCounts.set('acl', count);
    }
    return this.aclMap;
  }

  private wordCache(section: OptionSectionKind, driver: string | undefined): WordCache {
    // Drivers mostly follow others of their kind.
    if (driver !== undefined && driver === this.lastCacheDriver && section === this.lastCacheSection) return this.lastCache!;
    let caches = this.wordCaches.get(section);
    if (!caches) {
      caches = { none: newCache(), byDriver: Object.create(null) as Record<string, WordCache | undefined> };
      this.wordCaches.set(section, caches);
    }
    if (driver === undefined) return caches.none;
    let cache = caches.byDriver[driver];
    if (!cache) {
      cache = newCache();
      caches.byDriver[driver] = cache;
    }
    this.lastCacheSection = section;
    this.lastCacheDriver = driver;
    this.lastCache = cache;
    return cache;
  }

  private lookup(cache: WordCache, section: OptionSectionKind, word: string, driver: string | undefined): ResolvedOption {
    let r = cache[word];
    if (!r) {
      r = resolveOptionWord(section, word, driver);
      cache[word] = r;
    }
    return r;
  }

  /**
   * An option as Exim reads it where it stands: in a driver, private options count only
   * once `driver =` has been read.
   */
  resolve(option: OptionNode, section: OptionSectionKind, driver?: string): ResolvedOption {
    if (driver !== undefined) {
      const early = this.tableOf().early;
      if (early.size > 0 && early.has(option)) driver = undefined;
    }
    return this.lookup(this.wordCache(section, driver), section, option.word, driver);
  }

  /** What an option word would be if it stood after `driver = NAME` (for messages about misplaced options). */
  resolveAfterDriver(option: OptionNode, section: OptionSectionKind, driver: string): ResolvedOption {
    return this.lookup(this.wordCache(section, driver), section, option.word, driver);
  }

  /** Every driver in tree order with its options resolved (main options are resolved too). */
  optionTable(): OptionTable {
    return this.table ?? this.buildTable();
  }

  private tableOf(): Table {
    return this.table ?? this.buildTable();
  }

  private buildTable(): Table {
    const table: Table = { drivers: [], resolved: [], unusual: 0, byDriver: new Map(), early: new Set(), otherWords: new Set() };
    const main = this.wordCache('main', undefined);
    const byName = { routers: new Map<string, DriverNode>(), transports: new Map<string, DriverNode>(), authenticators: new Map<string, DriverNode>() };
    const active = { routers: 0, transports: 0, authenticators: 0 };
    const sections = this.tree.sections;
    for (let i = 0; i < sections.length; i++) {
      const s = sections[i];
      const kind = s.kind;
      // ACLs, retry and rewrite rules have no options.
      if (kind === 'acl' || kind === 'retry' || kind === 'rewrite') continue;
      const items = s.items;
      for (let j = 0; j < items.length; j++) {
        const item = items[j];
        if (item.kind === 'driver') {
          if (item.active && (kind === 'routers' || kind === 'transports' || kind === 'authenticators')) {
            active[kind]++;
            if (!byName[kind].has(item.name)) byName[kind].set(item.name, item);
          }
          const resolved = this.resolveDriver(item, table.early);
          for (let k = 0; k < resolved.length; k++) if (resolved[k].info === undefined || resolved[k].negated) table.unusual++;
          table.drivers.push(item);
          table.resolved.push(resolved);
          table.byDriver.set(item, resolved);
        } else if (item.kind === 'option') {
          if (kind === 'main') this.lookup(main, 'main', item.word, undefined);
          else table.otherWords.add(item.word);
        }
      }
    }
    for (const kind of DRIVER_SECTIONS) {
      this.driverMaps.set(kind, byName[kind]);
      this.activeCounts.set(kind, active[kind]);
    }
    this.table = table;
    return table;
  }

  /** The conditions and modifiers of all ACLs, built on first use. */
  aclItems(): AclItemTable {
    if (this.aclTable) return this.aclTable;
    const items: AclItemNode[] = [];
    const statements: AclStatementNode[] = [];
    const infos: (AclConditionInfo | undefined)[] = [];
    let unknown = 0;
    const sections = this.tree.sections;
    for (let i = 0; i < sections.length; i++) {
      if (sections[i].kind !== 'acl') continue;
      const acls = sections[i].items;
      for (let j = 0; j < acls.length; j++) {
        const acl = acls[j];
        if (acl.kind !== 'acl') continue;
        for (let k = 0; k < acl.statements.length; k++) {
          const statement = acl.statements[k];
          for (let m = 0; m < statement.items.length; m++) {
            const item = statement.items[m];
            const info = ACL_CONDITIONS[item.name];
            if (info === undefined) unknown++;
            items.push(item);
            statements.push(statement);
            infos.push(info);
          }
        }
      }
    }
    this.aclTable = { items, statements, infos, unknown };
    return this.aclTable;
  }

  /** A driver's options resolved in order; private options only after `driver =`. */
  private resolveDriver(driver: DriverNode, early: Set<OptionNode> | undefined): readonly ResolvedOption[] {
    const options = driver.options;
    const n = options.length;
    if (n === 0) return NO_OPTIONS;
    const section = driver.section;
    const name = driver.driverName;
    const out = new Array<ResolvedOption>(n);
    const after = this.wordCache(section, name);
    const before = name === undefined ? after : this.wordCache(section, undefined);
    let i = 0;
    if (before !== after) {
      for (; i < n; i++) {
        const o = options[i];
        if (o === driver.driverOption) break;
        out[i] = this.lookup(before, section, o.word, undefined);
        if (early && this.lookup(after, section, o.word, name).info?.scope === 'private') early.add(o);
      }
    }
    for (; i < n; i++) out[i] = this.lookup(after, section, options[i].word, name);
    return out;
  }

  /** A driver's options as Exim reads them, in the order of `driver.options`. */
  resolvedOptions(driver: DriverNode): readonly ResolvedOption[] {
    if (driver === this.lastDriver) return this.lastResolved;
    // A driver that is not in the tree is resolved on its own.
    const list = this.tableOf().byDriver.get(driver) ?? this.resolveDriver(driver, undefined);
    this.lastDriver = driver;
    this.lastResolved = list;
    return list;
  }

  /** False when no option of the tree is written `word` (so a rule about it has nothing to do). */
  mayHaveOption(word: string): boolean {
    const table = this.tableOf();
    if (table.otherWords.has(word)) return true;
    for (const caches of this.wordCaches.values()) {
      if (caches.none[word]) return true;
      for (const driver in caches.byDriver) if (caches.byDriver[driver]![word]) return true;
    }
    return false;
  }

  /** Index in `driver.options` of the active setting of an option (the last one), or -1. */
  /**
   * The index of a driver option's last active setting. A no_ form of an option that is not
   * a boolean sets nothing (Exim refuses it: "negation prefix applied to a non-boolean
   * option", reported by unknown-option), so the checks that read values do not see it.
   */
  private settingIndex(driver: DriverNode, name: string): number {
    const resolved = this.resolvedOptions(driver);
    const options = driver.options;
    for (let i = resolved.length - 1; i >= 0; i--) {
      const r = resolved[i];
      if (r.name === name && options[i].active && !(r.negated && r.info !== undefined && r.info.type !== 'boolean')) return i;
    }
    return -1;
  }

  /** The active setting of a driver option (the last one, as Exim would have it if it allowed repeats). */
  driverOption(driver: DriverNode, name: string): DriverOptionSetting | undefined {
    const i = this.settingIndex(driver, name);
    return i < 0 ? undefined : { node: driver.options[i], resolved: this.resolvedOptions(driver)[i] };
  }

  /** The node of a driver option's active setting, as driverOption() finds it. */
  optionNode(driver: DriverNode, name: string): OptionNode | undefined {
    const i = this.settingIndex(driver, name);
    return i < 0 ? undefined : driver.options[i];
  }

  /**
   * A boolean option's effective value on a driver: explicit setting, or undefined when
   * left at its default.
   */
  booleanOption(driver: DriverNode, name: string): boolean | undefined {
    const i = this.settingIndex(driver, name);
    if (i < 0) return undefined;
    if (this.resolvedOptions(driver)[i].negated) return false;
    const node = driver.options[i];
    if (!node.hasValue) return true;
    return parseBoolean(node.value);
  }

  /** Routers whose `transport =` names this transport (or mentions it inside an expansion). */
  routersUsing(transport: string): readonly DriverNode[] {
    const index = this.routerIndexOf();
    const direct = index.byTransport[transport] ?? NO_ROUTERS;
    let out: readonly DriverNode[] = direct;
    if (index.expanded.length > 0) {
      let mentioned: readonly DriverNode[] = NO_ROUTERS;
      if (isWord(transport)) {
        // A name made of word characters is mentioned as a whole word of the value.
        if (!index.byWord) index.byWord = wordIndex(index.expanded);
        mentioned = index.byWord.get(transport) ?? NO_ROUTERS;
      } else {
        const re = new RegExp(`(^|[^A-Za-z0-9_])${transport}([^A-Za-z0-9_]|$)`);
        mentioned = index.expanded.filter((e) => re.test(e.value)).map((e) => e.router);
      }
      if (mentioned.length > 0) out = direct.length === 0 ? mentioned : [...direct, ...mentioned];
    }
    return out;
  }

  private routerIndexOf(): RouterIndex {
    if (!this.routerIndex) {
      const byTransport = Object.create(null) as Record<string, DriverNode[] | undefined>;
      const expanded: { router: DriverNode; value: string }[] = [];
      const routers = this.activeDrivers('routers');
      for (let i = 0; i < routers.length; i++) {
        const router = routers[i];
        const t = this.optionNode(router, 'transport');
        if (!t) continue;
        const value = trimCSpace(t.value);
        if (value.includes('$')) expanded.push({ router, value });
        else {
          const list = byTransport[value];
          if (list) list.push(router);
          else byTransport[value] = [router];
        }
      }
      this.routerIndex = { byTransport, expanded };
    }
    return this.routerIndex;
  }
}

/** Each word (a run of letters, digits and underscores) of the values, with the routers whose value has it. */
function wordIndex(expanded: { router: DriverNode; value: string }[]): Map<string, DriverNode[]> {
  const byWord = new Map<string, DriverNode[]>();
  for (const { router, value } of expanded) {
    let i = 0;
    while (i < value.length) {
      if (!isWordCode(value.charCodeAt(i))) {
        i++;
        continue;
      }
      const start = i;
      while (i < value.length && isWordCode(value.charCodeAt(i))) i++;
      const word = value.slice(start, i);
      const list = byWord.get(word);
      if (!list) byWord.set(word, [router]);
      else if (list[list.length - 1] !== router) list.push(router);
    }
  }
  return byWord;
}
