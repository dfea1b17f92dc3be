/**
 * The diagnosis panel and the incidents side view in a real workbench: the
 * panel fills in live, output markup shows as text and runs nothing, the side
 * view lists, filters and diagnoses incidents by keyboard. Saves the README's
 * screenshots (dark and light; into media/screenshots/ with CD_UPDATE_SCREENSHOTS=1).
 */
import { PROBE_IDS } from '../../src/core/types';
import * as assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Frame, Page } from 'playwright-core';
import { SCREENSHOTS_DIR, Workbench } from './workbench';
import { refusedPort } from '../support/refusedPort';

const SHOTS = SCREENSHOTS_DIR;


/** Diagnoses pasted error text through the command palette's input box (the history is empty, so it asks). */
async function diagnoseText(wb: Workbench, text: string): Promise<void> {
  await wb.runCommand('Connection Doctor: Diagnose connection');
  const input = wb.quickInput();
  await input.waitFor({ state: 'visible' });
  await input.fill(text);
  await wb.page.keyboard.press('Enter');
}

/**
 * The content frame of a webview, found by what it holds (`#probes` for the
 * panel, `#groups` for the side view): in VS Code 1.139 webview iframes carry no title.
 */
async function webviewFrame(page: Page, selector: string, timeoutMs = 60_000): Promise<Frame> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    for (const frame of page.frames()) {
      if (frame.isDetached() || frame === page.mainFrame()) continue;
      if ((await frame.locator(selector).count().catch(() => 0)) > 0) return frame;
    }
    if (Date.now() > until) throw new Error(`no webview frame holds ${selector}`);
    await page.waitForTimeout(250);
  }
}

/** Opens a file of the workspace with Quick Open, selects all of it and runs Diagnose on the selection. */
async function diagnoseSelection(wb: Workbench, file: string): Promise<void> {
  await wb.page.locator('.monaco-workbench').click({ position: { x: 5, y: 5 } }).catch(() => undefined);
  await wb.page.keyboard.press('Control+P');
  const input = wb.quickInput();
  await input.waitFor({ state: 'visible' });
  await input.fill(file);
  await wb.page.locator('.quick-input-list .monaco-list-row', { hasText: file }).first().waitFor();
  await wb.page.keyboard.press('Enter');
  const lines = wb.page.locator('.editor-instance .monaco-editor .view-lines', { hasText: 'Connection refused' }).first();
  await lines.waitFor();
  await lines.click();
  await wb.page.keyboard.press('Control+A');
  await wb.runCommand('Connection Doctor: Diagnose connection');
}

/**
 * Applies the colour theme through the theme picker (the machine settings the
 * harness writes do not reach the browser's theme) and hides the chat side bar,
 * which would take a third of the screenshots.
 */
async function tidyWorkbench(wb: Workbench, theme: string): Promise<void> {
  const aux = wb.page.locator('.part.auxiliarybar');
  if (await aux.isVisible()) {
    await wb.page.keyboard.press('Control+Alt+B');
    await aux.waitFor({ state: 'hidden', timeout: 5_000 }).catch(() => undefined);
  }
  await wb.setTheme(theme);
}

/** The incidents side view's content frame, after opening the activity-bar container. */
async function openSideView(wb: Workbench): Promise<Frame> {
  const entry = wb.page.locator('.activitybar [aria-label^="Connection Doctor"]').first();
  if ((await entry.getAttribute('aria-expanded')) !== 'true' && !(await entry.locator('..').getAttribute('class'))?.includes('checked')) await entry.click();
  return webviewFrame(wb.page, '#groups');
}

for (const theme of ['Default Dark Modern', 'Default Light Modern'] as const) {
  const tag = theme.includes('Light') ? 'light' : 'dark';

  describe(`UI: diagnosis panel and incidents view (${tag})`, function () {
    this.timeout(240_000);
    let wb: Workbench;
    let port: number;
    let other: number;

    before(async () => {
      port = await refusedPort();
      other = await refusedPort();
      wb = await Workbench.open({
        theme,
        // A log file whose failure line the user selects and diagnoses (a second target for the side view).
        files: { 'db.log': `2024-05-01T10:00:00Z ERROR pool: psql: error: connection to server at "127.0.0.1", port ${other} failed: Connection refused\n` },
        settings: { 'workbench.secondarySideBar.defaultVisibility': 'hidden', 'chat.commandCenter.enabled': false },
      });
    });
    after(async () => {
      await wb?.close();
    });

    it('fills the panel live and shows output markup as text, running none of it', async () => {
      await tidyWorkbench(wb, theme);
      const hostile = `Error: connect ECONNREFUSED 127.0.0.1:${port} <img src=x onerror="window.__cdPwned=1"><script>window.__cdPwned=2</script>`;
      await diagnoseText(wb, hostile);
      const panel = await webviewFrame(wb.page, '#probes');
      // The verdict arrives once the probes have finished.
      await panel.locator('#verdict-text').waitFor({ timeout: 60_000 });
      assert.ok(((await panel.locator('h1.title').textContent()) ?? '').includes(`127.0.0.1:${port}`));
      const shown = await panel.locator('pre.output').textContent();
      assert.ok(shown?.includes('<img src=x onerror="window.__cdPwned=1">'), `markup is shown literally: ${shown}`);
      assert.ok(shown?.includes('<script>window.__cdPwned=2</script>'));
      assert.equal(await panel.locator('img').count(), 0, 'no <img> element was created');
      // (VS Code injects its own inline bootstrap script into the page: only ours may be near the data.)
      assert.equal(await panel.locator('#root script').count(), 0, 'no <script> element was created');
      assert.equal(await panel.locator('script', { hasText: '__cdPwned' }).count(), 0, 'the output\'s script is not a script element');
      assert.equal(await panel.evaluate(() => (globalThis as { __cdPwned?: number }).__cdPwned), undefined, 'no script of the output ran');

      // Every probe row reached an end state, and the top cause is "nothing listens".
      const states = await panel.locator('.probe').evaluateAll((rows) => rows.map((r) => r.className));
      assert.equal(states.length, PROBE_IDS.length);
      assert.ok(states.every((c) => /state-(ok|fail|skipped)/.test(c)), states.join(', '));
      assert.equal(await panel.locator('.cause').first().getAttribute('data-cause'), 'no-listener');
      assert.equal(await panel.locator('.cause').first().getAttribute('open'), '', 'the top cause starts open');
      assert.match((await panel.locator('.cause .pct').first().textContent()) ?? '', /^\d{1,3}%$/);
      assert.equal(await panel.locator('.cause [role="meter"]').first().getAttribute('aria-valuemax'), '100');
      assert.ok((await panel.locator('.cause').first().locator('.verify li').count()) > 0, 'verification commands are listed');
      assert.ok(await panel.locator('button:has-text("Run in terminal")').first().isEnabled());
      assert.ok(await panel.locator('button:has-text("Re-run")').isEnabled());
      assert.ok(await panel.locator('button:has-text("Cancel")').isDisabled());
      // A live region announces progress to screen readers.
      assert.equal(await panel.locator('#progress-live').getAttribute('aria-live'), 'polite');
      await wb.screenshot(join(SHOTS, `panel-${tag}.png`));
    });

    it('is keyboard operable: a probe row opens with Enter, a cause folds with Space', async () => {
      const panel = await webviewFrame(wb.page, '#probes');
      const tcp = panel.locator('[data-probe="tcp"] button.probe-row');
      await tcp.focus();
      await tcp.press('Enter');
      await panel.locator('[data-probe="tcp"] button.probe-row[aria-expanded="true"]').waitFor();
      assert.ok(await panel.locator('#probe-tcp-details').isVisible());
      assert.ok(((await panel.locator('#probe-tcp-details').textContent()) ?? '').length > 0);
      const summary = panel.locator('.cause > summary').first();
      await summary.focus();
      await summary.press('Space');
      await panel.locator('.cause').first().and(panel.locator(':not([open])')).waitFor();
      await summary.press('Enter');
      await panel.locator('.cause[open]').first().waitFor();
    });

    it('re-runs on click and comes back to the verdict', async () => {
      const panel = await webviewFrame(wb.page, '#probes');
      await panel.locator('button:has-text("Re-run")').click();
      await panel.locator('#verdict-text').waitFor({ state: 'detached', timeout: 10_000 }).catch(() => undefined);
      await panel.locator('#verdict-text').waitFor({ timeout: 60_000 });
      assert.equal(await panel.locator('.cause').first().getAttribute('data-cause'), 'no-listener');
    });

    it('lists incidents by target in the side view, filters them, and diagnoses one with Enter', async () => {
      await diagnoseSelection(wb, 'db.log');
      const panel = await webviewFrame(wb.page, '#probes');
      await panel.locator('h1.title', { hasText: `127.0.0.1:${other}` }).waitFor({ timeout: 60_000 });
      await panel.locator('#verdict-text').waitFor({ timeout: 60_000 });

      const view = await openSideView(wb);
      await view.locator('li.group').nth(1).waitFor({ timeout: 30_000 });
      const hostileGroup = view.locator(`li.group[data-target="127.0.0.1:${port}"]`);
      assert.ok(await hostileGroup.isVisible());
      assert.ok(await view.locator(`li.group[data-target="127.0.0.1:${other}"]`).isVisible());
      assert.match((await view.locator(`li.group[data-target="127.0.0.1:${other}"] .incident-meta`).textContent()) ?? '', /db\.log/);
      // The hostile text is a row's text, never markup.
      assert.ok(((await hostileGroup.locator('.incident-text').first().textContent()) ?? '').includes('<img src=x'));
      assert.equal(await view.locator('img').count(), 0);
      assert.equal(await view.evaluate(() => (globalThis as { __cdPwned?: number }).__cdPwned), undefined);
      await wb.screenshot(join(SHOTS, `incidents-${tag}.png`));

      const filter = view.locator('#filter');
      await filter.fill('db.log');
      await hostileGroup.waitFor({ state: 'detached' });
      assert.equal(await view.locator('li.group').count(), 1);
      await filter.press('Escape');
      await hostileGroup.waitFor();
      await filter.fill('no such thing');
      assert.match((await view.locator('.empty').textContent()) ?? '', /No incidents match/);
      await filter.fill('');

      const row = hostileGroup.locator('button.incident-main').first();
      await row.focus();
      await row.press('Enter');
      const again = await webviewFrame(wb.page, '#probes');
      await again.locator('h1.title', { hasText: `127.0.0.1:${port}` }).waitFor({ timeout: 60_000 });
    });
  });
}
