import { expect, test } from '@playwright/test';
import { servedApp } from './servedApp';

/**
 * A laptop with no GPU and no results of its own: the Demo page offers the recorded real runs the app ships
 * (resources/sample-runs), and one click makes them replayable.
 */
const app = servedApp({ PATH: '/nonexistent', LLEM_STUDIO_LLEM: '' });

test('the shipped H100 sample runs load with one click and replay side by side', async () => {
  const page = await app.open();
  await page.getByRole('tab', { name: 'Demo' }).click();
  await expect(page.getByText('No recorded runs yet.')).toBeVisible();
  const samples = page.getByTestId('demo-sample-sets');
  await samples.getByRole('button', { name: /^Load H100, GPT-2-shape model with random weights/ }).click();
  await expect(page.getByTestId('demo-sample-status')).toHaveText(/^4 recorded runs of "H100, GPT-2-shape model with random weights \(4 runs\)" are ready to replay\.$/);
  await expect(page.getByText('No recorded runs yet.')).toBeHidden();

  await page.getByRole('combobox', { name: 'Left' }).click();
  await page.getByRole('option', { name: /random-weights · transformers · bf16 · batch 1 —/ }).click();
  await page.getByRole('combobox', { name: 'Right' }).click();
  await page.getByRole('option', { name: /random-weights · transformers · bf16 · batch 32 —/ }).click();
  await expect(page.getByTestId('demo-label-a')).toContainText('on NVIDIA H100 80GB HBM3');
  await expect(page.getByTestId('demo-headline')).toContainText('Batch size 32 uses');
  await page.getByTestId('demo-headline').click();
  await page.keyboard.press(' ');
  // llem's own 1 Hz timeseries of a real 61 s run drives the meter.
  await expect(page.getByTestId('demo-a-line')).toHaveAttribute('data-point-count', /^[1-9]\d*$/, { timeout: 10_000 });
  await expect(page.getByTestId('demo-energy-a')).not.toHaveText('0.00 J', { timeout: 10_000 });

  // Loading again adds nothing.
  await samples.getByRole('button', { name: /^Load H100/ }).click();
  await expect(page.getByTestId('demo-sample-status')).toHaveText(/^4 recorded runs/);
});
