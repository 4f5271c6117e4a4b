// Signature help inside string expansions: which form and which argument the text before the
// cursor selects, read the way Exim reads an expansion (escapes, \N, nested items, conditions).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { signatureHelp } from '../../../server/src/core/features/signature';
import { FILE, parse } from './fixture';

const PREFIX = '  accept condition = ';

/** The active signature's label and the text of its active parameter, with the cursor at the end of `value`. */
function help(value: string, suffix = ''): [string, string] | undefined {
  const tree = parse(`begin acl\nacl_check:\n${PREFIX}${value}${suffix}\n`);
  const h = signatureHelp(tree, FILE, { line: 2, character: PREFIX.length + value.length });
  if (!h) return undefined;
  const sig = h.signatures[h.activeSignature];
  const p = sig.parameters[h.activeParameter];
  return [sig.label, p ? sig.label.slice(p.label[0], p.label[1]) : ''];
}

test('expansion items: the argument being typed, past nested items and protected regex text', () => {
  const sg = '${sg{<subject>}{<regex>}{<replacement>}}';
  assert.deepEqual(help('${sg{$h_subject:}{'), [sg, '{<regex>}']);
  assert.deepEqual(help('${sg{a}{b}{'), [sg, '{<replacement>}']);
  assert.deepEqual(help('${sg{a}{${lookup{x}lsearch{f}{$value}}}{'), [sg, '{<replacement>}']);
  assert.deepEqual(help('${sg{\\N{x}\\N}{'), [sg, '{<regex>}']);
  assert.deepEqual(help('${sg{a\\}b}{'), [sg, '{<regex>}']);
  // A "{" inside an argument is text, and the "}" after "c" ends the regex: "d" is past it.
  assert.deepEqual(help('${sg{a}{b{c}d'), [sg, '{<replacement>}'], 'plain braces inside an argument');
  assert.deepEqual(help('${lc:${sg{'), [sg, '{<subject>}']);
  assert.deepEqual(help('${acl{a}{b}{c}{d}{'), ['${acl{<name>}{<arg>}...}', '{<arg>}'], 'the last of a variable list');
  assert.deepEqual(help('${if exists{/a}{${readfile{'), ['${readfile{<file name>}{<eol string>}}', '{<file name>}']);
});

test('outside the arguments of an item: nothing', () => {
  assert.equal(help('${sg{a}{b}{c}}'), undefined);
  assert.equal(help('${lc:'), undefined, 'an operator has one argument and no signature');
  assert.equal(help('$h_subject:'), undefined);
  assert.equal(help('${lookup'), undefined, 'still typing the name');
  assert.equal(help('${local_part}'), undefined);
});

test('${if: the condition, its arguments, then the two strings', () => {
  const ifSig = '${if <condition> {<string1>}{<string2>}}';
  assert.deepEqual(help('${if '), [ifSig, '<condition>']);
  assert.deepEqual(help('${if eq{'), ['eq {<string1>}{<string2>}', '{<string1>}']);
  assert.deepEqual(help('${if eq{a}{'), ['eq {<string1>}{<string2>}', '{<string2>}']);
  assert.deepEqual(help('${if eq{a}{b}{'), [ifSig, '{<string1>}']);
  assert.deepEqual(help('${if eq{a}{b}{yes}{'), [ifSig, '{<string2>}']);
  assert.deepEqual(help('${if def:h_subject: {'), [ifSig, '{<string1>}'], 'def: takes no braces');
  assert.deepEqual(help('${if !def:h_X-Spam: {y}{'), [ifSig, '{<string2>}']);
  assert.deepEqual(help('${if <{$x}{'), ['< {<string1>}{<string2>}', '{<string2>}'], 'numeric comparisons');
  assert.deepEqual(help('${if >= {1}{2}{'), [ifSig, '{<string1>}']);
  assert.deepEqual(help('${if bool{${if eq{a}{b}{yes}}}{'), [ifSig, '{<string1>}']);
});

test('conditions inside conditions: and/or, forall, filter, and the grouped arguments of acl', () => {
  assert.deepEqual(help('${if and{{eq{a}{b}}{'), ['and {{<cond1>}{<cond2>}...}', '{<cond2>}']);
  assert.deepEqual(help('${if and{{eq{a}{'), ['eq {<string1>}{<string2>}', '{<string2>}']);
  assert.deepEqual(help('${if or{{'), ['or {{<cond1>}{<cond2>}...}', '{<cond1>}']);
  assert.deepEqual(help('${if acl{{'), ['acl {{<name>}{<arg1>}{<arg2>}...}', '{<name>}']);
  assert.deepEqual(help('${if acl{{name}{'), ['acl {{<name>}{<arg1>}{<arg2>}...}', '{<arg1>}']);
  assert.deepEqual(help('${if forall{a:b}{'), ['forall{<a list>}{<a condition>}', '{<a condition>}']);
  assert.deepEqual(help('${if forall{a:b}{eq{$item}{'), ['eq {<string1>}{<string2>}', '{<string2>}']);
  assert.deepEqual(help('${filter{a:b}{match{$item}{'), ['match {<string1>}{<string2>}', '{<string2>}']);
});

test('items with several forms: lookup single-key or query-style, extract by key, number, json', () => {
  const keyed = '${lookup {<key>} <search type> {<file>} {<string1>} {<string2>}}';
  const query = '${lookup <search type> {<query>} {<string1>} {<string2>}}';
  assert.deepEqual(help('${lookup{$local_part}lsearch{'), [keyed, '{<file>}']);
  assert.deepEqual(help('${lookup{$local_part}lsearch{/f}{'), [keyed, '{<string1>}']);
  assert.deepEqual(help('${lookup mysql'), [query, '<search type>']);
  assert.deepEqual(help('${lookup mysql{'), [query, '{<query>}']);
  assert.deepEqual(help('${lookup mysql{select 1}{'), [query, '{<string1>}']);
  assert.deepEqual(help('${extract{'), ['${extract{<key>}{<string1>}{<string2>}{<string3>}}', '{<key>}']);
  assert.deepEqual(help('${extract{2}{:}{'), ['${extract{<number>}{<separators>}{<string1>}{<string2>}{<string3>}}', '{<string1>}']);
  assert.deepEqual(help('${extract json{'), ['${extract json{<key>}{<string1>}{<string2>}{<string3>}}', '{<key>}']);
  // The manual writes this form with one brace too many; the data keeps it balanced.
  assert.deepEqual(help('${extract jsons{3}{'), ['${extract jsons{<number>}{<string1>}{<string2>}{<string3>}}', '{<string1>}']);
  const all = signatureHelp(parse(`begin acl\nacl_check:\n${PREFIX}\${extract{\n`), FILE, { line: 2, character: PREFIX.length + 10 })!;
  assert.equal(all.signatures.length, 6);
  for (const s of all.signatures) {
    let depth = 0;
    for (const c of s.label) depth += c === '{' ? 1 : c === '}' ? -1 : 0;
    assert.equal(depth, 0, s.label);
    for (const p of s.parameters) assert.ok(p.label[0] >= 0 && p.label[1] <= s.label.length && p.label[0] < p.label[1], s.label);
  }
});

test('text after the cursor and continued lines do not change the answer; off a line, nothing', () => {
  assert.deepEqual(help('${sg{a}{', 'b}{c}}'), ['${sg{<subject>}{<regex>}{<replacement>}}', '{<regex>}']);
  const tree = parse(`begin acl\nacl_check:\n  accept condition = \${if eq{\\\n     $local_part}{\n`);
  const inFirst = signatureHelp(tree, FILE, { line: 3, character: 10 })!;
  assert.equal(inFirst.signatures[inFirst.activeSignature].label, 'eq {<string1>}{<string2>}');
  assert.equal(inFirst.activeParameter, 0);
  assert.equal(signatureHelp(tree, FILE, { line: 3, character: 18 })!.activeParameter, 1);
  assert.equal(signatureHelp(tree, FILE, { line: 0, character: 3 }), undefined);
  assert.equal(signatureHelp(tree, FILE, { line: 40, character: 3 }), undefined);
});

test('read as Exim reads it: "{" inside an argument is text, \\N ends at the first \\N, header names run to their colon, quoted option values', () => {
  const sg = '${sg{<subject>}{<regex>}{<replacement>}}';
  // exim -be '${sg{a{b}{c}{d}}' gives "a{b": the subject is "a{b".
  assert.deepEqual(help('${sg{a{b}{c'), [sg, '{<regex>}']);
  assert.deepEqual(help('${sg{a{b}{c}{d'), [sg, '{<replacement>}']);
  assert.deepEqual(help('${if eq{{a}{{a'), ['eq {<string1>}{<string2>}', '{<string2>}']);
  assert.deepEqual(help('${sg{\\Na\\\\N}{b'), [sg, '{<regex>}']);
  assert.deepEqual(help('${if def:h_foo}x: {y'), ['${if <condition> {<string1>}{<string2>}}', '{<string1>}']);
  assert.deepEqual(help('${sg{$h_foo}{a'), [sg, '{<subject>}']);
  assert.deepEqual(help('${lookup{x} lsea'), ['${lookup {<key>} <search type> {<file>} {<string1>} {<string2>}}', '<search type>']);
  // An option's quoted value loses its quotes first: "x\\}" is "x\}" for the expander.
  const text = 'begin routers\nr:\n  driver = redirect\n  data = "${if eq{a}{b}{x\\\\}}{y}}"\n';
  const col = text.split('\n')[3].indexOf('{y') + 2;
  const h = signatureHelp(parse(text), FILE, { line: 3, character: col })!;
  assert.equal(h.signatures[h.activeSignature].label, '${if <condition> {<string1>}{<string2>}}');
  assert.equal(h.activeParameter, 2);
});
