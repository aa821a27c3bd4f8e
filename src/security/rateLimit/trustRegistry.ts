import { type RiskSignal, type TrustChange, type TrustState, applySignal, freshTrust, multiplierAt, observeResponse } from './trust.js';

/**
 * Trust states of the clients this instance has seen (addresses as `ip:…`, principals as `key:…`/`operator:…`),
 * bounded: least recently touched clients are forgotten first, which only returns them to the neutral 1.
 */
export interface TrustRegistry {
  multiplier(client: string, now: number): number;
  signal(client: string, signal: RiskSignal, now: number, keyMultiplier?: number): TrustChange | null;
  observe(client: string, status: number, now: number): TrustChange | null;
}

export function createTrustRegistry(capacity = 100_000): TrustRegistry {
  const states = new Map<string, TrustState>();
  const put = (client: string, s: TrustState) => {
    states.delete(client);
    states.set(client, s);
    if (states.size > capacity) states.delete(states.keys().next().value as string);
  };
  return {
    multiplier(client, now) {
      const s = states.get(client);
      return s === undefined ? 1 : multiplierAt(s, now);
    },
    signal(client, signal, now, keyMultiplier) {
      const r = applySignal(states.get(client) ?? freshTrust(now), signal, now, keyMultiplier);
      put(client, r.state);
      return r.change;
    },
    observe(client, status, now) {
      const r = observeResponse(states.get(client) ?? freshTrust(now), status, now);
      put(client, r.state);
      return r.change;
    },
  };
}
