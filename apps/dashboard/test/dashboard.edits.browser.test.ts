import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { EditJobStatus } from '@darkroom/jobs';
import { guardAgainstLeaks, testJpeg, uniqueName } from '@darkroom/testing';
import type { Page } from 'playwright-core';
import { createDashboard, type Dashboard } from '../src';
import { ARTIFACTS, CHROMIUM, openBrowser } from './browser';
import { EDITS_PREFIX, startEditStack, type EditStack } from './edit-stack';

guardAgainstLeaks();

const VIEWER = { username: 'viewer', password: 'viewer-pass' };

/** The text of the job card's open tab, once it holds `expected`. */
async function tabText(page: Page, tab: string, expected: string): Promise<string> {
  await page.getByText(tab, { exact: true }).first().click();
  const panel = page.getByRole('tabpanel').filter({ hasText: expected }).first();
  await panel.waitFor({ timeout: 15_000 });
  return (await panel.textContent()) ?? '';
}

describe('dashboard in headless Chromium, over edits the step machine ran', () => {
  let edits: EditStack;
  let dashboard: Dashboard;
  let url: string;
  let completed: EditJobStatus;
  let failed: EditJobStatus;
  const tenant = uniqueName('shop');

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(`no Chromium at ${CHROMIUM}: install the Debian package chromium`);
    }
    edits = await startEditStack();
    const queue = edits.stack.edits;
    if (!queue) throw new Error('the stack opened no queue');
    const photo = edits.inRef(`${tenant}/photo.jpg`);
    const broken = edits.inRef(`${tenant}/broken.jpg`);
    await edits.stack.storage.upload(photo, await testJpeg(), 'image/jpeg');
    await edits.stack.storage.upload(broken, Buffer.from('not an image at all'), 'image/jpeg');
    const removeBackground = (input: string, output: string) =>
      queue.enqueue({
        operation: 'v2.removeBackground',
        input,
        outputs: [{ ref: edits.outRef(`${tenant}/${output}`), mediaType: 'image/png' }],
        tenant,
      });
    const [good, bad] = await Promise.all([
      removeBackground(photo, 'photo.png'),
      removeBackground(broken, 'broken.png'),
    ]);
    completed = await queue.waitFor(good.id, { timeout: 30_000 });
    failed = await queue.waitFor(bad.id, { timeout: 30_000 });
    dashboard = createDashboard({
      redis: edits.stack.redis.url,
      queues: [edits.queueName],
      prefix: EDITS_PREFIX,
      auth: { mode: 'basic', users: [{ ...VIEWER, role: 'viewer' }] },
    });
    ({ url } = await dashboard.listen(0));
    await mkdir(ARTIFACTS, { recursive: true });
  });

  afterAll(async () => {
    await (dashboard as Dashboard | undefined)?.close();
    await (edits as EditStack | undefined)?.close();
  });

  const jobPage = (id: string): string =>
    `${url}queue/${encodeURIComponent(edits.queueName)}/${encodeURIComponent(id)}`;

  it('ran one edit to completion and failed the other at Adobe', () => {
    expect(completed.state).toBe('completed');
    expect(completed.remoteJobId).toEqual(expect.any(String));
    expect(failed.state).toBe('failed');
    expect(failed.failure?.reason).toBe('remote_failed');
  });

  it("lists a completed edit's steps in its Logs tab and shows its progress at 100", async () => {
    const browser = await openBrowser(VIEWER);
    try {
      const page = await browser.context.newPage();
      await page.goto(jobPage(completed.id));
      const logs = await tabText(page, 'Logs', 'completed:');
      expect(logs).toContain(
        `submit 1 sent: v2.removeBackground accepted as Adobe job ${completed.remoteJobId ?? ''}`,
      );
      expect(logs).toMatch(
        /completed: 1 output [\d.]+ s after enqueue \(Adobe [\d.]+ s, \d+ polls?, confirmed by status\)/,
      );
      expect(logs).not.toMatch(/https?:|\?|X-Amz|token/i);
      await page.screenshot({ path: join(ARTIFACTS, 'edit-logs.png'), fullPage: true });

      const progress = await tabText(page, 'Progress', 'completed');
      expect(progress).toMatch(/progress\W+100\b/);
      await page.screenshot({ path: join(ARTIFACTS, 'edit-progress.png'), fullPage: true });

      const data = await tabText(page, 'Data', 'pickUps');
      expect(data).toContain('submitRounds');
      // BullMQ's count of pick-ups is shown in the data, not as "N started" beside the title.
      expect(await page.getByText(/^\d+ started$/).count()).toBe(0);
    } finally {
      await browser.close();
    }
  });

  it('shows a failed edit its reason code and message, and no stack trace', async () => {
    const browser = await openBrowser(VIEWER);
    try {
      const page = await browser.context.newPage();
      await page.goto(jobPage(failed.id));
      const reason = `remote_failed: ${failed.failure?.message ?? ''}`;
      expect(reason).toContain('Unable to read the input file');
      const error = await tabText(page, 'Error', reason);
      expect(error).not.toMatch(/UnrecoverableError|\bat .+:\d+:\d+/);
      await page.screenshot({ path: join(ARTIFACTS, 'edit-failed-error.png'), fullPage: true });
      const logs = await tabText(page, 'Logs', 'failed:');
      expect(logs).toContain(`failed: ${reason}`);
      await page.screenshot({ path: join(ARTIFACTS, 'edit-failed-logs.png'), fullPage: true });
    } finally {
      await browser.close();
    }
  });

  it('finds edits by tenant and by Adobe job id, and opens them in the board', async () => {
    const browser = await openBrowser(VIEWER);
    try {
      const page = await browser.context.newPage();
      await page.goto(url);
      await page.locator('header button[aria-haspopup]').last().click();
      await page.getByText('Search edits', { exact: true }).first().click();
      await page.waitForURL(`${url}search`);

      await page.getByLabel('tenant').fill(tenant);
      await page.getByRole('button', { name: 'Search' }).click();
      await page.getByRole('link', { name: failed.id }).waitFor({ timeout: 15_000 });
      expect(await page.getByRole('link', { name: completed.id }).count()).toBe(1);
      await page.screenshot({ path: join(ARTIFACTS, 'search-tenant.png'), fullPage: true });

      await page.getByLabel('tenant').fill('');
      await page.getByLabel('Adobe job id').fill(completed.remoteJobId ?? '');
      await page.getByRole('button', { name: 'Search' }).click();
      const link = page.getByRole('link', { name: completed.id });
      await link.waitFor({ timeout: 15_000 });
      expect(await page.getByRole('link', { name: failed.id }).count()).toBe(0);
      await link.click();
      await page.waitForURL(jobPage(completed.id));
      await page.getByText('Logs', { exact: true }).first().waitFor({ timeout: 15_000 });
    } finally {
      await browser.close();
    }
  });
});
