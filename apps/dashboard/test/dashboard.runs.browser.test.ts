import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { runsQueueName } from '@darkroom/jobs';
import { guardAgainstLeaks, redisUrl } from '@darkroom/testing';
import { createDashboard, type Dashboard } from '../src';
import { ARTIFACTS, CHROMIUM, openBrowser } from './browser';
import { PREFIX } from './seed-queue';
import { HOSTILE_HEADLINE, seedRuns, STEP_FAILURE, type SeededRuns } from './runs-seed';

guardAgainstLeaks();

const VIEWER = { username: 'viewer', password: 'viewer-pass' };

describe('runs page in headless Chromium, over runs the run processor ran', () => {
  let seeded: SeededRuns;
  let dashboard: Dashboard;
  let url: string;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`no Chromium at ${CHROMIUM}: install the Debian package chromium`);
    }
    seeded = await seedRuns();
    dashboard = createDashboard({
      redis: redisUrl(),
      queues: [seeded.queue, runsQueueName(seeded.queue)],
      tenantQueues: [seeded.queue],
      prefix: PREFIX,
      auth: { mode: 'basic', users: [{ ...VIEWER, role: 'viewer' }] },
    });
    ({ url } = await dashboard.listen(0));
    await mkdir(ARTIFACTS, { recursive: true });
  });

  afterAll(async () => {
    // Either may be missing when beforeAll failed part-way.
    await (dashboard as Dashboard | undefined)?.close();
    await (seeded as SeededRuns | undefined)?.close();
  });

  it("opens a failed run from the header menu, sees the failed step's reason, and follows it to its edit", async () => {
    const browser = await openBrowser(VIEWER);
    try {
      const page = await browser.context.newPage();
      await page.goto(url);
      await page.locator('header button[aria-haspopup]').last().click();
      await page.getByText('Runs', { exact: true }).first().click();
      await page.waitForURL(`${url}runs`);
      await page.getByRole('link', { name: seeded.running.id }).waitFor();
      await page.screenshot({ path: join(ARTIFACTS, 'runs-list.png'), fullPage: true });
      await page.getByRole('link', { name: 'failed', exact: true }).click();
      await page.waitForURL(`${url}runs?state=failed`);
      expect(await page.getByRole('link', { name: seeded.completed.id }).count()).toBe(0);
      await page.getByRole('link', { name: seeded.failed.id }).click();
      await page.getByRole('heading', { name: `Run ${seeded.failed.id}` }).waitFor();

      const message = STEP_FAILURE.slice('remote_failed: '.length);
      const failedStep = page.getByRole('row').filter({ hasText: 'adobe-job-png' });
      const cells = await failedStep.getByRole('cell').allTextContents();
      const png = seeded.failed.steps[1];
      expect(cells).toEqual([
        'png',
        'text',
        'failed',
        png?.editId,
        'adobe-job-png',
        'remote_failed',
        message,
      ]);
      await page.screenshot({ path: join(ARTIFACTS, 'run-failed.png'), fullPage: true });

      await failedStep.getByRole('link', { name: png?.editId }).click();
      await page.waitForURL(
        `${url}queue/${encodeURIComponent(seeded.queue)}/${encodeURIComponent(png?.editId ?? '')}`,
      );
      await page.getByText('Error', { exact: true }).first().click();
      const error = page.getByRole('tabpanel').filter({ hasText: STEP_FAILURE }).first();
      await error.waitFor({ timeout: 15_000 });
      await page.screenshot({ path: join(ARTIFACTS, 'run-step-error.png'), fullPage: true });
      await page.getByText('Data', { exact: true }).first().click();
      const runPage = `/runs?id=${seeded.failed.id}`;
      // The edit names its run's page (Bull Board shows data as text).
      await page.getByRole('tabpanel').filter({ hasText: runPage }).first().waitFor();
      await page.screenshot({ path: join(ARTIFACTS, 'run-step-data.png'), fullPage: true });
    } finally {
      await browser.close();
    }
  });

  it('shows a hostile parameter as text, and runs none of it', async () => {
    const browser = await openBrowser(VIEWER);
    try {
      const page = await browser.context.newPage();
      const dialogs: string[] = [];
      page.on('dialog', (dialog) => {
        dialogs.push(dialog.message());
        void dialog.dismiss();
      });
      await page.goto(`${url}runs?id=${seeded.completed.id}`);
      const params = page.getByRole('row').filter({ hasText: 'params' });
      const values = await params.getByRole('listitem').allTextContents();
      expect(values.sort()).toEqual([`headline = ${HOSTILE_HEADLINE}`, 'locale = en-GB']);
      expect(await page.locator('script').count()).toBe(0);
      expect(dialogs).toEqual([]);
      await page.screenshot({ path: join(ARTIFACTS, 'run-completed.png'), fullPage: true });
    } finally {
      await browser.close();
    }
  });
});
