import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

/** Debian's Chromium (scripts/lib.sh ensure_chromium installs it); playwright-core downloads nothing. */
export const CHROMIUM = '/usr/bin/chromium';
export const SCREENSHOTS = path.resolve(__dirname, '..', '..', '..', 'test-results', 'screenshots');

/**
 * Headless Chromium. Without the background-networking flags Chromium keeps calling Google's
 * services, which on a closed network only waits and fills logs.
 */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(
      `${CHROMIUM} not found: the browser tests need Debian's Chromium (scripts/test.sh installs it; ` +
        'or apt-get install chromium fonts-wqy-microhei)',
    );
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--lang=zh-CN',
    ],
  });
}

/** An office PC: 1366×768. The zone is deliberately not Shanghai: the pages must show Shanghai time anyway. */
export const OFFICE_PC = {
  viewport: { width: 1366, height: 768 },
  locale: 'zh-CN',
  timezoneId: 'America/New_York',
} as const;

/** A phone (the public page). */
export const PHONE = {
  viewport: { width: 390, height: 844 },
  deviceScaleFactor: 2,
  isMobile: true,
  hasTouch: true,
  locale: 'zh-CN',
  timezoneId: 'Europe/London',
} as const;

/**
 * A page that records the uncaught errors of its scripts in `errors`, so a test can assert there
 * were none. Failed resource loads (an unreachable evidence image) are not script errors.
 */
export async function openPage(context: BrowserContext, errors: string[]): Promise<Page> {
  const page = await context.newPage();
  page.setDefaultTimeout(15_000);
  page.on('pageerror', (error) => errors.push(`${page.url()}: ${error.message}`));
  return page;
}

/** Saves a full-page screenshot under test-results/screenshots (git-ignored) for people to review. */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SCREENSHOTS, { recursive: true });
  await page.screenshot({ path: path.join(SCREENSHOTS, `${name}.png`), fullPage: true });
}
