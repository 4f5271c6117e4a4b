// Real-Exim test harness: finds the exim binary and runs `exim -C FILE -bV`, the
// static configuration check, turning its stderr into a structured verdict.
// Node built-ins only; used by the oracle tests under test/oracle/.
import { spawnSync } from 'node:child_process';
import { accessSync, constants, statSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import type { TestContext } from 'node:test';

const WELL_KNOWN = ['/usr/sbin/exim', '/usr/sbin/exim4'];
const NAMES = ['exim', 'exim4'];

export const EXIM_REQUIRED_MESSAGE =
  'exim is required under CI=true: apt-get install -y exim4-daemon-heavy';

function isExecutable(path: string): boolean {
  try {
    if (!statSync(path).isFile()) return false;
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** The exim binary: /usr/sbin/exim, /usr/sbin/exim4, or `exim` / `exim4` on PATH. */
export function findExim(): string | undefined {
  for (const path of WELL_KNOWN) if (isExecutable(path)) return path;
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (!dir) continue;
    for (const name of NAMES) {
      const path = join(dir, name);
      if (isExecutable(path)) return path;
    }
  }
  return undefined;
}

/**
 * For tests that need real Exim: returns the binary, or calls t.skip() locally /
 * throws under CI=true ("exim is required under CI=true: apt-get install -y exim4-daemon-heavy").
 */
export function requireExim(t: TestContext): string | undefined {
  const exim = findExim();
  if (exim) return exim;
  if (process.env.CI === 'true') throw new Error(EXIM_REQUIRED_MESSAGE);
  t.skip('exim not installed (apt-get install -y exim4-daemon-heavy)');
  return undefined;
}

export interface EximVerdict {
  ok: boolean;
  file?: string;
  line?: number;
  message?: string;
  /** What the error is about when exim names no line, e.g. "smarthost router". */
  context?: string;
  /** exim's exit status (undefined when it could not be run or was killed). */
  status?: number;
  /** exim's stderr, unmodified (stdout only carries the -bV version banner). */
  raw: string;
}

// "2026-11-27 21:04:16 " or "2026-11-27 21:04:16.123 " (log_timezone etc. may add more).
const TIMESTAMP = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}(?:\.\d+)?(?: [+-]\d{4})? /;
const HEADER_LINE = /^Exim configuration error in line (\d+) of (.*):$/;
const HEADER_CONTEXT = /^Exim configuration error for (.*):$/;
const HEADER_PLAIN = /^Exim configuration error:?$/;

/** stderr lines without timestamps, the environment warning and panic-log noise. */
function meaningfulLines(stderr: string): string[] {
  const out: string[] = [];
  let afterPurgeWarning = false;
  for (const rawLine of stderr.split(/\r?\n/)) {
    const line = rawLine.replace(TIMESTAMP, '');
    if (/^Warning: purging the environment\./.test(line)) {
      afterPurgeWarning = true;
      continue;
    }
    if (afterPurgeWarning && /^\s*Suggested action: use keep_environment\./.test(line)) {
      afterPurgeWarning = false;
      continue;
    }
    afterPurgeWarning = false;
    if (/^LOG: PANIC DIE/.test(line) || /^exim: could not open panic log/.test(line)) continue;
    out.push(line);
  }
  return out;
}

function joinMessage(lines: string[]): string {
  return lines
    .map((l) => l.trim())
    .filter((l) => l.length > 0)
    .join(' ');
}

/** Parses the stderr of a failed `exim -C FILE -bV`. */
export function parseEximErrors(stderr: string): Pick<EximVerdict, 'file' | 'line' | 'message' | 'context'> {
  const lines = meaningfulLines(stderr);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    // The message is the indented block after the header (up to the next header).
    const body = () => {
      const rest: string[] = [];
      for (let j = i + 1; j < lines.length && !/^Exim configuration error/.test(lines[j]); j++) rest.push(lines[j]);
      return joinMessage(rest);
    };
    let m = HEADER_LINE.exec(line);
    if (m) return { line: Number(m[1]), file: m[2], message: body() };
    m = HEADER_CONTEXT.exec(line);
    if (m) return { context: m[1], message: body() };
    if (HEADER_PLAIN.test(line)) return { message: body() };
  }
  const message = joinMessage(lines);
  return message ? { message } : {};
}

/**
 * Runs `exim -C FILE -bV` (argument array, no shell, 60 s timeout) and parses its
 * verdict: exit 0 = ok; otherwise the "Exim configuration error in line N of FILE:"
 * header and the message lines, or the message when exim names no line. Ignores the
 * "Warning: purging the environment." lines.
 */
export function eximValidate(configPath: string, exim: string | undefined = findExim()): EximVerdict {
  if (!exim) throw new Error('exim not found (apt-get install -y exim4-daemon-heavy)');
  const result = spawnSync(exim, ['-C', configPath, '-bV'], {
    encoding: 'utf8',
    timeout: 60_000,
    stdio: ['ignore', 'pipe', 'pipe'],
    maxBuffer: 16 * 1024 * 1024,
  });
  const stderr = result.stderr ?? '';
  const raw = stderr;
  if (result.error) {
    const timedOut = (result.error as NodeJS.ErrnoException).code === 'ETIMEDOUT';
    return { ok: false, raw, message: timedOut ? 'exim timed out after 60 s' : `cannot run ${exim}: ${result.error.message}` };
  }
  if (result.status === 0) return { ok: true, status: 0, raw };
  if (result.status === null) {
    return { ok: false, raw, message: `exim was killed by signal ${result.signal ?? 'unknown'}` };
  }
  const parsed = parseEximErrors(stderr);
  return {
    ok: false,
    status: result.status,
    raw,
    ...parsed,
    message: parsed.message || `exim exited with status ${result.status}`,
  };
}
