import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { MAX_MESSAGE, printable } from '../../server/src/core/util/printable';

describe('printable', () => {
  test('ordinary text and tabs are unchanged', () => {
    assert.equal(printable('option "foo" unknown'), 'option "foo" unknown');
    assert.equal(printable('a\tb ü ✓'), 'a\tb ü ✓');
  });

  test('C0 controls, DEL and C1 controls are written as \\xNN', () => {
    assert.equal(printable('a\u0000b\u001b[31mc\nd\u007fe\u009bf'), 'a\\x00b\\x1b[31mc\\x0ad\\x7fe\\x9bf');
  });

  test('a text up to the limit is kept whole; a longer one keeps its start and end', () => {
    const whole = 'y'.repeat(MAX_MESSAGE);
    assert.equal(printable(whole), whole);
    const long = 'a'.repeat(5000) + 'END';
    const out = printable(long);
    assert.ok(out.length < 1100, String(out.length));
    assert.ok(out.startsWith('a'.repeat(600) + ' … ('));
    assert.ok(out.endsWith('a'.repeat(297) + 'END'));
    assert.match(out, /\(4103 characters left out\)/);
  });

  test('escapes are counted in the length', () => {
    const out = printable('\u0001'.repeat(2000));
    assert.ok(out.length < 1100);
    assert.match(out, /^(\\x01)+/);
  });
});
