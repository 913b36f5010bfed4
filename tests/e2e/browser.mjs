// Launches Debian's chromium through playwright-core (never a downloaded browser) with a fresh
// profile, and gives tests a page at 1366×768 plus a screenshot helper.
import { createRequire } from 'node:module';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

const ROOT = path.resolve(path.dirname(new URL(import.meta.url).pathname), '../..');
// playwright-core is a devDependency of web/ (installed by scripts/setup.sh from web's lock file).
const require = createRequire(path.join(ROOT, 'web/package.json'));
const { chromium } = require('playwright-core');

export const ARTIFACTS = process.env.KAM_E2E_ARTIFACTS || path.join(ROOT, 'tests/e2e/artifacts');
export const CHROMIUM = process.env.KAM_CHROMIUM || '/usr/bin/chromium';

export async function launch() {
  const profile = mkdtempSync(path.join(tmpdir(), 'kam-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1366, height: 768 },
    locale: 'zh-CN',
    timezoneId: 'UTC', // the workspace must show Shanghai time whatever the browser's zone
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync', '--disable-dev-shm-usage'],
  });
  return {
    context,
    async newPage() {
      const page = await context.newPage();
      page.setDefaultTimeout(15000);
      return page;
    },
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

export async function screenshot(page, name) {
  mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file });
  return file;
}
