import { chromium, type Browser } from 'playwright-core';

/**
 * Debian's Chromium, headless, as every browser test runs it: no sandbox (root in CI), no GPU, and no background
 * networking or component updates (this machine's network is closed; Chromium would keep trying).
 *
 * @example
 * const browser = await launchChromium();
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-sync', '--disable-background-networking', '--disable-component-update'],
  });
}
