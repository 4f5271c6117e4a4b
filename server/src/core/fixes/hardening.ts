/**
 * "Harden TLS": applies every hardening fix, re-analysing after each round because one
 * fix can make another finding appear (requiring TLS makes the retry rules matter).
 */
import { analyze } from '../analysis/analyze';
import { Finding } from '../analysis/types';
import { ConfigHost } from '../host';
import { parsePath } from '../service';
import { applyEdits, DisjointEdits } from './edits';

export interface HardeningResult {
  /** Final text of each file that changed. */
  changed: Map<string, string>;
  /** What was done, one line each: "file:line: title". */
  log: string[];
}

const MAX_ROUNDS = 10;

/**
 * `lint` analyses the configuration with some files' text replaced; `read` gives a
 * file's current raw text.
 */
export function harden(lint: (overrides: Map<string, string>) => Finding[], read: (path: string) => string | undefined): HardeningResult {
  const texts = new Map<string, string>();
  const log: string[] = [];
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const findings = lint(texts);
    const accepted = new DisjointEdits();
    const titles: string[] = [];
    for (const f of findings) {
      const fix = f.fixes?.find((x) => x.hardening);
      if (!fix) continue;
      if (fix.edits.some((e) => accepted.overlaps(e))) continue;
      for (const e of fix.edits) accepted.add(e);
      // The finding, or where the edit goes when that is another file (a conf.d part).
      const edit = fix.edits[0];
      const at = !edit || edit.file === f.loc.file ? f.loc : edit;
      titles.push(`${at.file}:${at.range.start.line + 1}: ${fix.title}`);
    }
    if (titles.length === 0) break;
    let progressed = false;
    for (const [file, edits] of accepted.files()) {
      const before = texts.get(file) ?? read(file);
      if (before === undefined) continue;
      const after = applyEdits(before, edits);
      if (after !== before) {
        texts.set(file, after);
        progressed = true;
      }
    }
    if (!progressed) break;
    for (const t of titles) log.push(t);
  }
  const changed = new Map<string, string>();
  for (const [file, text] of texts) if (text !== read(file)) changed.set(file, text);
  return { changed, log };
}

/** For the CLI: hardens a file or conf.d directory read through the host. */
export function applyHardeningFixes(path: string, host: ConfigHost): { written: { path: string; text: string }[]; log: string[] } {
  const read = (p: string) => {
    const r = host.readFile(p);
    return r.kind === 'file' ? r.text : undefined;
  };
  const result = harden((overrides) => analyze(parsePath(path, host, overrides)), read);
  return {
    written: [...result.changed].map(([p, text]) => ({ path: p, text })),
    log: result.log.map((l) => `fixed ${l}`),
  };
}
