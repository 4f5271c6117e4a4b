// Re-parsing one changed option setting must give what a full parse gives: the same tree
// shape, ranges and findings, for random single-line edits of real and tricky configurations.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { analyze } from '../../server/src/core/analysis/analyze';
import { memoryHost } from '../../server/src/core/host';
import { builtinMacroValues, builtinMacros } from '../../server/src/core/options';
import { reparseChangedSetting } from '../../server/src/core/syntax/incremental';
import { parseText } from '../../server/src/core/syntax/parser';
import { Location, SourceFile } from '../../server/src/core/syntax/source';
import { ConfigTree, SectionItem } from '../../server/src/core/syntax/tree';
import { repoRoot } from '../support/paths';
import { rng } from '../support/random';

const PATH = '/c/exim.conf';
const host = memoryHost({});
const parse = (text: string) => parseText(PATH, text, host, { builtinMacros: builtinMacros(), builtinMacroValues: builtinMacroValues() });
const at = (l: Location | undefined) => (l ? `${l.file}:${l.range.start.line}.${l.range.start.character}-${l.range.end.line}.${l.range.end.character}` : '-');

function itemShape(i: SectionItem): unknown {
  switch (i.kind) {
    case 'option':
      return [i.kind, i.word, i.hide, i.hasValue, i.value, i.active, at(i.loc), at(i.wordLoc), at(i.valueLoc), at(i.hideLoc), i.line.text, i.line.firstLine, i.line.lastLine];
    case 'driver':
      return [i.kind, i.name, i.driverName, i.active, at(i.loc), at(i.nameLoc), i.options.map(itemShape)];
    default:
      return [i.kind, i.active, at(i.loc)];
  }
}
const shape = (t: ConfigTree) => ({
  sections: t.sections.map((s) => [s.kind, s.items.map(itemShape)]),
  lines: t.lines.map((l) => [l.text, l.file.path, l.firstLine, l.lastLine, l.active, at(l.location)]),
  files: t.files.map((f) => [f.path, f.lines.join('\n')]),
});
const findings = (t: ConfigTree) => JSON.stringify(analyze(t));

const TRICKY = `# settings of every kind around the lines that change
primary_hostname = mail.example.org
domainlist local_domains = @ : localhost
hide mysql_servers = a/b/c
SMTP_PORT = 25
.ifdef NOT_DEFINED
qualify_domain = skipped.example
.endif
log_selector = +tls_cipher \\
  +smtp_protocol_error

begin routers

dnslookup:
  driver = dnslookup
  domains = ! +local_domains
  transport = remote_smtp
  no_more

begin transports

remote_smtp:
  debug_print = before the driver
  driver = smtp
  port = SMTP_PORT
  hosts_require_tls = *
  tls_tempfail_tryclear = false
  dkim_domain = example.org

begin retry
*   *   F,2h,15m
`;

function bases(): [string, string][] {
  const root = repoRoot();
  const dir = join(root, 'test/fixtures/insecure');
  return [
    ['tricky', TRICKY],
    ['example', readFileSync(join(root, 'examples/exim.conf'), 'utf8')],
    ...readdirSync(dir).map((f): [string, string] => [f, readFileSync(join(dir, f), 'utf8')]),
  ];
}

const REPLACEMENTS = ['  port = 26', '  driver = smtp', 'other:', 'domainlist d = a', '  hide hosts = a', '# comment', '', '  FOO = bar', '  transport = x \\', 'begin acl', '.ifdef X', 'no_more', '  not_a_real_option = 1', '  hosts_require_tls = :', 'hide\vdomainlist x = y', 'hide\fhostlist h = a', 'r2\v:', 'other\f:'];
// Exim's blanks include vertical tab, form feed and carriage return, not only space and tab.
const CHARS = 'abcz019_ =:;*!$\t\v\f';

function edit(text: string, random: () => number): string {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const lines = text.split(eol);
  const n = Math.floor(random() * lines.length);
  const line = lines[n];
  const kind = Math.floor(random() * 4);
  const p = Math.floor(random() * (line.length + 1));
  const c = CHARS[Math.floor(random() * CHARS.length)];
  if (kind === 0) lines[n] = line.slice(0, p) + c + line.slice(p);
  else if (kind === 1) lines[n] = line.slice(0, p) + line.slice(p + 1);
  else if (kind === 2) lines[n] = line.slice(0, p) + c + line.slice(p + 1);
  else lines[n] = REPLACEMENTS[Math.floor(random() * REPLACEMENTS.length)];
  return lines.join(eol);
}

test('re-parsing one changed setting gives the tree and findings of a full parse', () => {
  const random = rng(7);
  let reused = 0;
  let total = 0;
  for (const [name, base] of bases()) {
    let text = base;
    for (let i = 0; i < 150; i++) {
      const next = edit(text, random);
      const incremental = reparseChangedSetting(parse(text), new SourceFile(PATH, next), host);
      total++;
      if (incremental) {
        reused++;
        const full = parse(next);
        assert.deepEqual(shape(incremental), shape(full), `${name}, edit ${i}: tree differs`);
        assert.equal(findings(incremental), findings(full), `${name}, edit ${i}: findings differ`);
      }
      text = next;
    }
  }
  // The narrow path must actually be taken often enough to be tested.
  assert.ok(reused >= 100, `only ${reused} of ${total} edits were re-parsed incrementally`);
});

test('changes that alter how later lines read are re-parsed in full', () => {
  const tree = () => parse(TRICKY);
  const replace = (from: string, to: string) => TRICKY.replace(from, to);
  // a value edit is re-parsed in place
  assert.ok(reparseChangedSetting(tree(), new SourceFile(PATH, replace('dkim_domain = example.org', 'dkim_domain = example.net')), host));
  // a new driver =, a continuation, a macro, a named list, a new driver name, a second line, a comment
  for (const [from, to] of [
    ['  port = SMTP_PORT', '  driver = pipe'],
    ['  dkim_domain = example.org', '  dkim_domain = example.org \\'],
    ['  dkim_domain = example.org', '  dkim_domain = SMTP_PORT'],
    ['primary_hostname = mail.example.org', 'domainlist primary_hostname = a'],
    ['  dkim_domain = example.org', 'dkim_domain:'],
    ['  dkim_domain = example.org', '  dkim_domain = a\n  port = 1'],
    ['  dkim_domain = example.org', '# dkim_domain = example.org'],
    ['  no_more', '  no_mor'],
    ['primary_hostname = mail.example.org', 'hide\vdomainlist x = y'],
    ['  dkim_domain = example.org', 'other\v:'],
  ]) {
    const changed = replace(from, to);
    const result = reparseChangedSetting(tree(), new SourceFile(PATH, changed), host);
    if (result) {
      // Allowed only when it is indistinguishable from a full parse.
      assert.equal(findings(result), findings(parse(changed)), `${from} -> ${to}`);
    }
  }
  assert.equal(reparseChangedSetting(tree(), new SourceFile(PATH, replace('  port = SMTP_PORT', '  driver = pipe')), host), undefined);
  assert.equal(reparseChangedSetting(tree(), new SourceFile(PATH, replace('  dkim_domain = example.org', '  dkim_domain = example.org \\')), host), undefined);
  assert.equal(reparseChangedSetting(tree(), new SourceFile(PATH, replace('  dkim_domain = example.org', 'dkim_domain:')), host), undefined);
  assert.equal(reparseChangedSetting(tree(), new SourceFile(PATH, replace('  dkim_domain = example.org', 'dkim_domain\f:')), host), undefined);
  assert.equal(reparseChangedSetting(tree(), new SourceFile(PATH, replace('primary_hostname = mail.example.org', 'hide\vdomainlist x = y')), host), undefined);
  assert.equal(reparseChangedSetting(tree(), new SourceFile(PATH, replace('  dkim_domain = example.org', '  dkim_domain = a\n  port = 1')), host), undefined);
});

test('an include that has appeared since the last parse forces a full parse', () => {
  const text = '.include_if_exists /c/local\nprimary_hostname = a.example\n';
  const files: Record<string, string> = {};
  const h = memoryHost(files);
  const reparse = () => reparseChangedSetting(parseText(PATH, text, h, { builtinMacros: builtinMacros(), builtinMacroValues: builtinMacroValues() }), new SourceFile(PATH, text.replace('a.example', 'c.example')), h);
  assert.ok(reparse(), 'still missing: the change is re-parsed in place');
  const before = parseText(PATH, text, h, { builtinMacros: builtinMacros(), builtinMacroValues: builtinMacroValues() });
  files['/c/local'] = 'qualify_domain = b.example\n';
  assert.equal(reparseChangedSetting(before, new SourceFile(PATH, text.replace('a.example', 'c.example')), h), undefined);
});
