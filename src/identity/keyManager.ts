import { randomUUID } from 'node:crypto';
import type { AuditLog } from '../audit/auditLog.js';
import type { Actor } from '../audit/entry.js';
import type { Clock } from '../kernel/clock.js';
import type { Logger } from '../logging.js';
import type { Outbox } from '../notifications/outbox.js';
import { type KeyEnv, newApiKey, parseApiKey } from '../security/apiKeys/format.js';
import { type Pepper, currentPepper, hashApiKey } from '../security/apiKeys/hash.js';
import { type ApiKeyRecord, type KeyRateLimit, lifecycleOf } from '../security/apiKeys/key.js';
import { ipPrefix } from '../security/apiKeys/network.js';
import { type RiskSignal, TIGHTENED_MULTIPLIER, addSignal, riskLevel } from '../security/apiKeys/risk.js';
import { DAY_MS, type KeyPolicy, dueReminders, expiryFor, graceEndFor, rotateAtFor } from '../security/apiKeys/rotation.js';
import type { Scope } from '../security/apiKeys/scopes.js';
import { type KeyOutcome, type KeyVerdict, judgeKey } from '../security/apiKeys/verify.js';
import type { ApiKeyStore } from '../store/identity/apiKeys.js';
import type { KeyCache } from './keyCache.js';
import type { RevocationBus } from './revocationBus.js';
import { KeyUsageRecorder } from './keyUsage.js';

/** The seed plan's APIKeyManager: creation, verification, lifecycle, scheduled rotation, usage and compromise detection. */
export interface CreateKeyInput {
  readonly name: string;
  readonly scopes: readonly Scope[];
  readonly ownerId: string | null;
  readonly cidrs?: readonly string[];
  readonly locations?: readonly string[] | null;
  readonly expiresAt?: Date | null;
  readonly rateLimit?: KeyRateLimit | null;
}

export type VerifyResult =
  | { readonly outcome: 'malformed' | 'unknown'; readonly key: null }
  | { readonly outcome: Exclude<KeyOutcome, 'malformed' | 'unknown'>; readonly key: ApiKeyRecord; readonly verdict: KeyVerdict };

export interface KeyManagerDeps {
  readonly keys: ApiKeyStore;
  readonly audit: AuditLog;
  readonly outbox: Outbox;
  readonly clock: Clock;
  readonly logger: Logger;
  readonly peppers: readonly Pepper[];
  readonly policy: KeyPolicy;
  readonly env: KeyEnv;
  readonly cache: KeyCache;
  readonly bus: RevocationBus;
}

const SYSTEM: Actor = { type: 'system', id: 'key-manager' };

export function createKeyManager(deps: KeyManagerDeps) {
  const { keys, audit, outbox, clock, cache, bus } = deps;
  const pepper = currentPepper(deps.peppers);
  bus.subscribe((hash) => cache.delete(hash));
  const usage = new KeyUsageRecorder();
  // Observations run after the response is sent; tracked so tests and shutdown can wait for them.
  const inFlight = new Set<Promise<void>>();

  const changed = async (k: ApiKeyRecord) => {
    cache.delete(k.hash);
    await bus.publish(k.hash);
  };

  const newRecord = (input: CreateKeyInput, now: Date, lineage: { familyId: string; generation: number }): { secret: string; record: ApiKeyRecord } => {
    const secret = newApiKey(deps.env);
    const parsed = parseApiKey(secret)!;
    const expiresAt = expiryFor(now, input.expiresAt ?? null, deps.policy);
    return {
      secret,
      record: {
        id: randomUUID(),
        familyId: lineage.familyId,
        generation: lineage.generation,
        name: input.name,
        ownerId: input.ownerId,
        env: deps.env,
        displayPrefix: parsed.displayPrefix,
        hash: hashApiKey(secret, pepper),
        pepperVersion: pepper.version,
        scopes: [...input.scopes],
        cidrs: [...(input.cidrs ?? [])],
        locations: input.locations === undefined ? null : input.locations === null ? null : [...input.locations],
        rateLimit: input.rateLimit ?? null,
        state: 'active',
        createdAt: now,
        expiresAt,
        rotateAt: rotateAtFor(now, deps.policy),
        graceEndsAt: null,
        successorId: null,
        revokedAt: null,
        revokedReason: null,
        suspendedAt: null,
        suspendedReason: null,
        riskScore: 0,
        riskAt: null,
        limitMultiplier: 1,
        lastUsedAt: null,
        lastUsedIp: null,
      },
    };
  };

  async function rotate(key: ApiKeyRecord, reason: 'scheduled' | 'manual' | 'compromised', actor: Actor): Promise<{ secret: string; record: ApiKeyRecord } | null> {
    const now = clock.now();
    const next = newRecord(
      { name: key.name, scopes: key.scopes, ownerId: key.ownerId, cidrs: key.cidrs, locations: key.locations, rateLimit: key.rateLimit, expiresAt: null },
      now,
      { familyId: key.familyId, generation: key.generation + 1 },
    );
    const graceEndsAt = graceEndFor(now, key.expiresAt, deps.policy.graceDays);
    if (!(await keys.rotate(key.id, next.record, graceEndsAt, reason, now))) return null;
    await changed(key);
    await audit.record({
      action: 'key.rotated',
      actor,
      resource: { type: 'api_key', id: key.id },
      body: { reason, successorId: next.record.id, familyId: key.familyId, generation: next.record.generation, graceEndsAt: graceEndsAt.toISOString() },
    });
    await outbox.notify({
      topic: 'key.rotated',
      severity: 'info',
      subject: `API key "${key.name}" rotated (${reason}); the old key works until ${graceEndsAt.toISOString()}`,
      body: { keyId: key.id, successorId: next.record.id, prefix: next.record.displayPrefix, graceEndsAt: graceEndsAt.toISOString() },
      recipientId: key.ownerId,
    });
    return next;
  }

  async function applySignal(key: ApiKeyRecord, signal: RiskSignal): Promise<void> {
    const now = clock.now();
    const before = riskLevel(key.riskScore);
    const score = addSignal(key.riskScore, key.riskAt, now, signal);
    const level = riskLevel(score);
    let action = 'recorded';
    if (level === 'suspended' && key.state === 'active') {
      await keys.setState(key.id, { state: 'suspended', suspended_at: now, suspended_reason: `compromise suspected: ${signal.kind}`, risk_score: score, risk_at: now, limit_multiplier: TIGHTENED_MULTIPLIER });
      action = 'suspended';
      await audit.record({ action: 'key.suspended', actor: SYSTEM, resource: { type: 'api_key', id: key.id }, body: { reason: 'compromise_suspected', signal: signal.kind, score } });
      await outbox.notify({
        topic: 'key.compromise',
        severity: 'critical',
        subject: `API key "${key.name}" suspended: compromise suspected (${signal.kind})`,
        body: { keyId: key.id, prefix: key.displayPrefix, score: Math.round(score), signal: signal.kind },
      });
    } else {
      const multiplier = level === 'tightened' || level === 'suspended' ? TIGHTENED_MULTIPLIER : key.limitMultiplier;
      await keys.setState(key.id, { risk_score: score, risk_at: now, limit_multiplier: multiplier });
      if (level !== before && level !== 'none') {
        action = level === 'tightened' ? 'limits_tightened' : 'flagged';
        await audit.record({
          action: 'security.event',
          actor: SYSTEM,
          resource: { type: 'api_key', id: key.id },
          body: { kind: `key_${action}`, severity: level === 'tightened' ? 'high' : 'medium', signal: signal.kind, score },
        });
      }
    }
    await keys.addRiskEvent({ keyId: key.id, at: now, signal: signal.kind, weight: score - key.riskScore, scoreAfter: score, levelAfter: level, actionTaken: action, detail: signal });
    await changed(key);
  }

  async function observeKey(key: ApiKeyRecord, ip: string, route: string, outcome: string): Promise<void> {
    const now = clock.now();
    const prefix = ipPrefix(ip);
      usage.add(key.id, now, route, outcome, ip, prefix);
      if (!usage.knowsPrefix(key.id, prefix)) {
        const known = await keys.knownPrefixes(key.id);
        usage.learnPrefixes(key.id, known);
        if (!known.includes(prefix)) {
          usage.learnPrefixes(key.id, [prefix]);
          if (known.length > 0) {
            await audit.record({ action: 'key.used_from_new_prefix', actor: { type: 'api_key', id: key.id }, resource: { type: 'api_key', id: key.id }, body: { prefix, knownPrefixes: known.length } });
            await applySignal((await keys.byId(key.id)) ?? key, { kind: 'new_prefix', prefix });
          }
        }
      }
      if (outcome === 'insufficient_scope' || outcome === 'ip_not_allowed') {
        const failures = usage.noteFailure(key.id, now.getTime());
        if (failures !== null) await applySignal((await keys.byId(key.id)) ?? key, { kind: 'auth_failure_burst', failures });
      }
  }

  return {
    usage,
    async create(input: CreateKeyInput, actor: Actor): Promise<{ secret: string; record: ApiKeyRecord }> {
      const created = newRecord(input, clock.now(), { familyId: randomUUID(), generation: 1 });
      await keys.insert(created.record);
      await audit.record({
        action: 'key.created',
        actor,
        resource: { type: 'api_key', id: created.record.id },
        body: { name: input.name, scopes: [...input.scopes], prefix: created.record.displayPrefix, expiresAt: created.record.expiresAt?.toISOString() ?? null },
      });
      return created;
    },

    /** Format and checksum first (no I/O for malformed input), then the cache, then the database. */
    async verify(presented: string, ip: string, requiredScopes: readonly string[]): Promise<VerifyResult> {
      if (parseApiKey(presented) === null) return { outcome: 'malformed', key: null };
      const nowMs = clock.now().getTime();
      const hashes = deps.peppers.map((p) => hashApiKey(presented, p));
      let key: ApiKeyRecord | null | undefined;
      for (const h of hashes) {
        key = cache.get(h, nowMs);
        if (key) break;
      }
      if (!key) {
        key = await keys.byHashes(hashes);
        if (key) cache.set(key.hash, key, nowMs);
      }
      if (!key) return { outcome: 'unknown', key: null };
      const verdict = judgeKey(key, clock.now(), ip, requiredScopes);
      return { outcome: verdict.outcome as Exclude<KeyOutcome, 'malformed' | 'unknown'>, key, verdict };
    },

    /** Resolves once every observation started so far has finished. */
    async idle(): Promise<void> {
      while (inFlight.size > 0) await Promise.allSettled([...inFlight]);
    },

    /** After a request: usage counters, new-network detection, auth-failure bursts. */
    observe(key: ApiKeyRecord, ip: string, route: string, outcome: string): Promise<void> {
      const p: Promise<void> = observeKey(key, ip, route, outcome).finally(() => inFlight.delete(p));
      inFlight.add(p);
      return p;
    },

    async signal(keyId: string, signal: RiskSignal): Promise<boolean> {
      const key = await keys.byId(keyId);
      if (!key) return false;
      await applySignal(key, signal);
      return true;
    },

    async signalByPresentedKey(presented: string, signal: RiskSignal): Promise<ApiKeyRecord | null> {
      if (parseApiKey(presented) === null) return null;
      const key = await keys.byHashes(deps.peppers.map((p) => hashApiKey(presented, p)));
      if (key) await applySignal(key, signal);
      return key;
    },

    rotate: (key: ApiKeyRecord, actor: Actor) => rotate(key, 'manual', actor),

    async revoke(key: ApiKeyRecord, actor: Actor, reason: 'manual' | 'compromised' | 'leak_reported' = 'manual'): Promise<ApiKeyRecord | null> {
      const now = clock.now();
      const updated = await keys.setState(key.id, { state: 'revoked', revoked_at: now, revoked_reason: reason });
      if (!updated) return null;
      await changed(key);
      await audit.record({ action: 'key.revoked', actor, resource: { type: 'api_key', id: key.id }, body: { reason } });
      return updated;
    },

    async suspend(key: ApiKeyRecord, actor: Actor, reason: string): Promise<ApiKeyRecord | null> {
      const updated = await keys.setState(key.id, { state: 'suspended', suspended_at: clock.now(), suspended_reason: reason.slice(0, 200) }, 'active');
      if (!updated) return null;
      await changed(key);
      await audit.record({ action: 'key.suspended', actor, resource: { type: 'api_key', id: key.id }, body: { reason: reason.slice(0, 200) } });
      return updated;
    },

    /** Reverses a suspension (and resets the risk score): every compromise-detection step is reversible. */
    async reinstate(key: ApiKeyRecord, actor: Actor): Promise<ApiKeyRecord | null> {
      const updated = await keys.setState(key.id, { state: 'active', suspended_at: null, suspended_reason: null, risk_score: 0, risk_at: clock.now(), limit_multiplier: 1 }, 'suspended');
      if (!updated) return null;
      await changed(key);
      await audit.record({ action: 'security.event', actor, resource: { type: 'api_key', id: key.id }, body: { kind: 'key_reinstated', severity: 'medium' } });
      return updated;
    },

    async extend(key: ApiKeyRecord, days: number, actor: Actor): Promise<ApiKeyRecord | null> {
      const base = key.expiresAt ?? clock.now();
      const wanted = new Date(base.getTime() + days * DAY_MS);
      const capped = expiryFor(key.createdAt, wanted, deps.policy);
      const updated = await keys.setState(key.id, { expires_at: capped });
      if (!updated) return null;
      await changed(key);
      await audit.record({ action: 'config.changed', actor, resource: { type: 'api_key', id: key.id }, body: { change: 'expiry_extended', expiresAt: capped.toISOString() } });
      return updated;
    },

    lifecycle: (key: ApiKeyRecord) => lifecycleOf(key, clock.now()),

    byId: (id: string) => keys.byId(id),
    list: () => keys.list(),

    /** Scheduled task: issue successors for keys past their rotation date. */
    async rotateDue(limit = 50): Promise<number> {
      let n = 0;
      for (const key of await keys.dueForRotation(clock.now(), limit)) if (await rotate(key, 'scheduled', SYSTEM)) n++;
      return n;
    },

    /**
     * Scheduled task: revoke predecessors whose grace window ended. Each key's revocation and its `key.revoked` entry
     * commit in one transaction, so a crash between them loses neither: the rerun finds the key still unrevoked.
     */
    async endGrace(): Promise<number> {
      const ended = await keys.endGraceWindows(clock.now(), (k) =>
        audit.prepared({ action: 'key.revoked', actor: SYSTEM, resource: { type: 'api_key', id: k.id }, body: { reason: 'grace_ended', successorId: k.successorId } }),
      );
      for (const k of ended) await changed(k);
      return ended.length;
    },

    /**
     * Scheduled task: a key that passed its expiry is audited as `key.expired`, exactly once per key across instances
     * and crashes. The entry comes first and is its own proof (`recordOnce`: one per key, decided under the audit
     * lock); the key's mark follows and only spares later runs the look. A crash between the two leaves the key
     * unmarked, and the rerun finds the entry and just marks it. Verification refuses the key from the instant it
     * expired; this records it.
     */
    async expire(): Promise<number> {
      let recorded = 0;
      for (const k of await keys.expiredUnrecorded(clock.now())) {
        const entry = await audit.recordOnce({
          action: 'key.expired',
          actor: SYSTEM,
          resource: { type: 'api_key', id: k.id },
          body: { prefix: k.displayPrefix, expiresAt: k.expiresAt?.toISOString() ?? null, state: k.state },
        });
        if (entry !== null) recorded++;
        await keys.markExpiryRecorded(k.id);
      }
      return recorded;
    },

    /**
     * Scheduled task: expiry reminders at 14, 7 and 1 days. A reminder's mark and its notification commit in one
     * transaction, so each is sent once across instances and a crash between them loses neither.
     */
    async remind(): Promise<number> {
      const now = clock.now();
      let sent = 0;
      for (const key of await keys.expiringBefore(new Date(now.getTime() + 14 * DAY_MS), now)) {
        for (const days of dueReminders(key.expiresAt!, now, await keys.remindersSent(key.id))) {
          const reminder = outbox.prepared({
            topic: 'key.expiring',
            severity: days === 1 ? 'warning' : 'info',
            subject: `API key "${key.name}" expires in ${days} day${days === 1 ? '' : 's'}`,
            body: { keyId: key.id, prefix: key.displayPrefix, expiresAt: key.expiresAt!.toISOString() },
            recipientId: key.ownerId,
          });
          if (await keys.sendReminder(key.id, days, reminder)) sent++;
        }
      }
      return sent;
    },

    /** Scheduled task: usage older than the audit retention is removed. */
    pruneUsage: (retentionDays: number) => keys.pruneUsage(new Date(clock.now().getTime() - retentionDays * DAY_MS)),

    /** Scheduled task: write buffered usage, then look for rate spikes against each key's own history. */
    async flushUsage(): Promise<number> {
      const batch = usage.drain();
      if (batch.usage.length === 0) return 0;
      await keys.recordUsage(batch.usage, batch.clients, batch.lastUse);
      const now = clock.now();
      const hour = new Date(Math.floor(now.getTime() / 3_600_000) * 3_600_000);
      for (const keyId of new Set(batch.usage.map((u) => u.keyId))) {
        const totals = await keys.hourlyTotals(keyId, new Date(hour.getTime() - 7 * DAY_MS));
        const current = totals.find((t) => t.hour.getTime() === hour.getTime())?.count ?? 0;
        const z = usage.spike(keyId, hour.getTime(), totals.filter((t) => t.hour.getTime() !== hour.getTime()).map((t) => t.count), current);
        if (z !== null) await this.signal(keyId, { kind: 'rate_spike', z });
      }
      return batch.usage.length;
    },
  };
}

export type KeyManager = ReturnType<typeof createKeyManager>;
