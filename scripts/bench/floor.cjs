// The least work any linter running on Node.js does for a file: start Node, read the file
// and split it into lines. With --tree it also keeps what the smallest syntax tree would:
// for each line that is not blank or a comment, one object with the trimmed line, its first
// word and the text after "=". The benchmark times both next to exim-lint and exim -bV so
// that the report shows how much of the time is the runtime rather than the analysis.
const tree = process.argv.includes('--tree');
const file = process.argv.slice(2).find((a) => a !== '--tree');
const text = require('node:fs').readFileSync(file, 'utf8');
const lines = text.split('\n');
const nodes = [];
if (tree) {
  for (let n = 0; n < lines.length; n++) {
    const raw = lines[n];
    let start = 0;
    while (start < raw.length && (raw.charCodeAt(start) === 32 || raw.charCodeAt(start) === 9)) start++;
    let end = raw.length;
    while (end > start && (raw.charCodeAt(end - 1) === 32 || raw.charCodeAt(end - 1) === 9 || raw.charCodeAt(end - 1) === 13)) end--;
    if (end === start || raw.charCodeAt(start) === 35) continue;
    const line = raw.slice(start, end);
    let wordEnd = 0;
    while (wordEnd < line.length && line.charCodeAt(wordEnd) !== 32 && line.charCodeAt(wordEnd) !== 61) wordEnd++;
    const equals = line.indexOf('=');
    nodes.push({ line: n, column: start, text: line, word: line.slice(0, wordEnd), value: equals < 0 ? '' : line.slice(equals + 1).trim() });
  }
}
process.stdout.write(`${lines.length} lines, ${nodes.length} nodes\n`);
