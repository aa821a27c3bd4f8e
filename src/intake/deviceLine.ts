import type { DeviceLineType } from '../venue/types.js';
import { bayFromDeviceId, bayFromText } from './bayMention.js';

/**
 * Classifies a device log line by vocabulary, not by format: every monitoring tool words a frozen
 * TrackMan, a hung PC or a WAN loss differently ("heartbeat lost", "not responding", "process
 * exited"), so the line is read as (which device) × (what happened). The device comes from the
 * device id and the text; the condition from words such as frozen, hung, offline, no signal, lamp,
 * on battery, restored, back online.
 */

export { DEVICE_LINE_TYPES, type DeviceLineType } from '../venue/types.js';

/** A bay (all devices of one bay are one unit) or one site-level device. */
export type DeviceUnit = { readonly kind: 'bay'; readonly bay: number } | { readonly kind: 'site'; readonly device: SiteDevice };
export type SiteDevice = 'door' | 'gateway' | 'ups' | 'other';

export type DeviceKind = 'trackman' | 'pc' | 'projector' | 'tv' | 'door' | 'gateway' | 'ups' | 'unknown';

export interface DeviceLine {
  readonly type: DeviceLineType;
  readonly device: DeviceKind;
  /** Null when neither the id nor the text says which bay or site device this is. */
  readonly unit: DeviceUnit | null;
}

const lower = (s: string): string => s.toLowerCase();
const has = (text: string, re: RegExp): boolean => re.test(text);

// Device vocabulary, checked on the id and the text. Order matters: a TrackMan line that mentions
// the PC it runs on is still a TrackMan line, and a door line mentioning the gateway is a door line.
const DEVICE_WORDS: readonly (readonly [DeviceKind, RegExp])[] = [
  ['ups', /\bups\b|\bbattery\b|\bmains\b|\butility power\b|\binput power\b/],
  ['door', /\bdoor\b|\bunifi access\b|\baccess (hub|controller|reader)\b|\block\b|\breader\b|\bkeypad\b|\bentry\b/],
  ['gateway', /\bwan\b|\bgateway\b|\bgw\b|\brouter\b|\bisp\b|\buplink\b|\binternet\b|\bfirewall\b|\bmodem\b/],
  ['trackman', /trackman|\btps\b|\btm\b|tracking unit|launch monitor|\bradar\b|performance studio|\bsim(ulator)? software\b/],
  ['projector', /projector|\bbenq\b|\bprj\b|\bproj\b|\blamp\b|light source|\bepson\b|\boptoma\b/],
  ['tv', /\btv\b|\bhdmi\b|side (screen|display)|\bdisplay\b|\bmonitor\b|\btelevision\b/],
  ['pc', /\bpc\b|ninjaone|\bninja\b|\bagent\b|\bwindows\b|\bworkstation\b|\bhost\b|\bcomputer\b|\bwatchdog\b|\bbsod\b|\brmm\b/],
];

const ID_KIND: readonly (readonly [DeviceKind, RegExp])[] = [
  ['trackman', /^(tps|tm|trackman|track|radar|lm)$/],
  ['pc', /^(pc|ws|host|cpu|comp|computer|ninja)$/],
  ['projector', /^(prj|proj|projector|beamer)$/],
  ['tv', /^(tv|disp|display|mon|screen)$/],
  ['door', /^(door|dr|access|lock|acs|entry)$/],
  ['gateway', /^(gw|gateway|wan|router|net|fw)$/],
  ['ups', /^(ups|power|pwr|batt)$/],
];

function deviceKind(deviceId: string, text: string): DeviceKind {
  for (const part of lower(deviceId).split(/[^a-z0-9]+/)) {
    for (const [kind, re] of ID_KIND) if (re.test(part)) return kind;
  }
  for (const [kind, re] of DEVICE_WORDS) if (has(text, re)) return kind;
  return 'unknown';
}

const RECOVERY = /\brestored\b|re-?established|\bcame back\b|\bis back\b|\bhealthy\b|running again|\bok again\b|\bback (online|up|on)\b|\brecovered\b|\breconnected\b|\bresumed\b|\bcleared\b|\bis up\b|\bwan up\b|\bonline\b(?!.*\boffline\b)|\bnormal\b|\bback to normal\b|=\s*(ok|up|online)\b|\bstate=on\b/;
const OFFLINE = /offline|unreachable|no check-?in|last[_ ]seen|not reporting|lost contact|disconnected|heartbeat (lost|missed|timeout)|no heartbeat|went away/;
const HUNG = /unresponsive|not responding|\bhung\b|\bhang(ing)?\b|frozen|freez|stuck|blue ?screen|bsod|watchdog|input[_ ]idle|deadlock|crash|cpu=100/;
const FAULT = /error|fault|fail|exited|\bexit\b|crash|lost|not responding|disconnected|frozen|freez|stopped|timeout|unresponsive|\bhung\b|down|code=e/;

/**
 * Classify a device log line and find the unit it belongs to.
 *
 * @example
 * classifyDeviceLine('DAR-B3-TPS', 'TrackMan TPS heartbeat lost bay=3 code=E1042');
 * // { type: 'trackman_fault', device: 'trackman', unit: { kind: 'bay', bay: 3 } }
 * classifyDeviceLine('RIV-UPS', 'UPS on battery site=RIV input=0V');
 * // { type: 'ups_on_battery', device: 'ups', unit: { kind: 'site', device: 'ups' } }
 */
export function classifyDeviceLine(deviceId: string, text: string): DeviceLine {
  const t = lower(text);
  const device = deviceKind(deviceId, t);
  return { type: lineType(device, t), device, unit: unitOf(device, deviceId, text) };
}

function lineType(device: DeviceKind, t: string): DeviceLineType {
  // Alarms first: "door forced open" must never read as a recovery because it says "open".
  if (device === 'door' && has(t, /forced|held open|propped|tamper|alarm|intrusion|breach/)) return 'door_alarm';
  if (has(t, RECOVERY) && !has(t, /\boffline\b|\bdown\b|\bon battery\b|\blost\b/)) return 'recovery';
  switch (device) {
    case 'ups':
      return has(t, /on battery|battery mode|input=0|mains (lost|fail)|power (loss|lost|fail|outage)|utility (fail|lost)|outage/) ? 'ups_on_battery' : 'other';
    case 'gateway':
      return has(t, /down|lost|offline|unreachable|fail|no internet|disconnected|outage/) ? 'wan_down' : 'other';
    case 'door':
      return has(t, OFFLINE) || has(t, /fail|down|error|not responding/) ? 'door_controller_offline' : 'other';
    case 'trackman':
      return has(t, FAULT) || has(t, OFFLINE) || has(t, HUNG) ? 'trackman_fault' : 'other';
    case 'pc':
      if (has(t, /agent/) && has(t, OFFLINE)) return 'pc_agent_offline';
      if (has(t, HUNG)) return 'pc_hung';
      return has(t, OFFLINE) ? 'pc_agent_offline' : 'other';
    case 'projector':
      if (has(t, /warning|temperature|temp(=|\s)|overheat|\blamp (hours|life|end)|light source|filter|\bfan\b|error|fault/)) return 'projector_warning';
      return has(t, /state=off|power(ed)? (off|down)|\boff\b|standby|shut ?down|no power/) ? 'projector_off' : 'other';
    case 'tv':
      return has(t, /no signal|signal lost|no input|no source|blank|\boff\b|no audio|no sound/) ? 'tv_no_signal' : 'other';
    case 'unknown':
      return 'other';
  }
}

const SITE_DEVICE: Partial<Record<DeviceKind, SiteDevice>> = { door: 'door', gateway: 'gateway', ups: 'ups' };

function unitOf(device: DeviceKind, deviceId: string, text: string): DeviceUnit | null {
  const site = SITE_DEVICE[device];
  if (site !== undefined) return { kind: 'site', device: site };
  const bay = bayFromDeviceId(deviceId) ?? bayFromText(text);
  return bay === null ? null : { kind: 'bay', bay };
}

/**
 * A stable key for a unit, for counting distinct units: `bay:3`, `site:ups`.
 *
 * @example
 * unitKey({ kind: 'bay', bay: 3 }); // 'bay:3'
 */
export function unitKey(unit: DeviceUnit): string {
  return unit.kind === 'bay' ? `bay:${unit.bay}` : `site:${unit.device}`;
}
