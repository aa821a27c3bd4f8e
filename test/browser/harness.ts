import { existsSync, mkdirSync } from 'node:fs';
import { type Browser, type BrowserContext, type Page, chromium } from 'playwright-core';
import { expect } from 'vitest';
import { parseConfig } from '../../src/config/config.js';
import { createLogger } from '../../src/logging.js';
import { type Runtime, buildRuntime } from '../../src/main.js';
import type { TestDatabase, TestEngine } from '../support/databases.js';
import { TEST_SECRETS } from '../support/runtime.js';

/** CI sets CLUBOS_BROWSER=1 and then these tests must run (a missing chromium fails them). */
export const BROWSER_TESTS = process.env.CLUBOS_BROWSER === '1';
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const SCREENSHOTS = new URL('../../test-artifacts/screenshots/', import.meta.url);

export interface BrowserRuntime extends Runtime {
  readonly base: string;
  dispose(): Promise<void>;
}

/**
 * The whole ClubOS on a real socket with the system clock (the browser keeps real time: session cookies expire by
 * it), serving the built console from dist/console.
 */
export async function startServer(engine: TestEngine, env: Record<string, string> = {}): Promise<BrowserRuntime> {
  const db: TestDatabase = await engine.open();
  const config = parseConfig({
    LOG_LEVEL: 'silent',
    DATA_DIR: '/nonexistent-clubos-test',
    PORT: '0',
    HOST: '127.0.0.1',
    // The browser makes many requests from one address; these tests are about the console, not the limiter.
    SECURITY_RATE_LIMIT_MAX: '100000',
    // Five helpers share two cores: the load-shedding guard would shed the test's own requests.
    FEATURE_PERFORMANCE_GUARD: 'false',
    LIVE_HEARTBEAT_MS: '1000',
    ...TEST_SECRETS,
    ...env,
  });
  const runtime = await buildRuntime(config, { database: db, logger: createLogger('silent') });
  const base = await runtime.listen();
  return {
    ...runtime,
    base,
    async dispose() {
      await runtime.close();
      await db.dispose();
    },
  };
}

export async function launchBrowser(): Promise<Browser> {
  if (!existsSync(CHROMIUM)) throw new Error(`CLUBOS_BROWSER=1 but no chromium at ${CHROMIUM}: apt-get install -y chromium`);
  mkdirSync(SCREENSHOTS, { recursive: true });
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'] });
}

/** A page that records console errors, uncaught exceptions and CSP violations; `assertClean` fails on any. */
export async function watchedPage(
  context: BrowserContext,
): Promise<{ page: Page; problems: string[]; assertClean: () => Promise<void>; expectRefused: (status: number) => void; forgetRefused: (status: number) => void }> {
  const problems: string[] = [];
  await context.addInitScript(() => {
    const w = globalThis as unknown as { __csp: string[]; document: { addEventListener: (t: string, l: (e: { violatedDirective: string; blockedURI: string }) => void) => void } };
    w.__csp = [];
    w.document.addEventListener('securitypolicyviolation', (e) => w.__csp.push(`${e.violatedDirective} ${e.blockedURI}`));
  });
  const page = await context.newPage();
  page.on('console', (m) => {
    if (m.type() === 'error' || m.type() === 'warning') problems.push(`console.${m.type()}: ${m.text()}`);
  });
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  return {
    page,
    problems,
    /** Chromium logs every 4xx answer as a console error: consume the one a step provoked on purpose. */
    expectRefused(status: number) {
      const i = problems.findIndex((p) => p.startsWith('console.error: Failed to load resource') && p.includes(`status of ${status} `));
      expect(i, `a refused request (${status}) in ${JSON.stringify(problems)}`).toBeGreaterThanOrEqual(0);
      problems.splice(i, 1);
    },
    /** Drops every logged refusal with this status: for steps where a request may race a revocation on purpose. */
    forgetRefused(status: number) {
      const keep = problems.filter((p) => !(p.startsWith('console.error: Failed to load resource') && p.includes(`status of ${status} `)));
      problems.splice(0, problems.length, ...keep);
    },
    async assertClean() {
      const csp = await page.evaluate(() => (globalThis as unknown as { __csp: string[] }).__csp);
      expect(csp, 'CSP violations').toEqual([]);
      expect(problems, 'console errors').toEqual([]);
    },
  };
}

export async function shot(page: Page, name: string): Promise<void> {
  await page.screenshot({ path: new URL(`${name}.png`, SCREENSHOTS).pathname, fullPage: true });
}
