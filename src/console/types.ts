/**
 * Shapes of the API answers the console reads. Where the server has the type or the response schema, it is
 * imported (type-only: nothing of the server reaches the bundle); the rest mirror src/http/routes/*.ts.
 */
import type { Static } from 'typebox';
import type { LiveFigures } from '../execution/liveFigures.js';
import type { SeriesView } from '../http/routes/metricSeriesViews.js';
import type { ShadowFigures } from '../pipeline/shadowFigures.js';

export type { LiveFigures, ShadowFigures };

export type Tier = 'auto' | 'suggest' | 'queue' | 'human' | 'escalate';

export interface Explanation {
  readonly module: string;
  readonly neighbours?: readonly { readonly exampleId: string; readonly decision: string; readonly similarity: number }[];
  readonly topFeatures?: readonly string[];
  readonly classifierProbability?: number;
  readonly reasons?: readonly string[];
  readonly category?: string | null;
  readonly matched?: readonly string[];
}

export interface Proposal {
  readonly eventId: string;
  readonly location: string | null;
  readonly patternKey: string;
  readonly decision: string | null;
  readonly params: Readonly<Record<string, string | number>>;
  readonly matchScore: number;
  readonly reliability: number;
  readonly confidence: number;
  readonly riskClass: string;
  readonly tier: Tier;
  readonly band: Tier;
  readonly emergency: boolean;
  readonly shadow: boolean;
  readonly wouldExecute: boolean;
  readonly explanation: Explanation;
  readonly createdAt: string;
  readonly runAt?: string | null;
}

export interface QueueItem {
  readonly eventId: string;
  readonly receivedAt: string;
  readonly kind: string;
  readonly channel: string;
  readonly from: string;
  readonly location: string | null;
  readonly bay: number | null;
  readonly text: string;
  readonly proposal: Proposal;
  readonly runAt?: string | null;
  readonly suggestion?: { readonly executionId: string; readonly runAt: string } | null;
  readonly executions?: readonly { readonly executionId: string; readonly decision: string; readonly state: string; readonly origin: string; readonly runAt: string }[];
}

export interface EventView {
  readonly id: string;
  readonly status: string;
  readonly receivedAt: string;
  readonly t: string;
  readonly kind: string;
  readonly channel: string;
  readonly from: string;
  readonly location: string | null;
  readonly bay: number | null;
  readonly text: string;
  readonly decision: unknown;
}

export interface Pattern {
  readonly key: string;
  readonly decision: string;
  readonly variant: string;
  readonly state: string;
  readonly hold: 'none' | 'locked' | 'demoted';
  readonly reliability: number;
  readonly trackRecord: {
    readonly humanApproved: number;
    readonly overrides: number;
    readonly vetoes: number;
    readonly rejections: number;
    readonly modifications: number;
    readonly record: { readonly successes?: number; readonly failures?: number } | unknown;
    readonly suggestRecord: unknown;
  };
  readonly confidenceHistory: readonly { readonly at: string; readonly reliability: number; readonly state: string }[];
  readonly updatedAt: string;
}

export interface DecisionMetrics {
  readonly mode: string;
  readonly live?: LiveFigures;
  readonly total: ShadowFigures;
  readonly locations: readonly { readonly location: string | null; readonly figures: ShadowFigures }[];
}

/** GET /v1/metrics/decisions/series: the server's own response schema, so the two cannot drift apart. */
export type MetricSeries = Static<typeof SeriesView>;
export type MetricPoint = MetricSeries['total'][number];
export type SeriesBucket = MetricSeries['bucket'];

/** A duration for people: 45 s, 12 min, 3.5 h, 2 d. */
export const duration = (seconds: number): string =>
  seconds < 120 ? `${Math.round(seconds)} s` : seconds < 7200 ? `${Math.round(seconds / 60)} min` : seconds < 172_800 ? `${Math.round(seconds / 360) / 10} h` : `${Math.round(seconds / 8640) / 10} d`;

export const pct = (x: number): string => `${Math.round(x * 1000) / 10}%`;
export const when = (iso: string): string => new Date(iso).toLocaleString([], { dateStyle: 'short', timeStyle: 'medium' });
