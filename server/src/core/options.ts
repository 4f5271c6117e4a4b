// The Exim option table: every option name the installed Exim knows, per section and
// driver, with its type (the manual's words), whether it is expanded, and its default.
// Generated from the binary and the reference manual by `npm run gen:options`.
import data from './data/exim-options.json';

export type DriverSectionKind = 'routers' | 'transports' | 'authenticators';
export type OptionSectionKind = 'main' | DriverSectionKind;

export interface OptionInfo {
  /** e.g. "hosts_require_tls" */
  name: string;
  /** Exim's word, e.g. "boolean", "host list", "time" */
  type: string;
  /** The manual's trailing '*' (a dagger in the HTML manual): the value is expanded. */
  expanded: boolean;
  default?: string;
  scope: 'main' | 'generic' | 'private';
  /** For private options: the driver that has it. */
  driver?: string;
}

interface RawOption {
  type: string;
  expanded: boolean;
  default?: string;
  typeSource?: string;
  aliasOf?: string;
}
type RawOptions = Record<string, RawOption>;
interface RawDriverSection {
  generic: RawOptions;
  drivers: Record<string, RawOptions>;
}

const table = data as unknown as {
  eximVersion: string;
  main: RawOptions;
  routers: RawDriverSection;
  transports: RawDriverSection;
  authenticators: RawDriverSection;
  builtinMacros: string[];
  builtinMacroValues?: Record<string, string>;
  localScanOptions?: boolean;
};

export const EXIM_VERSION: string = table.eximVersion;

/** Whether the installed Exim takes a `begin local_scan` section (built with LOCAL_SCAN_HAS_OPTIONS). */
export const LOCAL_SCAN_OPTIONS: boolean = table.localScanOptions === true;

const DRIVER_SECTIONS: readonly DriverSectionKind[] = ['routers', 'transports', 'authenticators'];

function info(name: string, raw: RawOption, scope: OptionInfo['scope'], driver?: string): OptionInfo {
  const o: OptionInfo = { name, type: raw.type, expanded: raw.expanded, scope };
  if (raw.default !== undefined) o.default = raw.default;
  if (driver !== undefined) o.driver = driver;
  return Object.freeze(o);
}

function toMap(options: RawOptions, scope: OptionInfo['scope'], driver?: string): Map<string, OptionInfo> {
  const m = new Map<string, OptionInfo>();
  for (const name of Object.keys(options).sort()) m.set(name, info(name, options[name], scope, driver));
  return m;
}

/**
 * Lookups by name go through objects without a prototype: a name looked up that way is
 * interned once, after which each lookup compares pointers.
 */
type Dict<T> = Record<string, T | undefined>;

function toDict<T>(entries: Iterable<[string, T]>): Dict<T> {
  const d = Object.create(null) as Dict<T>;
  for (const [k, v] of entries) d[k] = v;
  return d;
}

interface SectionIndex {
  generic: Map<string, OptionInfo>;
  drivers: Map<string, Map<string, OptionInfo>>;
  genericByName: Dict<OptionInfo>;
  driversByName: Dict<Dict<OptionInfo>>;
}

const mainIndex = toMap(table.main, 'main');
const mainByName = toDict(mainIndex);
const driverIndex = new Map<DriverSectionKind, SectionIndex>();
for (const section of DRIVER_SECTIONS) {
  const raw = table[section];
  const drivers = new Map<string, Map<string, OptionInfo>>();
  for (const d of Object.keys(raw.drivers).sort()) drivers.set(d, toMap(raw.drivers[d], 'private', d));
  const generic = toMap(raw.generic, 'generic');
  const driversByName = toDict<Dict<OptionInfo>>([...drivers].map(([d, m]) => [d, toDict(m)]));
  driverIndex.set(section, { generic, drivers, genericByName: toDict(generic), driversByName });
}
const routerIndex = driverIndex.get('routers')!;
const transportIndex = driverIndex.get('transports')!;
const authenticatorIndex = driverIndex.get('authenticators')!;

function sectionIndex(section: DriverSectionKind): SectionIndex | undefined {
  return section === 'routers' ? routerIndex : section === 'transports' ? transportIndex : section === 'authenticators' ? authenticatorIndex : undefined;
}

/** Every section that has a name, for findOptionAnywhere. */
const anywhereIndex = new Map<string, Array<OptionInfo & { section: OptionSectionKind }>>();
function addAnywhere(section: OptionSectionKind, o: OptionInfo): void {
  const list = anywhereIndex.get(o.name) ?? [];
  list.push(Object.freeze({ ...o, section }));
  anywhereIndex.set(o.name, list);
}
for (const o of mainIndex.values()) addAnywhere('main', o);
for (const section of DRIVER_SECTIONS) {
  const idx = driverIndex.get(section)!;
  for (const o of idx.generic.values()) addAnywhere(section, o);
  for (const opts of idx.drivers.values()) for (const o of opts.values()) addAnywhere(section, o);
}

const macroList: readonly string[] = Object.freeze([...table.builtinMacros]);
const macroSet = new Set(macroList);
const macroValues: Readonly<Record<string, string>> = Object.freeze({ ...(table.builtinMacroValues ?? {}) });

/**
 * Looks an option up for a section; for driver sections, generic options first, then the
 * driver's private ones (driver may be undefined when not yet known).
 */
export function lookupOption(section: OptionSectionKind, name: string, driver?: string): OptionInfo | undefined {
  if (section === 'main') return mainByName[name];
  const idx = sectionIndex(section);
  if (!idx) return undefined;
  const generic = idx.genericByName[name];
  if (generic) return generic;
  if (driver === undefined) return undefined;
  return idx.driversByName[driver]?.[name];
}

/**
 * Where else a name is valid, e.g. to say "hosts_require_tls is a transport option (smtp)"
 * when it is used in the main section. Main first, then routers, transports and
 * authenticators; generic before private; drivers alphabetically.
 */
export function findOptionAnywhere(name: string): Array<OptionInfo & { section: OptionSectionKind }> {
  return [...(anywhereIndex.get(name) ?? [])];
}

/** The options valid in a section: main, or generic plus that driver's private ones. */
export function optionsFor(section: OptionSectionKind, driver?: string): OptionInfo[] {
  if (section === 'main') return [...mainIndex.values()];
  const idx = driverIndex.get(section);
  if (!idx) return [];
  const priv = driver === undefined ? undefined : idx.drivers.get(driver);
  return [...idx.generic.values(), ...(priv?.values() ?? [])];
}

export function knownDrivers(section: DriverSectionKind): string[] {
  return [...(driverIndex.get(section)?.drivers.keys() ?? [])];
}

export function isKnownDriver(section: DriverSectionKind, driver: string): boolean {
  const idx = sectionIndex(section);
  return idx !== undefined && idx.driversByName[driver] !== undefined;
}

/** Every macro name the binary defines itself (`exim -bP macros`), e.g. _HAVE_TLS. */
export function builtinMacros(): readonly string[] {
  return macroList;
}

/** The built-in macros whose value is not "y" (_DKIM_SIGN_HEADERS is a list of header names). */
export function builtinMacroValues(): Readonly<Record<string, string>> {
  return macroValues;
}

export function isBuiltinMacro(name: string): boolean {
  return macroSet.has(name);
}
