import { chromium, test, type Browser, type Page } from '@playwright/test';
import { CHROMIUM_ARGS, CHROMIUM_PATH, chromiumMissingReason } from '../helpers/chromium';
import { missingDependency } from '../helpers/externalDependency';
import { startServe, type ServeHandle } from '../helpers/serveProcess';

/**
 * The usual E2E set-up: one Chromium per file (skipped, saying why, where it is missing — a failure under
 * CI=true) and a fresh `llem-studio serve` with its own data directory for every test.
 * `env` is added to the server's environment; `afterStart` runs once the server is up (e.g. to import data).
 */
export function servedApp(env: NodeJS.ProcessEnv = {}, afterStart?: (serve: ServeHandle) => void | Promise<void>) {
  let browser: Browser | undefined;
  let serve: ServeHandle | undefined;
  test.beforeAll(async () => {
    test.skip(missingDependency('Chromium', chromiumMissingReason()), 'Chromium is not installed');
    browser = await chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_ARGS });
  });
  test.afterAll(async () => browser?.close());
  test.beforeEach(async () => {
    serve = await startServe(env);
    await afterStart?.(serve);
  });
  test.afterEach(async () => serve?.stop());
  return {
    get browser(): Browser {
      if (!browser) throw new Error('the browser is not running');
      return browser;
    },
    get serve(): ServeHandle {
      if (!serve) throw new Error('the server is not running');
      return serve;
    },
    /** A new page opened at the printed URL: the page has taken the token from its fragment. */
    async open(): Promise<Page> {
      const page = await this.browser.newPage();
      await page.goto(this.serve.url);
      return page;
    },
  };
}

/** Design → YAML tab → replace the study text (the fastest way to a precise study in a test). */
export async function designStudy(page: Page, yaml: string): Promise<void> {
  await page.getByRole('tab', { name: 'Design' }).click();
  await page.getByTestId('template-blank').click();
  await page.getByRole('tab', { name: 'YAML' }).click();
  await page.getByRole('textbox', { name: 'Study YAML' }).fill(yaml);
}
