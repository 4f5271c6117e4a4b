/**
 * The core's entry points: parse a file, a split configuration directory or editor text,
 * and analyse it. Pure: all file access goes through the ConfigHost.
 */
import { analyze, AnalyzeOptions } from './analysis/analyze';
import { Finding } from './analysis/types';
import { debianGeneratedMacros } from './debianMacros';
import { ConfigHost } from './host';
import { builtinMacroValues, builtinMacros } from './options';
import { debianLocalMacrosFor, isSplitConfigDir, splitConfigFiles } from './splitConfig';
import { ParseOptions, parseFiles } from './syntax/parser';
import { SourceFile } from './syntax/source';
import { ConfigTree } from './syntax/tree';

export interface LintResult {
  tree: ConfigTree;
  findings: Finding[];
}

export class InputError extends Error {}

/** Reads a configuration file or a conf.d directory, as Exim (or update-exim4.conf) would. */
export function parsePath(path: string, host: ConfigHost, overrides: Map<string, string> = new Map()): ConfigTree {
  const read = (p: string): SourceFile => {
    const open = overrides.get(p);
    if (open !== undefined) return new SourceFile(p, open);
    const r = host.readFile(p);
    if (r.kind === 'file') return new SourceFile(p, r.text);
    throw new InputError(r.kind === 'missing' ? `${p}: no such file or directory` : `${p}: ${r.message}`);
  };
  const overlay: ConfigHost = {
    ...host,
    readFile: (p) => (overrides.has(p) ? { kind: 'file', text: overrides.get(p)! } : host.readFile(p)),
    exists: (p) => overrides.has(p) || host.exists(p),
  };
  if (host.isDirectory?.(path)) {
    if (!isSplitConfigDir(path, host)) throw new InputError(`${path}: a directory, but not a split configuration (no main/, acl/, router/, ... subdirectories)`);
    const files = splitConfigFiles(path, host).map(read);
    return parseFiles(path, files, overlay, parseOptionsFor(path, overlay));
  }
  // Debian's exim4.conf.template is read after the exim4.conf.localmacros beside it, as
  // update-exim4.conf joins them.
  const localMacros = debianLocalMacrosFor(path, overlay);
  return parseFiles(path, [...(localMacros ? [read(localMacros)] : []), read(path)], overlay, parseOptionsFor(path, overlay));
}

export function lintPath(path: string, host: ConfigHost, options: AnalyzeOptions = {}): LintResult {
  const tree = parsePath(path, host);
  return { tree, findings: analyze(tree, options) };
}

/** Lints editor text for `path`; other files (includes) come from the host. */
export function lintText(path: string, text: string, host: ConfigHost, options: AnalyzeOptions = {}): LintResult {
  const tree = parseFiles(path, withLocalMacros(path, new SourceFile(path, text), host), host, parseOptionsFor(path, host));
  return { tree, findings: analyze(tree, options) };
}

/**
 * How to read the configuration at `path` (a file or a conf.d directory): Exim's built-in
 * macros, and for Debian's template or conf.d the macros update-exim4.conf generates.
 */
export function parseOptionsFor(path: string, host: ConfigHost): ParseOptions {
  return { builtinMacros: builtinMacros(), builtinMacroValues: builtinMacroValues(), generatedMacros: debianGeneratedMacros(path, host) };
}

/** The files to read for `file`: Debian's exim4.conf.localmacros first, where it applies (debianLocalMacrosFor()). */
export function withLocalMacros(path: string, file: SourceFile, host: ConfigHost): SourceFile[] {
  const macros = debianLocalMacrosFor(path, host);
  const r = macros ? host.readFile(macros) : undefined;
  return r?.kind === 'file' ? [new SourceFile(macros!, r.text), file] : [file];
}
