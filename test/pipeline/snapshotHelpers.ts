import { readFileSync } from 'node:fs';
import { expect } from 'vitest';
import { parseConfig } from '../../src/config/config.js';
import { DecisionEngine } from '../../src/decisionMemory/engine.js';
import { venueModules } from '../../src/decisionMemory/modules/venueModules.js';
import type { Proposal } from '../../src/decisionMemory/types.js';
import { createLogger } from '../../src/logging.js';
import { type Runtime, buildRuntime } from '../../src/main.js';
import { rebuildEngine } from '../../src/pipeline/rebuildEngine.js';
import { toVenueEvent } from '../../src/pipeline/venueEvent.js';
import { plan } from '../../src/simulate/operator.js';
import { type StreamLine, parseLine } from '../../src/simulate/stream.js';
import { decisionStore } from '../../src/store/decisions/decisionStore.js';
import type { VenueEvent } from '../../src/venue/types.js';
import { type CreatedKey, type OperatorSession, login } from '../support/auth.js';
import { TEST_SECRETS, type TestRuntime } from '../support/runtime.js';
import { answer, read, submit } from './helpers.js';

/**
 * A realistic taught history for snapshot tests: the first 300 lines of the venue stream, moved to the test
 * clock's time (context times too, so booking windows still hold), sent through the HTTP API and answered by
 * the demo's simulated operator from each line's label.
 */

const SHIFT_FROM = Date.parse('2025-09-01T00:00:00Z');

function shifted(line: StreamLine, to: number): StreamLine {
  const move = (iso: string): string => new Date(Date.parse(iso) - SHIFT_FROM + to).toISOString();
  const ctx = line.body.context as { booking?: { starts_at: string; ends_at: string } | null; recent_actions?: { at: string }[] } | undefined;
  const context =
    ctx === undefined
      ? undefined
      : {
          ...ctx,
          ...(ctx.booking ? { booking: { ...ctx.booking, starts_at: move(ctx.booking.starts_at), ends_at: move(ctx.booking.ends_at) } } : {}),
          ...(ctx.recent_actions ? { recent_actions: ctx.recent_actions.map((a) => ({ ...a, at: move(a.at) })) } : {}),
        };
  return { ...line, at: line.at - SHIFT_FROM + to, body: { ...line.body, t: move(line.body.t), ...(context ? { context } : {}) } };
}

/** Venue stream lines, in order, starting at `start` on the test clock. */
export function venueLines(file: string, start: Date): StreamLine[] {
  const raw = readFileSync(new URL(`../fixtures/${file}`, import.meta.url), 'utf8').trim().split('\n');
  return raw.map((r, i) => {
    const parsed = parseLine(r, i + 1);
    if (!parsed.ok) throw new Error(`fixture line ${i + 1}: ${parsed.error}`);
    return shifted(parsed.line, start.getTime());
  });
}

export interface Teacher {
  /** Sends the line's event (at its time) and waits for the proposal; returns the event id. */
  propose(rt: Runtime & { clock: TestRuntime['clock'] }, line: StreamLine): Promise<string>;
  /** Answers a proposed event from the line's label, as the simulated operator would, and lets executions finish. */
  answer(rt: Runtime, id: string, line: StreamLine): Promise<void>;
  teach(rt: Runtime & { clock: TestRuntime['clock'] }, lines: readonly StreamLine[]): Promise<string[]>;
}

export function teacher(key: CreatedKey, operator: { readonly username: string; readonly password: string }, first: OperatorSession): Teacher {
  let session = first;
  let loggedInAt = Number.NEGATIVE_INFINITY;
  const self: Teacher = {
    async propose(rt, line) {
      if (line.at > rt.clock.now().getTime()) rt.clock.set(new Date(line.at));
      // Sessions idle out after 12 h and expire after 72 h: sign in again as the stream's days go by.
      if (rt.clock.now().getTime() - loggedInAt > 6 * 3_600_000) {
        session = await login(rt as TestRuntime, operator.username, operator.password);
        loggedInAt = rt.clock.now().getTime();
      }
      const { id } = await submit(rt, key, line.body as unknown as Record<string, unknown>);
      await rt.decisions.handle.settled();
      return id;
    },
    async answer(rt, id, line) {
      if (line.label === null) return;
      const view = (await read(rt, session, id)).decision;
      if (view === null) return;
      const p = plan(view, line.label);
      if (p.kind === 'answer') {
        const res = await answer(rt, session, id, p.answer as unknown as Record<string, unknown>);
        expect(res.statusCode, res.body).toBeLessThan(500);
      }
      await rt.executor.settled();
    },
    async teach(rt, lines) {
      const ids: string[] = [];
      for (const line of lines) {
        const id = await self.propose(rt, line);
        await self.answer(rt, id, line);
        ids.push(id);
      }
      return ids;
    },
  };
  return self;
}

/** The engine a full rebuild gives from the stored history (the reference a restored engine must equal). */
export async function fullRebuild(rt: Runtime): Promise<DecisionEngine> {
  const store = decisionStore(rt.database.db);
  const fresh = new DecisionEngine(rt.decisions.engine.settings, venueModules());
  return rebuildEngine(
    fresh,
    (await store.historyAfter(-1)).map((s) => s.step),
    await store.holds(),
  );
}

/** Probe events (not in the taught history) as the engine sees them. */
export function probes(lines: readonly StreamLine[]): VenueEvent[] {
  return lines.map((l, i) =>
    toVenueEvent({
      id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      receivedAt: new Date(l.at),
      occurredAt: new Date(l.at),
      kind: l.body.kind,
      channel: l.body.channel,
      sender: l.body.from,
      location: l.body.location ?? null,
      bay: l.body.bay ?? null,
      text: l.body.text,
      context: l.body.context ?? null,
    }),
  );
}

/** What a proposal decides: the decision, its parameters, the confidence and the tier. */
export const verdictOf = (p: Proposal) => ({ decision: p.decision, params: p.params, confidence: p.confidence, matchScore: p.matchScore, tier: p.tier, band: p.band });

/** Another instance (or the same after a restart) on the runtime's database and clock, with its log kept (warnings by default). */
export async function restart(rt: TestRuntime, env: Record<string, string> = {}, level: 'warn' | 'info' = 'warn'): Promise<{ runtime: Runtime; warnings: Record<string, unknown>[] }> {
  const warnings: Record<string, unknown>[] = [];
  const logger = createLogger(level, { write: (l: string) => void warnings.push(JSON.parse(l) as Record<string, unknown>) });
  const config = parseConfig({ LOG_LEVEL: 'warn', DATA_DIR: '/nonexistent-clubos-test', FEATURE_PERFORMANCE_GUARD: 'off', SECURITY_RATE_LIMIT_MAX: '1000000', ...TEST_SECRETS, ...env });
  const runtime = await buildRuntime(config, { database: rt.testDatabase, clock: rt.clock, logger });
  return { runtime, warnings };
}
