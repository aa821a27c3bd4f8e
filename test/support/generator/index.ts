import { type EdgeCase, type EdgeCaseKind, EDGE_CASE_KINDS, allEdgeCases, edgeCase } from './edgeCases.js';
import { Rng } from './rng.js';
import { type Customer, type GeneratedMessage, type Venue, type VenueEventInput, customerMessage, customers, deviceErrorLine, outageBurst, venues } from './venue.js';

export { EDGE_CASE_KINDS, type EdgeCase, type EdgeCaseKind, Rng, type Customer, type GeneratedMessage, type Venue, type VenueEventInput };

/**
 * TestDataGenerator: one seed → one deterministic venue world and everything tests need from it — customer
 * messages with typos and bay references, device error lines, emergencies, outage bursts, edge cases, scenario
 * templates for end-to-end tests and bulk streams for benchmarks. Each facet draws from its own forked Rng, so
 * asking for more of one thing never changes another.
 */
export class TestDataGenerator {
  readonly seed: number;
  readonly world: readonly Venue[];
  readonly people: readonly Customer[];
  private readonly rng: Rng;
  private readonly start: Date;

  constructor(seed: number, opts: { venues?: number; customers?: number; start?: Date } = {}) {
    this.seed = seed;
    const root = new Rng(seed);
    this.world = venues(root.fork('venues'), opts.venues ?? 3);
    this.people = customers(root.fork('customers'), this.world, opts.customers ?? 40);
    this.rng = root.fork('stream');
    this.start = opts.start ?? new Date('2026-03-02T12:00:00Z');
  }

  private at(offsetSeconds: number): Date {
    return new Date(this.start.getTime() + offsetSeconds * 1000);
  }

  message(opts: { typos?: boolean; emergency?: boolean; offsetSeconds?: number } = {}): GeneratedMessage {
    const venue = this.rng.pick(this.world);
    const person = this.rng.pick(this.people.filter((p) => p.homeVenue === venue.name).concat(this.people.slice(0, 1)));
    return customerMessage(this.rng, venue, person, this.at(opts.offsetSeconds ?? this.rng.int(0, 86_400)), opts);
  }

  deviceError(offsetSeconds?: number): VenueEventInput {
    return deviceErrorLine(this.rng, this.rng.pick(this.world), this.at(offsetSeconds ?? this.rng.int(0, 86_400))).event;
  }

  emergency(): GeneratedMessage {
    return this.message({ emergency: true });
  }

  outage(offsetSeconds = 0): VenueEventInput[] {
    const venue = this.rng.pick(this.world);
    return outageBurst(this.rng, venue, this.people.filter((p) => p.homeVenue === venue.name), this.at(offsetSeconds));
  }

  edgeCase(kind: EdgeCaseKind): EdgeCase {
    return edgeCase(this.rng, kind);
  }

  edgeCases(): EdgeCase[] {
    return allEdgeCases(this.rng);
  }

  /** Named scenario templates for end-to-end tests: a stream of events in time order with what it exercises. */
  scenario(name: ScenarioName): VenueEventInput[] {
    switch (name) {
      case 'repeat_issue': {
        // The same problem five times in one bay over a week: what decision memory learns from.
        const first = this.message({ typos: true });
        return Array.from({ length: 5 }, (_, i) => ({ ...first.event, t: this.at(i * 86_400 + this.rng.int(0, 3600)).toISOString(), text: i === 0 ? first.event.text : first.event.text.replace(/\s+/g, ' ') }));
      }
      case 'emergency_mid_stream': {
        const events = Array.from({ length: 6 }, (_, i) => this.message({ offsetSeconds: i * 120 }).event);
        events.splice(3, 0, { ...this.emergency().event, t: this.at(3 * 120 - 30).toISOString() });
        return events;
      }
      case 'outage_burst':
        return this.outage(600);
      case 'mixed_day':
        return this.bulk(60).sort((a, b) => (a.t! < b.t! ? -1 : 1));
    }
  }

  /** `n` events for performance tests: 70 % customer messages (1 in 50 an emergency), 30 % device lines. */
  bulk(n: number): VenueEventInput[] {
    const out: VenueEventInput[] = [];
    for (let i = 0; i < n; i++) {
      const offset = Math.floor((i * 86_400) / Math.max(1, n));
      if (this.rng.chance(0.3)) out.push(this.deviceError(offset));
      else out.push(this.message({ typos: true, emergency: this.rng.chance(0.02), offsetSeconds: offset }).event);
    }
    return out;
  }
}

export const SCENARIOS = ['repeat_issue', 'emergency_mid_stream', 'outage_burst', 'mixed_day'] as const;
export type ScenarioName = (typeof SCENARIOS)[number];
