/**
 * `npm start` as a newcomer meets it: the same setup function (startDemo of
 * test/runner/start.mjs: the packaged VSIX installed, no smoke-test driver, no
 * extension development path), the demo's own `node refused.js` typed into a
 * terminal, and the Connection Doctor notification TOAST on screen. A setup that
 * loaded the source tree through the smoke-test driver would hide the toast.
 */
import * as assert from 'node:assert/strict';
import { connect } from 'node:net';
import { join } from 'node:path';
import { startDemo } from '../runner/start.mjs';
import { Workbench } from './workbench';
import { refusedPort } from '../support/refusedPort';

/** The port refused.js connects to unless given one (demo/refused.js). */
const DEMO_PORT = 5432;

/** Whether a connection to 127.0.0.1:port is refused now. */
function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', (e: NodeJS.ErrnoException) => resolve(e.code === 'ECONNREFUSED'));
  });
}

describe('UI: npm start (the packaged VSIX, as a user gets it)', function () {
  this.timeout(300_000);
  let wb: Workbench | undefined;

  before(async () => {
    const demo = await startDemo({ log: () => undefined });
    wb = await Workbench.attach(demo.url, demo.workspace, demo.stop);
  });
  after(async () => {
    await wb?.close();
  });
  afterEach(async function () {
    if (this.currentTest?.state === 'failed') await wb?.screenshot(join('/tmp', `npmStart-failed-${Date.now()}.png`)).catch(() => undefined);
  });

  it("shows the toast of the demo's `node refused.js`, naming the refused target", async () => {
    assert.ok(wb);
    const { page } = wb;
    // An installed extension, not a development host (which the smoke-test driver's payload would make).
    assert.doesNotMatch(await page.title(), /Extension Development Host/);
    // The demo's command as the README gives it; its port argument only if something on this machine listens on 5432.
    const port = (await refused(DEMO_PORT)) ? DEMO_PORT : await refusedPort();
    const command = port === DEMO_PORT ? 'node refused.js' : `node refused.js ${port}`;

    await wb.runCommand('Terminal: Create New Terminal');
    const terminal = page.locator('.part.panel .terminal-wrapper.active .xterm').first();
    await terminal.waitFor({ state: 'visible', timeout: 30_000 });
    await terminal.locator('.terminal-command-decoration').first().waitFor({ state: 'attached', timeout: 60_000 });
    // A fresh profile opens Chat in the secondary side bar with the focus: give it to the terminal.
    await terminal.click();
    await page.keyboard.type(command);
    await page.keyboard.press('Enter');

    // The toast itself (bottom right), not the notification centre behind the bell.
    const toast = page.locator('.notifications-toasts .notification-toast', { hasText: `Connection refused by 127.0.0.1:${port}` }).first();
    await toast.waitFor({ state: 'visible', timeout: 60_000 });
    const message = ((await toast.locator('.notification-list-item-message').textContent()) ?? '').trim();
    assert.match(message, new RegExp(`^Connection refused by 127\\.0\\.0\\.1:${port} \\(node, terminal 'bash'\\)$`), message);
    assert.match((await toast.locator('.notification-list-item-source').textContent()) ?? '', /Connection Doctor/);
    const buttons = toast.locator('.notification-list-item-buttons-container .monaco-button');
    assert.deepEqual((await buttons.allTextContents()).map((t) => t.trim()), ['Diagnose', 'Show incidents', 'Mute this target']);
  });
});
