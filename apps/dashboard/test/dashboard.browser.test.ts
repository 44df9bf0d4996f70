import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { guardAgainstLeaks, redisUrl } from '@darkroom/testing';
import { createDashboard, type Dashboard } from '../src';
import { ARTIFACTS, CHROMIUM, openBrowser } from './browser';
import { PREFIX, darkroomJobData, seedQueue, type SeededQueue } from './seed-queue';
import { HOSTILE_TENANT, seedTenants, type SeededTenants } from './tenants-seed';

guardAgainstLeaks();

const REASON = 'client_error: InputValidationError input is not a PSD, PNG or JPEG file';
const USERS = {
  viewer: { username: 'viewer', password: 'viewer-pass' },
  admin: { username: 'admin', password: 'admin-pass' },
};

describe('dashboard in headless Chromium', () => {
  let seeded: SeededQueue;
  let tenants: SeededTenants;
  let dashboard: Dashboard;
  let url: string;

  beforeAll(async () => {
    if (!existsSync(CHROMIUM)) {
      throw new Error(
        `no Chromium at ${CHROMIUM}: install the Debian package chromium (apt-get install -y chromium)`,
      );
    }
    seeded = await seedQueue([
      { name: 'autoTone', data: darkroomJobData() },
      { name: 'autoTone', data: darkroomJobData({ account: 'acct-b' }) },
      { name: 'autoCrop', data: darkroomJobData({}, { operation: 'autoCrop' }) },
      {
        name: 'removeBackground',
        data: darkroomJobData({ step: 'submit' }, { operation: 'removeBackground' }),
        failWith: REASON,
      },
    ]);
    tenants = await seedTenants();
    dashboard = createDashboard({
      redis: redisUrl(),
      queues: [seeded.name],
      tenantQueues: [tenants.queue],
      prefix: PREFIX,
      auth: {
        mode: 'basic',
        users: [
          { ...USERS.viewer, role: 'viewer' },
          { ...USERS.admin, role: 'admin' },
        ],
      },
    });
    ({ url } = await dashboard.listen(0));
    await mkdir(ARTIFACTS, { recursive: true });
  });

  afterAll(async () => {
    // Either may be missing when beforeAll failed part-way.
    await (dashboard as Dashboard | undefined)?.close();
    await (seeded as SeededQueue | undefined)?.close();
    await (tenants as SeededTenants | undefined)?.close();
  });

  it('logs in, sees the queue with its jobs, opens the failed job and reads its reason', async () => {
    const failedId = seeded.ids[3] ?? '';
    const browser = await openBrowser(USERS.viewer);
    try {
      const page = await browser.context.newPage();
      const home = await page.goto(url);
      expect(home?.status()).toBe(200);
      await page.getByText(seeded.name).first().waitFor({ timeout: 15_000 });

      await page.goto(`${url}queue/${encodeURIComponent(seeded.name)}?status=completed`);
      await page.getByText('autoCrop · acct-a · poll').first().waitFor({ timeout: 15_000 });

      await page.goto(`${url}queue/${encodeURIComponent(seeded.name)}/${failedId}`);
      const reason = page.getByText(REASON).first();
      await reason.waitFor({ timeout: 15_000 });
      expect(await reason.textContent()).toContain(REASON);
      // A viewer gets the read-only board: no retry button on a failed job.
      expect(await page.getByRole('button', { name: /retry/i }).count()).toBe(0);
      await page.screenshot({ path: join(ARTIFACTS, 'failed-job-viewer.png'), fullPage: true });

      // The data tab shows the status link as a path only.
      await page.getByText('Data', { exact: true }).first().click();
      await page.getByText('/pie/psdService/status/8ec6e2c6-3b2a-4d0e').first().waitFor();
      await page.screenshot({ path: join(ARTIFACTS, 'failed-job-data.png'), fullPage: true });
      expect(await page.content()).not.toContain('planted0sig1');
    } finally {
      await browser.close();
    }
  });

  it('shows the admin job actions that the viewer does not get', async () => {
    const jobUrl = `${url}queue/${encodeURIComponent(seeded.name)}/${seeded.ids[3] ?? ''}`;
    const buttonsAs = async (user: { username: string; password: string }): Promise<number> => {
      const browser = await openBrowser(user);
      try {
        const page = await browser.context.newPage();
        await page.goto(jobUrl);
        await page.getByText(REASON).first().waitFor({ timeout: 15_000 });
        await page.getByText('Logs', { exact: true }).first().waitFor({ timeout: 15_000 });
        if (user === USERS.admin) {
          await page.screenshot({ path: join(ARTIFACTS, 'failed-job-admin.png'), fullPage: true });
        }
        return await page.locator('button').count();
      } finally {
        await browser.close();
      }
    };
    const viewer = await buttonsAs(USERS.viewer);
    const admin = await buttonsAs(USERS.admin);
    // Retry, duplicate, edit and remove appear on the admin's job card only.
    expect(admin - viewer).toBeGreaterThanOrEqual(3);
  });

  it('reaches the tenants table from the board header menu, under its CSP', async () => {
    const browser = await openBrowser(USERS.viewer);
    try {
      const page = await browser.context.newPage();
      const refused: string[] = [];
      page.on('console', (message) => {
        if (/Content Security Policy/i.test(message.text())) refused.push(message.text());
      });
      await page.goto(url);
      await page.getByText(seeded.name).first().waitFor({ timeout: 15_000 });
      await page.locator('header button[aria-haspopup]').last().click();
      await page.getByText('Tenants', { exact: true }).first().click();
      await page.waitForURL(`${url}tenants`);
      const acme = page.locator('tr', { has: page.getByRole('cell', { name: 'acme' }) });
      expect(await acme.locator('td').allTextContents()).toEqual(
        expect.arrayContaining(['acme', '4', '5', '1', '9', '2']),
      );
      // The hostile name shows as text: no element was made of it.
      await page.getByRole('cell', { name: HOSTILE_TENANT }).waitFor();
      expect(await page.locator('img').count()).toBe(0);
      await page.screenshot({ path: join(ARTIFACTS, 'tenants-viewer.png'), fullPage: true });
      expect(refused).toEqual([]);
    } finally {
      await browser.close();
    }
  });

  it('shows the browser nothing without credentials', async () => {
    const browser = await openBrowser({ username: 'viewer', password: 'wrong' });
    try {
      const page = await browser.context.newPage();
      const res = await page.goto(url);
      expect(res?.status()).toBe(401);
      expect(await page.content()).not.toContain(seeded.name);
    } finally {
      await browser.close();
    }
  });
});
