/**
 * exim-lint: the command-line face of the analyser.
 *   exim-lint [--format text|json|github|sarif] [--fix] PATH...
 * PATH is a configuration file, a Debian split-configuration directory (conf.d), or "-"
 * for standard input.
 * Exit status: 0 no error-severity finding, 1 at least one, 2 usage error or unreadable input.
 */
import { closeSync, openSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { isUtf8 as isValidUtf8 } from 'node:buffer';
import { Finding } from '../core/analysis/types';
import { Format, FORMATS, formatFindings } from './formats';
import { InputError, lintPath, lintText } from '../core/service';
import { MAX_FILE_BYTES, nodeHost, readStreamBounded } from '../node/fsHost';
import { applyHardeningFixes } from '../core/fixes/hardening';
import { printable } from '../core/util/printable';

/** Set by the build (scripts/build.mjs) from package.json. */
declare const EXIM_LINT_VERSION: string | undefined;
const VERSION = typeof EXIM_LINT_VERSION === 'string' ? EXIM_LINT_VERSION : 'development';

const USAGE = `usage: exim-lint [--format text|json|github|sarif] [--fix] PATH...

Checks Exim configuration files (or a Debian conf.d directory) and reports
findings, one per line: file:line:column: severity code: message
PATH "-" reads the configuration from standard input.

  --format FORMAT     output format:
                        text    one finding per line (the default)
                        json    an array of {file, line, column, endLine,
                                endColumn, severity, code, message}
                        github  GitHub Actions annotations (::error file=...::)
                        sarif   SARIF 2.1.0, for code scanning
  --fix               apply the TLS hardening fixes in place, print what changed,
                      then report what remains
  --version           print the version
  -h, --help          show this help

Exit status: 0 when no finding is an error, 1 when at least one is, 2 for
usage errors or unreadable input.`;

interface Options {
  format: Format;
  fix: boolean;
  paths: string[];
}

function parseArgs(argv: string[]): Options | string {
  const opts: Options = { format: 'text', fix: false, paths: [] };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--help' || a === '-h') return 'help';
    else if (a === '--version') return 'version';
    else if (a === '--fix') opts.fix = true;
    else if (a === '--format' || a.startsWith('--format=')) {
      const v = a.includes('=') ? a.slice(a.indexOf('=') + 1) : argv[++i];
      if (!(FORMATS as readonly string[]).includes(v)) return `--format must be ${FORMATS.join(', ')}, not ${v === undefined ? 'nothing' : `"${v}"`}`;
      opts.format = v as Format;
    } else if (a === '--') opts.paths.push(...argv.slice(i + 1)), (i = argv.length);
    else if (a.startsWith('-') && a !== '-') return `unknown option ${a}`;
    else opts.paths.push(a);
  }
  if (opts.paths.length === 0) return 'no PATH given';
  if (opts.fix && opts.paths.includes('-')) return '--fix rewrites files in place and cannot take standard input ("-")';
  return opts;
}

/**
 * The text of standard input ("-") or of a pipe or device named on the command line
 * (`exim-lint <(generate-config)`), read to its end within the size limit; undefined for
 * regular files and directories, which the host reads. Includes are still read only
 * from regular files.
 */
function streamText(path: string, fix: boolean): string | undefined {
  let fd: number;
  if (path === '-') fd = 0;
  else {
    let stat;
    try {
      stat = statSync(path);
    } catch {
      return undefined; // the host reports it
    }
    if (stat.isFile() || stat.isDirectory()) return undefined;
    if (fix) throw new InputError(`${path}: not a regular file, so --fix cannot rewrite it`);
    fd = openSync(path, 'r');
  }
  try {
    const bytes = readStreamBounded(fd);
    if (bytes === undefined) throw new InputError(`${path}: larger than ${MAX_FILE_BYTES} bytes`);
    return bytes.toString('utf8');
  } finally {
    if (fd !== 0) closeSync(fd);
  }
}

export function main(argv: string[]): number {
  const parsed = parseArgs(argv);
  if (parsed === 'help') {
    process.stdout.write(USAGE + '\n');
    return 0;
  }
  if (parsed === 'version') {
    process.stdout.write(`exim-lint ${VERSION}\n`);
    return 0;
  }
  if (typeof parsed === 'string') {
    process.stderr.write(`exim-lint: ${printable(parsed)} (see exim-lint --help)\n`);
    return 2;
  }
  const host = nodeHost();
  const all: Finding[] = [];
  let inputFailed = false;
  for (const path of parsed.paths) {
    try {
      const stream = streamText(path, parsed.fix);
      if (parsed.fix) {
        const changes = applyHardeningFixes(path, host);
        // A file that is not valid UTF-8 was decoded with replacement characters: writing
        // the fixed text back would lose its original bytes, so it is left alone.
        const lossy = new Set(changes.written.filter((c) => !isValidUtf8(readFileSync(c.path))).map((c) => c.path));
        // Each file is written on its own: one that cannot be written (read-only, immutable)
        // is said so, and the others still say what changed in them.
        const unwritten = new Map<string, string>();
        for (const c of changes.written) {
          if (lossy.has(c.path)) continue;
          try {
            // A file with no write permission is left alone, even by root, who could write it.
            if ((statSync(c.path).mode & 0o222) === 0) {
              unwritten.set(c.path, 'read-only');
              continue;
            }
            writeFileSync(c.path, c.text);
          } catch (e) {
            unwritten.set(c.path, (e as NodeJS.ErrnoException).code ?? (e instanceof Error ? e.message : String(e)));
          }
        }
        const skipped = (line: string) => [...lossy, ...unwritten.keys()].some((p) => line.startsWith(`fixed ${p}:`));
        for (const line of changes.log) if (!skipped(line)) process.stderr.write(`${printable(line)}\n`);
        for (const p of lossy) process.stderr.write(`exim-lint: ${printable(p)}: not valid UTF-8, not rewritten: apply the fixes by hand\n`);
        for (const [p, why] of unwritten) process.stderr.write(`exim-lint: ${printable(p)}: cannot write the fixes (${printable(why)}); it is unchanged\n`);
        if (unwritten.size > 0) inputFailed = true;
      }
      // One by one: a spread of 100,000+ findings would overflow the call stack.
      for (const f of (stream === undefined ? lintPath(path, host) : lintText(path, stream, host)).findings) all.push(f);
    } catch (e) {
      inputFailed = true;
      const message = e instanceof InputError ? e.message : `${path}: ${e instanceof Error ? e.message : String(e)}`;
      process.stderr.write(`exim-lint: ${printable(message)}\n`);
    }
  }
  process.stdout.write(formatFindings(all, parsed.format, VERSION));
  if (inputFailed) return 2;
  return all.some((f) => f.severity === 'error') ? 1 : 0;
}

// A reader that stops early (`exim-lint ... | head`) is not an error worth a stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw e;
  });
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (e) {
  process.stderr.write(`exim-lint: internal error: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 2;
}
