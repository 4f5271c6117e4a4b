/**
 * The macros Debian's update-exim4.conf writes into the configuration Exim runs, from the
 * dc_* settings of update-exim4.conf.conf (debconf's answers): LOCAL_DELIVERY from
 * dc_localdelivery, DCconfig_<type> from dc_eximconfig_configtype, DCsmarthost,
 * MAIN_LOCAL_DOMAINS and the others. It inserts them, each inside `.ifndef NAME`, after
 * the line that starts with UPEX4CmacrosUPEX4C (in conf.d/main/01_exim4-config_listmacrosdefs
 * and in exim4.conf.template), so a macro the admin defined before that line wins. Reading
 * a split configuration or the template without them reads what update-exim4.conf does not
 * generate (`dc_localdelivery='maildir_home'` makes maildir_home the local transport).
 */
import { ConfigHost, dirname, joinPath } from './host';
import { ReaderProblem } from './syntax/reader';
import { range, SourceFile } from './syntax/source';

/** The line after which update-exim4.conf inserts its macros. */
export const GENERATED_MACROS_MARKER = 'UPEX4CmacrosUPEX4C';

/** Macros inserted after the marker line, built when the reader reaches it. */
export interface GeneratedMacros {
  marker: string;
  /** update-exim4.conf.conf, where the macros come from. */
  path: string;
  /** Lines of that file update-exim4.conf cannot get through (debian-settings-unreadable). */
  problems: ReaderProblem[];
  /**
   * The inserted text; `isDefined` tells the macros already defined there (the `.ifndef`).
   * Undefined for the configuration type "none", for which update-exim4.conf inserts nothing.
   */
  file(isDefined: (name: string) => boolean): SourceFile | undefined;
}

interface Setting {
  /** The shell's value; for a line that starts with an upper-case letter, the text after "=" as written. */
  value: string;
  line: number;
}

/**
 * update-exim4.conf's check_ascii_pipe, as sed runs it: in its bracket expression the
 * backslashes are literal and "\\]" ends the bracket, so what it replaces by "_" is a
 * character outside the set followed by "]" (in practice, almost nothing).
 */
const sanitize = (s: string): string => s.replace(/[^-0-9A-Za-z\\/.!*@_~:;< [\\]\]/g, '_');
/** lowercase(): the words of the value (the shell splits it), lower case, sanitised. */
const lowercase = (s: string): string => sanitize(s.trim().split(/\s+/).join(' ').toLowerCase());

const STOPS = 'and update-exim4.conf stops without writing the configuration Exim runs (the one it wrote before stays)';

/**
 * Shell assignments `name='value'` of update-exim4.conf.conf, which update-exim4.conf sources
 * with sh (dash, under `set -e`); lines it cannot get through are problems (measured with
 * update-exim4.conf: `NAME = value` gives "NAME: not found" and exit 127, `NAME=${lc:...}`
 * "Bad substitution" and exit 2; `NAME='x'` on a line that starts with an upper-case letter
 * makes the macro NAME with the value 'x', quotes included).
 */
function readSettings(path: string, text: string, problems: ReaderProblem[]): Map<string, Setting> {
  // (A quoted macro line is rules/debian.ts's: the quotes matter only where the macro is used.)
  const settings = new Map<string, Setting>();
  const unreadable = (message: string, line: number, start: number, end: number) =>
    problems.push({ code: 'debian-settings-unreadable', message, loc: { file: path, range: range(line, start, line, end) }, active: true });
  text.split('\n').forEach((raw, line) => {
    const text = raw.replace(/\r$/, '');
    // Outside single quotes, ${name:...} is a substitution dash cannot read (only :- := :? :+).
    const unquoted = text.replace(/'[^']*'/g, (q) => ' '.repeat(q.length));
    const bad = /\$\{[A-Za-z_]\w*:[^-=?+]/.exec(unquoted);
    if (bad && !/^\s*#/.test(text)) {
      unreadable(`update-exim4.conf reads this file with the shell, which cannot read "${text.slice(bad.index, bad.index + 12)}..." ("Bad substitution"), ${STOPS}; an Exim expansion belongs in a macro of the configuration (exim4.conf.localmacros, or a conf.d/main file)`, line, bad.index, text.length);
      return;
    }
    const spaced = /^\s*([A-Za-z_]\w*)\s+=/.exec(text);
    if (spaced) {
      unreadable(`update-exim4.conf reads this file with the shell, which runs "${spaced[1]}" as a command ("${spaced[1]}: not found"), ${STOPS}; write ${spaced[1]}=value with no space around "="`, line, text.indexOf(spaced[1]), text.length);
      return;
    }

    // A line that starts with an upper-case letter is a macro (update-exim4.conf's file2macros).
    const upper = /^([A-Z][^=]*)=(.*)$/.exec(text);
    if (upper) {
      settings.set(upper[1].trim(), { value: upper[2].trim(), line });
      return;
    }
    const m = /^\s*([A-Za-z_]\w*)=(.*)$/.exec(text);
    if (!m) return;
    const rest = m[2];
    let value: string;
    if (rest.startsWith("'")) value = rest.slice(1, rest.indexOf("'", 1) < 0 ? undefined : rest.indexOf("'", 1));
    else if (rest.startsWith('"')) value = rest.slice(1, rest.indexOf('"', 1) < 0 ? undefined : rest.indexOf('"', 1));
    else value = /^[^\s#;]*/.exec(rest)![0];
    settings.set(m[1], { value, line });
  });
  return settings;
}

/** The directory update-exim4.conf reads for this configuration (its -d), if it is Debian's layout. */
function debianConfigDir(configPath: string): string | undefined {
  const path = configPath.replace(/\/+$/, '');
  if (/(?:^|\/)conf\.d$/.test(path)) return dirname(path);
  if (/(?:^|\/)exim4\.conf\.template$/.test(path)) return path.includes('/') ? dirname(path) : '.';
  return undefined;
}

/**
 * The macros update-exim4.conf would generate for a conf.d directory or an
 * exim4.conf.template, when an update-exim4.conf.conf lies beside it; undefined otherwise, and
 * for the configuration type "none" (update-exim4.conf then generates nothing).
 */
export function debianGeneratedMacros(configPath: string, host: ConfigHost): GeneratedMacros | undefined {
  const dir = debianConfigDir(configPath);
  if (dir === undefined) return undefined;
  const path = joinPath(dir, 'update-exim4.conf.conf');
  const read = host.isDirectory?.(path) ? undefined : host.readFile(path);
  if (read?.kind !== 'file') return undefined;
  const problems: ReaderProblem[] = [];
  const settings = readSettings(path, read.text, problems);
  const get = (name: string) => settings.get(name)?.value ?? '';
  const type = lowercase(get('dc_eximconfig_configtype'));
  if (!['satellite', 'smarthost', 'local', 'internet'].includes(type)) return { marker: GENERATED_MACROS_MARKER, path, problems, file: () => undefined };

  // In update-exim4.conf's order; `from` is the setting each comes from (its line is where
  // the macro's definition is shown).
  const macros: { name: string; value: string; from?: string }[] = [];
  const seed = (name: string, value: string, from?: string) => macros.push({ name, value: lowercase(value), from });
  // dc_local_interfaces, dc_relay_nets and dc_relay_domains: ";" in the value makes it a "<;" list.
  const semicolonList = (value: string) => (value.includes(';') && !/^\s*</.test(value) ? `<; ${value}` : value);
  if (get('dc_local_interfaces') !== '') seed('MAIN_LOCAL_INTERFACES', semicolonList(get('dc_local_interfaces')), 'dc_local_interfaces');
  if (lowercase(get('dc_minimaldns')) === 'true') seed('DC_minimaldns', '1', 'dc_minimaldns');
  if ((type === 'satellite' || type === 'smarthost') && lowercase(get('dc_hide_mailname')) === 'true' && lowercase(get('dc_readhost')) !== '') seed('HIDE_MAILNAME', '1', 'dc_hide_mailname');
  const otherHostnames = lowercase(get('dc_other_hostnames'));
  seed('MAIN_LOCAL_DOMAINS', `@:localhost:${otherHostnames}`.replace(/[;: ]*$/, '').replace(/;/g, ':'), 'dc_other_hostnames');
  seed('MAIN_RELAY_TO_DOMAINS', semicolonList(get('dc_relay_domains')), 'dc_relay_domains');
  // The first word of /etc/mailname (empty when there is none, as update-exim4.conf leaves it).
  const mailname = host.readFile('/etc/mailname');
  const first = mailname.kind === 'file' ? mailname.text.split('\n')[0] : '';
  const word = /[-A-Za-z0-9@.]+/.exec(first);
  seed('ETC_MAILNAME', word ? first.slice(0, word.index + word[0].length) : first);
  seed('LOCAL_DELIVERY', get('dc_localdelivery') || 'mail_spool', 'dc_localdelivery');
  const relayNets = lowercase(semicolonList(get('dc_relay_nets')));
  seed('MAIN_RELAY_NETS', relayNets.startsWith('<;') ? `${relayNets} ; 127.0.0.1 ; ::1` : `${relayNets} : 127.0.0.1 : ::::1`, 'dc_relay_nets');
  seed('DCreadhost', get('dc_readhost'), 'dc_readhost');
  seed('DCsmarthost', lowercase(get('dc_smarthost')).replace(/;/g, ':'), 'dc_smarthost');
  seed('DC_eximconfig_configtype', type);
  seed(`DCconfig_${type}`, '1', 'dc_eximconfig_configtype');
  // Lines of the file that start with an upper-case letter become macros too, their values
  // as written (quotes stay).
  for (const [name, s] of settings) if (/^[A-Z]/.test(name) && name !== 'CFILEMODE') seed(name, s.value, name);

  const fileLines = read.text.split('\n').length;
  return {
    marker: GENERATED_MACROS_MARKER,
    path,
    problems,
    file(isDefined) {
      // Each definition on the line of the setting it comes from, where that line is free;
      // the others after the file's own lines.
      const lines: string[] = new Array(fileLines).fill('');
      const seen = new Set<string>();
      for (const m of macros) {
        if (seen.has(m.name) || isDefined(m.name)) continue;
        seen.add(m.name);
        const at = m.from !== undefined ? settings.get(m.from)?.line : undefined;
        const definition = `${m.name}=${m.value}`;
        if (at !== undefined && lines[at] === '') lines[at] = definition;
        else lines.push(definition);
      }
      return new SourceFile(path, lines.join('\n') + '\n', true);
    },
  };
}
