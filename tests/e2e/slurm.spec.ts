import { expect, test } from '@playwright/test';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { skipWithoutSlurm, startSlurmCluster, type SlurmCluster } from '../helpers/slurmCluster';
import { REPO_ROOT } from '../helpers/serveProcess';
import { designStudy, servedApp } from './servedApp';

/**
 * The GUI path of a SLURM campaign against the real one-node test cluster (tests/helpers/slurmCluster.ts):
 * a cluster profile in Settings, Design → Run on: SLURM cluster → submit, and the Runs page showing each array
 * task's SLURM state and host while results arrive. The node has no GPU: the profile asks for 0 GPUs per task.
 */
const FAKE_LLEM = path.join(REPO_ROOT, 'tests/fixtures/fake-llem/llem.mjs');
const serveEnv: NodeJS.ProcessEnv = { LLEM_STUDIO_LLEM: FAKE_LLEM, LLEM_STUDIO_TELEMETRY: 'off', FAKE_LLEM_STEP_MS: '20' };
const app = servedApp(serveEnv);
let cluster: SlurmCluster | undefined;
let workDir = '';

test.beforeAll(async () => {
  test.skip(skipWithoutSlurm(), 'no SLURM test cluster here');
  cluster = await startSlurmCluster();
  serveEnv.SLURM_CONF = cluster.conf; // read when each test's server starts
  workDir = mkdtempSync(path.join(os.tmpdir(), 'llem-slurm-e2e-'));
});
test.afterAll(() => {
  cluster?.stop();
  if (workDir) rmSync(workDir, { recursive: true, force: true });
});

test('a designed campaign is submitted to the SLURM cluster and its tasks and results appear on the Runs page', async () => {
  test.setTimeout(120_000);
  const page = await app.open();
  await page.setViewportSize({ width: 1280, height: 720 });

  await page.getByRole('tab', { name: 'Settings' }).click();
  const form = page.getByTestId('cluster-profiles');
  await form.getByTestId('cluster-name').fill('test cluster');
  await form.getByTestId('cluster-workDir').fill(workDir);
  await form.getByTestId('cluster-llemPath').fill(FAKE_LLEM);
  await form.getByTestId('cluster-gpusPerTask').fill('0');
  await form.getByTestId('cluster-time').fill('5');
  await form.getByTestId('cluster-save').click();
  await expect(page.getByTestId('cluster-message')).toHaveText('Saved.');
  await expect(form.getByRole('table', { name: 'Cluster profiles' })).toContainText('this machine');
  await form.screenshot({ path: test.info().outputPath('settings-cluster-profiles.png') });

  await designStudy(page, 'name: "e2e-slurm"\nmodel: "fake/ok"\nn: 4\nsweep:\n  precision: ["fp16", "bf16"]\nexecution:\n  n_cycles: 1\n');
  await expect(page.getByTestId('plan-run-count')).toHaveText('2');
  await expect(page.getByTestId('save-status')).toHaveText('All changes saved');
  await page.getByTestId('run-on-slurm').click();
  await expect(page.getByTestId('slurm-semantics')).toContainText("llem's run order is kept");
  await expect(page.getByTestId('run-campaign')).toHaveCount(0);
  await page.screenshot({ path: test.info().outputPath('design-run-on-slurm.png') });
  await page.getByTestId('slurm-submit').click();

  await expect(page.getByRole('heading', { level: 1, name: 'Runs' })).toBeVisible();
  const tasks = page.getByTestId('slurm-tasks-table');
  await expect(tasks.getByText('succeeded')).toHaveCount(2, { timeout: 60_000 });
  await expect(page.getByTestId('slurm-task-0')).toContainText(cluster!.node);
  await expect(page.getByTestId('slurm-tasks')).toContainText('on this machine');
  await expect(page.getByText('2 of 2 finished · completed')).toBeVisible({ timeout: 10_000 });
  // Collected into the store: the ordinary runs table and Results show them.
  await expect(page.getByTestId('runs-table').getByText('succeeded')).toHaveCount(2, { timeout: 10_000 });
  await page.screenshot({ path: test.info().outputPath('runs-slurm-1280.png'), fullPage: true });
  await page.setViewportSize({ width: 1920, height: 1080 });
  await page.emulateMedia({ colorScheme: 'dark' });
  await page.screenshot({ path: test.info().outputPath('runs-slurm-1920-dark.png'), fullPage: true });
  await page.getByRole('tab', { name: 'Results' }).click();
  await expect(page.getByText('measured').first()).toBeVisible({ timeout: 10_000 });
  await page.close();
});
