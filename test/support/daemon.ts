// Starts real Exim daemons for tests: a configuration of the test's own (spool, logs, port and
// interface set by the caller, nothing of the system's), `exim -bd` with a pid file, and a
// stop that always runs. Node built-ins only; needs root like test/support/delivery.ts.
import { spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

/** A TCP port on 127.0.0.1 that nothing listens on now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

export interface Daemon {
  /** Whether the daemon started (it left its pid file). */
  started: boolean;
  /** What `exim -bd` wrote before it detached or stopped. */
  stderr: string;
  stop(): void;
}

/**
 * Writes `lines` (which must set spool_directory, log_file_path and the port) to
 * DIR/exim.conf and starts `exim -C ... -bd`. Call stop() in a finally block.
 */
export async function startDaemon(exim: string, dir: string, lines: string[]): Promise<Daemon> {
  const path = join(dir, 'exim.conf');
  const pidFile = join(dir, 'exim.pid');
  writeFileSync(path, lines.join('\n') + '\n');
  chmodSync(path, 0o644);
  rmSync(pidFile, { force: true });
  const r = spawnSync(exim, ['-C', path, '-bd', '-oP', pidFile], { encoding: 'utf8', timeout: 30_000 });
  // -bd detaches: a daemon that starts writes its pid file; one that does not has exited.
  const deadline = Date.now() + 2_000;
  while (!existsSync(pidFile) && r.status === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
  const started = existsSync(pidFile);
  return {
    started,
    stderr: r.stderr,
    stop() {
      if (!existsSync(pidFile)) return;
      try {
        process.kill(Number(readFileSync(pidFile, 'utf8').trim()), 'SIGTERM');
      } catch {
        // Already gone.
      }
      rmSync(pidFile, { force: true });
    },
  };
}
