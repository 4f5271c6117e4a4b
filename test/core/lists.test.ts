// Exim lists split as string_nextinlist() splits them (cases measured with exim -bV on
// trusted_users, whose items Exim names in its "user X was not found" refusal).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { exactListItems } from '../../server/src/core/util/lists';

test('exactListItems keeps empty items but not a trailing one', () => {
  const cases: [string, string[]][] = [
    ['root:mail', ['root', 'mail']],
    [':root', ['', 'root']],
    [' : root', ['', 'root']],
    ['root: :mail', ['root', '', 'mail']],
    ['root : : mail', ['root', '', 'mail']],
    ['root:', ['root']],
    ['root : ', ['root']],
    ['', []],
    ['   ', []],
  ];
  for (const [list, items] of cases) assert.deepEqual(exactListItems(list), items, list);
});

test('exactListItems reads a doubled separator as one literal separator', () => {
  const cases: [string, string[]][] = [
    ['root::mail', ['root:mail']],
    ['root :: mail', ['root : mail']],
    ['::', [':']],
    ['::a', [':a']],
    ['a::', ['a:']],
    ['<; root;;mail', ['root;mail']],
    ['<;root;;;mail', ['root;', 'mail']],
  ];
  for (const [list, items] of cases) assert.deepEqual(exactListItems(list), items, list);
});

test('exactListItems changes the separator only for punctuation after "<"', () => {
  assert.deepEqual(exactListItems('<; a ; b:c'), ['a', 'b:c']);
  assert.deepEqual(exactListItems('< a:b'), ['< a', 'b']);
  assert.deepEqual(exactListItems('<a:b'), ['<a', 'b']);
  assert.deepEqual(exactListItems(' <; root;;mail'), ['root;mail']);
  // White space is C's: a no-break space is part of the item.
  assert.deepEqual(exactListItems('\u00a0root\u00a0:mail'), ['\u00a0root\u00a0', 'mail']);
});
