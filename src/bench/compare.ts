import type { BenchFigure } from './types.js';

/**
 * The performance gate: today's ratios against a committed baseline of ratios (never absolute times, which
 * vary with the machine). A figure regresses when its ratio moved the wrong way by more than the tolerance —
 * generous, because a shared 2-core machine is noisy. Pure.
 */
export interface BaselineFile {
  /** Relative slack: 0.5 lets a "lower is better" ratio grow to 1.5× its baseline before failing. */
  readonly tolerance: number;
  readonly figures: Readonly<Record<string, { readonly ratio: number; readonly better: 'higher' | 'lower'; readonly tolerance?: number }>>;
}

export type FigureVerdict =
  | { readonly id: string; readonly kind: 'ok' | 'regressed' | 'improved'; readonly baseline: number; readonly current: number; readonly change: number; readonly tolerance: number }
  | { readonly id: string; readonly kind: 'missing' | 'new' };

/**
 * @example compareRatios({ tolerance: 0.5, figures: { a: { ratio: 2, better: 'lower' } } }, [{ id: 'a', ratio: 3.5, better: 'lower' }])[0].kind // 'regressed'
 */
export function compareRatios(baseline: BaselineFile, current: readonly Pick<BenchFigure, 'id' | 'ratio' | 'better'>[]): FigureVerdict[] {
  const out: FigureVerdict[] = [];
  const seen = new Set<string>();
  for (const f of current) {
    seen.add(f.id);
    const b = baseline.figures[f.id];
    if (!b) {
      out.push({ id: f.id, kind: 'new' });
      continue;
    }
    const tolerance = b.tolerance ?? baseline.tolerance;
    // Change in the "worse" direction, as a fraction of the baseline: positive is worse.
    const worse = b.better === 'lower' ? f.ratio / b.ratio - 1 : b.ratio / f.ratio - 1;
    const kind = worse > tolerance ? 'regressed' : worse < -tolerance ? 'improved' : 'ok';
    out.push({ id: f.id, kind, baseline: b.ratio, current: f.ratio, change: Math.round(worse * 1000) / 1000, tolerance });
  }
  for (const id of Object.keys(baseline.figures)) if (!seen.has(id)) out.push({ id, kind: 'missing' });
  return out;
}

/** A baseline file from one bench run (`npm run bench -- --json`). */
export function baselineFrom(figures: readonly BenchFigure[], tolerance: number): BaselineFile {
  return { tolerance, figures: Object.fromEntries(figures.filter((f) => Number.isFinite(f.ratio)).map((f) => [f.id, { ratio: Number(f.ratio.toPrecision(6)), better: f.better }])) };
}
