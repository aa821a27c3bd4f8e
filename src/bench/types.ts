/**
 * Every benchmark figure is reported next to an in-run baseline and the ratio between them:
 * absolute numbers vary with the machine, ratios measured in one run do not (much).
 */
export interface BenchFigure {
  /** Stable id, e.g. `decision.p99_ms.100k`. The CI gate compares ratios by this id. */
  readonly id: string;
  readonly value: number;
  readonly unit: string;
  readonly baseline: { readonly label: string; readonly value: number };
  /** value / baseline.value */
  readonly ratio: number;
  /** 'higher' when a larger ratio is better (throughput), 'lower' when smaller is better (latency). */
  readonly better: 'higher' | 'lower';
  readonly note?: string;
}

export type Bench = () => Promise<readonly BenchFigure[]>;

export function figure(f: Omit<BenchFigure, 'ratio'>): BenchFigure {
  return { ...f, ratio: f.baseline.value === 0 ? Number.POSITIVE_INFINITY : f.value / f.baseline.value };
}
