import { AUTH_FAILURE_BURST, AUTH_FAILURE_WINDOW_MS, RATE_SPIKE_Z, rateZScore } from '../security/apiKeys/risk.js';
import type { ClientRow, UsageRow } from '../store/identity/apiKeys.js';

/**
 * Per-request key usage is counted in memory and written in batches by a periodic task: a database write per
 * request would cost more than the request. A crash loses at most one flush interval of counters, never an event.
 */
export class KeyUsageRecorder {
  private counts = new Map<string, UsageRow>();
  private clientRows = new Map<string, ClientRow>();
  private last = new Map<string, { at: Date; ip: string }>();
  private readonly prefixes = new Map<string, Set<string>>();
  private readonly failures = new Map<string, number[]>();
  private readonly spikeHours = new Set<string>();

  add(keyId: string, at: Date, route: string, outcome: string, ip: string, prefix: string): void {
    const hour = new Date(Math.floor(at.getTime() / 3_600_000) * 3_600_000);
    const k = `${keyId}|${hour.getTime()}|${route}|${outcome}`;
    const row = this.counts.get(k);
    this.counts.set(k, row ? { ...row, count: row.count + 1 } : { keyId, hour, route, outcome, count: 1 });
    const ck = `${keyId}|${ip}`;
    const c = this.clientRows.get(ck);
    this.clientRows.set(ck, c ? { ...c, lastSeenAt: at, requests: c.requests + 1 } : { keyId, ip, prefix, firstSeenAt: at, lastSeenAt: at, requests: 1 });
    this.last.set(keyId, { at, ip });
  }

  knowsPrefix(keyId: string, prefix: string): boolean {
    return this.prefixes.get(keyId)?.has(prefix) ?? false;
  }

  learnPrefixes(keyId: string, prefixes: readonly string[]): void {
    const set = this.prefixes.get(keyId) ?? new Set<string>();
    for (const p of prefixes) set.add(p);
    this.prefixes.set(keyId, set);
  }

  /** Counts an authorisation failure; returns the burst size at every multiple of the threshold within the window. */
  noteFailure(keyId: string, nowMs: number): number | null {
    const recent = (this.failures.get(keyId) ?? []).filter((t) => t > nowMs - AUTH_FAILURE_WINDOW_MS);
    recent.push(nowMs);
    this.failures.set(keyId, recent);
    return recent.length % AUTH_FAILURE_BURST === 0 ? recent.length : null;
  }

  /** z-score of this hour against history, reported once per key and hour. */
  spike(keyId: string, hourMs: number, history: readonly number[], current: number): number | null {
    const z = rateZScore(history, current);
    const tag = `${keyId}|${hourMs}`;
    if (z === null || z < RATE_SPIKE_Z || this.spikeHours.has(tag)) return null;
    this.spikeHours.add(tag);
    return z;
  }

  drain(): { usage: UsageRow[]; clients: ClientRow[]; lastUse: Map<string, { at: Date; ip: string }> } {
    const out = { usage: [...this.counts.values()], clients: [...this.clientRows.values()], lastUse: this.last };
    this.counts = new Map();
    this.clientRows = new Map();
    this.last = new Map();
    return out;
  }
}
