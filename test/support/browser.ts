import { existsSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { chromium, type Browser } from 'playwright-core';

/** Debian's chromium (CI installs it: see .ci/run); playwright-core drives it and downloads nothing. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Where the browser tests leave screenshots for a reviewer (git-ignored). */
export const SCREENSHOTS = fileURLToPath(new URL('../../.tmp/screenshots/', import.meta.url));

/**
 * A headless Chromium with a fresh profile (playwright-core makes a temporary user-data-dir), no network of its own,
 * and `extra` flags (e.g. a host-resolver rule that stands in for DNS rebinding).
 */
export async function launchChromium(extra: string[] = []): Promise<Browser> {
  if (!existsSync(CHROMIUM)) {
    throw new Error(`${CHROMIUM} is missing: install Debian's chromium (apt-get install -y chromium) or set CHROMIUM_PATH`);
  }
  mkdirSync(SCREENSHOTS, { recursive: true });
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
      '--disable-component-update', '--disable-sync', ...extra,
    ],
  });
}
