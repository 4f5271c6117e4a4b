/**
 * Debian's split configuration: /etc/exim4/conf.d/<section>/<file>. update-exim4.conf
 * joins the parts in this section order, files sorted in C order, and uses only names
 * made of letters, digits, '_' and '-' (so editor backups like `x~` or `x.dpkg-old` are
 * skipped); `NAME.rul` stands in for `NAME` when both exist.
 */
import { ConfigHost, joinPath } from './host';

export const SPLIT_SECTIONS = ['main', 'acl', 'router', 'transport', 'retry', 'rewrite', 'auth'] as const;
export type SplitSection = (typeof SPLIT_SECTIONS)[number];

const PART_NAME = /^[A-Za-z0-9_-]+$/;

/** True when the directory looks like a conf.d (has at least one of the section subdirectories). */
export function isSplitConfigDir(dir: string, host: ConfigHost): boolean {
  return SPLIT_SECTIONS.some((s) => host.isDirectory?.(joinPath(dir, s)));
}

/** The files update-exim4.conf would join, in order. */
export function splitConfigFiles(dir: string, host: ConfigHost): string[] {
  const files: string[] = [];
  for (const section of SPLIT_SECTIONS) {
    const sub = joinPath(dir, section);
    const names = host.listDirectory?.(sub);
    if (!names) continue;
    const sorted = [...names].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    const present = new Set(sorted);
    for (const name of sorted) {
      if (!PART_NAME.test(name)) continue;
      const path = joinPath(sub, name);
      if (host.isDirectory?.(path)) continue;
      files.push(present.has(name + '.rul') ? path + '.rul' : path);
    }
  }
  return files;
}

/**
 * For a file inside a split configuration (`.../conf.d/<section>/<file>`), the conf.d
 * directory; otherwise undefined.
 */
export function splitConfigRootOf(file: string): string | undefined {
  const m = /^(.*\/conf\.d)\/(main|acl|router|transport|retry|rewrite|auth)\/[^/]+$/.exec(file);
  return m ? m[1] : undefined;
}

/**
 * Debian's non-split configuration: update-exim4.conf writes exim4.conf.localmacros (when it
 * exists) and then exim4.conf.template into the configuration Exim runs, so macros the admin
 * sets there (MAIN_TLS_ENABLE, REMOTE_SMTP_SMARTHOST_HOSTS_REQUIRE_TLS, ...) hold in the
 * template. For a file named exim4.conf.template with a regular exim4.conf.localmacros beside
 * it, that file's path; otherwise undefined.
 */
export function debianLocalMacrosFor(file: string, host: ConfigHost): string | undefined {
  // A path with no directory ("exim4.conf.template", in the working directory) counts too.
  const m = /^(.*\/)?exim4\.conf\.template$/.exec(file);
  if (!m) return undefined;
  const macros = `${m[1] ?? ''}exim4.conf.localmacros`;
  return host.exists(macros) && !host.isDirectory?.(macros) ? macros : undefined;
}
