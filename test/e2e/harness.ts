/**
 * End-to-end harness: the packaged extension (.vsix) installed into code-server (VS Code
 * 1.100.3 in the browser, with a real Node extension host), driven in Debian's headless
 * Chromium through playwright-core.
 *
 * One code-server serves every scenario; each scenario gets its own workspace folder and its
 * own browser context, so it starts from a fresh window, editor and extension host. The
 * browser may talk to 127.0.0.1 only: every other request is aborted and recorded, and the
 * scenarios assert that none was attempted.
 *
 * Install code-server and Chromium with `bash scripts/e2e/setup-code-server.sh`.
 */
import { ChildProcess, execFile, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, statSync, writeFileSync, createWriteStream } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { Browser, BrowserContext, chromium, Page } from 'playwright-core';

export const ROOT = resolve(__dirname, '..', '..', '..');
export const CODE_SERVER = process.env.E2E_CODE_SERVER ?? join(ROOT, '.e2e', 'code-server', 'node_modules', '.bin', 'code-server');
export const CHROMIUM = process.env.E2E_CHROMIUM ?? '/usr/bin/chromium';
export const VSIX = join(ROOT, 'exim-config-tools.vsix');
export const SHOTS = join(ROOT, 'test-results', 'e2e');
const EXTENSION_ID = 'exim-config-tools.exim-config-tools';

/** Browser flags: headless, no sandbox (root), and nothing that phones home. */
const CHROMIUM_ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-default-apps',
  '--disable-extensions',
  '--no-default-browser-check',
  // Chromium's own resolver answers NOTFOUND for every name but 127.0.0.1.
  '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1',
];

const USER_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.colorTheme': 'Default Dark Modern',
  'workbench.enableExperiments': false,
  'workbench.tips.enabled': false,
  'workbench.welcomePage.walkthroughs.openOnInstall': false,
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'security.workspace.trust.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'update.mode': 'none',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'extensions.ignoreRecommendations': true,
  'chat.commandCenter.enabled': false,
  'git.enabled': false,
  'git.openRepositoryInParentFolders': 'never',
  'editor.minimap.enabled': false,
  'editor.fontSize': 14,
  'editor.hover.delay': 200,
  'outline.collapseItems': 'alwaysCollapse',
  'problems.defaultViewMode': 'list',
  'files.autoSave': 'off',
};

const HTTP_URL = /^(https?|wss?):\/\/127\.0\.0\.1[:/]/;

/** Why the E2E suite cannot run on this machine, or undefined when it can. */
export function missingPrerequisite(): string | undefined {
  if (!existsSync(CODE_SERVER)) return `code-server not found at ${CODE_SERVER}`;
  if (!existsSync(CHROMIUM)) return `chromium not found at ${CHROMIUM}`;
  return undefined;
}

export const SETUP_HINT = 'run `bash scripts/e2e/setup-code-server.sh` (installs Debian chromium and code-server 4.100.3 into .e2e/)';

/** Elapsed-time logger for the test output: where the time goes. */
const T0 = Date.now();
export const log = (...parts: unknown[]): void => {
  console.log(`# [e2e ${((Date.now() - T0) / 1000).toFixed(1)}s]`, ...parts);
};

function run(cmd: string, args: string[], options: { cwd?: string; env?: NodeJS.ProcessEnv; timeout: number }): Promise<string> {
  return new Promise((res, rej) => {
    execFile(cmd, args, { ...options, maxBuffer: 16 * 1024 * 1024, killSignal: 'SIGKILL' }, (err, stdout, stderr) => {
      if (err) rej(new Error(`${cmd} ${args.join(' ')} failed: ${err.message}\n${stdout}\n${stderr}`));
      else res(`${stdout}${stderr}`);
    });
  });
}

/**
 * Packages the .vsix when it is missing or older than what goes into it. `npm test` has
 * just built dist/; rebuilding it here would rewrite dist/cli.js under the tests that run
 * alongside, so only the packaging step runs.
 */
export async function ensureVsix(): Promise<string> {
  const inputs = ['package.json', 'dist/client.js', 'dist/server.js', 'syntaxes/exim.tmLanguage.json', 'snippets/exim.code-snippets', 'language-configuration.json', 'README.md'];
  const newest = Math.max(...inputs.map((f) => (existsSync(join(ROOT, f)) ? statSync(join(ROOT, f)).mtimeMs : 0)));
  if (existsSync(VSIX) && statSync(VSIX).mtimeMs >= newest) return VSIX;
  log('packaging the extension: npm run package:vsix');
  await run('npm', ['run', 'package:vsix', '--silent'], { cwd: ROOT, timeout: 180_000 });
  if (!existsSync(VSIX)) throw new Error(`npm run package did not write ${VSIX}`);
  return VSIX;
}

function freePort(): Promise<number> {
  return new Promise((res, rej) => {
    const server = createServer();
    server.on('error', rej);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => res(port));
    });
  });
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<T>((_, rej) => {
      timer = setTimeout(() => rej(new Error(`${what} timed out after ${ms / 1000}s`)), ms);
    }),
  ]);
}

export interface Scenario {
  page: Page;
  context: BrowserContext;
  folder: string;
  /** Non-loopback requests the browser attempted during this scenario (all were aborted). */
  external: string[];
  screenshot(name: string): Promise<string>;
  close(): Promise<void>;
}

/** A running code-server with the extension installed, and a headless Chromium. */
export class Session {
  /** Every non-loopback request the browser attempted (all were aborted). */
  readonly external: string[] = [];
  private constructor(
    readonly tmp: string,
    readonly port: number,
    private readonly server: ChildProcess,
    readonly browser: Browser,
    readonly serverLog: string,
  ) {}

  static async start(): Promise<Session> {
    const vsix = await ensureVsix();
    const tmp = mkdtempSync(join(process.env.TMPDIR || tmpdir(), 'exim-e2e-'));
    const userData = join(tmp, 'user-data');
    const extensions = join(tmp, 'extensions');
    mkdirSync(join(userData, 'User'), { recursive: true });
    mkdirSync(extensions);
    mkdirSync(join(tmp, 'home'));
    mkdirSync(join(tmp, 'workspaces'));
    writeFileSync(join(userData, 'User', 'settings.json'), JSON.stringify(USER_SETTINGS, null, 2));
    // Fresh HOME and XDG dirs: nothing is read from or written to the real user's.
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      HOME: join(tmp, 'home'),
      XDG_CONFIG_HOME: join(tmp, 'xdg-config'),
      XDG_DATA_HOME: join(tmp, 'xdg-data'),
      XDG_CACHE_HOME: join(tmp, 'xdg-cache'),
      XDG_RUNTIME_DIR: join(tmp, 'xdg-runtime'),
      // Any extension gallery query goes to a closed loopback port, never to the internet.
      EXTENSIONS_GALLERY: JSON.stringify({ serviceUrl: 'http://127.0.0.1:9/gallery', itemUrl: 'http://127.0.0.1:9/item' }),
    };
    delete env.VSCODE_IPC_HOOK_CLI;

    log('installing', vsix);
    const installed = await run(CODE_SERVER, ['--user-data-dir', userData, '--extensions-dir', extensions, '--install-extension', vsix], { env, timeout: 120_000 });
    if (!/successfully installed/i.test(installed)) throw new Error(`code-server --install-extension did not report success:\n${installed}`);
    const list = await run(CODE_SERVER, ['--user-data-dir', userData, '--extensions-dir', extensions, '--list-extensions'], { env, timeout: 60_000 });
    if (!list.split('\n').some((l) => l.trim() === EXTENSION_ID)) throw new Error(`${EXTENSION_ID} missing from --list-extensions:\n${list}`);

    const port = await freePort();
    const serverLog = join(tmp, 'code-server.log');
    const logStream = createWriteStream(serverLog);
    const server = spawn(
      CODE_SERVER,
      [
        '--bind-addr', `127.0.0.1:${port}`,
        '--auth', 'none',
        '--disable-telemetry',
        '--disable-update-check',
        '--disable-workspace-trust',
        '--disable-getting-started-override',
        '--disable-file-downloads',
        '--user-data-dir', userData,
        '--extensions-dir', extensions,
      ],
      // Its own process group, so that stop() also ends the extension hosts it forks.
      { env, stdio: ['ignore', 'pipe', 'pipe'], detached: true },
    );
    server.stdout!.pipe(logStream);
    server.stderr!.pipe(logStream);
    const killGroup = () => {
      try {
        process.kill(-server.pid!, 'SIGKILL');
      } catch {
        // already gone
      }
    };
    process.once('exit', killGroup);
    try {
      await withTimeout(
        new Promise<void>((res, rej) => {
          let seen = '';
          server.stdout!.on('data', (d: Buffer) => {
            seen += String(d);
            if (/HTTP server listening/.test(seen)) res();
          });
          server.on('exit', (code) => rej(new Error(`code-server exited (${code}) before listening; log: ${serverLog}`)));
        }),
        60_000,
        'code-server start',
      );
    } catch (e) {
      killGroup();
      throw e;
    }
    log(`code-server listening on 127.0.0.1:${port}`);

    let browser: Browser;
    try {
      browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, timeout: 60_000, args: CHROMIUM_ARGS, env: env as Record<string, string> });
    } catch (e) {
      killGroup();
      throw e;
    }
    // This run's screenshots only: no stale "-failed" pictures from an earlier run.
    rmSync(SHOTS, { recursive: true, force: true });
    mkdirSync(SHOTS, { recursive: true });
    return new Session(tmp, port, server, browser, serverLog);
  }

  /** A fresh window on a new workspace folder holding `files` (name -> text). */
  async scenario(slug: string, files: Record<string, string>): Promise<Scenario> {
    const folder = join(this.tmp, 'workspaces', slug);
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(dirname(join(folder, name)), { recursive: true });
      writeFileSync(join(folder, name), text);
    }
    // No service workers: every request of the page and its workers goes through the route below.
    const context = await this.browser.newContext({ viewport: { width: 1280, height: 800 }, deviceScaleFactor: 1, serviceWorkers: 'block' });
    context.setDefaultTimeout(30_000);
    const external: string[] = [];
    // The hard guarantee: only 127.0.0.1 (and in-page data:/blob: URLs) ever leave the page.
    await context.route(
      (url) => !HTTP_URL.test(url.href) && url.protocol !== 'data:' && url.protocol !== 'blob:',
      (route) => {
        external.push(route.request().url());
        this.external.push(route.request().url());
        return route.abort('blockedbyclient');
      },
    );
    const page = await context.newPage();
    page.on('websocket', (ws) => {
      if (!HTTP_URL.test(ws.url())) {
        external.push(ws.url());
        this.external.push(ws.url());
      }
    });
    page.on('pageerror', (e) => log(`${slug}: page error: ${e.message}`));
    await page.goto(`http://127.0.0.1:${this.port}/?folder=${encodeURIComponent(folder)}`, { timeout: 60_000 });
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    // The Explorer lists the folder's files once the workbench has connected to the server.
    await page.locator('.explorer-folders-view .monaco-list-row').first().waitFor({ timeout: 60_000 });
    const shot = async (name: string) => {
      const path = join(SHOTS, `${name}.png`);
      await page.screenshot({ path, timeout: 30_000 });
      return path;
    };
    return {
      page,
      context,
      folder,
      external,
      screenshot: shot,
      close: async () => {
        await context.close().catch(() => undefined);
      },
    };
  }

  /** Copies code-server's and the extension hosts' logs to `dest` (kept with a failed scenario's screenshot). */
  saveLogs(dest: string): string {
    mkdirSync(dest, { recursive: true });
    cpSync(join(this.tmp, 'user-data', 'logs'), join(dest, 'logs'), { recursive: true, force: true });
    cpSync(this.serverLog, join(dest, 'code-server.log'), { force: true });
    return dest;
  }

  async stop(): Promise<void> {
    await withTimeout(this.browser.close(), 20_000, 'closing chromium').catch((e) => log(String(e)));
    const pid = this.server.pid!;
    try {
      process.kill(-pid, 'SIGTERM');
    } catch {
      // already gone
    }
    await withTimeout(
      new Promise<void>((res) => (this.server.exitCode !== null ? res() : this.server.once('exit', () => res()))),
      10_000,
      'code-server stop',
    ).catch(() => undefined);
    try {
      process.kill(-pid, 'SIGKILL');
    } catch {
      // already gone
    }
    if (!process.env.E2E_KEEP_TMP) rmSync(this.tmp, { recursive: true, force: true });
    else log('kept', this.tmp);
  }
}
