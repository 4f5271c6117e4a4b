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
  file(isDefined: (name: string) => boolean, markerLine: string): SourceFile | undefined;
}

interface Setting {
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

/** Shell builtins a line of the file may run without failing. */
const BUILTINS = new Set(['export', 'readonly', 'unset', 'set', 'true', 'false', ':', 'test', '[', 'echo', 'printf', 'local', 'umask']);

/**
 * One line as dash reads it (update-exim4.conf sources the file with `sh` under `set -e`):
 * the variables it assigns, in order, or why the shell stops there. Quotes, backslashes and
 * `$name` are resolved; a command substitution is left out (its value is unknown here).
 */
function shellLine(text: string, vars: Map<string, string>): { assigned: [string, string][] } | { fail: string; at: number } {
  const commands: string[][] = [[]];
  let word: string | undefined;
  const end = () => {
    if (word !== undefined) commands[commands.length - 1].push(word);
    word = undefined;
  };
  const dollar = (i: number): { text: string; next: number } | { fail: string; at: number } => {
    const braced = /^\$\{([A-Za-z_]\w*)(?:(:?[-=?+])[^}]*)?\}/.exec(text.slice(i));
    if (braced) return { text: vars.get(braced[1]) ?? '', next: i + braced[0].length };
    // ${name:...} with anything but :- := :? :+ is a substitution dash cannot read.
    if (/^\$\{[A-Za-z_]\w*:/.test(text.slice(i)) || text.startsWith('${', i)) return { fail: `cannot read "${text.slice(i, i + 12)}..." ("Bad substitution")`, at: i };
    const plain = /^\$([A-Za-z_]\w*)/.exec(text.slice(i));
    if (plain) return { text: vars.get(plain[1]) ?? '', next: i + plain[0].length };
    return { text: '$', next: i + 1 };
  };
  for (let i = 0; i < text.length; ) {
    const c = text[i];
    if (c === ' ' || c === '\t') {
      end();
      i++;
    } else if (c === '#' && word === undefined) break;
    else if (c === "'") {
      const close = text.indexOf("'", i + 1);
      if (close < 0) return { fail: 'finds a quoted string that never ends ("Syntax error")', at: i };
      word = (word ?? '') + text.slice(i + 1, close);
      i = close + 1;
    } else if (c === '"') {
      let j = i + 1;
      let out = '';
      while (j < text.length && text[j] !== '"') {
        if (text[j] === '\\' && '$`"\\'.includes(text[j + 1] ?? '')) {
          out += text[j + 1];
          j += 2;
        } else if (text[j] === '$') {
          const d = dollar(j);
          if ('fail' in d) return d;
          out += d.text;
          j = d.next;
        } else out += text[j++];
      }
      if (j >= text.length) return { fail: 'finds a quoted string that never ends ("Syntax error")', at: i };
      word = (word ?? '') + out;
      i = j + 1;
    } else if (c === '\\') {
      word = (word ?? '') + (text[i + 1] ?? '');
      i += 2;
    } else if (c === '$') {
      if (text[i + 1] === '(') return { assigned: [] };
      const d = dollar(i);
      if ('fail' in d) return d;
      word = (word ?? '') + d.text;
      i = d.next;
    } else if (c === ';') {
      end();
      commands.push([]);
      i++;
    } else if (c === '`') {
      // A command substitution: what it gives is unknown here, unless it never ends.
      if (text.indexOf('`', i + 1) < 0) return { fail: 'finds a "`" that is never closed ("EOF in backquote substitution")', at: i };
      return { assigned: [] };
    } else if ('|&<>()'.includes(c)) return { fail: `reads "${c}" as an operator, not as text`, at: i };
    else {
      word = (word ?? '') + c;
      i++;
    }
  }
  end();
  const assigned: [string, string][] = [];
  for (const words of commands) {
    let k = 0;
    for (; k < words.length; k++) {
      const m = /^([A-Za-z_]\w*)=([^]*)$/.exec(words[k]);
      if (!m) break;
      assigned.push([m[1], m[2]]);
      vars.set(m[1], m[2]);
    }
    if (k < words.length && !BUILTINS.has(words[k])) return { fail: `runs "${words[k]}" as a command ("${words[k]}: not found")`, at: Math.max(0, text.indexOf(words[k])) };
  }
  return { assigned };
}

/**
 * The settings of update-exim4.conf.conf, as the shell that sources it leaves them (quotes
 * removed, the last assignment wins), and its macro lines: a line that starts with an
 * upper-case letter becomes the macro of that name with the text after "=" as written (read
 * by `read`, which drops backslashes; the first such line wins). Lines the shell cannot get
 * through are problems (measured with update-exim4.conf: `NAME = value` gives "NAME: not
 * found" and exit 127, `NAME=${lc:...}` "Bad substitution" and exit 2, `a;b` runs b).
 */
function readSettings(path: string, text: string, problems: ReaderProblem[]): { settings: Map<string, Setting>; macroLines: Map<string, Setting> } {
  // (A quoted macro line is rules/debian.ts's: the quotes matter only where the macro is used.)
  const settings = new Map<string, Setting>();
  const macroLines = new Map<string, Setting>();
  const vars = new Map<string, string>();
  const lines = text.split('\n');
  for (let line = 0; line < lines.length; line++) {
    const text = lines[line].replace(/\r$/, '');
    const read = shellLine(text, vars);
    if ('fail' in read) {
      const hint = /^\s*[A-Za-z_]\w*\s+=/.test(text) ? '; write NAME=value with no space around "="' : '; put the value in single quotes, or an Exim expansion in a macro of the configuration (exim4.conf.localmacros, or a conf.d/main file)';
      problems.push({
        code: 'debian-settings-unreadable',
        message: `update-exim4.conf reads this file with the shell, which ${read.fail}, ${STOPS}${hint}`,
        loc: { file: path, range: range(line, read.at, line, text.length) },
        active: true,
      });
      // The shell stops here: nothing after this line is read.
      break;
    }
    for (const [name, value] of read.assigned) settings.set(name, { value, line });
    const upper = /^([A-Z][^=]*)=(.*)$/.exec(text);
    const name = upper?.[1].trim();
    if (upper && name && !macroLines.has(name)) macroLines.set(name, { value: upper[2].trim().replace(/\\(.)/g, '$1'), line });
  }
  const split = settings.get('dc_use_split_config');
  if (split && !['true', 'false', ''].includes(lowercase(split.value)) && problems.length === 0) {
    problems.push({
      code: 'debian-settings-unreadable',
      message: `dc_use_split_config must be true or false: update-exim4.conf stops with 'Invalid value for dc_use_split_config: "${split.value}"', ${STOPS}`,
      loc: { file: path, range: range(split.line, 0, split.line, lines[split.line].replace(/\r$/, '').length) },
      active: true,
    });
  }
  return { settings, macroLines };
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
  const { settings, macroLines } = readSettings(path, read.text, problems);
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
  // Compared as written, unlike the others (measured: 'True' makes no DC_minimaldns).
  if (get('dc_minimaldns') === 'true') seed('DC_minimaldns', '1', 'dc_minimaldns');
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
  for (const [name, s] of macroLines) if (name !== 'CFILEMODE') seed(name, s.value, name);

  const fileLines = read.text.split('\n').length;
  return {
    marker: GENERATED_MACROS_MARKER,
    path,
    problems,
    file(isDefined, markerLine) {
      // Each definition on the line of the setting it comes from, where that line is free;
      // the others after the file's own lines.
      const lines: string[] = new Array(fileLines).fill('');
      const seen = new Set<string>();
      for (const m of macros) {
        if (seen.has(m.name) || isDefined(m.name)) continue;
        seen.add(m.name);
        const at = m.from !== undefined ? (macroLines.get(m.from) ?? settings.get(m.from))?.line : undefined;
        // update-exim4.conf puts the block in with sed, whose replacement text reads "&" as
        // the marker line and drops a backslash (measured: "&" becomes "UPEX4CmacrosUPEX4C = 1").
        const definition = `${m.name}=${m.value.replace(/\\(.)|&/g, (_, c: string | undefined) => c ?? markerLine)}`;
        if (at !== undefined && lines[at] === '') lines[at] = definition;
        else lines.push(definition);
      }
      return new SourceFile(path, lines.join('\n') + '\n', true);
    },
  };
}
