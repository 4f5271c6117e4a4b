// tls_require_ciphers against the real TLS library and the real Exim:
//  - 3,000 seeded random priority strings (keywords, names, flags, OpenSSL words,
//    misspellings, stray spaces and colons) are given to the installed libgnutls's
//    gnutls_priority_init(), the call Exim makes, through python3's ctypes; the analyser's
//    reader must refuse exactly the strings the library refuses for their words (strings
//    refused only because nothing usable is left, error -326, are not read for that);
//  - real deliveries through an smtp transport to a local server that offers STARTTLS show
//    that a refused string makes Exim deliver in clear, and tls-ciphers-invalid says so;
//  - a refused main-section string stops the daemon from starting (a good one does not).
// Needs python3, libgnutls and (for the deliveries) real Exim and root; fails under CI=true
// without them.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import vocabulary from '../../server/src/core/data/gnutls-priorities.json';
import { lintPath } from '../../server/src/core/service';
import { nodeHost } from '../../server/src/node/fsHost';
import { gnutlsPriorityProblem } from '../../server/src/core/util/gnutlsPriority';
import { freePort, startDaemon } from '../support/daemon';
import { deliverThroughSmarthost, requireDeliveryHarness } from '../support/delivery';
import { findExim } from '../support/exim';
import { repoRoot } from '../support/paths';
import { rng } from '../support/random';

/** Reads priority strings (JSON, one per line) and prints gnutls_priority_init()'s result for each. */
const GNUTLS = `
import ctypes, json, sys
lib = ctypes.CDLL('libgnutls.so.30')
lib.gnutls_priority_init.argtypes = [ctypes.POINTER(ctypes.c_void_p), ctypes.c_char_p, ctypes.POINTER(ctypes.c_char_p)]
lib.gnutls_priority_deinit.argtypes = [ctypes.c_void_p]
for line in sys.stdin:
    cache = ctypes.c_void_p(); err = ctypes.c_char_p()
    rc = lib.gnutls_priority_init(ctypes.byref(cache), json.loads(line).encode('latin-1'), ctypes.byref(err))
    if rc == 0: lib.gnutls_priority_deinit(cache)
    print(rc)
`;

function randomStrings(count: number): string[] {
  const random = rng(20261129);
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)];
  const recase = (w: string) => (random() < 0.2 ? w.toLowerCase() : w);
  const misspell = (w: string) => {
    const i = Math.floor(random() * w.length);
    return random() < 0.5 ? w.slice(0, i) + w.slice(i + 1) : w.slice(0, i) + w[i] + w.slice(i);
  };
  const openssl = ['HIGH', 'MEDIUM', '!aNULL', '!MD5', 'EECDH+AESGCM', 'DEFAULT', '@STRENGTH', 'ALL'];
  const element = (): string => {
    const r = random();
    let w: string;
    if (r < 0.15) w = recase(pick(vocabulary.keywords));
    else if (r < 0.55) w = pick(['+', '-', '!']) + recase(pick(vocabulary.names));
    else if (r < 0.65) w = pick(['+', '-']) + pick(vocabulary.namePrefixes) + (random() < 0.5 ? '' : 'X9');
    else if (r < 0.8) w = '%' + recase(pick(vocabulary.flags));
    else if (r < 0.9) w = pick(openssl);
    else w = misspell(pick(['+', '-', '%', '']) + pick([...vocabulary.names, ...vocabulary.flags, ...vocabulary.keywords]));
    const s = random();
    return s < 0.05 ? ` ${w}` : s < 0.08 ? `${w} ` : s < 0.09 ? `\t${w}` : w;
  };
  const out: string[] = [];
  for (let i = 0; i < count; i++) {
    const first = random() < 0.85 ? recase(pick(vocabulary.keywords.filter((k) => k !== 'NONE'))) : element();
    const parts = [first];
    const n = Math.floor(random() * 5);
    for (let k = 0; k < n; k++) parts.push(random() < 0.03 ? '' : element());
    out.push(parts.join(':') + (random() < 0.03 ? ':' : ''));
  }
  return out;
}

test('the priority-string reader refuses exactly what libgnutls refuses for its words', (t) => {
  const python = spawnSync('python3', ['-c', 'import ctypes; ctypes.CDLL("libgnutls.so.30")'], { encoding: 'utf8' });
  if (python.status !== 0) {
    if (process.env.CI === 'true') assert.fail(`python3 with libgnutls.so.30 is needed: ${python.stderr || python.error}`);
    t.skip('python3 or libgnutls.so.30 missing');
    return;
  }
  // Exim trims the option value, so strings are compared without surrounding white space.
  const strings = randomStrings(3000).map((s) => s.trim());
  const r = spawnSync('python3', ['-c', GNUTLS], { input: strings.map((s) => JSON.stringify(s)).join('\n') + '\n', encoding: 'utf8', maxBuffer: 1 << 24 });
  assert.equal(r.status, 0, r.stderr);
  const codes = r.stdout.trim().split('\n').map(Number);
  assert.equal(codes.length, strings.length);
  const wrong: string[] = [];
  let refused = 0;
  let semantic = 0;
  strings.forEach((s, i) => {
    if (codes[i] === -326) return void semantic++;
    const libraryRefuses = codes[i] !== 0;
    if (libraryRefuses) refused++;
    const problem = gnutlsPriorityProblem(s);
    if (libraryRefuses !== (problem !== undefined)) wrong.push(`${JSON.stringify(s)}: libgnutls ${libraryRefuses ? `refuses it (${codes[i]})` : 'accepts it'}, the reader ${problem ? `refuses it: ${problem.reason}` : 'accepts it'}`);
  });
  assert.deepEqual(wrong.slice(0, 20), [], `${wrong.length} of ${strings.length} disagree`);
  // The sample must exercise both answers.
  assert.ok(refused > 500 && strings.length - refused - semantic > 500, `refused ${refused}, nothing usable ${semantic}`);
});

test('data/gnutls-priorities.json is what the installed libgnutls accepts (scripts/gen-gnutls-priorities.py --check)', (t) => {
  const r = spawnSync('python3', [join(repoRoot(), 'scripts', 'gen-gnutls-priorities.py'), '--check'], { encoding: 'utf8' });
  if (r.error && process.env.CI !== 'true') return void t.skip('python3 missing');
  assert.equal(r.status, 0, r.stdout + r.stderr);
});

test('a tls_require_ciphers GnuTLS refuses makes Exim deliver in clear, and is reported', async (t) => {
  if (!requireDeliveryHarness(t)) return;
  const dir = mkdtempSync(join(tmpdir(), 'exim-gnutls-'));
  chmodSync(dir, 0o755);
  try {
    for (const [ciphers, refused] of [['HIGH:!aNULL:!MD5', true], ['NORMAL:-VERS-TLS1.0:-VERS-TLS1.1', false], ['SECURE128:+AES256-GCM', true]] as const) {
      // The sink offers STARTTLS and then breaks the handshake: Exim reaches its TLS set-up.
      const result = await deliverThroughSmarthost(dir, [`tls_require_ciphers = ${ciphers}`], 'starttls-bad');
      const { path, outcome } = result;
      const log = result.mainlog.join('\n');
      const libraryRefused = /gnutls_priority_init\(.*\) failed/.test(log);
      assert.equal(libraryRefused, refused, `${ciphers}: ${log}`);
      if (refused) {
        assert.equal(outcome, 'DELIVERED_CLEAR', `${ciphers}: ${log}`);
        assert.match(log, /delivering unencrypted/);
      }
      const findings = lintPath(path, nodeHost()).findings.filter((f) => f.code === 'tls-ciphers-invalid');
      assert.equal(findings.length, refused ? 1 : 0, `${ciphers}: ${findings.map((f) => f.message).join('; ')}`);
      if (refused) assert.match(findings[0].message, /falls back to clear text/);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a server tls_require_ciphers GnuTLS refuses stops the daemon from starting, and is reported as an error', async (t) => {
  if (!requireDeliveryHarness(t)) return;
  const exim = findExim()!;
  const dir = mkdtempSync(join(tmpdir(), 'exim-gnutls-daemon-'));
  chmodSync(dir, 0o777);
  try {
    for (const [ciphers, refused] of [['HIGH:!aNULL', true], ['SECURE128:-VERS-TLS1.0', false]] as const) {
      const port = await freePort();
      // tls_advertise_hosts is "*" by default: the daemon loads its TLS settings when it starts.
      const lines = ['primary_hostname = example.org', 'keep_environment =', `spool_directory = ${dir}/spool`, `log_file_path = ${dir}/%slog`, `tls_require_ciphers = ${ciphers}`, `daemon_smtp_ports = ${port}`, 'local_interfaces = 127.0.0.1'];
      const daemon = await startDaemon(exim, dir, lines);
      daemon.stop();
      const path = join(dir, 'exim.conf');
      const bv = spawnSync(exim, ['-C', path, '-bV'], { encoding: 'utf8', timeout: 30_000 });
      assert.equal(bv.status, 0, `exim -bV accepts ${ciphers}: ${bv.stderr}`);
      assert.equal(daemon.started, !refused, `${ciphers}: ${daemon.stderr}`);
      if (refused) assert.match(daemon.stderr, /tls_require_ciphers invalid: gnutls_priority_init/);
      const findings = lintPath(path, nodeHost()).findings.filter((f) => f.code === 'tls-ciphers-invalid');
      assert.deepEqual(findings.map((f) => f.severity), refused ? ['error'] : []);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
