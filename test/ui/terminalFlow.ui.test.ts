/**
 * What a person does in a real workbench: runs a failing command in the
 * integrated terminal, sees the notification, clicks Diagnose and reads the
 * verdict (hostile output markup stays text); finds the incident in the side
 * view; hovers a failure line of a log file. Saves the notification, hover and
 * high-contrast panel screenshots (into media/screenshots/ with CD_UPDATE_SCREENSHOTS=1).
 */
import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Frame, Locator } from 'playwright-core';
import { SCREENSHOTS_DIR, Workbench } from './workbench';
import { refusedPort } from '../support/refusedPort';

const SHOTS = SCREENSHOTS_DIR;

/** Markup a hostile program could print: it must stay text wherever it is shown. */
const HOSTILE_IMG = '<img src=x onerror=window.__cdPwned=1>';
const HOSTILE_SCRIPT = '<script>window.__cdPwned=2</script>';

/** The meaning of "refused" the hover must show (src/core/knowledge/categories.ts). */
const REFUSED_MEANING = 'The machine answered but nothing was listening on that address and port, so the connection was rejected at once.';


/** Polls `probe` until it returns a value other than undefined/false (for state Playwright cannot wait on directly). */
async function until<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 30_000, everyMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/** The value of `window.__cdPwned` in a frame (undefined unless hostile markup ran). */
async function pwned(frame: Frame): Promise<unknown> {
  return frame.evaluate(() => (globalThis as { __cdPwned?: unknown }).__cdPwned);
}

describe('UI: a failing command in the terminal, the notification, the panel, the side view and the hover (dark)', function () {
  this.timeout(300_000);
  let wb: Workbench;
  let port: number;

  before(async () => {
    port = await refusedPort();
    wb = await Workbench.open({
      theme: 'Default Dark Modern',
      files: {
        'app.log': [
          '2024-05-01T10:00:00.120Z INFO  server: starting api on :8080',
          '2024-05-01T10:00:00.480Z INFO  cache: warmed 1200 keys',
          '2024-05-01T10:00:01.002Z ERROR db: Error: connect ECONNREFUSED 127.0.0.1:5432',
          '2024-05-01T10:00:01.010Z INFO  server: retrying in 5s',
          '',
        ].join('\n'),
      },
      settings: { 'workbench.secondarySideBar.defaultVisibility': 'hidden', 'chat.commandCenter.enabled': false },
    });
    // The chat side bar would take a third of the screenshots.
    const aux = wb.page.locator('.part.auxiliarybar');
    if (await aux.isVisible()) {
      await wb.page.keyboard.press('Control+Alt+B');
      await aux.waitFor({ state: 'hidden', timeout: 5_000 }).catch(() => undefined);
    }
  });
  after(async () => {
    await wb?.close();
  });
  afterEach(async function () {
    // A picture of the failure makes a flaky UI step diagnosable.
    if (this.currentTest?.state === 'failed') await wb?.screenshot(join('/tmp', `terminalFlow-failed-${Date.now()}.png`)).catch(() => undefined);
  });

  it('notifies about a refused connection printed in the terminal and diagnoses it from the notification, hostile markup shown as text', async () => {
    const { page } = wb;
    await wb.runCommand('Terminal: Create New Terminal');
    const terminal = page.locator('.part.panel .terminal-wrapper.active .xterm').first();
    await terminal.waitFor({ state: 'visible', timeout: 30_000 });
    // The bash prompt: shell integration is injected before bash prints its first prompt.
    await terminal.locator('.terminal-command-decoration').first().waitFor({ state: 'attached', timeout: 60_000 });
    await terminal.click();

    const script = `require('net').connect(${port}, '127.0.0.1').on('error', (e) => { console.error('${HOSTILE_IMG}${HOSTILE_SCRIPT} db: ' + e.message); console.error(e); process.exit(1) })`;
    await page.keyboard.type(`node -e "${script}"`);
    await page.keyboard.press('Enter');

    // The notification names the target, the program and the terminal, and offers the three actions. (The
    // harness's smoke-test driver keeps VS Code from showing toasts, so it is read where a person finds it
    // once its toast is gone: the notification centre behind the bell of the status bar.)
    const notification = await wb.notification(`Connection refused by 127.0.0.1:${port}`);
    const message = ((await notification.locator('.notification-list-item-message').textContent()) ?? '').trim();
    assert.match(message, new RegExp(`^Connection refused by 127\\.0\\.0\\.1:${port} \\(node, terminal 'bash'\\)$`), message);
    assert.match((await notification.locator('.notification-list-item-source').textContent()) ?? '', /Connection Doctor/);
    const buttons = notification.locator('.notification-list-item-buttons-container .monaco-button');
    assert.deepEqual((await buttons.allTextContents()).map((t) => t.trim()), ['Diagnose', 'Show incidents', 'Mute this target']);
    await wb.screenshot(join(SHOTS, 'notification-dark.png'));

    await buttons.filter({ hasText: /^Diagnose$/ }).click();
    await notification.waitFor({ state: 'detached', timeout: 10_000 });
    const panel = await wb.webviewFrame('#probes');
    await panel.locator('h1.title', { hasText: `127.0.0.1:${port}` }).waitFor({ timeout: 60_000 });
    await panel.locator('#verdict-text').waitFor({ timeout: 60_000 });
    assert.match((await panel.locator('#verdict-text').textContent()) ?? '', new RegExp(`Nothing listens on 127\\.0\\.0\\.1:${port}`));
    const top = panel.locator('.cause').first();
    assert.equal(await top.getAttribute('data-cause'), 'no-listener');
    assert.equal(((await top.locator('.cause-title').textContent()) ?? '').trim(), 'Nothing is listening on that port');
    // The header tells where the failure came from: the terminal, the command and (from shell integration's
    // end event) its exit code.
    const header = (await panel.locator('header.header').textContent()) ?? '';
    assert.match(header, /Seen in\s*terminal/);
    assert.match(header, /exit code 1/);

    // The terminal's output is shown as text: the markup is there literally and no element was made of it.
    const shown = (await panel.locator('pre.output').textContent()) ?? '';
    assert.ok(shown.includes(`${HOSTILE_IMG}${HOSTILE_SCRIPT} db: connect ECONNREFUSED 127.0.0.1:${port}`), `the output as printed: ${shown}`);
    assert.ok(shown.includes(`Error: connect ECONNREFUSED 127.0.0.1:${port}`), shown);
    assert.equal(await panel.locator('#root img').count(), 0, 'no <img> element was created');
    assert.equal(await panel.locator('#root script').count(), 0, 'no <script> element was created');
    assert.equal(await panel.locator('script', { hasText: '__cdPwned' }).count(), 0);
    // The command line (which holds the same markup) is text too.
    assert.ok(((await panel.locator('code.command-line').textContent()) ?? '').includes(HOSTILE_IMG));
    assert.equal(await pwned(panel), undefined, 'no script of the output ran in the webview');
    assert.equal(await wb.page.evaluate(() => (globalThis as { __cdPwned?: unknown }).__cdPwned), undefined, 'nothing ran in the workbench');
  });

  it('lists the terminal incident in the incidents side view', async () => {
    const entry = wb.page.locator('.activitybar [aria-label^="Connection Doctor"]').first();
    await entry.click();
    const view = await wb.webviewFrame('#groups');
    const group = view.locator(`li.group[data-target="127.0.0.1:${port}"]`);
    await group.waitFor({ state: 'visible', timeout: 30_000 });
    assert.equal(((await group.locator('.group-main .target').textContent()) ?? '').trim(), `127.0.0.1:${port}`);
    const incident = group.locator('li.incident').first();
    assert.ok(((await incident.locator('.incident-text').textContent()) ?? '').includes(HOSTILE_IMG), 'the first line of the output, as text');
    assert.match((await incident.locator('.incident-meta').textContent()) ?? '', /ECONNREFUSED.*terminal/);
    assert.equal(await view.locator('#root img').count(), 0);
    assert.equal(await pwned(view), undefined);
  });

  it('shows the hover on a failure line of a log file, with its category, meaning and command links', async () => {
    const { page } = wb;
    await page.keyboard.press('Control+P');
    const input = wb.quickInput();
    await input.waitFor({ state: 'visible' });
    await input.fill('app.log');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'app.log' }).first().waitFor();
    await page.keyboard.press('Enter');
    const editor = page.locator('.editor-instance .monaco-editor', { has: page.locator('.view-line', { hasText: 'ECONNREFUSED' }) }).first();
    const line = editor.locator('.view-line', { hasText: 'ECONNREFUSED 127.0.0.1:5432' }).first();
    await line.waitFor({ state: 'visible', timeout: 30_000 });
    // Move the mouse over the words of the line (the span holds the text; the line's box is wider than it).
    const words = line.locator(':scope > span').first();
    // Monaco re-renders its lines while it tokenizes: ask again until the words have a box on screen.
    const box = await until('the failure line on screen', async () => (await words.boundingBox().catch(() => null)) ?? undefined, 20_000);
    await page.mouse.move(box.x + box.width * 0.6, box.y + box.height / 2, { steps: 5 });
    const hover = page.locator('.monaco-hover', { hasText: 'Diagnose this connection' }).first();
    await hover.waitFor({ state: 'visible', timeout: 20_000 });

    const text = ((await hover.textContent()) ?? '').replace(/\s+/g, ' ');
    assert.ok(text.includes('Connection refused'), text);
    assert.ok(text.includes('127.0.0.1:5432'), text);
    assert.ok(text.includes('ECONNREFUSED'), text);
    assert.ok(text.includes(REFUSED_MEANING), text);
    assert.ok(text.includes('Likely causes'), text);
    assert.ok(text.includes('Nothing is listening on that port'), text);
    const link = (label: string): Locator => hover.locator('a', { hasText: label });
    await link('Diagnose this connection').waitFor({ state: 'visible' });
    await link('Explain').waitFor({ state: 'visible' });
    assert.match((await link('Diagnose this connection').getAttribute('data-href')) ?? '', /^command:/);
    await wb.screenshot(join(SHOTS, 'hover-dark.png'));

    // "Explain" is a live command link: it opens the explanation of this line.
    await link('Explain').click();
    await until('the explanation preview', async () => {
      for (const frame of page.frames()) {
        if (frame.isDetached() || frame === page.mainFrame()) continue;
        const h1 = frame.locator('h1', { hasText: '127.0.0.1:5432' });
        if ((await h1.count().catch(() => 0)) > 0 && ((await h1.first().textContent()) ?? '').includes('Connection refused')) return true;
      }
      return false;
    }, 30_000, 250);
  });

  it('shows the diagnosis panel in the high-contrast theme', async () => {
    const { page } = wb;
    await wb.setTheme('Default High Contrast');
    const tab = page.locator('.tabs-container .tab', { hasText: `Diagnosis: 127.0.0.1:${port}` }).first();
    // The terminal would hide half of the panel: give the editor area the height.
    await wb.runCommand('View: Hide Panel');
    await page.locator('.part.panel').waitFor({ state: 'hidden', timeout: 10_000 });
    await tab.click();
    const panel = await wb.webviewFrame('#probes');
    await panel.locator('#verdict-text').waitFor({ state: 'visible', timeout: 30_000 });
    // The webview follows the theme: VS Code marks its body, and the panel's colours come from --vscode-* variables.
    await panel.locator('body.vscode-high-contrast').waitFor({ state: 'attached', timeout: 15_000 });
    assert.equal(await panel.locator('.cause').first().getAttribute('data-cause'), 'no-listener');
    // The verdict and the top cause in the picture, below the probes.
    await panel.locator('.verdict').scrollIntoViewIfNeeded();
    await wb.screenshot(join(SHOTS, 'panel-high-contrast.png'));
  });
});
