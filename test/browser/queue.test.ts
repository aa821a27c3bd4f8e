import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { answer, submit } from '../pipeline/helpers.js';
import { ADMIN, type CreatedKey, type OperatorSession, createKey, createOperator, setupAdmin } from '../support/auth.js';
import { engines } from '../support/databases.js';
import type { TestRuntime } from '../support/runtime.js';
import { executionsOf, settle } from '../execution/helpers.js';
import { BROWSER_TESTS, type BrowserRuntime, launchBrowser, shot, startServer, watchedPage } from './harness.js';

const SUGGESTION_S = 8;
const trackman = (customer: string, bay: number) => ({ kind: 'message', channel: 'sms', from: customer, location: 'Dartmouth', text: `trackman frozen bay ${bay}` });

for (const engine of engines) {
  describe.runIf(BROWSER_TESTS)(`queue suggestions in chromium on ${engine.name}`, () => {
    let rt: BrowserRuntime;
    let browser: Browser;
    let page: Page;
    let assertClean: () => Promise<void>;
    let forgetRefused: (status: number) => void;
    let operator: OperatorSession;
    let admin: OperatorSession;
    let key: CreatedKey;
    const asTest = () => rt as unknown as TestRuntime;

    /**
     * A suggestion of reset_trackman with a real deadline. The suggest tier needs a long track record in the
     * suggest band first, so (as test/execution/durable.test.ts does) the engine's stored proposal is handed to the
     * execution stage at tier suggest; scheduling, the countdown, the veto and execution are the real path.
     */
    async function suggestion(customer: string, bay: number) {
      const { id } = await submit(asTest(), key, trackman(customer, bay));
      await settle(rt);
      const item = (await rt.decisions.queue(null, 200)).find((i) => i.event.id === id)!;
      await rt.executor.proposed({ ...item.proposal, decision: 'reset_trackman', patternKey: 'reset_trackman', params: { location: 'Dartmouth', bay }, tier: 'suggest' });
      const [x] = await executionsOf(rt, operator, id);
      expect(x).toMatchObject({ state: 'scheduled', origin: 'suggestion' });
      return { id, execution: x! };
    }

    beforeAll(async () => {
      browser = await launchBrowser();
      rt = await startServer(engine, { FEATURE_AUTO_EXECUTION: 'true', SUGGESTION_TIMEOUT: String(SUGGESTION_S) });
      admin = await setupAdmin(asTest());
      operator = await createOperator(asTest(), admin, 'operator', 'night_operator');
      key = await createKey(asTest(), admin, ['events:write', 'events:read']);
      // Teach the decision once so the next events are proposed as reset_trackman.
      const { id } = await submit(asTest(), key, trackman('c-0100', 1));
      await settle(rt);
      expect((await answer(asTest(), operator, id, { kind: 'decide', decision: 'reset_trackman', params: { location: 'Dartmouth', bay: 1 } })).statusCode).toBe(201);
      await settle(rt);
      const context = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true });
      ({ page, assertClean, forgetRefused } = await watchedPage(context));
      await page.goto(rt.base);
      await page.getByLabel('Username').fill('night_operator');
      await page.getByLabel('Password').fill('a long enough password 42');
      await page.getByRole('button', { name: 'Sign in' }).tap();
      await page.getByTestId('live-status').getByText('Live').waitFor();
      expect(ADMIN.username).not.toBe('night_operator');
    });
    afterAll(async () => {
      await browser?.close();
      await rt?.dispose();
    });

    it('vetoes a suggestion before its countdown ends, and the action never runs', async () => {
      const { id, execution } = await suggestion('c-0101', 2);
      const card = page.locator(`li[data-event-id="${id}"]`);
      // Arrives live (suggestion.scheduled) with a visible countdown to its automatic execution.
      const timer = card.getByRole('timer');
      await timer.waitFor();
      expect(await timer.textContent()).toMatch(/^runs in 0:0\d$/);
      await shot(page, `${engine.name}-20-phone-suggestion-countdown`);
      await card.getByRole('button', { name: 'Veto' }).tap();
      await card.waitFor({ state: 'detached' });
      expect(Date.now()).toBeLessThan(Date.parse(execution.runAt));

      // Past the deadline, the runner finds nothing to run: the suggestion stays cancelled, nothing was sent.
      await new Promise((r) => setTimeout(r, Math.max(0, Date.parse(execution.runAt) - Date.now() + 500)));
      await rt.executor.runDue();
      await settle(rt);
      expect(await executionsOf(rt, operator, id)).toEqual([expect.objectContaining({ state: 'cancelled', attempts: 0 })]);
      expect(rt.simulator.outbox().filter((m) => m.to === 'c-0101')).toEqual([]);
      await assertClean();
    });

    it('approves a suggestion from the queue: it executes at once', async () => {
      const { id } = await suggestion('c-0102', 3);
      const card = page.locator(`li[data-event-id="${id}"]`);
      await card.getByRole('timer').waitFor();
      await card.getByRole('button', { name: 'Approve' }).tap();
      await card.waitFor({ state: 'detached' });
      await settle(rt);
      expect(await executionsOf(rt, operator, id)).toEqual([expect.objectContaining({ state: 'succeeded', origin: 'approval', approvedBy: expect.any(String) })]);
      await shot(page, `${engine.name}-21-phone-queue-after-approval`);
      await assertClean();
    });

    it('handles the end of its session: disabled by an administrator, the page returns to sign-in with a notice', async () => {
      const res = await asTest().app.inject({ method: 'PATCH', url: `/v1/operators/${operator.operatorId}`, headers: admin.headers, payload: { disabled: true } });
      expect(res.statusCode, res.body).toBe(200);
      await page.getByRole('status').getByText('Your session has ended. Sign in again to continue.').waitFor({ timeout: 10_000 });
      await page.getByRole('heading', { name: 'Sign in to ClubOS' }).waitFor();
      await shot(page, `${engine.name}-22-phone-session-ended`);
      // A live refresh may race the revocation and get the 401 that sends the page to sign-in: expected here.
      forgetRefused(401);
      await assertClean();
    });
  });
}
