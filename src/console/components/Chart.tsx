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
      <table class="sr-only">
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
