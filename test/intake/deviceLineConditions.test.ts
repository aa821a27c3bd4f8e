import { describe, expect, it } from 'vitest';
import { classifyDeviceLine, unitKey } from '../../src/intake/deviceLine.js';

describe('classifyDeviceLine: the condition, once the device is known', () => {
  it.each([
    // Routine lines from a known device are "other", not a fault of that device.
    ['RIV-UPS', 'UPS self test passed site=RIV', 'other', 'site:ups'],
    ['RIV-GW', 'UniFi gateway config saved site=RIV', 'other', 'site:gateway'],
    ['DAR-DOOR', 'Reader firmware 2.1 installed site=DAR', 'other', 'site:door'],
    ['DAR-B3-TPS', 'TPS calibration complete bay=3', 'other', 'bay:3'],
    ['DAR-B2-PC', 'User logged in bay=2', 'other', 'bay:2'],
    ['BED-B2-PRJ', 'Projector input switched bay=2', 'other', 'bay:2'],
    ['DAR-B4-TV', 'TV volume set to 20 bay=4', 'other', 'bay:4'],
    // Failures worded without "offline".
    ['DAR-DOOR', 'Door controller firmware update failed site=DAR', 'door_controller_offline', 'site:door'],
    ['DAR-B3-TPS', 'TrackMan TPS cpu=100 bay=3', 'trackman_fault', 'bay:3'],
    ['DAR-B3-TPS', 'TPS no check-in bay=3', 'trackman_fault', 'bay:3'],
  ])('%s %j is %s on %s', (id, text, type, unit) => {
    const line = classifyDeviceLine(id, text);
    expect(line.type).toBe(type);
    expect(line.unit === null ? null : unitKey(line.unit)).toBe(unit);
  });
});
