/** What a user does and sees in the VS Code workbench, as playwright steps. */
import { Locator, Page } from 'playwright-core';

// Functions given to page.evaluate/waitForFunction run in the browser; the project compiles
// without the DOM library, so the few browser globals they use are declared here, untyped.
/* eslint-disable @typescript-eslint/no-explicit-any */
declare const document: any;
declare function getComputedStyle(element: any): any;

const EDITOR = '.editor-group-container.active .monaco-editor';

/** Opens a file from the Explorer (double-click: a pinned editor, not a preview). */
export async function openFile(page: Page, name: string): Promise<void> {
  const row = page.locator('.explorer-folders-view .monaco-list-row', { has: page.locator('.label-name', { hasText: new RegExp(`^${escape(name)}$`) }) });
  await row.waitFor();
  await row.dblclick();
  await page.locator('.tabs-container .tab.active', { hasText: name }).waitFor();
  await page.locator(`${EDITOR} .view-lines .view-line`).first().waitFor();
  await focusEditor(page);
}

/** Puts the keyboard focus in the active editor (View: Focus First Editor Group). */
export async function focusEditor(page: Page): Promise<void> {
  await page.keyboard.press('Control+1');
  await page.waitForFunction((sel) => !!document.activeElement?.closest(sel), EDITOR, { timeout: 10_000 });
}

/** The language shown in the status bar ("Exim"). */
export async function waitForLanguage(page: Page, name: string): Promise<void> {
  await page.waitForFunction((n) => document.getElementById('status.editor.mode')?.textContent?.trim() === n, name, { timeout: 30_000 });
}

/** The text of the active editor as rendered, line by line (fits the viewport in these tests). */
export async function editorLines(page: Page): Promise<string[]> {
  return page.evaluate((sel) => {
    const lines = [...document.querySelectorAll(`${sel} .view-lines .view-line`)];
    return lines
      .map((l: any) => ({ top: parseFloat(l.style.top || '0'), text: (l.textContent ?? '').replace(/\u00a0/g, ' ') }))
      .sort((a: { top: number }, b: { top: number }) => a.top - b.top)
      .map((l: { text: string }) => l.text);
  }, EDITOR);
}

export async function editorText(page: Page): Promise<string> {
  return (await editorLines(page)).join('\n');
}

/** Waits until the rendered editor text satisfies `test`; returns it. */
export async function waitForEditorText(page: Page, test: (text: string) => boolean, what: string, timeout = 20_000): Promise<string> {
  const deadline = Date.now() + timeout;
  let text = '';
  while (Date.now() < deadline) {
    text = await editorText(page);
    if (test(text)) return text;
    await page.waitForTimeout(200);
  }
  throw new Error(`editor text never showed ${what}; it shows:\n${text}`);
}

/** Runs a command from the Command Palette by its title. */
export async function runCommand(page: Page, title: string): Promise<void> {
  await page.keyboard.press('F1');
  const input = page.locator('.quick-input-widget input.input');
  await input.waitFor();
  await input.fill(`>${title}`);
  const row = page.locator('.quick-input-list .monaco-list-row', { has: page.locator('.label-name', { hasText: title }) }).first();
  await row.waitFor();
  await row.click();
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
}

/** Moves the cursor to a 1-based line with Go to Line (Ctrl+G). */
export async function goToLine(page: Page, line: number, column = 1): Promise<void> {
  await page.keyboard.press('Control+G');
  const input = page.locator('.quick-input-widget input.input');
  await input.waitFor();
  await input.fill(`:${line}:${column}`);
  await page.keyboard.press('Enter');
  await page.locator('.quick-input-widget').waitFor({ state: 'hidden' });
}

/** Shows the Problems panel. */
export async function showProblems(page: Page): Promise<Locator> {
  await runCommand(page, 'Problems: Focus on Problems View');
  const panel = page.locator('.markers-panel');
  await panel.waitFor();
  return panel;
}

export interface Problem {
  text: string;
  label: string;
}

/** The marker rows of the Problems panel (file rows left out). */
export async function problemRows(page: Page): Promise<Problem[]> {
  return page.evaluate(() =>
    [...document.querySelectorAll('.markers-panel .monaco-list-row')]
      .filter((row: any) => row.querySelector('.marker-message-details, .marker-icon, .codicon-warning, .codicon-error, .codicon-info'))
      .map((row: any) => ({ text: (row.textContent ?? '').replace(/\u00a0/g, ' '), label: row.getAttribute('aria-label') ?? '' })),
  );
}

/** Waits until the Problems panel's marker rows satisfy `test`; returns them. */
export async function waitForProblems(page: Page, test: (rows: Problem[]) => boolean, what: string, timeout = 30_000): Promise<Problem[]> {
  const deadline = Date.now() + timeout;
  let rows: Problem[] = [];
  while (Date.now() < deadline) {
    rows = await problemRows(page);
    if (test(rows)) return rows;
    await page.waitForTimeout(250);
  }
  throw new Error(`Problems panel never showed ${what}; it shows:\n${rows.map((r) => r.text).join('\n') || '(no problems)'}`);
}

/** Waits until a widget has finished fading in (for screenshots). */
export async function waitOpaque(widget: Locator): Promise<void> {
  await widget.evaluate(
    (el: any) =>
      new Promise<void>((res) => {
        const start = Date.now();
        const check = () => (getComputedStyle(el).opacity === '1' || Date.now() - start > 3000 ? res() : setTimeout(check, 50));
        check();
      }),
  );
}

/** The first rendered token span in the active editor whose text matches. */
export function token(page: Page, text: string | RegExp): Locator {
  const re = typeof text === 'string' ? new RegExp(`^${escape(text)}$`) : text;
  return page.locator(`${EDITOR} .view-line span span`, { hasText: re }).first();
}

export function escape(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
