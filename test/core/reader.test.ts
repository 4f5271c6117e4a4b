import { test } from 'node:test';
import { ruleMeta } from '../../server/src/core/analysis/registry';
import assert from 'node:assert/strict';
import { memoryHost } from '../../server/src/core/host';
import { parseText } from '../../server/src/core/syntax/parser';
import { Location } from '../../server/src/core/syntax/source';
import { rng } from '../support/random';

const parse = (text: string, files: Record<string, string> = {}, builtinMacros: string[] = []) => parseText('/c/exim.conf', text, memoryHost(files), { builtinMacros });
/** [startLine, startChar, endLine, endChar] */
const at = (l: Location) => [l.range.start.line, l.range.start.character, l.range.end.line, l.range.end.character];

test('comment lines only where # is the first non-blank character', () => {
  const t = parse('# a comment\n   # indented comment\nqualify_domain = a#b\n');
  assert.equal(t.lines.length, 1);
  assert.equal(t.lines[0].text, 'qualify_domain = a#b');
  assert.deepEqual(t.comments.map(at), [
    [0, 0, 0, 11],
    [1, 0, 1, 21],
  ]);
});

test('continuation lines join with leading white space removed and map back to each physical line', () => {
  const t = parse('acl_smtp_rcpt = ${if eq{1}{1} \\\n    {acl_a}\\\n  {acl_b}}\nx = 1\n');
  assert.equal(t.lines[0].text, 'acl_smtp_rcpt = ${if eq{1}{1} {acl_a}{acl_b}}');
  const line = t.lines[0];
  const i = line.text.indexOf('{acl_a}');
  assert.deepEqual(at(line.locate(i, i + 7)), [1, 4, 1, 11]);
  const j = line.text.indexOf('{acl_b}');
  assert.deepEqual(at(line.locate(j, j + 7)), [2, 2, 2, 9]);
  assert.equal(line.firstLine, 0);
  assert.equal(line.lastLine, 2);
});

test('comment lines inside a continuation are dropped; a blank line ends it', () => {
  const t = parse('a = 1 \\\n# comment\n  2\nb = x \\\n\nc = 3\n');
  assert.deepEqual(
    t.lines.map((l) => l.text),
    ['a = 1 2', 'b = x', 'c = 3'],
  );
});

test('a comment line that ends the configuration inside a continuation is joined, as Exim joins it', () => {
  // Measured with exim -bV: "split_spool_directory = true \\" then "# x" at the end of the
  // file is refused on line 2 ("extra characters follow"); one more line after the comment
  // (blank or not) and the comment is skipped.
  assert.deepEqual(parse('a = 1 \\\n# x\n').lines.map((l) => l.text), ['a = 1 # x']);
  assert.deepEqual(parse('a = 1 \\\n# x\n# y\n').lines.map((l) => l.text), ['a = 1 # y']);
  assert.deepEqual(parse('a = 1 \\\n# x\n\n').lines.map((l) => l.text), ['a = 1']);
  assert.deepEqual(parse('a = 1 \\\n# x\nb = 2\n').lines.map((l) => l.text), ['a = 1 b = 2']);
  const t = parse('a = 1 \\\n# x\n');
  assert.equal(t.lines[0].lastLine, 1);
  assert.deepEqual(t.comments, []);
  // At the end of an included file reading goes on in the including one.
  const inc = parse('.include /c/part\nb = 2\n', { '/c/part': 'a = 1 \\\n# x\n' });
  assert.deepEqual(inc.lines.map((l) => l.text), ['a = 1 b = 2']);
});

test('built-in macros are replaced by their values: "y", or their own text where Exim has one', () => {
  const t = parseText('/c/exim.conf', 'a = _HAVE_TLS\nb = _DKIM_SIGN_HEADERS\n', memoryHost({}), {
    builtinMacros: ['_HAVE_TLS', '_DKIM_SIGN_HEADERS'],
    builtinMacroValues: { _DKIM_SIGN_HEADERS: 'From:Sender' },
  });
  assert.deepEqual(t.lines.map((l) => l.text), ['a = y', 'b = From:Sender']);
});

test('continued lines end as the line buffer of Exim ends them (measured with exim -bV)', () => {
  const texts = (text: string, files: Record<string, string> = {}) => parse(text, files).lines.filter((l) => l.active).map((l) => l.text);
  // A blank line after "x\\" (one backslash removed, one left) does not end the line.
  assert.deepEqual(texts('a = 1\\\\\n\nb = 2\n'), ['a = 1b = 2']);
  assert.deepEqual(texts('a = 1 \\\n  \\\n\nb = 2\n'), ['a = 1', 'b = 2']);
  // A lone backslash: at the start of a line it leaves nothing; indented, the buffer holds
  // the white space, and at the end of the configuration that is an empty line.
  assert.deepEqual(texts('\\\n# c\n'), []);
  assert.deepEqual(texts('a = 1\n  \\\n'), ['a = 1', '']);
  assert.deepEqual(texts('a = 1\n  \\\n\nb = 2\n'), ['a = 1', 'b = 2']);
  // At the end of the configuration the space before the backslash stays: no next line removes it.
  assert.deepEqual(texts('a = 1 \\\n'), ['a = 1 ']);
  assert.deepEqual(texts('a = 1 \\'), ['a = 1 ']);
  assert.deepEqual(texts('a = 1 \\\n\n'), ['a = 1']);
  // The last skipped line stays in the buffer: a directive, a line of a skipped branch.
  assert.deepEqual(texts('a = 1 \\\n.ifdef X\n.endif\n'), ['a = 1 .endif']);
  assert.deepEqual(texts('a = 1 \\\n.ifdef X\nfoo\n.endif\n  b\n'), ['a = 1 b']);
  assert.deepEqual(texts('a = 1 \\\n  .else\\\n'), ['a = 1   .else\\']);
  // An empty included file has no line, not one blank line.
  assert.deepEqual(texts('a = 1 \\\n.include /c/empty\n', { '/c/empty': '' }), ['a = 1 .include /c/empty']);
});

test('CRLF line endings and a BOM do not leak into the text', () => {
  const t = parse('\ufeffa = 1\r\nb = 2\r\n');
  assert.deepEqual(
    t.lines.map((l) => l.text),
    ['a = 1', 'b = 2'],
  );
  assert.equal(t.files[0].eol, '\r\n');
  assert.deepEqual(at(t.lines[1].location), [1, 0, 1, 5]);
  // A lone "\r" at the very end is no line break: new lines in a line-feed file stay "\n".
  assert.equal(parse('a = 1\nb = 2\n\r').files[0].eol, '\n');
  assert.equal(parse('a = 1\nb = 2\r').files[0].eol, '\n');
  assert.equal(parse('a = 1\r\nb = 2\r').files[0].eol, '\r\n');
});

test('macros: definition, substitution in later lines, ranges of uses and of replaced text', () => {
  const t = parse('PORT = 2525\nHOST = mail.example.org\nbegin transports\nt:\n  driver = smtp\n  port = PORT\n  helo_data = HOST.x\n');
  assert.deepEqual(
    t.macros.map((m) => [m.name, m.value, m.redefinition]),
    [
      ['PORT', '2525', false],
      ['HOST', 'mail.example.org', false],
    ],
  );
  assert.deepEqual(at(t.macros[0].nameLoc), [0, 0, 0, 4]);
  assert.deepEqual(at(t.macros[0].valueLoc), [0, 7, 0, 11]);
  const port = t.lines.find((l) => l.text.startsWith('port'))!;
  assert.equal(port.text, 'port = 2525');
  // the replaced text maps back to the macro's name in the source
  assert.deepEqual(at(port.locate(7, 11)), [5, 9, 5, 13]);
  assert.deepEqual(
    t.macroUses.map((u) => [u.name, ...at(u.loc)]),
    [
      ['PORT', 5, 9, 5, 13],
      ['HOST', 6, 14, 6, 18],
    ],
  );
  assert.equal(t.lines.find((l) => l.text.startsWith('helo_data'))!.text, 'helo_data = mail.example.org.x');
});

test('macro names match as plain substrings, in definition order, as Exim does', () => {
  const t = parse('AB = 1\nA = 2\nx = AB A CAB\n');
  // "AB" is replaced first everywhere (also inside CAB), then "A" in what is left.
  assert.equal(t.lines[2].text, 'x = 1 2 C1');
});

test('== redefines; a second plain definition and a redefinition of nothing are problems', () => {
  const t = parse('M = 1\nM == 2\nM = 3\nN == 4\nx = M\n');
  assert.equal(t.lines[4].text, 'x = 2');
  assert.deepEqual(
    t.problems.map((p) => [p.code, at(p.loc)[0]]),
    [
      ['macro-duplicate', 2],
      ['macro-redefine-undefined', 3],
    ],
  );
  assert.match(t.problems[0].message, /macro "M" is already defined \(use "==" if you want to redefine it\)/);
});

test('a macro defined later does not affect earlier lines; values use earlier macros', () => {
  const t = parse('x = B\nA = 1\nB = A+A\ny = B\n');
  assert.equal(t.lines[0].text, 'x = B');
  assert.equal(t.lines[3].text, 'y = 1+1');
});

test('.ifdef/.ifndef/.elifdef/.else/.endif follow Exim\'s state machine; skipped lines are kept as inactive', () => {
  const src = ['A = 1', '.ifdef A', 'a = yes', '.else', 'a = no', '.endif', '.ifndef A', 'b = 1', '.elifdef B', 'b = 2', '.elifndef B', 'b = 3', '.else', 'b = 4', '.endif'].join('\n');
  const t = parse(src);
  const lines = t.lines.map((l) => `${l.text}${l.active ? '' : ' (inactive)'}`);
  assert.deepEqual(lines, ['A = 1', 'a = yes', 'a = no (inactive)', 'b = 1 (inactive)', 'b = 2 (inactive)', 'b = 3', 'b = 4 (inactive)']);
  assert.equal(t.conditionals.length, 2);
  assert.deepEqual(
    t.conditionals[1].directives.map((d) => d.kind),
    ['ifndef', 'elifdef', 'elifndef', 'else', 'endif'],
  );
  assert.deepEqual(at(t.conditionals[0].directives[0].keywordLoc), [1, 0, 1, 6]);
  assert.deepEqual(at(t.conditionals[0].directives[0].argumentLoc), [1, 7, 1, 8]);
  assert.equal(t.problems.length, 0);
});

test('built-in macros such as _HAVE_TLS are known to .ifdef', () => {
  const t = parse('.ifdef _HAVE_TLS\na = 1\n.endif\n', {}, ['_HAVE_TLS']);
  assert.equal(t.lines[0].active, true);
  const u = parse('.ifdef _HAVE_NOTHING\na = 1\n.endif\n', {}, ['_HAVE_TLS']);
  assert.equal(u.lines[0].active, false);
});

test('unbalanced conditionals: .endif alone, .ifdef without .endif, nesting deeper than ten', () => {
  assert.deepEqual(
    parse('.endif\n').problems.map((p) => [p.code, p.message, ...at(p.loc)]),
    [['conditional-unmatched', '.endif without matching .ifdef', 0, 0, 0, 6]],
  );
  const open = parse('a = 1\n  .ifdef X\nb = 2\n').problems;
  assert.deepEqual(
    open.map((p) => [p.code, ...at(p.loc)]),
    [['conditional-unterminated', 1, 2, 1, 8]],
  );
  assert.match(open[0].message, /\.endif missing/);
  const deep = parse('.ifdef A\n'.repeat(11) + '.endif\n'.repeat(11)).problems;
  assert.deepEqual(
    deep.map((p) => [p.code, at(p.loc)[0]]),
    [['conditional-too-deep', 10]],
  );
  // Exim stops at the first one: a runaway nesting gives one finding, at the first level too deep.
  const runaway = parse('.ifdef A\n'.repeat(5000) + '.endif\n'.repeat(5000)).problems;
  assert.deepEqual(
    runaway.map((p) => [p.code, at(p.loc)[0]]),
    [['conditional-too-deep', 10]],
  );
  // Two separate nestings too deep: one finding each.
  const twice = parse(('.ifdef A\n'.repeat(12) + '.endif\n'.repeat(12)).repeat(2)).problems;
  assert.deepEqual(
    twice.map((p) => [p.code, at(p.loc)[0]]),
    [['conditional-too-deep', 10], ['conditional-too-deep', 34]],
  );
});

test('.include reads a file relative to the including file; findings point into it', () => {
  const t = parse('.include parts/tls.conf\nb = 2\n', { '/c/parts/tls.conf': 'a = 1\n.include more.conf\n', '/c/parts/more.conf': 'm = 3\n' });
  assert.deepEqual(
    t.lines.map((l) => [l.text, l.file.path]),
    [
      ['a = 1', '/c/parts/tls.conf'],
      ['m = 3', '/c/parts/more.conf'],
      ['b = 2', '/c/exim.conf'],
    ],
  );
  assert.deepEqual(
    t.includes.map((i) => [i.kind, i.path, i.status]),
    [
      ['include', '/c/parts/tls.conf', 'included'],
      ['include', '/c/parts/more.conf', 'included'],
    ],
  );
  assert.deepEqual(at(t.includes[0].argumentLoc), [0, 9, 0, 23]);
});

test('.include problems: missing file, loop, relative .include_if_exists, missing optional file is fine', () => {
  const t = parse('.include nothere.conf\n.include_if_exists /c/none.conf\n.include_if_exists rel.conf\n.include "/c/self.conf"\n', {
    '/c/self.conf': '.include self.conf\n',
  });
  assert.deepEqual(
    t.problems.map((p) => [p.code, at(p.loc)[0], p.loc.file]),
    [
      ['include-missing', 0, '/c/exim.conf'],
      ['include-relative', 2, '/c/exim.conf'],
      ['include-loop', 0, '/c/self.conf'],
    ],
  );
  assert.match(t.problems[0].message, /failed to open included configuration file \/c\/nothere.conf/);
  assert.deepEqual(
    t.includes.map((i) => i.status),
    ['missing', 'skipped', 'relative', 'included', 'loop'],
  );
});

test('a directory or device given to .include is refused by the host, not read', () => {
  const t = parse('.include /c/dir\n', { '/c/dir/file': 'x' });
  assert.deepEqual(
    t.problems.map((p) => p.code),
    ['include-not-read'],
  );
  assert.match(t.problems[0].message, /is a directory: Exim opens it and reads nothing from it/);
  // ".include" alone names the configuration's own directory, as Exim reads it.
  const bare = parse('.include\n', { '/c/dir/file': 'x' });
  assert.deepEqual(bare.problems.map((p) => [p.code, p.message]), [['include-not-read', '/c is a directory: Exim opens it and reads nothing from it, so this .include includes nothing']]);
  assert.equal(parse('.include_if_exists\n').problems[0].code, 'include-relative');
});

test('macros that double each other are bounded', () => {
  // QB = QAQA, QC = QBQB, ...: each line doubles (names chosen so none contains another)
  const name = (i: number) => 'Q' + String.fromCharCode(65 + i);
  const lines = [`${name(0)} = xxxxxxxxxxxxxxxx`];
  for (let i = 1; i <= 24; i++) lines.push(`${name(i)} = ${name(i - 1)}${name(i - 1)}`);
  const t = parse(lines.join('\n') + '\n');
  assert.ok(t.problems.some((p) => p.code === 'macro-expansion-too-long'));
});

test('a chain of includes deeper than the reader follows stops with one include-too-deep warning', () => {
  const files: Record<string, string> = {};
  for (let i = 0; i < 40; i++) files[`/c/e${i}.conf`] = `.include /c/e${i + 1}.conf\n`;
  files['/c/e40.conf'] = 'qualify_domain = example.org\n';
  const t = parse('.include /c/e0.conf\n', files);
  assert.deepEqual(t.problems.map((p) => p.code), ['include-too-deep']);
  assert.match(t.problems[0].message, /nested more than 32 deep is not read here \(Exim reads on\)/);
  assert.equal(ruleMeta('include-too-deep')?.defaultSeverity, 'warning');
});

test('a macro whose name contains a built-in macro name is refused, as Exim does (MY_HAVE_TLS holds _HAVE_TLS)', () => {
  const t = parse('MY_HAVE_TLS = 1\nHAVE_TLS = 1\n', {}, ['_HAVE_TLS']);
  assert.deepEqual(
    t.problems.map((p) => [p.code, p.message]),
    [['macro-substring', '"MY_HAVE_TLS" cannot be defined as a macro because previously defined macro "_HAVE_TLS" is a substring']],
  );
});

test('with hundreds of macros, replacement and name checks give what trying each macro in turn gives', () => {
  // A seeded random configuration: names like A7, B42, C318 (a shorter one may be inside a
  // longer one), values and lines that mix names, digits and letters, so that replacements
  // meet across token edges. The model below is Exim's macros_expand(): each macro, in
  // definition order, replaces every occurrence in the text left by the earlier ones.
  const next = rng(7);
  const random = (n: number) => Math.floor(next() * n);
  const name = () => 'ABCDEFGHJK'[random(10)] + String(random([10, 100, 1000, 1000, 1000][random(5)]));
  const token = () => (random(10) < 3 ? name() : ['x', '1', 'mail', '7', 'z'][random(5)]);
  const text = (tokens: number) => Array.from({ length: tokens }, token).join(['', ' ', '-'][random(3)]);
  const model: { name: string; value: string }[] = [];
  const expand = (s: string) => model.reduce((acc, m) => acc.split(m.name).join(m.value), s);
  const source: string[] = [];
  const expected: { values: string[]; refused: string[]; lines: string[] } = { values: [], refused: [], lines: [] };
  for (let i = 0; i < 2400; i++) {
    if (i % 3 === 2) {
      const line = `x = ${text(1 + random(6))}`;
      source.push(line);
      expected.lines.push(expand(line));
      continue;
    }
    const n = name();
    const value = text(1 + random(2));
    source.push(`${n} = ${value}`);
    const expandedValue = expand(value);
    expected.values.push(expandedValue);
    const inner = model.find((m) => m.name.length < n.length && n.includes(m.name));
    if (model.some((m) => m.name === n)) expected.refused.push(`macro-duplicate ${n}`);
    else if (inner) expected.refused.push(`macro-substring ${n} ${inner.name}`);
    else model.push({ name: n, value: expandedValue });
  }
  assert.ok(model.length > 300, `${model.length} macros: the index is used from 256 on`);
  const t = parse(source.join('\n') + '\n');
  assert.deepEqual(t.macros.map((m) => m.value), expected.values);
  assert.deepEqual(
    t.problems.filter((p) => p.code.startsWith('macro-')).map((p) => `${p.code} ${p.message.match(/"[A-Z]\w*"/g)!.map((q) => q.slice(1, -1)).join(' ')}`),
    expected.refused,
  );
  assert.deepEqual(t.lines.filter((l) => l.text.startsWith('x = ')).map((l) => l.text), expected.lines);
});
