/**
 * The replay metrics of REPLAY.md §3, each rate with a Wilson 95 % interval. A `Tally` is built from
 * per-event results so the same arithmetic serves the whole stream, its quarters and its scenarios.
 */

/**
 * Wilson score interval for k successes in n trials (z = 1.96); [0, 0] when n = 0.
 * @example wilson(0, 10)[0] // 0
 */
export function wilson(k: number, n: number, z = 1.96): [number, number] {
  if (n === 0) return [0, 0];
  const p = k / n;
  const z2 = z * z;
  const centre = p + z2 / (2 * n);
  const spread = z * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return [Math.max(0, (centre - spread) / (1 + z2 / n)), Math.min(1, (centre + spread) / (1 + z2 / n))];
}

/** What happened on one event, as the metrics need it. */
export interface EventResult {
  readonly automated: boolean;
  readonly wrong: boolean;
  readonly unknown: boolean;
  readonly intervention: boolean;
  readonly cost: number;
  /** Truth known and already seen earlier in the stream. */
  readonly repeat: boolean;
  /** The proposal's decision equals the truth (top-1, whatever the tier). */
  readonly top1: boolean;
  /** Proposed at auto, suggest or queue. */
  readonly proposed: boolean;
  /** Decision and scored params right. */
  readonly correct: boolean;
}

export interface Tally {
  n: number;
  executed: number;
  wrong: number;
  unknownN: number;
  unknownExecuted: number;
  interventions: number;
  proposals: number;
  proposalsRight: number;
  repeatN: number;
  repeatTop1: number;
  repeatCost: number;
}

export function emptyTally(): Tally {
  return {
    n: 0,
    executed: 0,
    wrong: 0,
    unknownN: 0,
    unknownExecuted: 0,
    interventions: 0,
    proposals: 0,
    proposalsRight: 0,
    repeatN: 0,
    repeatTop1: 0,
    repeatCost: 0,
  };
}

/** Adds one event to a tally (mutates: tallies are accumulators local to one replay). */
export function addResult(t: Tally, r: EventResult): void {
  t.n++;
  if (r.automated) t.executed++;
  if (r.automated && r.wrong) t.wrong++;
  if (r.unknown) {
    t.unknownN++;
    if (r.automated) t.unknownExecuted++;
  }
  if (r.intervention) t.interventions++;
  if (r.proposed) {
    t.proposals++;
    if (r.correct) t.proposalsRight++;
  }
  if (r.repeat) {
    t.repeatN++;
    if (r.top1) t.repeatTop1++;
    t.repeatCost += r.cost;
  }
}

const rate = (k: number, n: number): number => (n === 0 ? 0 : k / n);
const round = (x: number): number => Math.round(x * 10_000) / 10_000;

export interface Summary {
  readonly n: number;
  readonly executed: number;
  readonly wrong: number;
  readonly automation_rate: number;
  readonly wrong_automation_rate: number;
  readonly unknown_n: number;
  readonly unknown_executed: number;
  readonly unknown_executed_rate: number;
  readonly interventions: number;
  readonly interventions_saved_rate: number;
  readonly proposals: number;
  readonly proposal_precision: number;
  readonly repeat_n: number;
  readonly repeat_top1: number;
  readonly repeat_time_saved: number;
  readonly ci: Readonly<Record<string, [number, number]>>;
}

/**
 * @example summarise({ ...emptyTally(), n: 4, executed: 2 }).automation_rate // 0.5
 */
export function summarise(t: Tally): Summary {
  const ci = (k: number, n: number): [number, number] => wilson(k, n).map(round) as [number, number];
  return {
    n: t.n,
    executed: t.executed,
    wrong: t.wrong,
    automation_rate: round(rate(t.executed, t.n)),
    wrong_automation_rate: round(rate(t.wrong, t.executed)),
    unknown_n: t.unknownN,
    unknown_executed: t.unknownExecuted,
    unknown_executed_rate: round(rate(t.unknownExecuted, t.unknownN)),
    interventions: t.interventions,
    interventions_saved_rate: round(t.n === 0 ? 0 : 1 - t.interventions / t.n),
    proposals: t.proposals,
    proposal_precision: round(rate(t.proposalsRight, t.proposals)),
    repeat_n: t.repeatN,
    repeat_top1: round(rate(t.repeatTop1, t.repeatN)),
    repeat_time_saved: round(t.repeatN === 0 ? 0 : 1 - t.repeatCost / t.repeatN),
    ci: {
      automation_rate: ci(t.executed, t.n),
      wrong_automation_rate: ci(t.wrong, t.executed),
      unknown_executed_rate: ci(t.unknownExecuted, t.unknownN),
      interventions_saved_rate: ci(t.n - t.interventions, t.n),
      proposal_precision: ci(t.proposalsRight, t.proposals),
      repeat_top1: ci(t.repeatTop1, t.repeatN),
    },
  };
}
