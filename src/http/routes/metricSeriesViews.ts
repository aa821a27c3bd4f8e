import { type Static, Type } from 'typebox';
import { MAX_BUCKETS, type SeriesBucket, type SeriesPoint } from '../../pipeline/metricSeries.js';
import { Strict, Timestamp } from '../schemas.js';

/** The schemas and the description of GET /v1/metrics/decisions/series (the route is in `decisions.ts`). */

export const SERIES_DESCRIPTION = [
  'Buckets are UTC hours or days; `from` is widened down and `to` up to whole buckets (default: the last 24 hours, or the last 30 days),',
  `at most ${MAX_BUCKETS.hour} hourly or ${MAX_BUCKETS.day} daily buckets. Every bucket is present; a rate whose denominator is 0 in a bucket is null.`,
  "A bucket's figures are about the proposals made in it (executions count in the bucket of their event's proposal), computed by the same",
  'functions as GET /v1/metrics/decisions: `shadow` (what automation would have done, against the operators\' answers) and `live` (what ran).',
  "Time to resolution: per proposal, the seconds from the event's arrival to the first of the operator's answer and the finish of an automatic",
  'execution that succeeded and nobody overrode; unresolved proposals are left out. Median and p90 are nearest-rank.',
  '`location` narrows the series to one location the credential may see (403 otherwise).',
].join(' ');

const Count = Type.Integer({ minimum: 0 });
const Rate = (description: string) => Type.Union([Type.Number({ minimum: 0, maximum: 1 }), Type.Null()], { description: `${description}; null when the denominator is 0` });
const Seconds = (description: string) => Type.Union([Type.Number({ minimum: 0 }), Type.Null()], { description: `${description}; null when nothing was resolved` });
// Literals spelled out (a union mapped from an array loses them in `Static`, and the console reads its types from here).
const SeriesBucketName = Type.Union([Type.Literal('hour'), Type.Literal('day')]);
/** Compile-time check that the schema names exactly the buckets the series module knows. */
const BUCKETS_MATCH: [Static<typeof SeriesBucketName>] extends [SeriesBucket] ? ([SeriesBucket] extends [Static<typeof SeriesBucketName>] ? true : never) : never = true;
void BUCKETS_MATCH;
export const SeriesQuery = Strict({
  bucket: SeriesBucketName,
  from: Type.Optional(Timestamp),
  to: Type.Optional(Timestamp),
  location: Type.Optional(Type.String({ minLength: 1, maxLength: 80 })),
});
const ShadowPointView = Type.Object({
  proposals: Count,
  answered: Count,
  wouldAutomate: Count,
  answeredWouldAutomate: Count,
  wouldAutomateRate: Rate('wouldAutomate / proposals'),
  accuracy: Rate('answers agreeing with the proposal / answered'),
  agreement: Rate('agreeing answers / answeredWouldAutomate'),
  falsePositiveRate: Rate('disagreeing answers / answeredWouldAutomate'),
  interventionsSaved: Count,
  interventionsSavedRate: Rate('interventionsSaved / answered'),
});
const LivePointView = Type.Object({
  proposals: Count,
  executions: Count,
  automated: Count,
  finished: Count,
  automatedFinished: Count,
  automationRate: Rate('automated / proposals made while automation was on'),
  accuracy: Rate('succeeded and not overridden / finished'),
  falsePositiveRate: Rate('automatic executions that failed, were not confirmed, timed out or were overridden / automatedFinished'),
  interventionsSaved: Count,
  cancelled: Count,
  awaitingHuman: Count,
});
const PointView = Type.Object({
  start: Timestamp,
  shadow: ShadowPointView,
  live: LivePointView,
  resolution: Type.Object({ resolved: Count, medianSeconds: Seconds('median time to resolution'), p90Seconds: Seconds('90th percentile time to resolution') }),
});
export const SeriesView = Type.Object({
  mode: Type.Union([Type.Literal('shadow'), Type.Literal('live')]),
  bucket: SeriesBucketName,
  from: Timestamp,
  to: Timestamp,
  location: Type.Union([Type.String(), Type.Null()]),
  total: Type.Array(PointView),
  locations: Type.Array(Type.Object({ location: Type.Union([Type.String(), Type.Null()]), points: Type.Array(PointView) })),
});

export const pointView = (p: SeriesPoint) => ({ ...p, start: p.start.toISOString() });
