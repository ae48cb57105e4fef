import fs from 'node:fs';
import path from 'node:path';
import { defineConfig, devices } from '@playwright/test';

const OUTPUT_DIR = '.e2e';
const DEBIAN_CHROMIUM = '/usr/bin/chromium';

// The flags ARCHITECTURE.md lists for Chromium on these machines (no GPU, no sandbox as root, no calls home).
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  // Video readings: a fake camera and microphone, allowed without a prompt, and real local addresses
  // (not mDNS names) in ICE candidates, since two browsers on one machine call each other.
  '--use-fake-device-for-media-stream',
  '--use-fake-ui-for-media-stream',
  '--disable-features=WebRtcHideLocalIpsWithMdns',
];

/** CHROMIUM_PATH, else Debian's Chromium, else Playwright's own download; never silently none. */
function chromiumExecutable(): string | undefined {
  const chosen = process.env.CHROMIUM_PATH;
  if (chosen) {
    if (!fs.existsSync(chosen)) throw new Error(`CHROMIUM_PATH=${chosen} does not exist.`);
    return chosen;
  }
  if (fs.existsSync(DEBIAN_CHROMIUM)) return DEBIAN_CHROMIUM;
  const cache = process.env.PLAYWRIGHT_BROWSERS_PATH ?? path.join(process.env.HOME ?? '', '.cache', 'ms-playwright');
  if (fs.existsSync(cache) && fs.readdirSync(cache).some((entry) => entry.startsWith('chromium'))) return undefined;
  throw new Error(
    'The end-to-end tests need Chromium and none was found. Install one of:\n' +
      '  - Debian/Ubuntu: apt-get install chromium   (used from /usr/bin/chromium)\n' +
      '  - any machine with internet: npx playwright install chromium\n' +
      '  - or point CHROMIUM_PATH at a Chromium or Chrome binary.',
  );
}

export default defineConfig({
  testDir: 'e2e/specs',
  outputDir: `${OUTPUT_DIR}/test-results`,
  globalSetup: './e2e/global-setup.ts',
  // One shared stack and its seeded readers: scenarios run one after another.
  workers: 1,
  fullyParallel: false,
  forbidOnly: true,
  retries: 0,
  timeout: 60_000,
  expect: { timeout: 10_000 },
  reporter: [['list'], ['html', { outputFolder: `${OUTPUT_DIR}/report`, open: 'never' }]],
  use: {
    ...devices['Desktop Chrome'],
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    launchOptions: { executablePath: chromiumExecutable(), args: CHROMIUM_ARGS },
  },
});
