/**
 * A real VS Code workbench in headless Chromium with Connection Doctor loaded
 * from this source tree (or installed from a VSIX), for the UI tests.
 */
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, FrameLocator, Page } from 'playwright-core';
import { launchBrowser, openWorkbench } from '../runner/browser.mjs';
import {
  ROOT,
  ensureServer,
  installExtension,
  makeProfile,
  removeProfile,
  startServer,
  workbenchUrl,
  writeUserSettings,
  type Profile,
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
}

/** One running VS Code server + browser page; `close()` always cleans up. */
export class Workbench {
  private constructor(
    readonly page: Page,
    readonly workspace: string,
    private readonly browser: Browser,
    private readonly running: RunningServer,
    private readonly profile: Profile,
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
      'workbench.colorTheme': theme,
      'workbench.startupEditor': 'none',
      'workbench.tips.enabled': false,
      'telemetry.telemetryLevel': 'off',
      'extensions.autoCheckUpdates': false,
      'extensions.autoUpdate': false,
      'update.mode': 'none',
      'terminal.integrated.defaultProfile.linux': 'bash',
      'security.workspace.trust.enabled': false,
      'chat.disableAIFeatures': true,
      ...options.settings,
    });
    if (options.vsix) installExtension(server, profile, options.vsix);
    const running = await startServer(server, profile);
    let browser: Browser | undefined;
    try {
      browser = await launchBrowser();
      const url = workbenchUrl(running, { folder: workspace, extensionDevelopmentPath: options.vsix ? undefined : ROOT });
      const { page } = await openWorkbench(browser, url, { colorScheme: /light/i.test(theme) ? 'light' : 'dark' });
      await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
      // The activity-bar entry appears once the extension's contributions are registered.
      await page.locator('.activitybar [aria-label^="Connection Doctor"]').first().waitFor({ timeout: 60_000 });
      return new Workbench(page, workspace, browser, running, profile);
    } catch (e) {
      await browser?.close().catch(() => undefined);
      running.stop();
      removeProfile(profile);
      throw e;
    }
  }

  /** Runs a command through the command palette, as a person would. */
  async runCommand(title: string): Promise<void> {
    await this.page.keyboard.press('F1');
    const input = this.page.locator('.quick-input-widget input[type="text"], .quick-input-widget input.input');
    await input.first().waitFor({ state: 'visible' });
    await input.first().fill(`>${title}`);
    const row = this.page.locator('.quick-input-list .monaco-list-row', { hasText: title }).first();
    await row.waitFor({ state: 'visible' });
    await this.page.keyboard.press('Enter');
  }

  /** The quick-input box (input boxes and pickers). */
  quickInput() {
    return this.page.locator('.quick-input-widget input').first();
  }

  /** The content frame of the webview whose title (tab or view) matches. */
  webview(titlePart: string): FrameLocator {
    // Webviews nest: an outer iframe (index.html) holding the content iframe (#active-frame).
    return this.page
      .frameLocator(`iframe.webview.ready[title*="${titlePart}"], iframe.webview[title*="${titlePart}"]`)
      .first()
      .frameLocator('#active-frame');
  }

  async screenshot(file: string): Promise<void> {
    mkdirSync(join(file, '..'), { recursive: true });
    await this.page.screenshot({ path: file });
  }

  async close(): Promise<void> {
    await this.browser.close().catch(() => undefined);
    this.running.stop();
    removeProfile(this.profile);
  }
}
