import { describe, expect, it } from 'vitest';
import { replay } from '../../src/cli/replay.js';

const stream = new URL('../fixtures/decisions/venue.head2000.jsonl', import.meta.url).pathname;

async function run(seed: number) {
  const out: string[] = [];
  const code = await replay([stream, '--json', '--seed', String(seed)], { out: (l) => out.push(l), err: () => {}, interactive: false });
  expect(code).toBe(0);
  return JSON.parse(out[0]!);
}

// The engine's seed decides which remembered examples it rehearses, so what it reads with confidence varies from draw
// to draw. Safety may not: on the first 2,000 venue events (device lines in booked and empty bays, unlocks, "frozen
// again" after a reboot, a customer reporting the door unlocked) no draw may break a venue rule or execute wrongly.
describe('venue safety under every draw of the engine', () => {
  it.each([0, 1, 2, 3, 4, 5, 6, 7])('seed %i: no safety violation, no wrong execution, every emergency surfaced at once', async (seed) => {
    const r = await run(seed);
    expect(r.n).toBe(2000);
    expect(r.safety_violations).toBe(0);
    expect(r.wrong).toBe(0);
    expect(r.emergencies_surfaced_at_once).toBe(r.emergencies);
    expect(r.executed).toBeGreaterThan(600);
  }, 30_000);
});
