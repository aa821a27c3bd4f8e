/**
 * The seed plan's feature flags. Defaults follow the seed: automation starts OFF (shadow mode) until a venue has
 * seen the shadow figures and switches it on.
 */
export const FEATURE_FLAGS = [
  'adaptivePatterns',
  'autoExecution',
  'apiKeyRotation',
  'requestSanitization',
  'complianceLogging',
  'performanceGuard',
] as const;

export type FeatureFlag = (typeof FEATURE_FLAGS)[number];
export type FeatureFlags = Readonly<Record<FeatureFlag, boolean>>;

export const DEFAULT_FLAGS: FeatureFlags = Object.freeze({
  adaptivePatterns: true,
  autoExecution: false,
  apiKeyRotation: true,
  requestSanitization: true,
  complianceLogging: true,
  performanceGuard: true,
});

/** `autoExecution` ↔ `FEATURE_AUTO_EXECUTION`. */
export const flagEnvName = (flag: FeatureFlag): string => `FEATURE_${flag.replace(/[A-Z]/g, (c) => `_${c}`).toUpperCase()}`;

export const isFeatureFlag = (name: string): name is FeatureFlag => (FEATURE_FLAGS as readonly string[]).includes(name);
