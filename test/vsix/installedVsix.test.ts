import * as assert from 'node:assert';
import { statSync } from 'node:fs';
import { Workbench } from '../ui/workbench';

/** The packaged artefact, not the source tree: installed with --install-extension. */
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
    wb = await Workbench.open({ vsix });
    await wb.runCommand('Connection Doctor: Diagnose connection');
    // Only an activated extension answers its command with the target input box.
    const input = wb.quickInput();
    await input.waitFor({ state: 'visible' });
    await input.fill('127.0.0.1:1');
    await wb.page.keyboard.press('Enter');
    const tab = wb.page.locator('.tabs-container .tab', { hasText: /Connection Doctor|Diagnos/ }).first();
    await tab.waitFor({ state: 'visible', timeout: 30_000 });
  });
});
