import * as assert from 'node:assert';
import { Workbench } from './workbench';

describe('UI: Diagnose connection from the command palette', function () {
  this.timeout(180_000);
  let wb: Workbench;

  before(async () => {
    wb = await Workbench.open();
  });
  after(async () => {
    await wb?.close();
  });

  it('asks for a target and opens the diagnosis panel', async () => {
    await wb.runCommand('Connection Doctor: Diagnose connection');
    const input = wb.quickInput();
    await input.waitFor({ state: 'visible' });
    await input.fill('127.0.0.1:1');
    await wb.page.keyboard.press('Enter');
    const tab = wb.page.locator('.tabs-container .tab', { hasText: /Connection Doctor|Diagnos/ }).first();
    await tab.waitFor({ state: 'visible', timeout: 30_000 });
    assert.ok(await tab.isVisible());
    // The panel's content renders inside the webview and names the target.
    const panel = await wb.webviewFrame('#probes');
    await panel.getByText('127.0.0.1:1').first().waitFor({ timeout: 30_000 });
  });
});
