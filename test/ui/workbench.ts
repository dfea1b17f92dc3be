/**
 * A real VS Code workbench in headless Chromium with Connection Doctor loaded
 * from this source tree (or installed from a VSIX), for the UI tests.
 */
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, Frame, Locator, Page } from 'playwright-core';
import { launchBrowser, openWorkbench } from '../runner/browser.mjs';
import {
  ROOT,
  ensureServer,
  installExtension,
  makeProfile,
  quietSettings,
  removeProfile,
  startServer,
  workbenchUrl,
  writeUserSettings,
  type RunningServer,
} from '../runner/vscodeServer.mjs';

export interface WorkbenchOptions {
  /** 'Default Dark Modern', 'Default Light Modern', 'Default High Contrast', ... */
  theme?: string;
  /** Install this VSIX instead of loading the extension from the source tree. */
  vsix?: string;
  /** Extra user settings. */
  settings?: Record<string, unknown>;
  /** Files to create in the workspace (relative path -> content). */
  files?: Record<string, string>;
  /**
   * Start the server with the smoke-test driver (default). Loading the extension from
   * the source tree needs it; it also hides notification toasts, so a VSIX test that
   * wants to see toasts turns it off.
   */
  smokeTestDriver?: boolean;
}

/** One running VS Code server + browser page; `close()` always cleans up. */
export class Workbench {
  private constructor(
    readonly page: Page,
    readonly workspace: string,
    private readonly browser: Browser,
    /** Stops the server and removes its profile. */
    private readonly stopServer: () => void,
  ) {}

  static async open(options: WorkbenchOptions = {}): Promise<Workbench> {
    const server = ensureServer('latest');
    const profile = makeProfile();
    const workspace = join(profile.base, 'workspace');
    mkdirSync(workspace, { recursive: true });
    cpSync(join(ROOT, 'test', 'fixtures', 'workspace'), workspace, { recursive: true });
    for (const [name, content] of Object.entries(options.files ?? {})) writeFileSync(join(workspace, name), content);
    const theme = options.theme ?? 'Default Dark Modern';
    writeUserSettings(profile, {
      ...quietSettings(),
      'workbench.colorTheme': theme,
      ...options.settings,
    });
    if (options.vsix) installExtension(server, profile, options.vsix);
    const smokeTestDriver = options.smokeTestDriver ?? true;
    if (!smokeTestDriver && !options.vsix) throw new Error('loading the extension from the source tree needs the smoke-test driver');
    let running: RunningServer;
    try {
      running = await startServer(server, profile, { smokeTestDriver });
    } catch (e) {
      removeProfile(profile);
      throw e;
    }
    const url = workbenchUrl(running, { folder: workspace, extensionDevelopmentPath: options.vsix ? undefined : ROOT });
    const stop = () => {
      running.stop();
      removeProfile(profile);
    };
    return Workbench.attach(url, workspace, stop, { theme });
  }

  /**
   * Opens the workbench of a server started elsewhere (`npm start`'s setup) at `url`;
   * `close()`, or a failure to open, calls `stop`. Sets `theme` when given.
   */
  static async attach(url: string, workspace: string, stop: () => void, { theme }: { theme?: string } = {}): Promise<Workbench> {
    let browser: Browser | undefined;
    try {
      browser = await launchBrowser();
      const { page } = await openWorkbench(browser, url, { colorScheme: theme && /light/i.test(theme) ? 'light' : 'dark' });
      await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
      // The activity-bar entry appears once the extension's contributions are registered.
      await page.locator('.activitybar [aria-label^="Connection Doctor"]').first().waitFor({ timeout: 60_000 });
      const wb = new Workbench(page, workspace, browser, stop);
      if (theme) await wb.setTheme(theme);
      return wb;
    } catch (e) {
      await browser?.close().catch(() => undefined);
      stop();
      throw e;
    }
  }

  /** Runs a command through the command palette, as a person would. */
  async runCommand(title: string): Promise<void> {
    await this.page.keyboard.press('F1');
    const input = this.page.locator('.quick-input-widget input[type="text"], .quick-input-widget input.input');
    await input.first().waitFor({ state: 'visible' });
    await input.first().fill(`>${title}`);
    // The row whose label is exactly the title ("Color Theme" must not pick "Browse Color Themes...").
    const row = this.page
      .locator('.quick-input-list .monaco-list-row')
      .filter({ has: this.page.getByText(title, { exact: true }) })
      .first();
    await row.waitFor({ state: 'visible' });
    await row.click();
  }

  /** The quick-input box (input boxes and pickers). */
  quickInput() {
    return this.page.locator('.quick-input-widget input').first();
  }

  /**
   * Applies a colour theme through the theme picker, as a person would: user
   * settings of the browser workbench live in the browser, not on the server, so
   * the harness cannot write them. Waits until the workbench carries the theme's
   * class (vs, vs-dark, hc-black, hc-light).
   */
  async setTheme(theme: string): Promise<void> {
    const kind = /high contrast light/i.test(theme) ? 'hc-light' : /high contrast/i.test(theme) ? 'hc-black' : /light/i.test(theme) ? 'vs' : 'vs-dark';
    const applied = this.page.locator(`.monaco-workbench.${kind}`);
    if ((await applied.count()) > 0) return;
    await this.runCommand('Preferences: Color Theme');
    // The picker labels themes without the "Default " of their setting value.
    const label = theme.replace(/^Default /, '');
    await this.quickInput().fill(label);
    await this.page.locator('.quick-input-list .monaco-list-row', { hasText: label }).first().waitFor();
    await this.page.keyboard.press('Enter');
    await applied.first().waitFor({ state: 'attached', timeout: 15_000 });
  }

  /**
   * The notification whose text holds `text`, in the notification centre, opened
   * by clicking the bell of the status bar as a person would. (The smoke-test
   * driver this harness needs keeps VS Code from showing notification toasts.)
   */
  async notification(text: string, timeoutMs = 60_000): Promise<Locator> {
    const center = this.page.locator('.notifications-center');
    const item = center.locator('.notification-list-item', { hasText: text }).first();
    const until = Date.now() + timeoutMs;
    for (;;) {
      if (!(await center.isVisible())) await this.page.locator('.statusbar-item[id="status.notifications"]').click();
      const left = until - Date.now();
      if (left <= 0) throw new Error(`no notification says "${text}"`);
      const shown = await item.waitFor({ state: 'visible', timeout: Math.min(left, 2_000) }).then(() => true, () => false);
      if (shown) return item;
    }
  }

  /** The content frame of the webview that holds `selector` (webview iframes carry no title to find them by). */
  async webviewFrame(selector: string, timeoutMs = 60_000): Promise<Frame> {
    const until = Date.now() + timeoutMs;
    for (;;) {
      for (const frame of this.page.frames()) {
        if (frame.isDetached() || frame === this.page.mainFrame()) continue;
        if ((await frame.locator(selector).count().catch(() => 0)) > 0) return frame;
      }
      if (Date.now() > until) throw new Error(`no webview frame holds ${selector}`);
      await this.page.waitForTimeout(250);
    }
  }

  async screenshot(file: string): Promise<void> {
    mkdirSync(join(file, '..'), { recursive: true });
    await this.page.screenshot({ path: file });
  }

  async close(): Promise<void> {
    await this.browser.close().catch(() => undefined);
    this.stopServer();
  }
}

/**
 * Where the UI tests save their screenshots: media/screenshots/ (the README's
 * pictures) with CD_UPDATE_SCREENSHOTS=1, else test-results/screenshots/, so an
 * ordinary test run leaves the tree unchanged.
 */
export const SCREENSHOTS_DIR = process.env.CD_UPDATE_SCREENSHOTS === '1'
  ? join(ROOT, 'media', 'screenshots')
  : join(ROOT, 'test-results', 'screenshots');
