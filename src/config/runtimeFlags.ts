import { FEATURE_FLAGS, type FeatureFlag, type FeatureFlags } from './flags.js';

/** Runtime overrides of the environment's flags, persisted so every instance and every restart agree. */
export interface FlagOverrideStore {
  list(): Promise<ReadonlyArray<{ readonly name: string; readonly enabled: boolean }>>;
  set(name: FeatureFlag, enabled: boolean, actor: string, at: Date): Promise<void>;
}

export interface RuntimeFlags {
  /** Effective value: the persisted override, else the environment. Synchronous: read on hot paths. */
  get(flag: FeatureFlag): boolean;
  all(): FeatureFlags;
  set(flag: FeatureFlag, enabled: boolean, actor: string, at: Date): Promise<void>;
  /** Re-reads the overrides (other instances may have changed them). */
  refresh(): Promise<void>;
}

/** @example effectiveFlags({ ...env }, [{ name: 'autoExecution', enabled: true }]).autoExecution === true */
export function effectiveFlags(base: FeatureFlags, overrides: ReadonlyArray<{ name: string; enabled: boolean }>): FeatureFlags {
  const out: Record<FeatureFlag, boolean> = { ...base };
  for (const o of overrides) if ((FEATURE_FLAGS as readonly string[]).includes(o.name)) out[o.name as FeatureFlag] = o.enabled;
  return Object.freeze(out);
}

export async function createRuntimeFlags(base: FeatureFlags, store: FlagOverrideStore): Promise<RuntimeFlags> {
  let current = effectiveFlags(base, await store.list());
  const refresh = async () => {
    current = effectiveFlags(base, await store.list());
  };
  return {
    get: (flag) => current[flag],
    all: () => current,
    async set(flag, enabled, actor, at) {
      await store.set(flag, enabled, actor, at);
      await refresh();
    },
    refresh,
  };
}
