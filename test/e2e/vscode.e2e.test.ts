/**
 * The packaged extension in real VS Code (code-server 4.100.3 = VS Code 1.100.3, headless
 * Chromium), one test per user-visible scenario. Every scenario saves a screenshot in
 * test-results/e2e/; the README's images in docs/images/ are copies of some of them.
 *
 * Needs `bash scripts/e2e/setup-code-server.sh`; skips without it, and fails under CI=true.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { log, missingPrerequisite, ROOT, Scenario, Session, SETUP_HINT, SHOTS } from './harness';
import {
  editorLines,
  escape,
  focusEditor,
  goToLine,
  openFile,
  Problem,
  problemRows,
  runCommand,
  showProblems,
  token,
  waitForEditorText,
  waitForLanguage,
  waitForProblems,
  waitOpaque,
} from './workbench';

// The functions given to page.evaluate/waitForFunction run in the browser.
/* eslint-disable @typescript-eslint/no-explicit-any */
declare const document: any;
declare function getComputedStyle(element: any): any;

const fixture = (name: string) => readFileSync(join(ROOT, 'test', 'e2e', 'fixtures', name), 'utf8');
const INSECURE = fixture('insecure.conf');
const HARDENED = fixture('hardened.conf');
const SNIPPET = fixture('snippet.conf');
/** 1-based line of the first line of `text` that starts with `start`. */
const lineOf = (text: string, start: string) => text.split('\n').findIndex((l) => l.startsWith(start)) + 1;

/** The rule code of a Problems panel row ("...eximtls-not-required[Ln 34, Col 1]"). */
const codeOf = (row: Problem) => /exim([a-z-]+)\[Ln \d+/.exec(row.text)?.[1];
const codes = (rows: Problem[]) => rows.map(codeOf);
const HARDENING_FINDING = /^(tls|retry)-/;

const missing = missingPrerequisite();
const CI = process.env.CI === 'true';
const SCENARIO_TIMEOUT = 120_000;

describe('VS Code end to end: the packaged extension in code-server', { skip: missing && !CI ? `${missing}; ${SETUP_HINT}` : false }, () => {
  let session: Session | undefined;
  /** Why the session could not start: every test then fails with it (a failing hook would only cancel them). */
  let startError: Error | undefined;

  before(
    async () => {
      try {
        if (missing) throw new Error(`the E2E suite is required under CI=true, but ${missing}: ${SETUP_HINT}`);
        session = await Session.start();
      } catch (e) {
        startError = e instanceof Error ? e : new Error(String(e));
      }
    },
    { timeout: 300_000 },
  );

  const started = (): Session => {
    if (startError) throw startError;
    assert.ok(session, 'code-server session did not start');
    return session;
  };

  after(async () => {
    await session?.stop();
  });

  /** Runs one scenario in a fresh window; a failure leaves a "-failed" screenshot and the page's state in the message. */
  async function scenario(slug: string, files: Record<string, string>, body: (s: Scenario) => Promise<void>): Promise<void> {
    const session = started();
    const t0 = Date.now();
    const s = await session.scenario(slug, files);
    try {
      await body(s);
    } catch (e) {
      const shot = await s.screenshot(`${slug}-failed`).catch(() => 'none');
      let logs = 'none';
      try {
        logs = session.saveLogs(join(SHOTS, `${slug}-failed-logs`));
      } catch {
        // the failure itself matters more
      }
      throw new Error(`${e instanceof Error ? e.message : String(e)}\n(screenshot: ${shot}; logs: ${logs})`, { cause: e });
    } finally {
      await s.close();
      log(`${slug}: ${((Date.now() - t0) / 1000).toFixed(1)}s`);
    }
    assert.deepEqual(s.external, [], 'the browser tried to reach something other than 127.0.0.1');
  }

  test('1. exim.conf opens as language "Exim" with coloured keywords, comments, options and expansions', { timeout: SCENARIO_TIMEOUT }, async () => {
    await scenario('1-highlighting', { 'exim.conf': INSECURE }, async ({ page, screenshot }) => {
      await openFile(page, 'exim.conf');
      await waitForLanguage(page, 'Exim');

      const sample = {
        keyword: token(page, 'begin'),
        comment: token(page, /Exim\sconfiguration\sfor/),
        option: token(page, 'primary_hostname'),
        expansionVariable: token(page, '$smtp_active_hostname'),
        expansionItem: token(page, 'lc'),
      };
      for (const [what, locator] of Object.entries(sample)) {
        await locator.waitFor({ timeout: 20_000 }).catch(() => {
          throw new Error(`no ${what} token rendered in the editor`);
        });
      }
      // The grammar colours tokens asynchronously; wait until `begin` is no longer plain text.
      await page.waitForFunction(
        () => {
          const spans = [...document.querySelectorAll('.monaco-editor .view-line span span')];
          return spans.some((s: any) => s.textContent === 'begin' && !s.classList.contains('mtk1'));
        },
        null,
        { timeout: 20_000 },
      );
      const colourOf = (l: (typeof sample)['keyword']) => l.evaluate((el: any) => getComputedStyle(el).color as string);
      const plain = await page.evaluate(() => getComputedStyle(document.querySelector('.monaco-editor .view-line span span.mtk1')).color as string);
      const colours: Record<string, string> = {};
      for (const [what, locator] of Object.entries(sample)) colours[what] = await colourOf(locator);
      log('token colours', JSON.stringify({ plain, ...colours }));

      for (const [what, colour] of Object.entries(colours)) assert.notEqual(colour, plain, `${what} is drawn in the plain text colour`);
      assert.equal(new Set([colours.keyword, colours.comment, colours.option]).size, 3, `keyword, comment and option share a colour: ${JSON.stringify(colours)}`);
      assert.notEqual(colours.expansionItem, colours.comment);
      await screenshot('1-highlighting');
    });
  });

  test('2. an insecure transport shows the TLS and retry warnings in the Problems panel', { timeout: SCENARIO_TIMEOUT }, async () => {
    await scenario('2-problems', { 'exim.conf': INSECURE }, async ({ page, screenshot }) => {
      await openFile(page, 'exim.conf');
      await goToLine(page, lineOf(INSECURE, 'remote_smtp:'));
      await showProblems(page);
      const expected = ['tls-not-required', 'tls-tryclear', 'tls-avoided', 'retry-tls-required-shadowed'];
      const rows = await waitForProblems(page, (r) => expected.every((c) => codes(r).includes(c)), `the warnings ${expected.join(', ')}`);
      for (const row of rows) assert.match(row.label, /^Warning: /, `not a warning: ${row.label}`);
      assert.ok(rows.some((r) => r.text.includes('transport "remote_smtp" can deliver to remote hosts without TLS')));
      assert.ok(rows.some((r) => r.text.includes('retry rule "* tls_required" never applies')));
      // The status bar counts them too.
      const status = (await page.locator('[id="status.problems"]').getAttribute('aria-label')) ?? '';
      assert.match(status, new RegExp(`Warnings: ${rows.length}\\b`), `status bar: ${status}`);
      await screenshot('2-problems');
    });
  });

  test('3. Ctrl+. on the warning offers the quick-fix, which adds hosts_require_tls = * (and takes out hosts_avoid_tls)', { timeout: SCENARIO_TIMEOUT }, async () => {
    await scenario('3-quick-fix', { 'exim.conf': INSECURE }, async ({ page, screenshot }) => {
      await openFile(page, 'exim.conf');
      await showProblems(page);
      await waitForProblems(page, (r) => codes(r).includes('tls-not-required'), 'the tls-not-required warning');
      await focusEditor(page);
      await goToLine(page, lineOf(INSECURE, 'remote_smtp:'));
      await page.keyboard.press('Control+.');
      // remote_smtp also has hosts_avoid_tls, which the fix takes out (with TLS required of
      // every host, delivery to the avoided one could never succeed).
      const title = 'Require TLS for every host: add "hosts_require_tls = *" to remote_smtp and remove its hosts_avoid_tls';
      const action = page.locator('.action-widget .monaco-list-row.action', { hasText: title });
      await action.waitFor({ timeout: 20_000 });
      // The preferred fix comes first and has the focus: Enter applies it, as for a user.
      await page.locator('.action-widget .monaco-list-row.action.focused', { hasText: title }).waitFor({ timeout: 5_000 });
      await screenshot('3-quick-fix-menu');
      await page.keyboard.press('Enter');
      await page.locator('.action-widget').waitFor({ state: 'hidden' });
      const lines = (await waitForEditorText(page, (t) => t.includes('  hosts_require_tls = *'), '"hosts_require_tls = *"')).split('\n');
      // Added inside remote_smtp, right after its driver line.
      const at = lines.findIndex((l) => l.startsWith('remote_smtp:'));
      assert.ok(at >= 0, 'remote_smtp is no longer on screen');
      assert.deepEqual(lines.slice(at, at + 4), ['remote_smtp:', '  driver = smtp', '  hosts_require_tls = *', '']);
      const rows = await waitForProblems(page, (r) => !codes(r).includes('tls-not-required') && !codes(r).includes('tls-avoided'), 'the tls-not-required and tls-avoided warnings gone');
      assert.ok(codes(rows).includes('tls-tryclear'), 'the other findings stay until fixed');
      await screenshot('3-quick-fix');
    });
  });

  test('4. "Exim: Harden TLS in this file" fixes everything and the Problems panel empties', { timeout: SCENARIO_TIMEOUT }, async () => {
    await scenario('4-harden', { 'exim.conf': INSECURE }, async ({ page, screenshot, folder }) => {
      await openFile(page, 'exim.conf');
      await showProblems(page);
      const before = await waitForProblems(page, (r) => r.filter((x) => HARDENING_FINDING.test(codeOf(x) ?? '')).length >= 4, 'four hardening findings');
      log('4-harden: before', JSON.stringify(codes(before)));
      await focusEditor(page);
      await goToLine(page, lineOf(INSECURE, 'remote_smtp:'));
      await runCommand(page, 'Exim: Harden TLS in this file');
      await waitForEditorText(page, (t) => t.includes('  tls_tempfail_tryclear = false') && !t.includes('hosts_avoid_tls'), 'the hardened transport');
      await waitForProblems(page, (r) => r.length === 0, 'no problems');
      await page.locator('.markers-panel .message-box-container', { hasText: 'No problems have been detected' }).waitFor({ timeout: 10_000 });
      const visible = await editorLines(page);
      log('4-harden: on screen', JSON.stringify(visible));
      const at = visible.findIndex((l) => l.startsWith('remote_smtp:'));
      assert.deepEqual(visible.slice(at, at + 4), ['remote_smtp:', '  driver = smtp', '  hosts_require_tls = *', '  tls_tempfail_tryclear = false']);
      await screenshot('4-harden');

      // Saved, the whole file is what Exim reads: transport hardened, tls_required before the catch-all.
      await focusEditor(page);
      await page.keyboard.press('Control+S');
      await page.locator('.tabs-container .tab.active.dirty').waitFor({ state: 'detached', timeout: 10_000 });
      const saved = readFileSync(join(folder, 'exim.conf'), 'utf8');
      assert.doesNotMatch(saved, /hosts_avoid_tls/);
      const retry = saved.slice(saved.indexOf('begin retry')).split('\n').filter((l) => l.startsWith('*'));
      assert.deepEqual(retry, ['*   tls_required', '*   *   F,2h,15m; G,16h,1h,1.5; F,4d,6h']);
    });
  });

  test('5. typing the snippet prefix inserts the hardened remote_smtp transport', { timeout: SCENARIO_TIMEOUT }, async () => {
    await scenario('5-snippet', { 'exim.conf': SNIPPET }, async ({ page, screenshot, folder }) => {
      await openFile(page, 'exim.conf');
      await page.keyboard.press('Control+End');
      const prefix = 'exim-transport-smtp-hardened';
      await page.keyboard.type(prefix, { delay: 25 });
      const suggestion = page.locator('.suggest-widget.visible .monaco-list-row', { has: page.locator('.label-name', { hasText: new RegExp(`^${escape(prefix)}$`) }) });
      await suggestion.waitFor({ timeout: 20_000 });
      // Completions arrive from several providers and the list can re-sort: accept with Enter
      // only once the snippet has been the focused (top) entry for a moment.
      const focused = page.locator('.suggest-widget.visible .monaco-list-row.focused .label-name');
      const stableBy = Date.now() + 10_000;
      for (let streak = 0; streak < 3; ) {
        if (Date.now() > stableBy) throw new Error(`the snippet never became the selected suggestion (selected: ${await focused.textContent().catch(() => 'none')})`);
        streak = (await focused.textContent().catch(() => ''))?.trim() === prefix ? streak + 1 : 0;
        await page.waitForTimeout(150);
      }
      await screenshot('5-snippet-suggest');
      await page.keyboard.press('Enter');
      const expected = ['remote_smtp:', '  driver = smtp', '  # TLS for every host: never deliver in clear text', '  hosts_require_tls = *', '  tls_tempfail_tryclear = false'];
      const text = await waitForEditorText(page, (t) => t.includes(expected.join('\n')), 'the hardened transport block');
      assert.doesNotMatch(text, new RegExp(escape(prefix)), 'the prefix was left in the text');
      // Once the server has re-checked the text, nothing in it is an error.
      await page
        .waitForFunction(() => !/\bErrors: [1-9]/.test(document.getElementById('status.problems')?.getAttribute('aria-label') ?? ''), null, { timeout: 15_000 })
        .catch(async () => {
          throw new Error(`the inserted transport has errors: ${await page.locator('[id="status.problems"]').getAttribute('aria-label')}`);
        });
      await screenshot('5-snippet');
      // The placeholders are real text once the snippet session ends; the block is what gets saved.
      await page.keyboard.press('Escape');
      await page.keyboard.press('Control+S');
      await page.locator('.tabs-container .tab.active.dirty').waitFor({ state: 'detached', timeout: 10_000 });
      const saved = readFileSync(join(folder, 'exim.conf'), 'utf8');
      assert.ok(saved.includes(`begin transports\n\n${expected.join('\n')}\n`), saved);
      assert.match(saved, /\n {2}tls_verify_certificates = system\n {2}tls_try_verify_hosts = \*\n/);
      // The inserted transport itself draws no TLS finding.
      await showProblems(page);
      await page.waitForTimeout(500);
      const tls = (await problemRows(page)).filter((r) => /^tls-/.test(codeOf(r) ?? ''));
      assert.deepEqual(tls, [], 'the hardened snippet has TLS findings');
    });
  });

  test('6. hovering tls_tempfail_tryclear shows its type and default; the Outline lists the transports', { timeout: SCENARIO_TIMEOUT }, async () => {
    await scenario('6-hover-outline', { 'exim.conf': HARDENED }, async ({ page, screenshot }) => {
      await openFile(page, 'exim.conf');
      await waitForLanguage(page, 'Exim');
      const option = token(page, 'tls_tempfail_tryclear');
      await option.waitFor();
      // The language server may still be starting: hover again until it answers (15 s at most).
      const hover = page.locator('.monaco-hover:not(.hidden)', { hasText: 'tls_tempfail_tryclear' }).first();
      const deadline = Date.now() + 15_000;
      for (;;) {
        // Glide onto the word from a few lines below, as a hand does (a single jump across the
        // window does not always start the editor's hover).
        const box = await option.boundingBox();
        if (!box) throw new Error('tls_tempfail_tryclear is not on screen');
        await page.mouse.move(box.x + box.width / 2, box.y + 60, { steps: 2 });
        await page.mouse.move(box.x + box.width / 2, box.y + box.height / 2, { steps: 5 });
        if (await hover.waitFor({ timeout: 3_000 }).then(() => true, () => false)) break;
        if (Date.now() > deadline) throw new Error('no hover appeared over tls_tempfail_tryclear (the language server answered no textDocument/hover)');
      }
      const hoverText = (await hover.textContent()) ?? '';
      log('6: hover', JSON.stringify(hoverText));
      assert.match(hoverText, /\bboolean\b/i, `hover text lacks the type: ${hoverText}`);
      assert.match(hoverText, /\btrue\b/, `hover text lacks the default: ${hoverText}`);
      await waitOpaque(hover);
      await screenshot('6-hover');

      await page.mouse.move(0, 0);
      await page.keyboard.press('Escape');
      // The Outline gets the whole side bar: fold the folder's file list away.
      const folderHeader = page.locator('.pane:has(.explorer-folders-view) > .pane-header');
      if ((await folderHeader.getAttribute('aria-expanded')) === 'true') await folderHeader.click();
      await runCommand(page, 'Explorer: Focus on Outline View');
      const outline = page.locator('.pane', { has: page.locator('.pane-header .title', { hasText: /^outline$/i }) });
      await outline.waitFor();
      const names = async () => (await outline.locator('.monaco-list-row .label-name').allTextContents()).map((n) => n.trim());
      // Sections start collapsed (outline.collapseItems): open "transports" as a user would.
      const transports = outline.locator('.monaco-list-row', { has: page.locator('.label-name', { hasText: /^transports$/ }) });
      await transports.waitFor({ timeout: 20_000 }).catch(async () => {
        throw new Error(`the Outline shows no "transports" section; it shows ${JSON.stringify(await names())} ("${await outline.locator('.pane-body').textContent()}")`);
      });
      if ((await transports.getAttribute('aria-expanded')) === 'false') await transports.locator('.monaco-tl-twistie').click();
      const shownBy = Date.now() + 10_000;
      let shown: string[] = [];
      while (Date.now() < shownBy) {
        shown = await names();
        if (['remote_smtp', 'local_delivery'].every((n) => shown.includes(n))) break;
        await page.waitForTimeout(250);
      }
      const empty = await outline.locator('.pane-body').textContent();
      assert.ok(['remote_smtp', 'local_delivery'].every((n) => shown.includes(n)), `the Outline does not list the transports; it shows ${JSON.stringify(shown)} ${shown.length ? '' : `("${empty}")`}`);
      await screenshot('6-outline');
    });
  });

  test('7. typing an expansion item shows its arguments, with the one being typed marked', { timeout: SCENARIO_TIMEOUT }, async () => {
    await scenario('7-signature-help', { 'exim.conf': HARDENED }, async ({ page, screenshot }) => {
      await openFile(page, 'exim.conf');
      await waitForLanguage(page, 'Exim');
      await goToLine(page, lineOf(HARDENED, '  file = /var/mail/'));
      await page.keyboard.press('End');
      await page.keyboard.press('Enter');
      // VS Code closes each "{" as it is typed and steps over the "}" typed after it.
      await page.keyboard.type('headers_add = X-Subject: ${sg{$h_subject:}{', { delay: 25 });
      const widget = page.locator('.parameter-hints-widget.visible');
      // The language server may still be starting: ask again (Ctrl+Shift+Space) until it answers.
      const deadline = Date.now() + 20_000;
      while (!(await widget.waitFor({ timeout: 3_000 }).then(() => true, () => false))) {
        if (Date.now() > deadline) throw new Error('no parameter hints appeared (the language server answered no textDocument/signatureHelp)');
        await page.keyboard.press('Control+Shift+Space');
      }
      // The hints first shown (at "${sg{") follow the typing a moment later.
      const activeIs = (text: string, what: string) =>
        page.waitForFunction((t: string) => document.querySelector('.parameter-hints-widget.visible .parameter.active')?.textContent === t, text, { timeout: 10_000 }).catch(async () => {
          throw new Error(`${what}: the marked argument is ${JSON.stringify(await widget.locator('.parameter.active').textContent().catch(() => 'none (no widget)'))}, not ${text}`);
        });
      await activeIs('{<regex>}', 'after "${sg{$h_subject:}{"');
      const signature = (await widget.locator('.signature').textContent()) ?? '';
      log('7: signature', JSON.stringify(signature));
      assert.match(signature, /\$\{sg\{<subject>\}\{<regex>\}\{<replacement>\}\}/, `unexpected signature: ${signature}`);
      await waitOpaque(widget);
      await screenshot('7-signature-help');
      // Typing the regex and moving to the next argument moves the mark.
      await page.keyboard.type('^Re:}{', { delay: 25 });
      await activeIs('{<replacement>}', 'after typing the regex and "}{"');
    });
  });

  test('the browser reached nothing but 127.0.0.1', { timeout: 10_000 }, () => {
    assert.deepEqual(started().external, []);
  });
});
