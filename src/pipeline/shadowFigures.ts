import type { LedgerRow } from './ports.js';

/**
 * The shadow-mode figures a venue reads before switching automation on (the seed's success metrics,
 * measured on what automation would have done, against what the operators actually decided).
 */
export interface ShadowFigures {
  /** Proposals made. */
  readonly proposals: number;
  /** Proposals an operator has answered. */
  readonly answered: number;
  /** Proposals automation would have executed (tier auto or suggest). */
  readonly wouldAutomate: number;
  /** wouldAutomate / proposals. */
  readonly wouldAutomateRate: number;
  /** Answered proposals whose decision and parameters the operator confirmed / answered. */
  readonly accuracy: number;
  /** Answered proposals automation would have executed: the denominator of agreement and falsePositiveRate. */
  readonly answeredWouldAutomate: number;
  /** Among answered would-automate proposals: the operator agreed. */
  readonly agreement: number;
  /** Among answered would-automate proposals: the operator disagreed (automation would have been wrong). */
  readonly falsePositiveRate: number;
  /** Operator interventions automation would have saved: would-automate proposals the operator confirmed. */
  readonly interventionsSaved: number;
  /** interventionsSaved / answered. */
  readonly interventionsSavedRate: number;
}

const ratio = (a: number, b: number): number => (b === 0 ? 0 : a / b);

/**
 * @example
 * shadowFigures([{ location: 'A', decision: 'x', wouldExecute: true, agreed: true }]).interventionsSaved // 1
 */
export function shadowFigures(rows: readonly Pick<LedgerRow, 'wouldExecute' | 'agreed'>[]): ShadowFigures {
  let answered = 0;
  let wouldAutomate = 0;
  let agreedAll = 0;
  let autoAnswered = 0;
  let autoAgreed = 0;
  for (const r of rows) {
    if (r.wouldExecute) wouldAutomate++;
    if (r.agreed === null) continue;
    answered++;
    if (r.agreed) agreedAll++;
    if (r.wouldExecute) {
      autoAnswered++;
      if (r.agreed) autoAgreed++;
    }
  }
  return {
    proposals: rows.length,
    answered,
    wouldAutomate,
    wouldAutomateRate: ratio(wouldAutomate, rows.length),
    answeredWouldAutomate: autoAnswered,
    accuracy: ratio(agreedAll, answered),
    agreement: ratio(autoAgreed, autoAnswered),
    falsePositiveRate: ratio(autoAnswered - autoAgreed, autoAnswered),
    interventionsSaved: autoAgreed,
    interventionsSavedRate: ratio(autoAgreed, answered),
  };
}

/**
 * The figures per location (events without a location under `null`), plus the total.
 * @example shadowByLocation(rows).total.proposals === rows.length
 */
export function shadowByLocation(rows: readonly LedgerRow[]): { readonly total: ShadowFigures; readonly locations: readonly { readonly location: string | null; readonly figures: ShadowFigures }[] } {
  const groups = new Map<string | null, LedgerRow[]>();
  for (const r of rows) {
    const g = groups.get(r.location);
    if (g) g.push(r);
    else groups.set(r.location, [r]);
  }
  const locations = [...groups.entries()]
    .sort(([a], [b]) => (a ?? '').localeCompare(b ?? ''))
    .map(([location, g]) => ({ location, figures: shadowFigures(g) }));
  return { total: shadowFigures(rows), locations };
}
