// Lines as the core counts them (split at "\n", as Exim reads a file) against lines as LSP
// counts them (a lone "\r" breaks a line too).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { LineMapping } from '../../server/src/lsp/lineMapping';

test('text without a lone carriage return needs no mapping (LF and CRLF alike)', () => {
  assert.equal(LineMapping.of('a = 1\nb = 2\n'), undefined);
  assert.equal(LineMapping.of('a = 1\r\nb = 2\r\n'), undefined);
  assert.equal(LineMapping.of(''), undefined);
});

test('a lone carriage return moves later text to the next client line', () => {
  const m = LineMapping.of('# note:\rsee below\nbegin routers\r\nr:\n')!;
  assert.deepEqual(m.toClient({ line: 0, character: 8 }), { line: 1, character: 0 }); // "see"
  assert.deepEqual(m.toClient({ line: 0, character: 3 }), { line: 0, character: 3 });
  assert.deepEqual(m.toClient({ line: 1, character: 6 }), { line: 2, character: 6 }); // "routers"
  assert.deepEqual(m.toClient({ line: 2, character: 1 }), { line: 3, character: 1 });
  assert.deepEqual(m.fromClient({ line: 3, character: 1 }), { line: 2, character: 1 });
  assert.deepEqual(m.fromClient({ line: 1, character: 4 }), { line: 0, character: 12 });
});

test('positions past a line end stay before its line break', () => {
  const m = LineMapping.of('ab\rcd\r\nef\n')!;
  assert.deepEqual(m.toClient({ line: 0, character: 99 }), { line: 1, character: 2 });
  assert.deepEqual(m.fromClient({ line: 0, character: 99 }), { line: 0, character: 2 });
  assert.deepEqual(m.toClient({ line: 9, character: 0 }), { line: 3, character: 0 });
});

test('every offset maps to the position TextDocument gives it, and back', () => {
  const text = 'x\ra\n\r\rb = c\r\n\rd\r';
  const m = LineMapping.of(text)!;
  const client = TextDocument.create('file:///t', 'exim', 0, text);
  const coreLines = text.split('\n');
  for (let line = 0, start = 0; line < coreLines.length; start += coreLines[line].length + 1, line++) {
    const length = coreLines[line].replace(/\r$/, '').length;
    for (let character = 0; character <= length; character++) {
      const expected = client.positionAt(start + character);
      assert.deepEqual(m.toClient({ line, character }), expected, `core ${line}:${character}`);
      assert.deepEqual(m.fromClient(expected), { line, character }, `client ${expected.line}:${expected.character}`);
    }
  }
});
