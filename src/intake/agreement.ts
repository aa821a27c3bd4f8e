import { isUnlockAllowed } from '../venue/bookingWindow.js';
import { deviceOutageVerdict, type FaultSighting, rememberFault } from '../venue/outage.js';
import type { DecisionParams, DeviceLineType, VenueLocation } from '../venue/types.js';
import { paramsForDecision } from './decisionParams.js';
import { classifyDeviceLine, unitKey } from './deviceLine.js';
import { detectEmergency } from './emergency.js';
import { observeLocations } from './locationDirectory.js';
import { parseVenueLine } from './normalize.js';
import { resolveParams } from './params.js';

/**
 * Measures the intake helpers against a labelled venue stream, in stream order and seeing only what
 * the engine would see (the truth is split off by `parseVenueLine` and used only to score). The
 * locations are learned from the stream itself, as they would be for a stream never seen before.
 */

export interface Ratio {
  readonly hit: number;
  readonly n: number;
}

export interface VenueAgreement {
  readonly lines: number;
  readonly invalid: readonly string[];
  /** Resolved event location / bay vs `expected.params` (where the label has the key). */
  readonly eventLocation: Ratio;
  readonly eventBay: Ratio;
  /** Bays where the text was the only source (`event.bay` null and no usable booking bay). */
  readonly textOnlyBay: Ratio;
  /** `paramsForDecision(expected.decision)` vs `expected.params` on location, bay and booking id together. */
  readonly decisionParams: Ratio;
  readonly unlockAllowed: Ratio;
  readonly emergencyRecall: Ratio;
  /** Non-emergency events flagged as emergencies (hit = false positives). */
  readonly emergencyFalsePositives: Ratio;
  readonly deviceLineType: Ratio;
  readonly deviceUnit: Ratio;
  /** Device events: outage predicted (power/network, open, burst) iff labelled `escalate_site_outage`. */
  readonly outage: Ratio;
  /** A few disagreements per measure, for reading. */
  readonly samples: readonly string[];
}

/** The generator's device types (last segment of `expected.scenario`) as line types. */
const SCENARIO_LINE_TYPE: Readonly<Record<string, DeviceLineType>> = {
  tm_fault: 'trackman_fault',
  pc_hang: 'pc_hung',
  pc_offline: 'pc_agent_offline',
  proj_off: 'projector_off',
  proj_warn: 'projector_warning',
  tv_nosig: 'tv_no_signal',
  door_offline: 'door_controller_offline',
  door_held: 'door_alarm',
  door_forced: 'door_alarm',
  ups_batt: 'ups_on_battery',
  gw_down: 'wan_down',
};

class Tally {
  hit = 0;
  n = 0;
  add(ok: boolean): boolean {
    this.n++;
    if (ok) this.hit++;
    return ok;
  }
  get ratio(): Ratio {
    return { hit: this.hit, n: this.n };
  }
}

const PARAM_KEYS = ['location', 'bay', 'bookingId'] as const;
const paramsMatch = (got: DecisionParams, want: DecisionParams): boolean =>
  PARAM_KEYS.every((k) => want[k] === undefined || got[k] === want[k]);

/**
 * Score every helper on a labelled stream (one JSON object per line).
 *
 * @example
 * const report = measureVenueAgreement(readFileSync(path, 'utf8').split('\n'));
 * report.emergencyRecall; // { hit: 122, n: 122 }
 */
export function measureVenueAgreement(lines: readonly string[]): VenueAgreement {
  const t = {
    location: new Tally(), bay: new Tally(), textOnly: new Tally(), decision: new Tally(), unlock: new Tally(), recall: new Tally(),
    fp: new Tally(), lineType: new Tally(), unit: new Tally(), outage: new Tally(),
  };
  const invalid: string[] = [];
  const samples: string[] = [];
  const note = (ok: boolean, what: string, id: string, detail: string): void => {
    if (!ok && samples.filter((s) => s.startsWith(what)).length < 5) samples.push(`${what} ${id}: ${detail}`);
  };
  let locations: readonly VenueLocation[] = [];
  let faults: readonly FaultSighting[] = [];
  let count = 0;
  for (const [i, line] of lines.entries()) {
    if (line.trim() === '') continue;
    count++;
    const parsed = parseVenueLine(line);
    if (!parsed.ok) {
      invalid.push(`line ${i + 1}: ${parsed.errors.join('; ')}`);
      continue;
    }
    const { event, truth } = parsed;
    if (truth === null) continue;
    locations = observeLocations(locations, event);
    const resolved = resolveParams(event, locations);
    const want = truth.params;
    if (want.location !== undefined && truth.decision !== 'escalate_booking_change' && truth.decision !== 'escalate_refund') {
      note(t.location.add(resolved.location?.value === want.location), 'location', event.id, `${resolved.location?.value} vs ${want.location}`);
    }
    if (want.bay !== undefined) {
      note(t.bay.add(resolved.bay?.value === want.bay), 'bay', event.id, `${resolved.bay?.value} vs ${want.bay}: ${event.text}`);
      if (resolved.bay?.source === 'text' && event.bay === null) t.textOnly.add(resolved.bay.value === want.bay);
    }
    const params = paramsForDecision(truth.decision, event, resolved);
    note(t.decision.add(paramsMatch(params, want)), 'params', event.id, `${truth.decision} ${JSON.stringify(params)} vs ${JSON.stringify(want)}`);
    const allowed = isUnlockAllowed(event.kind, event.context.booking, resolved.location?.value ?? null, event.t);
    note(t.unlock.add(allowed === truth.unlockAllowed), 'unlock', event.id, `${allowed}`);
    const verdict = detectEmergency(event.text);
    if (truth.emergency) note(t.recall.add(verdict.emergency), 'emergency-miss', event.id, event.text);
    else note(!t.fp.add(verdict.emergency), 'emergency-fp', event.id, event.text);
    if (event.kind !== 'device_event' || event.location === null) continue;
    const line_ = classifyDeviceLine(event.from, event.text);
    const wantType = truth.scenario.endsWith('_ok') ? 'recovery' : SCENARIO_LINE_TYPE[truth.scenario.split('.').at(-1) ?? ''];
    if (wantType !== undefined) note(t.lineType.add(line_.type === wantType), 'line-type', event.id, `${line_.type} vs ${wantType}`);
    const wantBay = want.bay ?? null;
    const gotBay = line_.unit?.kind === 'bay' ? line_.unit.bay : null;
    // Escalations name only the location, so they say nothing about the unit.
    if (truth.decision !== 'escalate_site_outage' && truth.decision !== 'escalate_security') {
      const ok = want.bay === undefined ? line_.unit?.kind === 'site' : gotBay === wantBay;
      note(t.unit.add(ok), 'unit', event.id, `${JSON.stringify(line_.unit)} vs bay ${wantBay}`);
    }
    const facts = {
      type: line_.type,
      location: event.location,
      unit: line_.unit === null ? `device:${event.from}` : unitKey(line_.unit),
      at: event.t,
      bayHasBooking: event.context.booking !== null,
    };
    const outage = deviceOutageVerdict(facts, faults, event.context.recentActions);
    faults = rememberFault(faults, facts);
    const predicted = outage === 'site_power_or_network' || outage === 'outage_open' || outage === 'burst';
    note(t.outage.add(predicted === (truth.decision === 'escalate_site_outage')), 'outage', event.id, `${outage} vs ${truth.decision}`);
  }
  return {
    lines: count,
    invalid,
    eventLocation: t.location.ratio,
    eventBay: t.bay.ratio,
    textOnlyBay: t.textOnly.ratio,
    decisionParams: t.decision.ratio,
    unlockAllowed: t.unlock.ratio,
    emergencyRecall: t.recall.ratio,
    emergencyFalsePositives: t.fp.ratio,
    deviceLineType: t.lineType.ratio,
    deviceUnit: t.unit.ratio,
    outage: t.outage.ratio,
    samples,
  };
}

/**
 * Human-readable lines of a report, one measure per line.
 *
 * @example
 * formatAgreement(report); // ['lines 3988 (0 invalid)', 'event location 3206/3206 (100.00%)', ...]
 */
export function formatAgreement(r: VenueAgreement): string[] {
  const pct = (x: Ratio): string => `${x.hit}/${x.n} (${x.n === 0 ? '-' : ((100 * x.hit) / x.n).toFixed(2)}%)`;
  return [
    `lines ${r.lines} (${r.invalid.length} invalid)`,
    `event location            ${pct(r.eventLocation)}  (booking-scoped escalations excluded: their label is the booking's location)`,
    `event bay                 ${pct(r.eventBay)}`,
    `  bay from text only      ${pct(r.textOnlyBay)}`,
    `decision params (loc/bay/booking) ${pct(r.decisionParams)}`,
    `unlock_allowed agreement  ${pct(r.unlockAllowed)}`,
    `emergency recall          ${pct(r.emergencyRecall)}`,
    `emergency false positives ${pct(r.emergencyFalsePositives)}`,
    `device line type          ${pct(r.deviceLineType)}`,
    `device unit               ${pct(r.deviceUnit)}`,
    `outage agreement          ${pct(r.outage)}`,
    ...r.samples.map((s) => `  disagreement ${s}`),
  ];
}
