import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ADMIN, type OperatorSession, createKey, login } from '../support/auth.js';
import { engines } from '../support/databases.js';
import type { TestRuntime } from '../support/runtime.js';
import { BROWSER_TESTS, type BrowserRuntime, launchBrowser, shot, startServer, watchedPage } from './harness.js';

const asTest = (rt: BrowserRuntime) => rt as unknown as TestRuntime;

for (const engine of engines) {
  describe.runIf(BROWSER_TESTS)(`operator console in chromium on ${engine.name}`, () => {
    let rt: BrowserRuntime;
    let browser: Browser;
    let context: BrowserContext;
    let page: Page;
    let assertClean: () => Promise<void>;
    let expectRefused: (status: number) => void;
    let forgetRefused: (status: number) => void;
    let admin: OperatorSession;

    beforeAll(async () => {
      browser = await launchBrowser();
      rt = await startServer(engine);
      context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
      ({ page, assertClean, expectRefused, forgetRefused } = await watchedPage(context));
      page.on('dialog', (d) => void d.accept());
    });
    afterAll(async () => {
      await browser?.close();
      await rt?.dispose();
    });

    /** The rows of a chart's visually hidden data table: the values after the time header. */
    const tableOf = async (chart: Locator): Promise<string[][]> =>
      chart.locator('table tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent ?? '')));

    const postEvent = async (secret: string, body: Record<string, unknown>) => {
      const res = await fetch(`${rt.base}/v1/events`, { method: 'POST', headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' }, body: JSON.stringify(body) });
      expect(res.status).toBe(202);
      return ((await res.json()) as { id: string }).id;
    };

    it('creates the first administrator with the one-time setup token', async () => {
      const token = await rt.issueSetupTokenIfNeeded();
      expect(token).not.toBeNull();
      await page.goto(rt.base);
      await page.getByRole('heading', { name: 'Set up ClubOS' }).waitFor();
      await shot(page, `${engine.name}-01-setup`);
      await page.getByLabel('Setup token').fill(token!);
      await page.getByLabel('Administrator username').fill(ADMIN.username);
      await page.getByLabel('Display name').fill('Ada Admin');
      await page.getByLabel('Password').fill(ADMIN.password);
      await page.getByRole('button', { name: 'Create administrator' }).click();
      await page.getByRole('heading', { name: /Queue/ }).waitFor();
      await page.getByTestId('live-status').getByText('Live').waitFor();
      expect(await rt.issueSetupTokenIfNeeded()).toBeNull();
      await assertClean();
    });

    it('signs out and signs in again', async () => {
      await page.getByRole('button', { name: 'Sign out' }).click();
      await page.getByRole('heading', { name: 'Sign in to ClubOS' }).waitFor();
      // A refresh already in flight when the session ends is answered 401 (and sends the page to sign-in anyway).
      forgetRefused(401);
      await page.getByLabel('Username').fill(ADMIN.username);
      await page.getByLabel('Password').fill('not the password');
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('alert').getByText(/Invalid credentials|Wrong username or password/).waitFor();
      expectRefused(401);
      await shot(page, `${engine.name}-02-sign-in`);
      await page.getByLabel('Password').fill(ADMIN.password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('heading', { name: /Queue/ }).waitFor();
      await page.getByTestId('live-status').getByText('Live').waitFor();
      await assertClean();
      admin = await login(asTest(rt), ADMIN.username, ADMIN.password);
    });

    it('shows a message the moment it arrives, without a reload, and renders customer text as text', async () => {
      const key = await createKey(asTest(rt), admin, ['events:write']);
      const hostile = '<img src=x onerror="document.title=1"> the screen in bay 2 is black';
      const id = await postEvent(key.secret, { kind: 'message', channel: 'sms', from: '+15550100', location: 'Dartmouth', bay: 2, text: hostile });
      const card = page.locator(`li[data-event-id="${id}"]`);
      await card.waitFor({ timeout: 10_000 });
      expect(await card.locator('blockquote').textContent()).toBe(hostile);
      expect(await card.locator('img').count()).toBe(0);
      const emergency = await postEvent(key.secret, { kind: 'message', channel: 'sms', from: '+15550101', location: 'Dartmouth', text: 'There is smoke and a fire in bay 4, help' });
      const alarm = page.locator(`li[data-event-id="${emergency}"]`);
      await alarm.getByText('EMERGENCY', { exact: true }).waitFor({ timeout: 10_000 });
      // Emergencies sit on top of the queue.
      expect(await page.locator('ul.queue > li').first().getAttribute('data-event-id')).toBe(emergency);
      await page.getByRole('alert').getByText(/emergency needs a human now/).waitFor();
      await shot(page, `${engine.name}-03-queue-live`);
      await assertClean();
    });

    it('opens a thread: the message, the proposal and why, and a decision form generated from the catalogue', async () => {
      await page.locator('ul.queue > li').nth(1).getByRole('link', { name: 'Open' }).click();
      await page.getByRole('heading', { name: /Dartmouth/ }).waitFor();
      await page.getByRole('heading', { name: 'Proposal' }).waitFor();
      await shot(page, `${engine.name}-04-thread-open`);
      await page.getByLabel('Decision').selectOption('power_cycle_tv');
      await page.getByLabel('Bay (required)').waitFor();
      expect(await page.getByLabel('Location (required)').inputValue()).toBe('Dartmouth');
      expect(await page.getByLabel('Bay (required)').inputValue()).toBe('2');
      await page.getByLabel('Reply to the customer').fill('We are on it: the screen in bay 2 will be back in a minute.');
      await page.getByRole('button', { name: 'Send reply' }).click();
      await page.locator('.msg.out', { hasText: 'We are on it' }).waitFor();
      await shot(page, `${engine.name}-04-thread`);
      await page.getByRole('button', { name: 'Decide' }).click();
      await page.getByRole('heading', { name: /Queue/ }).waitFor();
      await assertClean();
    });

    it('charts the decision just made on the metrics page: per hour, per day, per location', async () => {
      await page.getByRole('link', { name: 'Metrics' }).click();
      await page.getByRole('heading', { name: 'Metrics', exact: true }).waitFor();
      const proposals = page.getByTestId('chart-proposals');
      await proposals.locator('svg circle').first().waitFor();
      // The visually hidden table carries every bucket's values: 24 hours, one of them with the proposals and the answer.
      const hourly = await tableOf(proposals);
      expect(hourly).toHaveLength(24);
      expect(Math.max(...hourly.map((r) => Number(r[0])))).toBeGreaterThanOrEqual(2);
      expect(Math.max(...hourly.map((r) => Number(r[1])))).toBeGreaterThanOrEqual(1);
      // The operator's answer resolved a proposal: its time to resolution is a measured point.
      const resolution = page.getByTestId('chart-resolution');
      expect(await resolution.locator('svg circle').count()).toBeGreaterThanOrEqual(2);
      expect(await resolution.locator('desc').textContent()).toMatch(/Median: highest \d+ (s|min)/);
      expect(await proposals.locator('svg').getAttribute('aria-labelledby')).toBe('proposals-title proposals-desc');
      await shot(page, `${engine.name}-08-metrics-hourly`);

      await page.getByLabel('Range').selectOption('day');
      await page.getByLabel('Location', { exact: true }).selectOption('Dartmouth');
      await page.getByText(/proposals, Dartmouth,/).waitFor();
      await proposals.locator('table tbody tr').nth(29).waitFor();
      const daily = await tableOf(proposals);
      expect(daily).toHaveLength(30);
      // Every proposal of this test is in today's bucket (or yesterday's, had the test crossed midnight UTC).
      const perDay = daily.map((r) => Number(r[0]));
      expect(perDay.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(2);
      expect(perDay.filter((n) => n > 0).length).toBeLessThanOrEqual(2);
      expect(perDay.at(-1)).toBeGreaterThanOrEqual(1);
      await shot(page, `${engine.name}-08-metrics-daily`);
      // The totals are still there.
      await page.getByRole('heading', { name: 'Shadow figures per location' }).waitFor();
      await assertClean();
    });

    it('creates an API key with its secret shown once, and revokes it', async () => {
      await page.getByRole('link', { name: 'Admin' }).click();
      await page.getByRole('heading', { name: 'New API key' }).waitFor();
      await page.getByLabel('Name').fill('front desk tablet');
      await page.getByRole('button', { name: 'Create key' }).click();
      const secret = (await page.getByTestId('new-key-secret').textContent()) ?? '';
      expect(secret).toMatch(/^clubos_live_[A-Za-z0-9]+_[A-Za-z0-9]+$/);
      await shot(page, `${engine.name}-05-admin-key-created`);
      await postEvent(secret, { kind: 'message', channel: 'web', from: 'tablet', location: 'Dartmouth', text: 'printer out of paper' });
      await page.getByRole('button', { name: 'Done' }).click();
      expect(await page.getByTestId('new-key-secret').count()).toBe(0);

      const row = page.locator('tr', { hasText: 'front desk tablet' });
      await row.getByRole('button', { name: 'Revoke front desk tablet' }).click();
      await row.getByText('revoked', { exact: true }).waitFor();
      // Revocation reaches the API within a second.
      let status = 0;
      for (let i = 0; i < 20 && status !== 401; i++) {
        const res = await fetch(`${rt.base}/v1/events`, { method: 'POST', headers: { authorization: `Bearer ${secret}`, 'content-type': 'application/json' }, body: '{}' });
        status = res.status;
        if (status !== 401) await new Promise((r) => setTimeout(r, 100));
      }
      expect(status).toBe(401);
      await shot(page, `${engine.name}-06-admin-keys`);
      await assertClean();
    });

    it('shows a blocked injection attempt made during the test on the security dashboard', async () => {
      const attempt = await fetch(`${rt.base}/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: "admin' OR '1'='1' --", password: 'x' }) });
      expect(attempt.status).toBe(400);
      expect(((await attempt.json()) as { type: string }).type).toBe('/problems/injection-detected');
      await page.getByRole('link', { name: 'Security' }).click();
      await page.getByRole('heading', { name: 'Security', exact: true }).waitFor();
      const byKind = page.getByTestId('blocked-by-kind');
      await byKind.getByText('sqli').waitFor();
      expect(await byKind.locator('.count').textContent()).toBe('1');
      await page.getByTestId('blocked-by-route').getByText('/v1/auth/login').waitFor();
      await page.getByTestId('audit-status').waitFor();
      await shot(page, `${engine.name}-09-security`);
      await assertClean();
    });

    it('shows every page without console errors or CSP violations', async () => {
      for (const [hash, heading, name] of [
        ['#/patterns', 'Patterns', '07-patterns'],
        ['#/metrics', 'Metrics', '08-metrics'],
        ['#/admin/operators', 'New operator', '10-admin-operators'],
        ['#/admin/venue', 'New location', '11-admin-locations'],
        ['#/admin/flags', 'Kill switches', '11-admin-flags'],
        ['#/admin/integrations', 'Integrations', '11-admin-integrations'],
        ['#/admin/audit', 'Audit log', '12-admin-audit'],
      ] as const) {
        await page.goto(`${rt.base}/${hash}`);
        await page.getByRole('heading', { name: heading, exact: true }).waitFor();
        await page.waitForLoadState('networkidle').catch(() => undefined);
        await shot(page, `${engine.name}-${name}`);
      }
      // A kill switch set and cleared from the admin page.
      await page.goto(`${rt.base}/#/admin/flags`);
      await page.getByLabel('Action').selectOption('reset_trackman');
      await page.getByLabel('Reason').fill('vendor maintenance');
      await page.getByRole('button', { name: 'Stop it' }).click();
      await page.locator('li.alarm', { hasText: 'reset_trackman' }).waitFor();
      const switches = await fetch(`${rt.base}/v1/admin/kill-switches`, { headers: admin.headers });
      expect(((await switches.json()) as { killSwitches: { name: string }[] }).killSwitches.map((k) => k.name)).toEqual(['reset_trackman']);
      await page.getByRole('button', { name: 'Clear' }).click();
      await page.getByText('No kill switch in force.').waitFor();
      // The confidence thresholds changed from the same page, and back to the configured ones.
      const thresholds = async () => (await (await fetch(`${rt.base}/v1/admin/thresholds`, { headers: admin.headers })).json()) as { effective: { high: number }; source: string };
      await page.getByLabel('Auto at or above (PATTERN_CONFIDENCE_HIGH)').fill('0.97');
      await page.getByRole('button', { name: 'Save thresholds' }).click();
      await page.getByText(/Set by an admin/).waitFor();
      expect(await thresholds()).toMatchObject({ effective: { high: 0.97 }, source: 'override' });
      // The suggest band's floor, with its error budget, is shown beside the thresholds.
      const floor = ((await thresholds()) as unknown as { suggestBand: { floor: number } }).suggestBand.floor;
      await page.getByTestId('suggest-band').getByText(`at least ${floor.toFixed(3)}`, { exact: false }).waitFor();
      await page.getByTestId('suggest-band').getByText('budget 1.5 %', { exact: false }).waitFor();
      await shot(page, `${engine.name}-11-admin-thresholds`);
      await page.getByRole('button', { name: 'Back to configured' }).click();
      await page.getByText('The configured values (environment) are in force.', { exact: false }).waitFor();
      expect(await thresholds()).toMatchObject({ effective: { high: 0.95 }, source: 'environment' });
      await page.goto(`${rt.base}/#/admin/audit`);
      await page.getByRole('heading', { name: 'Audit log', exact: true }).waitFor();
      await page.getByRole('button', { name: 'Show entries' }).click();
      await page.getByText(/\d+ entries/).waitFor();
      await shot(page, `${engine.name}-12-admin-audit-entries`);
      await assertClean();
    });

    it('locks a pattern and releases it again from the patterns page', async () => {
      const hold = async () =>
        ((await (await fetch(`${rt.base}/v1/patterns`, { headers: admin.headers })).json()) as { patterns: { key: string; hold: string }[] }).patterns.find(
          (p) => p.key === 'power_cycle_tv',
        )?.hold;
      await page.goto(`${rt.base}/#/patterns`);
      const card = page.locator('li.pattern', { hasText: 'power_cycle_tv' });
      await card.getByRole('button', { name: 'Release' }).waitFor();
      expect(await card.getByRole('button', { name: 'Release' }).isDisabled()).toBe(true);
      await card.getByRole('button', { name: 'Lock' }).click();
      await card.locator('.state-held', { hasText: 'locked' }).waitFor();
      expect(await hold()).toBe('locked');
      await card.getByRole('button', { name: 'Release' }).click();
      await card.locator('.state-held').waitFor({ state: 'detached' });
      expect(await hold()).toBe('none');
      expect(await card.getByRole('button', { name: 'Lock' }).isDisabled()).toBe(false);
      await assertClean();
    });

    it('works on a phone-sized screen: the queue fits, emergencies on top, actions reachable', async () => {
      const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true, deviceScaleFactor: 2 });
      const w = await watchedPage(phone);
      const p = w.page;
      await p.goto(rt.base);
      await p.getByLabel('Username').fill(ADMIN.username);
      await p.getByLabel('Password').fill(ADMIN.password);
      await p.getByRole('button', { name: 'Sign in' }).tap();
      await p.getByRole('heading', { name: /Queue/ }).waitFor();
      await p.locator('ul.queue > li').first().getByText('EMERGENCY', { exact: true }).waitFor();
      const overflow = await p.evaluate(() => {
        const d = (globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }).document.documentElement;
        return d.scrollWidth - d.clientWidth;
      });
      expect(overflow).toBeLessThanOrEqual(0);
      const approve = p.locator('ul.queue > li').nth(1).getByRole('button', { name: 'Modify' });
      const box = (await approve.boundingBox())!;
      expect(box.height).toBeGreaterThanOrEqual(44);
      expect(box.x + box.width).toBeLessThanOrEqual(390);
      await shot(p, `${engine.name}-13-phone-queue`);
      await p.goto(`${rt.base}/#/metrics`);
      await p.getByTestId('chart-resolution').locator('svg circle').first().waitFor();
      const metricsOverflow = await p.evaluate(() => {
        const d = (globalThis as unknown as { document: { documentElement: { scrollWidth: number; clientWidth: number } } }).document.documentElement;
        return d.scrollWidth - d.clientWidth;
      });
      expect(metricsOverflow).toBeLessThanOrEqual(0);
      const chart = (await p.getByTestId('chart-automation').locator('svg').boundingBox())!;
      expect(chart.x).toBeGreaterThanOrEqual(0);
      expect(chart.x + chart.width).toBeLessThanOrEqual(390);
      expect(chart.height).toBeGreaterThan(100);
      await shot(p, `${engine.name}-14-phone-metrics`);
      await w.assertClean();
      await phone.close();
    });
  });
}
