import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DecisionEngine, DEFAULT_ENGINE_SETTINGS } from '../../src/decisionMemory/engine.js';
import { INCIDENT_WINDOW_MS, type Sighting, linkIncident, rememberSighting, sameIncident } from '../../src/decisionMemory/incidents.js';
import { venueModules } from '../../src/decisionMemory/modules/venueModules.js';
import { deviceEvent, message, minutes } from '../intake/helpers.js';

const sighting = fc.record({
  eventId: fc.uuid(),
  at: fc.integer({ min: 0, max: 3 * INCIDENT_WINDOW_MS }),
  location: fc.constantFrom('Bedford', 'Dartmouth', 'dartmouth '),
  bay: fc.option(fc.integer({ min: 1, max: 4 }), { nil: null }),
  source: fc.constantFrom('device' as const, 'customer' as const),
  signal: fc.constantFrom('trackman_fault', 'projector_off', 'report'),
}) satisfies fc.Arbitrary<Sighting>;

describe('cross-domain incidents (pure)', () => {
  it('links only opposite sources at one location within the window, symmetrically', () => {
    fc.assert(
      fc.property(sighting, sighting, (a, b) => {
        expect(sameIncident(a, b)).toBe(sameIncident(b, a));
        const linked = sameIncident(a, b);
        expect(!linked || (a.source !== b.source && Math.abs(a.at - b.at) <= INCIDENT_WINDOW_MS)).toBe(true);
        expect(!linked || a.location.trim().toLowerCase() === b.location.trim().toLowerCase()).toBe(true);
        expect(!linked || a.bay === null || b.bay === null || a.bay === b.bay).toBe(true);
      }),
    );
  });

  it('links a probe to the latest earlier sighting it joins, never to a later one', () => {
    fc.assert(
      fc.property(fc.array(sighting, { maxLength: 30 }), sighting, (history, probe) => {
        const link = linkIncident(history, probe);
        const candidates = history.filter((s) => s.at <= probe.at && s.eventId !== probe.eventId && sameIncident(s, probe));
        expect(link === null).toBe(candidates.length === 0);
        const latest = Math.max(...candidates.map((s) => s.at));
        expect(link === null || (link.with.at === latest && link.fact === `incident=${link.with.source}:${link.with.signal}`)).toBe(true);
      }),
    );
  });

  it('remembering forgets what can no longer link and keeps the newest', () => {
    fc.assert(
      fc.property(fc.array(sighting, { maxLength: 80 }), (all) => {
        const sorted = [...all].sort((a, b) => a.at - b.at);
        let kept: readonly Sighting[] = [];
        for (const s of sorted) kept = rememberSighting(kept, s);
        const last = sorted.at(-1);
        expect(last === undefined || kept.at(-1) === last).toBe(true);
        for (const s of kept) expect(last!.at - s.at).toBeLessThan(INCIDENT_WINDOW_MS);
        expect(kept.length).toBeLessThanOrEqual(64 + 1);
      }),
    );
  });
});

describe('cross-domain learning in the engine', () => {
  // "it's broken" is ambiguous text: after a TrackMan fault on the same bay the operator resets the TrackMan,
  // otherwise they ask which bay and what is wrong. Only the incident link tells the two apart.
  function trained(): { engine: DecisionEngine; t: number } {
    const engine = new DecisionEngine({ ...DEFAULT_ENGINE_SETTINGS, autoExecution: false }, venueModules());
    let t = 0;
    for (let round = 0; round < 24; round++) {
      const bay = (round % 4) + 1;
      const fault = deviceEvent(`DAR-B${bay}-TPS`, `TrackMan TPS heartbeat lost bay=${bay} code=E1042`, { id: `d${round}`, t: minutes(t) });
      engine.propose(fault, fault.t);
      engine.learn(fault, { decision: 'reset_trackman', params: { location: 'Dartmouth', bay } }, 'decided', fault.t);
      const linked = message(`it's broken, bay ${bay}`, { id: `m${round}`, t: minutes(t + 2), location: 'Dartmouth' });
      engine.propose(linked, linked.t);
      engine.learn(linked, { decision: 'reset_trackman', params: { location: 'Dartmouth', bay } }, 'decided', linked.t);
      const lone = message(`it's broken, bay ${bay}`, { id: `l${round}`, t: minutes(t + 40), location: 'Dartmouth' });
      engine.propose(lone, lone.t);
      engine.learn(lone, { decision: 'escalate_tech', params: { location: 'Dartmouth', bay } }, 'decided', lone.t);
      t += 120;
    }
    return { engine, t };
  }

  it('a message right after a device fault on its bay carries the link and learns the fault remedy', () => {
    const { engine, t } = trained();
    const fault = deviceEvent('DAR-B2-TPS', 'TrackMan TPS heartbeat lost bay=2 code=E1042', { id: 'dx', t: minutes(t) });
    engine.propose(fault, fault.t);
    const after = message("it's broken, bay 2", { id: 'mx', t: minutes(t + 3), location: 'Dartmouth' });
    const p = engine.propose(after, after.t);
    expect(p.decision).toBe('reset_trackman');
    expect(p.params).toMatchObject({ location: 'Dartmouth', bay: 2 });
  });

  it('the same text with no device fault nearby is not linked and gets the other decision', () => {
    const { engine, t } = trained();
    const lone = message("it's broken, bay 2", { id: 'my', t: minutes(t + 50), location: 'Dartmouth' });
    expect(engine.propose(lone, lone.t).decision).toBe('escalate_tech');
  });

  it('the link survives a snapshot and restore of the engine', () => {
    const { engine, t } = trained();
    const fault = deviceEvent('DAR-B3-TPS', 'TrackMan TPS heartbeat lost bay=3 code=E1042', { id: 'dz', t: minutes(t) });
    engine.propose(fault, fault.t);
    const restored = DecisionEngine.fromState(engine.toState(), engine.settings, venueModules());
    const after = message("it's broken, bay 3", { id: 'mz', t: minutes(t + 1), location: 'Dartmouth' });
    expect(restored.propose(after, after.t).decision).toBe('reset_trackman');
  });
});
