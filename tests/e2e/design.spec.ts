import { expect, test, type Page } from '@playwright/test';
import { servedApp } from './servedApp';

const app = servedApp({ PATH: '/nonexistent', LLEM_STUDIO_LLEM: '' });

async function openDesign(): Promise<Page> {
  const page = await app.open();
  await page.getByRole('tab', { name: 'Design' }).click();
  return page;
}

/** With no llem the designer writes for the PyPI release; these tests write contract-HEAD studies, so they pick it. */
async function useHeadProfile(page: Page): Promise<void> {
  await page.getByRole('combobox', { name: 'llem version' }).click();
  await page.getByRole('option', { name: /llem HEAD/ }).click();
  await expect(page.getByRole('combobox', { name: 'llem version' })).toContainText('llem HEAD');
}

async function replaceYaml(page: Page, yaml: string): Promise<void> {
  await page.getByRole('tab', { name: 'YAML' }).click();
  const editor = page.getByRole('textbox', { name: 'Study YAML' });
  await editor.fill(yaml);
}

test('a template plans into runs, configurations and an estimate', async () => {
  const page = await openDesign();
  await page.getByTestId('template-batch-size').click();
  await expect(page.getByTestId('plan-config-count')).toHaveText('4');
  await expect(page.getByTestId('plan-run-count')).toHaveText('12');
  await expect(page.getByTestId('plan-estimate')).toContainText('Time:');
  // A fresh data folder has no campaigns to learn phase times from.
  await expect(page.getByTestId('plan-estimate-basis')).toHaveText('Phase times: default assumptions');
  // No llem here: the PyPI 0.7.0 template (transformers); each configuration reads by what it changes.
  await expect(page.getByTestId('plan-configs')).toContainText('transformers');
  await expect(page.getByTestId('plan-config-label')).toHaveText(['batch_size=1', 'batch_size=4', 'batch_size=16', 'batch_size=64']);
  await page.screenshot({ path: test.info().outputPath('design-template.png'), fullPage: true });
  await page.close();
});

test('an invalid combination is listed with its reason, and bad YAML is explained', async () => {
  const page = await openDesign();
  await page.getByTestId('template-blank').click();
  await useHeadProfile(page);
  await replaceYaml(
    page,
    ['name: "quant"', 'model: "gpt2"', 'backend: "pytorch"', 'sweep:', '  pytorch.load_in_4bit: [true, false]', '  pytorch.load_in_8bit: [true]', 'execution:', '  n_cycles: 2', ''].join('\n'),
  );
  await expect(page.getByTestId('plan-config-count')).toHaveText('1');
  await expect(page.getByTestId('plan-run-count')).toHaveText('2');
  await expect(page.getByTestId('plan-skipped-count')).toHaveText('1');
  await expect(page.getByTestId('plan-skipped')).toContainText(/load_in_4bit.*load_in_8bit|mutually exclusive/i);
  await page.screenshot({ path: test.info().outputPath('design-skipped.png'), fullPage: true });

  await replaceYaml(page, 'model: "gpt2"\nprecison: "fp16"\n');
  await expect(page.getByTestId('plan-error')).toContainText("did you mean 'precision'");
  await page.close();
});

test('the form writes the study YAML and the sweep builder fills a geometric range', async () => {
  const page = await openDesign();
  await page.getByTestId('template-blank').click();
  await useHeadProfile(page);
  await replaceYaml(page, 'name: "my-campaign"\nmodel: "gpt2"\nsweep:\n  precision: ["fp16", "bf16"]\n');
  await page.getByRole('tab', { name: 'Fixed fields' }).click();
  const n = page.getByLabel('n', { exact: true });
  await n.fill('50');
  await n.press('Enter');
  // YAML 1.1 writers quote the key n (a boolean in some 1.1 readers); PyYAML reads both forms as "n".
  await expect(page.getByTestId('study-yaml')).toContainText(/"?n"?: 50/);

  await page.getByRole('tab', { name: 'Sweep' }).click();
  await page.getByRole('button', { name: 'Add dimension' }).click();
  const dimension = page.getByTestId('sweep-dimension').nth(1);
  const field = dimension.getByLabel('field');
  await field.fill('pytorch.batch_size');
  await field.blur();
  await dimension.getByRole('button', { name: /Use 7 values/ }).click();
  await expect(page.getByTestId('study-yaml')).toContainText('pytorch.batch_size: [ 1, 2, 4, 8, 16, 32, 64 ]');
  // precision (2) × batch size (7), three cycles by default
  await expect(page.getByTestId('plan-config-count')).toHaveText('14');
  await expect(page.getByTestId('plan-run-count')).toHaveText('42');
  await expect(page.getByTestId('save-status')).toHaveText('All changes saved');
  await page.close();
});

test('a saved campaign is listed again after a reload', async () => {
  const page = await openDesign();
  await page.getByTestId('template-decoding').click();
  await expect(page.getByTestId('save-status')).toHaveText('All changes saved');
  await page.evaluate(() => localStorage.clear());
  await page.reload();
  await page.getByRole('tab', { name: 'Design' }).click();
  await page.getByLabel('Open campaign').click();
  await page.getByRole('option', { name: /Decoding strategy/ }).click();
  await expect(page.getByTestId('plan-config-count')).toHaveText('4');
  await page.close();
});

test('the version box says it is still looking for llem until the probe answers, then what it found', async () => {
  // Hold the page's app.info calls (the llem probe) until released; everything else passes straight through.
  const page = await app.browser.newPage();
  const held: (() => void)[] = [];
  let holding = true;
  await page.routeWebSocket(/\/api$/, (ws) => {
    const server = ws.connectToServer();
    ws.onMessage((message) => {
      const isProbe = typeof message === 'string' && (JSON.parse(message) as { method?: string }).method === 'app.info';
      if (isProbe && holding) held.push(() => server.send(message));
      else server.send(message);
    });
  });
  await page.goto(app.serve.url);
  // No study open: the box shows the default version, with what the probe found about it.
  await page.getByRole('tab', { name: 'Design' }).click();
  await expect.poll(() => held.length).toBeGreaterThan(0);
  const versionBox = page.getByRole('combobox', { name: 'llem version' });
  await expect(versionBox).toContainText('looking for llem…');
  await expect(versionBox).not.toContainText('no llem found');
  holding = false;
  for (const release of held.splice(0)) release();
  // This server has no llem: only now does the box say so.
  await expect(versionBox).toContainText('default (no llem found)');
  await page.close();
});
