/**
 * The e2e specs' test object: every test fails on a console error or an uncaught page error, and every
 * screen is checked the same way (heading, window title, screenshot, axe).
 */
import AxeBuilder from '@axe-core/playwright';
import { test as base, expect, type Page } from '@playwright/test';

export { expect };

export const SCREENS_DIR = 'test-results/screens';

interface BrowserErrors {
  /**
   * Chromium logs every 4xx answer as "Failed to load resource: … status of N". A test that provokes one on
   * purpose (a wrong password, a wrong code) says so; any other error still fails the test.
   */
  expectFailedResponse(status: number): void;
}

const FAILED_RESOURCE = /^Failed to load resource: the server responded with a status of (\d{3})\b/;

export const test = base.extend<{ browserErrors: BrowserErrors }>({
  browserErrors: [
    async ({ page }, use) => {
      const errors: Array<{ text: string; status?: number }> = [];
      const expected = new Set<number>();
      page.on('console', (message) => {
        if (message.type() !== 'error') return;
        const status = FAILED_RESOURCE.exec(message.text())?.[1];
        const where = message.location().url;
        errors.push({
          text: `console.error: ${message.text()}${where ? ` (${where})` : ''}`,
          ...(status ? { status: Number(status) } : {}),
        });
      });
      page.on('pageerror', (error) => errors.push({ text: `page error: ${error.stack ?? error.message}` }));
      await recordScreensVisited(page);
      await use({ expectFailedResponse: (status) => expected.add(status) });
      const unexpected = errors.filter((e) => e.status === undefined || !expected.has(e.status));
      expect(
        unexpected.map((e) => e.text),
        'console errors and page errors',
      ).toEqual([]);
    },
    { auto: true },
  ],
});

/** Every screen sets document.title to "<title> · WRSAuth"; keep the sequence so a spec can say what it skipped. */
// Runs in the page; the specs' tsconfig has no DOM types, so it is passed as source text.
const RECORD_SCREENS = `
  const seen = [];
  Object.defineProperty(window, '__screensVisited', { value: seen });
  new MutationObserver(() => {
    const match = / · WRSAuth$/.exec(document.title);
    const title = match ? document.title.slice(0, match.index) : '';
    if (title && seen[seen.length - 1] !== title) seen.push(title);
  }).observe(document, { subtree: true, childList: true, characterData: true });
`;

/** Every screen sets document.title to "<title> · WRSAuth"; keep the sequence so a spec can say what it skipped. */
async function recordScreensVisited(page: Page): Promise<void> {
  await page.addInitScript({ content: RECORD_SCREENS });
}

export async function screensVisited(page: Page): Promise<string[]> {
  return page.evaluate<string[]>('[...(window.__screensVisited ?? [])]');
}

const BLOCKING_IMPACTS: readonly string[] = ['serious', 'critical'];

/** Zero serious or critical axe violations on what the page shows now; a readable list otherwise. */
export async function expectAccessible(page: Page, screen: string): Promise<void> {
  const { violations } = await new AxeBuilder({ page }).analyze();
  const blocking = violations.filter((v) => BLOCKING_IMPACTS.includes(v.impact ?? ''));
  const report = blocking.map((v) =>
    [
      `${v.impact}: ${v.id} — ${v.help} (${v.helpUrl})`,
      ...v.nodes.map(
        (node) => `    at ${node.target.join(' ')}: ${node.failureSummary?.replace(/\n/g, ' ')}`,
      ),
    ].join('\n'),
  );
  expect(
    report,
    `serious or critical accessibility violations on "${screen}":\n${report.join('\n')}`,
  ).toEqual([]);
}

/**
 * Waits for the screen with this heading, then checks it: window title, axe, and a screenshot under
 * test-results/screens/<shot>.png when a name is given.
 */
export async function onScreen(page: Page, title: string, shot?: string): Promise<void> {
  await expect(page.getByRole('heading', { level: 1, name: title, exact: true })).toBeVisible();
  await expect(page).toHaveTitle(`${title} · WRSAuth`);
  await expectAccessible(page, title);
  if (shot) await page.screenshot({ path: `${SCREENS_DIR}/${shot}.png`, fullPage: true });
}
