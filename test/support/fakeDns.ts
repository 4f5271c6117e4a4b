// Runs a command (real Exim) in a private network and mount namespace whose only name
// server is dnsServer.ts on 127.0.0.1:53, answering from a table. Nothing outside the
// namespace changes: /etc/resolv.conf and /etc/hosts are replaced by bind mounts that end
// with it, and the namespace has no network but its own loopback. Needs root, unshare
// (util-linux) and ip (iproute2).
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestContext } from 'node:test';

export type Zones = Record<string, { A?: string[]; TXT?: string[] } | 'SERVFAIL'>;

export const FAKE_DNS_REQUIRED_MESSAGE = 'the DNS oracle tests need root, unshare and ip under CI=true: run as root and apt-get install -y iproute2';

/** Why commands cannot run with the fake DNS here, or undefined when they can. */
export function fakeDnsProblem(): string | undefined {
  if (process.getuid?.() !== 0) return 'not running as root';
  for (const tool of ['unshare', 'ip']) {
    if (spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0) return `${tool} is not installed`;
  }
  const probe = spawnSync('unshare', ['--net', '--mount', '--propagation', 'private', 'ip', 'link', 'set', 'lo', 'up'], { encoding: 'utf8' });
  if (probe.status !== 0) return `unshare --net --mount failed: ${probe.stderr.trim() || probe.error?.message}`;
  return undefined;
}

/** For tests that need the fake DNS: true when it can run; else t.skip() locally, or throws under CI=true. */
export function requireFakeDns(t: TestContext): boolean {
  const problem = fakeDnsProblem();
  if (!problem) return true;
  if (process.env.CI === 'true') throw new Error(`${FAKE_DNS_REQUIRED_MESSAGE} (${problem})`);
  t.skip(`fake DNS unavailable: ${problem}`);
  return false;
}

// Inside the namespace: loopback up, the resolver and hosts file pointed at the fake server,
// the server started and awaited, then the command; the server is killed however it ends.
const INSIDE = `set -eu
dir=$1; shift
ip link set lo up
mount --bind "$dir/resolv.conf" /etc/resolv.conf
mount --bind "$dir/hosts" /etc/hosts
node "$dir/server.js" "$dir/zones.json" "$dir/queries.log" "$dir/ready" 2>"$dir/server.err" &
server=$!
trap 'kill $server 2>/dev/null; wait $server 2>/dev/null || true' EXIT
i=0
until [ -s "$dir/ready" ]; do
  i=$((i + 1))
  if [ $i -gt 200 ] || ! kill -0 $server 2>/dev/null; then echo "fake DNS server did not start:" >&2; cat "$dir/server.err" >&2; exit 97; fi
  sleep 0.05
done
set +e
"$@"
`;

export interface FakeDnsRun {
  stdout: string;
  stderr: string;
  status: number | null;
  /** The questions the server was asked, as "NAME TYPE". */
  queries: string[];
}

/** Runs command with args (stdin from input) where DNS answers come from zones. */
export function runWithFakeDns(zones: Zones, command: string, args: string[], input = '', timeoutMs = 30_000): FakeDnsRun {
  const dir = mkdtempSync(join(tmpdir(), 'exim-fake-dns-'));
  try {
    writeFileSync(join(dir, 'zones.json'), JSON.stringify(zones));
    writeFileSync(join(dir, 'server.js'), readFileSync(join(__dirname, 'dnsServer.js')));
    // One attempt, one second: a question the server drops fails fast.
    writeFileSync(join(dir, 'resolv.conf'), 'nameserver 127.0.0.1\noptions attempts:1 timeout:1\n');
    writeFileSync(join(dir, 'hosts'), '127.0.0.1 localhost\n::1 localhost\n');
    writeFileSync(join(dir, 'queries.log'), '');
    const r = spawnSync('unshare', ['--net', '--mount', '--propagation', 'private', 'sh', '-c', INSIDE, 'fake-dns', dir, command, ...args], {
      input,
      encoding: 'utf8',
      timeout: timeoutMs,
    });
    if (r.status === 97) throw new Error(r.stderr);
    const queries = readFileSync(join(dir, 'queries.log'), 'utf8').split('\n').filter(Boolean);
    return { stdout: r.stdout, stderr: r.stderr, status: r.status, queries };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
