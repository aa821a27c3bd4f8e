import type { Rng } from './rng.js';

/**
 * Venue data in the shapes ClubOS takes at its API: venues with bays and devices, customers, bookings, and the
 * events customers and devices send (the `POST /v1/events` body). Everything is derived from one Rng, so a seed
 * names a whole venue world.
 */
export interface Venue {
  readonly name: string;
  readonly code: string;
  readonly timezone: string;
  readonly bays: readonly Bay[];
  readonly siteDevices: readonly Device[];
}
export interface Bay {
  readonly number: number;
  readonly devices: readonly Device[];
}
export type DeviceKind = 'trackman' | 'pc' | 'projector' | 'door' | 'ups' | 'network';
export interface Device {
  readonly id: string;
  readonly kind: DeviceKind;
  readonly bay: number | null;
}
export interface Customer {
  readonly id: string;
  readonly phone: string;
  readonly homeVenue: string;
}
export interface Booking {
  readonly id: string;
  readonly location: string;
  readonly bay: number;
  readonly starts_at: string;
  readonly ends_at: string;
}
/** The `POST /v1/events` body. */
export interface VenueEventInput {
  kind: 'message' | 'device_event';
  channel: 'sms' | 'web' | 'device';
  from: string;
  location?: string | null;
  bay?: number | null;
  text: string;
  t?: string;
  context?: { booking?: Booking | null; recent_actions?: { action: string; location: string | null; bay: number | null; at: string }[] };
}

const VENUE_NAMES: readonly [string, string, string][] = [
  ['Dartmouth', 'DAR', 'America/Halifax'],
  ['Bedford', 'BED', 'America/Halifax'],
  ['Riverside', 'RIV', 'America/Toronto'],
  ['Lakeview', 'LAK', 'America/Winnipeg'],
  ['Harbourfront', 'HAR', 'America/Vancouver'],
];

export function venues(rng: Rng, n = 3): Venue[] {
  return VENUE_NAMES.slice(0, Math.min(n, VENUE_NAMES.length)).map(([name, code, timezone]) => {
    const bayCount = rng.int(2, 8);
    const bays = Array.from({ length: bayCount }, (_, i) => {
      const number = i + 1;
      const devices: Device[] = [
        { id: `${code}-B${number}-TM`, kind: 'trackman', bay: number },
        { id: `${code}-B${number}-PC`, kind: 'pc', bay: number },
        { id: `${code}-B${number}-PROJ`, kind: 'projector', bay: number },
      ];
      return { number, devices };
    });
    return { name, code, timezone, bays, siteDevices: [{ id: `${code}-DOOR`, kind: 'door', bay: null }, { id: `${code}-UPS`, kind: 'ups', bay: null }, { id: `${code}-NET`, kind: 'network', bay: null }] };
  });
}

export function customers(rng: Rng, world: readonly Venue[], n: number): Customer[] {
  return Array.from({ length: n }, () => ({ id: `c-${rng.hex(8)}`, phone: `+1902555${String(rng.int(0, 9999)).padStart(4, '0')}`, homeVenue: rng.pick(world).name }));
}

export function booking(rng: Rng, venue: Venue, at: Date): Booking {
  const start = new Date(at.getTime() - rng.int(0, 50) * 60_000);
  start.setUTCSeconds(0, 0);
  return { id: `bk-${rng.hex(6)}`, location: venue.name, bay: rng.pick(venue.bays).number, starts_at: start.toISOString(), ends_at: new Date(start.getTime() + rng.pick([30, 60, 90, 120]) * 60_000).toISOString() };
}

/** How customers name a bay: all forms the intake's bay extractor understands. */
const BAY_FORMS: readonly ((n: number) => string)[] = [(n) => `bay ${n}`, (n) => `Bay ${n}`, (n) => `bay #${n}`, (n) => `b${n}`, (n) => `sim ${n}`, (n) => `simulator ${n}`, (n) => `box ${n}`, (n) => `bay number ${n}`];

const ISSUES: readonly { readonly intent: string; readonly lines: readonly string[] }[] = [
  { intent: 'trackman_frozen', lines: ['trackman frozen in {bay}', 'the screen in {bay} is frozen', '{bay} trackman not reading any shots', 'ball data not showing up {bay}', 'sim froze again {bay} can you reset'] },
  { intent: 'projector_off', lines: ['projector is off in {bay}', 'no picture on the screen {bay}', '{bay} projector keeps turning off', 'screen went black in {bay}'] },
  { intent: 'door_locked', lines: ["can't get in the front door", 'door code not working', 'the door wont unlock for my booking', 'locked out, booking at {time}'] },
  { intent: 'refund', lines: ['can I get a refund, {bay} was broken the whole time', 'charged twice for my booking', 'want my money back, lost 30 min'] },
  { intent: 'booking_change', lines: ['can we extend our booking in {bay} by an hour', 'running 15 min late for {bay}', 'can I move my booking to {time}'] },
  { intent: 'question', lines: ['do you rent clubs?', 'is there parking out front', 'what are the hours on sunday'] },
];

const EMERGENCIES: readonly string[] = [
  'someone collapsed in {bay} call 911',
  'there is smoke coming from the projector in {bay}',
  'fire alarm going off, everyone is leaving',
  'my friend got hit in the head with a club, bleeding a lot',
  'sparks from the outlet in {bay}',
  "we're trapped, the exit door is locked",
];

/** Typing slips: a swapped pair, a dropped or doubled letter, a missing apostrophe, lower case throughout. */
export function withTypos(rng: Rng, text: string, rate = 0.08): string {
  const chars = [...text];
  const out: string[] = [];
  for (let i = 0; i < chars.length; i++) {
    const ch = chars[i]!;
    if (!/[a-z]/i.test(ch) || !rng.chance(rate)) {
      out.push(ch);
      continue;
    }
    const slip = rng.int(0, 2);
    if (slip === 0 && i + 1 < chars.length && /[a-z]/i.test(chars[i + 1]!)) {
      out.push(chars[i + 1]!, ch);
      i++;
    } else if (slip === 1) out.push(ch, ch);
    // slip 2: the letter is dropped
  }
  let s = out.join('');
  if (rng.chance(0.3)) s = s.replace(/'/g, '');
  if (rng.chance(0.4)) s = s.toLowerCase();
  return s;
}

export interface GeneratedMessage {
  readonly event: VenueEventInput;
  /** What was meant (for assertions): the intent, the bay named in the text (null when none), emergency or not. */
  readonly truth: { readonly intent: string; readonly bay: number | null; readonly emergency: boolean };
}

function fill(rng: Rng, line: string, bay: number, at: Date): { text: string; named: boolean } {
  const named = line.includes('{bay}');
  const time = `${((at.getUTCHours() + 1) % 12) + 1}:${rng.pick(['00', '15', '30', '45'])}`;
  return { text: line.replace('{bay}', rng.pick(BAY_FORMS)(bay)).replace('{time}', time), named };
}

/** A customer message; `typos` slips are applied only outside the bay reference, so the bay stays readable. */
export function customerMessage(rng: Rng, venue: Venue, customer: Customer, at: Date, opts: { typos?: boolean; emergency?: boolean } = {}): GeneratedMessage {
  const bay = rng.pick(venue.bays).number;
  const emergency = opts.emergency ?? false;
  const issue = emergency ? { intent: 'emergency', lines: EMERGENCIES } : rng.pick(ISSUES);
  const template = rng.pick(issue.lines);
  const [before = '', after = ''] = template.split('{bay}');
  const slip = (s: string) => (opts.typos === false || emergency ? s : withTypos(rng, s));
  const hasBay = template.includes('{bay}');
  const { text: filled } = fill(rng, hasBay ? `${slip(before)}{bay}${slip(after)}` : slip(template), bay, at);
  return {
    event: { kind: 'message', channel: rng.pick(['sms', 'sms', 'web'] as const), from: customer.id, location: venue.name, text: filled, t: at.toISOString(), context: { booking: rng.chance(0.7) ? booking(rng, venue, at) : null, recent_actions: [] } },
    truth: { intent: issue.intent, bay: hasBay ? bay : null, emergency },
  };
}

/** A device log line as the venue's monitoring sends it. */
export function deviceErrorLine(rng: Rng, venue: Venue, at: Date): { event: VenueEventInput; device: Device } {
  const bay = rng.pick(venue.bays);
  const device = rng.chance(0.8) ? rng.pick(bay.devices) : rng.pick(venue.siteDevices);
  const b = device.bay;
  const lines: Record<DeviceKind, readonly string[]> = {
    trackman: [`TrackMan TPS process exited unexpectedly bay=${b} exit=3221225477`, `TrackMan tracking unit disconnected bay=${b} code=E${rng.int(2000, 2999)}`],
    pc: [`NinjaOne agent offline device=${device.id} bay=${b} last_seen=${rng.int(30, 900)}s`, `NinjaOne alert: CPU ${rng.int(90, 100)}% on ${device.id}`],
    projector: [`BenQ projector lamp error bay=${b} code=${rng.int(100, 999)}`, `BenQ projector no signal bay=${b}`],
    door: [`UniFi Access hub offline site=${venue.code}`, `UniFi Access door forced open site=${venue.code}`],
    ups: [`UPS on battery site=${venue.code} load=${rng.int(20, 80)}%`],
    network: [`UniFi gateway WAN down site=${venue.code}`],
  };
  return { event: { kind: 'device_event', channel: 'device', from: device.id, location: venue.name, bay: b, text: rng.pick(lines[device.kind]), t: at.toISOString() }, device };
}

/** An outage: every bay of a venue reporting within `spanSeconds`, devices first, then customers. */
export function outageBurst(rng: Rng, venue: Venue, people: readonly Customer[], at: Date, spanSeconds = 90): VenueEventInput[] {
  const out: VenueEventInput[] = [{ kind: 'device_event', channel: 'device', from: `${venue.code}-NET`, location: venue.name, bay: null, text: `UniFi gateway WAN down site=${venue.code}`, t: at.toISOString() }];
  for (const bay of venue.bays) {
    const t = new Date(at.getTime() + rng.int(1, spanSeconds) * 1000).toISOString();
    out.push({ kind: 'device_event', channel: 'device', from: `${venue.code}-B${bay.number}-PC`, location: venue.name, bay: bay.number, text: `NinjaOne agent offline device=${venue.code}-B${bay.number}-PC bay=${bay.number} last_seen=${rng.int(5, 60)}s`, t });
  }
  for (const person of people.slice(0, rng.int(1, Math.max(1, people.length)))) {
    const t = new Date(at.getTime() + rng.int(10, spanSeconds) * 1000).toISOString();
    out.push({ kind: 'message', channel: 'sms', from: person.id, location: venue.name, text: withTypos(rng, rng.pick(['everything just froze', 'all the screens went off', 'wifi is down?', 'nothing works in here'])), t });
  }
  return out.sort((a, b) => (a.t! < b.t! ? -1 : a.t! > b.t! ? 1 : 0));
}
