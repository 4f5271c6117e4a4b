/**
 * Hover text (Markdown) for options, macros, the names a configuration defines, ACL
 * words, retry errors and expansion variables.
 */
import { aclSetVariable, taintedAclVariables } from '../analysis/aclVariables';
import { ConfigModel, optionSectionOf, resolveOptionWord } from '../analysis/model';
import { aclItemsNamed } from '../analysis/valueSites';
import { onlyLoopback, tlsEnforcement, tlsPosture } from '../analysis/rules/tls';
import { tlsStartProblem } from '../analysis/rules/tlsSettings';
import { OptionInfo, OptionSectionKind } from '../options';
import { describeOption, scopeText, specChapter, SPEC_CHAPTERS } from '../optionDocs';
import { MacroDefinition } from '../syntax/reader';
import { Location, Position, Range } from '../syntax/source';
import { ConfigTree, DriverNode, OptionNode } from '../syntax/tree';
import { ACL_VERB_DOCS, aclConditions, aclModifiers, expansionConditions, expansionItems, expansionOperators, expansionVariables, RETRY_ERRORS, SyntaxInfo } from '../vocabulary';
import { expansionCondition, isKnownVariable } from '../syntaxData';
import { TAINTED_VARIABLES } from '../util/taint';
import { contextAt, inRange } from './context';
import { isAclOption, occurrenceAt, Occurrence, symbolOccurrences } from './navigation';

export interface HoverResult {
  /** Markdown. */
  markdown: string;
  range: Range;
}

const code = (s: string) => '`' + s.replace(/`/g, "'") + '`';
const where = (loc: Location) => `${code(loc.file.slice(loc.file.lastIndexOf('/') + 1))} line ${loc.range.start.line + 1}`;

export function hover(tree: ConfigTree, file: string, pos: Position): HoverResult | undefined {
  const occurrence = occurrenceAt(tree, file, pos);
  if (occurrence) {
    const markdown = symbolHover(tree, file, pos, occurrence);
    if (markdown) return { markdown, range: occurrence.loc.range };
  }
  const ctx = contextAt(tree, file, pos);
  const node = ctx.info?.node;
  if (node?.kind === 'option' && inRange(node.wordLoc.range, pos)) {
    const section = optionSectionOf(ctx.section);
    if (section) {
      const markdown = optionHover(section, node, ctx.driver);
      if (markdown) return { markdown, range: node.wordLoc.range };
    }
  }
  if (node?.kind === 'begin' && node.section.begin && inRange(node.section.begin.nameLoc.range, pos)) {
    return { markdown: sectionHover(node.section.kind), range: node.section.begin.nameLoc.range };
  }
  if (ctx.statement && ctx.info?.node === ctx.statement && inRange(ctx.statement.verbLoc.range, pos)) {
    const verb = ctx.statement.verb;
    return { markdown: `**ACL verb** ${code(verb)}\n\n${ACL_VERB_DOCS[verb] ?? ''}\n\n[Exim specification: ACL verbs](${SPEC_CHAPTERS.acl}#SECID200)`, range: ctx.statement.verbLoc.range };
  }
  for (const item of ctx.info?.aclItems ?? []) {
    if (!inRange(item.nameLoc.range, pos)) continue;
    const modifier = aclModifiers.find((m) => m.name === item.name);
    const condition = aclConditions.find((c) => c.name === item.name);
    const what = modifier ? 'ACL modifier' : condition ? 'ACL condition' : undefined;
    if (!what) return undefined;
    return { markdown: `**${what}** ${code((modifier ?? condition)!.syntax)}\n\n[Exim specification: access control lists](${SPEC_CHAPTERS.acl})`, range: item.nameLoc.range };
  }
  if (ctx.info?.node.kind === 'retry') {
    const rule = ctx.info.node;
    if (rule.error && inRange(rule.error.loc.range, pos)) {
      const name = rule.error.text;
      const known = RETRY_ERRORS.find((e) => e.name === name) ?? (/^(data|mail|rcpt)_4/.test(name) ? RETRY_ERRORS.find((e) => e.name === `${name.slice(0, 4)}_4xx`) : /^quota_/.test(name) ? RETRY_ERRORS.find((e) => e.name === 'quota_7d') : undefined);
      if (known) return { markdown: `**Retry error** ${code(name)}\n\n${known.doc}\n\n[Exim specification: retry configuration](${SPEC_CHAPTERS.retry}#SECID161)`, range: rule.error.loc.range };
    }
  }
  return variableHover(tree, file, pos) ?? conditionHover(tree, file, pos);
}

function sectionHover(kind: string): string {
  const links: Record<string, string> = {
    acl: SPEC_CHAPTERS.acl,
    routers: specChapter('routers'),
    transports: specChapter('transports'),
    authenticators: specChapter('authenticators'),
    retry: SPEC_CHAPTERS.retry,
    rewrite: SPEC_CHAPTERS.rewrite,
    local_scan: SPEC_CHAPTERS.localScan,
  };
  const what: Record<string, string> = {
    acl: 'Access control lists: named ACLs that the acl_smtp_* options run.',
    routers: 'Routers, tried in order for each address: which transport delivers it, and where.',
    transports: 'Transports: how a message is delivered (SMTP, a mailbox file, a pipe...).',
    authenticators: 'SMTP authenticators, for AUTH as a server and as a client.',
    retry: 'Retry rules: how long, and how often, temporary failures are retried.',
    rewrite: 'Address rewriting rules.',
    local_scan: 'Options of the local_scan() function compiled into Exim.',
  };
  return `**Section** ${code(kind)}\n\n${what[kind] ?? ''}\n\n[Exim specification](${links[kind] ?? SPEC_CHAPTERS.configFile})`;
}

function optionHover(section: OptionSectionKind, node: OptionNode, driver?: DriverNode): string | undefined {
  const resolved = resolveOptionWord(section, node.word, driver?.driverName);
  const info = resolved.info;
  if (!info) return undefined;
  return optionMarkdown(section, info, resolved.negated ? node.word : undefined);
}

export function optionMarkdown(section: OptionSectionKind, info: OptionInfo, negatedWord?: string): string {
  const lines: string[] = [];
  lines.push(`**${info.name}** — ${scopeText(section, info)}`);
  const facts = [`Type: ${code(info.type)}`];
  if (info.default !== undefined) facts.push(`Default: ${code(info.default)}`);
  if (info.expanded) facts.push('Expanded: yes');
  lines.push(facts.join(' · '));
  if (negatedWord) lines.push(`${code(negatedWord)} sets ${code(info.name)} to false.`);
  const description = describeOption(section, info);
  if (description) lines.push(description);
  const chapter = specChapter(section, info.scope === 'private' ? info.driver : undefined);
  const title = section === 'main' ? 'main configuration' : info.scope === 'private' ? `the ${info.driver} ${section.slice(0, -1)}` : `generic ${section.slice(0, -1)} options`;
  lines.push(`[Exim specification: ${title}](${chapter})`);
  return lines.join('\n\n');
}

function symbolHover(tree: ConfigTree, file: string, pos: Position, o: Occurrence): string | undefined {
  const all = symbolOccurrences(tree, file, pos);
  const defs = all.filter((x) => x.definition);
  const model = new ConfigModel(tree);
  switch (o.kind) {
    case 'macro':
      return macroHover(tree, o, defs);
    case 'transport': {
      const t = findDriver(tree, 'transports', o.name, defs);
      if (!t) return `**Transport** ${code(o.name)} — not defined in this configuration.`;
      const routers = model.routersUsing(t.name).map((r) => code(r.name));
      const parts = [`**Transport** ${code(t.name)}${t.driverName ? ` (${t.driverName})` : ''}`];
      const posture = postureSentence(model, t);
      if (posture) parts.push(posture);
      if (routers.length) parts.push(`Used by ${routers.length === 1 ? 'router' : 'routers'} ${routers.join(', ')}.`);
      parts.push(`Defined in ${where(t.nameLoc)}.`);
      return parts.join('\n\n');
    }
    case 'router': {
      const r = findDriver(tree, 'routers', o.name, defs);
      if (!r) return `**Router** ${code(o.name)} — not defined in this configuration.`;
      const transport = model.driverOption(r, 'transport')?.node.value.trim();
      return [`**Router** ${code(r.name)}${r.driverName ? ` (${r.driverName})` : ''}`, transport ? `Delivers with transport ${code(transport)}.` : undefined, `Defined in ${where(r.nameLoc)}.`]
        .filter(Boolean)
        .join('\n\n');
    }
    case 'authenticator': {
      const a = findDriver(tree, 'authenticators', o.name, defs);
      if (!a) return undefined;
      const publicName = model.driverOption(a, 'public_name')?.node.value.trim();
      return [`**Authenticator** ${code(a.name)}${a.driverName ? ` (${a.driverName})` : ''}`, publicName ? `AUTH mechanism ${code(publicName)}.` : undefined, `Defined in ${where(a.nameLoc)}.`].filter(Boolean).join('\n\n');
    }
    case 'acl': {
      const def = defs.find((d) => d.active) ?? defs[0];
      const runBy = all
        .filter((x) => !x.definition)
        .map((x) => optionAt(tree, x.loc))
        .filter((name): name is string => !!name && isAclOption(name));
      const parts = [`**ACL** ${code(o.name)}`];
      if (runBy.length) parts.push(`Run for ${[...new Set(runBy)].map(code).join(', ')}.`);
      parts.push(def ? `Defined in ${where(def.loc)}.` : 'Not defined in this configuration.');
      return parts.join('\n\n');
    }
    case 'namedList': {
      const def = defs.find((d) => d.active) ?? defs[0];
      const node = def && namedListAt(tree, def.loc);
      if (!node) return `**Named list** ${code(o.name)} — not defined in this configuration.`;
      return `**${node.listType}** ${code(node.name)}\n\n\`\`\`exim\n${node.listType} ${node.name} = ${node.value}\n\`\`\`\n\nDefined in ${where(node.nameLoc)}. [Exim specification: named lists](${SPEC_CHAPTERS.lists})`;
    }
  }
}

function macroHover(tree: ConfigTree, o: Occurrence, defs: Occurrence[]): string {
  let def: MacroDefinition | undefined;
  if (o.definition) def = tree.macros.find((d) => d.nameLoc === o.loc || (d.nameLoc.file === o.loc.file && d.nameLoc.range.start.line === o.loc.range.start.line && d.name === o.name));
  else {
    const use = tree.macroUses.find((u) => u.loc.file === o.loc.file && u.loc.range.start.line === o.loc.range.start.line && u.loc.range.start.character === o.loc.range.start.character);
    def = use?.definition ?? tree.macros.find((d) => d.name === o.name && d.active) ?? tree.macros.find((d) => d.name === o.name);
  }
  if (!def) return `**Macro** ${code(o.name)}\n\nBuilt into Exim (set by the binary for the features it was compiled with), or not defined in this configuration.`;
  const generated = tree.files.some((f) => f.path === def!.nameLoc.file && f.generated);
  const origin = generated ? `Generated by update-exim4.conf from ${where(def.nameLoc)}` : `Defined in ${where(def.nameLoc)}`;
  const parts = [`**Macro** ${code(def.name)}`, '```exim\n' + `${def.name} ${def.redefinition ? '==' : '='} ${def.value}` + '\n```', `${origin}${def.active ? '' : ' (in a skipped .ifdef branch)'}.`];
  if (defs.length > 1) parts.push(`${defs.length} definitions in this configuration (== redefinitions or .ifdef branches).`);
  return parts.join('\n\n');
}

function findDriver(tree: ConfigTree, section: 'routers' | 'transports' | 'authenticators', name: string, defs: Occurrence[]): DriverNode | undefined {
  const drivers: DriverNode[] = [];
  for (const s of tree.sections) if (s.kind === section) for (const i of s.items) if (i.kind === 'driver' && i.name === name) drivers.push(i);
  const active = drivers.find((d) => d.active);
  return active ?? drivers.find((d) => defs.some((x) => x.loc === d.nameLoc)) ?? drivers[0];
}

/** One honest sentence about what a transport does about TLS. */
export function postureSentence(model: ConfigModel, t: DriverNode): string | undefined {
  if (!t.driverName) return undefined;
  if (t.driverName !== 'smtp') {
    if (t.driverName === 'lmtp') return 'TLS: not applicable — the lmtp transport talks to a local LMTP server over a pipe or socket.';
    return `TLS: not applicable — an ${t.driverName} transport delivers on this machine, not over the network.`;
  }
  if (!t.active) return undefined;
  const sentence = postureOf(model, t);
  // Settings that keep TLS from starting change what every posture above means (measured).
  const broken = tlsStartProblem(model, t);
  if (!sentence || !broken) return sentence;
  const tryclear = model.booleanOption(t, 'tls_tempfail_tryclear') !== false;
  const outcome =
    tlsPosture(model, t) !== 'required' && tryclear
      ? 'messages to servers that offer STARTTLS go out in clear text as well'
      : 'deliveries to servers that offer STARTTLS are deferred';
  return `${sentence} **But TLS cannot start**: ${broken}, so ${outcome}.`;
}

function postureOf(model: ConfigModel, t: DriverNode): string | undefined {
  const posture = tlsPosture(model, t);
  const require = model.driverOption(t, 'hosts_require_tls')?.node.value.trim();
  const avoid = model.driverOption(t, 'hosts_avoid_tls')?.node.value.trim();
  switch (posture) {
    case 'required': {
      const by = tlsEnforcement(model, t)?.option;
      if (by === 'protocol')
        return 'TLS: **required** — TLS on connect (protocol = smtps): every connection starts with the TLS handshake, and when it fails the message is deferred, never sent in clear text.';
      if (by === 'hosts_require_dane')
        return `TLS: **required** — DANE is required of every host this transport delivers to (hosts_require_dane = ${code(model.driverOption(t, 'hosts_require_dane')?.node.value.trim() ?? '')}); a host without DANE gets no delivery, never one in clear text.`;
      return require === '*'
        ? 'TLS: **required** — every host must accept STARTTLS (hosts_require_tls = *); when TLS cannot be set up the message is deferred, never sent in clear text.'
        : `TLS: **required** — every host this transport delivers to must accept STARTTLS (hosts_require_tls = ${code(require ?? '')} covers them all); when TLS cannot be set up the message is deferred, never sent in clear text.`;
    }
    case 'local':
      return onlyLoopback(model, t) ? 'TLS: **local only** — this transport only delivers to this machine (loopback), so clear text never leaves the host.' : undefined;
    case 'avoided':
      return `TLS: **avoided** — no TLS is attempted with the hosts in hosts_avoid_tls (${code(avoid ?? '')}): mail to them always goes in clear text.`;
    case 'opportunistic':
      return require
        ? `TLS: **opportunistic** — required only for hosts in hosts_require_tls (${code(require)}); other servers that do not offer STARTTLS get the message in clear text.`
        : 'TLS: **opportunistic** — used when the server offers STARTTLS, but a server that does not offer it (or an attacker who strips it) gets the message in clear text.';
  }
}

/** The name of the option whose value holds a location (for "Run for acl_smtp_rcpt"). */
function optionAt(tree: ConfigTree, loc: Location): string | undefined {
  for (const s of tree.sections) {
    if (s.kind !== 'main') continue;
    for (const i of s.items) {
      if (i.kind === 'option' && i.valueLoc && i.valueLoc.file === loc.file && inRange(i.valueLoc.range, loc.range.start)) return i.word;
    }
  }
  return undefined;
}

function namedListAt(tree: ConfigTree, loc: Location) {
  for (const s of tree.sections) for (const i of s.items) if (i.kind === 'namedList' && i.nameLoc === loc) return i;
  return undefined;
}

/** A condition of `${if` (or one inside and/or/forall) under the position: `eq`, `match_ip`, `def`. */
function conditionHover(tree: ConfigTree, file: string, pos: Position): HoverResult | undefined {
  const text = tree.files.find((f) => f.path === file)?.lines[pos.line];
  if (!text) return undefined;
  const isWordChar = (c: string | undefined) => c !== undefined && /[A-Za-z0-9_<>=]/.test(c);
  let a = pos.character;
  let b = pos.character;
  while (a > 0 && isWordChar(text[a - 1])) a--;
  while (b < text.length && isWordChar(text[b])) b++;
  const word = text.slice(a, b);
  const info = word ? expansionCondition(word) : undefined;
  if (!info || !text.slice(0, a).includes('${')) return undefined;
  // A condition follows "${if", "{" or "!", and its arguments follow it.
  const before = text.slice(0, a).replace(/[ \t!]+$/, '');
  const after = text.slice(b).replace(/^[ \t]+/, '');
  if (!/\$\{\s*if$/.test(before) && !before.endsWith('{')) return undefined;
  if (!after.startsWith('{') && !after.startsWith(':') && info.kind !== 'none') return undefined;
  const syntax = expansionConditions.find((c) => c.name === word)?.syntax ?? `${word} {<string1>}{<string2>}`;
  const range = { start: { line: pos.line, character: a }, end: { line: pos.line, character: b } };
  return { markdown: [`**Expansion condition** ${code(syntax)}`, `[Exim specification: string expansions](${SPEC_CHAPTERS.expansions})`].join('\n\n'), range };
}

/**
 * An operator written with its numbers or type, which the manual's list names by its pattern:
 * ${length_3:}, ${substr_1_2:}, ${hash_3_4:}, ${nhash_10:}, ${eval10:}, ${quote_mysql:}.
 */
function operatorForm(name: string): SyntaxInfo | undefined {
  const quote = /^quote_([a-z0-9]+)/.exec(name);
  if (quote) return { name, syntax: `\${quote_<lookup type>:<string>}: the string quoted for a ${quote[1]} query` };
  if (/^eval10$/.test(name)) return expansionOperators.find((x) => x.name === 'eval');
  const numbered = /^(length|l|substr|s|hash|h|nhash|nh)_/.exec(name);
  if (!numbered) return undefined;
  const item = { l: 'length', s: 'substr', h: 'hash', nh: 'nhash' }[numbered[1]] ?? numbered[1];
  const form = expansionItems.find((x) => x.name === item);
  return form ? { name, syntax: `\${${name}:<string>}: the operator form of ${form.syntax}` } : undefined;
}

/** Where the configuration sets an ACL variable, and whether data of the message reaches it. */
function aclVariableNotes(tree: ConfigTree, file: string, name: string): string[] {
  const sets = aclItemsNamed(tree, 'set').filter(({ item }) => aclSetVariable(item)?.name === name);
  const notes: string[] = [];
  if (sets.length === 0) notes.push(`No ACL statement sets ${code(name)} in this configuration: it is empty.`);
  else {
    const shown = sets.slice(0, 5).map(({ item, acl }) => `- ${code(`set ${name} = ${item.value}`)} in ACL ${acl.name} (line ${item.nameLoc.range.start.line + 1}${item.nameLoc.file === file ? '' : ` of ${item.nameLoc.file}`})`);
    if (sets.length > 5) shown.push(`- and ${sets.length - 5} more`);
    notes.push(`Set by:\n${shown.join('\n')}`);
  }
  const taint = taintedAclVariables(tree).get(name);
  if (taint) notes.push(`Tainted: it is set from ${code(`$${taint.from}`)}, which comes from the message, so Exim 4.94 and later refuse it in file names and commands, at delivery too.`);
  return notes;
}

/** `$name` or `${name}` under the position. */
function variableHover(tree: ConfigTree, file: string, pos: Position): HoverResult | undefined {
  const src = tree.files.find((f) => f.path === file);
  const text = src?.lines[pos.line];
  if (!text) return undefined;
  for (const m of text.matchAll(/\$(\{)?([A-Za-z_][A-Za-z0-9_]*|[0-9]+)/g)) {
    const start = m.index!;
    const end = start + m[0].length;
    if (pos.character < start || pos.character > end) continue;
    if (start > 0 && text[start - 1] === '\\') continue;
    const name = m[2];
    const range = { start: { line: pos.line, character: start }, end: { line: pos.line, character: end } };
    if (m[1] && text[end] !== '}') {
      // `${local_part:...}` is an operator and `${lookup{...` an item, not the variable of that name.
      const op = text[end] === ':' ? expansionOperators.find((x) => x.name === name) ?? operatorForm(name) : expansionItems.find((x) => x.name === name);
      if (!op) return undefined;
      // Items written in several forms (${lookup} single-key or query-style, ${extract} by key or number) show each.
      const forms = op.forms;
      const syntax = forms && forms.length > 1 ? `\n\n${forms.map((f) => `- ${code(f)}`).join('\n')}` : ` ${code(op.syntax)}`;
      return { markdown: [`**Expansion ${text[end] === ':' ? 'operator' : 'item'}**${syntax}`, `[Exim specification: string expansions](${SPEC_CHAPTERS.expansions})`].join('\n\n'), range };
    }
    const v = expansionVariables.find((x) => (x.family ? name.startsWith(x.name) : x.name === name));
    if (!v) {
      // Known to this Exim but not described in the manual's list of variables.
      if (!isKnownVariable(name)) return undefined;
      const parts = [`**Expansion variable** ${code(`$${name}`)}`];
      if (/^\d+$/.test(name)) parts.push('A substring a regular expression match captured (`$0` is the whole match).');
      else if (TAINTED_VARIABLES.has(name)) parts.push('Tainted: its value may come from the sender or the client, so it cannot be used as a file name or command without de-tainting (e.g. through a lookup).');
      parts.push(`[Exim specification: expansion variables](${SPEC_CHAPTERS.expansions}#SECTexpvar)`);
      return { markdown: parts.join('\n\n'), range };
    }
    const label = v.family ? `$${v.name}…` : `$${v.name}`;
    const parts = [`**Expansion variable** ${code(label)}`];
    if (/^\d+$/.test(name)) parts.push('A substring a regular expression match captured (`$0` is the whole match).');
    if (/^acl_[cm][0-9_]/.test(name)) parts.push(...aclVariableNotes(tree, file, name));
    if (v.tainted) parts.push('Tainted: its value may come from the sender or the client, so it cannot be used as a file name or command without de-tainting (e.g. through a lookup).');
    parts.push(`[Exim specification: expansion variables](${SPEC_CHAPTERS.expansions}#SECTexpvar)`);
    return { markdown: parts.join('\n\n'), range };
  }
  return undefined;
}
