/** The parse tree of a whole configuration: one parse feeds rules, completion, hover and navigation. */
import { LogicalLine } from './logicalLine';
import { ConditionalBlock, Directive, IncludeDirective, MacroDefinition, MacroUse, ReaderProblem } from './reader';
import { Location, SourceFile } from './source';
import type { Fix } from '../analysis/types';

export type SectionKind = 'main' | 'acl' | 'routers' | 'transports' | 'authenticators' | 'retry' | 'rewrite' | 'local_scan';
export type DriverSectionKind = 'routers' | 'transports' | 'authenticators';

interface NodeBase {
  line: LogicalLine;
  /** The whole node in the source. */
  loc: Location;
  /** False inside an `.ifdef` branch that Exim skips. */
  active: boolean;
}

/** `[hide] [no_|not_]name [= value]` in the main section, a driver or local_scan. */
export interface OptionNode extends NodeBase {
  kind: 'option';
  /** The option word as written, with any `no_`/`not_` prefix. */
  word: string;
  wordLoc: Location;
  hide: boolean;
  hideLoc?: Location;
  /** True when `=` follows the name. */
  hasValue: boolean;
  /** Text after `=`, leading white space removed, macros replaced. */
  value: string;
  valueLoc?: Location;
  /** Offset of the value in line.text. */
  valueOffset: number;
}

export type NamedListType = 'domainlist' | 'hostlist' | 'addresslist' | 'localpartlist';

export interface NamedListNode extends NodeBase {
  kind: 'namedList';
  listType: NamedListType;
  cache: boolean;
  hide: boolean;
  name: string;
  nameLoc: Location;
  value: string;
  valueLoc?: Location;
  valueOffset: number;
}

export interface MacroNode extends NodeBase {
  kind: 'macro';
  definition: MacroDefinition;
}

/** A line the parser could not make sense of; a problem says why. */
export interface UnknownLineNode extends NodeBase {
  kind: 'unknown';
  /** Set when a rule (not the parser) reports the line, e.g. 'acl-unknown-verb'. */
  reason?: string;
  /** The word the line starts with, for such a rule. */
  word?: string;
  wordLoc?: Location;
}

/** `name:` and the options that follow it in routers, transports or authenticators. */
export interface DriverNode extends NodeBase {
  kind: 'driver';
  section: DriverSectionKind;
  name: string;
  nameLoc: Location;
  options: OptionNode[];
  /** The `driver = x` option, if any. */
  driverOption?: OptionNode;
  /** Value of `driver =`. */
  driverName?: string;
}

export interface AclItemNode extends NodeBase {
  kind: 'aclItem';
  name: string;
  nameLoc: Location;
  /** Offset of the name in line.text. */
  nameOffset: number;
  negated: boolean;
  hasValue: boolean;
  value: string;
  valueLoc?: Location;
  valueOffset: number;
}

export interface AclStatementNode extends NodeBase {
  kind: 'aclStatement';
  verb: string;
  verbLoc: Location;
  items: AclItemNode[];
}

export interface AclNode extends NodeBase {
  kind: 'acl';
  name: string;
  nameLoc: Location;
  statements: AclStatementNode[];
}

export interface Token {
  text: string;
  loc: Location;
  /** Offset in line.text. */
  offset: number;
}

export interface RetryParamNode {
  letter: Token;
  args: Token[];
  loc: Location;
}

export interface RetryRuleNode extends NodeBase {
  kind: 'retry';
  pattern: Token;
  error?: Token;
  senders?: Token;
  /** Everything after the error (and senders): the retry times. */
  times?: Token;
  params: RetryParamNode[];
}

export interface RewriteRuleNode extends NodeBase {
  kind: 'rewrite';
  pattern: Token;
  replacement?: Token;
  flags?: Token;
}

export type SectionItem =
  | OptionNode
  | NamedListNode
  | MacroNode
  | UnknownLineNode
  | DriverNode
  | AclNode
  | RetryRuleNode
  | RewriteRuleNode;

export interface SectionNode {
  kind: SectionKind;
  /** `begin x` line; undefined for the main section. */
  begin?: { line: LogicalLine; loc: Location; nameLoc: Location; name: string };
  items: SectionItem[];
  active: boolean;
}

export interface ParseProblem extends ReaderProblem {
  /** Data for a fix, e.g. the names a misspelt word may have meant. */
  data?: Record<string, unknown>;
  fixes?: Fix[];
}

export interface ConfigTree {
  /** The file or directory that was analysed. */
  root: string;
  /** Files in reading order (the root, then includes, or the parts of a split configuration). */
  files: SourceFile[];
  sections: SectionNode[];
  macros: MacroDefinition[];
  macroUses: MacroUse[];
  directives: Directive[];
  includes: IncludeDirective[];
  conditionals: ConditionalBlock[];
  comments: Location[];
  problems: ParseProblem[];
  lines: LogicalLine[];
  /**
   * The line of Debian's configuration after which update-exim4.conf's macros go, and
   * update-exim4.conf.conf, where they come from (debianMacros.ts).
   */
  generatedMacros?: { at: Location; from: string };
}

/** Sections of a kind, in order (a kind normally appears once). */
export function sectionsOf(tree: ConfigTree, kind: SectionKind): SectionNode[] {
  return tree.sections.filter((s) => s.kind === kind);
}

/** The items of one kind in the sections of one kind, in order. */
export function itemsOf<K extends SectionItem['kind']>(tree: ConfigTree, section: SectionKind, kind: K): Extract<SectionItem, { kind: K }>[] {
  const out: Extract<SectionItem, { kind: K }>[] = [];
  for (const s of tree.sections) if (s.kind === section) for (const i of s.items) if (i.kind === kind) out.push(i as Extract<SectionItem, { kind: K }>);
  return out;
}

export function driversOf(tree: ConfigTree, kind: DriverSectionKind): DriverNode[] {
  return itemsOf(tree, kind, 'driver');
}

export function aclsOf(tree: ConfigTree): AclNode[] {
  return itemsOf(tree, 'acl', 'acl');
}

export function retryRulesOf(tree: ConfigTree): RetryRuleNode[] {
  return itemsOf(tree, 'retry', 'retry');
}

export function rewriteRulesOf(tree: ConfigTree): RewriteRuleNode[] {
  return itemsOf(tree, 'rewrite', 'rewrite');
}

export function mainOptions(tree: ConfigTree): OptionNode[] {
  return itemsOf(tree, 'main', 'option');
}
