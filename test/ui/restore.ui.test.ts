/**
 * The diagnosis panel survives a window reload: its WebviewPanelSerializer
 * brings the tab back with the last result, marked as restored, without
 * running a probe again.
 */
import { PROBE_IDS } from '../../src/core/types';
import * as assert from 'node:assert/strict';
import type { Frame } from 'playwright-core';
import { Workbench } from './workbench';
import { refusedPort } from '../support/refusedPort';


/** What the panel shows of a finished run: enough to tell the same result from a new one. */
async function shown(panel: Frame): Promise<{ title: string; verdict: string; rows: string[]; topCause: string | null }> {
  return {
    title: ((await panel.locator('h1.title').textContent()) ?? '').trim(),
    verdict: ((await panel.locator('#verdict-text').textContent()) ?? '').trim(),
    // Each probe row: its id, end state and duration as displayed (a new run would measure new durations).
    rows: await panel.locator('li.probe').evaluateAll((lis) =>
      lis.map((li) => `${li.getAttribute('data-probe')} ${li.className} ${li.querySelector('.probe-ms')?.textContent ?? ''}`),
    ),
    topCause: await panel.locator('.cause').first().getAttribute('data-cause'),
  };
}

describe('UI: the diagnosis panel after a window reload', function () {
  this.timeout(240_000);
  let wb: Workbench;
  let port: number;

  before(async () => {
    port = await refusedPort();
    wb = await Workbench.open({ settings: { 'workbench.secondarySideBar.defaultVisibility': 'hidden', 'chat.commandCenter.enabled': false } });
  });
  after(async () => {
    await wb?.close();
  });

  it('comes back with the same verdict, marked as restored, and runs nothing', async () => {
    const { page } = wb;
    // Diagnose a refused loopback port through the command's input box (the history is empty, so it asks).
    await wb.runCommand('Connection Doctor: Diagnose connection');
    const input = wb.quickInput();
    await input.waitFor({ state: 'visible' });
    await input.fill(`Error: connect ECONNREFUSED 127.0.0.1:${port}`);
    await page.keyboard.press('Enter');
    const panel = await wb.webviewFrame('#probes');
    await panel.locator('#verdict-text').waitFor({ timeout: 60_000 });
    const before = await shown(panel);
    assert.ok(before.title.includes(`127.0.0.1:${port}`), before.title);
    assert.equal(before.topCause, 'no-listener');
    assert.ok(before.rows.length === PROBE_IDS.length && before.rows.every((r) => /state-(ok|fail|skipped)/.test(r)), before.rows.join('\n'));
    assert.equal(await panel.locator('.restored').count(), 0, 'a fresh result is not marked as restored');

    // Reload the window as a person would; a marker on the old page tells the new page apart.
    await page.evaluate(() => {
      (globalThis as { __cdBeforeReload?: boolean }).__cdBeforeReload = true;
    });
    await wb.runCommand('Developer: Reload Window');
    await page.waitForFunction(() => (globalThis as { __cdBeforeReload?: boolean }).__cdBeforeReload === undefined, undefined, { timeout: 60_000 });
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    await page.locator('.activitybar [aria-label^="Connection Doctor"]').first().waitFor({ timeout: 60_000 });

    // The Diagnosis tab is back.
    const tab = page.locator('.tabs-container .tab', { hasText: `Diagnosis: 127.0.0.1:${port}` }).first();
    await tab.waitFor({ state: 'visible', timeout: 60_000 });

    // The page first renders what it saved (phase "done"); the notice appears once the host's restored model arrives.
    const restored = await wb.webviewFrame('#probes .restored, .verdict .restored');
    const notice = restored.locator('.verdict .restored');
    await notice.waitFor({ state: 'visible', timeout: 60_000 });
    assert.match((await notice.textContent()) ?? '', /Restored from an earlier session/);

    const after = await shown(restored);
    assert.equal(after.title, before.title);
    assert.equal(after.verdict, before.verdict, 'the same verdict');
    assert.equal(after.topCause, before.topCause);
    // Nothing ran: the rows are the saved results (same states and durations), none pending or running.
    assert.deepEqual(after.rows, before.rows);
    assert.equal(await restored.locator('li.probe.state-running, li.probe.state-pending').count(), 0);
    assert.equal(await restored.locator('#probes').getAttribute('aria-busy'), 'false');
    // A restored result runs no command until it is re-run; re-running is offered.
    assert.ok(await restored.locator('button:has-text("Re-run")').isEnabled());
    assert.ok(await restored.locator('button:has-text("Cancel")').isDisabled());
    assert.ok(await restored.locator('button:has-text("Copy report")').isDisabled());
    const runButtons = restored.locator('button:has-text("Run in terminal")');
    assert.ok((await runButtons.count()) > 0);
    assert.ok(await runButtons.first().isDisabled());
    // Still restored: no run replaced it meanwhile.
    assert.equal(await restored.locator('.verdict .restored').count(), 1);
  });
});
