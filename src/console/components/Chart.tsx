/**
 * Small SVG charts: no chart library, no inline styles (the CSP allows none), colours from the stylesheet.
 * Each chart has a text alternative (title + a visually hidden table) for screen readers.
 */

export interface Series {
  readonly label: string;
  readonly points: readonly { readonly x: number; readonly y: number }[];
}

const W = 320;
const H = 120;
const PAD = 6;

/** A line chart of one or more series over time (x = epoch ms), y clamped to [0, yMax]. */
export function LineChart(props: { title: string; series: readonly Series[]; yMax?: number; format?: (y: number) => string }) {
  const all = props.series.flatMap((s) => s.points);
  const fmt = props.format ?? ((y: number) => y.toFixed(2));
  if (all.length === 0) return <p class="muted">{props.title}: no data yet.</p>;
  const xs = all.map((p) => p.x);
  const x0 = Math.min(...xs);
  const x1 = Math.max(...xs);
  const yMax = props.yMax ?? Math.max(1e-9, ...all.map((p) => p.y));
  const sx = (x: number) => (x1 === x0 ? W / 2 : PAD + ((x - x0) / (x1 - x0)) * (W - 2 * PAD));
  const sy = (y: number) => H - PAD - (Math.min(Math.max(y, 0), yMax) / yMax) * (H - 2 * PAD);
  return (
    <figure class="chart">
      <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={props.title} preserveAspectRatio="none">
        <title>{props.title}</title>
        <line class="axis" x1={PAD} y1={H - PAD} x2={W - PAD} y2={H - PAD} />
        {props.series.map((s, i) => (
          <g key={s.label} class={`series s${i % 4}`}>
            <polyline fill="none" points={s.points.map((p) => `${sx(p.x).toFixed(1)},${sy(p.y).toFixed(1)}`).join(' ')} />
            {s.points.map((p) => (
              <circle key={p.x} cx={sx(p.x)} cy={sy(p.y)} r={2.5}>
                <title>{`${s.label} ${new Date(p.x).toLocaleString()}: ${fmt(p.y)}`}</title>
              </circle>
            ))}
          </g>
        ))}
      </svg>
      <figcaption>
        {props.title}
        {props.series.length > 1 && (
          <span class="legend">
            {props.series.map((s, i) => (
              <span key={s.label} class={`key s${i % 4}`}>
                {s.label}
              </span>
            ))}
          </span>
        )}
      </figcaption>
      {/* A table ignores a 1px width: the wrapper hides it without widening the page. */}
      <div class="sr-only">
        <table>
          <caption>{props.title}</caption>
          <tbody>
            {props.series.flatMap((s) =>
              s.points.map((p) => (
                <tr key={`${s.label}${p.x}`}>
                  <th scope="row">{`${s.label} ${new Date(p.x).toISOString()}`}</th>
                  <td>{fmt(p.y)}</td>
                </tr>
              )),
            )}
          </tbody>
        </table>
      </div>
    </figure>
  );
}

/** Horizontal bars: one per row, value in [0, max]. */
export function Bars(props: { title: string; rows: readonly { label: string; value: number }[]; max?: number; format?: (v: number) => string; captionHidden?: boolean }) {
  const fmt = props.format ?? ((v: number) => String(v));
  const max = props.max ?? Math.max(1, ...props.rows.map((r) => r.value));
  if (props.rows.length === 0) return <p class="muted">{props.title}: none.</p>;
  const rowH = 22;
  return (
    <figure class="chart bars">
      <figcaption class={props.captionHidden ? 'sr-only' : undefined}>{props.title}</figcaption>
      <svg viewBox={`0 0 ${W} ${props.rows.length * rowH}`} role="img" aria-label={props.title}>
        {props.rows.map((r, i) => (
          <g key={r.label}>
            <rect class="bar" x={120} y={i * rowH + 4} height={rowH - 8} width={Math.max(1, (Math.min(r.value, max) / max) * (W - 170))} />
            <text class="bar-label" x={0} y={i * rowH + 15}>
              {r.label.length > 18 ? `${r.label.slice(0, 17)}…` : r.label}
            </text>
            <text class="bar-value" x={W - 4} y={i * rowH + 15} text-anchor="end">
              {fmt(r.value)}
            </text>
          </g>
        ))}
      </svg>
    </figure>
  );
}

/** One line (or area) of a time chart: a value per bucket, null where nothing was measured. */
export interface TimeSeries {
  readonly label: string;
  readonly values: readonly (number | null)[];
}

const TW = 320;
const TH = 150;
const LEFT = 42;
const RIGHT = 10;
const TOP = 8;
const BOTTOM = 22;

/**
 * A count axis's top: 1, 2, 4 or 10 × 10^k at or above `max`, so the middle gridline is a whole number too.
 * @example countTop(3) // 4
 */
export function countTop(max: number): number {
  if (max <= 2) return 2;
  const p = 10 ** Math.floor(Math.log10(max));
  for (const m of [1, 2, 4, 10]) if (m * p >= max) return m * p;
  return 10 * p;
}

// Tops whose halves read well as durations (1 s, 2 s, 5 s, … 30 min, 1 h, 2 h, … 1 d, 2 d).
const DURATION_TOPS = [2, 4, 10, 20, 40, 60, 120, 240, 600, 1200, 1800, 3600, 7200, 14_400, 28_800, 86_400, 172_800, 345_600, 864_000, 1_728_000];

/**
 * A duration axis's top (seconds) at or above `max`.
 * @example durationTop(250) // 600 (middle gridline 5 min)
 */
export function durationTop(max: number): number {
  return DURATION_TOPS.find((t) => t >= max) ?? countTop(max / 86_400) * 86_400;
}

/** Consecutive runs of measured values: a line is broken where a bucket measured nothing. */
function runs(values: readonly (number | null)[]): { i: number; y: number }[][] {
  const out: { i: number; y: number }[][] = [];
  let run: { i: number; y: number }[] = [];
  values.forEach((y, i) => {
    if (y === null) {
      if (run.length > 0) out.push(run);
      run = [];
    } else run.push({ i, y });
  });
  if (run.length > 0) out.push(run);
  return out;
}

/** A sentence per series for screen readers: the highest and the latest measured value, or that nothing was measured. */
function summary(times: readonly number[], s: TimeSeries, fmt: (y: number) => string, when: (t: number) => string): string {
  let hi = -1;
  let last = -1;
  s.values.forEach((v, i) => {
    if (v === null) return;
    if (hi < 0 || v > s.values[hi]!) hi = i;
    last = i;
  });
  if (last < 0) return `${s.label}: nothing measured.`;
  return `${s.label}: highest ${fmt(s.values[hi]!)} (${when(times[hi]!)}), latest ${fmt(s.values[last]!)} (${when(times[last]!)}).`;
}

/**
 * A chart over fixed time buckets (every bucket has a place on the x axis, measured or not): lines with a dot per
 * measured bucket, or areas for counts. Text alternative: the svg's title and a desc summarising each series, and a
 * visually hidden table of every value.
 */
export function TimeChart(props: {
  id: string;
  title: string;
  description: string;
  /** Bucket starts (epoch ms), one per value. */
  times: readonly number[];
  series: readonly TimeSeries[];
  kind: 'line' | 'area';
  /** Top of the axis (rates: 1; counts: `countTop`; durations: `durationTop`); higher values are drawn at the top. */
  yMax: number;
  format: (y: number) => string;
  /** Short tick label of a bucket start, and the full one for the table. */
  tick: (t: number) => string;
  when: (t: number) => string;
}) {
  const { times, series, format: fmt } = props;
  if (times.length === 0) return <p class="muted">{props.title}: no buckets.</p>;
  const { yMax } = props;
  const n = times.length;
  const sx = (i: number) => (n === 1 ? (LEFT + TW - RIGHT) / 2 : LEFT + (i / (n - 1)) * (TW - LEFT - RIGHT));
  const sy = (y: number) => TH - BOTTOM - (Math.min(Math.max(y, 0), yMax) / yMax) * (TH - TOP - BOTTOM);
  const base = sy(0);
  const ticks = n === 1 ? [0] : [0, Math.floor((n - 1) / 2), n - 1];
  const titleId = `${props.id}-title`;
  const descId = `${props.id}-desc`;
  const xy = (p: { i: number; y: number }) => `${sx(p.i).toFixed(1)},${sy(p.y).toFixed(1)}`;
  return (
    <figure class="chart time" data-testid={`chart-${props.id}`}>
      <figcaption>
        <span class="chart-title">{props.title}</span>
        {series.length > 1 && (
          <span class="legend">
            {series.map((s, i) => (
              <span key={s.label} class={`key s${i % 4}`}>
                {s.label}
              </span>
            ))}
          </span>
        )}
      </figcaption>
      <p class="chart-note">{props.description}</p>
      <svg viewBox={`0 0 ${TW} ${TH}`} role="img" aria-labelledby={`${titleId} ${descId}`}>
        <title id={titleId}>{props.title}</title>
        <desc id={descId}>{`${props.description} ${series.map((s) => summary(times, s, fmt, props.when)).join(' ')}`}</desc>
        {[0, yMax / 2, yMax].map((v) => (
          <g key={v}>
            <line class={v === 0 ? 'axis' : 'grid-line'} x1={LEFT} y1={sy(v)} x2={TW - RIGHT} y2={sy(v)} />
            <text class="tick" x={LEFT - 4} y={sy(v) + 3.5} text-anchor="end">
              {fmt(v)}
            </text>
          </g>
        ))}
        {ticks.map((i, k) => (
          <text key={i} class="tick" x={sx(i)} y={TH - 6} text-anchor={ticks.length === 1 ? 'middle' : k === 0 ? 'start' : k === ticks.length - 1 ? 'end' : 'middle'}>
            {props.tick(times[i]!)}
          </text>
        ))}
        {/* The first series last, so it stays on top where two lines meet. */}
        {series
          .map((s, si) => ({ s, si }))
          .reverse()
          .map(({ s, si }) => (
            <g key={s.label} class={`series s${si % 4}`}>
              {runs(s.values).map((run) =>
                props.kind === 'area' && run.length > 1 ? (
                  <g key={run[0]!.i}>
                    <polygon points={`${sx(run[0]!.i).toFixed(1)},${base.toFixed(1)} ${run.map(xy).join(' ')} ${sx(run[run.length - 1]!.i).toFixed(1)},${base.toFixed(1)}`} />
                    <polyline fill="none" points={run.map(xy).join(' ')} />
                  </g>
                ) : (
                  <polyline key={run[0]!.i} fill="none" points={run.map(xy).join(' ')} />
                ),
              )}
              {s.values.map((v, i) =>
                v === null || (props.kind === 'area' && v === 0) ? null : (
                  <circle key={times[i]} cx={sx(i)} cy={sy(v)} r={2.5}>
                    <title>{`${s.label}, ${props.when(times[i]!)}: ${fmt(v)}`}</title>
                  </circle>
                ),
              )}
            </g>
          ))}
      </svg>
      <div class="sr-only">
        <table>
          <caption>{props.title}</caption>
          <thead>
            <tr>
              <th scope="col">Time</th>
              {series.map((s) => (
                <th key={s.label} scope="col">
                  {s.label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {times.map((t, i) => (
              <tr key={t}>
                <th scope="row">{props.when(t)}</th>
                {series.map((s) => (
                  <td key={s.label}>{s.values[i] === null ? 'not measured' : fmt(s.values[i]!)}</td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </figure>
  );
}
