/**
 * The opt-in check with the user's own Exim: `exim -C FILE -bV` after a save. It runs only
 * when the user turned it on and the workspace is trusted, with an argument array (no
 * shell) and a timeout.
 */
import { execFile } from 'node:child_process';

export type EximVerdict =
  | { kind: 'ok' }
  | { kind: 'error'; file?: string; line?: number; message: string }
  | { kind: 'missing'; message: string }
  | { kind: 'failed'; message: string };

export const EXIM_CHECK_TIMEOUT_MS = 15_000;

/** Reads Exim's verdict from `-bV`'s exit status and stderr (the environment warning is not an error). */
export function parseEximVerdict(status: number, stderr: string): EximVerdict {
  if (status === 0) return { kind: 'ok' };
  const lines = stderr
    .split('\n')
    .map((l) => l.replace(/^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d(\.\d+)? /, ''))
    .filter((l) => l.trim() !== '' && !/^Warning: purging the environment\./.test(l) && !/^ Suggested action: use keep_environment\./.test(l));
  const header = lines.findIndex((l) => /^Exim configuration error/.test(l));
  if (header < 0) return { kind: 'error', message: lines.join(' ').trim() || `exim exited with status ${status}` };
  const m = /^Exim configuration error in line (\d+) of (.*):$/.exec(lines[header]);
  const message = lines
    .slice(header + 1)
    .filter((l) => !/^LOG: PANIC DIE|^exim: could not open panic log/.test(l))
    .map((l) => l.trim())
    .join(' ');
  return m ? { kind: 'error', line: Number(m[1]), file: m[2], message } : { kind: 'error', message: `${lines[header].replace(/:$/, '')}: ${message}` };
}

/** Spawn errors that mean no program is at the configured path (ENOTDIR: a part of it is a file). */
const NOT_FOUND = new Set(['ENOENT', 'ENOTDIR']);

export function runEximCheck(binary: string, file: string, timeoutMs = EXIM_CHECK_TIMEOUT_MS): Promise<EximVerdict> {
  const missing: EximVerdict = {
    kind: 'missing',
    message: `the Exim binary "${binary}" was not found; set exim.validateWithExim.path to your exim (for example /usr/sbin/exim) or turn exim.validateWithExim.enabled off`,
  };
  return new Promise((resolve) => {
    try {
      execFile(binary, ['-C', file, '-bV'], { timeout: timeoutMs, killSignal: 'SIGKILL', maxBuffer: 1024 * 1024 }, (err, _stdout, stderr) => {
        const code = err ? (err as NodeJS.ErrnoException).code : undefined;
        if (typeof code === 'string' && NOT_FOUND.has(code)) {
          resolve(missing);
        } else if (err && err.killed) {
          resolve({ kind: 'failed', message: `exim -bV did not finish within ${timeoutMs / 1000} s` });
        } else if (err && typeof err.code !== 'number') {
          resolve({ kind: 'failed', message: `exim -bV could not run: ${err.message}` });
        } else {
          resolve(parseEximVerdict(err ? (err.code as number) : 0, String(stderr)));
        }
      });
    } catch (e) {
      // Some spawn errors are thrown at once rather than reported to the callback.
      const code = (e as NodeJS.ErrnoException).code;
      resolve(typeof code === 'string' && NOT_FOUND.has(code) ? missing : { kind: 'failed', message: `exim -bV could not run: ${(e as Error).message}` });
    }
  });
}
