// The least work any linter running on Node.js does for a file: start Node, read the file
// and split it into lines. The benchmark times it next to exim-lint and exim -bV so that
// the report shows how much of the time is the runtime rather than the analysis.
const text = require('node:fs').readFileSync(process.argv[2], 'utf8');
process.stdout.write(`${text.split('\n').length} lines\n`);
