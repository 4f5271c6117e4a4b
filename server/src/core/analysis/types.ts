/** Findings, fixes and rules: the core's vocabulary for what it reports. */
import { ConfigTree } from '../syntax/tree';
import { Location, Range } from '../syntax/source';
import { ConfigModel } from './model';

export type Severity = 'error' | 'warning' | 'information' | 'hint';
export const SEVERITIES: readonly Severity[] = ['error', 'warning', 'information', 'hint'];

export interface TextEdit {
  file: string;
  range: Range;
  newText: string;
}

export interface Fix {
  title: string;
  edits: TextEdit[];
  /** Part of "harden TLS": applied by `exim-lint --fix` and the fix-all command. */
  hardening?: boolean;
  isPreferred?: boolean;
}

export interface RelatedLocation {
  loc: Location;
  message: string;
}

export interface Finding {
  code: string;
  severity: Severity;
  message: string;
  loc: Location;
  related?: RelatedLocation[];
  fixes?: Fix[];
  /** Rule-specific facts a client can use, e.g. names for a did-you-mean fix. */
  data?: Record<string, unknown>;
  /** Text that Exim skips (an inactive `.ifdef` branch). */
  unnecessary?: boolean;
}

export interface RuleMeta {
  /** Stable code, shown to users and used in settings and suppression comments. */
  id: string;
  defaultSeverity: Severity;
  /** One line: what the rule finds. */
  title: string;
}

export type ReportedFinding = Omit<Finding, 'code' | 'severity'> & { severity?: Severity; active?: boolean };

export interface RuleContext {
  tree: ConfigTree;
  model: ConfigModel;
  report(finding: ReportedFinding): void;
}

export interface Rule extends RuleMeta {
  check(ctx: RuleContext): void;
}
