/**
 * Tainted data where Exim 4.94 and later refuse it. Values that come from the message
 * (`$local_part`, `$domain`, the sender's address: util/taint.ts) are tainted; a router's
 * check or lookup sets untainted copies (`$local_part_data`, `$domain_data`). `exim -bV`
 * accepts them all; measured with deliveries in a spool of their own:
 *  - an appendfile `file` or `directory`: 'Tainted '/var/mail/bob' (file or directory name
 *    for t transport) not permitted', every delivery defers (unless create_file names a
 *    directory above it, which de-taints the path);
 *  - a pipe `command` argument (without use_shell): 'Tainted arg 2 for t transport command',
 *    the address fails and the message bounces;
 *  - a redirect router's `file`: 'Tainted name ... for file read not permitted', each address
 *    it reads the file for defers;
 *  - an autoreply `file` or `once`: 'Tainted ... (file for t transport) not permitted'; its
 *    `log`: 'Tainted filename', nothing is logged and the reply is still sent;
 *  - the file name of a single-key lookup (lsearch, cdb, dbm ...) or of ${readfile}:
 *    'Tainted filename for search', the panic log says so and the whole expansion fails (a
 *    router condition then skips the router; other settings make the delivery defer or
 *    fail: an autoreply option bounces the address);
 *  - an smtp transport's DKIM key file: the message goes out unsigned (dkimKeyFile());
 *  - a queryprogram router's `command` argument: 'Tainted arg 2 for queryprogram router
 *    command', the address defers;
 *  - a redirect router's `data` with an `:include:` item and data of the message anywhere in
 *    it: Exim 4.96 dies ('Taint mismatch, Ustrncpy: parse_forward_list').
 */
import { LogicalLine } from '../../syntax/logicalLine';
import { MacroDefinition } from '../../syntax/reader';
import { Location } from '../../syntax/source';
import { DriverNode, OptionNode } from '../../syntax/tree';
import { writtenText } from '../../util/sourceText';
import { stringSetting } from '../../util/stringSetting';
import { ifExistsParts, pathComponents, taintedVariableIn, taintedVariableInResult } from '../../util/taint';
import { Fix, Rule, RuleContext } from '../types';
import { detaintedByCreateFile } from './deliveryValues';
import { scannedProblems } from './expansions';
import { taintedAclVariables, taintSource } from '../aclVariables';

/** Router options that name the transport for addresses a redirect generates. */
const GENERATED_TRANSPORT_OPTIONS = ['file_transport', 'pipe_transport', 'directory_transport', 'reply_transport'];

/** The untainted copy a router sets, where there is one. */
function untaintedCopy(variable: string): string {
  if (/^acl_[cm]/.test(variable)) return `a lookup's result, or set $${variable} from one`;
  return variable === 'local_part' || variable === 'domain' ? `$${variable}_data, which a router's check or lookup sets` : 'a value a router\'s check or lookup sets (such as $local_part_data)';
}

/**
 * An smtp transport's dkim_private_key naming a file from data of the message, directly or
 * through $dkim_domain or $dkim_selector when those options are built from it (measured:
 * "Tainted filename '/etc/exim4/dkim/example.com.pem'" and "unable to open file for reading"
 * in the main and panic logs; the message goes out unsigned, or with dkim_strict the
 * delivery defers). A lookup result names the file untainted.
 */
function dkimKeyFile(ctx: RuleContext, t: DriverNode, lookupLines: ReadonlySet<LogicalLine>): void {
  const node = ctx.model.optionNode(t, 'dkim_private_key');
  const value = node?.hasValue ? stringSetting(node.value) : undefined;
  if (!node || value === undefined || !value.includes('/') || lookupLines.has(node.line)) return;
  // $dkim_domain and $dkim_selector carry the taint of the options that set them.
  const via = new Map<string, string>();
  for (const option of ['dkim_domain', 'dkim_selector']) {
    const set = ctx.model.optionNode(t, option);
    const from = set?.hasValue ? taintedVariableIn(stringSetting(set.value)) : undefined;
    if (from) via.set(option, from);
  }
  const variable = taintedVariableInResult(value, new Set(via.keys()));
  if (!variable) return;
  const strict = /^(?:true|yes|1)$/i.test(stringSetting(ctx.model.optionNode(t, 'dkim_strict')?.value ?? '').trim());
  const source = via.has(variable) ? ` (${variable} = ${stringSetting(ctx.model.optionNode(t, variable)!.value)}, which uses $${via.get(variable)})` : '';
  const loc = node.valueLoc ?? node.wordLoc;
  const fix = keyPathFix(ctx, node, new Set(via.keys()));
  ctx.report({
    fixes: fix ? [{ title: `Name the key file through a dsearch lookup (untainted)${fix.macro ? ` in macro ${fix.macro}` : ''}`, edits: [{ file: fix.loc.file, range: fix.loc.range, newText: fix.text }], isPreferred: true }] : undefined,
    message:
      `dkim_private_key = ${value} uses $${variable}${source}, which comes from the message: Exim 4.94 and later refuse to open a key file by a tainted name ("Tainted filename", in the panic log) ` +
      `and ${strict ? 'defer every delivery through the transport, as dkim_strict is set' : `send every message through ${t.name} transport unsigned`}; name the file through a lookup, such as \${lookup{$dkim_domain}dsearch{/etc/exim4/dkim}}`,
    loc,
    active: node.active,
    data: { option: node.word, variable, transport: t.name },
  });
}

/**
 * Where to write the key path through a lookup: the option's value when it is written out,
 * or else the definition of a macro it uses (through other macros too) whose value is the
 * path, as VestaCP and HestiaCP write it (`DKIM_FILE = /etc/exim4/domains/${lc:...}/dkim.pem`,
 * `DKIM_PRIVATE_KEY = ${if exists{DKIM_FILE}{DKIM_FILE}{0}}`, `dkim_private_key =
 * DKIM_PRIVATE_KEY`): the new value is a path or nothing, wherever the macro stands.
 */
function keyPathFix(ctx: RuleContext, node: OptionNode, alsoTainted: ReadonlySet<string>): { loc: Location; text: string; macro?: string } | undefined {
  if (node.valueLoc && writtenAsIs(ctx, node.valueLoc, node.value)) {
    const text = untaintedKeyPath(node.value, alsoTainted);
    return text ? { loc: node.valueLoc, text } : undefined;
  }
  const seen = new Set<MacroDefinition>();
  let lines: LogicalLine[] = [node.line];
  for (let depth = 0; depth < 4 && lines.length > 0; depth++) {
    const next: LogicalLine[] = [];
    for (const use of ctx.tree.macroUses) {
      const def = use.definition;
      const at = use.loc.range.start.line;
      if (!def || seen.has(def) || !lines.some((l) => l.file.path === use.loc.file && at >= l.firstLine && at <= l.lastLine)) continue;
      seen.add(def);
      if (writtenAsIs(ctx, def.valueLoc, def.value)) {
        const text = untaintedKeyPath(def.value, alsoTainted);
        if (text) return { loc: def.valueLoc, text, macro: def.name };
      }
      next.push(def.line);
    }
    lines = next;
  }
  return undefined;
}

/**
 * Whether the text at `loc` is `value` as written, with no macro in it: on one line, or on
 * continued lines that join into it (the backslash and the next line's leading space go).
 */
function writtenAsIs(ctx: RuleContext, loc: Location, value: string): boolean {
  const file = ctx.tree.files.find((f) => f.path === loc.file);
  const { start, end } = loc.range;
  if (!file || file.generated) return false;
  let joined = '';
  for (let n = start.line; n <= end.line; n++) {
    let text = file.lines[n] ?? '';
    if (n === end.line) text = text.slice(0, end.character);
    if (n === start.line) text = text.slice(start.character);
    else text = text.replace(/^[ \t]+/, '');
    if (n < end.line) {
      text = text.replace(/[ \t]+$/, '');
      if (!text.endsWith('\\')) return false;
      text = text.slice(0, -1);
    }
    joined += text;
  }
  return joined === value;
}

/**
 * A DKIM key path with the data of the message taken through a dsearch lookup, which returns
 * the directory entry's name untainted (measured: the message is signed):
 * `/etc/dkim/${dkim_domain}.pem` becomes
 * `${lookup{${dkim_domain}.pem}dsearch{/etc/dkim}{/etc/dkim/$value}}`, and with no such file
 * the value is empty and nothing is signed, as `${if exists}` intends (its string for no
 * file becomes the lookup's). A tainted directory
 * (`/etc/exim4/domains/$domain/dkim.pem`) is looked up as a directory (filter=dir), and the
 * `${if exists{...}}` around it is kept for the file below it. Undefined when the path has
 * another shape (data of the message in two places, no fixed directory before it, quotes).
 */
function untaintedKeyPath(value: string, alsoTainted: ReadonlySet<string>): string | undefined {
  const parts = ifExistsParts(value);
  if (parts && (parts.test.trim() !== parts.yes.trim() || (parts.no !== undefined && parts.no.includes('$')))) return undefined;
  const path = (parts ? parts.yes : value).trim();
  if (!path.startsWith('/')) return undefined;
  const components = pathComponents(path);
  const at = components.findIndex((c) => taintedVariableIn(c, 0, c.length, alsoTainted) !== undefined);
  if (at < 2 || components.slice(0, at).some((c) => c.includes('$') || c.includes('{') || c.includes('}'))) return undefined;
  const rest = components.slice(at + 1);
  if (rest.some((c) => taintedVariableIn(c, 0, c.length, alsoTainted) !== undefined)) return undefined;
  const dir = components.slice(0, at).join('/');
  const file = [`${dir}/$value`, ...rest].join('/');
  const lookup = `\${lookup{${components[at]}}dsearch${rest.length ? ',filter=dir' : ''}{${dir}}{${file}}`;
  if (parts && rest.length > 0) return `\${if exists{${lookup}}}{${lookup}}}{${parts.no ?? ''}}}`;
  // The lookup tests the file itself; what `${if exists}` gave without it is its fail string.
  return parts?.no !== undefined ? `${lookup}{${parts.no}}}` : `${lookup}}`;
}

/**
 * `${lookup sqlite {/db SELECT ...}}` becomes `${lookup sqlite,file=/db {SELECT ...}}`, the
 * file written as it is in the source (a macro such as the Exim wiki's GREYDB stays a macro).
 * Measured: the lookup then runs with the message's data in the query. Undefined where the
 * text between the type and the query is not on one line as read.
 */
function sqliteFileFix(ctx: RuleContext, line: LogicalLine, offset: number, fileStart: number, fileEnd: number, at: { typeEnd: number; queryStart: number }): Fix | undefined {
  const fileLoc = line.locate(offset + fileStart, offset + fileEnd);
  const whole = line.locate(offset + at.typeEnd, offset + at.queryStart);
  const file = writtenText(ctx.tree, fileLoc);
  if (file === undefined || fileLoc.file !== whole.file || fileLoc.range.start.line !== whole.range.start.line) return undefined;
  // As read, the text is the same but for the file (which a macro may have written).
  const asRead = line.text.slice(offset + at.typeEnd, offset + fileStart) + file + line.text.slice(offset + fileEnd, offset + at.queryStart);
  if (writtenText(ctx.tree, whole) !== asRead) return undefined;
  return { title: `Name the file in a file= option: sqlite,file=${file}`, edits: [{ file: whole.file, range: whole.range, newText: `,file=${file} {` }], isPreferred: true };
}

const taintedData: Rule = {
  id: 'tainted-data',
  defaultSeverity: 'warning',
  title: 'data from the message ($local_part, $domain) where Exim 4.94 and later refuse it: a mailbox path, a pipe argument, a redirect file, a lookup file name',
  check(ctx: RuleContext) {
    const report = (node: OptionNode, variable: string, effect: string, extra: Record<string, unknown>) => {
      const source = taintSource(ctx.tree, variable);
      ctx.report({
        message: `${node.word} = ${stringSetting(node.value)} uses $${variable}${source.note}, which comes from the message: ${effect}; use ${untaintedCopy(variable)}`,
        loc: node.valueLoc ?? node.wordLoc,
        active: node.active,
        related: source.related,
        data: { option: node.word, variable, ...extra },
      });
    };
    // ACL variables set from data of the message keep its taint, at delivery too.
    const acl = taintedAclVariables(ctx.tree);
    const setting = (node: OptionNode | undefined): string | undefined => (node && node.hasValue ? stringSetting(node.value) : undefined);

    // Lines where a lookup's file name is tainted: Exim fails there first, so the setting's own
    // taint is not reported again (measured: "Expansion of ... failed", not "Tainted ...").
    const lookupLines = new Set<LogicalLine>();
    for (const { t, p } of scannedProblems(ctx, 'tainted')) {
      lookupLines.add(t.line);
      const fix = p.sqliteFile ? sqliteFileFix(ctx, t.line, t.offset, p.start, p.end, p.sqliteFile) : undefined;
      ctx.report({ message: p.message, loc: t.line.locate(t.offset + p.start, t.offset + p.end), active: t.active, fixes: fix ? [fix] : undefined, related: taintSource(ctx.tree, p.name).related });
    }

    if (['file', 'directory', 'command', 'once', 'data', 'dkim_private_key'].some((o) => ctx.model.mayHaveOption(o))) {
      // A transport that only redirect-generated addresses reach (file_transport = t, with no
      // router's transport = t) delivers to the generated file or pipe: its own file or
      // command is not used (measured for pipe_transport).
      const generatedOnly = (name: string) => ctx.model.routersUsing(name).length === 0 && ctx.model.activeDrivers('routers').some((r) => GENERATED_TRANSPORT_OPTIONS.some((o) => setting(ctx.model.optionNode(r, o))?.trim() === name));
      for (const t of ctx.model.activeDrivers('transports')) {
        if (generatedOnly(t.name)) continue;
        if (t.driverName === 'autoreply') {
          // Measured: "Tainted '...' (file for t transport) not permitted", and the once file
          // likewise; a log file: "Tainted filename '...'", no log is written, the reply is sent.
          for (const name of ['file', 'once', 'log']) {
            const node = ctx.model.optionNode(t, name);
            const value = setting(node);
            const variable = value === undefined || lookupLines.has(node!.line) ? undefined : taintedVariableIn(value, 0, value.length, acl);
            if (!node || !variable) continue;
            const effect =
              name === 'log'
                ? `Exim 4.94 and later refuse to open a log file by a tainted name ('Tainted filename') and log nothing; the replies through ${t.name} transport are still sent`
                : `Exim 4.94 and later refuse a tainted ${name === 'once' ? 'once file' : 'file'} name ('Tainted ... not permitted') and defer every autoreply through ${t.name} transport`;
            report(node, variable, effect, { transport: t.name });
          }
        } else if (t.driverName === 'appendfile') {
          const create = setting(ctx.model.optionNode(t, 'create_file'));
          for (const name of ['file', 'directory']) {
            const node = ctx.model.optionNode(t, name);
            const value = setting(node);
            if (!node || value === undefined || !value.startsWith('/') && !value.startsWith('$')) continue;
            const variable = detaintedByCreateFile(value, create) || lookupLines.has(node.line) ? undefined : taintedVariableIn(value, 0, value.length, acl);
            if (variable) report(node, variable, `Exim 4.94 and later refuse a tainted file or directory name ('Tainted ... not permitted') and defer every delivery through ${t.name} transport`, { transport: t.name });
          }
        } else if (t.driverName === 'smtp') {
          dkimKeyFile(ctx, t, lookupLines);
        } else if (t.driverName === 'pipe' && ctx.model.booleanOption(t, 'use_shell') !== true) {
          const node = ctx.model.optionNode(t, 'command');
          const value = setting(node);
          const variable = value === undefined ? undefined : taintedVariableIn(value, 0, value.length, acl);
          const which = variable === 'local_part_prefix' || variable === 'local_part_suffix' ? `each delivery through ${t.name} transport whose address has a ${variable === 'local_part_prefix' ? 'prefix' : 'suffix'} fails` : `every delivery through ${t.name} transport fails`;
          if (node && variable && !lookupLines.has(node.line)) report(node, variable, `Exim 4.94 and later refuse a tainted argument ('Tainted arg N for ${t.name} transport command'), and ${which}: the message bounces`, { transport: t.name });
        }
      }
      for (const r of ctx.model.activeDrivers('routers')) {
        if (r.driverName === 'queryprogram') {
          // Measured: 'Tainted arg 2 for queryprogram router command', the address defers.
          const node = ctx.model.optionNode(r, 'command');
          const value = setting(node);
          const variable = value === undefined ? undefined : taintedVariableIn(value, 0, value.length, acl);
          if (node && variable && !lookupLines.has(node.line)) report(node, variable, `Exim 4.94 and later refuse a tainted argument ('Tainted arg N for queryprogram router command'), and the ${r.name} router defers every address it runs the command for`, { router: r.name });
          continue;
        }
        if (r.driverName !== 'redirect') continue;
        const data = ctx.model.optionNode(r, 'data');
        const dataValue = setting(data);
        // Data of the message anywhere in a list with an :include: item: Exim 4.96 dies copying
        // the list (measured: "Taint mismatch, Ustrncpy: parse_forward_list" in the panic log;
        // the message stays on the queue, and an SMTP session that verifies the recipient ends
        // without an answer to RCPT). A lookup's result is untainted.
        const includeTaint = dataValue?.includes(':include:') ? taintedVariableIn(dataValue, 0, dataValue.length, acl) : undefined;
        if (data && includeTaint && !lookupLines.has(data.line)) {
          report(
            data,
            includeTaint,
            `with an :include: item in the same list, Exim 4.96 dies while it routes the address ("Taint mismatch, Ustrncpy: parse_forward_list" in the panic log): the message stays on the queue and is never delivered, and an SMTP session that verifies the recipient ends without an answer`,
            { router: r.name },
          );
          continue;
        }
        // A pipe the data generates, its command built from the message (measured: 'Tainted
        // '/bin/true' (command for t2 transport) not permitted', the address defers).
        const items = dataValue?.split(/[,\n]/) ?? [];
        for (const item of items) {
          const pipe = item.trim();
          const variable = pipe.startsWith('|') ? taintedVariableIn(pipe, 0, pipe.length, acl) : undefined;
          if (!data || !variable || lookupLines.has(data.line)) continue;
          report(data, variable, `the pipe it generates ("${pipe}") is a command built from the message, which Exim 4.94 and later refuse ('Tainted ... (command for ... transport) not permitted'): the address defers`, { router: r.name });
          break;
        }
        const node = ctx.model.optionNode(r, 'file');
        const value = setting(node);
        const variable = value === undefined ? undefined : taintedVariableIn(value, 0, value.length, acl);
        if (node && variable && !lookupLines.has(node.line)) report(node, variable, `Exim 4.94 and later refuse to read a file by a tainted name ('Tainted name ... for file read not permitted'), and the ${r.name} router defers each address it reads the file for`, { router: r.name });
      }
    }
  },
};

const lookupQueryUnquoted: Rule = {
  id: 'lookup-query-unquoted',
  defaultSeverity: 'warning',
  title: 'data of the message in a mysql, pgsql or ldap query without the lookup\'s quote operator: logged as a panic at every lookup, and open to injection',
  check(ctx: RuleContext) {
    for (const { t, p } of scannedProblems(ctx, 'unquoted-query')) {
      if (!p.unquoted) continue;
      // Each reference wrapped where it is written as read.
      const edits = p.unquoted.map(({ start, end, operator }) => {
        const loc = t.line.locate(t.offset + start, t.offset + end);
        const text = t.line.text.slice(t.offset + start, t.offset + end);
        return writtenText(ctx.tree, loc) === text ? { file: loc.file, range: loc.range, newText: `\${${operator}:${text}}` } : undefined;
      });
      const operators = [...new Set(p.unquoted.map((u) => `\${${u.operator}:...}`))].join(' and ');
      const fix = edits.every((e) => e !== undefined) ? { title: `Quote the data of the message with ${operators}`, edits: edits as Fix['edits'], isPreferred: true } : undefined;
      ctx.report({ message: p.message, loc: t.line.locate(t.offset + p.start, t.offset + p.end), active: t.active, fixes: fix ? [fix] : undefined, related: taintSource(ctx.tree, p.name).related });
    }
  },
};

export const taintRules: Rule[] = [taintedData, lookupQueryUnquoted];
