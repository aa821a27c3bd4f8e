import type { SeriesPoint } from './ports.js';

/** Bucket widths a chart may ask for. */
export const BUCKETS = { '1m': 60_000, '5m': 300_000, '15m': 900_000, '1h': 3_600_000, '6h': 21_600_000, '1d': 86_400_000 } as const;
export type BucketName = keyof typeof BUCKETS;

/** At most this many points per series: a chart has no use for more, and the query stays bounded. */
export const MAX_POINTS = 1_000;

export type SeriesPlan = { readonly kind: 'ok'; readonly bucketMs: number; readonly points: number } | { readonly kind: 'too_many_points'; readonly points: number };

/**
 * How many buckets a period needs; the first starts at `from`, the last may end after `to`.
 * @example planSeries(new Date(0), new Date(3_600_000), '5m') // { kind: 'ok', bucketMs: 300_000, points: 12 }
 */
export function planSeries(from: Date, to: Date, bucket: BucketName): SeriesPlan {
  const bucketMs = BUCKETS[bucket];
  const points = Math.ceil((to.getTime() - from.getTime()) / bucketMs);
  return points > MAX_POINTS ? { kind: 'too_many_points', points } : { kind: 'ok', bucketMs, points };
}

/**
 * The start of the bucket `t` falls in, buckets being UTC multiples of their width (days start at midnight UTC).
 * @example alignDown(new Date(90_000), 60_000).getTime() === 60_000
 */
export const alignDown = (t: Date, bucketMs: number): Date => new Date(Math.floor(t.getTime() / bucketMs) * bucketMs);

/**
 * Every bucket of the period, with the value the store found for it or 0: charts need the empty buckets too.
 * @example zeroFilled([{ t: new Date(60_000), value: 3 }], new Date(0), 60_000, 3).map((p) => p.value) // [0, 3, 0]
 */
export function zeroFilled(found: readonly SeriesPoint[], from: Date, bucketMs: number, points: number): SeriesPoint[] {
  const byStart = new Map(found.map((p) => [p.t.getTime(), p.value]));
  return Array.from({ length: points }, (_, i) => {
    const t = from.getTime() + i * bucketMs;
    return { t: new Date(t), value: byStart.get(t) ?? 0 };
  });
}
