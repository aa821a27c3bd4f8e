import { describe, expect, it } from 'vitest';
import { classifyDeviceLine, unitKey } from '../../src/intake/deviceLine.js';

describe('classifyDeviceLine', () => {
  it.each([
    // DEV key=value format
    ['DAR-B3-TPS', 'TrackMan TPS heartbeat lost bay=3 code=E1042', 'trackman_fault', 'bay:3'],
    ['DAR-B2-PC', 'NinjaOne watchdog: UI thread hung bay=2 duration=180s', 'pc_hung', 'bay:2'],
    ['RIV-B1-PC', 'NinjaOne agent offline device=RIV-B1-PC bay=1 last_seen=95s', 'pc_agent_offline', 'bay:1'],
    ['BED-B2-PRJ', 'BenQ projector power state=off bay=2 source=network poll', 'projector_off', 'bay:2'],
    ['BED-B1-PRJ', 'BenQ projector temperature high bay=1 temp=81C', 'projector_warning', 'bay:1'],
    ['DAR-B4-TV', 'Side TV HDMI no signal bay=4', 'tv_no_signal', 'bay:4'],
    ['DAR-DOOR', 'UniFi Access hub offline site=DAR', 'door_controller_offline', 'site:door'],
    ['DAR-DOOR', 'UniFi Access forced entry alarm door=main site=DAR', 'door_alarm', 'site:door'],
    ['RIV-UPS', 'UPS on battery site=RIV input=0V runtime=14m', 'ups_on_battery', 'site:ups'],
    ['RIV-GW', 'UniFi gateway WAN down site=RIV failover=none', 'wan_down', 'site:gateway'],
    ['RIV-GW', 'UniFi gateway WAN up site=RIV', 'recovery', 'site:gateway'],
    ['DAR-B1-TPS', 'TrackMan TPS heartbeat restored bay=1', 'recovery', 'bay:1'],
    // other formats: vocabulary, not layout
    ['riverside.sim2.launchmonitor', '[WARN] sim2 launch monitor: radar offline (no packets 60s)', 'trackman_fault', 'bay:2'],
    ['HFX_BAY04_PC', 'bay04 workstation not responding - input idle 240s', 'pc_hung', 'bay:4'],
    ['hfx/bay1/proj', 'Epson projector lamp hours exceeded', 'projector_warning', 'bay:1'],
    ['HFX-GATEWAY', 'Internet connectivity lost on WAN1', 'wan_down', 'site:gateway'],
    ['HFX-PWR', 'Mains power failure, running on battery (12 min left)', 'ups_on_battery', 'site:ups'],
    ['HFX-ACCESS', 'Access controller unreachable', 'door_controller_offline', 'site:door'],
    ['HFX-ACCESS', 'Door forced open at front entrance', 'door_alarm', 'site:door'],
    ['hfx.bay3.tv', 'Display 3: HDMI signal lost', 'tv_no_signal', 'bay:3'],
    ['hfx.bay3.tps', 'TPS service crashed (exit 0xC0000005)', 'trackman_fault', 'bay:3'],
    ['hfx.bay3.tps', 'TrackMan connection re-established', 'recovery', 'bay:3'],
    ['HFX-B2-PC', 'RMM: endpoint offline since 5m', 'pc_agent_offline', 'bay:2'],
    ['hfx.bay2.proj', 'Projector powered off (standby)', 'projector_off', 'bay:2'],
  ])('%s %j is %s on %s', (id, text, type, unit) => {
    const line = classifyDeviceLine(id, text);
    expect(line.type).toBe(type);
    expect(line.unit === null ? null : unitKey(line.unit)).toBe(unit);
  });

  it('says other, with no unit, for a line it cannot read', () => {
    expect(classifyDeviceLine('X-17', 'checksum 4ad1 ok at 12:00')).toEqual({ type: 'other', device: 'unknown', unit: null });
  });
});
