import type { ExecutionOrigin, ExecutionState } from './states.js';

/**
 * The seed's success metrics measured on what really ran (next to the shadow figures): automation rate,
 * accuracy, false-positive rate and the operator interventions automation saved.
 */
export interface ExecutionSummaryRow {
  readonly origin: ExecutionOrigin;
  readonly state: ExecutionState;
  /** An operator later overrode what ran automatically (answered with another decision). */
  readonly overridden: boolean;
}

export interface LiveFigures {
  /** Proposals made while automation was on. */
  readonly proposals: number;
  readonly executions: number;
  /** Executions that ran without an operator's yes (auto, or a suggestion nobody vetoed). */
  readonly automated: number;
  /** automated / proposals. */
  readonly automationRate: number;
  /** Executions that reached a final outcome (succeeded, failed, unconfirmed, timed out): the denominator of accuracy. */
  readonly finished: number;
  /** Finished automatic executions: the denominator of falsePositiveRate. */
  readonly automatedFinished: number;
  /** Finished executions that succeeded and were not overridden / finished executions. */
  readonly accuracy: number;
  /** Among finished automatic executions: failed, unconfirmed, timed out or overridden. */
  readonly falsePositiveRate: number;
  /** Automatic executions that succeeded and nobody overrode: an operator never had to touch them. */
  readonly interventionsSaved: number;
  readonly cancelled: number;
  readonly awaitingHuman: number;
}

const FINISHED: ReadonlySet<ExecutionState> = new Set(['succeeded', 'failed', 'unconfirmed', 'timed_out']);
const ratio = (a: number, b: number): number => (b === 0 ? 0 : a / b);

/** Ran without an operator's yes: at once (auto), or a suggestion nobody vetoed. */
export const isAutomaticOrigin = (origin: ExecutionOrigin): boolean => origin === 'auto' || origin === 'suggestion';

/**
 * An operator's answer overrode an automatic execution when it came after the execution was created and names
 * another decision.
 * @example wasOverridden({ origin: 'auto', decision: 'reset_trackman', createdAt: t }, { decision: 'escalate_tech', at: later }) // true
 */
export function wasOverridden(x: { readonly origin: ExecutionOrigin; readonly decision: string; readonly createdAt: Date }, answer: { readonly decision: string; readonly at: Date } | null): boolean {
  return isAutomaticOrigin(x.origin) && answer !== null && answer.decision !== x.decision && answer.at.getTime() >= x.createdAt.getTime();
}

/**
 * An automatic execution that succeeded and nobody overrode: an intervention an operator never had to make.
 * @example savedIntervention({ origin: 'auto', state: 'succeeded', overridden: false }) // true
 */
export const savedIntervention = (r: ExecutionSummaryRow): boolean => isAutomaticOrigin(r.origin) && r.state === 'succeeded' && !r.overridden;

/**
 * @example liveFigures([{ origin: 'auto', state: 'succeeded', overridden: false }], 2).automationRate // 0.5
 */
export function liveFigures(rows: readonly ExecutionSummaryRow[], proposals: number): LiveFigures {
  let automated = 0;
  let finished = 0;
  let right = 0;
  let autoFinished = 0;
  let autoWrong = 0;
  let saved = 0;
  let cancelled = 0;
  let awaitingHuman = 0;
  for (const r of rows) {
    const auto = isAutomaticOrigin(r.origin);
    if (r.state === 'cancelled') {
      cancelled++;
      continue;
    }
    if (r.state === 'unconfirmed') awaitingHuman++;
    if (auto) automated++;
    if (!FINISHED.has(r.state)) continue;
    finished++;
    const ok = r.state === 'succeeded' && !r.overridden;
    if (ok) right++;
    if (auto) {
      autoFinished++;
      if (savedIntervention(r)) saved++;
      else autoWrong++;
    }
  }
  return {
    proposals,
    executions: rows.length,
    automated,
    automationRate: ratio(automated, proposals),
    finished,
    automatedFinished: autoFinished,
    accuracy: ratio(right, finished),
    falsePositiveRate: ratio(autoWrong, autoFinished),
    interventionsSaved: saved,
    cancelled,
    awaitingHuman,
  };
}
