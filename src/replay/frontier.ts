/**
 * The automation frontier: what one ideal confidence threshold, chosen with hindsight, would have executed at
 * each tolerated wrong rate. It measures the ranking alone (are the right proposals the confident ones?), apart
 * from the policy that turns confidence into tiers; the replay reports the live system beside it, so a change
 * can be judged on both: a better ranking moves the frontier, a better policy moves the live point towards it.
 * The ideal is an upper bound for a single threshold, not a target a live system could reach: it knows the
 * outcomes before choosing.
 */

export interface RankedProposal {
  readonly confidence: number;
  readonly correct: boolean;
}

export interface FrontierPoint {
  /** The tolerated share of wrong executions. */
  readonly wrongRate: number;
  /** The lowest confidence executed (null: no threshold keeps within the rate). */
  readonly threshold: number | null;
  /** Proposals at or above the threshold. */
  readonly executed: number;
  readonly wrong: number;
  /** `executed` over all events of the stream. */
  readonly automationRate: number;
}

/** The wrong rates the replay reports the frontier at. */
export const FRONTIER_RATES = [0.01, 0.015, 0.02] as const;

/**
 * The frontier over `n` events from the proposals that could have executed. Proposals of equal confidence are
 * taken or left together, as a threshold would.
 * @example automationFrontier([{ confidence: 0.9, correct: true }, { confidence: 0.8, correct: false }], 4, [0.01])[0]!.automationRate // 0.25
 */
export function automationFrontier(proposals: readonly RankedProposal[], n: number, rates: readonly number[]): FrontierPoint[] {
  const sorted = [...proposals].sort((a, b) => b.confidence - a.confidence);
  // Cut points: after the last proposal of each confidence, the running counts.
  const cuts: { threshold: number; executed: number; wrong: number }[] = [];
  let wrong = 0;
  for (let i = 0; i < sorted.length; i++) {
    if (!sorted[i]!.correct) wrong++;
    const next = sorted[i + 1];
    if (next === undefined || next.confidence !== sorted[i]!.confidence) {
      cuts.push({ threshold: sorted[i]!.confidence, executed: i + 1, wrong });
    }
  }
  return rates.map((rate) => {
    let best: (typeof cuts)[number] | null = null;
    for (const c of cuts) if (c.wrong <= rate * c.executed) best = c;
    return {
      wrongRate: rate,
      threshold: best?.threshold ?? null,
      executed: best?.executed ?? 0,
      wrong: best?.wrong ?? 0,
      automationRate: n > 0 ? (best?.executed ?? 0) / n : 0,
    };
  });
}
