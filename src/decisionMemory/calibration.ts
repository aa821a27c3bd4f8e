/**
 * Prequential calibration: every proposal's raw score is paired with whether it turned out right, BEFORE the
 * engine learns the truth, so the pairs are honest. Scores are binned and the bins' hit rates are made
 * monotone with pool-adjacent-violators (isotonic regression); each bin starts with a few pseudo-observations
 * at its own mid-point so an empty calibrator trusts the raw score.
 *
 * The bins are even in log-odds, not in probability: automation is decided between 0.9 and 0.99, where
 * even 0.025-wide bins lumped proposals that were right 93 % and 99 % of the time into one confidence.
 */

export interface CalibratorState {
  readonly bins: number;
  /** Observations per bin. */
  readonly n: readonly number[];
  /** Correct observations per bin. */
  readonly k: readonly number[];
}

export interface CalibratorOptions {
  readonly bins: number;
  /** Pseudo-observations per bin at the bin's mid-point. */
  readonly priorWeight: number;
}

/** Log-odds covered by the bins: scores beyond ±SPAN (below 0.09 % or above 99.91 %) share the end bins. */
const SPAN = 7;

export const DEFAULT_CALIBRATOR_OPTIONS: CalibratorOptions = { bins: 70, priorWeight: 3 };

/**
 * The bin of a score among `bins` bins even in log-odds over [−SPAN, SPAN].
 * @example binOf(0.5, 70) // 35
 */
export function binOf(score: number, bins: number): number {
  const q = Math.min(1 - 1e-12, Math.max(1e-12, score));
  const b = Math.floor(((Math.log(q / (1 - q)) + SPAN) / (2 * SPAN)) * bins);
  return Math.min(bins - 1, Math.max(0, b));
}

/**
 * The probability at the middle of a bin (where its prior pseudo-observations sit).
 * @example binMidpoint(35, 70) // ≈ 0.525
 */
export function binMidpoint(bin: number, bins: number): number {
  return 1 / (1 + Math.exp(-(((bin + 0.5) / bins) * 2 * SPAN - SPAN)));
}

export class Calibrator {
  private readonly n: Float64Array;
  private readonly k: Float64Array;
  private fitted: Float64Array | null = null;

  constructor(readonly options: CalibratorOptions = DEFAULT_CALIBRATOR_OPTIONS) {
    this.n = new Float64Array(options.bins);
    this.k = new Float64Array(options.bins);
  }

  private bin(score: number): number {
    return binOf(score, this.options.bins);
  }

  /** Records one honest (score, correct) pair. */
  observe(score: number, correct: boolean): void {
    const b = this.bin(score);
    this.n[b]! += 1;
    this.k[b]! += correct ? 1 : 0;
    this.fitted = null;
  }

  /** A pair observed as right turned out wrong (an execution corrected later): its bin loses one hit. */
  revise(score: number): void {
    const b = this.bin(score);
    if (this.k[b]! >= 1) this.k[b]! -= 1;
    this.fitted = null;
  }

  /** The calibrated probability for a raw score: monotone non-decreasing in the score, within [0, 1]. */
  calibrate(score: number): number {
    this.fitted ??= this.fit();
    return this.fitted[this.bin(score)]!;
  }

  private fit(): Float64Array {
    const bins = this.options.bins;
    const w = this.options.priorWeight;
    // Pool-adjacent-violators over (weight, mean) blocks.
    const blocks: { weight: number; mean: number; size: number }[] = [];
    for (let b = 0; b < bins; b++) {
      const mid = binMidpoint(b, bins);
      const weight = this.n[b]! + w;
      blocks.push({ weight, mean: (this.k[b]! + w * mid) / weight, size: 1 });
      while (blocks.length > 1 && blocks[blocks.length - 2]!.mean > blocks[blocks.length - 1]!.mean) {
        const last = blocks.pop()!;
        const prev = blocks.pop()!;
        const weightSum = prev.weight + last.weight;
        blocks.push({
          weight: weightSum,
          mean: (prev.mean * prev.weight + last.mean * last.weight) / weightSum,
          size: prev.size + last.size,
        });
      }
    }
    const out = new Float64Array(bins);
    let b = 0;
    for (const block of blocks) for (let i = 0; i < block.size; i++) out[b++] = block.mean;
    return out;
  }

  toState(): CalibratorState {
    return { bins: this.options.bins, n: [...this.n], k: [...this.k] };
  }

  static fromState(state: CalibratorState, priorWeight = DEFAULT_CALIBRATOR_OPTIONS.priorWeight): Calibrator {
    const c = new Calibrator({ bins: state.bins, priorWeight });
    c.n.set(state.n);
    c.k.set(state.k);
    return c;
  }
}

export interface ReliabilityRow {
  readonly from: number;
  readonly to: number;
  readonly n: number;
  readonly meanConfidence: number;
  readonly accuracy: number;
}

/**
 * Reliability table: proposals grouped by confidence, with the mean confidence and the hit rate of each group.
 * @example reliabilityTable([{ confidence: 0.9, correct: true }], 10)[0]!.accuracy // 1
 */
export function reliabilityTable(
  pairs: readonly { readonly confidence: number; readonly correct: boolean }[],
  bins = 10,
): ReliabilityRow[] {
  const n = new Array<number>(bins).fill(0);
  const k = new Array<number>(bins).fill(0);
  const s = new Array<number>(bins).fill(0);
  for (const p of pairs) {
    const b = Math.min(bins - 1, Math.floor(p.confidence * bins));
    n[b]! += 1;
    k[b]! += p.correct ? 1 : 0;
    s[b]! += p.confidence;
  }
  const rows: ReliabilityRow[] = [];
  for (let b = 0; b < bins; b++) {
    if (n[b] === 0) continue;
    rows.push({ from: b / bins, to: (b + 1) / bins, n: n[b]!, meanConfidence: s[b]! / n[b]!, accuracy: k[b]! / n[b]! });
  }
  return rows;
}

/**
 * Expected calibration error: the n-weighted mean gap between confidence and accuracy over the table.
 * @example expectedCalibrationError([{ confidence: 1, correct: true }]) // 0
 */
export function expectedCalibrationError(
  pairs: readonly { readonly confidence: number; readonly correct: boolean }[],
  bins = 10,
): number {
  if (pairs.length === 0) return 0;
  let gap = 0;
  for (const row of reliabilityTable(pairs, bins)) gap += row.n * Math.abs(row.meanConfidence - row.accuracy);
  return gap / pairs.length;
}
