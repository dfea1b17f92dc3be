import * as assert from 'node:assert';
import { statSync } from 'node:fs';
import { Workbench } from '../ui/workbench';
import { refusedPort } from '../support/refusedPort';


/**
 * The packaged artefact, not the source tree: installed with --install-extension
 * into a VS Code server started WITHOUT the smoke-test driver, so the workbench
 * behaves as for a user (notification toasts included).
 */
describe('The packaged VSIX', function () {
  this.timeout(180_000);
  const vsix = process.env.CD_VSIX ?? '';
  let wb: Workbench | undefined;

  after(async () => {
    await wb?.close();
  });

  it('is smaller than 500 KB', () => {
    assert.ok(vsix, 'CD_VSIX is not set: run through `npm run test:vsix`');
    const size = statSync(vsix).size;
    console.log(`      ${vsix}: ${(size / 1024).toFixed(1)} KB`);
    assert.ok(size < 500 * 1024, `VSIX is ${size} bytes`);
  });

  it('installs into the VS Code server, activates and runs Diagnose connection', async () => {
    wb = await Workbench.open({ vsix, smokeTestDriver: false });
    await wb.runCommand('Connection Doctor: Diagnose connection');
    // Only an activated extension answers its command with the target input box.
    const input = wb.quickInput();
    await input.waitFor({ state: 'visible' });
    await input.fill('127.0.0.1:1');
    await wb.page.keyboard.press('Enter');
    const panel = await wb.webviewFrame('#probes');
    await panel.getByText('Nothing is listening on that port').first().waitFor({ timeout: 30_000 });
  });

  it('watches the terminal: a refused connection raises a toast whose Diagnose button opens the panel', async () => {
    assert.ok(wb, 'the workbench of the previous test');
    const { page } = wb;
    const port = await refusedPort();
    await wb.runCommand('Terminal: Create New Terminal');
    const terminal = page.locator('.part.panel .terminal-wrapper.active .xterm').first();
    await terminal.waitFor({ state: 'visible', timeout: 30_000 });
    // Shell integration marks the prompt once bash is ready.
    await terminal.locator('.terminal-command-decoration').first().waitFor({ state: 'attached', timeout: 60_000 });
    await terminal.click();
    await page.keyboard.type(`node -e "require('net').connect(${port}, '127.0.0.1').on('error', (e) => { console.error(e); process.exit(1) })"`);
    await page.keyboard.press('Enter');
    const toast = page.locator('.notifications-toasts .notification-toast', { hasText: `Connection refused by 127.0.0.1:${port}` }).first();
    await toast.waitFor({ state: 'visible', timeout: 60_000 });
    await toast.getByRole('button', { name: 'Diagnose' }).click();
    const panel = await wb.webviewFrame('#probes');
    await panel.getByText(`127.0.0.1:${port}`).first().waitFor({ timeout: 30_000 });
    await panel.getByText('Nothing is listening on that port').first().waitFor({ timeout: 30_000 });
  });
});
