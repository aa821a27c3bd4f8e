import { api } from './api.js';
import type { ParamSchema } from './components/ParamForm.js';

export interface CatalogueEntry {
  readonly decision: string;
  readonly kind: string;
  readonly maxTier: string;
  readonly risk: string;
  readonly idempotent: boolean;
  readonly params: ParamSchema;
}

let cached: Promise<CatalogueEntry[]> | null = null;

/** The action catalogue with each decision's parameter schema (read once per page load). */
export function catalogue(): Promise<CatalogueEntry[]> {
  cached ??= api<{ entries: CatalogueEntry[] }>('GET', '/v1/catalogue').then(
    (r) => r.entries,
    (err: unknown) => {
      cached = null;
      throw err;
    },
  );
  return cached;
}

export const humanize = (decision: string | null): string => (decision === null ? 'no proposal' : decision.replace(/_/g, ' '));
