import type { StoredSetupToken } from './firstRun.js';

export interface SetupTokenStore {
  /** Replaces any earlier token (only the newest printed token is valid). */
  save(tokenHash: string, createdAt: Date, expiresAt: Date): Promise<void>;
  load(): Promise<StoredSetupToken | null>;
  /** Marks the token used; false when it was already used (a concurrent setup won). */
  markUsed(at: Date): Promise<boolean>;
  isSetupComplete(): Promise<boolean>;
}
