import type { Browser, BrowserContext, Page } from 'playwright-core';
export const CHROMIUM_ARGS: string[];
export function chromiumPath(): string;
export function launchBrowser(): Promise<Browser>;
export function openWorkbench(
  browser: Browser,
  url: string,
  options?: {
    onLog?: (type: string, args: unknown) => void;
    onExit?: (code: number) => void;
    viewport?: { width: number; height: number };
    colorScheme?: 'dark' | 'light';
  },
): Promise<{ context: BrowserContext; page: Page }>;
