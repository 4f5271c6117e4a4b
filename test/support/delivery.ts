// Delivers one message with real Exim through a configuration's routers, smtp transport
// and retry section to a local SMTP sink (test/support/smtpSink.ts) and says what became
// of it: DELIVERED_CLEAR, DEFERRED or BOUNCED. Node built-ins only.
//
// How a configuration is pointed at the sink: its remote router routes to a host given by
// a macro (SMARTHOST by default, e.g. `route_list = * SMARTHOST` with `self = send`);
// exim's `-DSMARTHOST=127.0.0.1::PORT` overrides the value the file defines, so the file
// itself is used unmodified. Nothing touches the system's spool, logs or hints: exim runs
// with `-C WRAPPER`, a generated file in a private directory that sets spool_directory and
// log_file_path (plus keep_environment, primary_hostname and qualify_domain) and then
// `.include`s the configuration, so the configuration must not set those options itself.
// The message is submitted with `-odi` (delivered by the submitting process) and a null
// sender, so a failure creates no bounce message that would itself need delivering.
// Needs root: exim keeps its privileges with -C/-D only for root. The configuration (and
// the directories above it) must be readable by exim's user, which re-reads it to deliver.
// Only 127.0.0.1 is contacted.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { TestContext } from 'node:test';
import { findExim, requireExim } from './exim';
import { startSmtpSink, type SinkMessage, type SinkMode } from './smtpSink';

export type DeliveryOutcome = 'DELIVERED_CLEAR' | 'DEFERRED' | 'BOUNCED';

export interface DeliverOptions {
  /** Port of the sink on 127.0.0.1. */
  port: number;
  /** Macros set to `127.0.0.1::PORT` on exim's command line (default ["SMARTHOST"]). */
  hostMacros?: string[];
  /** Further `-D` macros. */
  macros?: Record<string, string>;
  /** Envelope recipient (default rcpt@example.org). */
  recipient?: string;
  /** Bound on each exim run, ms (default 30 000). */
  timeoutMs?: number;
  exim?: string;
  /** Keep the private directory (its path is in the log). */
  keep?: boolean;
}

export interface DeliveryResult {
  outcome: DeliveryOutcome;
  /** Exim's main log for the message, its output, exit status and the queue afterwards. */
  log: string;
  /** The lines of exim's main log. */
  mainlog: string[];
  messageId: string;
}

interface RunResult {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  timedOut: boolean;
}

/** Runs a command without blocking the event loop (the sink lives in this process). */
function run(cmd: string, args: string[], input: string | undefined, timeoutMs: number): Promise<RunResult> {
  return new Promise((done, fail) => {
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      child.kill('SIGKILL');
    }, timeoutMs);
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', (e) => {
      clearTimeout(timer);
      fail(e);
    });
    child.on('close', (status, signal) => {
      clearTimeout(timer);
      done({ status, signal, stdout, stderr, timedOut });
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(input ?? '');
  });
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** uid and gid of exim's user (Debian-exim on Debian), which writes the spool and logs. */
export function eximIds(exim: string): { uid: number; gid: number } {
  const read = (opt: string) => {
    const r = spawnSync(exim, ['-bP', '-n', opt], { encoding: 'utf8', timeout: 30_000 });
    return String(r.stdout ?? '').trim();
  };
  const user = read('exim_user') || 'Debian-exim';
  const group = read('exim_group') || user;
  const passwd = readFileSync('/etc/passwd', 'utf8').split('\n').map((l) => l.split(':'));
  const groups = readFileSync('/etc/group', 'utf8').split('\n').map((l) => l.split(':'));
  const pw = passwd.find((f) => f[0] === user || f[2] === user);
  const gr = groups.find((f) => f[0] === group || f[2] === group);
  if (!pw) throw new Error(`exim user ${user} not found in /etc/passwd`);
  return { uid: Number(pw[2]), gid: gr ? Number(gr[2]) : Number(pw[3]) };
}

let idsCache: { uid: number; gid: number } | undefined;

const TLS_CIPHER = / X=\S+/;

/**
 * Submits one message to `rcpt@example.org` through `configPath` with `-odi`, the
 * host macros pointing at 127.0.0.1:opts.port, and classifies the result from exim's
 * main log: `=>` without a TLS cipher (X=) is DELIVERED_CLEAR, `**` is BOUNCED, `==`
 * with the message still on the queue is DEFERRED. Anything else throws, with the log.
 */
export async function deliver(configPath: string, opts: DeliverOptions): Promise<DeliveryResult> {
  const exim = opts.exim ?? findExim();
  if (!exim) throw new Error('exim not found (apt-get install -y exim4-daemon-heavy)');
  if (process.getuid?.() !== 0) throw new Error('deliver() needs root: exim drops its privileges for -C/-D otherwise');
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const recipient = opts.recipient ?? 'rcpt@example.org';
  idsCache ??= eximIds(exim);
  const { uid, gid } = idsCache;

  const dir = mkdtempSync(join(tmpdir(), 'exim-deliver-'));
  chmodSync(dir, 0o755);
  const spool = join(dir, 'spool');
  const logDir = join(dir, 'log');
  for (const d of [spool, logDir]) {
    mkdirSync(d);
    chownSync(d, uid, gid);
    chmodSync(d, 0o750);
  }
  const wrapper = join(dir, 'wrapper.conf');
  writeFileSync(
    wrapper,
    [
      '# generated by test/support/delivery.ts: private spool and logs, then the configuration under test',
      'keep_environment =',
      'primary_hostname = probe.invalid',
      'qualify_domain = probe.invalid',
      `spool_directory = ${spool}`,
      `log_file_path = ${logDir}/%slog`,
      `.include ${resolve(configPath)}`,
      '',
    ].join('\n'),
    { mode: 0o644 },
  );

  const defines = [
    ...(opts.hostMacros ?? ['SMARTHOST']).map((m) => `-D${m}=127.0.0.1::${opts.port}`),
    ...Object.entries(opts.macros ?? {}).map(([k, v]) => `-D${k}=${v}`),
  ];
  const message = ['From: probe@probe.invalid', `To: ${recipient}`, 'Subject: loopback TLS probe', '', 'probe body', ''].join('\n');
  const report: string[] = [`workdir: ${dir}`, `command: ${exim} -C ${wrapper} ${defines.join(' ')} -odi -oi -f <> ${recipient}`];
  const mainlogPath = join(logDir, 'mainlog');
  const readMain = () => (existsSync(mainlogPath) ? readFileSync(mainlogPath, 'utf8') : '');
  try {
    const sub = await run(exim, ['-C', wrapper, ...defines, '-odi', '-oi', '-f', '', recipient], message, timeoutMs);
    report.push(`exim exit: ${sub.timedOut ? `killed after ${timeoutMs} ms` : sub.status ?? sub.signal}`);
    const output = (sub.stdout + sub.stderr).split('\n').filter((l) => l.trim() && !/lost privilege for using -C/.test(l));
    if (output.length) report.push('exim output:', ...output.map((l) => `  ${l}`));

    const configError = output.find((l) => /Exim configuration error|failed to open included configuration file/.test(l));
    if (configError) throw new Error(`exim rejected the configuration: ${configError.trim()}\n${report.join('\n')}`);

    // -odi: the delivery attempt is over when exim exits; the log may still be flushing.
    let id = '';
    let main = '';
    const deadline = Date.now() + 2_000;
    for (;;) {
      main = readMain();
      id = /^\S+ \S+ (\S+) <= /m.exec(main)?.[1] ?? '';
      if (id && new RegExp(`^\\S+ \\S+ ${id} (Completed|== |\\*\\* |Frozen)`, 'm').test(main)) break;
      if (Date.now() > deadline) break;
      await sleep(50);
    }
    const mainlog = main.split('\n').filter((l) => l && !/lost privilege for using -C/.test(l));
    report.push('mainlog:', ...mainlog.map((l) => `  ${l}`));
    const queue = await run(exim, ['-C', wrapper, ...defines, '-bp'], undefined, timeoutMs);
    report.push(`queue: ${queue.stdout.trim() || '<empty>'}`);
    const log = report.join('\n');
    if (sub.timedOut) throw new Error(`exim did not finish within ${timeoutMs} ms\n${log}`);
    if (!id) throw new Error(`exim did not accept the message\n${log}`);

    const mine = mainlog.filter((l) => l.includes(` ${id} `));
    const delivered = mine.find((l) => l.includes(` ${id} => `));
    let outcome: DeliveryOutcome;
    if (delivered) {
      if (TLS_CIPHER.test(delivered)) throw new Error(`delivered over TLS?\n${log}`);
      outcome = 'DELIVERED_CLEAR';
    } else if (mine.some((l) => l.includes(` ${id} ** `))) outcome = 'BOUNCED';
    else if (mine.some((l) => l.includes(` ${id} == `)) && queue.stdout.includes(id)) outcome = 'DEFERRED';
    else throw new Error(`cannot classify the delivery\n${log}`);
    return { outcome, log, mainlog, messageId: id };
  } finally {
    if (!opts.keep) rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * For tests that deliver: true when exim is installed and we are root (exim keeps its
 * privileges for -C/-D only for root). Otherwise calls t.skip() locally, or throws under
 * CI=true.
 */
export function requireDeliveryHarness(t: TestContext): boolean {
  const exim = requireExim(t);
  if (!exim) return false;
  if (process.getuid?.() === 0) return true;
  if (process.env.CI === 'true') throw new Error('delivery tests need root under CI=true (exim -C/-D keeps privileges only for root)');
  t.skip('delivery tests need root (exim -C/-D keeps privileges only for root)');
  return false;
}

/**
 * Writes DIR/exim.conf, a configuration that sends every domain but example.org through
 * one smtp transport, remote_smtp (with `transportOptions`; `mainOptions` go first), to the
 * host in the SMARTHOST macro, and delivers one message through it to a new sink in `mode`
 * (test/support/smtpSink.ts). Returns the configuration's path and what the sink received
 * with the result.
 */
export async function deliverThroughSmarthost(dir: string, transportOptions: string[], mode: SinkMode, mainOptions: string[] = []): Promise<DeliveryResult & { path: string; received: SinkMessage[] }> {
  const path = join(dir, 'exim.conf');
  const config = ['SMARTHOST = smtp.example.net', ...mainOptions, 'begin routers', 'smarthost:', '  driver = manualroute', '  domains = ! example.org', '  transport = remote_smtp', '  route_list = * SMARTHOST byname', '  self = send', 'begin transports', 'remote_smtp:', '  driver = smtp', ...transportOptions.map((o) => `  ${o}`), ''];
  writeFileSync(path, config.join('\n'), { mode: 0o644 });
  chmodSync(path, 0o644);
  const sink = await startSmtpSink(mode);
  try {
    const result = await deliver(path, { port: sink.port, recipient: 'r@remote.example' });
    return { ...result, path, received: [...sink.messages] };
  } finally {
    await sink.close();
  }
}
